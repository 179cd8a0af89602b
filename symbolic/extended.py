r"""SymPy derivations for the extended models (paper Sec. 5 and Apps. F-H).

Everything is derived from a model's loss by differentiation, ``dsolve``, ``solve`` and
``limit``; the paper's printed forms are separate functions (``paper_*``) for comparison.

* Calibration ``B`` (Eqs. 13-14): :func:`calibrated_flow`, :func:`calibrated_strength`.
* D_c-shot model (Eqs. 15-17, 77-104): :func:`extended_system` builds the loss of Eq. 79 on
  ``d`` samples with a generic feature matrix ``Phi``; Lemmas 2 and 3, the minimum-norm
  solution and the identity ``E_X[f^2] = S R_k`` follow from it.
* N_c model (Eqs. 18-21): :func:`width_fixed_point`.
* Linear versions (Eqs. 124-127): :func:`linear_strength`, :func:`linear_extended_limit`.
* Appendix G network (Eqs. 112-123): :func:`network_outputs`, :func:`network_flow`.

Examples
--------
>>> sp.expand(calibrated_flow() - 2 * Bc * eta * p * Rk * (S - Rk))
0
>>> sp.factor(dc_shot_strength())
S*d_k/D_c
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from numeric_check.validation import ArgumentError, integer
from symbolic.symbols import (R0, Bc, Dc, Nc, Rk, S, alpha_G, beta_G, c_G, d_k, eta, expected_R, gamma_G, p, q,
                             r_q, t)

__all__ = [
    "Bc", "Dc", "Nc", "q", "r_q", "Rk", "expected_R",
    "calibrated_loss", "calibrated_flow", "calibrated_strength", "paper_eq14",
    "ExtendedSystem", "extended_system", "lemma_2_residual", "lemma_3_residual",
    "min_norm_identity", "dc_shot_strength", "paper_eq17", "dc_shot_loss",
    "width_bookkeeping", "width_fixed_point", "width_strength",
    "linear_strength", "linear_extended_limit",
    "alpha_G", "beta_G", "gamma_G", "c_G", "network_outputs", "network_loss", "network_flow", "paper_network_flow",
    "network_fit", "network_modes",
]


_a, _b, _g = sp.symbols("a b g", real=True)


# ---------------------------------------------------------------------- calibration B (Eqs. 13-14)
def calibrated_loss() -> sp.Expr:
    """Loss of skill ``k`` for ``f = a b B g_k`` on the training set: ``(p/2)(S - B a b)^2``.

    Derived from one sample's squared error ``(S g - B a b g)^2 / 2`` with ``g^2 = 1`` (Eq. 3),
    weighted by the fraction ``p = d_k/D`` of samples of skill ``k`` (Eq. 11).
    """
    per_sample = sp.expand((S * _g - Bc * _a * _b * _g) ** 2 / 2).subs(_g**2, 1)
    return sp.factor(p * per_sample)


def calibrated_flow() -> sp.Expr:
    """``dR_k/dt`` for ``R_k = B a b`` under gradient flow of :func:`calibrated_loss` with
    ``a = b`` (balanced, preserved by the flow): ``2 eta p B R_k (S - R_k)``.

    Examples
    --------
    >>> sp.factor(calibrated_flow() / (Rk * (S - Rk)))
    2*B*eta*p
    """
    L = calibrated_loss()
    da, db = -eta * sp.diff(L, _a), -eta * sp.diff(L, _b)
    dR = Bc * (da * _b + _a * db)                    # product rule on R = B a b
    balanced = dR.subs(_b, _a).subs(_a, sp.sqrt(Rk / Bc))
    return sp.factor(sp.simplify(balanced), Rk)


def calibrated_strength() -> sp.Expr:
    """``R_k(t)`` solving :func:`calibrated_flow` with ``R_k(0) = R_0``, by ``dsolve``."""
    R = sp.Function("R")
    ode = sp.Eq(R(t).diff(t), calibrated_flow().subs(Rk, R(t)))
    sol = sp.dsolve(ode, R(t), ics={R(0): R0})
    return sp.simplify(sol.rhs)


def paper_eq14() -> sp.Expr:
    """Eq. 14 as printed: ``S / (1 + (S/R_0 - 1) exp(-2 eta p B^2 S t))``."""
    return S / (1 + (S / R0 - 1) * sp.exp(-2 * eta * p * Bc**2 * S * t))


# ---------------------------------------------------------------------- D_c-shot model (Eqs. 15, 77-104)
@dataclass(frozen=True)
class ExtendedSystem:
    """Loss and gradient flow of one skill of Eq. 15 with ``dc`` functions and ``d`` samples.

    ``Phi`` (dc x d) holds generic symbols ``phi_{l,j} = e_{k,l}(k, x^(j))``; targets are
    ``y_j = S g_k(x_j) = (S/sqrt(D_c)) sum_l phi_{l,j}`` (third property of Eq. 16).
    ``a``, ``B`` are plain symbols standing for ``a_k(t)``, ``B_{k,l}(t)``; ``a_dot``, ``B_dot``
    are ``-eta`` times the loss gradient.
    """

    dc: int
    d: int
    Phi: sp.Matrix
    a: sp.Symbol
    B: sp.Matrix
    y: sp.Matrix
    loss: sp.Expr
    a_dot: sp.Expr
    B_dot: sp.Matrix


def extended_system(dc: int = 3, d: int = 2) -> ExtendedSystem:
    """Build the extended model's loss (Eq. 79) and gradient flow (Eqs. 82-85) for one skill."""
    dc = integer("Dc", dc, minimum=1)
    d = integer("d_k", d, minimum=0)
    Phi = sp.Matrix(dc, d, lambda l, j: sp.Symbol(f"phi_{l + 1}_{j + 1}", real=True))
    a = sp.Symbol("a_k", real=True)
    B = sp.Matrix(dc, 1, lambda l, _: sp.Symbol(f"B_{l + 1}", real=True))
    Dsym = sp.Symbol("D", positive=True)
    y = (S / sp.sqrt(dc)) * (sp.ones(1, dc) * Phi).T                  # y_j = S g_k(x_j)
    f = (a * B.T * Phi).T                                             # f(x_j) = a sum_l B_l e_l(x_j)
    loss = sum(((y - f)[j]) ** 2 for j in range(d)) / (2 * Dsym)
    a_dot = -eta * sp.diff(loss, a)
    B_dot = sp.Matrix([-eta * sp.diff(loss, B[l]) for l in range(dc)])
    return ExtendedSystem(dc, d, Phi, a, B, y, loss, a_dot, B_dot)


def lemma_3_residual(system: ExtendedSystem | None = None) -> sp.Expr:
    """``d/dt (a^2 - |B|^2)`` along the flow; simplifies to 0 (Lemma 3, Eqs. 84-87)."""
    s = system or extended_system()
    return sp.expand(2 * s.a * s.a_dot - 2 * (s.B.T * s.B_dot)[0])


def lemma_2_residual(system: ExtendedSystem | None = None) -> sp.Matrix:
    """Components of ``dB/dt`` orthogonal to ``im Phi`` (Lemma 2, Eq. 78) and the difference
    from Eq. 82, ``dB/dt + (eta a/D) Phi Phi^T (B a - S/sqrt(D_c))``; both simplify to 0.

    The orthogonal complement of ``im Phi`` is spanned by the null space of ``Phi^T``.
    """
    s = system or extended_system()
    Dsym = sp.Symbol("D", positive=True)
    rows = [sp.expand((z.T * s.B_dot)[0]) for z in s.Phi.T.nullspace()]
    eq82 = s.B_dot + (eta * s.a / Dsym) * s.Phi * s.Phi.T * (s.B * s.a - S / sp.sqrt(s.dc) * sp.ones(s.dc, 1))
    return sp.Matrix(rows + [sp.simplify(v) for v in eq82])


def min_norm_identity(system: ExtendedSystem | None = None) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """At the minimum-norm interpolant ``w = P w*`` (``P`` the projector onto ``im Phi``,
    ``w* = S 1/sqrt(D_c)``): return ``(R_k, E_X[f^2], trace P)``.

    ``R_k = E_X[g_k f] = sum_l w_l / sqrt(D_c)`` since ``E[g_k e_l] = 1/sqrt(D_c)`` (Eq. 16), and
    ``E_X[f^2] = |w|^2`` (orthonormality). ``E_X[f^2] - S R_k`` simplifies to 0 and
    ``trace P = d``.
    """
    s = system or extended_system()
    gram = s.Phi.T * s.Phi
    P = s.Phi * (gram.adjugate() / gram.det()) * s.Phi.T
    w_star = S / sp.sqrt(s.dc) * sp.ones(s.dc, 1)
    w = P * w_star
    R = (sp.ones(1, s.dc) * w)[0] / sp.sqrt(s.dc)
    norm2 = (w.T * w)[0]
    return R, norm2, sp.cancel(P.trace())


def dc_shot_loss() -> sp.Expr:
    """Eq. 104: ``E[L_k(inf)] = (S^2/2)(1 - d_k/D_c)`` for ``d_k < D_c`` (eigenlearning)."""
    return S**2 / 2 * (1 - d_k / Dc)


def dc_shot_strength() -> sp.Expr:
    """``E[R_k(inf)]`` from Eq. 8 at the minimum-norm solution: solve
    ``(1/2)(S^2 + E[f^2] - 2 S R) = Eq. 104`` with ``E[f^2] = S R`` (:func:`min_norm_identity`)."""
    eq8 = sp.Rational(1, 2) * (S**2 + S * expected_R - 2 * S * expected_R)
    (sol,) = sp.solve(sp.Eq(eq8, dc_shot_loss()), expected_R)
    return sp.factor(sol)


def paper_eq17() -> sp.Expr:
    """Eq. 17 as printed, obtained by solving Eq. 10, ``(1/2)(S - R)^2``, against Eq. 104."""
    sols = sp.solve(sp.Eq((S - expected_R) ** 2 / 2, dc_shot_loss()), expected_R)
    return next(s for s in sols if sp.limit(s, d_k, 0) == 0)


# ---------------------------------------------------------------------- N_c model (Eqs. 18-21, 105-111)
def width_bookkeeping(N: int, nc: int) -> tuple[int, int]:
    """``(q, r)`` of Eq. 19 for integers ``N, N_c >= 1``; ``1 <= r <= N_c``."""
    N = integer("N", N, minimum=1)
    nc = integer("Nc", nc, minimum=1)
    qq = int(sp.floor(sp.Rational(N - 1, nc))) + 1
    return qq, N - (qq - 1) * nc


def width_fixed_point() -> sp.Expr:
    """The product ``a B_{k,l}`` at the fixed point of Eq. 109,
    ``dB_{k,l}/dt = -eta P a (B_{k,l} a - S/sqrt(N_c))`` with ``a != 0``: ``S/sqrt(N_c)``."""
    aa, bb = sp.symbols("a B_l", real=True, nonzero=True)
    rhs = -eta * p * aa * (bb * aa - S / sp.sqrt(Nc))
    (sol,) = sp.solve(rhs, bb)
    return sp.simplify(aa * sol)


def width_strength() -> sp.Expr:
    """``R_q(inf) = sum_{l <= r} (a B_{q,l}) E[e_{q,l} g_q] = S r / N_c`` (Eqs. 110-111)."""
    l = sp.Symbol("l", positive=True, integer=True)
    return sp.simplify(sp.summation(width_fixed_point() / sp.sqrt(Nc), (l, 1, r_q)))


# ---------------------------------------------------------------------- linear models (Eqs. 124-127)
def linear_strength() -> sp.Expr:
    """``w_k(t)`` of the linear model (Eq. 124) from ``w_k(0) = 0`` under gradient flow of
    ``(p/2)(S - w)^2``: ``S (1 - exp(-eta p t))`` (Eq. 125)."""
    wf = sp.Function("w")
    L = p * (S - _a) ** 2 / 2
    ode = sp.Eq(wf(t).diff(t), (-eta * sp.diff(L, _a)).subs(_a, wf(t)))
    return sp.simplify(sp.dsolve(ode, wf(t), ics={wf(0): 0}).rhs)


def linear_extended_limit(system: ExtendedSystem | None = None) -> sp.Matrix:
    """Limit of the extended linear model (Eq. 126) from ``W(0) = 0``: the stationary point of
    ``dW/dt = -(eta/D) Phi (Phi^T W - y)`` inside ``im Phi`` (where the flow stays), i.e.
    ``W = Phi c`` with ``Phi^T Phi (Phi^T Phi c - y) = 0``. Equals the minimum-norm ``P w*``."""
    s = system or extended_system()
    gram = s.Phi.T * s.Phi
    # Phi^T Phi (Phi^T Phi c - y) = 0 and Phi^T Phi invertible (generic Phi, d <= D_c):
    return s.Phi * (gram.adjugate() / gram.det()) * s.y


# ---------------------------------------------------------------------- Appendix G (Eqs. 112-123)
def _network(theta=(alpha_G, beta_G, gamma_G, c_G)):
    A_, B_, G_, C_ = theta
    W = sp.Matrix([[-A_, A_, -A_], [-B_, B_, -B_], [G_, -G_, G_]])
    b = sp.Matrix([0, B_, -G_])
    v = sp.Matrix([-2 * A_, B_, G_])
    X = [sp.Matrix([(n >> 2) & 1, (n >> 1) & 1, n & 1]) for n in range(8)]
    return W, b, v, C_, X


def network_modes() -> sp.Matrix:
    """``f^(q)(X_j) = w_q relu(z_q)``: an 8 x 3 matrix (inputs 000..111 by rows; Eqs. 115-117)."""
    W, b, v, _, X = _network()
    return sp.Matrix(8, 3, lambda j, i: v[i] * sp.Max(0, (W * X[j] + b)[i]))


def network_outputs() -> sp.Matrix:
    """``f(X_j)`` of Eqs. 113-114 on the eight inputs (ReLU evaluated for positive weights)."""
    return network_modes() * sp.ones(3, 1) + c_G * sp.ones(8, 1)


def _labels() -> sp.Matrix:
    return sp.Matrix([S * (-1) ** (((n >> 2) & 1) + ((n >> 1) & 1) + (n & 1)) for n in range(8)])


def network_loss() -> sp.Expr:
    """``(1/2) sum_j (Y_j - f(X_j))^2`` with ``Y = S (-1)^(x1+x2+x3)`` (Eq. 112)."""
    return sum((_labels() - network_outputs()).applyfunc(lambda e: e**2)) / 2


def network_flow() -> sp.Matrix:
    """``d/dt (alpha^2, beta^2, gamma^2, c)`` under gradient flow of :func:`network_loss`,
    written in the squares (``d(x^2)/dt = 2 x dx/dt``)."""
    L = network_loss()
    A2, B2, G2 = sp.symbols("alpha2 beta2 gamma2", positive=True)
    rates = [2 * x * (-eta * sp.diff(L, x)) for x in (alpha_G, beta_G, gamma_G)] + [-eta * sp.diff(L, c_G)]
    back = {alpha_G: sp.sqrt(A2), beta_G: sp.sqrt(B2), gamma_G: sp.sqrt(G2)}
    squares = {A2: alpha_G**2, B2: beta_G**2, G2: gamma_G**2}
    return sp.Matrix([sp.factor(sp.expand(r).subs(back)).subs(squares) for r in rates])


def paper_network_flow() -> sp.Matrix:
    """Eqs. 120-123 as printed."""
    return sp.Matrix([
        2 * eta * alpha_G**2 * (-S - (-2 * alpha_G**2 + 2 * beta_G**2 + c_G)),
        -eta * beta_G**2 * (S - (-2 * alpha_G**2 + 5 * beta_G**2 + 5 * c_G)),
        -eta * gamma_G**2 * (S - (gamma_G**2 + c_G)),
        -eta * (2 * alpha_G**2 - 5 * beta_G**2 - gamma_G**2 - 8 * c_G),
    ])


def network_fit() -> dict:
    """The exact fit ``f(X) = Y``: solve the eight equations for ``alpha, beta, gamma, c``."""
    eqs = list(network_outputs() - _labels())
    sols = sp.solve(eqs, [alpha_G, beta_G, gamma_G, c_G], dict=True)
    if len(sols) != 1:
        raise ArithmeticError(f"expected one positive solution, got {sols}")
    return sols[0]
