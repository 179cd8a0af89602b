"""Per-claim tests for the rigorous scaling-law results (Lemma 6, Proposition 4, Theorem 3,
Corollaries 3 and 4): each check fails on a deliberately wrong formula, plus properties of the
derivations checked a second way."""
import dataclasses

import mpmath
import numpy as np
import pytest
import sympy as sp

from derivations.rigorous.corollary_4_compute_bound import weights
from derivations.rigorous.corollary_5_compute_constant import lam_C
from derivations.rigorous.lemma_6_zeta_partial_sums import harmonic_expansion, sigma
from derivations.rigorous.proposition_4_large_d_loss import f_alpha
from derivations.registry import get
from symbolic.scaling import C
from symbolic.symbols import N, S, T, alpha

_RNG = lambda: np.random.default_rng(0)  # noqa: E731


def _replace(claim_id, statement):
    good = get(claim_id)
    bad = dataclasses.replace(good, statement=statement(good.statement))
    assert bad.statement != good.statement
    return bad


@pytest.mark.parametrize("claim_id, wrong", [
    ("lemma-6", lambda s: s.subs(1 - sigma, (1 - sigma) / 2)),                  # N^(1-sigma)/(1-sigma) doubled
    ("lemma-6", lambda s: sp.Eq(s.lhs, 2 * sp.zeta(sigma) + s.rhs.removeO() - sp.zeta(sigma) + s.rhs.getO())),
    ("corollary-3", lambda s: s.subs(alpha + 1, alpha + 2)),                     # time exponent -alpha/(alpha+2)
    ("corollary-4", lambda s: s.subs(alpha + 2, alpha + 3)),                     # compute exponent -alpha/(alpha+3)
    ("theorem-3", lambda s: sp.Eq(s.lhs, 2 * s.rhs)),                             # kappa with 1/10 for 1/20
    ("proposition-4", lambda s: s.subs(S, S / 10)),                               # bound 100x (1e4x) tighter
    ("corollary-5", lambda s: s.subs(lam_C ** (alpha / (alpha + 1)), lam_C ** (-alpha / (alpha + 1)))),  # the slip after Cor. 5
    ("corollary-5", lambda s: sp.Eq(s.lhs, 2 * s.rhs)),
    ("proposition-7", lambda s: sp.Eq(s.lhs, s.rhs * 2 ** (alpha / (alpha + 1)))),   # 2^-alpha/(alpha+1) dropped
    ("proposition-8", lambda s: s.subs(T, 2 * T)),                                   # e^(-8 eta S T/D): too fast
    ("proposition-5", lambda s: sp.Eq(s.lhs, s.rhs.subs(alpha, 2 * alpha))),         # wrong tail exponent
    ("proposition-3", lambda s: s.subs(S, S / 10)),                                  # bound 100x (1e4x) tighter
    ("lemma-7", lambda s: sp.Eq(s.lhs, 2 * s.rhs)),                                  # 16/27 for 8/27
])
def test_a_wrong_factor_is_caught(claim_id, wrong):
    bad = _replace(claim_id, wrong)
    assert not bad.check_symbolic(bad.statement)
    assert not bad.check_numeric(bad.statement, _RNG()).passed


def test_lemma_6_wrong_order_term_is_caught():
    # the remainder is O(N^-sigma), not O(N^-sigma-1): the numeric check divides by the stated order
    bad = _replace("lemma-6", lambda s: sp.Eq(s.lhs, s.rhs.removeO() + sp.O(N ** (-sigma - 1), (N, sp.oo))))
    assert not bad.check_symbolic(bad.statement)
    assert not bad.check_numeric(bad.statement, _RNG()).passed


@pytest.mark.parametrize("s", [0.5, 0.75, 1.5, 3.0])
def test_lemma_6_against_hurwitz_zeta(s):
    # second route: sum_{k<=N} k^-s = zeta(s) - zeta(s, N+1) exactly (Hurwitz zeta)
    law = sp.lambdify((N, sigma), get("lemma-6").statement.rhs.removeO(), modules="mpmath")
    with mpmath.workdps(40):
        n = mpmath.mpf(10**6)
        exact = mpmath.zeta(s) - mpmath.zeta(s, n + 1)
        scaled = (exact - law(n, mpmath.mpf(s))) * n**s
    assert abs(scaled - mpmath.mpf(1) / 2) < s / (6 * 10**6)


def test_lemma_6_harmonic_case():
    assert harmonic_expansion() == sp.log(N) + sp.EulerGamma
    with mpmath.workdps(30):
        n = 10**5
        h = mpmath.harmonic(n) - mpmath.log(n) - mpmath.euler
        assert abs(h * n - mpmath.mpf(1) / 2) < 1e-5


def test_corollary_4_weights_and_balance():
    sol = {str(k): v for k, v in weights().items()}
    assert sp.simplify(sol["w_1"] + sol["w_2"]) == 1
    assert sp.simplify(sol["e"] + alpha / (alpha + 2)) == 0
    # on N = C^(1/(alpha+2)) both arguments of the max equal C^(-alpha/(alpha+2)) (numerically, alpha = 0.7)
    a, c = 0.7, 1e9
    n = c ** (1 / (a + 2))
    assert np.isclose(n**-a, (c / n) ** (-a / (a + 1))) and np.isclose(n**-a, c ** (-a / (a + 2)))


def test_theorem_3_kappa_value_second_route():
    # kappa from its definition: (1/20) int_{k1}^{k2} P_s dk (eta S T)^(alpha/(alpha+1)) by mpmath quadrature
    kappa = sp.lambdify((alpha,), get("theorem-3").statement.rhs, modules="mpmath")
    with mpmath.workdps(30):
        a, c = mpmath.mpf("0.6"), mpmath.mpf(10) ** 6
        z = mpmath.zeta(a + 1)
        k1, k2 = (4 * c / z) ** (1 / (a + 1)), (8 * c / z) ** (1 / (a + 1))
        direct = mpmath.quad(lambda x: x ** -(a + 1) / z, [k1, k2]) / 20 * c ** (a / (a + 1))
        assert abs(direct / kappa(a) - 1) < mpmath.mpf(10) ** -25


def test_proposition_4_f_alpha_and_alpha_one_limit():
    assert np.allclose(f_alpha(0.5, [1, 16]), [1, 2]) and np.allclose(f_alpha(2.0, [5, 50]), 1)
    assert np.isclose(f_alpha(1.0, np.e), 1.0)
    # the explicit sum bound tends to 1 + log N as alpha -> 1 (the harmonic case of Lemma 6)
    rhs = get("proposition-4").statement.rhs
    first = [t for t in sp.Add.make_args(rhs) if not t.has(T)][0]
    inner = sp.simplify(first / (2**alpha * S**2 * sp.sqrt(1 / sp.zeta(alpha + 1)) / sp.sqrt(sp.Symbol("D", positive=True, integer=True))))
    assert sp.simplify(sp.limit(inner, alpha, 1) - 1 - sp.log(N)) == 0


def test_rigorous_claims_carry_notes():
    assert get("theorem-3").notes[0].relative_difference > 10      # A(inf)/kappa - 1: the bound is loose
    assert get("proposition-4").notes[0].exact != get("proposition-4").notes[0].paper
    assert C in get("corollary-4").statement.free_symbols
