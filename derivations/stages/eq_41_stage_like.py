"""The stage-like condition: skill k saturates before skill k+1 emerges (App. D, Eq. 41).

The condition holds only for the first skills, so App. D's "for all k of interest" is an
idealisation; the claim's note gives the largest such k.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from derivations.checking import evaluate
from derivations.claim import Agreement, Claim, PaperNote, Step
from numeric_check.simulation.data import skill_probabilities
from numeric_check.simulation.emergence_times import measured_times
from symbolic import multilinear as ml
from symbolic.symbols import A, R0, S, alpha, epsilon, k, p

__all__ = ["claim", "last_stage_like_skill"]


def _statement() -> sp.Rel:
    return ml.stage_like_condition()


def last_stage_like_skill(alpha_: float, r_over_S: float, eps_: float, k_max: int = 10_000) -> int:
    """Largest k such that the condition holds for all skills up to k (0 if it fails at k = 1)."""
    lhs, rhs = _statement().args
    f = sp.lambdify((k, alpha, epsilon, S, R0), rhs - lhs, modules="numpy")
    ks = np.arange(1, k_max + 1, dtype=np.float64)
    ok = f(ks, alpha_, eps_, 1.0, r_over_S) > 0
    return int(np.argmin(ok)) if not ok.all() else k_max


def _check_symbolic(statement: sp.Rel) -> bool:
    lhs, rhs = statement.args
    ell = sp.log(1 / epsilon - 1)
    Lam = sp.log((S / R0 - 1) / (1 / epsilon - 1))
    paper_lhs = 2 * ell * k ** (alpha + 1)
    paper_rhs = Lam * ((k + 1) ** (alpha + 1) - k ** (alpha + 1))
    d_lhs, d_rhs = ml.stage_like_lhs_rhs()
    return bool(isinstance(statement, sp.StrictLessThan) and ml.same_log_expression(lhs, paper_lhs)
                and ml.same_log_expression(rhs, paper_rhs) and ml.same_log_expression(lhs, d_lhs)
                and ml.same_log_expression(rhs, d_rhs))


def _check_numeric(statement: sp.Rel, rng: np.random.Generator) -> Agreement:
    """Measure tau^(s)_k and tau^(e)_{k+1} - tau^(e)_k in a simulation and compare the margin
    (gap minus saturation time, in units of 1/(2 eta A S)) with the statement's rhs - lhs."""
    lhs, rhs = statement.args
    alpha_, S_, eps_, r_over_S, n_s = 0.6, 5.0, 0.05, 1e-6, 5
    c1 = 0.02
    r_ = r_over_S * S_
    m = measured_times(alpha_=alpha_, S_=S_, r_=r_, eps_=eps_, n_s=n_s, rng=rng, c1=c1, margin=1.15)
    t_e, t_s = m.emergent, m.saturation
    A_ = float(skill_probabilities(alpha_, n_s)[0])  # P_s(1) = A
    unit = 2 * m.eta * A_ * S_
    measured = (t_e[1:] - t_e[:-1] - t_s[:-1]) * unit
    margin = sp.lambdify((k, alpha, epsilon, S, R0), rhs - lhs, modules="numpy")
    ks = np.arange(1, n_s)
    predicted = margin(ks.astype(float), alpha_, eps_, S_, r_)
    scale = np.abs(evaluate(rhs, (k, alpha, epsilon, S, R0), ks.astype(float), alpha_, eps_, S_, r_))
    err = float(np.max(np.abs(measured - predicted) / scale))
    if not np.all(np.isfinite(measured)):
        err = np.inf
    # Euler: times shift by <= c/4 relative, c <= 0.02; the stratified counts give d_k/D = P_s(k) to within
    # 1/d_k (relative), which moves each time by that fraction.
    tol = c1 / 2 + 2.0 / m.counts.min() * 2
    details = [(f"$k={kk}$: measured margin", m) for kk, m in zip(ks, measured)]
    details += [(f"$k={kk}$: predicted margin", q) for kk, q in zip(ks, predicted)]
    details.append(("stage-like skills predicted (margin $> 0$)", int(np.sum(predicted > 0))))
    details.append(("stage-like skills measured", int(np.sum(measured > 0))))
    if np.any(np.sign(measured) != np.sign(predicted)):
        err = max(err, np.inf)
    return Agreement(err, tol, r"relative error of the margin against the statement's rhs; Euler rate shift "
                     r"$c/4$ with $c \le 0.02$ (tolerance $c/2$) plus the rounding of $d_k = D P_s(k)$; the sign (stage-like "
                     r"or not) must agree for every $k$", tuple(details), method="simulation")


def claim() -> Claim:
    """Build Eq. 41 (App. D): the condition for skill k to saturate before skill k+1 emerges.

    Returns
    -------
    Claim
        The condition with Eq. 40's times at ``p = A k^-(alpha+1)``, its checks and the note on
        how few skills satisfy it.
    """
    lhs, rhs = ml.stage_like_lhs_rhs()
    lines = ", ".join(f"{r:g}: k <= {last_stage_like_skill(0.6, r, 0.05)}" for r in (1e-2, 1e-4, 1e-6, 1e-10))
    return Claim(
        id="eq-41",
        statement=_statement(),
        steps=(
            Step(ml.saturation_time().subs(p, A * k ** (-(alpha + 1))),
                 ml.emergence_time().subs(p, A * (k + 1) ** (-(alpha + 1))) - ml.emergence_time().subs(p, A * k ** (-(alpha + 1))),
                 r"The condition (Eq. 41) is $\tau^{(s)}_k < \tau^{(e)}_{k+1} - \tau^{(e)}_k$; Eq. 40's times (SymPy) with "
                 r"$p = A k^{-(\alpha+1)}$ inserted:", relation="<"),
            Step(sp.Symbol(r"2\eta A S\,\tau^{(s)}_k"), lhs, "Multiplying by $2\\eta A S > 0$, the saturation time becomes"),
            Step(sp.Symbol(r"2\eta A S\,(\tau^{(e)}_{k+1} - \tau^{(e)}_k)"), rhs, "and the gap between emergences"),
        ),
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"the statement is a strict inequality whose two sides equal both the paper's "
                        r"$2 \ell k^{\alpha+1}$ and $\Lambda ((k+1)^{\alpha+1} - k^{\alpha+1})$ and the sides SymPy derives "
                        r"from Eq.~40's times times $2 \eta A S$ (differences simplify to $0$ with the logarithms "
                        r"expanded)"),
        assumptions=r"Lemma 1 with $d_k/D = P_s(k) = A k^{-(\alpha+1)}$ and equal $\mathcal{R}_k(0)$.",
        summary=("The numeric check simulates five skills at $\\alpha = 0.6$, $S = 5$, $\\epsilon = 0.05$ and "
                 r"$\mathcal{R}(0)/S = 10^{-6}$, measures the margin $\tau^{(e)}_{k+1}-\tau^{(e)}_k-\tau^{(s)}_k$ and "
                 "compares it, sign and size, with the statement."),
        notes=(PaperNote(
            "Stage-like training holds only for the first skills",
            r"Since $(k+1)^{\alpha+1}-k^{\alpha+1} \approx (\alpha+1)k^{\alpha}$, the condition fails for "
            r"$k \gtrsim (\alpha+1)\Lambda/(2\ell)$; App.~D's ``for all $k$ of interest'' is an idealisation. "
            r"Largest $k$ up to which it holds at $\alpha = 0.6$, $\epsilon = 0.05$, by $\mathcal{R}(0)/S$ "
            f"(computed from the statement): {lines}."),),
        results=(("", _statement(), "True when skill k saturates before skill k+1 emerges (stage-like training)."),),
        domain=(R0 < epsilon * S, epsilon < sp.Rational(1, 2)),
    )
