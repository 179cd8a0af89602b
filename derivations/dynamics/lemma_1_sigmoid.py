"""Lemma 1: the decoupled, sigmoidal dynamics of the multilinear model (Sec. 3 and App. C, Eqs. 26-35)."""
from __future__ import annotations

import numpy as np
import sympy as sp

from derivations.checking import evaluate, logistic_euler_tolerance, record_grid
from derivations.claim import Agreement, Claim, Step
from numeric_check.simulation.data import SparseParity
from numeric_check.simulation.multilinear import simulate
from symbolic import multilinear as ml
from symbolic.symbols import R, R0, S, a, b, eta, p, t

__all__ = ["claim", "PARAMETER_SETS"]

# (alpha, S, r = a0*b0, eta, n_s, D, steps): several scales, frequencies and initialisations.
PARAMETER_SETS = (
    dict(alpha=0.5, S=1.0, r=0.01, eta=0.02, n_s=6, D=2000, steps=12000),
    dict(alpha=1.0, S=3.0, r=0.3, eta=0.004, n_s=8, D=5000, steps=8000),
    dict(alpha=0.3, S=0.5, r=0.001, eta=0.05, n_s=5, D=1000, steps=12000),
)


def _statement() -> sp.Eq:
    return sp.Eq(R(t), ml.strength())


def _check_symbolic(statement: sp.Eq) -> bool:
    """The statement solves the ODE derived from the loss, starts at R_0, and equals dsolve's."""
    ode = ml.strength_ode()
    solves, residual = sp.checkodesol(ode, statement)
    starts = sp.simplify(statement.rhs.subs(t, 0) - R0) == 0
    same_as_dsolve = sp.simplify(statement.rhs - ml.solve_strength()) == 0
    return bool(solves and starts and same_as_dsolve)


def _check_numeric(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
    worst, worst_tol, details, reasons = 0.0, np.inf, [], []
    ratio_max = 0.0
    for i, ps in enumerate(PARAMETER_SETS):
        task = SparseParity(n_s=ps["n_s"], n_b=3 * ps["n_s"], m=3, alpha=ps["alpha"], S=ps["S"])
        data = task.dataset(ps["D"], rng)
        a0 = np.sqrt(ps["r"])
        steps = record_grid(ps["steps"])
        run = simulate(task, n_features=ps["n_s"], eta=ps["eta"], steps=ps["steps"], record=steps,
                       a0=a0, b0=a0, rng=rng, data=data, n_eval=500)
        freq = data.counts / ps["D"]
        predicted = evaluate(statement.rhs, (t, R0, eta, p, S), steps[:, None], ps["r"], ps["eta"],
                             freq[None, :], ps["S"])
        err_R = float(np.max(np.abs(run.strength - predicted)) / ps["S"])
        # Eq. 11: the training loss is the d_k-weighted skill loss of the same R_k.
        train_pred = np.sum(data.counts[None, :] * (ps["S"] - predicted) ** 2, axis=1) / (2 * ps["D"])
        err_L = float(np.max(np.abs(run.train_loss - train_pred)) / ps["S"] ** 2)
        tol, reason = logistic_euler_tolerance(2 * ps["eta"] * freq.max() * ps["S"], ps["S"] / ps["r"])
        ratio = max(err_R, err_L) / tol
        if ratio >= ratio_max:
            ratio_max, worst, worst_tol = ratio, max(err_R, err_L), tol
            reasons = [reason]
        details += [(rf"set {i + 1}: $\max |R_{{\mathrm{{sim}}}} - R|/S$", err_R), (rf"set {i + 1}: $\max |L_{{\mathrm{{train,sim}}}} - L|/S^2$", err_L),
                    (f"set {i + 1}: tolerance", tol)]
    return Agreement(worst, worst_tol, reasons[0] + " (the set closest to its tolerance is reported)",
                     tuple(details), method="simulation")


def claim() -> Claim:
    """Build Lemma 1 (Eqs. 26-35): each skill's strength follows a logistic curve.

    Returns
    -------
    Claim
        The solution of Eq. 35, derived from the empirical loss by SymPy, with its checks.
    """
    raw, decoupled = ml.sample_error()
    ea, eb = ml.gradient_flow()
    product, balanced = ml.strength_ode_from_flow()
    Rt = sp.Symbol(r"\mathcal{R}_k")
    steps = (
        Step(sp.Symbol(r"(y - f)^{2}"), raw, "Squared error at a sample of skill $2$ (three basis functions shown), with "
             r"$g_k(i,x) = g\,\delta_{ik}$, $g=\pm1$:"),
        Step(sp.Symbol(r"(y - f)^{2}"), decoupled, r"Using $g^2 = 1$, only the sample's own skill enters, so the "
             r"empirical loss splits into one term per skill (Eqs. 11, 28-29):"),
        Step(sp.Symbol(r"\mathcal{L}^{(D)}_k"), ml.skill_loss_empirical(), "Skill $k$'s share of the empirical loss:"),
        Step(sp.Derivative(a(t), t), ea.rhs, r"Gradient flow $\dot a_k = -\eta\,\partial\mathcal{L}/\partial a_k$ "
             "(SymPy differentiation, Eq. 30):"),
        Step(sp.Derivative(b(t), t), eb.rhs, r"and $\dot b_k = -\eta\,\partial\mathcal{L}/\partial b_k$ (Eq. 31):"),
        Step(sp.Derivative(Rt, t), product, r"Product rule for $\mathcal{R}_k = a_k b_k$ (Eq. 33, without the stray "
             r"$-\eta$ of the paper):"),
        Step(sp.Derivative(Rt, t), balanced, r"Balanced initialisation is preserved ($a_k^2-b_k^2$ is conserved), so "
             r"$a_k = b_k$, $a_k^2 + b_k^2 = 2\mathcal{R}_k$, and with $p = d_k/D$ (Eq. 34):"),
        Step(Rt, ml.solve_strength(), r"\texttt{dsolve} with the initial value $\mathcal{R}_k(0)$:"),
        Step(sp.Symbol(r"\mathcal{L}_k(t)"), ml.skill_loss_eq27(), r"and the skill loss $\frac12(S - \mathcal{R}_k)^2$ in the "
             "paper's form (Eq. 27; equality checked by simplification):"),
    )
    return Claim(
        id="lemma-1",
        statement=_statement(),
        steps=steps,
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"checkodesol substitutes the statement into the ODE $dR/dt = 2 \eta p R (S - R)$ derived "
                        r"from the empirical loss by differentiation and the residual simplifies to $0$; $R(0) = R_0$; "
                        r"and the statement minus dsolve's solution of that ODE simplifies to $0$"),
        assumptions=(r"Model $f = \sum_{k\le N} a_k b_k g_k$ (Eq. 9) trained by gradient flow on $D$ samples with "
                     r"the halved MSE; $k \le N$; balanced start $a_k(0) = b_k(0)$ with $0 < a_k(0)b_k(0) < S$; "
                     r"$p = d_k/D$."),
        summary=("The numeric check trains the model by full-batch gradient descent on sampled multitask sparse "
                 "parity data (the model's output and the gradient of the empirical loss are computed on every "
                 r"sample), measures $\mathcal{R}_k$ as in K.3 and compares whole trajectories of $\mathcal{R}_k(T)$ "
                 "and of the training loss (Eq. 11) with the closed form at three parameter sets."),
        domain=(R0 < S, p <= 1),
    )
