"""``emergence nn transformer`` and the transformer panel (Fig. 4) of the ``networks`` figure set."""
import subprocess
import sys

import pytest

from derivations.cli import main


def run(*args):
    proc = subprocess.run([sys.executable, "-m", "derivations.cli", *args], capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("extra, match", [
    (["--width", "6"], "d_model"), (["--lr", "0"], "--lr"), (["--steps", "0"], "--steps"),
    (["--batch", "0"], "--batch"), (["--preset", "huge"], "--preset"), (["--seeds", "x"], "--seeds"),
])
def test_transformer_bad_input_is_one_line_exit_2(extra, match, tmp_path):
    code, _, err = run("nn", "transformer", *extra, "-o", str(tmp_path / "x"))
    assert code == 2, err
    assert err.startswith("emergence: error:") and match in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x" / "runs").exists()


def test_transformer_cli_runs_reports_and_draws_fig4(tmp_path, capsys, monkeypatch):
    torch = pytest.importorskip("torch", reason="the transformer needs the optional extra nn (torch)")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        out = tmp_path / "nn" / "transformer-quick"
        args = ["nn", "transformer", "--steps", "30", "--width", "8", "--batch", "16", "--seeds", "0",
                "--jobs", "1", "-o", str(out)]
        assert main(args) == 0
        text = capsys.readouterr().out
        assert "tau_emerge(k)" in text and "k=5" in text and "power-law fit" in text
        assert (out / "summary.json").exists() and (out / "runs" / "seed0.jsonl").exists()
        before = (out / "runs" / "seed0.jsonl").read_text()
    finally:
        torch.set_num_threads(threads)
    code, _, err = run(*args[:2], "--steps", "40", *args[4:])
    assert code == 2 and "different configuration" in err and len(err.strip().splitlines()) == 1
    assert (out / "runs" / "seed0.jsonl").read_text() == before

    from derivations.document.figures import get_figure_set

    monkeypatch.setenv("EMERGENCE_NN_RESULTS", str(tmp_path / "nn"))
    figures = get_figure_set("networks").make(tmp_path / "figs")
    assert [f.png.name for f in figures] == ["networks_fig4.png"]
    assert figures[0].png.stat().st_size > 1000 and figures[0].pdf.exists()
