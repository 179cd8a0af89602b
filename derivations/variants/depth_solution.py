"""The exact solution of the depth-L balanced flow: the implicit ``t(R)`` (beyond the paper; at
L = 2 it is Lemma 1's logistic curve, Eq. 35, at L = 1 the linear model's Eq. 125)."""
from __future__ import annotations

import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, Step
from derivations.variants.checks import euler_tolerance, gd_runs, invert_increasing, numpy_function
from symbolic import depth as dp
from symbolic import multilinear as ml
from symbolic.symbols import R, R0, S, eta, p, t

__all__ = ["claim", "LEVEL"]

LEVEL = sp.Symbol("R", positive=True)     # the strength reached, 0 < R < S


def _explicit_matches(L: int) -> bool:
    """L = 1, 2: ``R(t)`` solved from ``t(R)`` equals the paper's Eq. 125 (at R_0 = 0) / Eq. 35."""
    explicit = dp.strength_closed_form(L)
    if L == 2:
        return sp.simplify(explicit - ml.strength()) == 0
    return sp.simplify(explicit.subs(R0, 0) - ml.linear_strength()) == 0


def _check_symbolic(L: int):
    def check(statement: sp.Eq) -> bool:
        rate = dp.strength_ode(L).rhs.subs(R(t), LEVEL)
        solves = sp.simplify(sp.diff(statement.rhs, LEVEL) * rate - 1) == 0   # dt/dR = 1/(dR/dt)
        starts = sp.simplify(statement.rhs.subs(LEVEL, R0)) == 0
        explicit = _explicit_matches(L) if L <= 2 else True
        return bool(solves and starts and explicit)
    return check


def _check_numeric(L: int):
    def check(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
        seed = int(rng.integers(0, 2**31))
        time_of = numpy_function(statement.rhs, (LEVEL, R0, eta, p, S))
        worst, worst_ratio, worst_tol, reason, details = 0.0, -1.0, 0.0, "", []
        for i, run in enumerate(gd_runs(L, seed)):
            predicted = np.empty_like(run.strength)
            for j in range(run.strength.shape[1]):
                f = lambda Rv, j=j: time_of(Rv, run.r, run.eta, run.p[j], run.S)  # noqa: E731
                predicted[:, j] = invert_increasing(f, run.steps.astype(float), run.r, run.S * (1 - 1e-15))
            err = float(np.nanmax(np.abs(run.strength - predicted)) / run.S)
            h = run.eta * float(run.p.max()) * run.S ** (2 - 2 / L)
            tol, why = euler_tolerance(L, h, run.S / run.r)
            details += [(rf"set {i + 1}: $\max|R_{{\mathrm{{GD}}}} - R(t)|/S$", err), (f"set {i + 1}: tolerance", tol)]
            if not np.isfinite(err) or err / tol > worst_ratio:
                worst, worst_ratio, worst_tol, reason = err, (err / tol if np.isfinite(err) else np.inf), tol, why
        return Agreement(worst, worst_tol, reason + "; $R(t)$ from the statement's $t(R)$ by bisection",
                         tuple(details), method="simulation")
    return check


def claim(L: int) -> Claim:
    """The implicit solution ``t(R)`` of the depth-L flow, exact, checked by substitution and
    against gradient descent."""
    L = dp.depth(L)
    sigma = dp.sigma_f
    G = dp.factor_antiderivative(L)
    steps = [
        Step(sp.Derivative(sp.Symbol("t"), sp.Symbol(r"\sigma")), dp.time_integrand(L),
             r"Write $\mathcal{R} = S\sigma^L$ ($\sigma$: one factor over $S^{1/L}$); $dt/d\sigma$ from the balanced ODE:"),
        Step(sp.Integral(sigma ** (1 - L) / (1 - sigma ** L), sigma),
             G if G is not None else dp.hypergeometric_antiderivative(L),
             "The antiderivative of the rational function (SymPy \\texttt{integrate}" +
             (", real on $0<\\sigma<1$):" if G is not None else "; for $L \\ge 7$ the hypergeometric form):")),
    ]
    if L <= 2:
        steps.append(Step(R(t), dp.strength_closed_form(L), r"Solving $t(\mathcal{R}) = t$ for $\mathcal{R}$ "
                          + ("gives Lemma 1's logistic curve (Eq. 35):" if L == 2 else
                             r"gives the linear model's curve (Eq. 125 at $\mathcal{R}(0) = 0$):")))
    return Claim(
        id=f"variant-L{L}-solution",
        title=f"Depth-{L} model: exact solution t(R)",
        equations=("35", "125") if L <= 2 else ("35",),
        section="Variant: depth-L model",
        statement=sp.Eq(t, dp.time_to_reach(L, LEVEL)),
        steps=tuple(steps),
        check_symbolic=_check_symbolic(L),
        check_numeric=_check_numeric(L),
        symbolic_check=(r"$dt/d\mathcal{R}$ of the statement times the ODE's rate simplifies to 1 and $t(R_0) = 0$" +
                        (r"; $\mathcal{R}(t)$ solved from it equals Eq.~35" if L == 2 else
                         r"; $\mathcal{R}(t)$ solved from it equals Eq.~125 at $R_0 = 0$" if L == 1 else "")),
        assumptions=r"Balanced start $\mathcal{R}(0) = R_0 \in (0, S)$, $R_0 < R < S$, $p = d_k/D$.",
        summary=("The numeric check inverts the statement's $t(R)$ by bisection at every step of a gradient-descent "
                 "run of the depth-L model (every factor trained) and compares the strengths."),
        meanings=(("R", "the strength reached, R_0 < R < S"),),
        domain=(R0 < LEVEL, LEVEL < S),
    )
