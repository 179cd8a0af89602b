"""``emergence nn``, ``emergence calibrate`` and the ``networks`` figure set as a user runs them."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from derivations.cli import main
from numeric_check.closed_forms.emergence import data_emergence


def run(*args, cwd=None, env=None):
    proc = subprocess.run([sys.executable, "-m", "derivations.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env=env)
    return proc.returncode, proc.stdout, proc.stderr


def test_nn_runs_resumes_and_refuses_another_configuration(tmp_path, capsys):
    out = tmp_path / "time"
    args = ["nn", "time", "--preset", "quick", "--steps", "60", "--seeds", "0", "--width", "16", "--jobs", "1",
            "-o", str(out)]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "fitted B2" in text and "emergence order" in text
    assert (out / "summary.json").exists() and (out / "runs" / "ns5_seed0.jsonl").exists()
    before = (out / "runs" / "ns5_seed0.jsonl").read_text()
    assert main(args) == 0  # same command: reads back, trains nothing
    assert (out / "runs" / "ns5_seed0.jsonl").read_text() == before
    code, _, err = run(*args[:5], "70", *args[6:])
    assert code == 2 and err.startswith("emergence: error:") and "different configuration" in err
    assert len(err.strip().splitlines()) == 1
    assert (out / "runs" / "ns5_seed0.jsonl").read_text() == before


@pytest.mark.parametrize("extra, match", [
    (["--preset", "huge"], "--preset"), (["--steps", "0"], "--steps"), (["--width", "0"], "--width"),
    (["--batch", "-3"], "--batch"), (["--lr", "0"], "--lr"), (["--lr", "nan"], "--lr"),
    (["--seeds", "a,b"], "--seeds"), (["--jobs", "0"], "jobs"),
    (["--grid", "3:100"], "--grid"), (["--grid", "1:0"], "--grid"), (["--grid", "1:5,5"], "--grid"),
    (["--grid", "100"], "--grid"),
])
def test_nn_bad_input_is_one_line_exit_2(extra, match, tmp_path):
    code, out, err = run("nn", "data", *extra, "-o", str(tmp_path / "x"))
    assert code == 2, err
    assert err.startswith("emergence: error:") and match in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x" / "runs").exists()


def test_summary_json_is_strict_and_never_reached_is_null(tmp_path, capsys):
    """Item 8: skills that never emerge are ``null`` in summary.json (parsed strictly, no NaN
    token) and printed as 'not reached'; the lines' step-0 training loss is null too."""
    out = tmp_path / "time"
    assert main(["nn", "time", "--steps", "60", "--seeds", "0", "--width", "16", "--jobs", "1", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "not reached" in text and "nan" not in text

    def refuse(token):
        raise AssertionError(f"{token} in strict JSON")

    summary = json.loads((out / "summary.json").read_text(), parse_constant=refuse)
    assert summary["skills"][4]["step_half_measured"] is None and "seconds_this_call" not in summary
    first = json.loads((out / "runs" / "ns1_seed0.jsonl").read_text().splitlines()[0], parse_constant=refuse)
    assert first["step"] == 0 and first["train_loss"] is None


def test_an_override_the_experiment_does_not_use_is_refused(tmp_path):
    """Item 10: ``nn parameter --width`` was written to config.json and ignored."""
    code, _, err = run("nn", "parameter", "--width", "5", "-o", str(tmp_path / "p"))
    assert code == 2 and "--width is not used by the parameter experiment" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "p").exists()


@pytest.mark.parametrize("extra, match", [
    (["--seeds", "5-1"], "--seeds range '5-1' is decreasing, so it names no seed"),
    (["--seeds", "0-5000"], "--seeds names at most 1000 seeds"),
    (["--seeds", "1,1"], "names a seed twice"),
    (["--width", "100000000"], "more than the 4 GiB bound"),
    (["--batch", "100000000"], "more than the 4 GiB bound"),
    (["--width", "1e8"], "--width"),
    (["--steps", "100000000"], "checkpoints"),
    (["--jobs", "1000"], "--jobs must be an integer in [1, 64]"),
])
def test_nn_sizes_and_seeds_say_what_is_wrong(extra, match, tmp_path):
    """Items 14 and 17: bounds derived from memory; a decreasing seed range says so."""
    code, _, err = run("nn", "time", *extra, "-o", str(tmp_path / "x"))
    assert code == 2 and match in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_diverging_run_is_one_error_line_without_warnings(tmp_path, jobs):
    """Item 17: overflows of a diverging network printed 8-16 RuntimeWarning lines."""
    code, _, err = run("nn", "time", "--lr", "1000", "--steps", "50", "--width", "16", "--batch", "64",
                       "--seeds", "0", "--jobs", jobs, "-o", str(tmp_path / "x"))
    assert code == 2 and "diverged" in err and "lower lr" in err
    assert err.strip().splitlines() == [err.strip()] and "Warning" not in err


def _write(path, rows, header=True):
    lines = (["resource,skill,R/S"] if header else []) + [",".join(map(str, r)) for r in rows]
    path.write_text("\n".join(lines) + "\n")


def test_calibrate_data_recovers_Dc_and_predicts(tmp_path, capsys):
    D = np.arange(50, 1500, 50)
    R = data_emergence(D, k=1, alpha=0.6, n_s=1, Dc=800, law="eq17")
    _write(tmp_path / "m.csv", [(d, 1, r) for d, r in zip(D, R)])
    assert main(["calibrate", "--kind", "data", "--csv", str(tmp_path / "m.csv"), "--law", "eq17"]) == 0
    out = capsys.readouterr().out
    assert "D_c (eq17 law) = 800 ±" in out and "k=5" in out


def test_calibrate_time_and_width(tmp_path, capsys):
    _write(tmp_path / "w.csv", [(n, 1, min(n / 3, 1)) for n in range(1, 10)])
    assert main(["calibrate", "--kind", "parameter", "--csv", str(tmp_path / "w.csv")]) == 0
    assert "N_c = 3 ±" in capsys.readouterr().out
    T = np.arange(0, 2000, 20)
    R = 1 / (1 + (5 / 1e-3 - 1) * np.exp(-2 * 0.1 * 0.05 * 5 * T))
    _write(tmp_path / "t.csv", [(t, 1, r) for t, r in zip(T, R)], header=False)
    assert main(["calibrate", "--kind", "time", "--csv", str(tmp_path / "t.csv"), "--lr", "0.05",
                 "--r0", "1e-3"]) == 0
    out = capsys.readouterr().out
    assert "B2 = 0.0500" in out and "k=2" in out


@pytest.mark.parametrize("content, match", [
    ("resource,skill,R/S\n10,1,0.5\n20,1\n", "line 3: expected 3 columns"),
    ("10,1,0.5\n20,1,abc\n", "line 2: not numbers"),
    ("10,1,0.5\n20,0,0.5\n", "line 2: skill index"),
    ("10,1,0.5\n-5,1,0.5\n", "line 2: resource"),
    ("10,1,0.5\n20,1.5,0.5\n", "line 2: skill index"),
    ("10,1,inf\n20,1,0.5\n", "line 1: values must be finite"),
    ("resource,skill,R/S\n", "at least 2 data rows"),
    ("10,3,0.5\n20,3,0.6\n", "line 1: skill index 3 is above --n-s 1"),
])
def test_calibrate_rejects_malformed_csv_with_the_line(content, match, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    code, _, err = run("calibrate", "--kind", "parameter", "--csv", str(path))
    assert code == 2 and match in err and err.startswith("emergence: error:")
    assert len(err.strip().splitlines()) == 1


def test_calibrate_unreadable_csv(tmp_path):
    code, _, err = run("calibrate", "--kind", "time", "--csv", str(tmp_path / "missing.csv"))
    assert code == 2 and "cannot be read" in err
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00\x81")
    code, _, err = run("calibrate", "--kind", "time", "--csv", str(tmp_path / "bin.csv"))
    assert code == 2 and "cannot be read" in err


def test_networks_figures_without_results_fail_in_one_line(tmp_path, capsys):
    """Item 18: asked for by name, the set without results is one error line (exit 2); inside
    the document (make without ``required``) it is one note and no figure."""
    import os

    from derivations.document import network_figures

    env = {**os.environ, "EMERGENCE_NN_RESULTS": str(tmp_path / "none")}
    code, out, err = run("figures", "networks", "-o", str(tmp_path / "figs"), env=env)
    assert code == 2 and err.startswith("emergence: error: no finished network results under")
    assert len(err.strip().splitlines()) == 1
    assert not list((tmp_path / "figs").glob("*.png"))
    (tmp_path / "empty").mkdir()
    code, _, err = run("figures", "networks", "-o", str(tmp_path / "figs"), "--results", str(tmp_path / "empty"))
    assert code == 2 and str(tmp_path / "empty") in err and len(err.strip().splitlines()) == 1
    code, _, err = run("figures", "scaling", "-o", str(tmp_path / "figs"), "--results", str(tmp_path / "empty"))
    assert code == 2 and "--results is used by the networks figure set only" in err
    assert network_figures.make(tmp_path / "figs", results=tmp_path / "empty") == []
    assert "no figure made" in capsys.readouterr().err


def test_networks_figures_find_the_bundled_results_from_any_folder(tmp_path):
    """Item 18: run from elsewhere, the set still finds docs/results/nn (relative to the package)."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "EMERGENCE_NN_RESULTS"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[2]),
                                                      env.get("PYTHONPATH")]))
    code, out, err = run("figures", "networks", "-o", str(tmp_path / "figs"), cwd=tmp_path, env=env)
    assert code == 0, err
    assert {p.name for p in (tmp_path / "figs").glob("*.png")} >= {"networks_fig1.png", "networks_fig11.png"}


def test_networks_figures_from_saved_results(tmp_path, monkeypatch):
    from derivations.document.figures import get_figure_set
    from dataclasses import replace
    from numeric_check.networks.experiments import PRESETS, run_experiment

    root = tmp_path / "nn"
    spec = replace(PRESETS["quick"]["parameter"], steps=40, eval_every=20, seeds=(0, 1), eval_samples=200,
                   widths={"1": (1, 2, 3), "5": (2, 4)})
    run_experiment(spec, root / "parameter-quick")
    monkeypatch.setenv("EMERGENCE_NN_RESULTS", str(root))
    figures = get_figure_set("networks").make(tmp_path / "figs")
    assert [f.png.name for f in figures] == ["networks_fig1.png", "networks_fig11.png"]
    assert all(f.png.stat().st_size > 1000 and f.pdf.exists() for f in figures)


def test_nn_help_names_the_dask_options(capsys):
    with pytest.raises(SystemExit):
        main(["nn", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--scheduler tcp://HOST:PORT" in text and "local Dask cluster" in text
    assert "docs/distributed.md" in text


def test_the_committed_paper_time_runs_read_back_and_print_their_seed_interval():
    """docs/results/nn/time-paper: K.1 settings, 5 seeds of n_s = 1 and 5, every run complete."""
    import json
    from pathlib import Path

    from derivations.cli.nn import format_summary
    from numeric_check.networks.experiments import load_results

    folder = Path(__file__).resolve().parents[2] / "docs" / "results" / "nn" / "time-paper"
    spec, results = load_results(folder)
    assert (spec.n_b, spec.width, spec.batch, spec.steps, spec.eval_samples) == (32, 1000, 4000, 30000, 20000)
    assert len(results) == 10 and all(r.steps[-1] == 30000 for r in results)
    text = format_summary(json.loads((folder / "summary.json").read_text()))
    assert "interval [" in text and "skills 2..5" in text


def test_the_report_of_a_calibration_without_prediction_runs_prints_the_fitted_constant(tmp_path, capsys):
    """With only n_s = 1 runs the report gives the calibration and says the prediction is missing;
    with no finished run at all it says there is no calibration."""
    base = ["nn", "parameter", "--preset", "quick", "--steps", "40", "--seeds", "0,1", "--jobs", "1"]
    assert main([*base, "--grid", "1:1,2,3", "--grid", "5:", "-o", str(tmp_path / "one")]) == 0
    out = capsys.readouterr().out
    assert "fitted N_c = " in out and "N_c over seeds: 95% interval [" in out
    assert "no prediction: finished n_s=5 runs are needed for the prediction" in out
    assert "no calibration" not in out
    from derivations.cli.nn import format_summary
    assert format_summary({"experiment": "data", "n_s_predicted": 5, "missing": "finished n_s=1 and n_s=5 runs "
                           "are needed"}) == "no calibration: finished n_s=1 and n_s=5 runs are needed"


def test_nn_grid_picks_the_values_and_a_folder_grows_by_grid_and_seeds(tmp_path, capsys):
    out = tmp_path / "data"
    base = ["nn", "data", "--preset", "quick", "--steps", "40", "--width", "16", "--batch", "32", "--jobs", "1",
            "-o", str(out)]
    assert main([*base, "--seeds", "0", "--grid", "1:60,40", "--grid", "5:"]) == 0
    config = json.loads((out / "config.json").read_text())
    assert config["D_values"] == {"1": [40, 60], "5": []} and config["seeds"] == [0]
    first = (out / "runs" / "ns1_D40_seed0.jsonl").read_bytes()
    assert main([*base, "--seeds", "1", "--grid", "1:80", "--grid", "5:"]) == 0
    config = json.loads((out / "config.json").read_text())
    assert config["D_values"] == {"1": [40, 60, 80], "5": []} and config["seeds"] == [0, 1]
    assert sorted(p.name for p in (out / "runs").glob("*.jsonl")) == [
        "ns1_D40_seed0.jsonl", "ns1_D60_seed0.jsonl", "ns1_D80_seed1.jsonl"]
    assert (out / "runs" / "ns1_D40_seed0.jsonl").read_bytes() == first     # not trained again
    assert "data emergence, preset quick: 3 runs in" in capsys.readouterr().out
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seeds"]["1"] == 2                                       # the report reads every run
    code, _, err = run(*base[:-2], "--lr", "0.01", "--grid", "1:40", "-o", str(out))
    assert code == 2 and "different configuration" in err and "lr" in err


def test_the_committed_paper_data_runs_stop_by_the_rule_validated_on_runs_trained_to_the_end():
    """docs/results/nn/data-paper: K.1 data settings, every run finished by the stopping rule;
    docs/results/nn/data-paper-to-end: runs trained the full 500,000 steps, on which the rule is
    checked (it may change no R_k/S by more than 0.01, the issue's bound)."""
    from derivations.document.network_figures import is_paper_setting
    from numeric_check.networks.experiments import load_results
    from numeric_check.networks.runner import stop_check

    root = Path(__file__).resolve().parents[2] / "docs" / "results" / "nn"
    spec, results = load_results(root / "data-paper")
    assert is_paper_setting(spec) and spec.seeds == (0, 1, 2) and spec.stop_rule is not None
    for n_s in (1, 5):
        values = spec.D_values[str(n_s)]
        assert len(values) >= 4
        assert sorted((r.D, r.seed) for r in results if r.n_s == n_s) == [(D, s) for D in values for s in (0, 1, 2)]
    for r in results:
        lines = [{"step": int(s), "R": list(R)} for s, R in zip(r.steps, r.R)]
        assert r.done and stop_check(lines, spec.stop_rule)["stop_step"] == r.steps[-1] < spec.steps
    full_spec, full = load_results(root / "data-paper-to-end")
    assert full_spec.stop_rule is None and full and all(r.done and r.steps[-1] == 500_000 for r in full)
    assert {r.n_s for r in full} == {1, 5}
    for r in full:
        lines = [{"step": int(s), "R": list(R)} for s, R in zip(r.steps, r.R)]
        check = stop_check(lines, spec.stop_rule)
        assert check["stop_step"] is not None and check["max_change"] <= 0.01, (r.name, check)
        twin = [g for g in results if g.name == r.name]         # the same run under the rule: its prefix
        if twin:
            n = len(twin[0].steps)
            assert np.array_equal(twin[0].R, r.R[:n]) and twin[0].steps[-1] == check["stop_step"]
    summary = json.loads((root / "data-paper" / "summary.json").read_text())
    assert summary["better_law"] in ("eq17", "linear") and len(summary["fits"]) == 2


def test_the_committed_paper_width_runs_are_complete_and_show_why_they_have_no_stopping_rule():
    """docs/results/nn/parameter-paper: K.1 width settings, 3 seeds at every width, every run
    trained all 500,000 steps. The data runs' rule would have cut one of them (n_s = 1, width 4,
    seed 0) on its plateau at step 60,000, before it learned skill 1 at step 150,000."""
    from derivations.document.network_figures import is_paper_setting
    from numeric_check.networks.experiments import PRESETS, load_results
    from numeric_check.networks.runner import stop_check

    root = Path(__file__).resolve().parents[2] / "docs" / "results" / "nn"
    spec, results = load_results(root / "parameter-paper")
    assert is_paper_setting(spec) and spec.seeds == (0, 1, 2) and spec.stop_rule is None
    for n_s in (1, 5):
        values = spec.widths[str(n_s)]
        assert len(values) >= 5
        assert sorted((r.width, r.seed) for r in results if r.n_s == n_s) == [
            (N, s) for N in sorted(values) for s in (0, 1, 2)]
    assert all(r.done and r.steps[-1] == 500_000 for r in results)
    (plateau,) = [r for r in results if r.name == "ns1_N4_seed0"]
    lines = [{"step": int(s), "R": list(R)} for s, R in zip(plateau.steps, plateau.R)]
    check = stop_check(lines, PRESETS["paper"]["data"].stop_rule)
    assert check["stop_step"] == 60_000 and check["max_change"] > 0.3, check
    summary = json.loads((root / "parameter-paper" / "summary.json").read_text())
    (fit,) = summary["fits"]
    assert fit["fit"]["value"] > 0 and len(fit["skills"]) == 5 and summary["seeds"] == {"1": 3, "5": 3}
