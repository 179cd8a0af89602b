"""Corollary 1: the multilinear model is a one-shot learner (Sec. 3 and App. C, Eqs. 36-37)."""
from __future__ import annotations

import numpy as np
import sympy as sp

from derivations.checking import evaluate
from derivations.claim import Agreement, Claim, Step
from numeric_check.simulation.data import SparseParity
from numeric_check.simulation.multilinear import simulate
from symbolic import multilinear as ml
from symbolic.symbols import D, R0, S, d_k, t

__all__ = ["claim"]

R_inf = sp.Symbol(r"\mathcal{R}_k(\infty)")


_SEEN = sp.Symbol("d_k", positive=True, integer=True)  # d_k >= 1


def _limit_seen() -> sp.Expr:
    """T -> infinity of the solution for a skill seen d_k >= 1 times (p = d_k/D > 0)."""
    return sp.limit(ml.strength(freq=_SEEN / D), t, sp.oo)


def _unseen() -> sp.Expr:
    """The solution for an unseen skill (d_k = 0): the flow vanishes, R stays R_0."""
    return sp.simplify(ml.strength(freq=d_k / D).subs(d_k, 0))


def _statement() -> sp.Eq:
    return sp.Eq(R_inf, sp.Piecewise((S, d_k > 0), (R0, True)))


def _check_symbolic(statement: sp.Eq) -> bool:
    rhs = statement.rhs
    ok_seen = sp.simplify(rhs.subs(d_k, _SEEN) - _limit_seen()) == 0
    ok_unseen = sp.simplify(rhs.subs(d_k, 0) - _unseen()) == 0
    # The loss limits of Eq. 37 follow from L_k = (S - R_k)^2 / 2.
    loss_seen = sp.limit(ml.skill_loss(freq=_SEEN / D), t, sp.oo) == 0
    return bool(ok_seen and ok_unseen and loss_seen)


def _check_numeric(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
    # Small datasets leave rare skills unseen; train until the slowest seen skill (p = 1/D) has
    # e^{-2 eta S T / D} (S/r - 1) < 1e-9 in the closed form.
    worst, details = 0.0, []
    for n_s, D_, alpha, S_, r_ in ((12, 25, 0.6, 1.0, 0.01), (10, 15, 1.0, 2.0, 0.1)):
        task = SparseParity(n_s=n_s, n_b=3 * n_s, alpha=alpha, S=S_)
        data = task.dataset(D_, rng)
        eta_ = 0.5 / S_
        steps = int(np.ceil((np.log(S_ / r_ - 1) + np.log(1e9)) * D_ / (2 * eta_ * S_) * 1.3))
        run = simulate(task, n_features=n_s, eta=eta_, steps=steps, record=[steps], a0=np.sqrt(r_), b0=np.sqrt(r_),
                       rng=rng, data=data, n_eval=200)
        predicted = np.array([evaluate(statement.rhs, (d_k, R0, S), int(c), r_, S_) for c in data.counts], dtype=float)
        err = float(np.max(np.abs(run.strength[-1] - predicted)) / S_)
        worst = max(worst, err)
        details += [(f"$n_s={n_s}$, $D={D_}$: unseen skills", int(np.sum(data.counts == 0))),
                    (rf"$n_s={n_s}$, $D={D_}$: $\max |R_{{\mathrm{{sim}}}}(T) - R(\infty)|/S$", err)]
    return Agreement(worst, 1e-6, r"trained until the closed form is within $10^{-9}$ of its limit for the rarest seen "
                     r"skill (gradient descent has the same fixed points, unseen skills get exactly zero gradient); "
                     r"$10^{-6}$ leaves room for the slower discrete rate", tuple(details), method="simulation")


def claim() -> Claim:
    """Build Corollary 1 (Eqs. 36-37): a skill seen once is learned, an unseen one keeps R_k(0).

    Returns
    -------
    Claim
        The final strength of a skill by whether ``d_k > 0``, from the limit of Lemma 1, with its checks.
    """
    return Claim(
        id="corollary-1",
        statement=_statement(),
        steps=(
            Step(R_inf, _limit_seen(), r"For $d_k \ge 1$, the limit $T\to\infty$ of Lemma 1's solution with "
                 r"$p = d_k/D > 0$:"),
            Step(sp.Symbol(r"\mathcal{R}_k(T)\big|_{d_k = 0}"), _unseen(), r"For $d_k = 0$ the exponent vanishes and the strength "
                 "stays at its initial value:"),
            Step(sp.Symbol(r"\mathcal{L}_k(\infty)"), sp.Piecewise((sp.limit(ml.skill_loss(freq=_SEEN / D), t, sp.oo), d_k > 0),
                                                         ((S - R0) ** 2 / 2, True)),
                 r"and the skill loss $\frac12(S-\mathcal{R}_k)^2$ (Eq. 37; $\approx S^2/2$ for small $\mathcal{R}_k(0)$):"),
        ),
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"the $d_k > 0$ branch equals SymPy's limit $T \to \infty$ of Lemma 1's solution with $p = d_k/D$, "
                        r"$d_k \ge 1$; the $d_k = 0$ branch equals that solution at $d_k = 0$ (simplified); and the "
                        r"limit of the skill loss for $d_k \ge 1$ is $0$"),
        assumptions=r"Setup of Lemma 1 with $T, N \to \infty$.",
        summary=("The numeric check trains on datasets small enough that rare skills are never observed and "
                 "compares the final strengths with the statement, per skill."),
        domain=(R0 < S,),
    )
