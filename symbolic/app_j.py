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

from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from symbolic.identities import ZETA
from symbolic.symbols import D, N, S, T, alpha, eta, k, p, r

__all__ = ["z", "skill_frequency", "skill_loss_z", "threshold_frequency", "threshold_index",
           "decomposition_sums", "gaussian_density", "gaussian_moment", "sum_value", "order_exponent",
           "max_slope_by_substitution", "max_slope_by_inflection", "compile_with_sums"]

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


@lru_cache(maxsize=None)
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


@lru_cache(maxsize=None)
def gaussian_moment(n: int) -> sp.Expr:
    """``E[(z - p)^n]`` for ``z ~ N(p, p(1-p)/D)``, by ``sp.integrate`` of the density (``0 < p < 1``)."""
    v = sp.Symbol("v", positive=True)                      # the variance, positive for 0 < p < 1
    value = sp.integrate((z - p) ** n * gaussian_density(variance=v), (z, -sp.oo, sp.oo))
    return sp.factor(sp.simplify(value.subs(v, p * (1 - p) / D)))


def sum_value(expr: sp.Sum, values: dict) -> float:
    """A SymPy ``Sum`` over ``k`` with finite limits, at numeric ``values`` of its other symbols.

    The limits are evaluated first (they may hold ``floor``, ``Min``); the summand, with the values put in, is lambdified once
    and evaluated on every integer ``k`` between them with NumPy (float64) and summed. An empty
    range sums to 0.

    Examples
    --------
    >>> sum_value(sp.Sum(k ** -2, (k, 1, N)), {N: 4})
    1.4236111111111112
    """
    (var, lo, hi), = expr.limits
    lo_v, hi_v = (int(_evaluator(sp.sympify(b))(values)) for b in (lo, hi))
    if hi_v < lo_v:
        return 0.0
    summand, params = _summand(sp.sympify(expr.function), var)
    args = [_evaluator(sp.sympify(arg))(values) for arg in params]
    ks = np.arange(lo_v, hi_v + 1, dtype=np.float64)
    with np.errstate(over="ignore"):                  # exp(huge) -> inf -> a term of exactly 0
        return float(np.sum(np.broadcast_to(summand(ks, *args), ks.shape)))


@lru_cache(maxsize=256)
def _evaluator(expr: sp.Expr):
    """``expr`` as a function of a ``{symbol: value}`` dict: lambdified with mpmath (30 digits) once."""
    symbols = sorted(expr.free_symbols, key=str)
    f = sp.lambdify(symbols, expr, modules="mpmath")

    seen: dict[tuple, float] = {}

    def value(values: dict) -> float:
        key = tuple(values[s_] for s_ in symbols)
        if key not in seen:                     # the same parameters recur (zeta(alpha + 1) in every sum)
            with mpmath.workdps(30):
                seen[key] = float(f(*(mpmath.mpf(v) for v in key)))
        return seen[key]
    return value


@lru_cache(maxsize=64)
def _summand(function: sp.Expr, var: sp.Symbol):
    """The summand lambdified once in ``var`` and its parameters; ``zeta(...)`` (which NumPy lacks) becomes a
    parameter, evaluated by SymPy at 30 digits."""
    zetas = sorted(function.atoms(sp.zeta), key=sp.default_sort_key)
    stand = {zz: sp.Dummy() for zz in zetas}
    body = function.xreplace(stand)
    symbols = sorted(body.free_symbols - {var} - set(stand.values()), key=str)
    params = tuple(symbols) + tuple(zetas)
    f = sp.lambdify((var, *symbols, *(stand[zz] for zz in zetas)), body, modules="numpy")
    return f, params


def compile_with_sums(expr: sp.Basic):
    """``expr`` as a function of a ``{symbol: value}`` dict, each finite ``Sum`` in it summed by
    :func:`sum_value` and the rest lambdified once (mpmath, 30 digits).

    Examples
    --------
    >>> compile_with_sums(1 + sp.Sum(k, (k, 1, N)))({N: 4})
    11.0
    """
    sums = sorted(expr.atoms(sp.Sum), key=sp.default_sort_key)
    stand = {s_: sp.Dummy() for s_ in sums}
    outer = _evaluator(sp.sympify(expr).xreplace(stand))
    names = [stand[s_] for s_ in sums]

    def value(values: dict) -> float:
        return outer({**values, **{nm: sum_value(s_, values) for nm, s_ in zip(names, sums)}})
    return value


def order_exponent(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """The exponent of ``var`` in a product of powers: ``lim var -> oo of d log(expr) / d log(var)``."""
    return sp.simplify(sp.limit(sp.simplify(var * sp.diff(sp.log(expr), var)), var, sp.oo))


@lru_cache(maxsize=None)
def max_slope_by_substitution() -> sp.Expr:
    """``max_z -F'(z) / (eta S^3 T)``: with ``w = e^(2 eta S T z)``, ``-F'`` is a function of ``w``; the root
    of its ``w``-derivative, put back in (Lemma 7, Eq. 181)."""
    w = sp.Symbol("w", positive=True)
    slope = (-sp.diff(skill_loss_z(), z)).subs(sp.exp(2 * eta * S * T * z), w)
    roots = [s_ for s_ in sp.solve(sp.diff(slope, w), w) if s_.is_positive is not False]
    return sp.simplify(slope.subs(w, roots[0]) / (eta * S**3 * T))


@lru_cache(maxsize=None)
def max_slope_by_inflection() -> sp.Expr:
    """The same maximum found a second way: solve ``F''(z) = 0`` for ``z`` and evaluate ``-F'`` there."""
    roots = sp.solve(sp.diff(skill_loss_z(), z, 2), z)
    real = [s_ for s_ in roots if s_.is_real is not False and not s_.has(sp.I)]
    return sp.simplify(-sp.diff(skill_loss_z(), z).subs(z, real[0]) / (eta * S**3 * T))
