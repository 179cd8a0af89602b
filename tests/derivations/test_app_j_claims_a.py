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


@pytest.mark.parametrize("claim_id", ["lemma-4", "lemma-5"])
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
    from derivations.rigorous.lemma_4_berry_esseen import _deviations
    step, _ = _deviations(200, 0.3)
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
