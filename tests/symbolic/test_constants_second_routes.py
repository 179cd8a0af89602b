"""Each constant of symbolic.constants checked by a second, independent route."""
import mpmath
import numpy as np
import pytest

from numeric_check.validation import ArgumentError
from symbolic import constants as c


@pytest.mark.parametrize("alpha", ["0.1", "0.3", "0.6", "0.9", "2"])
@pytest.mark.parametrize("r", ["0.5", "0.01", "1e-8"])
def test_time_integral_equals_fermi_dirac_closed_form(alpha, r):
    # quadrature in v = u^(alpha/(alpha+1)) against polylogarithms of non-integer order
    with mpmath.workdps(40):
        quad = c.time_integral(alpha=alpha, S=1, r=r, dps=30)
        closed = c.time_integral_polylog(alpha=alpha, S=1, r=r, dps=30)
        assert abs(quad / closed - 1) < mpmath.mpf(10) ** -28


def test_time_integral_with_lower_limit_by_another_split():
    # int_lower^inf in u directly (no substitution, a different split) at 30 digits
    with mpmath.workdps(40):
        a, r, lower = mpmath.mpf("0.6"), mpmath.mpf("0.01"), mpmath.mpf("0.3")
        direct = mpmath.quad(lambda u: u ** (-1 / (a + 1)) * c.phi(u, S=1, r=r), [lower, 1, 2, 3, 5, 10, mpmath.inf])
        assert abs(c.time_integral(alpha="0.6", S=1, r="0.01", lower="0.3", dps=30) / direct - 1) < 1e-28


def test_A_lambda_tends_to_A_infinity_and_tail_dominates_small_lambda():
    a_inf = c.A_lambda("inf", alpha="0.6", S=1, r="0.01")
    assert abs(c.A_lambda(1e12, alpha="0.6", S=1, r="0.01") / a_inf - 1) < 1e-7
    small = mpmath.mpf("1e-3")
    tail = mpmath.mpf(1) / (2 * mpmath.mpf("0.6") * mpmath.zeta(1.6)) * small ** mpmath.mpf("-0.6")
    assert abs(c.A_lambda(small, alpha="0.6", S=1, r="0.01") / tail - 1) < 1e-6


def test_A_D_gamma_function_against_quadrature():
    with mpmath.workdps(40):
        a = mpmath.mpf("0.3")
        sg = a / (a + 1)   # int y^(sg-1) e^-y dy with v = y^sg: int e^(-v^(1/sg)) dv / sg (smooth)
        integral = mpmath.quad(lambda v: mpmath.exp(-v ** (1 / sg)), [0, 1, 2, mpmath.inf]) / sg
        expected = mpmath.mpf("0.99") ** 2 * mpmath.zeta(a + 1) ** (-1 / (a + 1)) * integral / (2 * (a + 1))
        assert abs(c.A_D(alpha="0.3", S=1, r="0.01", dps=30) / expected - 1) < 1e-25


def test_data_bracket_incomplete_gamma_against_quadrature():
    with mpmath.workdps(40):
        a, mu = mpmath.mpf("0.6"), mpmath.mpf("0.7")
        z = mpmath.zeta(a + 1)
        upper = mpmath.quad(lambda y: y ** (a / (a + 1) - 1) * mpmath.exp(-y), [mu / z, 5, mpmath.inf])
        expected = (mpmath.mpf("0.99") ** 2 * z ** (-1 / (a + 1)) / (2 * (a + 1)) * upper
                    + mu ** (a / (a + 1)) / (2 * a * z))
        assert abs(c.data_bracket(alpha="0.6", S=1, r="0.01", mu="0.7", dps=30) / expected - 1) < 1e-25


@pytest.mark.parametrize("alpha", ["0.3", "0.9"])
def test_compute_constant_is_the_minimum_by_golden_section(alpha):
    res = c.compute_constant(alpha=alpha, S=1, r="0.01", eta=1)
    g = lambda lam: (c.A_lambda(lam ** ((float(alpha) + 2) / (float(alpha) + 1)), alpha=alpha, S=1, r="0.01", dps=10)  # noqa: E731
                     * lam ** (float(alpha) / (float(alpha) + 1)))
    lo, hi = 0.05, 20.0
    phi = (5 ** 0.5 - 1) / 2
    for _ in range(40):                         # golden section in log lambda, independent of the root finder
        m1, m2 = hi - phi * (hi - lo), lo + phi * (hi - lo)
        if g(m1) < g(m2):
            hi = m2
        else:
            lo = m1
    assert abs(float(res.lambda_star) / lo - 1) < 1e-3
    assert abs(float(res.A_C) / float(g(lo)) - 1) < 1e-8


def test_compute_constant_scales_with_eta_S():
    one = c.compute_constant(alpha="0.6", S=1, r="0.01", eta=1)
    two = c.compute_constant(alpha="0.6", S=1, r="0.01", eta=2)
    assert abs(two.A_C / one.A_C - mpmath.mpf(2) ** (-mpmath.mpf("0.6") / mpmath.mpf("2.6"))) < 1e-12
    assert abs(two.lambda_star / one.lambda_star - 1) < 1e-12


def test_A_N_against_direct_tail_sums():
    # N^alpha * S^2/2 * sum_{k>N} P_s(k) -> A_N as N grows (n_s infinite, Hurwitz zeta)
    ratios = [c.tail_probability(alpha="0.6", N=n) / 2 * mpmath.mpf(n) ** mpmath.mpf("0.6") / c.A_N(alpha="0.6", S=1)
              for n in (10, 100, 1000)]
    errs = [abs(x - 1) for x in ratios]
    assert errs[0] > errs[1] > errs[2] and errs[2] < 1e-3


def test_prop7_limit_and_its_first_correction():
    # ratio = 1 - (alpha/(alpha+1))/log M + O(log^-2 M)  (Sommerfeld expansion of Fermi-Dirac integrals)
    for r in ("1e-16", "1e-64"):
        M = mpmath.log(1 / mpmath.mpf(r) - 1)
        ratio = c.time_integral_polylog(alpha="0.6", S=1, r=r) / c.prop7_asymptotic(alpha="0.6", S=1, r=r)
        assert abs(ratio - (1 - mpmath.mpf("0.375") / M)) < 1 / M**2


def test_fifty_digits_are_stable():
    fifty = c.A_T(alpha="0.6", S=1, r="0.01", eta=1, dps=50)
    sixty = c.A_T(alpha="0.6", S=1, r="0.01", eta=1, dps=60)
    assert abs(fifty / sixty - 1) < mpmath.mpf(10) ** -50


def test_normalisation_matches_numpy_sum():
    assert abs(float(c.normalisation(alpha=0.6, n_s=1000)) - np.sum(np.arange(1, 1001.0) ** -1.6)) < 1e-12


@pytest.mark.parametrize("call", [
    lambda: c.A_T(alpha=0, S=1, r=0.1, eta=1),
    lambda: c.A_T(alpha=0.5, S=1, r=1, eta=1),
    lambda: c.A_T(alpha=0.5, S=-1, r=0.1, eta=1),
    lambda: c.A_T(alpha=0.5, S=1, r=0.1, eta=0),
    lambda: c.A_D(alpha="x", S=1, r=0.1),
    lambda: c.A_N(alpha=0.5, S=1, gamma=1),
    lambda: c.A_N(alpha=0.5, S=1, dps=4),
    lambda: c.A_N(alpha=0.5, S=1, dps=1001),
    lambda: c.normalisation(alpha=0.5, n_s=0),
    lambda: c.data_bracket(alpha=0.5, S=1, r=0.1, mu=-1),
])
def test_bad_input_is_one_line(call):
    with pytest.raises(ArgumentError) as info:
        call()
    assert "\n" not in str(info.value)
