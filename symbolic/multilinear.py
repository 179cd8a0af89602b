"""The multilinear model derived with SymPy (paper Sec. 3, App. C-D, H and Saxe et al.'s modes, App. B.2).

Everything here is obtained by operating on the model: the per-sample squared error is
expanded with the skill basis, the empirical loss is differentiated to get the gradient flow,
the balanced reduction is substituted, and ``dsolve`` solves the resulting ODE.

Examples
--------
>>> from symbolic.symbols import t, R0, S
>>> sp.simplify(strength().subs(t, 0))
R_0
>>> sp.limit(strength(), t, sp.oo)
S
"""
from __future__ import annotations

import sympy as sp

from symbolic.symbols import (A, D, R, R0, S, a, alpha, b, d_k, epsilon, eta, g_value, k, lam, p, t, tau, w)

__all__ = [
    "sign", "sample_error", "skill_loss_empirical", "gradient_flow", "strength_ode_from_flow",
    "strength_ode", "solve_strength", "strength", "skill_loss", "skill_loss_eq27", "emergence_time",
    "saturation_time", "paper_times", "same_log_expression", "stage_like_condition", "stage_like_lhs_rhs", "linear_flow", "linear_strength",
    "saxe_mode_loss", "saxe_mode_strength", "conserved_difference", "frequency_power_law",
]

sign = g_value  # g_k(i, x) = ±1 at a sample of skill k


def frequency_power_law(index=k):
    """``P_s(k) = A k^-(alpha+1)`` (Eq. 1)."""
    return A * index ** (-(alpha + 1))


def sample_error(n_skills: int = 3, skill: int = 2) -> tuple[sp.Expr, sp.Expr]:
    """Squared error ``(y - f)^2`` at one sample of ``skill`` for a model with ``n_skills``
    basis functions, before and after using ``g_k(i,x) = s delta_{ik}`` and ``s^2 = 1``.

    Shows the decoupling behind Eq. 11: only ``a_i b_i`` of the sample's own skill enters.
    """
    g = [sign if j == skill else sp.Integer(0) for j in range(1, n_skills + 1)]
    coeffs = [sp.Symbol(f"a_{j}") * sp.Symbol(f"b_{j}") for j in range(1, n_skills + 1)]
    y = S * sum(g)
    f = sum(c * gj for c, gj in zip(coeffs, g))
    raw = sp.expand((y - f) ** 2)
    return raw, sp.factor(raw.subs(sign**2, 1))


def skill_loss_empirical() -> sp.Expr:
    """Contribution of skill k to the empirical loss (Eq. 29): ``(d_k / 2D) (S - a_k b_k)^2``."""
    return d_k / (2 * D) * (S - a(t) * b(t)) ** 2


def gradient_flow() -> tuple[sp.Eq, sp.Eq]:
    """Gradient flow ``theta' = -eta dL/dtheta`` of :func:`skill_loss_empirical` (Eqs. 30-32)."""
    loss = skill_loss_empirical()
    A_, B_ = sp.Dummy("a"), sp.Dummy("b")
    plain = loss.subs({a(t): A_, b(t): B_})
    da = -eta * sp.diff(plain, A_)
    db = -eta * sp.diff(plain, B_)
    back = {A_: a(t), B_: b(t)}
    return sp.Eq(a(t).diff(t), sp.factor(da.subs(back))), sp.Eq(b(t).diff(t), sp.factor(db.subs(back)))


def strength_ode_from_flow() -> tuple[sp.Expr, sp.Expr]:
    """``dR/dt = a' b + a b'`` from the flow, general and under ``a = b`` written with ``R = a^2``."""
    ea, eb = gradient_flow()
    product_rule = sp.factor(ea.rhs * b(t) + a(t) * eb.rhs)
    balanced = product_rule.subs(b(t), a(t))
    in_R = sp.factor(balanced.subs(a(t), sp.sqrt(R(t))))
    return product_rule, in_R.subs(d_k, p * D)


def strength_ode() -> sp.Eq:
    """``dR_k/dt = -2 eta p R_k (R_k - S)`` (Eq. 34), ``p = d_k/D``, derived from the flow."""
    return sp.Eq(R(t).diff(t), strength_ode_from_flow()[1])


def solve_strength() -> sp.Expr:
    """``dsolve`` of :func:`strength_ode` with ``R(0) = R_0``, simplified."""
    sol = sp.dsolve(strength_ode(), R(t), ics={R(0): R0})
    sol = sol if not isinstance(sol, list) else next(s for s in sol if sp.simplify(s.rhs.subs(t, 0) - R0) == 0)
    return sp.simplify(sol.rhs)


def strength(time=t, r0=R0, freq=p) -> sp.Expr:
    """The logistic solution in the paper's form (Eq. 26/35)."""
    return S / (1 + (S / r0 - 1) * sp.exp(-2 * eta * freq * S * time))


def skill_loss(time=t, r0=R0, freq=p) -> sp.Expr:
    """``L_k = (S - R_k)^2 / 2`` (Eq. 10) at the solution."""
    return (S - strength(time, r0, freq)) ** 2 / 2


def skill_loss_eq27(time=t, r0=R0, freq=p) -> sp.Expr:
    """The paper's printed form of L_k(T) (Eq. 27)."""
    return S**2 / 2 / (1 + (S / r0 - 1) ** -1 * sp.exp(2 * eta * S * freq * time)) ** 2


# Positive reparametrisation: R0 = S/(1+M) (0 < R0 < S) and epsilon = 1/(1+E) (0 < epsilon < 1),
# so that SymPy may combine logarithms.
_M = sp.Symbol("M", positive=True)
_E = sp.Symbol("E", positive=True)
_TO_POSITIVE = {R0: S / (1 + _M), epsilon: 1 / (1 + _E)}
_FROM_POSITIVE = {_M: S / R0 - 1, _E: 1 / epsilon - 1}


def _positive_form(expr: sp.Expr) -> sp.Expr:
    return sp.simplify(sp.expand_log(sp.simplify(expr.subs(_TO_POSITIVE)), force=True))


def emergence_time() -> sp.Expr:
    """tau^(e): solve ``R(tau) = epsilon S`` for tau (Eq. 40).

    Solved through ``u = exp(-2 eta p S tau)``, which makes the equation rational in ``u``.
    """
    u = sp.Symbol("u", positive=True)
    rate = 2 * eta * p * S
    equation = sp.Eq(strength(tau).subs(sp.exp(-rate * tau), u).subs(_TO_POSITIVE), epsilon.subs(_TO_POSITIVE) * S)
    (u_star,) = sp.solve(equation, u)
    return (sp.log(sp.simplify(1 / u_star)) / rate).subs(_FROM_POSITIVE)


def saturation_time() -> sp.Expr:
    """tau^(s) = tau(1 - epsilon) - tau(epsilon) (Eq. 40)."""
    te = emergence_time().subs(_TO_POSITIVE)
    later = emergence_time().subs(epsilon, 1 - epsilon).subs(_TO_POSITIVE)
    return sp.simplify(sp.expand_log(later - te, force=True)).subs(_FROM_POSITIVE)


def paper_times() -> tuple[sp.Expr, sp.Expr]:
    """The paper's printed tau^(e) and tau^(s) (Eq. 40)."""
    te = sp.log((S / R0 - 1) / (1 / epsilon - 1)) / (2 * eta * p * S)
    ts = sp.log(1 / epsilon - 1) / (eta * p * S)
    return te, ts


def same_log_expression(x: sp.Expr, y: sp.Expr) -> bool:
    """``x == y`` for expressions built from logs of positive quantities (checked by expanding
    the logs and simplifying the difference)."""
    return _positive_form(x - y) == 0


def stage_like_lhs_rhs() -> tuple[sp.Expr, sp.Expr]:
    """Both sides of Eq. 41 with ``p = P_s(k) = A k^-(alpha+1)`` and equal initial strength,
    multiplied by ``2 eta A S > 0``. The paper's reading is
    ``2 l k^(alpha+1) < Lambda ((k+1)^(alpha+1) - k^(alpha+1))`` with ``l = ln(1/eps - 1)`` and
    ``Lambda = ln((S/R0 - 1)/(1/eps - 1))``."""
    te, ts = emergence_time().subs(_TO_POSITIVE), saturation_time().subs(_TO_POSITIVE)
    scale = 2 * eta * A * S
    left = sp.simplify(ts.subs(p, frequency_power_law(k)) * scale)
    right = sp.simplify((te.subs(p, frequency_power_law(k + 1)) - te.subs(p, frequency_power_law(k))) * scale)
    # Write the gap as Lambda * (...): divide by Lambda and simplify the (log-free) quotient.
    Lam = sp.log(_M / _E)
    quotient = sp.simplify(sp.expand_log(right, force=True) / sp.expand_log(Lam, force=True))
    if quotient.has(sp.log):
        raise ArithmeticError("the emergence gap is not proportional to Lambda")
    gap = sp.Mul(Lam.subs(_FROM_POSITIVE), sp.factor(quotient), evaluate=False)
    return left.subs(_FROM_POSITIVE), gap


def stage_like_condition() -> sp.Rel:
    """Eq. 41: skill k saturates before skill k+1 emerges."""
    lhs, rhs = stage_like_lhs_rhs()
    return sp.StrictLessThan(lhs, rhs)


def conserved_difference() -> sp.Expr:
    """``d/dt (a^2 - b^2)`` under the flow; it vanishes (balance is preserved)."""
    ea, eb = gradient_flow()
    return sp.simplify(2 * a(t) * ea.rhs - 2 * b(t) * eb.rhs)


def linear_flow() -> sp.Eq:
    """Gradient flow of the linear model ``f = sum w_k g_k`` (Eq. 124): from ``(d_k/2D)(S - w)^2``."""
    W = sp.Dummy("w")
    loss = d_k / (2 * D) * (S - W) ** 2
    return sp.Eq(w(t).diff(t), (-eta * sp.diff(loss, W)).subs(W, w(t)).subs(d_k, p * D))


def linear_strength() -> sp.Expr:
    """``dsolve`` of :func:`linear_flow` with ``w(0) = 0``: Eq. 125."""
    return sp.simplify(sp.dsolve(linear_flow(), w(t), ics={w(0): 0}).rhs)


def saxe_mode_loss(n_modes: int = 2) -> tuple[sp.Expr, sp.Expr]:
    """Loss of a two-layer linear network written in the SVD basis of the target map.

    With whitened inputs, ``L = (1/2) ||Sigma - W2 W1||_F^2`` up to a constant; writing
    ``W1 = diag(a) U^T`` and ``W2 = V diag(b)`` for orthogonal U, V, the rotation invariance of the
    Frobenius norm leaves ``(1/2) sum_k (lambda_k - a_k b_k)^2``. Returns the loss in matrix form
    for a 2x2 rotation pair (U, V by angles) and its simplified value.
    """
    th, ph = sp.symbols("theta phi", real=True)
    rot = lambda angle: sp.Matrix([[sp.cos(angle), -sp.sin(angle)], [sp.sin(angle), sp.cos(angle)]])  # noqa: E731
    lams = [sp.Symbol(f"lambda_{j}", positive=True) for j in range(1, n_modes + 1)]
    As = [sp.Symbol(f"a_{j}", real=True) for j in range(1, n_modes + 1)]
    Bs = [sp.Symbol(f"b_{j}", real=True) for j in range(1, n_modes + 1)]
    U, V = rot(th), rot(ph)
    sigma = V * sp.diag(*lams) * U.T
    W = (V * sp.diag(*Bs)) * (sp.diag(*As) * U.T)
    diff = sigma - W
    loss = sp.Rational(1, 2) * sum(diff[i, j] ** 2 for i in range(n_modes) for j in range(n_modes))
    return loss, sp.factor(sp.trigsimp(sp.expand(loss)))


def saxe_mode_strength() -> sp.Expr:
    """Eq. 25: one mode's ``a_k b_k`` solved from its own loss ``(lambda - a b)^2/2``."""
    return sp.simplify(solve_strength().subs({S: lam, p: 1}).subs(R0, sp.Symbol("R_0", positive=True)))
