"""Emergence and saturation times of the depth-L model and the stage-like condition (the
depth-L forms of Eqs. 40-41; beyond the paper)."""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, Step
from derivations.variants.checks import gd_runs, numpy_function
from numeric_check.simulation.depth import crossing_steps
from symbolic import depth as dp
from symbolic import multilinear as ml
from symbolic.symbols import R, R0, S, epsilon, eta, p, t

__all__ = ["claim", "TAU_E", "TAU_S", "EPSILON_CHECK"]

TAU_E = sp.Symbol(r"tau^(e)", positive=True)
TAU_S = sp.Symbol(r"tau^(s)", positive=True)
#: The threshold the numeric check measures at (the paper's Fig. 4 threshold).
EPSILON_CHECK = 0.05


def _check_symbolic(L: int):
    def check(statement: sp.Eq) -> bool:
        te, ts = statement.rhs
        rate = dp.strength_ode(L).rhs
        # fundamental theorem: d tau_e / d eps = S / rate(eps S), tau_e(eps = R_0/S) = 0
        d_te = sp.simplify(sp.diff(te, epsilon) - S / rate.subs(R(t), epsilon * S)) == 0
        zero = sp.simplify(te.subs(epsilon, R0 / S)) == 0
        d_ts = sp.simplify(sp.diff(ts, epsilon) + S / rate.subs(R(t), (1 - epsilon) * S)
                           + S / rate.subs(R(t), epsilon * S)) == 0
        paper = True
        if L == 2:
            pe, pt = ml.paper_times()
            paper = ml.same_log_expression(te, pe) and ml.same_log_expression(ts, pt)
        return bool(d_te and zero and d_ts and paper)
    return check


def _check_numeric(L: int):
    def check(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
        seed = int(rng.integers(0, 2**31))
        te_f = numpy_function(statement.rhs[0], (R0, epsilon, eta, p, S))
        ts_f = numpy_function(statement.rhs[1], (R0, epsilon, eta, p, S))
        eps = EPSILON_CHECK
        worst, worst_ratio, worst_tol, details = 0.0, -1.0, 0.0, []
        for i, run in enumerate(gd_runs(L, seed)):
            e_gd = crossing_steps(run.steps, run.strength / run.S, eps)
            s_gd = crossing_steps(run.steps, run.strength / run.S, 1 - eps) - e_gd
            e_fl = te_f(run.r, eps, run.eta, run.p, run.S)
            s_fl = ts_f(run.r, eps, run.eta, run.p, run.S)
            err_e = np.abs(e_gd / e_fl - 1)
            err_s = np.abs(s_gd / s_fl - 1)
            # Euler delays the curve by (h/2)((L-1)/L ln(S/r) + 1) in u = eta p S^(2-2/L) t, i.e. by
            # ((L-1)/L ln(S/r) + 1)/2 steps, plus 1 step of crossing resolution: relative to each time, doubled
            delay = ((L - 1) / L * math.log(run.S / run.r) + 1) / 2 + 1
            tol_e, tol_s = 2 * delay / e_fl, 2 * 2 * delay / s_fl
            ratio = np.concatenate([err_e / tol_e, err_s / tol_s])
            k = int(np.nanargmax(np.where(np.isfinite(ratio), ratio, np.inf)))
            err, tol = np.concatenate([err_e, err_s])[k], np.concatenate([tol_e, tol_s])[k]
            details += [(rf"set {i + 1}: max $|\tau^{{(e)}}_{{\mathrm{{GD}}}}/\tau^{{(e)}} - 1|$", float(np.max(err_e))),
                        (rf"set {i + 1}: max $|\tau^{{(s)}}_{{\mathrm{{GD}}}}/\tau^{{(s)}} - 1|$", float(np.max(err_s)))]
            if not np.isfinite(err) or err / tol > worst_ratio:
                worst, worst_tol = float(err), float(tol)
                worst_ratio = np.inf if not np.isfinite(err) else err / tol
        reason = (r"gradient descent's Euler delay $((L-1)/L\,\ln(S/r)+1)/2$ steps plus one step of crossing "
                  r"resolution, relative to each time (twice that for $\tau^{(s)}$, a difference of two crossings), "
                  f"doubled; $\\epsilon = {eps}$")
        return Agreement(worst, worst_tol, reason, tuple(details), method="simulation")
    return check


def claim(L: int) -> Claim:
    """``tau^(e)`` and ``tau^(s)`` at depth L, exact, with the stage-like condition in the steps."""
    L = dp.depth(L)
    te, ts = dp.emergence_time(L), dp.saturation_time(L)
    Ie, Is = dp.dimensionless_times(L)
    lead, power = dp.emergence_asymptotic(L)
    steps = (
        Step(TAU_E, te, r"$\tau^{(e)}$: the time from $R_0$ to $\epsilon S$, from the exact $t(\mathcal{R})$:"),
        Step(TAU_S, ts, r"$\tau^{(s)}$: from $\epsilon S$ to $(1-\epsilon) S$; it does not depend on $R_0$:"),
        Step(sp.Symbol(r"\tau^{(e)}\,\eta p S^{2-2/L}"), Ie, r"Both are $\propto 1/p = 1/P_s(k) \propto k^{\alpha+1}$; "
             r"in units of $1/(\eta p S^{2-2/L})$:"),
        Step(TAU_E, lead, (r"As $R_0 \to 0$ the emergence time grows like $R_0^{-(L-2)/L}$ "
                           f"(power ${sp.latex(power)}$ of $1/R_0$; leading term of the antiderivative at "
                           r"$\sigma \to 0$):") if L >= 3 else
             (r"As $R_0 \to 0$: a logarithm, as in Eq. 40:" if L == 2 else
              r"As $R_0 \to 0$: a finite limit, no delay (App. H):"), relation=r"\sim"),
        Step(sp.Symbol("stage-like"), dp.stage_like_condition(L), r"Eq. 41 at depth L (times $\eta A S^{2-2/L}$): "
             r"skill $k$ saturates before $k+1$ emerges; it holds for $k < 1/((1+I_s/I_e)^{1/(\alpha+1)}-1)$:",
             relation=r"\Leftrightarrow"),
    )
    return Claim(
        id=f"variant-L{L}-times",
        title=f"Depth-{L} model: emergence and saturation times",
        equations=("40", "41"),
        section="Variant: depth-L model",
        statement=sp.Eq(sp.Tuple(TAU_E, TAU_S), sp.Tuple(te, ts)),
        steps=steps,
        check_symbolic=_check_symbolic(L),
        check_numeric=_check_numeric(L),
        symbolic_check=(r"$d\tau^{(e)}/d\epsilon$ and $d\tau^{(s)}/d\epsilon$ equal $S$ over the ODE's rate at the "
                        r"thresholds (fundamental theorem of calculus) and $\tau^{(e)}$ vanishes at $\epsilon = R_0/S$" +
                        ("; both equal Eq.~40 after expanding the logarithms" if L == 2 else "")),
        assumptions=r"Balanced start $R_0 < \epsilon S$, $0 < \epsilon < 1/2$, $p = d_k/D$ ($\to P_s(k)$ as $D \to \infty$).",
        summary=("The numeric check reads the crossing times of $\\epsilon S$ and $(1-\\epsilon)S$ off gradient-descent "
                 "runs of the depth-L model, recorded at every step, and compares them with the statement."),
        domain=(R0 < epsilon * S, epsilon < sp.Rational(1, 2)),
    )
