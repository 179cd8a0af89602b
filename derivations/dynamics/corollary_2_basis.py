"""Corollary 2: one basis function per skill (Sec. 3 and App. C, Eqs. 38-39)."""
from __future__ import annotations

import numpy as np
import sympy as sp

from derivations.checking import evaluate
from derivations.claim import Agreement, Claim, PaperNote, Step
from numeric_check.simulation.data import SparseParity
from numeric_check.simulation.multilinear import model_output, simulate
from symbolic import multilinear as ml
from symbolic.symbols import N, S, k, t

__all__ = ["claim"]

L_inf = sp.Symbol(r"\mathcal{L}_k(\infty)")


def _missing_skill_loss() -> sp.Expr:
    """Eq. 8 with f(k, .) = 0 (no g_k in the model): L_k = (S^2 + E[f^2] - 2 S R_k)/2 at f = 0."""
    f_sq, Rk = sp.symbols("F R", real=True)
    return (S**2 + f_sq - 2 * S * Rk).subs({f_sq: 0, Rk: 0}) / 2


def _statement() -> sp.Eq:
    return sp.Eq(L_inf, sp.Piecewise((0, k <= N), (S**2 / 2, True)))


def _check_symbolic(statement: sp.Eq) -> bool:
    kk, NN = sp.Symbol("kk", positive=True, integer=True), sp.Symbol("NN", positive=True, integer=True)
    modelled = statement.rhs.subs({k: kk, N: kk + NN})       # k < N
    missing = statement.rhs.subs({k: kk + NN, N: kk})        # k > N
    learned = sp.limit(ml.skill_loss(), t, sp.oo)            # p > 0 as D -> infinity
    return bool(sp.simplify(modelled - learned) == 0 and sp.simplify(missing - _missing_skill_loss()) == 0)


def _check_numeric(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
    worst, details = 0.0, []
    for n_s, N_, alpha, S_ in ((8, 4, 0.6, 1.0), (6, 2, 0.3, 3.0)):
        task = SparseParity(n_s=n_s, n_b=3 * n_s, alpha=alpha, S=S_)
        eta_ = 0.5 / S_
        p_min = task.probabilities[N_ - 1]
        steps = int(np.ceil((np.log(S_ / 0.01) + np.log(1e8)) / (2 * eta_ * p_min * S_) * 1.3))
        # SGD on fresh batches (D -> infinity).
        run = simulate(task, n_features=N_, eta=eta_, steps=steps, record=[steps], a0=0.1, b0=0.1, rng=rng,
                       batch_size=400, n_eval=100)
        coef = run.strength[-1]  # for the multilinear model R_k = a_k b_k is the coefficient of g_k
        measured = []
        for skill in range(n_s):
            probe = task.sample(4000, rng, skill=skill)
            f = model_output(coef, task, probe)
            measured.append(0.5 * np.mean((task.targets(probe) - f) ** 2))
        predicted = np.array([evaluate(statement.rhs, (k, N, S), kk, N_, S_) for kk in range(1, n_s + 1)], dtype=float)
        err = float(np.max(np.abs(np.array(measured) - predicted)) / S_**2)
        worst = max(worst, err)
        details.append((rf"$n_s={n_s}$, $N={N_}$: $\max |L_{{k,\mathrm{{sim}}}} - L_k(\infty)|/S^2$", err))
    return Agreement(worst, 1e-6, r"SGD has the same fixed point $a_k b_k = S$ for every batch; trained until the "
                     r"closed form is within $10^{-8}$ of its limit for the rarest modelled skill; per-skill losses "
                     r"are exact on any probe sample ($f g_k$ is constant on skill $k$)", tuple(details),
                     method="simulation")


def claim() -> Claim:
    """Build Corollary 2 (Eqs. 38-39, 128): a skill is learned exactly when its basis function is in the model.

    Returns
    -------
    Claim
        The final skill loss for ``k <= N`` and ``k > N``, with its checks.
    """
    return Claim(
        id="corollary-2",
        statement=_statement(),
        steps=(
            Step(sp.Symbol(r"\mathcal{L}_k(\infty)\big|_{k \le N}"), sp.limit(ml.skill_loss(), t, sp.oo),
                 r"A modelled skill has $p = P_s(k) > 0$ as $D\to\infty$; the limit of Lemma 1's loss:"),
            Step(sp.Symbol(r"\mathcal{L}_k\big|_{k > N}"), _missing_skill_loss(), r"A skill without $g_k$ in the model has "
                 r"$f(k,\cdot) = 0$ and $\mathcal{R}_k = 0$ (Eq. 128); Eq. 8 gives:"),
        ),
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"for $k < N$ the statement equals SymPy's limit $T \to \infty$ of Lemma 1's skill loss ($0$), and "
                        r"for $k > N$ it equals Eq.~8 with $f(k, \cdot) = 0$ and $R_k = 0$, i.e.\ $S^2/2$ (differences "
                        r"simplify to $0$)"),
        assumptions=r"Setup of Lemma 1; the model holds the $N$ most frequent skills; $T, D \to \infty$.",
        summary=("The numeric check trains the model by SGD on fresh batches with $N < n_s$ basis functions and "
                 "measures every skill's loss on fresh samples of that skill."),
        notes=(PaperNote(
            r"Corollary 2: $\mathcal{R}_k$ for missing skills",
            r"Eq.~39 writes $\mathcal{R}_k(\infty) = \mathcal{R}_k(0)$ for $k > N$, but a skill without its basis "
            r"function has $\mathcal{R}_k = 0$ (Eq.~128); the loss $S^2/2$ is exact with $\mathcal{R}_k = 0$ and "
            r"only approximate with $\mathcal{R}_k(0)$.", sp.Symbol(r"\mathcal{R}_k(0)"),
            sp.Integer(0)),),
    )
