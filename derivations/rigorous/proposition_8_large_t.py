"""Proposition 8 (Eqs. 261-273): how far the loss at finite T is from its T -> infinity limit."""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, Step
from symbolic.identities import same
from numeric_check.closed_forms.loss_sums import skill_loss
from numeric_check.simulation.data import skill_probabilities
from symbolic.symbols import D, S, T, eta, r

__all__ = ["claim"]

_GAP = sp.Symbol(r"\mathbb{E}_D[\mathcal{L}(T)]-\mathbb{E}_D[\mathcal{L}(\infty)]")
_SUMP2 = sp.Symbol(r"\sum_k P_s(k)^2", positive=True)
_x = sp.Symbol("x", positive=True)


def _derived() -> sp.Expr:
    """Eq. 265: L_k < S^4/(2 r^2) e^(-4 eta d_k S T/D); Eqs. 266-269: E[1_{d>0} e^(-c d)] <= D P e^(-c);
    summed with weights P_s(k) (Eq. 273)."""
    c = 4 * eta * S * T / D
    return S**4 / (2 * r**2) * D * sp.exp(-c) * _SUMP2


def _statement() -> sp.Eq:
    return sp.Eq(_GAP, _derived())


def _check_symbolic(statement) -> bool:
    M = S / r - 1
    skill = S**2 / 2 / (1 + sp.exp(_x) / M) ** 2                      # at x = 2 eta S T d_k / D
    envelope = S**4 / (2 * r**2) * sp.exp(-2 * _x)
    # skill / envelope = (r/S)^2 (e^x/M)^2/(1+e^x/M)^2 ... < (r M/S)^2 < 1 for all x
    ratio_limit = sp.limit(sp.simplify(skill / envelope), _x, sp.oo)
    below = sp.simplify(ratio_limit - (1 - r / S) ** 2) == 0
    return bool(below and same(_derived(), statement.rhs.args[1] if isinstance(statement.rhs, sp.Tuple) else statement.rhs))


def _check_numeric(statement, rng: np.random.Generator) -> Agreement:
    bound = sp.lambdify((S, r, D, eta, T, _SUMP2), statement.rhs, modules="numpy")
    worst, negative, details = 0.0, False, []
    a, n_s, S_, r_ = 0.6, 50, 1.0, 0.01
    P = skill_probabilities(a, n_s)
    for Dv in (50, 200, 1000):
        d = np.arange(Dv + 1)
        logc = np.array([math.lgamma(Dv + 1) - math.lgamma(i + 1) - math.lgamma(Dv - i + 1) for i in d])
        pmf = np.exp(logc[None, :] + d[None, :] * np.log(P[:, None]) + (Dv - d[None, :]) * np.log1p(-P[:, None]))
        for Tv in (0.25 * Dv, Dv, 2.0 * Dv, 4.0 * Dv):
            # E_D[L(T)] - E_D[L(inf)] = sum_k P_k E[1_{d_k>0} L_k(T)]  (Eq. 263), exact binomial expectation
            Lk = skill_loss(Tv * d[None, 1:] / Dv, S=S_, r=r_)          # eta = 1: u = eta S T d/D
            gap = float(np.sum(P * np.sum(pmf[:, 1:] * Lk, axis=1)))
            negative |= gap < 0
            ratio = gap / bound(S_, r_, Dv, 1.0, Tv, float(np.sum(P**2)))
            worst = max(worst, ratio)
            details.append((rf"gap / bound, $D={Dv}$, $\eta S T/D={Tv / Dv:g}$", ratio))
    return Agreement(float("inf") if negative else worst, 0.5,
                     r"exact binomial expectations ($n_s = 50$, $\alpha = 0.6$, $r = 0.01$) at $\eta S T / D = 0.25..4$: the gap must be "
                     r"$\ge 0$ and below the explicit bound $S^4 D e^{-4 \eta S T/D} \sum P^2 / (2 r^2)$; the bound drops $(1-r/S)^2$ "
                     r"and uses $|u^D - v^D| \le D|u - v|$, so we require at most half of it", tuple(details),
                     method="exact sum")


def claim() -> Claim:
    """Build Proposition 8 (Eqs. 261-273): how far the loss at finite T is from its T -> infinity limit.

    Returns
    -------
    Claim
        The bound ``S^4 D e^(-4 eta S T/D) sum_k P_s(k)^2 / (2 r^2)`` on the gap, with its checks.
    """
    stmt = _statement()
    steps = (
        Step(sp.Symbol(r"\mathcal{L}_k(T)-\mathcal{L}_k(\infty)"), sp.Symbol(r"\mathbb{1}_{d_k>0}\mathcal{L}_k(T)"), r"Eq.~263."),
        Step(sp.Symbol(r"\mathcal{L}_k(T)"), sp.Symbol(r"<\frac{S^4}{2r^2}e^{-4\eta d_kST/D}"), r"Eq.~265 (SymPy: the ratio tends to $(1-r/S)^2<1$)."),
        Step(sp.Symbol(r"\mathbb{E}[\mathbb{1}_{d_k>0}e^{-cd_k}]"), sp.Symbol(r"(1-P_s+P_se^{-c})^D-(1-P_s)^D\le DP_se^{-c}"),
             r"Binomial moment generating function (Eqs.~266--269)."),
        Step(_GAP, stmt.rhs, r"Weighted sum over skills (Eq.~273): $O(S^4r^{-2}De^{-4\eta ST/D})$, and $\ge0$."),
    )
    return Claim(
        id="proposition-8",
        statement=stmt,
        steps=steps,
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"SymPy's limit $x \to \infty$ of the skill loss divided by the envelope $S^4/(2 r^2)\, e^{-2x}$ of "
                        r"Eq.~265 is $(1 - r/S)^2 < 1$, and the statement's right side equals the envelope summed "
                        r"with the binomial bound $D P_s e^{-c}$ of Eqs.~266--269 and weights $P_s(k)$ (Eq.~273)"),
        assumptions=r"$\mathcal{R}_k(0)=r<S$, $d_k\sim\mathrm{Binomial}(D,P_s(k))$; the statement's right side is an upper bound.",
        summary=r"$0\le\mathbb{E}_D[\mathcal{L}(T)]-\mathbb{E}_D[\mathcal{L}(\infty)]=O(S^4r^{-2}De^{-4\eta ST/D})$.",
        results=(("", sp.Eq(_GAP, stmt.rhs.subs(_SUMP2, sp.Symbol("sum_P2", positive=True)))),),
        domain=(r < S,),
        meanings=(("sum_P2", r"$\sum_k P_s(k)^2$, the sum of the squared skill frequencies"),),
    )
