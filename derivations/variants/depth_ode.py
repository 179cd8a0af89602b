"""The balanced depth-L reduction: ``dR/dt = L eta p R^(2-2/L) (S - R)`` (beyond the paper; at
L = 2 it is Eq. 34 of Lemma 1, at L = 1 the linear model's flow of Eq. 124)."""
from __future__ import annotations

import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, Step
from derivations.variants.checks import euler_tolerance, gd_runs
from numeric_check.simulation.ode import integrate_rk4
from symbolic import depth as dp
from symbolic import multilinear as ml
from symbolic.symbols import R, S, eta, p, t, w

__all__ = ["claim"]

_LEVEL = sp.Symbol("R", positive=True)     # the strength, as a plain symbol for export


def _log_derivative_route(L: int) -> sp.Expr:
    """Second route: ``dR/dt = R sum_l a_l'/a_l`` along the flow, then the balanced start."""
    fs = dp.factors(L)
    flow = {eq.lhs: eq.rhs for eq in dp.gradient_flow(L)}
    total = sp.Mul(*fs) * sum(flow[f.diff(t)] / f for f in fs)
    one = sp.Symbol("a_b", positive=True)
    balanced = sp.simplify(total.subs({f: one for f in fs}))
    from symbolic.symbols import D, d_k
    return sp.simplify(balanced.subs(one, R(t) ** sp.Rational(1, L)).subs(d_k, p * D))


def _check_symbolic(L: int):
    def check(statement: sp.Eq) -> bool:
        same = sp.simplify(statement.rhs - _log_derivative_route(L)) == 0
        conserved = all(c == 0 for c in dp.conserved_derivatives(L))
        if L == 2:
            same = same and sp.simplify(statement.rhs - ml.strength_ode().rhs) == 0
        if L == 1:
            same = same and sp.simplify(statement.rhs - ml.linear_flow().rhs.subs(w(t), R(t))) == 0
        return bool(same and conserved)
    return check


def _check_numeric(L: int):
    def check(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
        seed = int(rng.integers(0, 2**31))
        rate = sp.lambdify((R(t), eta, p, S), statement.rhs, modules="numpy")
        worst, worst_ratio, worst_tol, reason, details = 0.0, -1.0, 0.0, "", []
        for i, run in enumerate(gd_runs(L, seed)):
            # the statement's ODE by RK4 at half gradient descent's step (RK4's error, O(dt^4), is negligible)
            dt = 0.5
            n = int(run.steps[-1] / dt)
            times, values = integrate_rk4(lambda Rv: rate(Rv, run.eta, run.p, run.S),
                                          np.full(3, run.r), dt=dt, n_steps=n)
            flow = np.array([np.interp(run.steps, times, values[:, j]) for j in range(3)]).T
            err = float(np.max(np.abs(run.strength - flow)) / run.S) if len(times) == n + 1 else float("inf")
            h = run.eta * float(run.p.max()) * run.S ** (2 - 2 / L)
            tol, why = euler_tolerance(L, h, run.S / run.r)
            details += [(rf"set {i + 1}: $\max|R_{{\mathrm{{GD}}}} - R_{{\mathrm{{ODE}}}}|/S$", err),
                        (f"set {i + 1}: tolerance", tol)]
            if err / tol > worst_ratio:
                worst, worst_ratio, worst_tol, reason = err, err / tol, tol, why
        return Agreement(worst, worst_tol, reason + " (the set closest to its tolerance is reported)",
                         tuple(details), method="simulation")
    return check


def claim(L: int) -> Claim:
    """The depth-L balanced ODE, derived from the loss, checked against gradient descent of all
    L factors."""
    L = dp.depth(L)
    flow = dp.gradient_flow(L)
    product, balanced = dp.strength_ode_from_flow(L)
    Rk = sp.Symbol(r"\mathcal{R}_k")
    steps = [
        Step(r"\mathcal{L}^{(D)}_k", dp.skill_loss_empirical(L), f"Skill $k$'s share of the empirical loss, "
             f"$L = {L}$ factors (Eq. 29 with the product of the factors in place of $a_k b_k$):"),
        Step(flow[0].lhs, flow[0].rhs, r"Gradient flow of the first factor, by SymPy differentiation "
             r"(every factor's is the same with the roles exchanged):"),
    ]
    if L > 1:
        steps.append(Step(sp.Derivative(sp.Symbol(r"(a^{(1)})^2 - (a^{(l)})^2"), t), 0,
                          r"The differences of squares are conserved (each derivative along the flow "
                          r"simplifies to $0$), so a balanced start stays balanced:"))
    steps += [
        Step(sp.Derivative(Rk, t), product, r"Product rule for $\mathcal{R}_k = \prod_l a^{(l)}$:"),
        Step(sp.Derivative(Rk, t), balanced, r"Balanced: every factor is $\mathcal{R}_k^{1/L}$; with $p = d_k/D$:"),
    ]
    return Claim(
        id=f"variant-L{L}-ode",
        title=f"Depth-{L} model: balanced gradient flow of the skill strength",
        equations=("30-34",),
        section="Variant: depth-L model",
        statement=dp.strength_ode(L),
        steps=tuple(steps),
        check_symbolic=_check_symbolic(L),
        check_numeric=_check_numeric(L),
        symbolic_check=(r"a second route, $d\mathcal{R}/dt = \mathcal{R} \sum_l \frac{d}{dt}\log a^{(l)}$ along the "
                        "flow under balance, simplifies to the statement; every difference of squares has derivative "
                        "0" + ("; equals Eq. 34" if L == 2 else "; equals the linear model's flow" if L == 1 else "")),
        assumptions=(rf"Model $f = \sum_k \prod_{{l=1}}^{{{L}}} a_k^{{(l)}} g_k$ trained by gradient flow on the "
                     r"halved MSE; balanced start $a_k^{(l)}(0) = \mathcal{R}_k(0)^{1/L}$, $0 < \mathcal{R}_k(0) < S$."),
        results=(("rate", sp.Eq(sp.Symbol("dR/dt"), dp.strength_ode(L).rhs.subs(R(t), _LEVEL))),),
        meanings=(("R", "the skill strength, 0 < R < S"),),
        domain=(_LEVEL < S,),
        summary=("The numeric check trains every factor by full-batch gradient descent on sampled multitask sparse "
                 "parity data and compares $\\mathcal{R}_k(T)$ with an RK4 solution of the statement's ODE at "
                 "$p = d_k/D$."),
    )
