r"""Proposition 2 (Eqs. 18-21, 105-111): the N_c model's final skill strengths.

With ``N`` basis functions, ``N_c`` per skill in frequency order (Eq. 19), skills ``k < q`` are
fully represented (``R_k = S``), skill ``q`` has ``r`` of its ``N_c`` functions
(``R_q = S r / N_c``) and skills ``k > q`` none (``R_k = 0``).
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, Step
from numeric_check.simulation.extended import simulate_width, width_layout
from symbolic.extended import Nc, q, r_q, width_bookkeeping, width_fixed_point, width_strength
from symbolic.symbols import R_inf as R_INF, S, k

__all__ = ["claim", "R_INF"]


def _statement() -> sp.Eq:
    return sp.Eq(R_INF, sp.Piecewise((S, k < q), (S * r_q / Nc, sp.Eq(k, q)), (0, True)))


def _check_symbolic(statement: sp.Eq) -> bool:
    rhs = statement.rhs
    partial = sp.simplify(rhs.subs(k, q) - width_strength()) == 0          # Eqs. 110-111
    full = sp.simplify(rhs.subs(k, q - 1) - width_strength().subs(r_q, Nc)) == 0   # all N_c functions
    absent = sp.simplify(rhs.subs(k, q + 1)) == 0                          # no function: R_k = 0 (Eq. 128)
    # Eq. 19 bookkeeping: (q - 1) N_c + r = N with 1 <= r <= N_c, for every N, N_c up to 40, 8.
    layout = all(1 <= r_ <= nc and (q_ - 1) * nc + r_ == n
                 for nc in range(1, 9) for n in range(1, 41) for q_, r_ in [width_bookkeeping(n, nc)])
    return bool(partial and full and absent and layout)


_NC, _NS, _ALPHA = 4, 3, 0.6


def _check_numeric(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
    law = sp.lambdify((k, q, r_q, Nc, S), statement.rhs, modules="numpy")
    worst, details = 0.0, []
    for N in range(1, _NC * _NS + 1):
        run = simulate_width(N=N, Nc=_NC, alpha=_ALPHA, n_s=_NS, S=1.0, init=1e-3, eta=1.0, steps=1500,
                             rng=rng, record_every=1500)
        qq, rr = width_layout(N, _NC)
        predicted = np.array([law(kk, qq, rr, _NC, 1.0) for kk in range(1, _NS + 1)], dtype=float)
        worst = max(worst, float(np.max(np.abs(run.R - predicted))))
        if qq <= _NS:
            details.append((f"$N={N}$: $R_q/S$ at $q={qq}$ (law {rr}/{_NC})", float(run.R[qq - 1])))
    tolerance = 1e-3
    return Agreement(worst, tolerance,
                     f"gradient descent (1500 steps of 1.0, init $10^{{-3}}$) of the $N_c$ model ($N_c={_NC}$, $n_s={_NS}$, "
                     f"$\\alpha={_ALPHA}$) on the exact population loss ($D \\to \\infty$) for $N=1..{_NC * _NS}$; "
                     r"what remains is the not-yet-converged tail of the slowest skill and init effects, "
                     r"both below $10^{-4}$ (tolerance $10^{-3}$)",
                     details=tuple(details), method="simulation")


def claim() -> Claim:
    """Build Proposition 2 (Eqs. 18-21, 105-111): the N_c model's final strengths, skill by skill.

    Returns
    -------
    Claim
        ``R_k(inf)`` for skills with all, some (``r`` of ``N_c``) or none of their basis functions, with its checks.
    """
    aa = sp.Symbol("a", real=True)
    return Claim(
        id="proposition-2",
        statement=_statement(),
        steps=(
            Step(sp.Symbol("N"), (q - 1) * Nc + r_q, r"Eq.~19: $q=\lfloor (N-1)/N_c\rfloor+1$ and $1\le r\le N_c$ "
                 r"(checked for all $N\le40$, $N_c\le8$)."),
            Step(sp.Symbol(r"\dot B_{k,l}"), -sp.Symbol("eta", positive=True) * sp.Symbol("P(k)", positive=True) * aa
                 * (sp.Symbol("B_{k,l}") * aa - S / sp.sqrt(Nc)),
                 r"Eq.~109: as $D\to\infty$, $\frac1D\Phi\Phi^T\to P(k)I$ (Eq.~20 orthonormality)."),
            Step(sp.Symbol(r"a_kB_{k,l}(\infty)"), width_fixed_point(), r"The fixed point with $a_k\neq0$ (\texttt{solve})."),
            Step(sp.Symbol(r"\mathcal{R}_q(\infty)"), width_strength(),
                 r"$\sum_{l\le r}a_qB_{q,l}\,\mathbb{E}_X[e_{q,l}g_q]$ with $\mathbb{E}_X[e_{q,l}g_q]=N_c^{-1/2}$ "
                 r"(Eqs.~110--111); $r=N_c$ gives $S$ for $k<q$, and skills without functions keep $0$."),
        ),
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"the $k = q$ branch equals $S r/N_c$, the sum of SymPy's fixed point $a_q B_{q,l} = S/\sqrt{N_c}$ "
                        r"of Eq.~109 over the $r$ functions times $N_c^{-1/2}$ (Eqs.~110--111); $k = q - 1$ gives the same "
                        r"with $r = N_c$, $k = q + 1$ gives $0$; and Eq.~19's $(q-1) N_c + r = N$ with $1 \le r \le N_c$ "
                        r"holds for all $N \le 40$, $N_c \le 8$"),
        assumptions=r"Model Eq.~18 with $e_{k,l}$ satisfying Eq.~20, $D\to\infty$, $n_s\to\infty$, small "
                    r"initialisation, $T\to\infty$.",
        summary=r"Width emergence: the $N$-th basis function adds $S/N_c$ to skill $q$; each skill needs $N_c$ "
                r"functions. Here $\mathcal{L}_q=\frac{S^2}{2}(1-r/N_c)=\frac S2(S-\mathcal{R}_q)$, the same relation as "
                r"in Proposition~1, not Eq.~10.",
        domain=(r_q <= Nc,),
    )
