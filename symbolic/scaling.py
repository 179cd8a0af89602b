"""Scaling-law exponents derived with SymPy (App. D heuristic and App. E.1-E.4).

Each function performs the paper's derivation step by step with SymPy operations (series,
integration, substitution, ``dsolve``, ``solve``) and returns the intermediate results in a
frozen record, so claims can print them as steps and tests can check them.

Examples
--------
>>> stage_heuristic().exponent
-alpha/(alpha + 1)
>>> compute_allocation().loss_exponent
-alpha/(alpha + 2)
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from symbolic.symbols import A, C, D, F, L_C, N, S, T, Lambda_E4, alpha, k, s, x

__all__ = [
    "x", "s", "C", "L_C", "Lambda_E4", "F",
    "StageHeuristic", "stage_heuristic",
    "TimeExponent", "time_exponent",
    "DataExponent", "data_exponent",
    "ParameterExponent", "parameter_exponent",
    "ComputeAllocation", "compute_allocation",
]



@dataclass(frozen=True)
class StageHeuristic:
    """Eqs. 42-46: loss and time ratios per learned skill as series in ``x = 1/k``."""

    loss_ratio: sp.Expr          # -P_s(k) / int_k^inf P_s, exact in k
    loss_series: sp.Expr         # in x, with O(x^3)
    time_ratio: sp.Expr          # (tau_{k+1} - tau_k)/tau_k in x
    time_series: sp.Expr
    exponent: sp.Expr            # lim_{x->0} loss_ratio / time_ratio


def stage_heuristic() -> StageHeuristic:
    """Derive Eq. 46 from Eqs. 42-45 by series in ``x = 1/k``.

    Examples
    --------
    >>> h = stage_heuristic()
    >>> h.loss_series
    -alpha*x
    >>> h.time_series
    x*(alpha + 1) + alpha*x**2*(alpha + 1)/2 + O(x**3)
    """
    j = sp.Symbol("j", positive=True)
    tail = sp.integrate(j ** (-(alpha + 1)), (j, k, sp.oo), conds="none")
    loss_ratio = sp.simplify(-k ** (-(alpha + 1)) / tail)
    loss_in_x = sp.simplify(loss_ratio.subs(k, 1 / x))
    time_in_x = sp.simplify(((1 / x + 1) ** (alpha + 1) - (1 / x) ** (alpha + 1)) / (1 / x) ** (alpha + 1))
    time_in_x = sp.powsimp(sp.expand_power_base(time_in_x, force=True), force=True)
    time_in_x = (1 + x) ** (alpha + 1) - 1 if sp.simplify(time_in_x - ((1 + x) ** (alpha + 1) - 1)) == 0 else time_in_x
    exponent = sp.limit(loss_in_x / time_in_x, x, 0)
    return StageHeuristic(loss_ratio, sp.series(loss_in_x, x, 0, 3), time_in_x,
                          sp.series(time_in_x, x, 0, 3), sp.simplify(exponent))


@dataclass(frozen=True)
class TimeExponent:
    """App. E.1: the scale identity (Eq. 49), the integration by parts (Eqs. 51-53), the ODE
    (Eq. 54) and its solution; the finite-N correction (Eq. 56)."""

    scale_identity: sp.Expr      # dL_k/dT + k/((alpha+1)T) dL_k/dk, must vanish
    parts_identity: sp.Expr      # A k^-alpha dL_k/dk - d/dk(A k^-alpha L_k) - alpha A k^-(alpha+1) L_k
    law: sp.Eq                   # solution of dL/dT = -alpha/((alpha+1)T) L
    exponent: sp.Expr
    tail: sp.Expr                # S^2/2 int_N^inf A k^-(alpha+1) dk
    corrected_law: sp.Eq         # solution of dL/dT = -alpha/((alpha+1)T) (L + L_C)
    eq69_residual: sp.Expr       # -L_C + S^2 A N^-alpha / (2 alpha) with L_C = tail (the paper's Eq. 69 keeps this term; it is identically 0)


def time_exponent() -> TimeExponent:
    """Derive the time exponent ``-alpha/(alpha+1)`` (Eq. 54) and the corrected law (Eq. 56).

    Examples
    --------
    >>> e = time_exponent()
    >>> e.scale_identity, e.parts_identity, e.exponent
    (0, 0, -alpha/(alpha + 1))
    >>> e.tail
    A*S**2/(2*N**alpha*alpha)
    """
    Lk = F(k ** (-(alpha + 1)) * T)
    scale = sp.simplify(sp.diff(Lk, T) + k / ((alpha + 1) * T) * sp.diff(Lk, k))
    parts = sp.simplify(A * k ** (-alpha) * sp.diff(Lk, k) - sp.diff(A * k ** (-alpha) * Lk, k)
                        - alpha * A * k ** (-alpha - 1) * Lk)
    Lf = sp.Function("L")
    ode = sp.Eq(Lf(T).diff(T), -alpha / ((alpha + 1) * T) * Lf(T))
    law = sp.dsolve(ode)
    exponent = sp.simplify(sp.diff(sp.log(law.rhs), T) * T)
    kk = sp.Symbol("kappa", positive=True)
    tail = sp.simplify(S**2 / 2 * sp.integrate(A * kk ** (-(alpha + 1)), (kk, N, sp.oo), conds="none"))
    corrected = sp.dsolve(sp.Eq(Lf(T).diff(T), -alpha / ((alpha + 1) * T) * (Lf(T) + L_C)))
    residual = sp.simplify(-tail + S**2 * A / (2 * alpha) * N ** (-alpha))
    return TimeExponent(scale, parts, law, exponent, tail, corrected, residual)


@dataclass(frozen=True)
class DataExponent:
    """App. E.2: expected loss and its change per sample as Beta functions."""

    loss_integrand: sp.Expr      # after substituting x = A k^-(alpha+1), up to the common factor
    change_integrand: sp.Expr
    ratio: sp.Expr               # Delta L / E_D[L], exact for the integral form
    paper_ratio: sp.Expr         # -alpha/(1 + (alpha+1) D), Eq. 64
    exponent: sp.Expr            # lim D * ratio


def data_exponent() -> DataExponent:
    """Derive ``Delta L / E_D[L] = -alpha/((alpha+1)D + 2alpha + 1)`` (the paper's Eq. 64 has -alpha/(1+(alpha+1)D): a sign slip in its last line) and the
    exponent ``-alpha/(alpha+1)``.

    The integrals ``int_1^inf k^-(alpha+1) (1-A k^-(alpha+1))^D dk`` (Eq. 61) and
    ``A int_1^inf k^-2(alpha+1) (...)^D dk`` (Eq. 63) become, with ``x = A k^-(alpha+1)``, the
    same constant times ``x^(s-1)(1-x)^D`` and ``x^s (1-x)^D`` on ``(0, A)``; extending to ``(0,1)``
    (the paper's dropped boundary term, ``O((1-A)^D)``) gives ``B(s, D+1)`` and ``B(s+1, D+1)``.

    Examples
    --------
    >>> d = data_exponent()
    >>> sp.factor(d.ratio)
    -alpha/(D*alpha + D + 2*alpha + 1)
    >>> d.exponent
    -alpha/(alpha + 1)
    """
    kofx = (x / A) ** (-1 / (alpha + 1))
    jac = sp.diff(kofx, x)
    loss_int = sp.powsimp(sp.expand_power_base(sp.simplify(-(kofx ** (-(alpha + 1))) * (1 - x) ** D * jac), force=True), force=True)
    change_int = sp.powsimp(sp.expand_power_base(sp.simplify(-A * kofx ** (-2 * (alpha + 1)) * (1 - x) ** D * jac), force=True), force=True)
    ratio_integrands = sp.simplify(change_int / loss_int)         # = x: the extra factor in Eq. 63
    sv = alpha / (alpha + 1)
    # the x-power of the loss integrand is s - 1 (checked in the tests), so the integrals are Betas
    ratio = -sp.gammasimp(sp.beta(s + 1, D + 1) / sp.beta(s, D + 1)) * ratio_integrands / x
    ratio = sp.simplify(ratio.subs(s, sv))
    exponent = sp.limit(D * ratio, D, sp.oo)
    return DataExponent(loss_int, change_int, ratio, -alpha / (1 + (alpha + 1) * D), exponent)


@dataclass(frozen=True)
class ParameterExponent:
    """App. E.3, Eq. 67."""

    loss: sp.Expr
    exponent: sp.Expr


def parameter_exponent() -> ParameterExponent:
    """``L = S^2/2 int_{N+1}^inf A k^-(alpha+1) dk = S^2 A (N+1)^-alpha / (2 alpha)``.

    Examples
    --------
    >>> parameter_exponent().exponent
    -alpha
    """
    kk = sp.Symbol("kappa", positive=True)
    loss = sp.simplify(S**2 / 2 * sp.integrate(A * kk ** (-(alpha + 1)), (kk, N + 1, sp.oo), conds="none"))
    exponent = sp.limit(N * sp.diff(loss, N) / loss, N, sp.oo)
    return ParameterExponent(loss, exponent)


@dataclass(frozen=True)
class ComputeAllocation:
    """App. E.4: Lagrange conditions (Eqs. 72-74) solved by SymPy."""

    conditions: tuple[sp.Expr, ...]
    balance: sp.Eq               # N^-alpha = T^(-alpha/(alpha+1)) / (alpha+1)  (App. E.4 writes "T^(alpha+1) ~ N"; the Lagrange system gives N^(alpha+1) ~ T)
    T_opt: sp.Expr               # in terms of C
    N_opt: sp.Expr
    loss_min: sp.Expr
    T_exponent: sp.Expr
    N_exponent: sp.Expr
    loss_exponent: sp.Expr


def compute_allocation() -> ComputeAllocation:
    """Minimise ``T^(-alpha/(alpha+1)) + N^-alpha`` (Eq. 71) subject to ``N T = C``.

    Examples
    --------
    >>> c = compute_allocation()
    >>> c.balance
    Eq(N**(-alpha), 1/(T**(alpha/(alpha + 1))*(alpha + 1)))
    >>> c.T_exponent, c.N_exponent
    ((alpha + 1)/(alpha + 2), 1/(alpha + 2))
    """
    Tp, Np, u = sp.Symbol("T", positive=True), sp.Symbol("N", positive=True), sp.Symbol("u", positive=True)
    objective = Tp ** (-alpha / (alpha + 1)) + Np ** (-alpha)
    lagrangian = objective + Lambda_E4 * (Np * Tp - C)
    conditions = (sp.diff(lagrangian, Tp), sp.diff(lagrangian, Np), Np * Tp - C)
    multiplier = sp.solve(conditions[1], Lambda_E4)[0]
    reduced = sp.simplify(conditions[0].subs(Lambda_E4, multiplier))
    reduced_u = sp.powsimp(sp.expand_power_base(reduced.subs(Np, u ** (-1 / alpha)), force=True), force=True)
    (u_sol,) = sp.solve(reduced_u, u)                          # u = N^-alpha
    balance = sp.Eq(Np ** (-alpha), u_sol)
    N_of_T = sp.powsimp(sp.expand_power_base(u_sol ** (-1 / alpha), force=True), force=True)
    (T_sol,) = sp.solve(sp.Eq(N_of_T * Tp, C), Tp)
    N_sol = sp.simplify(C / T_sol)
    loss = sp.simplify(sp.powsimp(sp.expand_power_base(objective.subs({Np: N_sol, Tp: T_sol}), force=True), force=True))
    expo = lambda e: sp.simplify(sp.limit(C * sp.diff(e, C) / e, C, sp.oo))  # noqa: E731
    return ComputeAllocation(conditions, balance, T_sol, N_sol, loss, expo(T_sol), expo(N_sol), expo(loss))
