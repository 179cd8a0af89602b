"""The Euler-Maclaurin sum of a wide band of skills (numeric_check.closed_forms.euler_maclaurin).

The time and compute curves sum a band of skills wider than ~2048 beyond ``K_e`` by
Euler-Maclaurin (``euler_maclaurin.band_sum``).  Checked here: each ingredient of its truncation
bound (the disk bound ``|f| <= 150 f(t)``, the remainder factor, the quadrature, the Taylor
coefficients) against mpmath; the curves against an exact mpmath sum at small ``n_s`` and
against a plain float64 sum over all skills, to 1e-12 relative wherever the loss exceeds
1e-200 (random parameters, and the extreme ``n_s = 1e7``, ``alpha = 0.1``, ``T`` to ``1e12``);
and that a broken truncation (the Euler-Maclaurin start too close to ``k = 1``, the dropped
frequent skills too many, too few quadrature nodes) is caught by the same comparison.
"""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from numeric_check.closed_forms import curves, euler_maclaurin
from numeric_check.closed_forms.curves import compute_curve, time_curve

# Promised agreement.  Both sides round x = eta S T P_s(k) to a few ulp, which Phi ~ e**-4x
# turns into 4 x ulp relative: about 2e-13 at x = 110, the largest x that matters where the
# loss exceeds 1e-200; 1e-12 leaves a factor 5.
RTOL = 1e-12
FLOOR = 1e-200


# ----------------------------------------------------------------------------- references

def plain_sum(T, *, alpha, S, r, eta, n_s, N=None, chunk=4096):
    """``sum_{k<=N} P_s(k) Phi(eta S T P_s(k)) + (S^2/2) sum_{k>N} P_s(k)``, in chunks of k."""
    T = np.asarray(T, dtype=float)
    w = np.arange(1, n_s + 1, dtype=np.float64) ** -(alpha + 1.0)
    p = w / w.sum()
    N = n_s if N is None else int(N)
    log_c = math.log(r / (S - r))
    out = np.zeros(T.size)
    for lo in range(0, N, chunk):
        pc = p[lo:min(lo + chunk, N)]
        with np.errstate(over="ignore"):                  # x = inf at T = 1.7e308: Phi = 0
            x = eta * S * T[:, None] * pc
            out += np.sum(pc * np.exp(-2.0 * np.logaddexp(0.0, log_c + 2.0 * x)), axis=1)
    return 0.5 * S * S * (out + np.sum(p[N:]))


def exact_sum(T, *, alpha, S, r, eta, n_s, dps=30):
    """The same sum in mpmath at ``dps`` digits (small ``n_s``)."""
    with mpmath.workdps(dps):
        s = mpmath.mpf(alpha) + 1
        w = [mpmath.mpf(k) ** -s for k in range(1, n_s + 1)]
        total = mpmath.fsum(w)
        p = [v / total for v in w]
        c = mpmath.mpf(r) / (mpmath.mpf(S) - r)
        out = []
        for t in T:
            a = mpmath.mpf(eta) * S * mpmath.mpf(t)
            out.append(float(S * S / 2 * mpmath.fsum(q / (1 + c * mpmath.exp(2 * a * q)) ** 2
                                                     for q in p)))
    return np.array(out)


def max_relative(fast, slow, floor=FLOOR):
    fast, slow = np.asarray(fast), np.asarray(slow)
    assert np.all(np.isfinite(fast))
    keep = slow > floor
    assert np.all(np.abs(fast[~keep]) <= 10 * floor)     # tiny where the reference is tiny
    return float(np.max(np.abs(fast[keep] / slow[keep] - 1.0))) if keep.any() else 0.0


@pytest.fixture
def count_wide_rows(monkeypatch):
    """Count the rows summed by Euler-Maclaurin."""
    seen = []
    original = curves.band_sum

    def counting(a, *args, **kwargs):
        seen.append(a.size)
        return original(a, *args, **kwargs)

    monkeypatch.setattr(curves, "band_sum", counting)
    return seen


@pytest.fixture
def fresh_caches():
    euler_maclaurin._gauss_legendre.cache_clear()
    euler_maclaurin._em_jet_coefficients.cache_clear()
    yield
    euler_maclaurin._gauss_legendre.cache_clear()
    euler_maclaurin._em_jet_coefficients.cache_clear()


# ----------------------------------------------------------------------------- the bound

def test_remainder_factor_is_below_3e_17_and_needs_its_reach():
    factor = euler_maclaurin._em_remainder_factor()
    with mpmath.workdps(30):
        exact = (2 * mpmath.zeta(24) * mpmath.factorial(24) * 150**2
                 / (2 * mpmath.pi * 12) ** 24)
    assert factor >= float(exact) * (1 - 1e-12)          # zeta(24) bounded from above
    assert factor < 3e-17
    assert euler_maclaurin._em_remainder_factor(reach=6.0) > 1e-12   # a smaller reach would not do
    assert euler_maclaurin._em_remainder_factor(order=4) > 1e-12     # nor fewer Bernoulli terms


@pytest.mark.parametrize("s", [1.02, 1.1, 1.6, 3.0, 11.0])
@pytest.mark.parametrize("r_over_S", [1e-12, 1e-3, 0.5, 0.99999])
def test_summand_is_bounded_by_150_f_on_the_disk(s, r_over_S):
    """max |f(z)| over |z - t| = rho(t) t is at most 150 f(t) (max modulus: the circle suffices)."""
    c = r_over_S / (1.0 - r_over_S)
    angle = np.linspace(0.0, 2.0 * np.pi, 721)[None, :]
    worst = 0.0
    for x_t in np.geomspace(1e-3, 400.0, 60):
        rho = min(0.25, 3.0 / (4.0 * s) * min(0.5, 0.47 / x_t))
        tau = rho * np.exp(1j * angle)                   # z = t (1 + tau); f scales with t**-s
        w = x_t * (1.0 + tau) ** -s
        small = math.exp(-2.0 * x_t) / c                 # the ratio over c e**(2 x_t), no overflow
        ratio = np.abs((1.0 + tau) ** -s * ((small + 1.0) / (small + np.exp(2.0 * (w - x_t)))) ** 2)
        worst = max(worst, float(ratio.max()))
    assert worst <= euler_maclaurin._EM_BOUND
    assert worst > 1.0


@pytest.mark.parametrize("s, r_over_S, y_lo, y_hi", [
    (1.1, 0.01, 0.3, 60.0), (1.1, 0.01, 1e-6, 0.8), (1.05, 1e-9, 0.05, 130.0),
    (3.0, 0.5, 0.9, 1.7), (11.0, 0.99997, 1e-3, 20.0), (1.6, 0.2, 2.0, 2.0 + 1e-9),
])
def test_band_integral_against_mpmath(s, r_over_S, y_lo, y_hi):
    S, r = 1.0, r_over_S
    got = euler_maclaurin._band_integral(np.array([y_lo]), np.array([y_hi]), s=s, S=S, r=r)[0]
    with mpmath.workdps(40):
        c = mpmath.mpf(r) / (S - mpmath.mpf(r))
        points = [y_lo] + [v for v in (1, 2, 4, 8, 16, 32, 64) if y_lo < v < y_hi] + [y_hi]
        want = mpmath.quad(lambda y: y ** (-1 / mpmath.mpf(s)) / (1 + c * mpmath.exp(2 * y)) ** 2,
                           points)
    assert abs(got / float(want) - 1.0) < 1e-14


@pytest.mark.parametrize("s, r_over_S, x0", [(1.1, 0.01, 0.4), (1.1, 0.01, 40.0),
                                             (2.5, 0.9, 3.0), (11.0, 1e-9, 0.02)])
def test_taylor_coefficients_against_mpmath(s, r_over_S, x0):
    """f(k0 (1 + tau)) = P0 (1+tau)**-s (1 + c e**(2 x0 (1+tau)**-s))**-2: coefficients of tau."""
    order = 12
    log_c = math.log(r_over_S / (1.0 - r_over_S))
    got = euler_maclaurin._phi_jet(np.array([0.3]), np.array([x0]), s=s, log_c=log_c,
                                   order=order)[0]
    with mpmath.workdps(60):
        c = mpmath.mpf(r_over_S) / (1 - mpmath.mpf(r_over_S))

        def f(u):
            return 0.3 * (1 + u) ** -s / (1 + c * mpmath.exp(2 * x0 * (1 + u) ** -s)) ** 2

        f0 = f(mpmath.mpf(0))
        want = [float(v) for v in mpmath.taylor(lambda u: f(u) / f0, 0, order - 1)]
    # each coefficient to 1e-12 of the largest one times 0.1**n (the sum uses tau <= 1/k0)
    got = got / float(f0)
    scale = max(abs(v) * 0.1**n for n, v in enumerate(want))
    for n, v in enumerate(want):
        assert abs(got[n] - v) * 0.1**n <= 1e-12 * scale, n


# ----------------------------------------------------------------------------- the curves

@pytest.mark.parametrize("alpha, r_over_S", [(0.1, 0.01), (1.5, 0.7), (0.4, 1e-6)])
def test_small_n_s_against_exact_mpmath_sum(alpha, r_over_S, monkeypatch, count_wide_rows):
    monkeypatch.setattr(curves, "_EM_WIDTH", 16)          # Euler-Maclaurin already at n_s = 2000
    kw = dict(alpha=alpha, S=2.0, r=2.0 * r_over_S, eta=0.7, n_s=2000)
    T = np.geomspace(1e2, 1e9, 9)
    fast = time_curve(T, **kw)
    assert sum(count_wide_rows) >= 3
    assert max_relative(fast, exact_sum(T, **kw)) < RTOL


@settings(max_examples=40, deadline=None)
@example(log_alpha=0.0, log_r_over_S=-6.103515625e-05, log_S=1.0, log_eta=0.0, log_n_s=4.0,
         N_fraction=None, width=16, seed=0)
@given(log_alpha=st.floats(math.log(0.02), math.log(10.0)),
       log_r_over_S=st.floats(math.log(1e-9), math.log(0.99999)),
       log_S=st.floats(-5.0, 5.0), log_eta=st.floats(-3.0, 3.0),
       log_n_s=st.floats(0.0, math.log(2e5)), N_fraction=st.one_of(st.none(), st.floats(0.0, 1.0)),
       width=st.sampled_from([16, 2048]), seed=st.integers(0, 2**31))
def test_random_parameters_match_plain_sum(log_alpha, log_r_over_S, log_S, log_eta, log_n_s,
                                           N_fraction, width, seed):
    S = math.exp(log_S)
    n_s = max(1, int(math.exp(log_n_s)))
    kw = dict(alpha=math.exp(log_alpha), S=S, r=S * math.exp(log_r_over_S), eta=math.exp(log_eta),
              n_s=n_s)
    T = np.concatenate([[1e-9, 1e12, 1e300, 1.7e308],
                        np.exp(np.random.default_rng(seed).uniform(-20, 40, 30))])
    old = curves._EM_WIDTH
    curves._EM_WIDTH = width
    try:
        if N_fraction is None:
            fast, N = time_curve(T, **kw), None
        else:
            N = 1 + round(N_fraction * (n_s - 1))
            fast = compute_curve(T, N, **kw)
    finally:
        curves._EM_WIDTH = old
    # Where r is within 1e-4 of S the loss is ill-conditioned in r: S/r - 1 carries the relative
    # rounding eps * S/(S - r) of its inputs, whichever way the sum is taken (hypothesis found
    # r/S = 1 - 6.1e-5: 1.07e-12). The tolerance adds that conditioning, four-fold.
    conditioning = 4 * np.finfo(float).eps * kw["S"] / (kw["S"] - kw["r"])
    assert max_relative(fast, plain_sum(T, N=N, **kw)) < RTOL + conditioning


EXTREME = dict(alpha=0.1, S=1.0, r=0.01, eta=1.0, n_s=10**7)


def test_extreme_configuration_against_chunked_sum(count_wide_rows):
    """n_s = 1e7, alpha = 0.1, 1000 times to 1e12 (the benchmark's grid), checked at 8 of them
    (T = 1, 1e6, 1e7.8, 1e8.8, 1e9.6, 1e10.2, 1e10.8, 1e12; the plain sum costs ~1 s each)."""
    T = np.logspace(0.0, 12.0, 1000)
    loss = time_curve(T, **EXTREME)
    assert sum(count_wide_rows) > 100
    picked = np.r_[0, 500, 650, 733, 800, 850, 900, 999]
    assert max_relative(loss[picked], plain_sum(T[picked], **EXTREME)) < RTOL
    assert np.all(np.diff(loss) <= 0.0)
    compute = compute_curve(T[picked], 10**6, **EXTREME)
    assert max_relative(compute, plain_sum(T[picked], N=10**6, **EXTREME)) < RTOL


def test_a_huge_time_in_the_grid_changes_no_other_point():
    """Rows with eta S T > e**700 take a log route for x; the other rows must not (it would
    cost them ~1e-12 at x ~ 100: alpha = 30, r/S = 1e-15 showed 2.2e-12)."""
    kw = dict(alpha=30.0, S=1.0, r=1e-15, eta=1.0, n_s=30000)
    T = np.geomspace(1e-300, 1e300, 80)
    alone = time_curve(T, **kw)
    assert np.array_equal(time_curve(np.append(T, 1.7e308), **kw)[:-1], alone)
    assert max_relative(alone, plain_sum(T, **kw)) < RTOL


# ----------------------------------------------------------------------------- broken truncations

BROKEN_CASE = dict(alpha=0.1, S=1.0, r=0.01, eta=1.0, n_s=2 * 10**5)


@pytest.mark.parametrize("changes", [
    # Euler-Maclaurin started where it diverges
    [(euler_maclaurin, "_EM_REACH", 0.02), (curves, "_EM_WIDTH", 16)],
    [(curves, "_LOG_DROP", 5.0)],              # the band's frequent end cut far too early
    [(euler_maclaurin, "_GL_NODES", 6)],       # too coarse a quadrature of the band's integral
], ids=["reach", "window", "quadrature"])
def test_a_broken_truncation_is_caught(changes, monkeypatch, fresh_caches):
    T = np.logspace(0.0, 12.0, 60)
    reference = plain_sum(T, **BROKEN_CASE)
    assert max_relative(time_curve(T, **BROKEN_CASE), reference) < RTOL
    for module, name, value in changes:
        monkeypatch.setattr(module, name, value)
    euler_maclaurin._gauss_legendre.cache_clear()
    with np.errstate(all="ignore"):
        broken = time_curve(T, **BROKEN_CASE)
    keep = reference > FLOOR
    assert not np.all(np.abs(broken[keep] / reference[keep] - 1.0) < RTOL)
