"""Eqs. 11-12 and 128-129: the empirical loss of the multilinear model on D samples is
``(1/2D) sum_k d_k (S - R_k)^2`` -- the skills decouple -- and the population loss is
``sum_k P_s(k) L_k`` with ``L_k = S^2/2`` for the skills the model lacks (``k > N``, ``R_k = 0``).

At a sample of skill ``i`` with sign ``g = g_i(i, x)`` the model ``f = sum_{k<=N} a_k b_k g_k``
(Eq. 9) outputs ``a_i b_i g`` (disjoint supports, Eq. 3) and the target is ``S g``, so the squared
error is ``g^2 (S - a_i b_i)^2 = (S - R_i)^2``; for ``i > N`` it is ``S^2``. Grouping the ``D``
samples by skill gives the counts ``d_k``.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, Step
from numeric_check.simulation.data import SparseParity
from numeric_check.simulation.multilinear import model_output
from symbolic import multilinear as ml
from symbolic.symbols import D, N, Rk, S, d_k, k, n_s

__all__ = ["claim"]

_d = sp.IndexedBase("d")                       # d_k, the number of training samples of skill k
_R = sp.IndexedBase(r"\mathcal{R}")            # R_k = a_k b_k (0 for k > N)
_P = sp.IndexedBase("P")                       # P_k = P_s(k)
_LD = sp.Symbol(r"\mathcal{L}^{(D)}")
_L = sp.Symbol(r"\mathcal{L}")
# the explicit training set of the second route: skills of six samples (n_s = 3, N = 2)
_SKILLS = (1, 2, 1, 3, 1, 2)


def _sample_error() -> sp.Expr:
    """``(y - f)^2`` at a sample of one skill, with ``g^2 = 1``, written with ``R_k`` for ``a_k b_k``."""
    _, decoupled = ml.sample_error(n_skills=3, skill=2)
    ab = sp.Symbol("a_2") * sp.Symbol("b_2")
    return decoupled.subs(ab, _R[k])


def _derived() -> sp.Expr:
    """Each of the ``d_k`` samples of skill ``k`` contributes ``(S - R_k)^2 / (2D)``."""
    return sp.Sum(_d[k] * _sample_error() / (2 * D), (k, 1, n_s))


def _statement() -> sp.Eq:
    return sp.Eq(_LD, _derived())


def _explicit_loss() -> tuple[sp.Expr, dict]:
    """Second route: the model's halved MSE on an explicit training set of six samples (skills
    :data:`_SKILLS`, symbolic signs), squared out with no decoupling rule but ``sign^2 = 1``."""
    n_skills, n_model = max(_SKILLS), 2
    signs = sp.symbols(f"sigma_1:{len(_SKILLS) + 1}", real=True)
    coef = [sp.Symbol(f"a_{j}") * sp.Symbol(f"b_{j}") for j in range(1, n_model + 1)]
    total = 0
    for i, sgn in zip(_SKILLS, signs):
        g = [sgn if j == i else 0 for j in range(1, n_skills + 1)]          # g_j at this sample (Eq. 2)
        y = S * sum(g)                                                       # Eq. 4
        f = sum(c * gj for c, gj in zip(coef, g[:n_model]))                  # Eq. 9
        total += (y - f) ** 2
    loss = sp.expand(total / (2 * len(_SKILLS))).subs({sg**2: 1 for sg in signs})
    values = {_R[j]: (coef[j - 1] if j <= n_model else 0) for j in range(1, n_skills + 1)}
    values.update({_d[j]: _SKILLS.count(j) for j in range(1, n_skills + 1)})
    return loss, values


def _check_symbolic(statement: sp.Eq) -> bool:
    loss, values = _explicit_loss()
    formula = statement.rhs.subs({n_s: max(_SKILLS), D: len(_SKILLS)}).doit().xreplace(values)
    return bool(sp.expand(formula - loss) == 0)


def _summand(statement: sp.Eq):
    """The statement's term of skill k as a NumPy function of (d_k, R_k, S, D)."""
    term = statement.rhs.replace(lambda e: isinstance(e, sp.Sum), lambda e: e.function)   # the sum over k, term-wise
    term = term.xreplace({_d[k]: d_k, _R[k]: Rk})
    return sp.lambdify((d_k, Rk, S, D), term, modules="numpy")


def _check_numeric(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
    term = _summand(statement)
    task = SparseParity(n_s=10, n_b=30, m=3, alpha=0.6, S=1.3)
    n_model, details, worst = 6, [], 0.0
    for trial in range(3):
        data = task.dataset(500, rng)
        coef = rng.normal(0.5, 0.6, size=n_model)                            # a_k b_k, any values
        mse = 0.5 * np.mean((task.targets(data) - model_output(coef, task, data)) ** 2)
        R = np.concatenate([coef, np.zeros(task.n_s - n_model)])             # Eq. 128: R_k = 0 for k > N
        formula = float(np.sum(term(data.counts.astype(float), R, task.S, len(data))))
        err = abs(formula / mse - 1)
        worst = max(worst, err)
        details.append((rf"set {trial + 1}: rel. error, empirical loss (Eq.~11)", err))
    # Eq. 129: the population loss is the D -> infinity limit, d_k -> D P_s(k): fresh samples
    test = task.sample(200_000, rng)
    per_sample = 0.5 * (task.targets(test) - model_output(coef, task, test)) ** 2
    population = float(np.sum(term(1e6 * task.probabilities, R, task.S, 1e6)))
    z = abs(per_sample.mean() - population) / (per_sample.std(ddof=1) / np.sqrt(len(test)))
    details.append((r"Eq.~129: $|$fresh-sample loss $-$ formula$|$ / standard error ($2\times10^5$ samples)", z))
    return Agreement(worst if z < 4.0 else float("inf"), 1e-12,
                     r"three sampled training sets ($n_s = 10$, $N = 6$, $D = 500$, random $a_kb_k$): the model's halved MSE "
                     r"computed from its outputs on the samples against the statement's sum with the counted $d_k$ "
                     r"and $\mathcal{R}_k = 0$ for $k > N$; the two are equal sample by sample, so only float64 rounding "
                     r"($\ll 10^{-12}$) remains; and Eq.~129 (the statement with $d_k/D = P_s(k)$) within 4 standard "
                     r"errors of the loss on $2\times10^5$ fresh samples (else the check fails)",
                     tuple(details), method="simulation")


def claim() -> Claim:
    """Build Eqs. 11-12 and 128-129: the multilinear model's empirical and population losses.

    Returns
    -------
    Claim
        ``L^(D) = (1/2D) sum_k d_k (S - R_k)^2`` derived from the model on a sample, the ``k > N``
        terms ``S^2/2`` and the population loss of Eq. 129, with their checks.
    """
    stmt = _statement()
    raw, decoupled = ml.sample_error(n_skills=3, skill=2)
    term = stmt.rhs.function
    error = (sp.Symbol("y") - sp.Symbol("f")) ** 2
    population = sp.limit(term.subs(_d[k], D * _P[k]), D, sp.oo)             # d_k / D -> P_s(k)
    split = (sp.Sum(population, (k, 1, N))
             + sp.Sum(population.subs(_R[k], 0), (k, N + 1, n_s)))            # Eq. 128: R_k = 0 for k > N
    steps = (
        Step(error, raw,
             r"Squared error of $f=\sum_{k\le N}a_kb_kg_k$ (Eq.~9) at a sample of skill $2$ (three basis functions "
             r"shown), with $g_k(i,x)=g\,\delta_{ik}$:"),
        Step(error, decoupled.subs(sp.Symbol("a_2") * sp.Symbol("b_2"), _R[2]),
             r"With $g^2=1$ only the sample's own skill enters; $\mathcal{R}_2=a_2b_2$ (Eq.~10):"),
        Step(_LD, stmt.rhs, r"Grouping the $D$ samples by skill ($d_k$ of skill $k$; a skill $k>N$ has no basis "
             r"function, so $\mathcal{R}_k=0$ and its samples cost $S^2$, Eq.~128): the skills decouple (Eqs.~11, 28--29)."),
        Step(_L, split, r"As $D\to\infty$, $d_k/D\to P_s(k)$ (SymPy limit of the summand; $P_k=P_s(k)$) and the skills beyond $N$ "
             r"contribute $P_s(k)\,S^2/2$ (Eqs.~12, 129)."),
    )
    return Claim(
        id="eq-11",
        statement=stmt,
        steps=steps,
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"the halved MSE of the model on an explicit training set of six samples of three skills ($N=2$, "
                        r"symbolic signs, squared out with only $\mathrm{sign}^2=1$) expands to the statement's sum with "
                        r"the counted $d_k=(3,2,1)$ and $\mathcal{R}_3=0$"),
        assumptions=(r"Multilinear model $f=\sum_{k\le N}a_kb_kg_k$ (Eq.~9); $D$ samples, $d_k$ of skill $k$; "
                     r"$\mathcal{R}_k=a_kb_k$ for $k\le N$ and $0$ for $k>N$."),
        summary=(r"$\mathcal{L}^{(D)}=\frac1{2D}\sum_k d_k(S-\mathcal{R}_k)^2$: the skills decouple; as $D\to\infty$, "
                 r"$\mathcal{L}=\sum_{k\le N}P_s(k)\frac12(S-\mathcal{R}_k)^2+\frac{S^2}2\sum_{k>N}P_s(k)$ (Eq.~129)."),
        results=(
            ("skill", sp.Eq(sp.Symbol("L_k^(D)"), d_k * (S - Rk) ** 2 / (2 * D)),
             "Eq. 11: the share of skill k in the empirical loss (R_k = 0 for k > N, Eq. 128)."),
        ),
        domain=(d_k <= D,),
    )
