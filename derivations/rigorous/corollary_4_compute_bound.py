"""Corollary 4 (Eqs. 233-235): the loss is at least of order C^(-alpha/(alpha+2)), C = N T.

``max(a, b) >= a^w b^(1-w)`` for any weight ``w`` in ``[0, 1]``; the weights that turn
``(N^-alpha)^w (T^(-alpha/(alpha+1)))^(1-w)`` into a power of ``N T`` are found by SymPy:
``w = 1/(alpha+2)``, giving ``(N T)^(-alpha/(alpha+2))``. Equality (in order) holds on the
allocation ``N = C^(1/(alpha+2))``, ``T = C^((alpha+1)/(alpha+2))``.
"""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, Step
from numeric_check.closed_forms.loss_sums import time_loss
from symbolic import constants
from symbolic.bounds import theta_constants
from symbolic.identities import same
from symbolic.scaling import C
from symbolic.symbols import N, T, alpha

__all__ = ["claim", "weights"]

_w1, _w2, _e = sp.symbols("w_1 w_2 e", real=True)
_MAX = sp.Max(N ** (-alpha), T ** (-alpha / (alpha + 1)))
_S, _R = 1.0, 0.01          # eta = S = 1, so eta S T = T
_N_MIN = 30                 # smallest N of the grid (the grid of Corollary 3's check)


def _exact_loss(a: float, Ns: np.ndarray, Ts: np.ndarray) -> np.ndarray:
    """Eq. 236 (``D, n_s -> inf``; direct sum over the ``N`` modelled skills) at the points (Ns, Ts)."""
    return time_loss(Ts, alpha=a, S=_S, r=_R, zeta=float(mpmath.zeta(a + 1)), N=Ns)


def weights() -> dict:
    """Solve for the weights of the weighted geometric mean that is a power of ``N T``.

    Examples
    --------
    >>> sol = weights()
    >>> sol[_e], sol[_w1]
    (-alpha/(alpha + 2), 1/(alpha + 2))
    """
    (sol,) = sp.solve([sp.Eq(-alpha * _w1, _e), sp.Eq(-alpha / (alpha + 1) * _w2, _e), sp.Eq(_w1 + _w2, 1)],
                      [_w1, _w2, _e], dict=True)
    return {key: sp.simplify(value) for key, value in sol.items()}


def _allocation():
    sol = weights()
    return C ** sp.factor(-sol[_e] / alpha), C ** sp.factor(1 + sol[_e] / alpha)      # N^-alpha = C^e, T = C/N


def _statement() -> sp.GreaterThan:
    return sp.GreaterThan(_MAX, C ** weights()[_e])


def _check_symbolic(statement) -> bool:
    if not isinstance(statement, sp.GreaterThan) or not same(statement.lhs, _MAX):
        return False
    sol = weights()
    mean = (N ** (-alpha)) ** sol[_w1] * (T ** (-alpha / (alpha + 1))) ** sol[_w2]
    is_power = same(mean, (N * T) ** sol[_e])
    weights_ok = bool(sol[_w1].is_positive and sol[_w2].is_positive)       # a true weighted mean: <= max
    Nc, Tc = _allocation()
    balanced = same(Nc ** (-alpha), C ** sol[_e]) and same(Tc ** (-alpha / (alpha + 1)), C ** sol[_e])
    return bool(is_power and weights_ok and balanced and same(statement.rhs, C ** sol[_e]))


def _check_numeric(statement, rng: np.random.Generator) -> Agreement:
    bound = sp.lambdify((C, alpha), statement.rhs, modules="numpy")
    details, worst, tol, holds = [], 0.0, 0.0, True
    for a in (0.3, 0.6, 0.9):
        # (i) the inequality itself at 2000 random points log-uniform in N, T in [1, 1e12]
        Nr, Tr = 10 ** rng.uniform(0, 12, 2000), 10 ** rng.uniform(0, 12, 2000)
        ineq = np.min(np.maximum(Nr**-a, Tr ** (-a / (a + 1))) / bound(Nr * Tr, a))
        # (ii) exact loss on a grid of (N, T): above c C^(-alpha/(alpha+2)), c = Corollary 3's lower constant
        Ns = np.unique(np.round(np.geomspace(_N_MIN, 1e5, 12)))
        NN, TT = (g.ravel() for g in np.meshgrid(Ns, np.geomspace(10.0, 1e9, 12)))
        grid = _exact_loss(a, NN, TT) / bound(NN * TT, a)
        lo, _ = theta_constants(alpha=a, S=_S, r=_R)
        holds &= bool(ineq >= 1 - 1e-12 and grid.min() >= lo * (1 - a / _N_MIN))
        # (iii) on N = C^(1/(alpha+2)) the bound is attained in order: L C^(alpha/(alpha+2)) -> A(1) (Theorem 4, lambda = 1)
        Cs = np.geomspace(1e4, 1e12, 9)
        Nb = np.round(Cs ** (1 / (a + 2)))
        A1 = float(constants.A_lambda(1, alpha=a, S=1, r="0.01"))
        dev = np.abs(_exact_loss(a, Nb, Cs / Nb) / bound(Cs, a) / A1 - 1)
        worst, tol = max(worst, float(dev.max())), max(tol, 1 / float(Nb[0]))
        details += [(rf"$\min \max(N^{{-a}},T^{{-a/(a+1)}}) / (NT)^{{-a/(a+2)}}$, $\alpha={a}$", float(ineq)),
                    (rf"$\min L C^{{a/(a+2)}}$ over the grid, $\alpha={a}$", float(grid.min())),
                    (rf"$c = \min(A(\infty), A_N)$, $\alpha={a}$", lo),
                    (rf"$\max |L C^{{a/(a+2)}} / A(1) - 1|$ on $N = C^{{1/(a+2)}}$, $C=10^4..10^{{12}}$, $\alpha={a}$", float(dev.max()))]
    return Agreement(worst if holds else float("inf"), tol,
                     r"(i) Eq.~235 at 2000 random $(N, T)$ per $\alpha$; (ii) exact loss (Eq.~236, $D = n_s = \infty$, $S = \eta = 1$, "
                     r"$r = 0.01$) on a $12 \times 12$ grid $N = 30..10^5$, $T = 10..10^9$ never below $c\, C^{-\alpha/(\alpha+2)}$ with "
                     r"$c = \min(A(\infty), A_N)$ (Corollary 3's lower constant times Eq.~235, less the $\alpha/N_{\min}$ sum-vs-integral "
                     r"slack); (iii) error = largest relative deviation of $L\, C^{\alpha/(\alpha+2)}$ from Theorem 4's $A(1)$ on "
                     r"$N = \mathrm{round}(C^{1/(\alpha+2)})$, $C = 10^4..10^{12}$: the Riemann-sum corrections and the rounding of $N$ are "
                     r"$O(1/N)$, so the tolerance is $1/N$ at the smallest $C$; infinite if (i) or (ii) fails", tuple(details),
                     method="exact sum")


def claim() -> Claim:
    """Build Corollary 4 (Eqs. 233-235): the loss is at least of order C^(-alpha/(alpha+2)), C = N T.

    Returns
    -------
    Claim
        Corollary 3's maximum bounded below by a power of ``N T``, with the allocation attaining it and
        its checks.
    """
    sol = weights()
    stmt = _statement()
    Nc, Tc = _allocation()
    steps = (
        Step(sp.Tuple(_w1, _w2, _e), sp.Tuple(sol[_w1], sol[_w2], sol[_e]),
             r"Weights with $w_1+w_2=1$ making $(N^{-\alpha})^{w_1}(T^{-\alpha/(\alpha+1)})^{w_2}=(NT)^e$ (SymPy solve)."),
        Step(_MAX, (N ** (-alpha)) ** sol[_w1] * (T ** (-alpha / (alpha + 1))) ** sol[_w2],
             r"A maximum exceeds every weighted geometric mean (Eq.~235); SymPy combines the powers.", relation=r"\ge"),
        Step(_MAX, stmt.rhs, r"With $C=NT$; by Corollary~3, $\mathbb{E}_D[\mathcal{L}]\ge c\,C^{-\alpha/(\alpha+2)}$.",
             relation=r"\ge"),
        Step(sp.Tuple(N, T), sp.Tuple(Nc, Tc), r"Equality: both arguments equal $C^{-\alpha/(\alpha+2)}$ on this allocation, "
             r"so $\mathbb{E}_D[\mathcal{L}]=\Theta(C^{-\alpha/(\alpha+2)})$ there (Corollary~5 gives the constant)."),
    )
    return Claim(
        id="corollary-4",
        statement=stmt,
        steps=steps,
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"the statement bounds Corollary 3's Max below; SymPy's weights $w_1 = 1/(\alpha+2)$, "
                        r"$w_2 = (\alpha+1)/(\alpha+2)$ are positive and turn the weighted geometric mean into "
                        r"$(N T)^{-\alpha/(\alpha+2)}$, which equals the right side with $C = N T$, and both arguments "
                        r"of the Max equal $C^{-\alpha/(\alpha+2)}$ on the allocation $N = C^{1/(\alpha+2)}$"),
        assumptions=r"Those of Corollary~3; $C=NT$.",
        summary=r"$\mathbb{E}_D[\mathcal{L}]\ge c\,C^{-\alpha/(\alpha+2)}$ for every split of $C=NT$, with equality in order "
                r"for $N=\Theta(C^{1/(\alpha+2)})$, $T=\Theta(C^{(\alpha+1)/(\alpha+2)})$.",
    )
