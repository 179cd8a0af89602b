"""The linear model with the same basis: exponential, not sigmoidal, learning (App. H, Eqs. 124-125)."""
from __future__ import annotations

import numpy as np
import sympy as sp

from derivations.checking import evaluate, record_grid
from derivations.claim import Agreement, Claim, Step
from numeric_check.simulation.data import SparseParity
from numeric_check.simulation.multilinear import simulate_linear
from symbolic import multilinear as ml
from symbolic.symbols import S, eta, p, t, w

__all__ = ["claim"]


def _statement() -> sp.Eq:
    return sp.Eq(w(t), S * (1 - sp.exp(-eta * p * t)))


def _check_symbolic(statement: sp.Eq) -> bool:
    solves, _ = sp.checkodesol(ml.linear_flow(), statement)
    starts = sp.simplify(statement.rhs.subs(t, 0)) == 0
    return bool(solves and starts and sp.simplify(statement.rhs - ml.linear_strength()) == 0)


def _check_numeric(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
    worst, tol_max, details = 0.0, 0.0, []
    for n_s, alpha_, S_, eta_, D_ in ((6, 0.6, 1.0, 0.05, 2000), (4, 1.5, 3.0, 0.02, 1000)):
        task = SparseParity(n_s=n_s, n_b=3 * n_s, alpha=alpha_, S=S_)
        data = task.dataset(D_, rng)
        freq = data.counts / D_
        steps = int(6 / (eta_ * freq[freq > 0].min()))
        record = record_grid(steps)
        run = simulate_linear(task, n_features=n_s, eta=eta_, steps=steps, record=record, w0=0.0, rng=rng, data=data,
                              n_eval=100, n_test=500)
        predicted = evaluate(statement.rhs, (t, eta, p, S), record[:, None], eta_, freq[None, :], S_)
        err = float(np.max(np.abs(run.strength - predicted)) / S_)
        # GD gives S(1 - (1 - c)^n) with c = eta p: |(1-c)^n - e^{-cn}| <= c/(2e) < c/4.
        tol = float(eta_ * freq.max() / 4)
        worst, tol_max = max(worst, err), max(tol_max, tol)
        details += [(rf"$n_s={n_s}$, $D={D_}$: $\max |w_{{\mathrm{{sim}}}} - w|/S$", err), (f"$n_s={n_s}$, $D={D_}$: tolerance", tol)]
    return Agreement(worst, tol_max, r"gradient descent gives $S(1-(1-c)^n)$, $c = \eta p$, against $S(1-e^{-cn})$: the "
                     r"difference is at most $c/(2e) < c/4$", tuple(details), method="simulation")


def claim() -> Claim:
    """Build Eq. 125 (App. H): the linear model learns each skill exponentially, from T = 0.

    Returns
    -------
    Claim
        The solution ``w_k(t)`` of the linear model's gradient flow (Eq. 124), with its checks.
    """
    return Claim(
        id="eq-125",
        statement=_statement(),
        steps=(
            Step(sp.Symbol(r"\mathcal{L}^{(D)}_k"), sp.Symbol("d_k") / (2 * sp.Symbol("D")) * (S - sp.Symbol("w_k")) ** 2,
                 r"The model $f = \sum_k w_k g_k$ (Eq. 124) decouples like the multilinear one:"),
            Step(sp.Derivative(w(t), t), ml.linear_flow().rhs, r"Gradient flow, with $p = d_k/D$:"),
            Step(w(t), ml.linear_strength(), r"\texttt{dsolve} with $w_k(0) = 0$ (Eq. 125):"),
        ),
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"checkodesol substitutes the statement into the gradient flow $dw/dt = \eta p (S - w)$ of the "
                        r"linear model's loss and the residual simplifies to $0$; $w(0) = 0$; and the statement "
                        r"equals dsolve's solution"),
        assumptions=r"Linear model (Eq. 124) trained by gradient flow on $D$ samples; $w_k(0) = 0$; $p = d_k/D$.",
        summary=("Every skill starts learning at $T = 0$: the time to reach a level scales as $1/p$ as for the "
                 "multilinear model, so the same scaling laws follow, but there is no delay and no stage-like "
                 "emergence (App. H). The numeric check trains the linear model by gradient descent on sampled data."),
        domain=(p <= 1,),
    )
