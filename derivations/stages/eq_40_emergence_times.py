"""Emergent and saturation times (SPEC §4, Eq. 40)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from derivations.checking import evaluate
from derivations.claim import Agreement, Claim, Step
from numeric_check.simulation.data import SparseParity
from numeric_check.simulation.multilinear import simulate
from symbolic import multilinear as ml
from symbolic.symbols import A, R0, S, alpha, epsilon, eta, k, p

__all__ = ["claim", "crossing_times", "measured_times", "MeasuredTimes"]

tau_e = sp.Symbol(r"\tau^{(e)}_k")
tau_s = sp.Symbol(r"\tau^{(s)}_k")


def crossing_times(steps: np.ndarray, values: np.ndarray, level: float) -> np.ndarray:
    """First time each column of ``values`` (rising) reaches ``level``, linearly interpolated."""
    out = np.full(values.shape[1], np.nan)
    for j in range(values.shape[1]):
        above = np.flatnonzero(values[:, j] >= level)
        if above.size and above[0] > 0:
            i = above[0]
            v0, v1 = values[i - 1, j], values[i, j]
            out[j] = steps[i - 1] + (level - v0) / (v1 - v0) * (steps[i] - steps[i - 1])
    return out


@dataclass(frozen=True)
class MeasuredTimes:
    """Emergent and saturation times measured in one simulation, with its settings."""

    freq: np.ndarray        # d_k / D of the (stratified) training set
    eta: float
    counts: np.ndarray      # d_k
    emergent: np.ndarray    # tau^(e)_k, interpolated between steps
    saturation: np.ndarray  # tau^(s)_k


def measured_times(*, alpha_: float, S_: float, r_: float, eps_: float, n_s: int, rng: np.random.Generator,
                   c1: float = 0.02, D_: int = 20000, margin: float = 1.2) -> MeasuredTimes:
    """Train the multilinear model on a stratified dataset (d_k = D P_s(k)) with the per-step rate
    of skill 1 equal to ``c1``, record R_k every step until the rarest skill has saturated, and
    measure when each R_k/S crosses ``eps`` and ``1 - eps``."""
    task = SparseParity(n_s=n_s, n_b=3 * n_s, alpha=alpha_, S=S_)
    data = task.stratified_dataset(D_, rng)
    freq = data.counts / data.counts.sum()
    eta_ = c1 / (2 * freq[0] * S_)
    steps = int((np.log(S_ / r_) + 2 * np.log(1 / eps_)) / (2 * eta_ * freq[-1] * S_) * margin)
    record = np.arange(steps + 1)
    run = simulate(task, n_features=n_s, eta=eta_, steps=steps, record=record, a0=np.sqrt(r_), b0=np.sqrt(r_),
                   rng=rng, data=data, n_eval=20, n_test=500)
    x = run.strength / S_
    t_e = crossing_times(record, x, eps_)
    return MeasuredTimes(freq, eta_, data.counts, t_e, crossing_times(record, x, 1 - eps_) - t_e)


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
        details += [(f"alpha={alpha_}, eps={eps_}: max relative error of tau_e, tau_s", err), ("tolerance", tol)]
        if err > tol:
            worst, tol_max = err, tol
            break
    return Agreement(worst, tol_max, "gradient descent changes the per-step rate c = 2 eta p S <= 0.02 to "
                     "c(1 - c/4): times shift by <= c/4 relative (tolerance c/2), plus 1 step of interpolation",
                     tuple(details))


def claim() -> Claim:
    te, ts = ml.emergence_time(), ml.saturation_time()
    return Claim(
        id="eq-40",
        title="Emergent and saturation times of a skill",
        equations=("40",),
        statement=_statement(),
        steps=(
            Step(r"\mathcal{R}_k(\tau)", sp.Symbol(r"\epsilon S"), r"Define $\tau^{(e)}_k$ by "
                 r"$\mathcal{R}_k(\tau)/S = \epsilon$, and $\tau^{(s)}_k$ as the time from $\epsilon$ to $1-\epsilon$."),
            Step(tau_e, te, r"Solving Lemma 1's solution with $u = e^{-2\eta p S\tau}$ (SymPy \texttt{solve}):"),
            Step(tau_s, ts, r"and $\tau^{(e)}_k(1-\epsilon) - \tau^{(e)}_k(\epsilon)$, logarithms combined:"),
            Step(r"\tau^{(e)}_k,\ \tau^{(s)}_k", r"\propto k^{\alpha+1}", r"With $p = P_s(k) = A k^{-(\alpha+1)}$ both "
                 "are $k^{\\alpha+1}$ times a $k$-free factor (checked by SymPy)."),
        ),
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        section="Stage-like training",
        assumptions=r"Lemma 1 with $d_k/D \to p$; $0 < \mathcal{R}_k(0) < \epsilon S$, $0 < \epsilon < 1/2$.",
        summary=("The numeric check trains the model on a dataset with $d_k = D P_s(k)$ (stratified), records "
                 r"$\mathcal{R}_k$ every step and measures the crossing times of $\epsilon$ and $1-\epsilon$."),
        formula=ml.paper_times()[0],
    )
