"""Tests of numeric_check.closed_forms.curves against plain sums over all skills (App. K.4, Eqs. 319-328)."""
from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numeric_check.closed_forms.curves import (
    compute_curve,
    compute_envelope,
    data_curve,
    parameter_curve,
    time_curve,
)
from numeric_check.simulation.data import skill_probabilities
from numeric_check.validation import ArgumentError

# The fast code keeps about 1e-13; the reference itself rounds x = eta S T P_s(k) differently,
# which the exponential tail of Phi amplifies by ~4x. 1e-10 is the promised agreement.
RTOL = 1e-10
TINY = 1e-300    # both sides underflow to (near) zero at huge T or D


# ----------------------------------------------------------------------------- references

def ref_probabilities(alpha, n_s):
    w = np.arange(1, n_s + 1, dtype=np.float64) ** -(alpha + 1.0)
    return w / w.sum()


def ref_phi(x, S, r):
    """(S^2/2)(1 + (S/r - 1)^-1 e^{2x})^-2 written with logaddexp so that it cannot overflow."""
    return 0.5 * S * S * np.exp(-2.0 * np.logaddexp(0.0, np.log(r / (S - r)) + 2.0 * x))


def ref_compute(T, N, *, alpha, S, r, eta, n_s):
    p = ref_probabilities(alpha, n_s)
    k = np.arange(1, n_s + 1)
    T, N = np.broadcast_arrays(np.asarray(T, float), np.asarray(N, float))
    t, n = T.ravel()[:, None], N.ravel()[:, None]
    with np.errstate(over="ignore"):                 # x = inf at T = 1.7e308 gives Phi = 0
        terms = np.where(k <= n, ref_phi(eta * S * t * p, S, r), 0.5 * S * S)
    return np.sum(p * terms, axis=1).reshape(T.shape)


def ref_time(T, *, alpha, S, r, eta, n_s):
    return ref_compute(T, n_s, alpha=alpha, S=S, r=r, eta=eta, n_s=n_s)


def ref_data(D, *, alpha, S, r, n_s):
    p = ref_probabilities(alpha, n_s)
    D = np.asarray(D, float)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        powers = np.where(D == 0, 1.0, np.exp(D * np.log1p(-p)))
    return 0.5 * (S - r) ** 2 * np.sum(p * powers, axis=1)


def ref_parameters(N, *, alpha, S, n_s):
    p = ref_probabilities(alpha, n_s)
    k = np.arange(1, n_s + 1)
    return 0.5 * S * S * np.sum(np.where(k > np.asarray(N)[:, None], p, 0.0), axis=1)


def assert_close(fast, slow, rtol=RTOL):
    fast, slow = np.asarray(fast), np.asarray(slow)
    assert fast.shape == slow.shape
    assert np.all(np.isfinite(fast))
    np.testing.assert_allclose(fast, slow, rtol=rtol, atol=TINY)


CASES = [  # (alpha, S, r, eta, n_s)
    pytest.param(0.1, 1.0, 0.01, 1.0, 3000, id="alpha0.1"),
    pytest.param(0.3, 1.0, 0.01, 1.0, 20000, id="fig2-alpha0.3"),
    pytest.param(0.6, 5.0, 0.01, 1.0, 5000, id="fig3-S5"),
    pytest.param(0.9, 2.0, 1.5, 0.5, 4000, id="r-near-S"),
    pytest.param(10.0, 1.0, 0.01, 1.0, 2000, id="alpha10"),
    pytest.param(2.0, 3.0, 2.9999, 10.0, 777, id="r-very-near-S"),
    pytest.param(0.5, 1.0, 1e-9, 2.0, 1500, id="tiny-r"),
    pytest.param(0.5, 1.0, 0.3, 2.0, 1, id="one-skill"),
    pytest.param(0.7, 1.0, 0.2, 1.0, 2, id="two-skills"),
]
T_GRID = np.concatenate([np.geomspace(1e-9, 1e12, 120), [1e100, 1e300, 1.7e308]])


# ----------------------------------------------------------------------------- agreement

@pytest.mark.parametrize("alpha, S, r, eta, n_s", CASES)
def test_time_curve_matches_plain_sum(alpha, S, r, eta, n_s):
    kw = dict(alpha=alpha, S=S, r=r, eta=eta, n_s=n_s)
    assert_close(time_curve(T_GRID, **kw), ref_time(T_GRID, **kw))


@pytest.mark.parametrize("alpha, S, r, eta, n_s", CASES)
def test_compute_curve_matches_plain_sum(alpha, S, r, eta, n_s):
    kw = dict(alpha=alpha, S=S, r=r, eta=eta, n_s=n_s)
    T = np.geomspace(1e-3, 1e10, 40)[:, None]
    N = np.unique(np.round(np.geomspace(1, n_s, 9)))[None, :]
    assert_close(compute_curve(T, N, **kw), ref_compute(T, N, **kw))


@pytest.mark.parametrize("alpha, S, r, eta, n_s", CASES)
def test_data_curve_matches_plain_sum(alpha, S, r, eta, n_s):
    kw = dict(alpha=alpha, S=S, r=r, n_s=n_s)
    D = np.concatenate([[0, 1, 2, 3], np.unique(np.round(np.geomspace(4, 1e10, 100))), [1e300]])
    assert_close(data_curve(D, **kw), ref_data(D, **kw))


@pytest.mark.parametrize("alpha, S, r, eta, n_s", CASES)
def test_parameter_curve_matches_plain_sum(alpha, S, r, eta, n_s):
    kw = dict(alpha=alpha, S=S, n_s=n_s)
    N = np.unique(np.concatenate([np.arange(1, min(n_s, 60) + 1),
                                  np.round(np.geomspace(1, n_s, 40)), [n_s]]))
    assert_close(parameter_curve(N, **kw), ref_parameters(N, **kw))


def test_large_n_s_matches_plain_sum():
    """n_s = 1e6: the fast path never touches all skills, the reference does."""
    kw = dict(alpha=0.3, S=1.0, r=0.01, eta=1.0, n_s=10**6)
    T = np.array([1.0, 1e3, 1e6, 1e8])
    assert_close(time_curve(T, **kw), ref_time(T, **kw))
    D = np.array([0.0, 10.0, 1e5, 1e8])
    assert_close(data_curve(D, alpha=0.3, S=1.0, r=0.01, n_s=10**6),
                 ref_data(D, alpha=0.3, S=1.0, r=0.01, n_s=10**6))


@settings(max_examples=40, deadline=None)
@given(alpha=st.floats(0.05, 12.0), r_over_S=st.floats(1e-6, 0.999),
       S=st.floats(0.1, 10.0), log_t=st.floats(-6.0, 14.0), n_s=st.integers(1, 400),
       N_fraction=st.floats(0.0, 1.0))
def test_random_parameters_match_plain_sum(alpha, r_over_S, S, log_t, n_s, N_fraction):
    kw = dict(alpha=alpha, S=S, r=r_over_S * S, eta=1.0, n_s=n_s)
    T = np.array([10.0**log_t])
    N = max(1, round(N_fraction * n_s))
    assert_close(compute_curve(T, N, **kw), ref_compute(T, N, **kw))


def test_skill_probabilities_are_the_exact_finite_distribution():
    p = skill_probabilities(alpha=0.6, n_s=1000)
    np.testing.assert_allclose(p, ref_probabilities(0.6, 1000), rtol=1e-13)
    assert abs(p.sum() - 1.0) < 1e-14


# ----------------------------------------------------------------------------- limits

@pytest.mark.parametrize("alpha, S, r, eta, n_s", CASES)
def test_limits(alpha, S, r, eta, n_s):
    kw = dict(alpha=alpha, S=S, r=r, eta=eta, n_s=n_s)
    start = 0.5 * (S - r) ** 2                      # Phi(0) = (S^2/2)(1 + r/(S-r))^-2
    # T -> 0: every skill sits at its initial loss; the first-order term is O(eta S T).
    np.testing.assert_allclose(time_curve(1e-14, **kw), start, rtol=1e-12)
    # T -> infinity: every modelled skill is learned.
    assert time_curve(1e300, **kw) == 0.0
    # D = 0: nothing is seen, so nothing is learned.
    np.testing.assert_allclose(data_curve(0, alpha=alpha, S=S, r=r, n_s=n_s), start, rtol=1e-14)
    assert data_curve(1e300, alpha=alpha, S=S, r=r, n_s=n_s) == 0.0
    # A model with every skill has no tail.
    assert parameter_curve(n_s, alpha=alpha, S=S, n_s=n_s) == 0.0


@pytest.mark.parametrize("alpha, S, r, eta, n_s", CASES)
def test_compute_curve_reduces_to_time_and_parameter_curves(alpha, S, r, eta, n_s):
    kw = dict(alpha=alpha, S=S, r=r, eta=eta, n_s=n_s)
    T = np.geomspace(1e-2, 1e8, 30)
    np.testing.assert_array_equal(compute_curve(T, n_s, **kw), time_curve(T, **kw))
    N = np.unique(np.round(np.geomspace(1, n_s, 10)))
    np.testing.assert_allclose(compute_curve(1e300, N, **kw),
                               parameter_curve(N, alpha=alpha, S=S, n_s=n_s), rtol=1e-13)


def test_parameter_curve_at_one_is_everything_but_the_first_skill():
    # (S^2/2)(1 - P_s(1)), P_s(1) = A
    p1 = skill_probabilities(alpha=0.3, n_s=10**4)[0]
    np.testing.assert_allclose(parameter_curve(1, alpha=0.3, S=2.0, n_s=10**4),
                               2.0 * (1.0 - p1), rtol=1e-13)


# ----------------------------------------------------------------------------- shape

@pytest.mark.parametrize("alpha", [0.1, 0.6, 10.0])
def test_curves_decrease(alpha):
    kw = dict(alpha=alpha, S=1.0, r=0.01, eta=1.0, n_s=5000)
    slack = 1e-13   # relative rounding between neighbouring points

    def decreasing(values):
        return np.all(np.diff(values) <= slack * np.abs(values[:-1]))

    assert decreasing(time_curve(np.geomspace(1e-6, 1e9, 300), **kw))
    assert decreasing(data_curve(np.arange(0, 3000, 7), alpha=alpha, S=1.0, r=0.01, n_s=5000))
    assert decreasing(parameter_curve(np.arange(1, 5001), alpha=alpha, S=1.0, n_s=5000))
    grid = compute_curve(np.geomspace(1e-2, 1e8, 60)[:, None],
                         np.array([1, 10, 100, 1000, 5000])[None, :], **kw)
    assert all(decreasing(column) for column in grid.T)           # in T
    assert all(decreasing(row) for row in grid)                   # in N


def test_no_warnings_or_nan_at_extreme_arguments():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            for alpha in (0.01, 0.3, 10.0, 60.0):
                for eta, S in ((1.0, 1.0), (1e300, 1e150), (1e-300, 1e-150)):
                    kw = dict(alpha=alpha, S=S, r=0.5 * S, eta=eta, n_s=10**5)
                    T = np.array([1e-300, 1e-12, 1.0, 1e12, 1e300, 1.7e308])
                    for values in (time_curve(T, **kw), compute_curve(T, 17, **kw),
                                   data_curve([0, 1, 1e12, 1e300, 1.7e308], alpha=alpha,
                                              S=S, r=0.5 * S, n_s=10**5),
                                   parameter_curve([1, 2, 10**5], alpha=alpha, S=S, n_s=10**5),
                                   compute_envelope([1e-300, 1.0, 1e300], **kw)[0]):
                        assert np.all(np.isfinite(values)) and np.all(values >= 0.0)


def test_broadcasting_and_shapes():
    kw = dict(alpha=0.6, S=1.0, r=0.01, eta=1.0, n_s=1000)
    assert time_curve(5.0, **kw).shape == ()
    assert compute_curve(np.ones((4, 1)), np.array([[1, 2, 3]]), **kw).shape == (4, 3)
    assert data_curve(np.zeros((2, 3)), alpha=0.6, S=1.0, r=0.01, n_s=1000).shape == (2, 3)
    assert time_curve([1.0, 2.0], **kw).dtype == np.float64


# ----------------------------------------------------------------------------- envelope

def test_compute_envelope_is_the_minimum_over_the_grid():
    kw = dict(alpha=0.6, S=5.0, r=0.01, eta=1.0, n_s=3000)
    grid = np.array([1, 3, 10, 30, 100, 300, 1000, 3000])
    C = np.geomspace(10.0, 1e9, 25)
    loss, N_opt = compute_envelope(C, N_grid=grid, **kw)
    brute = ref_compute(C[:, None] / grid[None, :], grid[None, :], **kw)
    assert_close(loss, brute.min(axis=1))
    np.testing.assert_array_equal(N_opt, grid[np.argmin(brute, axis=1)])
    assert N_opt.dtype == np.int64
    default_loss, default_N = compute_envelope(C, **kw)
    assert np.all(default_loss <= loss * (1 + 1e-12))    # the default grid contains 1 .. n_s
    assert np.all(np.diff(default_N) >= 0)               # bigger budgets, bigger models


# ----------------------------------------------------------------------------- arguments

GOOD = dict(alpha=0.6, S=1.0, r=0.01, eta=1.0, n_s=100)
BAD = [
    ("alpha", 0.0), ("alpha", -1.0), ("alpha", np.nan), ("alpha", "x"),
    ("S", 0.0), ("S", np.inf), ("S", 1e200),
    ("r", 0.0), ("r", 1.0), ("r", 2.0), ("r", -0.1),
    ("eta", 0.0), ("eta", -np.inf),
    ("n_s", 0), ("n_s", 2.5), ("n_s", True),
]
CALLS = {
    "time_curve": lambda kw: time_curve([1.0], **kw),
    "compute_curve": lambda kw: compute_curve([1.0], [1], **kw),
    "compute_envelope": lambda kw: compute_envelope([1.0], **kw),
    "data_curve": lambda kw: data_curve([1], **{k: kw[k] for k in ("alpha", "S", "r", "n_s")}),
    "parameter_curve": lambda kw: parameter_curve([1], **{k: kw[k] for k in ("alpha", "S", "n_s")}),
}


TAKES = {"data_curve": {"alpha", "S", "r", "n_s"}, "parameter_curve": {"alpha", "S", "n_s"}}


@pytest.mark.parametrize("function, name, value", [
    (function, name, value) for function in CALLS for name, value in BAD
    if name in TAKES.get(function, GOOD)])
def test_bad_scalar_arguments_raise(function, name, value):
    with pytest.raises(ArgumentError, match=name) as info:
        CALLS[function](dict(GOOD, **{name: value}))
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("call, name", [
    (lambda: time_curve([1.0, 0.0], **GOOD), "T"),
    (lambda: time_curve([np.inf], **GOOD), "T"),
    (lambda: time_curve([], **GOOD), "T"),
    (lambda: compute_curve([1.0], [0], **GOOD), "N"),
    (lambda: compute_curve([1.0], [101], **GOOD), "N"),
    (lambda: compute_curve([1.0], [1.5], **GOOD), "N"),
    (lambda: compute_envelope([-1.0], **GOOD), "C"),
    (lambda: compute_envelope([1.0], N_grid=[0, 5], **GOOD), "N_grid"),
    (lambda: data_curve([-1], alpha=0.6, S=1.0, r=0.01, n_s=100), "D"),
    (lambda: data_curve([2.5], alpha=0.6, S=1.0, r=0.01, n_s=100), "D"),
    (lambda: data_curve([np.nan], alpha=0.6, S=1.0, r=0.01, n_s=100), "D"),
    (lambda: parameter_curve([200], alpha=0.6, S=1.0, n_s=100), "N"),
    (lambda: skill_probabilities(alpha=-1.0, n_s=3), "alpha"),
])
def test_bad_grids_raise(call, name):
    with pytest.raises(ArgumentError, match=rf"^{name} ") as info:
        call()
    assert "\n" not in str(info.value)


def test_numpy_only():
    code = ("import sys, numeric_check.closed_forms.curves; "
            "bad = {'sympy', 'mpmath', 'scipy'} & set(sys.modules); print(sorted(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
