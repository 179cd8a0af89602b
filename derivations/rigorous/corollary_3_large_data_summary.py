"""Corollary 3 (Eqs. 230-232): for large D the loss is Theta(max(N^-alpha, T^(-alpha/(alpha+1)))).

The two arguments of the maximum are the parameter law (Theorem 1) and the time law (Theorems
2-3); they cross at ``T = N^(alpha+1)``. The constants of the Theta are made explicit here from
Theorem 4: with ``lambda = N/(eta S T)^(1/(alpha+1))``, ``A(lambda)/max(lambda^-alpha, 1)`` lies
between ``min(A(inf), A_N)`` and ``A(inf) + A_N`` (``A(lambda)`` decreases, its tail term is
``A_N lambda^-alpha`` and its integral is at most ``A(inf)``).
"""
from __future__ import annotations

from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, PaperNote, Step
from numeric_check.closed_forms.loss_sums import time_loss
from symbolic.bounds import theta_constants
from symbolic.identities import ZETA, same
from symbolic.scaling import parameter_exponent, time_exponent
from symbolic.symbols import A_of_lambda, N, S, T, alpha

__all__ = ["claim", "Theta"]

Theta = sp.Function("Theta")
_EL = sp.Symbol(r"\bar{\mathcal{L}}")          # E_D[L], the loss averaged over training sets
_S, _R = 1.0, 0.01          # eta = S = 1, so eta S T = T
_N_MIN = 30                 # smallest N of the grid


def _exact_loss(a: float, Ns: np.ndarray, Ts: np.ndarray) -> np.ndarray:
    """Eq. 236 (``D, n_s -> inf``; direct sum over the ``N`` modelled skills) at the points (Ns, Ts)."""
    return time_loss(Ts, alpha=a, S=_S, r=_R, zeta=float(mpmath.zeta(a + 1)), N=Ns)


def _crossover() -> sp.Expr:
    """Solve ``N^-alpha = T^(-alpha/(alpha+1))`` for ``T``."""
    (sol,) = sp.solve(sp.Eq(sp.log(N) * (-alpha), sp.log(T) * (-alpha / (alpha + 1))), T)
    return sp.simplify(sol)


@lru_cache(maxsize=1)
def _exponents() -> tuple[sp.Expr, sp.Expr]:
    """The exponents of App. E.3 (parameters) and E.1 (time), derived by :mod:`symbolic.scaling` (a dsolve: once)."""
    return parameter_exponent().exponent, time_exponent().exponent


def _derived() -> sp.Expr:
    e_N, e_T = _exponents()
    return sp.Max(N**e_N, T**e_T)


def _statement() -> sp.Eq:
    return sp.Eq(_EL, Theta(_derived()))


def _check_symbolic(statement: sp.Eq) -> bool:
    rhs = statement.rhs
    if not (isinstance(rhs, sp.Function) and rhs.func == Theta and isinstance(rhs.args[0], sp.Max)):
        return False
    got, want = sorted(rhs.args[0].args, key=sp.default_sort_key), sorted(_derived().args, key=sp.default_sort_key)
    return bool(len(got) == 2 and all(same(g, w) for g, w in zip(got, want)) and same(_crossover(), N ** (alpha + 1)))


def _check_numeric(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
    arg = statement.rhs.args[0] if statement.rhs.args else statement.rhs
    scale = sp.lambdify((N, T, alpha), arg, modules="numpy")
    details, worst = [], 0.0
    for a in (0.3, 0.6, 0.9):
        Ns = np.unique(np.round(np.geomspace(_N_MIN, 1e5, 12)))
        Ts = np.geomspace(10.0, 1e9, 12)
        NN, TT = (g.ravel() for g in np.meshgrid(Ns, Ts))
        q = _exact_loss(a, NN, TT) / scale(NN, TT, a)
        lo, hi = theta_constants(alpha=a, S=_S, r=_R)
        slack = a / Ns[0]       # Euler-Maclaurin: the tail sum is below its integral by alpha/(2N); doubled
        shortfall = (1 - q.min() / lo) / a                # relative shortfall per unit alpha: 1/(2 N_min) expected
        worst = max(worst, shortfall if q.max() <= hi * (1 + slack) else float("inf"))
        details += [(rf"$\min L/\max(\dots)$ $\alpha={a}$", float(q.min())), (rf"$\max L/\max(\dots)$ $\alpha={a}$", float(q.max())),
                    (rf"lower constant $\min(A(\infty),A_N)$ $\alpha={a}$", lo), (rf"upper constant $A(\infty)+A_N$ $\alpha={a}$", hi)]
    return Agreement(worst, 1 / _N_MIN, r"exact loss (Eq.~236, $D = n_s = \infty$, $S = \eta = 1$, $r = 0.01$) on a $12 \times 12$ grid $N = 30..10^5$, "
                     r"$\eta S T = 10..10^9$ spanning both regimes: $L / \max(N^{-\alpha}, T^{-\alpha/(\alpha+1)})$ must stay within "
                     r"$[\min(A(\infty), A_N), A(\infty) + A_N]$ (Theorem 4's limits over all $\lambda$), widened by $\alpha/N_{\min}$ for "
                     r"the sum-vs-integral correction; error = the largest relative shortfall below the lower constant divided by "
                     r"$\alpha$ ($1/(2 N_{\min}) = 1/60$ expected from Euler-Maclaurin), tolerance $1/N_{\min} = 1/30$ (doubled); infinite "
                     r"if the upper constant is exceeded",
                     tuple(details), method="exact sum")


def claim() -> Claim:
    """Build Corollary 3 (Eqs. 230-232): for large D the loss is Theta(max(N^-alpha, T^(-alpha/(alpha+1)))).

    Returns
    -------
    Claim
        The two-regime summary of Theorems 1-3, with explicit constants from Theorem 4, and its checks.
    """
    lam_ = sp.Symbol("lambda", positive=True)
    tail = S**2 / (2 * alpha * ZETA) * lam_ ** (-alpha)               # Theorem 4's lambda^-alpha term (Eq. 238)
    c_low, c_high = sp.symbols("c_- c_+", positive=True)
    steps = (
        Step(_EL, Theta(N ** _exponents()[0]),
             r"$\bar{\mathcal{L}}=\mathbb{E}_D[\mathcal{L}]$: Theorem~1 when $N^{\alpha+1}=o(T)$ (the exponent is SymPy's from App.~E.3)."),
        Step(_EL, Theta(T ** _exponents()[1]),
             r"Theorems~2--3 when $T=O(N^{\alpha+1})$ (the exponent is SymPy's from App.~E.1)."),
        Step(T, _crossover(), r"The two laws cross where $N^{-\alpha}=T^{-\alpha/(\alpha+1)}$ (SymPy solve)."),
        Step(sp.Limit(tail / sp.Max(lam_ ** (-alpha), 1), lam_, 0), sp.limit(tail * lam_**alpha, lam_, 0),
             r"Theorem~4 with $N=\lambda(\eta ST)^{1/(\alpha+1)}$: as $\lambda\to0$ the tail term of $A(\lambda)$ over "
             r"$\max(\lambda^{-\alpha},1)$ tends to Theorem~1's $A_N$ (SymPy limit; $\max=\lambda^{-\alpha}$ there)."),
        Step(sp.Tuple(c_low, c_high), sp.Tuple(sp.Min(A_of_lambda(sp.oo), sp.limit(tail * lam_**alpha, lam_, 0)),
                                               A_of_lambda(sp.oo) + sp.limit(tail * lam_**alpha, lam_, 0)),
             r"The constants of the $\Theta$: $A(\lambda)/\max(\lambda^{-\alpha},1)\in[c_-,c_+]$, since $A(\lambda)$ decreases "
             r"to $A(\infty)$ and its integral part is at most $A(\infty)$."),
    )
    note = PaperNote(r"Theorems 1-2 assume $0 < r < \sqrt{S}$",
                     r"The condition is dimensionally inconsistent ($r$ has the units of $S$). The proof (Eq.~210) only needs "
                     r"$\log(S/r)>2/\zeta(\alpha+1)$, e.g.\ $r<Se^{-2}$; otherwise $S/r$ is bounded and the bounds hold with "
                     r"another constant. Our check uses $r=0.01S$.")
    return Claim(
        id="corollary-3",
        statement=_statement(),
        steps=steps,
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"the statement is $\Theta$ of a Max whose two arguments equal $N$ and $T$ raised to the "
                        r"exponents SymPy derives in App.~E.3 and E.1, and SymPy's solution of "
                        r"$N^{-\alpha} = T^{-\alpha/(\alpha+1)}$ is $T = N^{\alpha+1}$"),
        formula=_derived(),
        assumptions=r"$D\gg NT^2,T^3$, $n_s\gg N^{1+\epsilon}$, $r=\min_k\mathcal{R}_k(0)>0$; $N,T\to\infty$.",
        summary=r"$\bar{\mathcal{L}}=\mathbb{E}_D[\mathcal{L}]=\Theta_{\eta,S,r}(\max(N^{-\alpha},T^{-\alpha/(\alpha+1)}))$: the parameter law "
                r"if $N^{\alpha+1}=O(T)$, the time law if $T=O(N^{\alpha+1})$.",
        notes=(note,),
    )
