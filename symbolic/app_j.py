"""Shared SymPy pieces of App. J.2 and J.4 that Lemmas 4-5, the decomposition of Eqs. 182-186,
Proposition 6 and Theorem 2 build on.

* :func:`skill_frequency`, :func:`skill_loss_z` -- ``P_s(k) = k^-(alpha+1)/zeta(alpha+1)`` (``n_s = inf``,
  Eq. 171) and the skill loss ``F(z)`` of Eq. 140/175 (all ``r_k = r``).
* :func:`threshold_index` -- the ``k`` where ``P_s(k) = z_0 = (zeta(alpha+1) eta S T)^-1``, solved by SymPy (Eq. 194).
* :func:`decomposition_sums` -- ``L_1``, ``M``, ``E_1``, ``E_2`` of Eqs. 182-186 as SymPy sums over ``k``.
* :func:`gaussian_moment` -- ``E[(z - p)^n]`` for ``z ~ N(p, p(1-p)/D)``, by integrating the density.
* :func:`sum_value` -- a finite SymPy sum over ``k`` evaluated with NumPy (its summand lambdified once,
  vectorised over ``k``), the bridge the numeric checks use on the statements' sums.

Examples
--------
>>> sp.simplify(skill_frequency(threshold_index()) - 1 / (ZETA * eta * S * T))
0
>>> gaussian_moment(2)
-p*(p - 1)/D
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from symbolic.identities import ZETA
from symbolic.symbols import D, N, S, T, alpha, eta, k, p, r

__all__ = ["z", "skill_frequency", "skill_loss_z", "threshold_frequency", "threshold_index",
           "decomposition_sums", "gaussian_density", "gaussian_moment", "sum_value", "order_exponent"]

#: A skill frequency, the argument of ``F`` (Eq. 140).
z = sp.Symbol("z", real=True)
_x = sp.Symbol("x", positive=True)


def skill_frequency(index=k) -> sp.Expr:
    """``P_s(k) = k^-(alpha+1) / zeta(alpha+1)`` with ``n_s = inf`` (Eq. 171)."""
    return index ** (-(alpha + 1)) / ZETA


def skill_loss_z(arg=z) -> sp.Expr:
    """``F(z) = (S^2/2) (1 + (S/r - 1)^-1 e^(2 eta S T z))^-2`` (Eq. 140/175) with ``r_k = r``."""
    return S**2 / 2 / (1 + sp.exp(2 * eta * S * T * arg) / (S / r - 1)) ** 2


def threshold_frequency() -> sp.Expr:
    """``z_0 = (zeta(alpha+1) eta S T)^-1`` (App. J.4)."""
    return 1 / (ZETA * eta * S * T)


def threshold_index() -> sp.Expr:
    """The real ``x`` with ``P_s(x) = z_0``, by ``sp.solve``: ``(eta S T)^(1/(alpha+1))`` (Eq. 194)."""
    (sol,) = sp.solve(sp.Eq(skill_frequency(_x), threshold_frequency()), _x)
    return sp.powsimp(sp.expand_power_base(sol, force=True), force=True)


def decomposition_sums(threshold=None) -> dict[str, sp.Sum]:
    """``L_1``, ``M``, ``E_1``, ``E_2`` of Eqs. 182-186 as sums over ``k`` (``n_s = D = inf``, ``r_k = r``).

    ``P_s(k) < z_0`` exactly for ``k >= floor(threshold) + 1``; ``threshold`` defaults to
    :func:`threshold_index`.
    """
    kk = sp.floor(threshold_index() if threshold is None else threshold)
    P = skill_frequency()
    return {
        "L_1": sp.Sum(P * skill_loss_z(P), (k, 1, N)),
        "M": sp.Sum((S - r) ** 2 / 2 * P, (k, kk + 1, N)),
        "E_1": eta * S**3 * T * sp.Sum(P**2, (k, kk + 1, N)),
        "E_2": S**2 * sp.Sum(P * sp.Min(1, S**2 / r**2 * sp.exp(-4 * eta * S * T * P)), (k, 1, sp.Min(kk, N))),
    }


def gaussian_density(mean=p, variance=None) -> sp.Expr:
    """The density of ``N(p, p(1-p)/D)`` in ``z`` (Lemmas 4-5)."""
    var = p * (1 - p) / D if variance is None else variance
    return sp.exp(-(z - mean) ** 2 / (2 * var)) / sp.sqrt(2 * sp.pi * var)


def gaussian_moment(n: int) -> sp.Expr:
    """``E[(z - p)^n]`` for ``z ~ N(p, p(1-p)/D)``, by ``sp.integrate`` of the density (``0 < p < 1``)."""
    v = sp.Symbol("v", positive=True)                      # the variance, positive for 0 < p < 1
    value = sp.integrate((z - p) ** n * gaussian_density(variance=v), (z, -sp.oo, sp.oo))
    return sp.factor(sp.simplify(value.subs(v, p * (1 - p) / D)))


def sum_value(expr: sp.Sum, values: dict) -> float:
    """A SymPy ``Sum`` over ``k`` with finite limits, at numeric ``values`` of its other symbols.

    The limits are evaluated first (they may hold ``floor``, ``Min``); the summand is lambdified once
    and evaluated on every integer ``k`` between them with NumPy (float64) and summed. An empty
    range sums to 0.

    Examples
    --------
    >>> sum_value(sp.Sum(k ** -2, (k, 1, N)), {N: 4})
    1.4236111111111112
    """
    (var, lo, hi), = expr.limits
    lo_v, hi_v = (int(sp.Float(sp.sympify(b).subs(values).evalf(30))) for b in (lo, hi))
    if hi_v < lo_v:
        return 0.0
    syms = sorted(expr.function.free_symbols - {var}, key=str)
    f = sp.lambdify((var, *syms), expr.function, modules="numpy")
    ks = np.arange(lo_v, hi_v + 1, dtype=np.float64)
    args = [float(sp.sympify(values[s_]).evalf(30)) if not isinstance(values[s_], float) else values[s_] for s_ in syms]
    return float(np.sum(np.broadcast_to(f(ks, *args), ks.shape)))


def order_exponent(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """The exponent of ``var`` in a product of powers: ``lim var -> oo of d log(expr) / d log(var)``."""
    return sp.simplify(sp.limit(sp.simplify(var * sp.diff(sp.log(expr), var)), var, sp.oo))
