"""Proposition 7 (Eqs. 252-259): the time-law integral as r -> 0."""
from __future__ import annotations

from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, PaperNote, Step
from symbolic.identities import same
from symbolic import constants
from symbolic.symbols import Lambda_E4, S, alpha, r, u

__all__ = ["claim"]

_L = sp.Symbol("L", positive=True)            # log M, M = S/r - 1 (Eq. 253)
_v = sp.Symbol("v", positive=True)
_t = sp.Symbol("t", positive=True)
_PHI = S**2 / 2 / (1 + sp.exp(2 * u - _L)) ** 2                   # Eq. 239: (S/r - 1)^-1 e^(2u) = e^(2u - L)
_I = sp.Symbol("I_{252}")        # the integral of Eq. 252, int_Lambda^oo u^(-1/(alpha+1)) Phi_{S,r}(u) du


def _integral_u() -> sp.Integral:
    return sp.Integral(u ** (-1 / (alpha + 1)) * _PHI, (u, Lambda_E4, sp.oo))


def _integrand_v() -> sp.Expr:
    """Eq. 254: the integrand after ``u = L v`` (times ``du/dv``), powers of positive quantities combined."""
    g = (u ** (-1 / (alpha + 1)) * _PHI).subs(u, _L * _v) * sp.diff(_L * _v, _v)
    return sp.powsimp(sp.expand_power_base(g, force=True), force=True)


@lru_cache(maxsize=1)
def _pointwise_limits() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """Eq. 255: the constant factor of the integrand, and SymPy's limits ``L -> oo`` of the rest at
    ``v = 1/(2(1+t)) < 1/2`` (written back in ``v``) and at ``v = (1+t)/2 > 1/2``."""
    factor, rest = _integrand_v().as_independent(_v, as_Add=False)
    below = sp.limit(rest.subs(_v, 1 / (2 * (1 + _t))), _L, sp.oo)
    above = sp.limit(rest.subs(_v, (1 + _t) / 2), _L, sp.oo)
    return factor, sp.simplify(below.subs(_t, 1 / (2 * _v) - 1)), above


def _derived(in_L: bool = False) -> sp.Expr:
    """Dominated convergence (Eqs. 255-259): the factor times the integral of the limit over ``(0, 1/2)``
    (in terms of ``L = log M``, known positive, when ``in_L``)."""
    factor, below, above = _pointwise_limits()
    if above != 0:
        raise ArithmeticError("the integrand of Eq. 254 does not vanish beyond v = 1/2")
    limit_integral = sp.integrate(below, (_v, 0, sp.Rational(1, 2)), conds="none")
    return factor * limit_integral if in_L else (factor * limit_integral).subs(_L, sp.log((S - r) / r))


def _statement() -> sp.Eq:
    """The form printed in Prop. 7 (Eq. 259)."""
    return sp.Eq(_I, sp.log((S - r) / r) ** (alpha / (alpha + 1)) * 2 ** (1 / (alpha + 1)) * S**2 * (alpha + 1) / (4 * alpha))


def _check_symbolic(statement: sp.Eq) -> bool:
    # compare in L = log((S-r)/r) > 0 (SymPy cannot tell the logarithm is positive)
    return bool(same(_derived(in_L=True), statement.rhs.subs(sp.log((S - r) / r), _L)))


def _check_numeric(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
    law = sp.lambdify((alpha, S, r), statement.rhs, modules="mpmath")
    details, worst, tol = [], 0.0, 0.0
    with mpmath.workdps(30):
        for a in ("0.3", "0.9"):
            prev = None
            for rr in ("1e-4", "1e-16", "1e-64"):
                logM = mpmath.log(1 / mpmath.mpf(rr) - 1)
                ratio = constants.time_integral(alpha=a, S=1, r=rr, dps=20) / law(mpmath.mpf(a), 1, mpmath.mpf(rr))
                # Sommerfeld expansion of the Fermi-Dirac form: ratio = 1 - (alpha/(alpha+1))/log M + O(log^-2 M)
                first = 1 - mpmath.mpf(a) / (mpmath.mpf(a) + 1) / logM
                err = float(abs(ratio - first))
                details += [(rf"ratio $\alpha={a}$, $r/S={rr}$", float(ratio)), (rf"$|\mathrm{{ratio}} - \mathrm{{first\ order}}|$ $\alpha={a}$, $r/S={rr}$", err)]
                if rr == "1e-16":
                    worst, tol = max(worst, err), max(tol, float(1 / logM**2))
                if prev is not None and not abs(ratio - 1) < prev:
                    worst = float("inf")          # must approach 1 monotonically
                prev = abs(ratio - 1)
    return Agreement(worst, tol, r"quadrature of the integral ($\Lambda \to 0$) against the asymptotic form at $r/S = 10^{-4}$, "
                     r"$10^{-16}$, $10^{-64}$: the ratio must approach 1 and, at $r/S = 10^{-16}$, match $1 - (\alpha/(\alpha+1))/\log M$ "
                     r"to within $1/\log^2 M$ (the next Sommerfeld term, coefficient $(\pi^2/6)\, s(1-s) < 1/2$)", tuple(details),
                     method="quadrature")


def claim() -> Claim:
    """Build Proposition 7 (Eqs. 252-259): the time-law integral as r -> 0.

    Returns
    -------
    Claim
        The small-``r`` asymptotic of the integral behind ``A(inf)``, with its checks and the note on its
        logarithmic convergence.
    """
    stmt = _statement()
    factor, below, above = _pointwise_limits()
    steps = (
        Step(_L, sp.log(S / r - 1), r"Eq.~253: $M=S/r-1$, $L=\log M$; substitute $u=Lv$ in "
             r"$I_{252}=\int_\Lambda^\infty u^{-1/(\alpha+1)}\Phi_{S,r}(u)\,du$."),
        Step(_integral_u(), sp.Integral(_integrand_v(), (_v, Lambda_E4 / _L, sp.oo)),
             r"Eq.~254 (SymPy: the integrand at $u=Lv$ times $du/dv$, powers combined)."),
        Step(sp.Tuple(sp.Symbol("g_-"), sp.Symbol("g_+")), sp.Tuple(factor * below, factor * above),
             r"Eq.~255: the integrand's limits $g_\mp$ for $v<\tfrac12$ and $v>\tfrac12$: SymPy's limits $L\to\infty$ of the "
             r"integrand over its constant factor at $v=1/(2(1+t))$ and $v=(1+t)/2$, $t>0$."),
        Step(_I, _derived(), r"Eqs.~256--259: dominated convergence (bound $v^{-1/(\alpha+1)}$ for $v\le\tfrac12$, "
             r"$v^{-1/(\alpha+1)}e^{-2(2v-1)}$ beyond), SymPy's integral over $(0,\tfrac12)$, $L=\log((S-r)/r)$.", relation=r"\simeq"),
        Step(_I, stmt.rhs, r"The form of Prop.~7.", relation=r"\simeq"),
    )
    rels = []
    for a in ("0.3", "0.9"):
        rels.append(float(constants.A_infinity_small_r(alpha=a, S=1, r="0.01") / constants.A_lambda("inf", alpha=a, S=1, r="0.01") - 1))
    note = PaperNote("Proposition 7 converges logarithmically",
                     r"Closed form via Fermi--Dirac integrals: the ratio of the integral to Prop.~7's form is "
                     r"$1-\frac{\alpha}{(\alpha+1)\log(S/r-1)}+O(\log^{-2})$ (0.99 only at $r/S\approx10^{-16}$). At the paper's "
                     rf"$r/S=10^{{-2}}$ the asymptotic $A(\infty)$ is {100 * rels[0]:.1f}\% ($\alpha=0.3$) to {100 * rels[1]:.1f}\% "
                     r"($\alpha=0.9$) too high; use the integral (Eq.~321) for $A_T$. Relative difference at $\alpha=0.9$:",
                     relative_difference=rels[1])
    return Claim(
        id="proposition-7",
        statement=stmt,
        steps=steps,
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"the statement's right side (the form printed in Prop.~7) equals the derivation: after $u = (\log M)\, v$ "
                        r"the integrand's constant factor $S^2/2\, (\log M)^{\alpha/(\alpha+1)}$ times SymPy's integral over $(0, 1/2)$ "
                        r"of its pointwise limit $v^{-1/(\alpha+1)}$ (SymPy limits $M \to \infty$ on both sides of $v = 1/2$, Eq.~255)"),
        assumptions=r"Fixed $\Lambda>0$ (here $\Lambda\to0$, the case of $A(\infty)$), $r\to0$.",
        summary=r"$A(\infty)\simeq\frac{S^2}{2\alpha}\zeta(\alpha+1)^{-1/(\alpha+1)}(\tfrac12\log\tfrac{S-r}{r})^{\alpha/(\alpha+1)}$.",
        notes=(note,),
        domain=(r < S,),
    )
