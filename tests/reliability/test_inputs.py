"""Hostile input to the ``emergence`` command and the public API: what comes back is a result or
one line ``emergence: error: ...`` naming the argument (exit 2), never a traceback, NaN in JSON,
a half-written file or a temporary file left behind.

Each test names the item of the reliability issue it covers (8, 13, 14, 15, 16, 17);
docs/reliability.md lists them by guarantee.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import time

import numpy as np
import pytest

from derivations.cli import main
from numeric_check.validation import ArgumentError


def cli(capsys, *argv):
    """Run ``emergence ARGV`` in-process; return (exit code, stdout, stderr)."""
    capsys.readouterr()
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:        # argparse: --help, usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code, err, *words):
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("emergence: error: "), err
    assert "Traceback" not in err
    for word in words:
        assert word in err, (word, err)


def strict_loads(text):
    """``json.loads`` that refuses the NaN/Infinity tokens json.dumps writes by default."""
    def refuse(token):
        raise ValueError(f"not JSON: {token}")
    return json.loads(text, parse_constant=refuse)


def leftovers(folder):
    """Temporary or probe files (a failed write must leave none)."""
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp") or "emergence-probe" in p.name)


def _forbid(monkeypatch, target, attribute):
    """Make ``target.attribute`` fail the test if it is called: the command must refuse first."""
    def worked(*args, **kwargs):
        raise AssertionError(f"{attribute} ran although an argument was invalid")
    monkeypatch.setattr(target, attribute, worked)


# ------------------------------------------------------------------ 8: no NaN, strict JSON

def test_8_curve_R0_too_small_for_a_finite_S_over_R0_is_refused(capsys):
    """``--R0 1e-320`` made S/R0 infinite and the curve ``inf * 0 = nan``; now one line."""
    code, out, err = cli(capsys, "curve", "emergence-time", "--R0", "1e-320")
    assert_one_line_error(code, err, "--R0", "1e-300")
    assert "nan" not in out


def test_8_time_emergence_refuses_R0_below_1e300_S():
    from numeric_check.closed_forms.emergence import time_emergence

    with pytest.raises(ArgumentError, match="R0 must lie in"):
        time_emergence([1e5], k=1, alpha=0.6, n_s=5, S=5.0, B2=1 / 22, R0=1e-320, eta=0.05)
    out = time_emergence([1e5], k=1, alpha=0.6, n_s=5, S=5.0, B2=1 / 22, R0=5e-300, eta=0.05)
    assert np.all(np.isfinite(out))


@pytest.mark.parametrize("argv", [
    ["emergence-time", "--points", "5", "--R0", "1e-299"],
    ["emergence-data", "--points", "5", "--Dc", "50"],
    ["emergence-parameter", "--x-max", "9"],
])
def test_8_curve_json_is_strict(capsys, argv):
    code, out, err = cli(capsys, "curve", *argv, "--json")
    assert code == 0, err
    data = strict_loads(out)
    assert all(v is None or np.isfinite(v) for values in data["curves"].values() for v in values)


def test_8_a_curve_value_that_is_not_finite_is_null_in_json_and_a_dash_in_the_table(capsys, monkeypatch):
    import derivations.cli.curve as curve

    monkeypatch.setattr(curve, "time_emergence", lambda x, **kw: np.where(x > 1e3, np.nan, 0.5))
    code, out, _ = cli(capsys, "curve", "emergence-time", "--points", "3", "--k", "1", "--json")
    assert code == 0 and strict_loads(out)["curves"]["1"] == [0.5, None, None]
    code, out, _ = cli(capsys, "curve", "emergence-time", "--points", "3", "--k", "1")
    assert code == 0 and "nan" not in out.lower() and out.rstrip().endswith("-")


def test_8_check_json_writes_null_for_a_numeric_error_that_is_not_finite(capsys, monkeypatch):
    import derivations.claim as claim_module
    from derivations.claim import Agreement, CheckResult

    def fake_checks(claim, seed=0):
        agreement = Agreement(float("nan"), 1e-6, "did not converge", (("last", float("inf")),), method="simulation")
        return CheckResult(id=claim.id, symbolic=True, agreement=agreement, seconds=0.0)

    monkeypatch.setattr(claim_module, "run_checks", fake_checks)
    code, out, err = cli(capsys, "check", "theorem-1", "--json")
    assert code == 1, err
    (record,) = strict_loads(out)
    assert record["numeric_error"] is None and record["details"] == {"last": None}


def test_8_constants_json_is_strict(capsys):
    code, out, err = cli(capsys, "constants", "--alpha", "0.6", "--S", "1", "--r", "0.01", "--eta", "1",
                         "--dps", "5", "--json")
    assert code == 0, err
    assert strict_loads(out)["alpha"] == "0.6"


# ------------------------------------------------------------------ 14: bounds, checked before work

@pytest.mark.parametrize("command", ["check", "latex"])
@pytest.mark.parametrize("seed", ["-1", "4294967296", "99999999999999999999"])
def test_14_seed_out_of_range_is_refused_before_any_work(capsys, monkeypatch, tmp_path, command, seed):
    import derivations.document.latex as latex_document
    import derivations.registry as registry

    _forbid(monkeypatch, registry, "claims")
    _forbid(monkeypatch, latex_document, "build_document")
    argv = ["check", "theorem-1"] if command == "check" else ["latex", "-o", tmp_path / "doc.tex"]
    start = time.perf_counter()
    code, _, err = cli(capsys, *argv, "--seed", seed)
    assert_one_line_error(code, err, "--seed", "[0, 4294967295]")
    assert time.perf_counter() - start < 5 and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv, words", [
    (["emergence-time", "--n-s", "1e20"], ["--n-s", "10**6"]),
    (["emergence-data", "--Dc", "1e300"], ["--Dc", "10**7"]),
    (["emergence-time", "--points", "1e6"], ["--points", "100000"]),
    (["emergence-time", "--n-s", "200"], ["--k", "100"]),
    (["emergence-time", "--n-s", "1000", "--k", ",".join(map(str, range(1, 102)))], ["--k", "100"]),
    (["emergence-time", "--n-s", "100", "--points", "100000"], ["skills x points"]),
    (["emergence-parameter", "--x-max", "1000000"], ["skills x points"]),
    (["emergence-parameter", "--Nc", "1e300"], ["--Nc", "10**6"]),
    (["emergence-data", "--Dc", "10000000", "--points", "100000"], ["binomial terms"]),
    (["emergence-data", "--x-max", "1e300"], ["--x-max", "2**53"]),
])
def test_14_curve_sizes_are_refused_in_one_line_before_work(capsys, argv, words):
    start = time.perf_counter()
    code, out, err = cli(capsys, "curve", *argv)
    assert_one_line_error(code, err, *words)
    assert out == "" and time.perf_counter() - start < 5


@pytest.mark.parametrize("make, words", [
    (lambda: __import__("numeric_check.simulation.data", fromlist=["x"]).SparseParity(n_s=2, n_b=6, layout_seed=-1),
     ["layout_seed", "[0, 4294967295]"]),
    (lambda: __import__("numeric_check.simulation.data", fromlist=["x"]).SparseParity(n_s=2, n_b=10**12),
     ["n_b", "2**20"]),
    (lambda: __import__("numeric_check.simulation.data", fromlist=["x"]).SparseParity(n_s=2, n_b=6).sample(
        10**12, np.random.default_rng(0)), ["n must be", "2**34 bytes"]),
    (lambda: __import__("numeric_check.simulation.data", fromlist=["x"]).SparseParity(n_s=2, n_b=6).dataset(
        10**12, np.random.default_rng(0)), ["D must be", "2**34 bytes"]),
    (lambda: __import__("numeric_check.simulation.data", fromlist=["x"]).skill_probabilities(0.6, 10**12),
     ["n_s", "100000000"]),
    (lambda: __import__("numeric_check.closed_forms.curves", fromlist=["x"]).compute_curve(
        [1.0, 2.0, 3.0], [1, 2], alpha=0.6, S=1.0, r=0.01, eta=1.0, n_s=10), ["T and N", "(3,)", "(2,)"]),
    (lambda: __import__("numeric_check.closed_forms.curves", fromlist=["x"]).compute_curve(
        np.ones(10**7 + 1), 1, alpha=0.6, S=1.0, r=0.01, eta=1.0, n_s=10), ["T", "1e+07"]),
    (lambda: __import__("numeric_check.closed_forms.emergence", fromlist=["x"]).data_emergence(
        [10], k=1, alpha=0.6, n_s=5, Dc=10**300), ["Dc", "10000000"]),
    (lambda: __import__("numeric_check.closed_forms.emergence", fromlist=["x"]).width_emergence(
        [1e300], k=1, Nc=4), ["N (width)", "2**53"]),
], ids=["layout_seed", "n_b", "sample", "dataset", "skill_probabilities", "T-vs-N", "T-size", "Dc", "width"])
def test_14_api_sizes_and_seeds_are_refused_in_one_line(make, words):
    with pytest.raises(ArgumentError) as info:
        make()
    message = str(info.value)
    assert "\n" not in message and all(w in message for w in words), message


@pytest.mark.parametrize("command, words", [
    ("curve", ["10**6", "at most 100", "10**7", "[2, 10**5]"]),
    ("check", ["2**32 - 1"]),
    ("latex", ["2**32 - 1"]),
])
def test_14_help_states_the_bounds(capsys, command, words):
    code, out, _ = cli(capsys, command, "--help")
    text = " ".join(out.split())
    assert code == 0 and all(w in text for w in words), text


# ------------------------------------------------------------------ 15: file modes

@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_15_a_new_output_file_gets_the_mode_open_would_give(capsys, tmp_path, umask, mode):
    target = tmp_path / "curve.txt"
    old = os.umask(umask)
    try:
        code, _, err = cli(capsys, "curve", "emergence-parameter", "--x-max", "3", "-o", target)
    finally:
        os.umask(old)
    assert code == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_15_a_replaced_output_file_keeps_its_mode(capsys, tmp_path):
    target = tmp_path / "curve.txt"
    target.write_text("old\n")
    target.chmod(0o640)
    old = os.umask(0o077)
    try:
        code, _, err = cli(capsys, "curve", "emergence-parameter", "--x-max", "3", "-o", target)
    finally:
        os.umask(old)
    assert code == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_text() != "old\n"


# ------------------------------------------------------------------ 16: the -o path

def _argv_with_output(command, output):
    return {
        "curve": ["curve", "emergence-parameter", "--x-max", "3", "-o", output],
        "notes": ["notes", "-o", output],
        "latex": ["latex", "--no-figures", "-o", output],
        "figures": ["figures", "networks", "-o", output],
    }[command]


def _forbid_work(monkeypatch):
    import derivations.document.figures as figures_module
    import derivations.document.latex as latex_document
    import derivations.document.notes as notes_module

    _forbid(monkeypatch, latex_document, "build_document")
    _forbid(monkeypatch, notes_module, "notes_markdown")
    real = figures_module.get_figure_set

    def no_drawing(name):
        fig_set = real(name)
        return fig_set.__class__(fig_set.name, fig_set.section, lambda folder: (_ for _ in ()).throw(
            AssertionError("figures were drawn although -o was invalid")))
    monkeypatch.setattr(figures_module, "get_figure_set", no_drawing)


@pytest.mark.parametrize("command", ["curve", "notes", "latex", "figures"])
def test_16_output_under_a_regular_file_says_not_a_directory(capsys, monkeypatch, tmp_path, command):
    _forbid_work(monkeypatch)
    (tmp_path / "afile").write_text("keep\n")
    code, _, err = cli(capsys, *_argv_with_output(command, tmp_path / "afile" / "out"))
    assert_one_line_error(code, err, "-o", "not a directory")
    assert "File exists" not in err and (tmp_path / "afile").read_text() == "keep\n"


def test_16_figures_into_a_regular_file_names_the_folder_not_an_internal_path(capsys, monkeypatch, tmp_path):
    _forbid_work(monkeypatch)
    (tmp_path / "afile").write_text("keep\n")
    code, _, err = cli(capsys, "figures", "networks", "-o", tmp_path / "afile")
    assert_one_line_error(code, err, "-o", str(tmp_path / "afile"), "not a directory")
    assert "probe" not in err


@pytest.mark.parametrize("command", ["curve", "notes", "latex", "figures"])
def test_16_an_empty_output_path_is_refused(capsys, monkeypatch, tmp_path, command):
    _forbid_work(monkeypatch)
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, *_argv_with_output(command, ""))
    assert_one_line_error(code, err, "-o", "non-empty path")
    assert out == "" and list(tmp_path.iterdir()) == []


def test_16_output_at_a_symbolic_link_writes_through_to_its_target(capsys, tmp_path):
    real = tmp_path / "data" / "real.txt"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    code, _, err = cli(capsys, "curve", "emergence-parameter", "--x-max", "3", "-o", link)
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith("# emergence-parameter") and leftovers(tmp_path) == []


def test_16_output_at_a_pipe_is_refused_not_replaced(capsys, tmp_path):
    """A device or pipe would be replaced by a regular file (as root, even /dev/null): refused.
    The test uses a FIFO of its own, never a real device."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, _, err = cli(capsys, "curve", "emergence-parameter", "-o", fifo)
    assert_one_line_error(code, err, "-o", "not a regular file")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


# ------------------------------------------------------------------ 17: negative-number-like values

@pytest.mark.parametrize("argv", [
    ["curve", "emergence-time", "--alpha"], ["curve", "emergence-time", "--S"],
    ["curve", "emergence-time", "--B2"], ["curve", "emergence-time", "--R0"],
    ["curve", "emergence-time", "--eta"], ["curve", "emergence-time", "--x-min"],
    ["curve", "emergence-time", "--x-max"], ["curve", "emergence-time", "--points"],
    ["curve", "emergence-time", "--n-s"], ["curve", "emergence-time", "--k"],
    ["curve", "emergence-data", "--Dc"], ["curve", "emergence-parameter", "--Nc"],
    ["constants", "--S", "1", "--r", "0.01", "--eta", "1", "--alpha"],
    ["constants", "--alpha", "0.6", "--r", "0.01", "--eta", "1", "--S"],
    ["constants", "--alpha", "0.6", "--S", "1", "--eta", "1", "--r"],
    ["constants", "--alpha", "0.6", "--S", "1", "--r", "0.01", "--eta"],
    ["check", "theorem-1", "--seed"], ["latex", "-o", "x.tex", "--seed"],
])
@pytest.mark.parametrize("value", ["-inf", "-1e3", "-nan", "-Infinity", "-1"])
def test_17_a_negative_number_like_value_reaches_its_range_check(capsys, monkeypatch, tmp_path, argv, value):
    monkeypatch.chdir(tmp_path)
    option = argv[-1]
    code, _, err = cli(capsys, *argv, value)
    assert_one_line_error(code, err, option.lstrip("-"))
    assert "expected one argument" not in err


def test_17_the_equals_form_and_the_separate_form_agree(capsys):
    separate = cli(capsys, "curve", "emergence-time", "--eta", "-inf")
    joined = cli(capsys, "curve", "emergence-time", "--eta=-inf")
    assert separate == joined and "--eta must be a finite number > 0" in separate[2]


# ------------------------------------------------------------------ 13: failed writes

@pytest.fixture
def small_tmpfs(tmp_path):
    """A 64 KiB tmpfs (a disk that fills up), or a skip saying why it cannot be mounted here."""
    mount = tmp_path / "small"
    mount.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not allowed here: {proc.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _fill(folder, leave=4096):
    """Fill ``folder``'s file system until about ``leave`` bytes are free; return the filler."""
    filler = folder / "old.bin"
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    filler.write_bytes(b"x" * max(free - leave, 0))
    return filler


def _big_document(monkeypatch):
    import derivations.document.latex as latex_document

    monkeypatch.setattr(latex_document, "build_document",
                        lambda out, figures=True, seed=0, cache=None: ("%" + "x" * 200_000 + "\n", []))


def _disk_full_argv(command, folder):
    return {
        "curve": ["curve", "emergence-time", "--points", "3000", "-o", folder / "out.txt"],
        "latex": ["latex", "--no-figures", "-o", folder / "out.txt"],
        "figures": ["figures", "stub", "-o", folder / "figs"],
    }[command]


def _stub_figure_set(monkeypatch):
    """A figure set named 'stub' that draws one real matplotlib figure (about 30 KB of PDF and
    PNG) and saves it through ``derivations.document.figures.save``, whatever results exist."""
    import derivations.document.figures as figures_module

    def make(folder):
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots()
        ax.plot(np.random.default_rng(0).standard_normal(2000))
        return [figures_module.save(fig, folder, "stub", "a stub")]

    real = figures_module.figure_sets
    monkeypatch.setattr(figures_module, "figure_sets",
                        lambda: dict(real(), stub=figures_module.FigureSet("stub", "Stub", make)))


@pytest.mark.parametrize("command", ["curve", "latex", "figures"])
def test_13_a_full_disk_small_tmpfs_is_one_line_and_leaves_the_old_file(capsys, monkeypatch, small_tmpfs, command):
    _big_document(monkeypatch)
    _stub_figure_set(monkeypatch)
    old = small_tmpfs / "out.txt"
    old.write_text("old\n")
    filler = _fill(small_tmpfs)
    code, _, err = cli(capsys, *_disk_full_argv(command, small_tmpfs))
    assert_one_line_error(code, err, str(small_tmpfs), "No space left on device")
    assert old.read_text() == "old\n" and filler.exists()
    assert leftovers(small_tmpfs) == [] and sorted(p.name for p in small_tmpfs.iterdir()) == ["old.bin", "out.txt"]


class _FullDisk:
    """A file object whose writes fail as on a full disk."""

    def __init__(self, real):
        self._real = real

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._real.close()

    def fileno(self):
        return self._real.fileno()

    def write(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("command", ["curve", "latex", "figures"])
def test_13_a_write_that_raises_ENOSPC_is_one_line_and_leaves_the_old_file(capsys, monkeypatch, tmp_path, command):
    import numeric_check.validation as validation

    _big_document(monkeypatch)
    _stub_figure_set(monkeypatch)
    real_fdopen = os.fdopen
    monkeypatch.setattr(validation.os, "fdopen", lambda fd, mode="r", *a, **k: _FullDisk(real_fdopen(fd, mode)))
    (tmp_path / "out.txt").write_text("old\n")
    (tmp_path / "figs").mkdir()
    code, _, err = cli(capsys, *_disk_full_argv(command, tmp_path))
    assert_one_line_error(code, err, str(tmp_path), "No space left on device")
    assert (tmp_path / "out.txt").read_text() == "old\n" and leftovers(tmp_path) == []
    assert list((tmp_path / "figs").iterdir()) == []


def test_13_a_failed_rename_is_one_line_naming_the_target_and_leaves_no_temporary_file(capsys, monkeypatch, tmp_path):
    import numeric_check.validation as validation

    def refuse(src, dst):
        raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), str(src), None, str(dst))

    monkeypatch.setattr(validation.os, "replace", refuse)
    target = tmp_path / "out.txt"
    target.write_text("old\n")
    code, _, err = cli(capsys, "curve", "emergence-parameter", "--x-max", "3", "-o", target)
    assert_one_line_error(code, err, str(target), "Operation not permitted")
    assert ".tmp" not in err and target.read_text() == "old\n" and leftovers(tmp_path) == []


def test_13_an_immutable_target_is_refused_and_kept(capsys, tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old\n")
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(target)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available on this file system (needs root and ext2/3/4, xfs or btrfs)")
    try:
        code, _, err = cli(capsys, "curve", "emergence-parameter", "--x-max", "3", "-o", target)
        assert_one_line_error(code, err, "-o", str(target), "read-only or immutable")
        assert target.read_text() == "old\n" and leftovers(tmp_path) == []
    finally:
        subprocess.run([chattr, "-i", str(target)], capture_output=True)


def test_13_a_read_only_target_is_refused_and_kept(capsys, tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old\n")
    target.chmod(0o444)
    code, _, err = cli(capsys, "curve", "emergence-parameter", "--x-max", "3", "-o", target)
    assert_one_line_error(code, err, "-o", str(target), "read-only", "0444")
    assert target.read_text() == "old\n" and leftovers(tmp_path) == []


@pytest.mark.parametrize("command", ["curve", "latex", "figures"])
def test_13_a_read_only_file_system_is_refused_before_work(capsys, monkeypatch, small_tmpfs, command):
    _stub_figure_set(monkeypatch)
    _forbid_work(monkeypatch)
    (small_tmpfs / "out.txt").write_text("old\n")
    proc = subprocess.run(["mount", "-o", "remount,ro", str(small_tmpfs)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot remount read-only here: {proc.stderr.strip()}")
    code, _, err = cli(capsys, *_disk_full_argv(command, small_tmpfs))
    assert_one_line_error(code, err, "-o", str(small_tmpfs), "Read-only file system")
    assert (small_tmpfs / "out.txt").read_text() == "old\n"
