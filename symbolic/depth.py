"""The depth-L multilinear model derived with SymPy: ``f = sum_k (prod_{l<=L} a_k^(l)) g_k``.

Beyond the paper: L = 1 is the linear model of App. H (Eqs. 124-125), L = 2 the multilinear
model of Lemma 1. Everything is obtained by operating on the model, as :mod:`symbolic.multilinear`
does for L = 2: the empirical skill loss ``(d_k/2D)(S - prod_l a_l)^2`` is differentiated to give
the gradient flow of every factor, the conserved quantities ``a_l^2 - a_j^2`` are
differentiated along it, the balanced start reduces the flow to one ODE for
``R_k = prod_l a_l``, and its exact solution is the implicit ``t(R)``, an integral of a rational
function of the factor ``sigma = (R/S)^(1/L)`` (closed form by ``integrate`` for L <= 6; for
larger L, or as a second route, a Gauss hypergeometric function).

Examples
--------
>>> sp.simplify(strength_ode(3).rhs - 3 * eta * p * R(t) ** sp.Rational(4, 3) * (S - R(t)))
0
>>> sp.simplify(strength_closed_form(1) - S + (S - R0) * sp.exp(-eta * p * t))
0
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

from numeric_check.validation import ArgumentError, integer
from symbolic.symbols import D, R, R0, S, alpha, d_k, epsilon, eta, p, t

__all__ = [
    "MAX_DEPTH", "depth", "factors", "skill_loss_empirical", "gradient_flow", "conserved_derivatives",
    "strength_ode_from_flow", "strength_ode", "time_integrand", "factor_antiderivative", "hypergeometric_antiderivative",
    "time_to_reach", "strength_closed_form", "emergence_time", "saturation_time", "dimensionless_times",
    "emergence_asymptotic", "stage_like_condition", "stage_like_bound", "y", "sigma_f",
]

#: The largest depth the command accepts (the closed forms of ``integrate`` reach L = 6; beyond,
#: the hypergeometric form is used; the bound keeps ``R^(2-2/L)`` and the simulations sane).
MAX_DEPTH = 64

y = sp.Symbol("y", positive=True)            # R/S in (0, 1)
sigma_f = sp.Symbol("sigma", positive=True)   # one balanced factor over S^(1/L): (R/S)^(1/L)


def depth(L) -> int:
    """``L`` as an int in ``[1, MAX_DEPTH]`` (one :class:`ArgumentError` line otherwise)."""
    return integer("--depth", L, minimum=1, maximum=MAX_DEPTH)


def factors(L: int) -> tuple:
    """The L factors ``a^(1)(t), ..., a^(L)(t)`` of one skill's coefficient."""
    return tuple(sp.Function(f"a^{{({l})}}")(t) for l in range(1, depth(L) + 1))


def skill_loss_empirical(L: int) -> sp.Expr:
    """Skill k's share of the empirical loss (Eq. 29 with L factors): ``(d_k/2D)(S - prod a)^2``."""
    return d_k / (2 * D) * (S - sp.Mul(*factors(L))) ** 2


def gradient_flow(L: int) -> tuple[sp.Eq, ...]:
    """``a_l' = -eta dL/da_l`` for every factor, by differentiating :func:`skill_loss_empirical`."""
    fs = factors(L)
    plain = [sp.Dummy(f"a{l}") for l in range(len(fs))]
    loss = skill_loss_empirical(L).subs(dict(zip(fs, plain)))
    back = dict(zip(plain, fs))
    return tuple(sp.Eq(f.diff(t), sp.factor((-eta * sp.diff(loss, q)).subs(back))) for f, q in zip(fs, plain))


def conserved_derivatives(L: int) -> tuple[sp.Expr, ...]:
    """``d/dt (a_1^2 - a_l^2)`` along the flow for ``l = 2..L``; each simplifies to 0."""
    fs = factors(L)
    flow = {eq.lhs: eq.rhs for eq in gradient_flow(L)}
    return tuple(sp.simplify(2 * fs[0] * flow[fs[0].diff(t)] - 2 * f * flow[f.diff(t)]) for f in fs[1:])


def strength_ode_from_flow(L: int) -> tuple[sp.Expr, sp.Expr]:
    """``dR/dt`` by the product rule over the L factors, and under balance (``a_l = R^(1/L)``, ``p = d_k/D``)."""
    fs = factors(L)
    flow = {eq.lhs: eq.rhs for eq in gradient_flow(L)}
    product = sp.factor(sum(flow[f.diff(t)] * sp.Mul(*(g for g in fs if g is not f)) for f in fs))
    one = sp.Function("a")(t)
    balanced = product.subs({f: one for f in fs})
    in_R = sp.powsimp(sp.factor(balanced.subs(one, R(t) ** sp.Rational(1, L))), force=True)
    return product, sp.factor(in_R.subs(d_k, p * D))


def strength_ode(L: int) -> sp.Eq:
    """The balanced depth-L reduction ``dR/dt = L eta p R^(2-2/L) (S - R)``, derived from the flow."""
    return sp.Eq(R(t).diff(t), strength_ode_from_flow(depth(L))[1])


def time_integrand(L: int, ode: sp.Eq | None = None) -> sp.Expr:
    """``dt/dsigma`` for ``R = S sigma^L``: ``(dR/dsigma) / (dR/dt)``, from the ODE (default the
    derived one). For the derived ODE it is ``S^(2/L-2) sigma^(1-L) / (eta p (1 - sigma^L))``."""
    L = depth(L)
    ode = strength_ode(L) if ode is None else ode
    R_of_sigma = S * sigma_f ** L
    value = sp.diff(R_of_sigma, sigma_f) / ode.rhs.subs(R(t), R_of_sigma)
    return sp.powsimp(sp.simplify(value), force=True)


def _real_logs(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """Replace each ``log(q)`` whose argument is negative on ``0 < var < 1`` by ``log(-q)`` (a
    constant ``i pi`` apart, so the antiderivative stays one, and real on that interval)."""
    def fix(arg):
        return sp.log(-arg) if arg.subs(var, sp.Rational(1, 2)).is_negative else sp.log(arg)
    return expr.replace(sp.log, fix)


@lru_cache(maxsize=32)
def factor_antiderivative(L: int) -> sp.Expr | None:
    """An antiderivative ``G(sigma)`` of ``sigma^(1-L) / (1 - sigma^L)``, real on ``(0, 1)``, from
    ``integrate``; ``None`` where it is not elementary in SymPy's hands (``integrate`` returns a
    ``RootSum`` from L = 7 on, and takes ever longer, so it is not asked beyond L = 6)."""
    L = depth(L)
    if L > 6:
        return None
    value = sp.integrate(sigma_f ** (1 - L) / (1 - sigma_f ** L), sigma_f)
    if value.has(sp.RootSum):
        return None
    return _real_logs(sp.expand(value), sigma_f)


def hypergeometric_antiderivative(L: int) -> sp.Expr:
    """Second route: ``sigma^(2-L)/(2-L) 2F1(1, (2-L)/L; 2/L; sigma^L)`` (``L != 2``; for
    ``L = 2``, ``log(sigma) - log(1 - sigma^2)/2``), from term-by-term integration of the
    geometric series ``sum_n sigma^(1-L+nL)``."""
    L = depth(L)
    if L == 2:
        return sp.log(sigma_f) - sp.log(1 - sigma_f**2) / 2
    b = sp.Rational(2 - L, L)
    return sigma_f ** (2 - L) / (2 - L) * sp.hyper([1, b], [b + 1], sigma_f ** L)



def time_to_reach(L: int, level=None, start=R0, freq=p) -> sp.Expr:
    """The exact implicit solution: the gradient-flow time for R to go from ``start`` to ``level``,
    ``S^(2/L-2) / (eta p) [G(sigma) - G(sigma_0)]``, ``sigma = (level/S)^(1/L)``; for L >= 7 the
    antiderivative is the hypergeometric one."""
    L = depth(L)
    level = R(t) if level is None else level
    G = factor_antiderivative(L)
    G = hypergeometric_antiderivative(L) if G is None else G
    prefactor = sp.powsimp(sp.simplify(time_integrand(L) * (1 - sigma_f ** L) / sigma_f ** (1 - L)), force=True)
    hi = G.subs(sigma_f, (level / S) ** sp.Rational(1, L))
    lo = G.subs(sigma_f, (start / S) ** sp.Rational(1, L))
    return (prefactor * (hi - lo)).subs(p, freq)


def strength_closed_form(L: int) -> sp.Expr:
    """``R(t)`` explicitly, solved from :func:`time_to_reach` (L = 1 and 2 only; for L >= 3 the
    solution is the implicit ``t(R)``)."""
    L = depth(L)
    if L > 2:
        raise ArgumentError(f"--depth: an explicit R(t) exists for L = 1, 2 only; got {L} (use time_to_reach)")
    Rs = sp.Symbol("R_s", positive=True)
    equation = sp.Eq(sp.expand_log(time_to_reach(L, Rs), force=True), t)
    sols = [sp.simplify(s_) for s_ in sp.solve(equation, Rs)]
    for sol in sols:
        if sp.simplify(sol.subs(t, 0) - R0) == 0:
            return sol
    raise ArithmeticError(f"no solution of t(R) = t starts at R_0 (L={L})")


def emergence_time(L: int, freq=p) -> sp.Expr:
    """tau^(e): the time for R/S to reach epsilon from R_0 (Eq. 40's definition at depth L)."""
    return time_to_reach(L, epsilon * S, R0, freq)


def saturation_time(L: int, freq=p) -> sp.Expr:
    """tau^(s): the time from ``epsilon S`` to ``(1 - epsilon) S`` (Eq. 40's definition at depth L)."""
    return time_to_reach(L, (1 - epsilon) * S, epsilon * S, freq)


def dimensionless_times(L: int) -> tuple[sp.Expr, sp.Expr]:
    """``(I_e, I_s)`` with ``tau^(e) = I_e / (eta p S^(2-2/L))`` and ``tau^(s) = I_s / (...)``."""
    scale = eta * p * S ** (2 - sp.Rational(2, depth(L)))
    return (sp.powsimp(sp.expand(emergence_time(L) * scale), force=True),
            sp.powsimp(sp.expand(saturation_time(L) * scale), force=True))


def emergence_asymptotic(L: int) -> tuple[sp.Expr, sp.Expr]:
    """The leading term of tau^(e) as ``R_0 -> 0`` and the power ``e`` of ``1/R_0`` it carries
    (``0`` for a logarithm or a finite limit).

    L = 1: the finite limit (no delay). L = 2: ``log(S/R_0)/(2 eta p S)`` (the coefficient of
    the logarithm by ``limit``). L >= 3: the leading term of the antiderivative at ``sigma -> 0``
    (``leadterm``), giving ``R_0^-((L-2)/L) / ((L-2) eta p S)``.
    """
    L = depth(L)
    te = emergence_time(L)
    if L == 1:
        return sp.simplify(sp.limit(te, R0, 0)), sp.Integer(0)
    if L == 2:
        coef = sp.limit(te / sp.log(1 / R0), R0, 0)
        return coef * sp.log(S / R0), sp.Integer(0)
    G = factor_antiderivative(L)
    G = hypergeometric_antiderivative(L) if G is None else G
    c, power = G.as_leading_term(sigma_f).as_coeff_exponent(sigma_f)
    scale = sp.powsimp(sp.simplify(time_integrand(L) * (1 - sigma_f ** L) / sigma_f ** (1 - L)), force=True)
    leading = sp.powsimp(sp.simplify(-scale * c * (R0 / S) ** (power / L)), force=True)
    return leading, sp.simplify(-power / L)


def stage_like_condition(L: int, k_: sp.Expr | None = None) -> sp.Rel:
    """Eq. 41 at depth L with ``p = P_s(k) ∝ k^-(alpha+1)``, multiplied by ``eta A S^(2-2/L) > 0``:
    ``I_s k^(alpha+1) < I_e ((k+1)^(alpha+1) - k^(alpha+1))``."""
    from symbolic.symbols import k as kk
    k_ = kk if k_ is None else k_
    Ie, Is = dimensionless_times(L)
    return sp.StrictLessThan(Is * k_ ** (alpha + 1), Ie * ((k_ + 1) ** (alpha + 1) - k_ ** (alpha + 1)))


def stage_like_bound(L: int) -> sp.Expr:
    """The k below which :func:`stage_like_condition` holds, solved by SymPy for the equality
    (``1/((1 + I_s/I_e)^(1/(alpha+1)) - 1)``, with ``q = I_s/I_e``); the condition's right side over
    its left decreases in k, so it holds exactly for k below this."""
    from symbolic.symbols import k as kk

    q = sp.Symbol("q", positive=True)
    (root,) = sp.solve(sp.Eq((1 + 1 / kk) ** (alpha + 1) - 1, q), kk)
    Ie, Is = dimensionless_times(L)
    return root.subs(q, Is / Ie)
