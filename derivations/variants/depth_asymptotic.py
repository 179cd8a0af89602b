"""How the emergence time grows as the initialisation shrinks at depth L (beyond the paper):
``tau^(e) ~ R_0^-((L-2)/L) / ((L-2) eta p S)`` for L >= 3, against ``log(S/R_0)/(2 eta p S)``
at L = 2 (Eq. 40) and a finite limit at L = 1."""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, Step
from symbolic import depth as dp
from symbolic.symbols import R0, S, epsilon, eta, p

__all__ = ["claim", "TAU_E_ASYMPTOTIC", "SMALL_R"]

TAU_E_ASYMPTOTIC = sp.Symbol(r"tau^(e)_0", positive=True)
#: The initial strengths (over S) at which the exact and asymptotic emergence times are compared.
SMALL_R = ("1e-8", "1e-64")


def _check_symbolic(L: int):
    def check(statement: sp.Eq) -> bool:
        te = dp.emergence_time(L)
        try:
            ratio = sp.limit(te / statement.rhs, R0, 0, "+")
        except (AttributeError, NotImplementedError, ValueError):   # L >= 7: the hypergeometric form
            ratio = None
        if ratio is None:
            # the same limit on the antiderivative: G(sigma) sigma^(L-2) -> 1/(2-L), and the statement
            # must be -(time prefactor) (1/(2-L)) sigma_0^(2-L)
            G = dp.hypergeometric_antiderivative(L)
            lead_G = sp.limit(G * dp.sigma_f ** (L - 2), dp.sigma_f, 0)
            expected = S ** (sp.Rational(2, L) - 2) / (eta * p) * (-lead_G) * (R0 / S) ** sp.Rational(2 - L, L)
            return bool(sp.simplify(statement.rhs / expected) == 1)
        return bool(ratio == 1)
    return check


def _next_order(L: int, rho):
    """The size of the first correction to the leading term, relative to it, at ``R_0/S = rho``."""
    if L == 1:
        return rho
    if L == 2:
        return 1 / mpmath.log(1 / rho)
    return rho ** (mpmath.mpf(L - 2) / L)


def _check_numeric(L: int):
    def check(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
        eps, S_, eta_, p_ = 0.05, 1.5, 0.7, float(rng.uniform(0.2, 0.8))
        lead = sp.lambdify((R0, epsilon, eta, p, S), statement.rhs, modules="mpmath")
        exact = sp.lambdify((R0, epsilon, eta, p, S), dp.emergence_time(L), modules="mpmath") \
            if dp.factor_antiderivative(L) is not None else None
        with mpmath.workdps(120):
            ratios = []
            for text in SMALL_R:
                rho = mpmath.mpf(text)
                if exact is None:
                    from symbolic.depth_constants import times
                    Ie, _ = times(L, rho=rho, epsilon=eps, dps=100)
                    te = Ie / (mpmath.mpf(eta_) * mpmath.mpf(p_) * mpmath.mpf(S_) ** (2 - mpmath.mpf(2) / L))
                else:
                    te = mpmath.re(exact(rho * S_, mpmath.mpf(eps), eta_, p_, S_))
                ratios.append(te / mpmath.re(lead(rho * S_, mpmath.mpf(eps), eta_, p_, S_)))
            r1, r2 = (mpmath.mpf(x) for x in SMALL_R)
            # the correction at the smaller r, predicted from the larger one by its order, doubled
            predicted = abs(ratios[0] - 1) * _next_order(L, r2) / _next_order(L, r1)
            error = float(abs(ratios[1] - 1))
            tol = float(2 * predicted + mpmath.mpf(10) ** -30)
        reason = ("exact $\\tau^{(e)}$ over the leading term at $R_0/S = 10^{-64}$, against the correction "
                  "measured at $10^{-8}$ scaled by its order (" +
                  ("$R_0^{(L-2)/L}$" if L >= 3 else "$1/\\log(1/R_0)$" if L == 2 else "$R_0$") + "), doubled")
        return Agreement(error, tol, reason, ((r"ratio at $R_0/S=10^{-8}$", float(ratios[0])),
                                              (r"ratio at $R_0/S=10^{-64}$", float(ratios[1]))), method="quadrature")
    return check


def claim(L: int) -> Claim:
    """The leading behaviour of ``tau^(e)`` as ``R_0 -> 0`` at depth L."""
    L = dp.depth(L)
    lead, power = dp.emergence_asymptotic(L)
    G = dp.factor_antiderivative(L)
    G = dp.hypergeometric_antiderivative(L) if G is None else G
    steps = [Step(TAU_E_ASYMPTOTIC, dp.emergence_time(L), "The exact emergence time (claim times):")]
    if L >= 3:
        steps.append(Step(sp.Symbol(r"G(\sigma)"), G.as_leading_term(dp.sigma_f),
                          r"Leading term of the antiderivative as $\sigma = (R_0/S)^{1/L} \to 0$ (SymPy):",
                          relation=r"\sim"))
    steps.append(Step(TAU_E_ASYMPTOTIC, lead, f"Hence, with the power ${sp.latex(power)}$ of $1/R_0$:",
                      relation=r"\sim"))
    return Claim(
        id=f"variant-L{L}-asymptotic",
        title=f"Depth-{L} model: emergence time as the initialisation shrinks",
        equations=("40",),
        section="Variant: depth-L model",
        statement=sp.Eq(TAU_E_ASYMPTOTIC, lead),
        steps=tuple(steps),
        check_symbolic=_check_symbolic(L),
        check_numeric=_check_numeric(L),
        symbolic_check=r"the limit of the exact emergence time over the statement as $R_0 \to 0$ is 1 (SymPy limit)",
        assumptions=r"As claim times, with $R_0 \to 0$ at fixed $\epsilon$, $\eta$, $p$, $S$.",
        summary=("The numeric check evaluates the exact emergence time with mpmath at 120 digits at "
                 "$R_0/S = 10^{-8}$ and $10^{-64}$ and compares its ratio to the statement with the "
                 "correction predicted by the next order."),
        domain=(R0 < epsilon * S,),
    )
