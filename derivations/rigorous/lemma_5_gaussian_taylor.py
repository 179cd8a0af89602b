"""Lemma 5 (Eqs. 133-138): a Gaussian expectation against the value at the mean.

For ``F`` in ``C^2`` with bounded ``F''`` and ``z ~ N(p, p(1-p)/D)``, Taylor's theorem with the
Lagrange remainder, ``F(z) = F(p) + F'(p)(z - p) + F''(xi)(z - p)^2/2``, and the Gaussian moments
``E[z - p] = 0``, ``E[(z - p)^2] = p(1-p)/D`` give
``|E[F(z)] - F(p)| <= p(1-p)/(2D) sup|F''|``; ``F(z) = z^2`` attains it.
"""
from __future__ import annotations

import math

import numpy as np
import sympy as sp
from sympy.stats import E, Normal, variance

from derivations.claim import Agreement, Claim, Step
from symbolic.app_j import gaussian_density, gaussian_moment, z
from symbolic.identities import same
from symbolic.symbols import D, F, p

__all__ = ["claim", "M_F"]

#: ``sup |F''|``.
M_F = sp.Symbol("M_F", positive=True)
_h = sp.Symbol("h", real=True)
_x = sp.Symbol("x", real=True)
_LHS = sp.Abs(sp.Integral(F(z) * gaussian_density(), (z, -sp.oo, sp.oo)) - F(p))


def _taylor() -> sp.Expr:
    """``F(p + h)`` to second order, by ``sp.series`` of the unevaluated ``F``."""
    return sp.series(F(p + _h), _h, 0, 3).removeO().doit()


def _second_coefficient() -> sp.Expr:
    """The coefficient of ``h^2`` in the Taylor series, per unit of ``F''(p)``: 1/2."""
    coeff = _taylor().coeff(_h, 2)
    return sp.simplify(coeff / sp.diff(F(p), p, 2)) if coeff != 0 else sp.S.Zero


def _statement() -> sp.LessThan:
    return sp.LessThan(_LHS, _second_coefficient() * M_F * gaussian_moment(2))


def _stats_moments() -> tuple[sp.Expr, sp.Expr]:
    """``E[z - p]`` and ``Var z`` by ``sympy.stats`` (a second route to the moments)."""
    sd = sp.Symbol("s", positive=True)
    Z = Normal("Z", p, sd)
    return sp.simplify(E(Z - p)), sp.simplify(variance(Z).subs(sd, sp.sqrt(p * (1 - p) / D)))


def _check_symbolic(statement) -> bool:
    first, second = _stats_moments()
    moments_ok = gaussian_moment(1) == 0 and first == 0 and same(gaussian_moment(2), second)
    return bool(moments_ok and _second_coefficient() == sp.Rational(1, 2)
                and same(statement.rhs, sp.Rational(1, 2) * M_F * second))


def _sigmoid():
    """``G(x) = (1/2)(1 + e^x)^-2`` (Eq. 140 at ``S = 1``, ``x = 2 eta S T (z - z*)``) and ``sup |G''|``."""
    g = sp.Rational(1, 2) / (1 + sp.exp(_x)) ** 2
    g2 = sp.lambdify(_x, sp.diff(g, _x, 2), modules="numpy")
    xs = np.linspace(-30.0, 30.0, 600_001)
    return float(np.max(np.abs(g2(xs))))


def _g(x: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x))
    return np.where(x > 0, 0.5 * (e / (1 + e)) ** 2, 0.5 / (1 + e) ** 2)


def _check_numeric(statement, rng: np.random.Generator) -> Agreement:
    bound = sp.lambdify((M_F, D, p), statement.rhs, modules="numpy")
    g2max = _sigmoid()
    xs = np.linspace(-12.0, 12.0, 24001)
    weight = np.exp(-xs**2 / 2) / math.sqrt(2 * math.pi) * (xs[1] - xs[0])
    worst = {"sigmoid": 0.0, "sine": 0.0, "square": 0.0}
    for Dv in (10, 100, 1000, 10_000, 100_000):
        for pv in (0.01, 0.1, 0.5, 0.9):
            sd = math.sqrt(pv * (1 - pv) / Dv)
            for width in (0.3, 1.0, 3.0):                       # F(z) = G(a (z - z*)), a = width / sd
                a = width / sd
                for shift in (0.0, 1.0):                        # z* = p + shift sd
                    zs = pv + sd * xs
                    lhs = abs(float(np.sum(weight * _g(a * (zs - pv - shift * sd)))) - float(_g(np.array(-a * shift * sd))))
                    worst["sigmoid"] = max(worst["sigmoid"], lhs / float(bound(a**2 * g2max, Dv, pv)))
                omega = width / sd                              # F = sin(omega z): E = sin(omega p) e^(-omega^2 sd^2/2)
                lhs = abs(math.sin(omega * pv)) * -math.expm1(-(omega * sd) ** 2 / 2)
                if lhs > 0:
                    worst["sine"] = max(worst["sine"], lhs / float(bound(omega**2, Dv, pv)))
            worst["square"] = max(worst["square"], sd**2 / float(bound(2.0, Dv, pv)))   # F = z^2: E - F(p) = sd^2
    details = ((r"worst LHS / bound, $F$ of Eq.~140 (quadrature)", worst["sigmoid"]),
               (r"worst LHS / bound, $F=\sin(\omega z)$ (closed form)", worst["sine"]),
               (r"LHS / bound, $F=z^2$ (attains the bound)", worst["square"]))
    excess = max(max(worst.values()) - 1.0, abs(worst["square"] - 1.0), 0.0)
    return Agreement(excess, 1e-9,
                     r"Gaussian expectations of Eq.~140's $F$ (trapezoid on $[-12\sigma,12\sigma]$, $2\cdot10^4$ panels, "
                     r"$\sup|F''|$ from SymPy's $F''$ on a $6\cdot10^5$-point grid), of $\sin(\omega z)$ and of $z^2$ (closed forms), "
                     r"$D = 10..10^5$, $p = 0.01..0.9$: the lemma says the ratio to the bound is at most 1, and $z^2$ attains it; "
                     r"error = the larger of the worst ratio's excess over 1 and $z^2$'s distance from 1 (the $10^{-9}$ allows rounding)",
                     details, method="quadrature")


def claim() -> Claim:
    """Build Lemma 5 (Eqs. 133-138): ``|E_{N(p, p(1-p)/D)}[F] - F(p)| <= p(1-p) sup|F''| / (2D)``.

    Returns
    -------
    Claim
        The Taylor bound, derived from SymPy's series and the Gaussian moments, with its checks.
    """
    stmt = _statement()
    steps = (
        Step(F(p + _h), _taylor(), r"Taylor to second order; the remainder form puts $F''(\xi)$ for $F''(p)$ (Eqs.~133--134)."),
        Step(sp.Integral((z - p) * gaussian_density(), (z, -sp.oo, sp.oo)), gaussian_moment(1),
             r"The first central moment vanishes (SymPy integration, Eq.~135)."),
        Step(sp.Integral((z - p) ** 2 * gaussian_density(), (z, -sp.oo, sp.oo)), gaussian_moment(2),
             r"The variance $p(1-p)/D$ (SymPy integration, Eqs.~136--137)."),
        Step(_LHS, stmt.rhs, r"Take expectations of the Taylor form and bound $|F''(\xi)|$ by its supremum (Eq.~138).",
             relation=r"\le"),
    )
    return Claim(
        id="lemma-5",
        statement=stmt,
        steps=steps,
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"the Gaussian moments $\mathbb{E}[z-p]=0$ and $\mathbb{E}[(z-p)^2]$ by integrating the density equal "
                        r"\texttt{sympy.stats}' mean and variance, SymPy's series gives $h^2$ the coefficient $F''(p)/2$, and the "
                        r"bound is $\tfrac12\sup|F''|$ times that variance"),
        assumptions=r"$F\in C^2(\mathbb{R})$ with bounded $F''$; $0<p<1$, $D\ge1$.",
        summary=r"$\bigl|\mathbb{E}_{z\sim\mathcal{N}(p,p(1-p)/D)}[F(z)]-F(p)\bigr|\le\frac{p(1-p)}{2D}\sup|F''|$, attained by $F=z^2$.",
        results=(("bound", sp.Eq(sp.Symbol("upper bound on the gap"), stmt.rhs)),),
        domain=(p < 1,),
        meanings=(("M_F", "supremum of |F''|"),),
    )
