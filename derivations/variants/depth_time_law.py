"""The time law at depth L: ``L ~ A_T T^(-alpha/(alpha+1))`` with the exponent of App. E and the
prefactor of Eq. 321 rebuilt from Eq. 238's integral with the depth-L skill loss (beyond the
paper; at L = 2 it is Eq. 321)."""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, Step
from derivations.variants.loss import loss_curve
from symbolic import depth as dp
from symbolic.depth_constants import time_integral
from symbolic.symbols import R0, S, alpha, eta, u

__all__ = ["claim", "A_T_L", "J_L", "TIMES", "CHECK_PARAMETERS", "direct_loss"]

A_T_L = sp.Symbol("A_T", positive=True)
J_L = sp.Symbol("J_L", positive=True)      # int_0^inf u^(-1/(alpha+1)) Phi_L(u) du
#: Dimensionless times eta S^(2-2/L) T of the direct sums.
TIMES = (1e4, 1e7)
CHECK_PARAMETERS = dict(alpha=0.6, S=2.0, r=0.04, eta=0.5)


def direct_loss(L: int, tau: float, *, alpha: float, S: float, r: float) -> float:
    """``sum_k P_s(k) Phi_L(tau P_s(k))`` with ``P_s(k) = k^-(alpha+1)/zeta(alpha+1)`` (Eq. 236 at
    ``N = n_s = infinity``, :func:`derivations.variants.loss.loss_curve`) at dimensionless time tau."""
    from symbolic.frequencies import power_law

    return loss_curve(L, power_law(alpha=alpha), S=S, r=r, eta=1.0 / S ** (2 - 2 / L), times=[tau])["loss"][0]


def _check_symbolic(L: int):
    def check(statement: sp.Eq) -> bool:
        """At L = 2 the statement is Eq. 321; for every L its power of T comes from the scaling
        u = eta S^(2-2/L) T P_s(k): substituting T -> c T in (eta S^(2-2/L) T)^(-alpha/(alpha+1))."""
        expected = (sp.zeta(alpha + 1) ** (-1 / (alpha + 1)) / (alpha + 1)
                    * (eta * S ** (2 - sp.Rational(2, L))) ** (-alpha / (alpha + 1)) * J_L)
        # second route: the exponent of T from Eq. 49's scaling argument, time and frequency
        # entering only through u = eta S^(2-2/L) T p
        T_, c = sp.symbols("T_ c", positive=True)
        law = statement.rhs * T_ ** (-alpha / (alpha + 1))
        scaled = sp.simplify(sp.powsimp(law.subs(T_, c * T_) / law, force=True))
        return bool(sp.simplify(statement.rhs / expected) == 1 and sp.simplify(scaled - c ** (-alpha / (alpha + 1))) == 0)
    return check


def _check_numeric(L: int):
    def check(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
        cp = CHECK_PARAMETERS
        J = float(time_integral(L, alpha=cp["alpha"], S=cp["S"], r=cp["r"]))
        A = float(sp.lambdify((alpha, eta, S, R0, J_L), statement.rhs, modules="mpmath")(
            cp["alpha"], cp["eta"], cp["S"], cp["r"], J))
        rel = []
        for tau in TIMES:
            T = tau / (cp["eta"] * cp["S"] ** (2 - 2 / L))
            loss = direct_loss(L, tau, alpha=cp["alpha"], S=cp["S"], r=cp["r"])
            rel.append(abs(A * T ** (-cp["alpha"] / (cp["alpha"] + 1)) / loss - 1))
        tol = 1e-6
        reason = (r"the direct sum of Eq. 236 ($N=n_s=\infty$) at $\eta S^{2-2/L}T = 10^4$ and $10^7$: "
                  r"$k \mapsto P_s(k)\Phi_L(\tau P_s(k))$ vanishes with all its derivatives at $k=0$, so by "
                  r"Euler-Maclaurin the sum equals Eq. 238's integral up to terms below the tabulated curve's "
                  r"trapezoid error (step $10^{-4}$ in logit $y$, relative $O(10^{-8})$) and the linearised tail "
                  r"($O(u^2)$ below $u = 10^{-3}$); $10^{-6}$ covers both")
        return Agreement(max(rel), tol, reason, ((r"relative remainder at $10^4$", rel[0]),
                                               (r"relative remainder at $10^7$", rel[1]),
                                               (r"$A_T$ at the check's $\alpha=0.6, S=2, r=0.04, \eta=0.5$", A)),
                         method="exact sum + quadrature")
    return check


def claim(L: int) -> Claim:
    """The depth-L time-law prefactor (Eq. 321 with the depth-L curve)."""
    L = dp.depth(L)
    beta = 2 - sp.Rational(2, L)
    phi = sp.Function(r"\Phi_L")
    statement = sp.Eq(A_T_L, sp.zeta(alpha + 1) ** (-1 / (alpha + 1)) / (alpha + 1)
                      * (eta * S ** beta) ** (-alpha / (alpha + 1)) * J_L)
    steps = (
        Step(sp.Symbol(r"\mathcal{L}_k"), phi(u), r"Each skill loss is one function of $u = \eta S^{2-2/L} T P_s(k)$ "
             r"($\Phi_L(u) = \frac{S^2}{2}(1 - y(u))^2$, $y$ the exact depth-L curve), as Eq. 239 is at $L=2$:"),
        Step(J_L, sp.Integral(u ** (-1 / (alpha + 1)) * phi(u), (u, 0, sp.oo)),
             r"Eqs. 240-248 use only that $\Phi$ is bounded, decreasing and exponentially small for large $u$, so "
             r"Eq. 238 holds with $\Phi_L$ and time $\eta S^{2-2/L}T$; its integral, by parts "
             r"$= S^2\frac{\alpha+1}{\alpha}\int_{R_0/S}^1 u(y)^{\alpha/(\alpha+1)}(1-y)\,dy$ (mpmath):"),
        Step(A_T_L, statement.rhs, r"Eq. 321 with $\eta S \to \eta S^{2-2/L}$; the exponent $-\alpha/(\alpha+1)$ is "
             r"that of App. E (Eq. 54) for every $L$:"),
    )
    return Claim(
        id=f"variant-L{L}-time-law",
        title=f"Depth-{L} model: the time-law prefactor A_T",
        equations=("238", "321"),
        section="Variant: depth-L model",
        statement=statement,
        steps=steps,
        check_symbolic=_check_symbolic(L),
        check_numeric=_check_numeric(L),
        symbolic_check=(r"the statement equals Eq.~321 with $\eta S$ replaced by $\eta S^{2-2/L}$, and the law "
                        r"$A_T T^{-\alpha/(\alpha+1)}$ scales as $c^{-\alpha/(\alpha+1)}$ under $T \to cT$ "
                        r"(Eq.~49's argument)"),
        assumptions=r"$D, N, n_s \to \infty$ (Thm. 4 with $\lambda = \infty$), equal start $R_k(0) = R_0$, balanced.",
        summary=("The numeric check sums Eq. 236 directly over a million skills at two dimensionless times and "
                 "compares it with the statement, whose integral $J_L$ is computed by mpmath."),
        meanings=(("J_L", "the integral of u^(-1/(alpha+1)) Phi_L(u) over (0, inf), Phi_L the depth-L skill loss"),
                  ("A_T", "the time-law prefactor at depth L")),
    )
