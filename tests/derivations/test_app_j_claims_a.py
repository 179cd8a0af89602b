"""Per-claim tests for Lemmas 4-5, the decomposition of Eqs. 182-186, Proposition 6 and Theorem 2
(App. J.2, J.4): each passes, each check fails on a deliberately wrong constant or exponent, and a
property of each is checked a second way."""
import dataclasses
import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from derivations.registry import get
from symbolic.symbols import D, p

_RNG = lambda: np.random.default_rng(0)  # noqa: E731


def _bad(claim_id, statement):
    good = get(claim_id)
    bad = dataclasses.replace(good, statement=statement(good.statement))
    assert bad.statement != good.statement
    return bad


@pytest.mark.parametrize("claim_id", ["lemma-4", "lemma-5", "eq-182", "proposition-6", "theorem-2"])
def test_claim_passes(claim_id):
    c = get(claim_id)
    assert c.check_symbolic(c.statement)
    assert c.check_numeric(c.statement, _RNG()).passed


@pytest.mark.parametrize("claim_id, wrong", [
    ("lemma-4", lambda s: sp.StrictLessThan(s.lhs, s.rhs.subs(sp.sqrt(D), D))),       # D for sqrt(D)
    ("lemma-4", lambda s: sp.StrictLessThan(s.lhs, s.rhs / 100)),                       # constant 1/100
    ("lemma-5", lambda s: sp.LessThan(s.lhs, s.rhs.subs(D, D**2))),                     # D^2 for D
    ("lemma-5", lambda s: sp.LessThan(s.lhs, s.rhs / 2)),                               # 1/4 for 1/2
])
def test_a_wrong_constant_or_exponent_is_caught(claim_id, wrong):
    bad = _bad(claim_id, wrong)
    assert not bad.check_symbolic(bad.statement)
    assert not bad.check_numeric(bad.statement, _RNG()).passed


def test_lemma_4_binomial_expectation_second_way():
    # the exact binomial mean of F(d/D) = (d/D)^2 summed at 40 digits equals p^2 + p(1-p)/D
    from derivations.rigorous.lemma_4_berry_esseen import claim
    assert claim().statement.lhs.has(sp.Integral)
    with mpmath.workdps(40):
        Dv, pv = 50, mpmath.mpf(3) / 10
        total = mpmath.fsum(mpmath.binomial(Dv, j) * pv**j * (1 - pv) ** (Dv - j) * (mpmath.mpf(j) / Dv) ** 2
                            for j in range(Dv + 1))
        assert abs(total - (pv**2 + pv * (1 - pv) / Dv)) < mpmath.mpf(10) ** -35


def test_lemma_4_kolmogorov_distance_matches_mpmath():
    # the float64 step-function gap at D = 200, p = 0.3 against a 30-digit computation of the same distance
    from derivations.rigorous.lemma_4_berry_esseen import deviations
    step, _ = deviations(200, 0.3)
    with mpmath.workdps(30):
        Dv, pv = 200, mpmath.mpf("0.3")
        sd = mpmath.sqrt(pv * (1 - pv) / Dv)
        cdf, best = mpmath.mpf(0), mpmath.mpf(0)
        for j in range(Dv + 1):
            g = mpmath.ncdf((mpmath.mpf(j) / Dv - pv) / sd)
            best = max(best, abs(cdf - g))
            cdf += mpmath.binomial(Dv, j) * pv**j * (1 - pv) ** (Dv - j)
            best = max(best, abs(cdf - g))
    assert abs(step - float(best)) < 1e-12


def test_lemma_5_square_attains_the_bound():
    # F = z^2: E[z^2] - p^2 is the variance, and sup F'' = 2 makes the bound exactly that variance
    from derivations.rigorous.lemma_5_gaussian_taylor import M_F
    from symbolic.app_j import gaussian_density, z
    c = get("lemma-5")
    v = sp.Symbol("v", positive=True)
    exact = sp.simplify(sp.integrate(z**2 * gaussian_density(variance=v), (z, -sp.oo, sp.oo)) - p**2)
    exact = exact.subs(v, p * (1 - p) / D)
    assert sp.simplify(exact - c.statement.rhs.subs(M_F, 2)) == 0


def _eq182_variants():
    from symbolic.app_j import threshold_index
    x = threshold_index()
    return {
        "threshold doubled": lambda s: tuple(part.subs(x, 2 * x) for part in s),
        "no E_2 term": lambda s: s[:-1] + (sp.LessThan(s[-1].lhs, sp.Add(*[t for t in sp.Add.make_args(s[-1].rhs)
                                                                          if t.has(sp.Symbol("E_1", positive=True))])),),
        "8/270 for 8/27": lambda s: s[:-1] + (sp.LessThan(s[-1].lhs, s[-1].rhs.subs(sp.Rational(8, 27), sp.Rational(8, 270))),),
    }


@pytest.mark.parametrize("name", ["threshold doubled", "no E_2 term", "8/270 for 8/27"])
def test_eq_182_wrong_threshold_term_or_constant_is_caught(name):
    bad = _bad("eq-182", _eq182_variants()[name])
    assert not bad.check_symbolic(bad.statement)
    assert not bad.check_numeric(bad.statement, _RNG()).passed


def test_eq_182_threshold_index_by_brute_force():
    # the last k with P_s(k) >= z_0, found by scanning k at 30 digits, is floor((eta S T)^(1/(alpha+1)))
    with mpmath.workdps(30):
        for a, c in ((0.3, 1e3), (0.9, 12345.0), (0.6, 10.0**4.4)):
            zeta = mpmath.zeta(a + 1)
            z0 = 1 / (zeta * c)
            last = max(kk for kk in range(1, 3000) if mpmath.mpf(kk) ** (-(a + 1)) / zeta >= z0)
            assert last == math.floor(c ** (1 / (a + 1)))


def test_eq_182_sum_value_against_mpmath():
    # the NumPy evaluation of a statement sum against mpmath's nsum of the same summand
    from symbolic.app_j import decomposition_sums, sum_value
    from symbolic.symbols import N, S, T, alpha, eta, r
    E1 = decomposition_sums()["E_1"]             # with k_0 = (eta S T)^(1/(alpha+1))
    (s_,) = E1.atoms(sp.Sum)
    vals = {alpha: 0.6, S: 1.0, r: 0.01, eta: 1.0, T: 1e4, N: 1000}
    with mpmath.workdps(30):
        lo = math.floor(1e4 ** (1 / 1.6)) + 1
        ref = mpmath.fsum(mpmath.mpf(kk) ** -3.2 for kk in range(lo, 1001)) / mpmath.zeta(1.6) ** 2
    assert abs(sum_value(s_, vals) / float(ref) - 1) < 1e-12


def _prop6_variants():
    from symbolic.symbols import alpha
    s_ = alpha / (alpha + 1)

    def doubled_main(st):
        main = [a for a in sp.Add.make_args(st[3].rhs) if not isinstance(a, sp.core.function.AppliedUndef)][0]
        return st[:3] + (sp.Eq(st[3].lhs, st[3].rhs + main),)
    return {
        "E_2 order (eta S T)^-1": lambda st: (st[0].subs(s_, 1),) + st[1:],
        "E_1 order (eta S T)^-1": lambda st: st[:1] + (st[1].subs(s_, 1),) + st[2:],
        "Theta exponent -alpha/(alpha+2)": lambda st: st[:2] + (st[2].subs(alpha + 1, alpha + 2),) + st[3:],
        "L_2 main term doubled": doubled_main,
        "L_2 remainder N^(-alpha-2)": lambda st: st[:3] + (st[3].subs(-alpha - 1, -alpha - 2),),
    }


@pytest.mark.parametrize("name", ["E_2 order (eta S T)^-1", "E_1 order (eta S T)^-1", "Theta exponent -alpha/(alpha+2)",
                                  "L_2 main term doubled", "L_2 remainder N^(-alpha-2)"])
def test_proposition_6_wrong_order_is_caught(name):
    bad = _bad("proposition-6", _prop6_variants()[name])
    assert not bad.check_symbolic(bad.statement)
    assert not bad.check_numeric(bad.statement, _RNG()).passed


def test_proposition_6_e2_integral_against_the_exact_sum():
    # second way: (eta S T)^(alpha/(alpha+1)) E_2 from the exact sum approaches the integral route's constant
    # S^2 zeta^(-1/(alpha+1))/(alpha+1) (first + second piece) from below as eta S T grows (Riemann sum of a decreasing f)
    from derivations.rigorous.proposition_6_main_terms import e2_integral
    from symbolic.app_j import compile_with_sums, decomposition_sums
    from symbolic.symbols import N, S, T, alpha, eta, r
    first, second, _ = e2_integral()
    ell = sp.Symbol("ell", positive=True)
    a, rv = 0.6, 1e-3
    with mpmath.workdps(30):
        zeta = mpmath.zeta(a + 1)
        integral = float(sp.N((first + second).subs({alpha: sp.Rational(3, 5), ell: sp.log(1 / sp.Float(rv, 30))}), 30)
                         * zeta ** (-1 / (a + 1)) / (a + 1))
    e2 = compile_with_sums(decomposition_sums()["E_2"])
    scaled = [e2({alpha: a, S: 1.0, r: rv, eta: 1.0, T: c, N: 10**7}) * c ** (a / (a + 1)) for c in (1e4, 1e6, 1e8)]
    assert all(v < integral * 1.02 for v in scaled)
    assert abs(scaled[-1] / integral - 1) < abs(scaled[0] / integral - 1) + 1e-3
    assert abs(scaled[-1] / integral - 1) < 0.05


def test_proposition_6_r_condition_solved():
    # Eq. 210's switch point log(S/r)/(2 eta S T) lies above z_0 = 1/(zeta eta S T) exactly when r < S e^(-2/zeta)
    a = 0.6
    zeta = float(mpmath.zeta(a + 1))
    r_max = math.exp(-2 / zeta)
    for rv, above in ((0.9 * r_max, True), (1.1 * r_max, False)):
        assert (math.log(1 / rv) / 2 > 1 / zeta) == above


def _theorem2(time_exponent=None, t_power=2, d_power=sp.Rational(-1, 2)):
    from derivations.rigorous.theorem_2_time_upper_bound import O, f_alpha
    from symbolic.symbols import N, S, T, alpha, eta, r
    st = get("theorem-2").statement
    e = alpha / (alpha + 1) if time_exponent is None else time_exponent
    return sp.Eq(st.lhs, O(S**2 * sp.log(S / r) ** e * (eta * S * T) ** (-e) + S**2 * D**d_power * f_alpha
                          + S**4 * eta**2 * T**t_power / D))


def test_theorem_2_rebuilt_statement_is_the_claims():
    assert _theorem2() == get("theorem-2").statement


@pytest.mark.parametrize("exponent", ["alpha/(alpha+2)", "1"])
def test_theorem_2_wrong_time_exponent_is_caught(exponent):
    from symbolic.symbols import alpha
    bad_statement = _theorem2(time_exponent=sp.sympify(exponent, locals={"alpha": alpha}))
    bad = dataclasses.replace(get("theorem-2"), statement=bad_statement)
    assert not bad.check_symbolic(bad.statement)
    assert not bad.check_numeric(bad.statement, _RNG()).passed


@pytest.mark.parametrize("kwargs", [{"t_power": 3}, {"d_power": sp.Rational(-1, 4)}])
def test_theorem_2_wrong_d_term_is_caught_symbolically(kwargs):
    # with D = inf the D-terms vanish, so only the symbolic check (Proposition 3's exponents) can see them
    bad = dataclasses.replace(get("theorem-2"), statement=_theorem2(**kwargs))
    assert not bad.check_symbolic(bad.statement)


def test_theorem_2_loss_against_theorem_4_constant():
    # second way: at eta S T = 1e6, N = n_s = 1e7, the scaled loss is close to Theorem 4's A(inf) (mpmath quadrature)
    from numeric_check.closed_forms.curves import time_curve
    from symbolic import constants
    a, rv = 0.6, 0.01
    a_inf = float(constants.A_lambda("inf", alpha=a, S=1, r=rv))
    scaled = float(time_curve([1e6], alpha=a, S=1.0, r=rv, eta=1.0, n_s=10**7)[0]) * 1e6 ** (a / (a + 1))
    assert abs(scaled / a_inf - 1) < 1e-2
