"""``emergence calibrate`` and the fit under hostile input: values outside the model's range,
degenerate columns, huge or endless files, sizes that would run for minutes, fits at the edge
of their search range. Each is one error line naming what is wrong (exit 2), or a flagged result."""
from __future__ import annotations

import time

import numpy as np
import pytest

from derivations.cli import main
from numeric_check.closed_forms.calibration import (MAX_ROWS, crossing, fit_constant, predict)
from numeric_check.validation import ArgumentError


def calibrate(capsys, *args):
    code = main(["calibrate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def write(path, rows):
    path.write_text("resource,skill,R/S\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows))
    return str(path)


def one_error_line(code, err, *fragments):
    assert code == 2 and err.startswith("emergence: error:") and len(err.strip().splitlines()) == 1, err
    for fragment in fragments:
        assert fragment in err, err


# ----------------------------------------------------------------------------- item 9
@pytest.mark.parametrize("bad", ["1.7", "2.5", "-0.5", "5"])
def test_R_over_S_outside_the_models_range_is_refused_with_its_line(tmp_path, capsys, bad):
    csv = write(tmp_path / "m.csv", [(1, 1, 0.0), (2, 1, 0.4), (3, 1, bad), (4, 1, 1.0)])
    one_error_line(*calibrate(capsys, "--kind", "parameter", "--csv", csv)[::2], "line 4", "[0, 1]", bad)


def test_measurement_noise_just_outside_0_and_1_is_accepted(tmp_path, capsys):
    """The K.3 estimate strays a little: the bundled runs span -0.025 to 1.055."""
    T = np.arange(0, 2000, 20)
    R = 1 / (1 + (5 / 1e-3 - 1) * np.exp(-2 * 0.1 * 0.05 * 5 * T))
    R[0], R[-1] = -0.025, 1.055
    csv = write(tmp_path / "t.csv", [(t, 1, r) for t, r in zip(T, R)])
    code, out, _ = calibrate(capsys, "--kind", "time", "--csv", csv, "--r0", "1e-3")
    assert code == 0 and "B2 = 0.05" in out


def test_an_all_zero_column_is_refused_not_nan(tmp_path, capsys):
    csv = write(tmp_path / "z.csv", [(d, 1, 0) for d in range(50, 1500, 50)])
    code, out, err = calibrate(capsys, "--kind", "data", "--csv", csv)
    one_error_line(code, err, "every R/S is 0", "D_c")
    assert "nan" not in out + err


@pytest.mark.parametrize("option, value, fragment", [
    ("--alpha", "1e6", "--alpha must lie in [0.001, 100]"),
    ("--alpha", "0", "--alpha must be a finite number > 0"),
    ("--S", "1e9", "--S must lie in [1e-06, 1e+06]"),
    ("--predict-n-s", "100000000", "--predict-n-s must be an integer in [1, 1000]"),
    ("--n-s", "100000000", "--n-s must be an integer in [1, 10000]"),
    ("--boot", "100000000", "--boot must be an integer in [2, 10000]"),
])
def test_sizes_and_parameters_are_bounded(tmp_path, capsys, option, value, fragment):
    csv = write(tmp_path / "t.csv", [(t, 1, min(t / 1000, 1)) for t in range(0, 2000, 100)])
    began = time.monotonic()
    one_error_line(*calibrate(capsys, "--kind", "time", "--csv", csv, option, value)[::2], fragment)
    assert time.monotonic() - began < 5


def test_a_fit_at_the_edge_of_its_range_is_flagged(tmp_path, capsys):
    # R/S = D/50000 on D <= 1000: D_c far beyond the candidates searched (up to 8000)
    csv = write(tmp_path / "d.csv", [(d, 1, d / 50000) for d in range(100, 1001, 100)])
    code, out, _ = calibrate(capsys, "--kind", "data", "--csv", csv, "--law", "linear")
    assert code == 0
    assert "warning: D_c (linear law) = 8000 is at the upper end of the search range [1, 8000]" in out
    fit = fit_constant("data", np.arange(100, 1001, 100), np.ones(10, int), np.arange(100, 1001, 100) / 50000,
                       n_s=1, alpha=0.6, law="linear", rng=np.random.default_rng(0))
    assert fit.edge == "upper" and fit.search == (1.0, 8000.0)


def test_a_prediction_never_reached_is_said_not_nan(tmp_path, capsys):
    T = np.arange(0, 2000, 20)
    R = 1 / (1 + (5 / 1e-3 - 1) * np.exp(-2 * 0.1 * 0.05 * 5 * T))
    csv = write(tmp_path / "t.csv", [(t, 1, r) for t, r in zip(T, R)])
    code, out, _ = calibrate(capsys, "--kind", "time", "--csv", csv, "--r0", "1e-3", "--alpha", "100",
                             "--predict-n-s", "3")
    assert code == 0 and "k=2: not reached by step" in out and "nan" not in out


# ----------------------------------------------------------------------------- item 11
def test_fit_constant_refuses_R_over_S_of_5():
    with pytest.raises(ArgumentError, match=r"R/S must lie in \[0, 1\].*got 5 \(row 2\)"):
        fit_constant("time", [0, 100, 200], [1, 1, 1], [0.0, 5.0, 0.5], n_s=1, alpha=0.6, R0=1e-3, eta=0.1,
                     rng=np.random.default_rng(0))


@pytest.mark.parametrize("x, y", [([], []), ([1, 2], [0.5]), ([[1, 2]], [[0.1, 0.9]])])
def test_crossing_refuses_empty_or_mismatched_input(x, y):
    with pytest.raises(ArgumentError, match="crossing needs x and y of one length >= 1"):
        crossing(x, y, 0.5)


def test_fit_constant_bounds_rows_and_model_size():
    with pytest.raises(ArgumentError, match=f"at most {MAX_ROWS} measurement rows"):
        fit_constant("time", np.zeros(MAX_ROWS + 1), np.ones(MAX_ROWS + 1, int), np.linspace(0, 1, MAX_ROWS + 1),
                     n_s=1, alpha=0.6, R0=1e-3, eta=0.1, rng=np.random.default_rng(0))
    D = np.arange(1, 5001)
    with pytest.raises(ArgumentError, match="model values"):
        fit_constant("data", D, np.ones(D.size, int), np.minimum(D / 800, 1), n_s=1, alpha=0.6,
                     rng=np.random.default_rng(0))


def test_the_bootstrap_in_blocks_is_the_bootstrap_in_one_piece():
    """Rows and resamples are processed in blocks: the draws and the result are those of one
    matrix product (the same seed gives the same fit as before the blocks)."""
    rng = np.random.default_rng(5)
    T = np.tile(np.arange(0, 3000, 10.0), 40)               # 12,000 rows: 333 resamples per block
    R = predict("time", T, k=1, value=0.05, n_s=1, alpha=0.6, S=5.0, R0=1e-4, eta=0.1) + rng.normal(0, 0.02, T.size)
    fit = fit_constant("time", T, np.ones(T.size, int), R, n_s=1, alpha=0.6, R0=1e-4, eta=0.1,
                       rng=np.random.default_rng(1), n_boot=400)
    cands = np.geomspace(1e-5, 1.0, 1201)
    model = np.array([predict("time", T, k=1, value=c, n_s=1, alpha=0.6, S=5.0, R0=1e-4, eta=0.1) for c in cands])
    counts = np.random.default_rng(1).multinomial(T.size, np.full(T.size, 1 / T.size), size=400)
    boot = cands[np.argmin(((model - R) ** 2) @ counts.T, axis=0)]
    assert fit.sd == pytest.approx(float(np.std(np.log(boot)) * fit.value), rel=1e-12)


# ----------------------------------------------------------------------------- item 14
def test_a_huge_csv_is_refused_before_it_is_read_whole(tmp_path, capsys):
    path = tmp_path / "huge.csv"
    with open(path, "w") as fh:
        line = "1000,1,0.5\n"
        fh.write(line * (17 * 2**20 // len(line) + 1))                # 17 MiB
    began = time.monotonic()
    one_error_line(*calibrate(capsys, "--kind", "data", "--csv", str(path))[::2], "larger than 16 MiB")
    assert time.monotonic() - began < 5


def test_dev_zero_is_refused(capsys):
    one_error_line(*calibrate(capsys, "--kind", "time", "--csv", "/dev/zero")[::2], "'/dev/zero'", "larger than")


def test_too_many_rows_are_refused_with_the_bound(tmp_path, capsys):
    path = tmp_path / "rows.csv"
    path.write_text("".join(f"{i % 1000},1,0.5\n" for i in range(MAX_ROWS + 1)))
    one_error_line(*calibrate(capsys, "--kind", "time", "--csv", str(path))[::2], f"more than {MAX_ROWS} data rows")


@pytest.mark.parametrize("content, fragment", [
    ("1,1,0.5\n2,1,\x000.6\n", "line 2"),
    ("1,1,0.5\n200000,1,0.6\n", "line 2: the width must lie in [1, 100000]"),
    ("1,1,0.5\n2,3,0.6\n", "line 2: skill index 3 is above --n-s 1"),
])
def test_a_bad_row_names_its_file_and_line(tmp_path, capsys, content, fragment):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    one_error_line(*calibrate(capsys, "--kind", "parameter", "--csv", str(path))[::2], str(path), fragment)

