"""Eq. 8: the skill loss in terms of the skill strength, L_k = (S^2 + E_X[f(k,X)^2] - 2 S R_k)/2.

Expanding ``(1/2) E_X[(S g_k - f)^2]`` with ``g_k(k, x)^2 = 1`` (Eq. 3) leaves the target's power
``S^2``, the model's mean square ``m_k = E_X[f(k,X)^2]`` and the cross term ``-2 S R_k`` (Eq. 7).
For a model with no component orthogonal to ``g_k`` on skill ``k`` (``f = R_k g_k``, Eq. 9) it is
``(S - R_k)^2/2`` (Eq. 10); in general ``L_k - (S - R_k)^2/2 = (m_k - R_k^2)/2 >= 0`` by
Cauchy-Schwarz (``R_k^2 = E[g f]^2 <= E[g^2] E[f^2] = m_k``).
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, Step
from numeric_check.simulation.data import SparseParity
from symbolic.symbols import Rk, S

__all__ = ["claim"]

_LK = sp.Symbol(r"\mathcal{L}_k")
_M2 = sp.Symbol("m_k", nonnegative=True)          # E_X[f(k, X)^2], the model's mean square on skill k
_G, _F = sp.symbols("g f", real=True)              # g_k(k, X) and f(k, X) at one input
_POINTS = 8                                        # the 2^3 patterns of a skill's m = 3 relevant bits


def _expanded() -> sp.Expr:
    """``(S g - f)^2 / 2`` expanded, with ``g^2 = 1`` (Eq. 3)."""
    return sp.expand((S * _G - _F) ** 2 / 2).subs(_G**2, 1)


def _expectation(expr: sp.Expr) -> sp.Expr:
    """``E_X`` of a polynomial in ``g`` and ``f`` by linearity: ``E[1] = 1``, ``E[g f] = R_k`` (Eq. 7),
    ``E[f^2] = m_k``; any other monomial is refused."""
    moments = {(0, 0): sp.Integer(1), (1, 1): Rk, (0, 2): _M2}
    poly = sp.Poly(expr, _G, _F)
    unknown = set(poly.monoms()) - set(moments)
    if unknown:
        raise ValueError(f"no moment for the monomials {sorted(unknown)}")
    return sp.expand(sum(coef * moments[mono] for mono, coef in zip(poly.monoms(), poly.coeffs())))


def _derived() -> sp.Expr:
    return sp.factor_terms(_expectation(_expanded()))


def _statement() -> sp.Eq:
    return sp.Eq(_LK, _derived())


def _pointwise() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """Second route: skill ``k`` on its own ``2^3`` equally likely relevant-bit patterns, with the parity
    signs written out (no ``g^2 = 1`` rule) and symbolic model values ``f_j``: the loss, ``E[f^2]`` and
    ``R_k`` as explicit averages."""
    fs = sp.symbols(f"f_1:{_POINTS + 1}", real=True)
    signs = [(-1) ** (bin(j).count("1")) for j in range(_POINTS)]
    loss = sum((S * g - f) ** 2 for g, f in zip(signs, fs)) / (2 * _POINTS)
    mean_square = sum(f**2 for f in fs) / _POINTS
    strength = sum(g * f for g, f in zip(signs, fs)) / _POINTS
    return loss, mean_square, strength


def _check_symbolic(statement: sp.Eq) -> bool:
    loss, mean_square, strength = _pointwise()
    matches = sp.expand(statement.rhs.subs({_M2: mean_square, Rk: strength}) - loss) == 0
    # Eq. 10 for f = R_k g: then E[f^2] = R_k^2 and the identity must give (S - R_k)^2/2
    eq10 = sp.expand(statement.rhs.subs(_M2, Rk**2) - (S - Rk) ** 2 / 2) == 0
    return bool(matches and eq10)


def _check_numeric(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
    law = sp.lambdify((S, _M2, Rk), statement.rhs, modules="numpy")
    task = SparseParity(n_s=2, n_b=6, m=3, alpha=0.6, S=1.7)
    details, worst, excess_min, eq10_err = [], 0.0, np.inf, 0.0
    for trial in range(4):
        batch = task.sample(4000, rng, skill=0)
        g = task.signs(batch).astype(np.float64)
        code = (batch.bits[:, 0] & np.uint64(63)).astype(np.int64)       # the 6 skill bits as a table index
        table = rng.normal(0.3 * trial, 1.0, size=64)                    # a random function of the skill bits
        for name, f in (("random $f$", table[code]), (r"$f = \mathcal{R} g$", rng.normal() * g)):
            loss = 0.5 * np.mean((task.S * g - f) ** 2)                  # Eq. 6 on the samples
            m2, R = np.mean(f**2), np.mean(g * f)
            err = abs(law(task.S, m2, R) - loss) / (task.S**2 + m2)    # rounding relative to the terms' size
            worst = max(worst, err)
            excess = (loss - 0.5 * (task.S - R) ** 2) / (task.S**2 + m2)   # Cauchy-Schwarz: >= 0
            if name == "random $f$":
                excess_min = min(excess_min, excess)
            else:
                eq10_err = max(eq10_err, abs(excess))
            if trial == 0:
                details.append((rf"error$/(S^2+m_k)$, {name}", err))
    details += [(r"min $(\mathcal{L}_k - \frac12(S-\mathcal{R}_k)^2)/(S^2+m_k)$, random $f$", excess_min),
                (r"max $|\mathcal{L}_k - \frac12(S-\mathcal{R}_k)^2|/(S^2+m_k)$, $f = \mathcal{R} g$", eq10_err)]
    ok = excess_min >= -1e-12 and eq10_err <= 1e-12
    return Agreement(worst if ok else float("inf"), 1e-12,
                     r"4000 sampled inputs of one skill ($n_b = 6$, $m = 3$, $S = 1.7$) and a random function of the skill "
                     r"bits (a Gaussian table over the $2^6$ bit patterns, 4 draws) or $f = \mathcal{R} g$: the loss "
                     r"$\frac12\,\overline{(S g - f)^2}$ against the statement at the sample averages "
                     r"$\overline{f^2}$, $\overline{g f}$, the difference divided by $S^2 + m_k$. The identity holds sample by sample ($g^2 = 1$), so only "
                     r"float64 rounding ($\ll 10^{-12}$) remains; the check also fails if "
                     r"$\mathcal{L}_k < \frac12(S-\mathcal{R}_k)^2$ for a random $f$ or if Eq.~10 misses for "
                     r"$f = \mathcal{R} g$", tuple(details), method="simulation")


def claim() -> Claim:
    """Build Eq. 8: the skill loss in terms of the skill strength and the model's mean square.

    Returns
    -------
    Claim
        ``L_k = (S^2 + E_X[f(k,X)^2] - 2 S R_k)/2``, its reduction to Eq. 10 and the Cauchy-Schwarz
        inequality ``L_k >= (S - R_k)^2/2``, with their checks.
    """
    stmt = _statement()
    excess = sp.factor(stmt.rhs - (S - Rk) ** 2 / 2)
    steps = (
        Step(sp.Mul(sp.Rational(1, 2), (S * _G - _F) ** 2, evaluate=False), _expanded(),
             r"The skill loss's integrand at one input of skill $k$ ($g=g_k(k,x)$, $f=f(k,x)$), expanded, with "
             r"$g^2=1$ (Eq.~3):"),
        Step(_LK, stmt.rhs, r"Linearity of $\mathbb{E}_X$ with $\mathbb{E}_X[g_k f]=\mathcal{R}_k$ (Eq.~7) and "
             r"$m_k=\mathbb{E}_X[f(k,X)^2]$ (Eq.~8):"),
        Step(_LK, sp.factor(stmt.rhs.subs(_M2, Rk**2)),
             r"For $f(k,\cdot)=\mathcal{R}_k g_k(k,\cdot)$ (the multilinear model, Eq.~9), $m_k=\mathcal{R}_k^2$: Eq.~10."),
        Step(_LK - (S - Rk) ** 2 / 2, excess,
             r"In general the excess over Eq.~10 is half the variance of $f$ orthogonal to $g_k$; it is $\ge 0$ because "
             r"$\mathcal{R}_k^2=\mathbb{E}[g_kf]^2\le\mathbb{E}[g_k^2]\,\mathbb{E}[f^2]=m_k$ (Cauchy--Schwarz)."),
    )
    return Claim(
        id="eq-8",
        statement=stmt,
        steps=steps,
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"the statement with $m_k$ and $\mathcal{R}_k$ replaced by explicit averages over the $2^3$ "
                        r"relevant-bit patterns (parity signs written out, symbolic model values $f_j$) equals the "
                        r"averaged $\frac12(S g - f_j)^2$ after expansion, and with $m_k=\mathcal{R}_k^2$ it expands to "
                        r"$\frac12(S-\mathcal{R}_k)^2$ (Eq.~10)"),
        assumptions=r"Any model $f$; $g_k(k,x)=\pm1$ (Eq.~2); $m_k=\mathbb{E}_X[f(k,X)^2]$.",
        summary=(r"$\mathcal{L}_k=\frac12(S^2+m_k-2S\mathcal{R}_k)$ with $m_k=\mathbb{E}_X[f(k,X)^2]$; it is "
                 r"$\frac12(S-\mathcal{R}_k)^2$ (Eq.~10) when $f(k,\cdot)=\mathcal{R}_kg_k$, and never less."),
        meanings=(("m_k", r"mean square $\mathbb{E}_X[f(k,X)^2]$ of the model on skill $k$ (Eq. 8)"),),
        domain=(Rk**2 <= _M2,),
    )
