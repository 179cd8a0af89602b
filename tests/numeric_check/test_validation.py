import numpy as np
import pytest

from numeric_check.validation import ArgumentError, atomic_write_text, finite, integer, open_interval, positive, positive_array


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
