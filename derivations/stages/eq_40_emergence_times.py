"""Emergent and saturation times of a skill (App. D, Eq. 40)."""
from __future__ import annotations

import numpy as np
import sympy as sp

from derivations.checking import evaluate
from derivations.claim import Agreement, Claim, Step
from numeric_check.simulation.emergence_times import measured_times
from symbolic import multilinear as ml
from symbolic.symbols import A, R0, S, alpha, epsilon, eta, k, p

__all__ = ["claim"]

tau_e = sp.Symbol(r"\tau^{(e)}_k")
tau_s = sp.Symbol(r"\tau^{(s)}_k")


def _statement() -> sp.Eq:
    return sp.Eq(sp.Tuple(tau_e, tau_s), sp.Tuple(*ml.paper_times()))


def _check_symbolic(statement: sp.Eq) -> bool:
    te, ts = statement.rhs
    ok = ml.same_log_expression(te, ml.emergence_time()) and ml.same_log_expression(ts, ml.saturation_time())
    # Both times scale as k^(alpha+1) when p = A k^-(alpha+1).
    scaling = all(sp.simplify(x.subs(p, A * k ** (-(alpha + 1))) / k ** (alpha + 1)).has(k) is False for x in (te, ts))
    return bool(ok and scaling)


def _check_numeric(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
    te_expr, ts_expr = statement.rhs
    worst, tol_max, details = 0.0, 0.0, []
    for alpha_, S_, r_, eps_, c1 in ((0.6, 5.0, 5e-4, 0.05, 0.02), (0.3, 1.0, 1e-3, 0.1, 0.02)):
        m = measured_times(alpha_=alpha_, S_=S_, r_=r_, eps_=eps_, n_s=4, rng=rng, c1=c1)
        freq, eta_, t_e, t_s = m.freq, m.eta, m.emergent, m.saturation
        args = (R0, S, eta, p, epsilon)
        pe = np.array([evaluate(te_expr, args, r_, S_, eta_, f, eps_) for f in freq], dtype=float)
        pse = np.array([evaluate(ts_expr, args, r_, S_, eta_, f, eps_) for f in freq], dtype=float)
        err = float(np.nanmax(np.abs(np.concatenate([t_e / pe, t_s / pse]) - 1)))
        if not np.all(np.isfinite(t_e)) or not np.all(np.isfinite(t_s)):
            err = np.inf
        # Per-step rate c = 2 eta p S becomes c(1 - c/4): times stretch by <= c/4 relative; plus the
        # interpolation between integer steps (<= 1 step against the shortest time).
        tol = c1 / 2 + 2.0 / min(pe.min(), pse.min())
        worst, tol_max = max(worst, err / tol * tol), max(tol_max, tol)
        details += [(rf"$\alpha={alpha_}$, $\epsilon={eps_}$: max relative error of $\tau_e$, $\tau_s$", err), ("tolerance", tol)]
        if err > tol:
            worst, tol_max = err, tol
            break
    return Agreement(worst, tol_max, r"gradient descent changes the per-step rate $c = 2 \eta p S \le 0.02$ to "
                     r"$c(1 - c/4)$: times shift by $\le c/4$ relative (tolerance $c/2$), plus 1 step of interpolation",
                     tuple(details), method="simulation")


def claim() -> Claim:
    """Build Eq. 40 (App. D): the emergent and saturation times of a skill, both proportional to k^(alpha+1).

    Returns
    -------
    Claim
        The paper's ``tau^(e)_k`` and ``tau^(s)_k``, solved from Lemma 1's solution, with their checks.
    """
    te, ts = ml.emergence_time(), ml.saturation_time()
    return Claim(
        id="eq-40",
        statement=_statement(),
        steps=(
            Step(sp.Symbol(r"\mathcal{R}_k(\tau)"), epsilon * S, r"Define $\tau^{(e)}_k$ by "
                 r"$\mathcal{R}_k(\tau)/S = \epsilon$, and $\tau^{(s)}_k$ as the time from $\epsilon$ to $1-\epsilon$."),
            Step(tau_e, te, r"Solving Lemma 1's solution with $u = e^{-2\eta p S\tau}$ (SymPy \texttt{solve}):"),
            Step(tau_s, ts, r"and $\tau^{(e)}_k(1-\epsilon) - \tau^{(e)}_k(\epsilon)$, logarithms combined:"),
            Step(sp.Tuple(tau_e / k ** (alpha + 1), tau_s / k ** (alpha + 1)),
                 sp.Tuple(*(sp.simplify(x.subs(p, A * k ** (-(alpha + 1))) / k ** (alpha + 1)) for x in (te, ts))),
                 r"With $p = P_s(k) = A k^{-(\alpha+1)}$ both are $k^{\alpha+1}$ times a $k$-free factor (SymPy):"),
        ),
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"both times equal those SymPy solves from $R_k(\tau)/S = \epsilon$ and $1 - \epsilon$ in Lemma 1's "
                        r"solution (the difference simplifies to $0$ once the logarithms are expanded); with "
                        r"$p = A k^{-(\alpha+1)}$ each, divided by $k^{\alpha+1}$, simplifies to a $k$-free expression"),
        assumptions=r"Lemma 1 with $d_k/D \to p$; $0 < \mathcal{R}_k(0) < \epsilon S$, $0 < \epsilon < 1/2$.",
        summary=("The numeric check trains the model on a dataset with $d_k = D P_s(k)$ (stratified), records "
                 r"$\mathcal{R}_k$ every step and measures the crossing times of $\epsilon$ and $1-\epsilon$."),
        formula=ml.paper_times()[0],
        results=(("emergence_time", sp.Eq(tau_e, te)), ("saturation_time", sp.Eq(tau_s, ts))),
        domain=(R0 < epsilon * S, epsilon < sp.Rational(1, 2), p <= 1),
    )
