r"""Lemma 3 (Eqs. 84-87): ``a_k^2 - |B_k|^2`` is conserved by the gradient flow of Eq. 15.

Differentiating along the flow, ``a da/dt = B . dB/dt`` (both equal ``-(eta a/D) B^T Phi Phi^T
(B a - S/sqrt(D_c))``). Gradient descent with a finite step conserves it only up to
``O(eta)``: the measured drift halves when the step size halves.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, Step
from numeric_check.simulation.extended import simulate_dc_shot
from symbolic.extended import extended_system, lemma_3_residual
from symbolic.symbols import a, t

__all__ = ["claim", "NormB2"]


class NormB2(sp.Function):
    """``|B_k(t)|^2``, kept unevaluated in the statement."""

    def _latex(self, printer, exp=None):
        body = r"\lvert\vec B_k(%s)\rvert^{2}" % printer._print(self.args[0])
        return body if exp is None else r"\left(%s\right)^{%s}" % (body, exp)


def _statement() -> sp.Eq:
    return sp.Eq(sp.Derivative(a(t) ** 2 - NormB2(t), t), 0)


def _check_symbolic(statement: sp.Eq) -> bool:
    system = extended_system(3, 2)
    if lemma_3_residual(system) != 0:
        return False
    quantity = statement.lhs.expr
    A, N2 = sp.Symbol("A_"), sp.Symbol("N2_")
    q = quantity.subs({a(t): A, NormB2(t): N2})
    # d/dt q(a, |B|^2) = q_a da/dt + q_N2 * 2 B . dB/dt along the flow.
    rate = sp.diff(q, A) * system.a_dot + sp.diff(q, N2) * 2 * (system.B.T * system.B_dot)[0]
    rate = rate.subs({A: system.a, N2: (system.B.T * system.B)[0]})
    return bool(sp.expand(rate) == 0 and statement.rhs == 0)


_STEPS_TIME = 150.0


def _check_numeric(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
    A, N2 = sp.Symbol("A_"), sp.Symbol("N2_")
    q = sp.lambdify((A, N2), statement.lhs.expr.subs({a(t): A, NormB2(t): N2}), modules="numpy")
    seed = int(rng.integers(2**31))
    drifts = []
    for lr in (0.1, 0.05, 0.025):
        run = simulate_dc_shot(d=8, Dc=16, init=0.05, eta=lr, steps=int(round(_STEPS_TIME / lr)), draws=40,
                               rng=np.random.default_rng(seed), record_every=max(1, int(round(1 / lr))), seed=2)
        values = q(run.a_history, run.B2_history)
        drifts.append(float(np.max(np.abs(values - values[0]))))
    orders = np.log2(np.array(drifts[:-1]) / np.array(drifts[1:]))
    error = float(np.max(np.abs(orders - 1.0)))
    return Agreement(error, 0.25,
                     r"gradient descent of Eq.~15 ($D_c=16$, $d_k=8$, 40 draws, init 0.05, time 150) at steps 0.1, "
                     r"0.05, 0.025: the drift of the conserved quantity must vanish with the step at first order "
                     r"(one step changes it by $\eta^2 (g_a^2 - |g_B|^2)$); error = $|\mathrm{measured\ order} - 1|$, "
                     r"tolerance 0.25 for the $O(\eta)$ correction to the order",
                     details=(("max drift, step 0.1", drifts[0]), ("max drift, step 0.05", drifts[1]),
                              ("max drift, step 0.025", drifts[2]),
                              ("measured order (first halving)", float(orders[0])),
                              ("measured order (second halving)", float(orders[1]))),
                     method="simulation")


def claim() -> Claim:
    """Build Lemma 3 (Eqs. 84-87): a_k^2 - |B_k|^2 is conserved by the gradient flow of Eq. 15.

    Returns
    -------
    Claim
        The vanishing time derivative of the balance, with its checks.
    """
    system = extended_system(3, 2)
    return Claim(
        id="lemma-3",
        statement=_statement(),
        steps=(
            Step(sp.Symbol(r"a_k\dot{a}_k"), sp.factor(system.a * system.a_dot),
                 r"Gradient flow of the loss Eq.~79 ($D_c=3$, $d_k=2$, generic features)."),
            Step(sp.Symbol(r"\vec B_k^T\dot{\vec B}_k"), sp.factor((system.B.T * system.B_dot)[0]),
                 r"The same expression: $\dot a_k=\vec B_k^T\nabla_{\vec w}$, $\dot{\vec B}_k=a_k\nabla_{\vec w}$ with "
                 r"$\vec w=a_k\vec B_k$."),
            Step(sp.Symbol(r"\frac{d}{dt}\left(a_k^2-\lvert\vec B_k\rvert^2\right)"), lemma_3_residual(system),
                 r"Their difference expands to zero."),
        ),
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"for generic features ($D_c = 3$, $d_k = 2$) $d/dt\, (a^2 - |B|^2)$ along the flow derived from the "
                        r"loss of Eq.~79 expands to $0$, and so does the chain-rule derivative of the statement's "
                        r"quantity along that flow; the statement's right side is $0$"),
        assumptions=r"Model Eq.~15, gradient flow (continuous time).",
        summary=r"The balance $a_k^2-|\vec B_k|^2$ set at initialisation is kept forever; with small "
                r"initialisation $a_k^2\approx|\vec B_k|^2$ throughout.",
        results=(("", sp.Eq(sp.Symbol("a_k(t)^2 - |B_k(t)|^2"),
                            sp.Symbol("a_k", real=True) ** 2 - sp.Symbol("B_k_norm2", nonnegative=True)),
                  "Constant along the gradient flow of Eq. 15 (Lemma 3): evaluate it at two times to check a "
                  "simulation."),),
        meanings=(("a_k", r"weight $a_k(t)$ of skill $k$ at one time (Eq. 15)"),
                  ("B_k_norm2", r"squared norm $|\vec B_k(t)|^2$ of the weights $\vec B_k$ at the same time (Eq. 15)")),
    )
