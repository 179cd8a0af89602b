"""A Hypothesis fuzz of every subcommand's arguments (numbers, strings, paths, sizes).

Each call is ``main([...])`` in-process, in a fresh folder that holds a regular file, a FIFO, a
symbolic link and a dangling one. Whatever the arguments, the command must

* exit with 0, 1 (a claim failed) or 2 (refused);
* print no traceback;
* on exit 2, print at most one line on stderr;
* on failure (exit != 0), leave the folder as it was: no new file, no temporary file, no
  changed file.

Successful calls are kept cheap by the choice of arguments: ``check`` only with claims whose
checks take milliseconds, ``curve`` with few points and one skill, sizes drawn outside the
expensive part of their allowed range; ``latex``, ``notes`` and ``figures`` with their document
and drawing replaced by a few bytes (the arguments and the file handling are what is fuzzed);
``constants`` with one parameter fuzzed at a time; ``nn`` only with invalid values (each call
must refuse at validation; a guard fails the test if training starts). Examples are
derandomised, so a run is reproducible; the whole file runs in well under two minutes on 2 cores.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivations.cli import main

FUZZ = settings(max_examples=50, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.filter_too_much])
FEW = settings(FUZZ, max_examples=12)

# ------------------------------------------------------------------ value strategies

_UNUSUAL = ["-inf", "inf", "nan", "-nan", "1e400", "-1e400", "-1e3", "0", "-0", "0x10", "1_000", "", " ",
            "abc", "1,2", "--", "-", "1e-320", "5e-324", "-1", "1.5", "\u00bd", "٣", "1e20"]

#: Any number-like or not-number-like text.
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**30, 10**30).map(str),
    st.sampled_from(_UNUSUAL),
    st.text(max_size=8),
)


def _outside(low: float, high: float):
    """Floats not in the (expensive) magnitude band (low, high]."""
    return lambda x: not (low < abs(x) <= high)


#: Sizes: small valid ones, and invalid or huge ones; never the costly middle of a valid range.
sizes = st.one_of(
    st.integers(-10**25, 40).map(str),
    st.integers(10**6 + 1, 10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).filter(_outside(40, 1e6)).map(repr),
    st.sampled_from(_UNUSUAL),
    st.text(max_size=6),
)


def _relative(text: str) -> bool:
    """A path that stays inside the example's folder (the fuzz must not write elsewhere)."""
    return not text.startswith(("/", "~")) and ".." not in Path(text).parts


#: Output paths: prepared hostile ones (a regular file, a FIFO, links, empty, NUL) and random
#: relative text.
paths = st.one_of(
    st.sampled_from(["", " ", "out.txt", "sub/dir/out.txt", "afile/x", "afile", ".", "pipe", "link",
                     "dangling", "a\0b", "x" * 300, "sub/" + "y" * 300 + "/z", "-o", "--json"]),
    st.text(max_size=12).filter(_relative),
)


# ------------------------------------------------------------------ the call and its checks

def _prepare(folder: Path) -> None:
    (folder / "afile").write_text("keep\n")
    (folder / "target.txt").write_text("old\n")
    os.mkfifo(folder / "pipe")
    (folder / "link").symlink_to("target.txt")
    (folder / "dangling").symlink_to("missing/nowhere.txt")


def _snapshot(folder: Path) -> dict:
    """Every entry under ``folder``: its kind and, for regular files, a hash of its bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            out[rel] = ("link", os.readlink(path))
        elif path.is_fifo():
            out[rel] = ("fifo",)
        elif path.is_dir():
            out[rel] = ("dir",)
        else:
            out[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
    return out


def fuzz_call(capsys, argv, files: dict[str, str] | None = None):
    """Run ``emergence ARGV`` in a fresh prepared folder (plus ``files``: name -> text) and
    assert the guarantees."""
    capsys.readouterr()
    base = Path(tempfile.mkdtemp(prefix="emergence-fuzz-"))
    folder = base / "work"
    folder.mkdir()
    _prepare(folder)
    for name, text in (files or {}).items():
        (folder / name).write_text(text)
    before = _snapshot(folder)
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        try:
            code = main(list(argv))
        except SystemExit as exc:            # argparse: usage errors (2) and --help (0)
            code = exc.code
        out, err = capsys.readouterr()
        after = _snapshot(folder)
        assert sorted(os.listdir(base)) == ["work"], "a file was written outside the given path"
    finally:
        os.chdir(cwd)
        shutil.rmtree(base, ignore_errors=True)
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err, (argv, err)
    if code == 2:
        assert len(err.strip().splitlines()) <= 1, (argv, err)
    if code != 0:
        assert after == before, (argv, "the folder changed on failure", set(after.items()) ^ set(before.items()))
    return code, out, err


def _options(draw, table: dict, most: int) -> list[str]:
    """Up to ``most`` options of ``table`` (option -> strategy), each with a drawn value."""
    chosen = draw(st.lists(st.sampled_from(sorted(table)), max_size=most, unique=True))
    argv = []
    for option in chosen:
        argv += [option, draw(table[option])]
    return argv


# ------------------------------------------------------------------ stubs of the expensive work

@pytest.fixture
def cheap_documents(monkeypatch):
    """latex, notes and figures with their document and drawings replaced by a few bytes."""
    import derivations.document.figures as figures_module
    import derivations.document.latex as latex_document
    import derivations.document.notes as notes_module
    from numeric_check.validation import atomic_write_bytes

    monkeypatch.setattr(latex_document, "build_document", lambda out, figures=True, seed=0, cache=None: ("% doc\n", []))
    monkeypatch.setattr(latex_document, "find_pdflatex", lambda: None)
    monkeypatch.setattr(notes_module, "notes_markdown", lambda claims: "# Notes\n")

    def make(folder):
        pdf, png = Path(folder) / "f.pdf", Path(folder) / "f.png"
        atomic_write_bytes(pdf, b"%PDF", name="figure")
        atomic_write_bytes(png, b"PNG", name="figure")
        return [figures_module.Figure(pdf=pdf, png=png, caption="")]

    sets = {name: figures_module.FigureSet(name, "Section", make) for name in ("scaling", "networks")}
    monkeypatch.setattr(figures_module, "figure_sets", lambda: dict(sets))


@pytest.fixture
def no_training(monkeypatch):
    """``nn`` must refuse before it trains: training fails the test at once."""
    import derivations.cli.nn as nn

    def trained(*args, **kwargs):
        raise AssertionError("nn started training although an argument was invalid")

    monkeypatch.setattr(nn, "run_experiment", trained)
    monkeypatch.setattr(nn, "run_transformer", trained)


# ------------------------------------------------------------------ the subcommands

@FEW
@given(extra=st.lists(numbers, max_size=3))
def test_fuzz_list(capsys, extra):
    code, out, _ = fuzz_call(capsys, ["list", *extra])
    assert code == 2 or (code == 0 and (not extra or "usage" in out or "theorem-1" in out))


_CHEAP_IDS = ["theorem-1", "proposition-5"]      # their checks take milliseconds


@FUZZ
@given(ids=st.lists(st.one_of(st.sampled_from(_CHEAP_IDS + ["no-such", "", "THEOREM-1", "lemma-99"]),
                              st.text(max_size=6)), min_size=1, max_size=2),
       seed=st.one_of(st.none(), st.sampled_from(["0", "1", "4294967295"]), numbers),
       as_json=st.booleans())
def test_fuzz_check(capsys, ids, seed, as_json):
    argv = ["check", *ids] + ([] if seed is None else ["--seed", seed]) + (["--json"] if as_json else [])
    if not any(i.startswith("-") for i in ids):
        code, out, _ = fuzz_call(capsys, argv)
        if code in (0, 1) and as_json:
            import json
            json.loads(out, parse_constant=lambda token: pytest.fail(f"{token} in --json"))


@FUZZ
@given(output=paths, seed=st.one_of(st.none(), st.just("0"), numbers), pdf=st.booleans(), figures=st.booleans())
def test_fuzz_latex(capsys, cheap_documents, output, seed, pdf, figures):
    argv = ["latex", "-o", output] + ([] if seed is None else ["--seed", seed])
    argv += (["--pdf"] if pdf else []) + ([] if figures else ["--no-figures"])
    fuzz_call(capsys, argv)


@FUZZ
@given(output=st.one_of(st.none(), paths))
def test_fuzz_notes(capsys, cheap_documents, output):
    fuzz_call(capsys, ["notes"] + ([] if output is None else ["-o", output]))


@FUZZ
@given(claim_id=st.one_of(st.sampled_from(_CHEAP_IDS), st.sampled_from(_CHEAP_IDS + ["no-such", ""]),
                          st.text(max_size=6)),
       to=st.one_of(st.sampled_from(["python", "numpy", "c", "latex", "json", "fortran", ""]), st.text(max_size=5)))
def test_fuzz_export(capsys, claim_id, to):
    fuzz_call(capsys, ["export", claim_id, "--to", to])


@FUZZ
@given(name=st.one_of(st.sampled_from(["networks", "all"]), st.sampled_from(["networks", "nope", ""]),
                      st.text(max_size=6)), output=paths)
def test_fuzz_figures(capsys, cheap_documents, name, output):
    fuzz_call(capsys, ["figures", name, "-o", output])


def _invalid(low: float, high: float, *, integer: bool = False):
    """Values outside ``[low, high]`` (or not a number, or not an integer)."""
    def bad(text: str) -> bool:
        try:
            x = float(text)
        except ValueError:
            return True
        return not (low <= x <= high) or (integer and x != int(x))
    return numbers.filter(bad)


_CONSTANT_DEFAULTS = {"--alpha": "0.6", "--S": "1", "--r": "0.01", "--eta": "1", "--dps": "5"}
_CONSTANT_INVALID = {"--alpha": _invalid(0.001, 100), "--S": _invalid(1e-6, 1e6), "--r": _invalid(1e-100, 0.9),
                     "--eta": _invalid(1e-300, 1e300), "--dps": _invalid(5, 100, integer=True)}


@FEW
@given(option=st.sampled_from(sorted(_CONSTANT_INVALID)), data=st.data(), as_json=st.booleans())
def test_fuzz_constants(capsys, option, data, as_json):
    """One parameter fuzzed at a time (the others valid and cheap): a valid call costs a second."""
    value = data.draw(st.one_of(_CONSTANT_INVALID[option], _CONSTANT_INVALID[option], _CONSTANT_INVALID[option],
                                st.just(_CONSTANT_DEFAULTS[option])))
    args = dict(_CONSTANT_DEFAULTS, **{option: value})
    argv = ["constants"] + [x for key, v in args.items() for x in (key, v)] + (["--json"] if as_json else [])
    fuzz_call(capsys, argv)


_CURVE_BASE = {
    "emergence-time": ["--points", "3", "--k", "1", "--x-max", "1000"],
    "emergence-data": ["--points", "3", "--k", "1", "--Dc", "10", "--x-max", "1000"],
    "emergence-parameter": ["--k", "1", "--x-max", "10"],
}
_CURVE_OPTIONS = {
    "--alpha": numbers, "--S": numbers, "--B2": numbers, "--R0": numbers, "--eta": numbers,
    "--x-min": numbers, "--law": st.one_of(st.sampled_from(["linear", "eq17"]), st.text(max_size=5)),
    "--n-s": sizes, "--k": st.one_of(sizes, st.lists(sizes, max_size=4).map(",".join)),
    "--Dc": sizes, "--Nc": sizes, "--x-max": sizes, "--points": sizes, "-o": paths,
}


@settings(FUZZ, max_examples=150)
@given(kind=st.sampled_from(sorted(_CURVE_BASE) * 4 + ["", "emergence", "-time"]), data=st.data(),
       flags=st.lists(st.sampled_from(["--json", "--no-average"]), unique=True))
def test_fuzz_curve(capsys, kind, data, flags):
    argv = ["curve", kind, *_CURVE_BASE.get(kind, []), *_options(data.draw, _CURVE_OPTIONS, 3), *flags]
    code, out, _ = fuzz_call(capsys, argv)
    if code == 0 and "--json" in flags and "-o" not in argv:
        import json
        json.loads(out, parse_constant=lambda token: pytest.fail(f"{token} in --json"))


_CALIBRATE_OPTIONS = {
    "--n-s": sizes, "--predict-n-s": sizes, "--boot": sizes, "--seed": numbers, "--alpha": numbers,
    "--S": numbers, "--lr": numbers, "--init-std": numbers, "--r0": numbers,
    "--law": st.one_of(st.sampled_from(["linear", "eq17"]), st.text(max_size=5)),
}
_CSV = st.sampled_from(["good.csv", "afile", "missing.csv", "", ".", "link", "dangling", "bad.csv"])


@FUZZ
@given(kind=st.one_of(st.sampled_from(["time", "data", "parameter"]), st.text(max_size=5)), csv=_CSV,
       data=st.data())
def test_fuzz_calibrate(capsys, kind, csv, data):
    """A CSV of three rows (good.csv), a malformed one (bad.csv) and the prepared hostile paths;
    two bootstrap resamples unless --boot is fuzzed (never a FIFO: reading one waits for a writer)."""
    argv = ["calibrate", "--kind", kind, "--csv", csv, "--boot", "2", *_options(data.draw, _CALIBRATE_OPTIONS, 2)]
    fuzz_call(capsys, argv, files={"good.csv": "step,skill,R/S\n100,1,0.1\n1000,1,0.5\n5000,1,0.9\n",
                                   "bad.csv": "1,2\n3,x,4\n"})


def _nn_invalid():
    ints = st.sampled_from(["0", "-1", "-5", "1.5", "abc", "-inf", "nan", "", "1e3", "0x10"])
    table = {
        "--preset": st.text(max_size=8).filter(lambda t: t not in ("quick", "paper")),
        "--seeds": st.sampled_from(["-1", "a", "", "1-", "-", "0--1", "x-y", "1.5", "-3,2", ",", "1,a"]),
        "--steps": ints, "--width": ints, "--batch": ints,
        "--lr": st.sampled_from(["-inf", "inf", "nan", "0", "-1e3", "abc", "", "-0"]),
        "--scheduler": st.one_of(st.sampled_from(["", "tcp://", "tcp://h", "tcp://h:0", "tcp://h:65536",
                                                  "http://h:8786", "h:8786", "tcp://h:8786/x", "tcp://:8786"]),
                                 st.text(max_size=12).filter(lambda t: not t.startswith("tcp://"))),
    }
    return st.sampled_from(sorted(table)).flatmap(lambda option: table[option].map(lambda v: [option, v]))


@FEW
@given(experiment=st.sampled_from(["time", "data", "parameter", "transformer"]), invalid=_nn_invalid())
def test_fuzz_nn_refuses_invalid_arguments_before_training(capsys, no_training, experiment, invalid):
    code, _, err = fuzz_call(capsys, ["nn", experiment, *invalid])
    assert code == 2, err
