r"""Eq. 14: time emergence of the B-calibrated model (Eq. 13), derived from its loss.

Gradient flow of ``f = sum_k a_k b_k B g_k`` puts ``B``, not the printed ``B^2``, into the
exponent (an erratum of the paper: its Eq. 14 puts ``B^2`` where gradient flow gives ``B``); the fitted
"B^2 = 1/22" is therefore the value of ``B`` itself.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, PaperNote, Step
from numeric_check.simulation.data import SparseParity
from numeric_check.simulation.extended import simulate_calibrated
from symbolic.extended import Bc, Rk, calibrated_flow, calibrated_loss, calibrated_strength, paper_eq14
from symbolic.symbols import R, R0, S, eta, p, t

__all__ = ["claim"]

def _statement() -> sp.Eq:
    return sp.Eq(R(t), S / (1 + (S / R0 - 1) * sp.exp(-2 * eta * p * Bc * S * t)))


def _check_symbolic(statement: sp.Eq) -> bool:
    derived = calibrated_strength()
    same = sp.simplify(derived - statement.rhs) == 0
    starts = sp.simplify(statement.rhs.subs(t, 0) - R0) == 0
    return bool(same and starts)


def _simulate(rng: np.random.Generator, lr: float):
    task = SparseParity(n_s=3, n_b=9, m=3, alpha=0.6, S=1.0)
    horizon = 120.0
    return simulate_calibrated(task=task, D=4000, B=_B, R0=_R0, eta=lr, steps=int(round(horizon / lr)),
                               rng=rng, record_every=max(1, int(round(1.0 / lr))))


_B, _R0, _LR = 0.3, 0.01, 0.05


def _check_numeric(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
    law = sp.lambdify((t, R0, eta, p, S, Bc), statement.rhs, modules="numpy")
    seed = int(rng.integers(2**31))
    errors = []
    for lr in (_LR, _LR / 2):
        run = _simulate(np.random.default_rng(seed), lr)
        predicted = law(run.times[:, None], _R0, 1.0, run.p[None, :], 1.0, _B)
        errors.append(float(np.max(np.abs(run.R - predicted))))
    # Euler's global error on a logistic of rate kappa = 2 B S p is first order, about kappa*dt/6
    # in R/S here (measured: 0.0032 at dt = 0.05, and halving dt halves it); kappa*dt/4 leaves
    # a 50% margin and is still 200x smaller than the B-vs-B^2 difference.
    kappa = 2 * _B * 1.0 * float(run.p.max())
    tolerance = kappa * _LR / 4
    return Agreement(errors[0], tolerance,
                     f"full-batch gradient descent (step {_LR}) of the $B$-scaled model, $B={_B}$, on $D=4000$ "
                     r"samples, against the closed form at $p=d_k/D$; Euler error $O(dt)$: tolerance $\kappa\, dt/4$",
                     details=((r"$\max |R_k/S - \mathrm{law}|$, step 0.05", errors[0]),
                              (r"$\max |R_k/S - \mathrm{law}|$, step 0.025", errors[1]),
                              ("error ratio (1st order: 2)", errors[0] / errors[1]),
                              (r"largest rate $\kappa = 2 B S p$", kappa)),
                     method="simulation")


def claim() -> Claim:
    """Build Eq. 14 (Eqs. 13-14), corrected: the B-calibrated model learns along a logistic of rate 2 eta p B S.

    Returns
    -------
    Claim
        The strength of skill ``k`` in the calibrated model of Eq. 13, derived from its loss, with its checks
        and the note on the paper's ``B^2``.
    """
    L = calibrated_loss()
    return Claim(
        id="eq-14",
        statement=_statement(),
        steps=(
            Step(sp.Symbol(r"\mathcal{L}_k"), L, r"One sample of skill $k$ contributes $\tfrac12(Sg_k-Babg_k)^2$ with "
                 r"$g_k^2=1$; a fraction $p=d_k/D$ of the samples are of skill $k$ (Eq.~11)."),
            Step(sp.Symbol(r"\dot{a}_k"), -eta * sp.diff(L, sp.Symbol("a", real=True)),
                 r"Gradient flow $\dot a_k=-\eta\,\partial\mathcal{L}/\partial a_k$, and symmetrically for $b_k$."),
            Step(sp.Symbol(r"\dot{\mathcal{R}}_k"), calibrated_flow(),
                 r"Product rule on $\mathcal{R}_k=Ba_kb_k$ with $a_k=b_k=\sqrt{\mathcal{R}_k/B}$ (balance is "
                 r"preserved): one factor $B$ from $\mathcal{R}_k=Bab$, one from the gradient, and $a^2+b^2=2\mathcal{R}_k/B$ "
                 r"removes one."),
            Step(sp.Symbol(r"\mathcal{R}_k(t)"), calibrated_strength(), r"\texttt{dsolve} with $\mathcal{R}_k(0)=\mathcal{R}_k(0)$."),
        ),
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"the statement minus dsolve's solution of the flow $dR/dt = 2 \eta p B R (S - R)$, derived "
                        r"from the loss of Eq.~13 by differentiation and the product rule, simplifies to $0$; "
                        r"$R(0) = R_0$"),
        assumptions=r"Model Eq.~13, $0<B\le1$, balanced start $a_k(0)=b_k(0)$, $0<\mathcal{R}_k(0)<S$, gradient "
                    r"flow on the empirical loss (Eq.~11) with $p=d_k/D$ ($=P_s(k)$ as $D\to\infty$).",
        summary=r"The calibrated model learns skill $k$ along a logistic curve whose rate is $2\eta pBS$: "
                r"linear in $B$.",
        notes=(PaperNote(
            title="Erratum: the paper's Eq. 14 puts $B^2$ where gradient flow gives $B$",
            text=r"Differentiating the loss of Eq.~13 gives $\dot{\mathcal{R}}_k=2\eta pB\,\mathcal{R}_k(S-\mathcal{R}_k)$, "
                 r"so the exponent carries $B$, not $B^2$. Since the constant is fitted, predictions made with "
                 r"Eq.~14 as printed are unchanged: the fitted ``$B^2=1/22$'' is the factor multiplying "
                 r"$2\eta P_s(k)ST$, i.e.\ the model's $B$ equals $1/22$ (not $1/\sqrt{22}$). This toolkit's "
                 r"\texttt{B2} arguments are that factor.",
            paper=paper_eq14(), exact=_statement().rhs),),
        domain=(Bc <= 1, R0 < S, p <= 1),
    )
