"""Two-layer linear networks decompose into independent sigmoidal modes (Saxe et al.; App. B.2, Eqs. 22-25)."""
from __future__ import annotations

import numpy as np
import sympy as sp

from derivations.checking import evaluate, logistic_euler_tolerance, record_grid
from derivations.claim import Agreement, Claim, PaperNote, Step
from numeric_check.simulation.linear_network import random_orthogonal, simulate_linear_network
from symbolic import multilinear as ml
from symbolic.symbols import ab0, eta, lam, t

__all__ = ["claim"]

mode = sp.Symbol(r"\frac{a_k b_k}{\lambda_k}")


def _statement() -> sp.Eq:
    return sp.Eq(mode, 1 / (1 + (lam / ab0 - 1) * sp.exp(-2 * eta * lam * t)))


def _check_symbolic(statement: sp.Eq) -> bool:
    loss, reduced = ml.saxe_mode_loss(2)
    lams = [sp.Symbol(f"lambda_{j}", positive=True) for j in (1, 2)]
    As = [sp.Symbol(f"a_{j}", real=True) for j in (1, 2)]
    Bs = [sp.Symbol(f"b_{j}", real=True) for j in (1, 2)]
    decoupled = sum((l_ - a_ * b_) ** 2 for l_, a_, b_ in zip(lams, As, Bs)) / 2
    ok_loss = sp.simplify(reduced - decoupled) == 0
    derived = ml.saxe_mode_strength().subs(sp.Symbol("R_0", positive=True), ab0) / lam
    return bool(ok_loss and sp.simplify(statement.rhs - derived) == 0)


def _check_numeric(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
    d1, d2, d3 = 5, 3, 4
    lams = np.array([1.0, 0.5, 0.25])
    U, V = random_orthogonal(d1, rng)[:, :d2], random_orthogonal(d3, rng)[:, :d2]
    sigma = V @ np.diag(lams) @ U.T
    eta_, a0 = 0.02, 0.05
    # Aligned, balanced small initialisation: W1 = a0 U^T, W2 = a0 V (all modes start at a0^2).
    steps = int((np.log(lams.min() / a0**2) + 10) / (2 * eta_ * lams.min()))
    record = record_grid(steps)
    products = simulate_linear_network(sigma, a0 * U.T, a0 * V, eta=eta_, steps=steps, record=record)
    measured = np.einsum("ik,tij,jk->tk", V, products, U) / lams  # v_k^T W2 W1 u_k / lambda_k
    predicted = evaluate(statement.rhs, (t, eta, lam, ab0), record[:, None], eta_, lams[None, :], a0**2)
    err = float(np.max(np.abs(measured - predicted)))
    off = float(np.max(np.abs(products[-1] - sigma)))
    tol, reason = logistic_euler_tolerance(2 * eta_ * lams.max(), lams.max() / a0**2)
    return Agreement(err, tol, reason + r" ($\lambda$ plays $S$, $p = 1$)", ((r"$\max |\mathrm{mode}_{\mathrm{sim}} - \mathrm{mode}|$", err),
                                                                     (r"final $\max |W_2 W_1 - \Sigma|$", off)),
                     method="simulation")


def _matrix_loss() -> sp.Expr:
    """``1/2 ||Sigma - W_2 W_1||_F^2`` as a trace of matrix symbols, with ``Sigma = V Lambda U^T``,
    ``W_1 = diag(a) U^T`` and ``W_2 = V diag(b)`` substituted (SymPy ``subs``)."""
    d = sp.Symbol("d_2", positive=True, integer=True)
    M = lambda name: sp.MatrixSymbol(name, d, d)  # noqa: E731
    sigma, W1, W2 = M(r"\Sigma"), M("W_1"), M("W_2")
    U, V, Lam, Da, Db = M("U"), M("V"), M(r"\Lambda"), M("D_a"), M("D_b")
    loss = sp.Rational(1, 2) * sp.Trace((sigma - W2 * W1).T * (sigma - W2 * W1))
    return loss.subs({sigma: V * Lam * U.T, W1: Da * U.T, W2: V * Db})


def claim() -> Claim:
    """Build Eq. 25 (App. B.2): a two-layer linear network learns independent sigmoidal modes.

    Returns
    -------
    Claim
        The normalised strength of mode ``k``, Lemma 1 with ``S -> lambda_k``, with its checks.
    """
    loss, reduced = ml.saxe_mode_loss(2)
    return Claim(
        id="eq-25",
        statement=_statement(),
        steps=(
            Step(sp.Symbol(r"\mathcal{L}"), _matrix_loss(),
                 r"With whitened inputs the loss is $\frac12\|\Sigma - W_2W_1\|_F^2$ + const. "
                 r"Take $\Sigma = V\Lambda U^T$ and $W_1 = D_aU^T$, $W_2 = VD_b$ with $D_a = \mathrm{diag}(a)$, $D_b = \mathrm{diag}(b)$ "
                 r"(two modes, $U$, $V$ rotations by $\theta$, $\phi$; SymPy expands the "
                 f"{sp.count_ops(loss)}-operation matrix expression):"),
            Step(sp.Symbol(r"\mathcal{L}"), reduced, "Expanding and simplifying the trigonometric terms, the modes decouple:"),
            Step(sp.Symbol("a_k") * sp.Symbol("b_k"), ml.saxe_mode_strength().subs(sp.Symbol("R_0", positive=True), ab0), r"Each mode is Lemma 1 with $S \to \lambda_k$ and "
                 r"$d_k/D \to 1$; \texttt{dsolve}:"),
        ),
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"SymPy expands the loss $\frac{1}{2} \|V \Lambda U^T - W_2 W_1\|_F^2$ for two modes with rotations $U$, $V$ "
                        r"and it simplifies to the sum of $\frac{1}{2} (\lambda_k - a_k b_k)^2$ (the modes decouple); the statement "
                        r"equals dsolve's solution of Lemma 1's ODE with $S \to \lambda$, $p \to 1$, divided by $\lambda$"),
        assumptions=(r"Two-layer linear network, whitened inputs, under-complete hidden layer, "
                     r"initialisation aligned with the singular vectors, $0 < a_k(0)b_k(0) \ll \lambda_k$."),
        summary=("The numeric check trains the full weight matrices $W_1$ ($3\\times5$) and $W_2$ ($4\\times3$) by "
                 "gradient descent on the samples and projects $W_2W_1$ on the singular vectors."),
        notes=(PaperNote("Eq. 25 notation", r"Eq.~25 writes $a_i(0)b_i(0)$ and $t$ for $a_k(0)b_k(0)$ and $T$; Eq.~23 "
                         r"writes $U^T\Lambda V$ where Eq.~22's text has $\Sigma = U\Lambda V$."),),
        domain=(ab0 < lam,),
    )
