"""App. E.3 (Eqs. 66-67): the parameter exponent."""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, Step
from symbolic.identities import same
from numeric_check.closed_forms.loss_sums import parameter_loss
from symbolic.scaling import parameter_exponent
from symbolic.symbols import A, N, S, alpha

__all__ = ["claim"]

_LN = sp.Symbol(r"\mathcal{L}(N)")


def _statement() -> sp.Eq:
    return sp.Eq(_LN, parameter_exponent().loss)


def _check_symbolic(statement: sp.Eq) -> bool:
    p = parameter_exponent()
    exponent = sp.limit(N * sp.diff(statement.rhs, N) / statement.rhs, N, sp.oo)
    return bool(same(p.loss, statement.rhs) and same(exponent, -alpha))


def _check_numeric(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
    law = sp.lambdify((N, alpha, S, A), statement.rhs, modules="numpy")
    details, worst = [], 0.0
    n = 1000
    for a in (0.3, 0.6, 0.9):
        zeta = float(mpmath.zeta(a + 1))
        measured = parameter_loss([n], alpha=a, S=1.0, zeta=zeta)[0]
        err = abs(law(n, a, 1.0, 1 / zeta) / measured - 1)
        details.append((rf"rel. error $\alpha={a}$, $N={n}$", err))
        worst = max(worst, err)
    return Agreement(worst, 1.0 / n, r"direct sums $S^2/2 \sum_{k>N} P_s(k)$ ($n_s$ infinite) against the integral "
                     r"from $N+1$: Euler-Maclaurin puts the difference at $\alpha/(2(N+1))$ relative, below $1/N$", tuple(details),
                     method="exact sum")


def claim() -> Claim:
    """Build the parameter exponent of App. E.3 (Eqs. 66-67): L ~ N^-alpha.

    Returns
    -------
    Claim
        The loss of the unlearned skills ``k > N`` as an integral, with its checks.
    """
    p = parameter_exponent()
    steps = (Step(_LN, sp.Symbol(r"\frac{S^2}{2}\int_{N+1}^\infty Ak^{-(\alpha+1)}dk"),
                  r"Eq.~67: with $T,D\to\infty$ skills $k\le N$ are learned, the rest keep $S^2/2$ (Cor.~2)."),
             Step(_LN, p.loss, "SymPy integration."),
             Step(sp.Symbol(r"\frac{d\ln\mathcal{L}}{d\ln N}"), p.exponent, r"Limit $N\to\infty$."))
    return Claim(
        id="appendix-e3",
        statement=_statement(),
        steps=steps,
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"the statement equals SymPy's integral $S^2/2 \int_{N+1}^\infty A k^{-(\alpha+1)}\, dk$, and the "
                        r"limit $N \to \infty$ of its logarithmic derivative $N L'/L$ is $-\alpha$"),
        assumptions=r"$T,D\to\infty$, $N<n_s\to\infty$, sum replaced by an integral.",
        summary=r"$\mathcal{L}\propto N^{-\alpha}$.",
    )
