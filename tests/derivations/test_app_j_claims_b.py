"""Per-claim tests for Eq. 8, Eqs. 11-12/128-129, Eqs. 169-170, Proposition 9 and Corollary 6: each
check passes, fails on a deliberately wrong constant or exponent, and a property of each is checked
a second way."""
import dataclasses

import mpmath
import numpy as np
import pytest
import sympy as sp

from derivations.registry import get
from symbolic.large_time import O, main_part, order_part
from symbolic.symbols import D, N, Rk, S, alpha

_RNG = lambda: np.random.default_rng(0)  # noqa: E731

IDS = ["eq-8", "eq-11", "eq-169", "proposition-9", "corollary-6"]


def _replace(claim_id, wrong):
    good = get(claim_id)
    bad = dataclasses.replace(good, statement=wrong(good.statement))
    assert bad.statement != good.statement
    return bad


@pytest.mark.parametrize("claim_id", IDS)
@pytest.mark.parametrize("seed", [0, 1])
def test_the_claim_passes(claim_id, seed):
    c = get(claim_id)
    assert c.check_symbolic(c.statement)
    assert c.check_numeric(c.statement, np.random.default_rng(seed)).passed


def _eq169(which, change):
    """Eq. 169-170's statement with ``change`` applied to the main term or the order term of part ``which``."""
    def wrong(statement):
        parts = list(statement)
        eq = parts[which]
        order = [e for e in sp.preorder_traversal(eq.rhs) if isinstance(e, sp.core.function.AppliedUndef)][0]
        main = eq.rhs - order
        parts[which] = sp.Eq(eq.lhs, change(main, order))
        return tuple(parts)
    return wrong


def _m2(statement):
    return next(s for s in statement.rhs.free_symbols if s.name == "m_k")


@pytest.mark.parametrize("claim_id, wrong", [
    ("eq-8", lambda s: sp.Eq(s.lhs, s.rhs.subs(Rk, 2 * Rk))),                  # cross term -4 S R_k
    ("eq-8", lambda s: sp.Eq(s.lhs, s.rhs.subs(_m2(s), _m2(s) / 2))),          # E[f^2]/2
    ("proposition-9", lambda s: sp.Eq(s.lhs, s.rhs + main_part(s.rhs))),       # gamma terms doubled
    ("proposition-9", lambda s: sp.Eq(s.lhs, s.rhs.subs(alpha / (alpha + 1), alpha / (alpha + 2)))),   # wrong shape
    ("corollary-6", lambda s: s.subs(alpha + 1, alpha + 2)),                   # data exponent -alpha/(alpha+2)
    ("corollary-6", lambda s: s.subs(N ** (-alpha), N ** (-alpha / 2))),         # parameter exponent -alpha/2
    ("eq-11", lambda s: sp.Eq(s.lhs, 2 * s.rhs)),                               # 1/D for 1/(2D)
    ("eq-169", _eq169(0, lambda main, order: 2 * main + order)),               # delta doubled
    ("eq-169", _eq169(0, lambda main, order: main + order.func(order.args[0] * order.args[0].base ** -1))),
    ("eq-11", lambda s: s.replace(lambda e: isinstance(e, sp.Indexed) and e.base.name == r"\mathcal{R}",
                                  lambda e: 2 * e)),                            # (S - 2 R_k)^2
])
def test_a_wrong_factor_is_caught(claim_id, wrong):  # noqa: D103 (see the table above)
    bad = _replace(claim_id, wrong)
    assert not bad.check_symbolic(bad.statement)
    assert not bad.check_numeric(bad.statement, _RNG()).passed


def test_eq_8_cauchy_schwarz_second_way():
    # the excess over Eq. 10 is half the variance of f's part orthogonal to g: exact averages over the
    # 2^3 relevant-bit patterns for random model values are >= 0 and 0 for f = c g
    stmt = get("eq-8").statement
    law = sp.lambdify((S, _m2(stmt), Rk), stmt.rhs - (S - Rk) ** 2 / 2)
    g = np.array([(-1) ** bin(j).count("1") for j in range(8)], dtype=float)
    rng = _RNG()
    for _ in range(50):
        f = rng.normal(size=8)
        assert law(1.3, np.mean(f**2), np.mean(g * f)) >= -1e-15
    assert abs(law(1.3, np.mean((0.7 * g) ** 2), np.mean(0.7 * g * g))) < 1e-15


def test_eq_11_population_limit_second_way():
    # Eq. 129 from the step: for k > N the summand is P_s(k) S^2/2; for k <= N it is P_s(k)(S - R_k)^2/2
    c = get("eq-11")
    split = c.steps[-1].rhs
    head, tail = sorted(split.args, key=lambda t: str(t.limits[0][1]))
    P = sp.IndexedBase("P")
    k = tail.limits[0][0]
    assert sp.simplify(tail.function - P[k] * S**2 / 2) == 0
    R = sp.IndexedBase(r"\mathcal{R}")
    assert sp.simplify(head.function - P[k] * (S - R[k]) ** 2 / 2) == 0


def test_eq_169_wrong_order_of_delta_is_caught():
    # the paper's Eq. 161 order O(n_s^-(alpha+1)) for delta fails: the measured remainder is O(n_s^-2alpha)
    from symbolic.symbols import alpha, n_s
    bad = _replace("eq-169", _eq169(0, lambda main, order: main + order.func(n_s ** (-alpha - 1))))
    assert not bad.check_symbolic(bad.statement)
    assert not bad.check_numeric(bad.statement, _RNG()).passed


def test_eq_170_wrong_order_is_caught():
    from symbolic.symbols import N, alpha
    bad = _replace("eq-169", _eq169(1, lambda main, order: main + order.func(N ** (-alpha - 1))))
    assert not bad.check_numeric(bad.statement, _RNG()).passed


def test_eq_169_rescaling_second_way():
    # Eq. 169 in float64: L1 with P_s = A k^-(alpha+1) equals (1+delta) L1(inf) at time T(1+delta), delta = zeta A - 1
    a, Nn, ns, etaST, r = 0.6, 50, 2000, 300.0, 0.01
    z = float(mpmath.zeta(a + 1))
    kk = np.arange(1, Nn + 1.0)
    A = 1 / np.sum(np.arange(1, ns + 1.0) ** -(a + 1))
    F = lambda P, x: 0.5 / (1 + np.exp(2 * x * P) / (1 / r - 1)) ** 2  # noqa: E731
    P_ns, P_inf = A * kk ** -(a + 1), kk ** -(a + 1) / z
    d = z * A - 1
    assert np.isclose(np.sum(P_ns * F(P_ns, etaST)), (1 + d) * np.sum(P_inf * F(P_inf, etaST * (1 + d))), rtol=1e-12)
    assert get("eq-169").steps[0].rhs == 1 + sp.Symbol("delta")


def test_proposition_9_too_fast_an_order_is_caught():
    # O(D^-2(2alpha+1)/(alpha+1) + D^-alpha/(alpha+1) M^-3): faster than the measured remainder
    from derivations.rigorous.proposition_9_gamma_sum import M
    e = -(2 * alpha + 1) / (alpha + 1)
    bad = _replace("proposition-9", lambda s: sp.Eq(s.lhs, main_part(s.rhs) + O(D ** (2 * e) + D ** (-alpha / (alpha + 1)) / M**3)))
    assert bad.check_symbolic(bad.statement)            # the symbolic route checks the gamma terms, not the order
    assert not bad.check_numeric(bad.statement, _RNG()).passed


def test_proposition_9_main_term_is_the_frequency_integral_second_way():
    # the gamma terms equal int_M^N P(kappa) e^(-D P(kappa)) dkappa by mpmath quadrature
    from derivations.rigorous.proposition_9_gamma_sum import M
    c = get("proposition-9")
    law = sp.lambdify((alpha, D, M, N), main_part(c.statement.rhs), modules="mpmath")
    with mpmath.workdps(25):
        a, d, m, n = mpmath.mpf("0.6"), mpmath.mpf(500), 4, 3000
        z = mpmath.zeta(a + 1)
        P = lambda kk: kk ** (-(a + 1)) / z  # noqa: E731
        quad = mpmath.quad(lambda kk: P(kk) * mpmath.exp(-d * P(kk)), [m, 10, 100, n])
        assert abs(law(a, d, m, n) / quad - 1) < 1e-15
    assert order_part(c.statement.rhs).has(M)


@pytest.mark.parametrize("a", [0.3, 0.6, 0.9])
def test_corollary_6_constants_second_way(a):
    # the closed-form extremes of B(mu)/max(mu^s, 1) (symbolic.large_time) against a dense mpmath grid in mu
    from symbolic import constants
    from symbolic.large_time import data_theta_constants
    lo, hi = data_theta_constants(alpha=a, S=1.0, r=0.01)
    with mpmath.workdps(20):
        s, z = mpmath.mpf(a) / (a + 1), mpmath.zeta(a + 1)
        a_d, a_n = constants.A_D(alpha=a, S=1, r="0.01"), 1 / (2 * mpmath.mpf(a) * z)
        values = [(a_d * mpmath.gammainc(s, mu / z) / mpmath.gamma(s) + a_n * mu**s) / max(mu**s, 1)
                  for mu in (mpmath.mpf(10) ** e for e in np.linspace(-8, 8, 4001))]
    assert min(values) >= lo * (1 - 1e-6) and abs(min(values) / lo - 1) < 1e-4
    assert max(values) <= hi * (1 + 1e-6) and abs(max(values) / hi - 1) < 1e-4


def test_proposition_9_bounds_on_a_grid_second_way():
    # Eqs. 292-294 numerically: e^-y (1 - y^2/D) <= (1 - y/D)^D <= e^-y wherever D > 2y
    for d in (3.0, 10.0, 1e3, 1e6):
        y = np.linspace(0.0, d / 2, 2001)[1:-1]
        exact = np.exp(d * np.log1p(-y / d))
        assert np.all(exact <= np.exp(-y) * (1 + 1e-12))
        assert np.all(exact >= np.exp(-y) * (1 - y**2 / d) * (1 - 1e-12))
