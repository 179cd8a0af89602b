"""Proposition 5 and Lemma 6 (Eqs. 149-170): the normalisation and tails at finite n_s."""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, PaperNote, Step
from symbolic.identities import ZETA, same
from symbolic.symbols import A, alpha, n_s

__all__ = ["claim"]


def _derived() -> sp.Expr:
    kk = sp.Symbol("kappa", positive=True)
    return ZETA - sp.integrate(kk ** (-(alpha + 1)), (kk, n_s, sp.oo), conds="none")


def _statement() -> sp.Eq:
    return sp.Eq(1 / A, _derived())


def _check_symbolic(statement: sp.Eq) -> bool:
    return bool(same(_derived(), statement.rhs))


def _check_numeric(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
    law = sp.lambdify((alpha, n_s), statement.rhs, modules="mpmath")
    details, worst, tol = [], 0.0, 0.0
    for a in (0.3, 0.6, 0.9):
        sigma = a + 1
        for n in (300, 1000):
            direct = float(np.sum(np.arange(1, n + 1, dtype=float) ** -sigma))
            # Euler-Maclaurin: sum_{k<=n} = zeta - n^-alpha/alpha + n^-sigma/2 - sigma n^-(sigma+1)/12 + ...
            scaled = (direct - float(law(mpmath.mpf(a), n))) * n**sigma
            err = abs(scaled - 0.5)
            details.append((rf"(sum $-$ formula) $n^{{\alpha+1}}$ $\alpha={a}$, $n_s={n}$", scaled))
            if n == 1000:
                worst, tol = max(worst, err), max(tol, sigma / (6 * n))
    return Agreement(worst, tol, r"direct float64 sums at $n_s = 10^3$: the remainder of Eq.~160 times $n_s^{\alpha+1}$ must be "
                     r"$1/2$ (Lemma 6's $O(N^{-\sigma})$ term) up to the next Euler-Maclaurin term $\sigma/(12 n_s)$, doubled; "
                     r"float rounding contributes $< 10^{-7}$ here", tuple(details), method="exact sum")


def claim() -> Claim:
    """Build Proposition 5 with Lemma 6 (Eqs. 149-150, 160-163): the normalisation A at finite n_s.

    Returns
    -------
    Claim
        ``1/A = zeta(alpha+1) - n_s^-alpha/alpha + O(n_s^-(alpha+1))``, with its checks and the note on
        the remainder of Eq. 161.
    """
    stmt = _statement()
    with mpmath.workdps(30):
        a, ns = mpmath.mpf("0.3"), 10**5
        z = mpmath.zeta(a + 1)
        Ainv = z - mpmath.zeta(a + 1, ns + 1)
        resid = z / Ainv - 1 - ns**-a / (a * z)
        second = (ns**-a / (a * z)) ** 2
    steps = (
        Step(1 / A, sp.Symbol(r"\zeta(\alpha+1)-\sum_{k>n_s}k^{-(\alpha+1)}"), r"Definition of $A$ (Eq.~160)."),
        Step(1 / A, stmt.rhs, r"Lemma~6 / integral of the tail: remainder $O(n_s^{-\alpha-1})$ with coefficient $\tfrac12$."),
        Step(sp.Symbol(r"\zeta(\alpha+1)P_s(k)k^{\alpha+1}"), 1 + n_s ** (-alpha) / (alpha * ZETA),
             r"Eq.~161 to first order; the remainder is $O(n_s^{-\min(2\alpha,\alpha+1)})$, not $O(n_s^{-\alpha-1})$."),
    )
    note = PaperNote(r"Eq. 161: the remainder is $O(n_s^{-\min(2\alpha, \alpha+1)})$",
                     r"Expanding $A=(\zeta-n_s^{-\alpha}/\alpha+\dots)^{-1}$ gives a second-order term $(n_s^{-\alpha}/(\alpha\zeta))^2$, "
                     r"so for $\alpha<1$ the error of Eq.~161 is $O(n_s^{-2\alpha})$; the text also lacks a ``+'' before the $O$. "
                     rf"At $\alpha=0.3$, $n_s=10^5$ the residual $\zeta A-1-n_s^{{-\alpha}}/(\alpha\zeta)$ is {float(resid):.3g}, "
                     rf"against $(n_s^{{-\alpha}}/(\alpha\zeta))^2={float(second):.3g}$ (relative difference below).",
                     relative_difference=float(resid / second - 1))
    return Claim(
        id="proposition-5",
        statement=stmt,
        steps=steps,
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"the statement's right side equals $\zeta(\alpha+1)$ minus SymPy's integral of "
                        r"$k^{-(\alpha+1)}$ from $n_s$ to infinity (difference simplifies to $0$)"),
        assumptions=r"$\alpha>0$, $n_s\to\infty$.",
        summary=r"$A^{-1}=\zeta(\alpha+1)-n_s^{-\alpha}/\alpha+O(n_s^{-\alpha-1})$.",
        notes=(note,),
    )
