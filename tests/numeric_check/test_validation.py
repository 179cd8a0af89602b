import os
from pathlib import Path

import numpy as np
import pytest

from numeric_check.validation import (ArgumentError, atomic_write_text, finite, integer, open_interval, positive,
                                      positive_array, writable_path)


@pytest.mark.parametrize("value", [0, -1, float("nan"), float("inf"), "abc", None, True])
def test_positive_rejects(value):
    with pytest.raises(ArgumentError, match="eta"):
        positive("eta", value)


def test_accepts_numeric_strings_and_numpy():
    assert positive("x", "2.5") == 2.5 and finite("x", np.float32(1.5)) == 1.5
    assert integer("n", 3.0) == 3 and integer("n", np.int64(4)) == 4


@pytest.mark.parametrize("value", [0, 1, 1.5, -0.1])
def test_open_interval(value):
    with pytest.raises(ArgumentError, match=r"r must lie in \(0, S\)"):
        open_interval("r", value, 0, 1, high_name="S")


def test_integer_range_and_arrays():
    with pytest.raises(ArgumentError, match=r"\[1, n_s\]"):
        integer("N", 7, minimum=1, maximum=5, maximum_name="n_s")
    with pytest.raises(ArgumentError, match="grid"):
        positive_array("grid", [1.0, 0.0])
    with pytest.raises(ArgumentError, match="empty"):
        positive_array("grid", [])


def test_atomic_write_leaves_no_partial_file(tmp_path):
    target = tmp_path / "out.txt"
    atomic_write_text(target, "one")
    assert target.read_text() == "one" and [p.name for p in tmp_path.iterdir()] == ["out.txt"]
    with pytest.raises(ArgumentError):
        atomic_write_text(tmp_path, "x")


# ---------------------------------------------------------------- strict JSON, seeds, atomic writes

def test_strict_json_writes_null_for_numbers_that_are_not_finite():
    import json

    from numeric_check.validation import strict_json

    text = strict_json({"a": float("nan"), "b": [np.inf, -np.inf, np.float32(1.5)], "c": np.array([1.0, np.nan]),
                        "d": (np.int64(2), np.bool_(True))})
    assert json.loads(text, parse_constant=lambda token: pytest.fail(token)) == {
        "a": None, "b": [None, None, 1.5], "c": [1.0, None], "d": [2, True]}


@pytest.mark.parametrize("value", [-1, 2**32, 1.5, "x", None, True])
def test_seed_refuses_values_outside_0_to_2_32(value):
    from numeric_check.validation import seed

    with pytest.raises(ArgumentError, match=r"--seed must be an integer"):
        seed("--seed", value)


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o027, 0o640)])
def test_atomic_write_gives_a_new_file_the_mode_open_would(tmp_path, umask, mode):
    import stat

    old = os.umask(umask)
    try:
        atomic_write_text(tmp_path / "new.txt", "x")
        with open(tmp_path / "by-open.txt", "w") as fh:
            fh.write("x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "by-open.txt").stat().st_mode) == mode


def test_atomic_write_keeps_the_mode_of_a_replaced_file(tmp_path):
    import stat

    target = tmp_path / "x.txt"
    target.write_text("old")
    target.chmod(0o664)
    old = os.umask(0o077)
    try:
        atomic_write_text(target, "new")
    finally:
        os.umask(old)
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o664


def test_atomic_write_through_a_symbolic_link_replaces_its_target(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    (tmp_path / "link.txt").symlink_to(real)
    atomic_write_text(tmp_path / "link.txt", "new")
    assert (tmp_path / "link.txt").is_symlink() and real.read_text() == "new"


def test_a_failed_write_removes_its_temporary_file_and_the_folders_it_made(tmp_path, monkeypatch):
    import errno

    import numeric_check.validation as validation

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(validation.os, "replace", full)
    target = tmp_path / "a" / "b" / "x.txt"
    with pytest.raises(OSError, match="No space") as info:
        atomic_write_text(target, "data")
    assert info.value.filename == str(target) and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path, words", [
    ("", "non-empty path"),
    ("   ", "non-empty path"),
    ("a\0b", "NUL"),
    ("file/x.txt", "not a directory"),
    ("pipe", "not a regular file"),        # a FIFO of the test's own, never a real device
])
def test_writable_path_refusals_are_one_line(tmp_path, monkeypatch, path, words):
    from numeric_check.validation import writable_path

    monkeypatch.chdir(tmp_path)
    (tmp_path / "file").write_text("keep")
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(ArgumentError, match=words) as info:
        writable_path(path, name="-o")
    assert "\n" not in str(info.value) and sorted(p.name for p in tmp_path.iterdir()) == ["file", "pipe"]


def test_writable_folder_refuses_a_file_and_makes_nothing(tmp_path):
    from numeric_check.validation import writable_folder

    (tmp_path / "file").write_text("keep")
    with pytest.raises(ArgumentError, match="is not a directory"):
        writable_folder(tmp_path / "file", name="-o")
    with pytest.raises(ArgumentError, match="'.*file' is not a directory"):
        writable_folder(tmp_path / "file" / "sub", name="-o")
    assert writable_folder(tmp_path / "new" / "deeper", name="-o") == tmp_path / "new" / "deeper"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_folder_made_before_a_too_long_name_failed_is_removed(tmp_path):
    target = tmp_path / "sub" / ("y" * 300) / "x.txt"
    with pytest.raises(OSError) as info:
        atomic_write_text(target, "data")
    assert info.value.filename == str(target) and list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_a_pseudo_file_system_is_named_as_such_not_as_a_missing_folder():
    with pytest.raises(ArgumentError) as info:
        writable_path("/proc/emergence-test.tex", name="-o")
    message = str(info.value)
    assert "'/proc'" in message and "No such file" not in message and "new files" in message
