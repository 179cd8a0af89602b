"""Proposition 7 (Eqs. 252-259): the time-law integral as r -> 0."""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, PaperNote, Step
from symbolic.identities import same
from symbolic import constants
from symbolic.symbols import S, alpha, r

__all__ = ["claim"]

_I = sp.Symbol(r"\int_\Lambda^\infty u^{-1/(\alpha+1)}\Phi_{S,r}(u)\,du")


def _derived() -> sp.Expr:
    """u = (log M) v: the integrand tends to v^(-1/(alpha+1)) on v < 1/2 (Eq. 255)."""
    v = sp.Symbol("v", positive=True)
    limit_integral = S**2 / 2 * sp.integrate(v ** (-1 / (alpha + 1)), (v, 0, sp.Rational(1, 2)), conds="none")
    return sp.log((S - r) / r) ** (alpha / (alpha + 1)) * limit_integral


def _statement() -> sp.Eq:
    return sp.Eq(_I, _derived())


def _check_symbolic(statement: sp.Eq) -> bool:
    return bool(same(_derived(), statement.rhs))


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
    M = sp.Symbol("M", positive=True)
    steps = (
        Step(M, S / r - 1, r"Eq.~253; substitute $u=(\log M)v$."),
        Step(_I, sp.Symbol(r"(\log M)^{\frac{\alpha}{\alpha+1}}\frac{S^2}{2}\int_{\Lambda/\log M}^\infty\frac{v^{-1/(\alpha+1)}dv}{(1+M^{2v-1})^2}"),
             r"Eq.~254."),
        Step(_I, stmt.rhs, r"Eqs.~255--259: dominated convergence, the integrand tends to $v^{-1/(\alpha+1)}\mathbb{1}_{v\le1/2}$."),
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
        symbolic_check=(r"the statement's right side equals $(\log((S-r)/r))^{\alpha/(\alpha+1)}$ times SymPy's "
                        r"integral of $S^2/2\, v^{-1/(\alpha+1)}$ over $(0, 1/2)$, the dominated-convergence limit of "
                        r"the integral after $u = (\log M)\, v$ (Eq.~255)"),
        assumptions=r"Fixed $\Lambda>0$ (here $\Lambda\to0$, the case of $A(\infty)$), $r\to0$.",
        summary=r"$A(\infty)\simeq\frac{S^2}{2\alpha}\zeta(\alpha+1)^{-1/(\alpha+1)}(\tfrac12\log\tfrac{S-r}{r})^{\alpha/(\alpha+1)}$.",
        notes=(note,),
        domain=(r < S,),
    )
