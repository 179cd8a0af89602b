"""Lemma 6 (Eqs. 149-150, Montgomery-Vaughan Cor. 1.15): partial sums of k^-sigma.

``sum_{k<=N} k^-sigma = zeta(sigma) + N^(1-sigma)/(1-sigma) + O(N^-sigma)`` for ``sigma >= 1/2``,
``sigma != 1``, and ``sum_{k<=N} 1/k = log N + gamma + O(1/N)``. Derived by Euler-Maclaurin: the
integral of ``x^-sigma`` gives the ``N``-dependence, the boundary term ``f(N)/2`` the remainder,
and the constant is identified with ``zeta(sigma)`` (``sigma > 1``, then analytic continuation).
"""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, Step
from symbolic.symbols import N, k, sigma

__all__ = ["claim", "sigma", "harmonic_expansion"]

_x = sp.Symbol("x", positive=True)
_delta = sp.Symbol("delta", positive=True)
_ORDER = (N, sp.oo)
_PARTIAL = sp.Symbol(r"\sum_{k=1}^{N}k^{-\sigma}")     # the statement's left side (an Eq cannot hold a Sum beside an O-term)


def _integral(f: sp.Expr) -> sp.Expr:
    return sp.integrate(f, (_x, 1, N), conds="none")


def harmonic_expansion() -> sp.Expr:
    """``log N + gamma``: Euler-Maclaurin's integral ``log N`` plus the limit of ``H_N - log N``.

    Examples
    --------
    >>> harmonic_expansion() == sp.log(N) + sp.EulerGamma
    True
    """
    integral = _integral(1 / _x)
    return integral + sp.limit(sp.harmonic(N) - integral, N, sp.oo)


def _constant() -> sp.Expr:
    """``lim_{N->oo}(sum - integral)`` for sigma > 1 (written with sigma = 1 + delta so the limit exists)."""
    full_sum = sp.Sum(k ** (-sigma), (k, 1, sp.oo)).doit()
    full_sum = full_sum.args[0][0] if isinstance(full_sum, sp.Piecewise) else full_sum   # zeta(sigma), sigma > 1
    tail_limit = sp.limit(_integral(_x ** (-sigma)).subs(sigma, 1 + _delta), N, sp.oo).subs(_delta, sigma - 1)
    return full_sum - tail_limit


def _derived() -> sp.Expr:
    """Euler-Maclaurin: integral (N-part), the constant of :func:`_constant`, remainder of the order of
    the boundary term f(N)/2."""
    f = _x ** (-sigma)
    return _integral(f) + _constant() + sp.O(f.subs(_x, N) / 2, _ORDER)


def _statement() -> sp.Eq:
    return sp.Eq(_PARTIAL, sp.zeta(sigma) + N ** (1 - sigma) / (1 - sigma) + sp.O(N ** (-sigma), _ORDER))


def _euler_maclaurin() -> sp.Expr:
    """Euler-Maclaurin to first order for ``sum_{k<=N} x^-sigma`` (the first derivation step)."""
    f = _x ** (-sigma)
    return (sp.Integral(f, (_x, 1, N)) + (1 + N ** (-sigma)) / 2
            + sp.Integral((_x - sp.floor(_x) - sp.Rational(1, 2)) * sp.diff(f, _x), (_x, 1, N)))


def _euler_maclaurin_exact(n: int = 20, s: str = "0.75") -> bool:
    """The first step is an identity: at ``N = n``, ``sigma = s`` its integrals by mpmath quadrature (each
    split at the integers, where ``floor(x) = j`` on ``[j, j+1)``) plus its other terms equal the direct sum
    to 25 digits."""
    j_ = sp.Symbol("j", integer=True)
    with mpmath.workdps(30):
        total = mpmath.mpf(0)
        for term in sp.Add.make_args(_euler_maclaurin().subs({N: n, sigma: sp.Rational(s)})):
            if isinstance(term, sp.Integral):
                g = sp.lambdify((_x, j_), term.function.subs(sp.floor(_x), j_), "mpmath")
                total += mpmath.fsum(mpmath.quad(lambda y, j=j: g(y, j), [j, j + 1]) for j in range(1, n))
            else:
                total += mpmath.mpf(sp.N(term, 35))
        direct = mpmath.fsum(mpmath.mpf(j) ** -mpmath.mpf(s) for j in range(1, n + 1))
        return bool(abs(total - direct) < mpmath.mpf(10) ** -25)


def _check_symbolic(statement: sp.Eq) -> bool:
    derived, got = _derived(), statement.rhs
    if not isinstance(got, sp.Add) or got.getO() is None:
        return False
    same_terms = sp.simplify(got.removeO() - derived.removeO()) == 0
    same_order = got.getO() == derived.getO()
    harmonic_ok = sp.simplify(harmonic_expansion() - sp.log(N) - sp.EulerGamma) == 0
    return bool(same_terms and same_order and harmonic_ok and _euler_maclaurin_exact())


def _scaled_remainders(main, order, s, Ns, dps=30):
    """``(sum_{k<=N} k^-s - main(N)) / order(N)`` by direct mpmath summation, for each ``N`` in ``Ns``."""
    out = []
    with mpmath.workdps(dps):
        s = mpmath.mpf(s)
        terms = [mpmath.mpf(j) ** -s for j in range(1, max(Ns) + 1)]
        partial, done = mpmath.mpf(0), 0
        for n in Ns:
            partial += mpmath.fsum(terms[done:n])
            done = n
            out.append(float((partial - main(mpmath.mpf(n), s)) / order(mpmath.mpf(n), s)))
    return out


def _check_numeric(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
    law = sp.lambdify((N, sigma), statement.rhs.removeO(), modules="mpmath")
    order_term = statement.rhs.getO()
    if order_term is None:
        return Agreement(float("inf"), 1.0, r"the statement has no $O(\cdot)$ remainder", method="exact sum")
    order = sp.lambdify((N, sigma), order_term.expr, modules="mpmath")
    harmonic = sp.lambdify((N,), harmonic_expansion(), modules="mpmath")
    Ns = (100, 1000, 10000)
    details, worst = [], 0.0
    cases = [(s, law, order) for s in (0.5, 0.75, 1.5, 2.5)] + [(1.0, lambda n, s: harmonic(n), lambda n, s: 1 / n)]
    for s, main, size in cases:
        for n, scaled in zip(Ns, _scaled_remainders(main, size, s, Ns)):
            # Euler-Maclaurin: remainder N^-s/2 - s N^-(s+1)/12 + O(N^-(s+3)), so N (scaled - 1/2)/s -> -1/12
            coefficient = abs(scaled - 0.5) * n / s
            worst = max(worst, coefficient)
            if n == Ns[-1] or s == 0.5:
                details.append((rf"remainder $/ N^{{-\sigma}} - 1/2$, $\sigma={s:g}$, $N={n}$", scaled - 0.5))
    return Agreement(worst, 1 / 6, r"direct mpmath sums (30 digits) to $N = 10^2, 10^3, 10^4$ at $\sigma = 0.5, 0.75, 1.5, 2.5$ and "
                     r"the harmonic case: the remainder divided by the stated $O$-term $N^{-\sigma}$ must be $1/2$ (Euler-Maclaurin's "
                     r"boundary term $f(N)/2$) up to the next term $-\sigma N^{-1}/12$; error = the largest "
                     r"$|\mathrm{remainder}\, N^\sigma - 1/2|\, N/\sigma$ ($1/12$ expected), tolerance twice that coefficient", tuple(details),
                     method="exact sum")


def claim() -> Claim:
    """Build Lemma 6 (Eqs. 149-150): the partial sums of k^-sigma, by Euler-Maclaurin.

    Returns
    -------
    Claim
        ``sum_{k<=N} k^-sigma = zeta(sigma) + N^(1-sigma)/(1-sigma) + O(N^-sigma)`` and the harmonic
        case, with its checks.
    """
    f = _x ** (-sigma)
    stmt = _statement()
    steps = (
        Step(sp.Sum(k ** (-sigma), (k, 1, N)), _euler_maclaurin(),
             r"Euler--Maclaurin to first order with $f(x)=x^{-\sigma}$ (checked: at $N=20$, $\sigma=3/4$ the "
             r"quadratures plus the boundary terms equal the direct sum to 25 digits)."),
        Step(sp.Integral(f, (_x, 1, N)), _integral(f), r"SymPy integration ($\sigma\ne1$)."),
        Step(sp.Limit(sp.Sum(k ** (-sigma), (k, 1, N)) - sp.Integral(f, (_x, 1, N)), N, sp.oo), _constant(),
             r"For $\sigma>1$ the full sum is $\zeta(\sigma)$ and the integral tends to $1/(\sigma-1)$; both sides are analytic "
             r"in $\sigma>0$, $\sigma\ne1$ (the remainder integral converges there), so the constant continues to $\sigma\in[\tfrac12,1)$."),
        Step(sp.Sum(k ** (-sigma), (k, 1, N)), stmt.rhs, r"The tail of the remainder integral and the boundary term are $O(f(N))=O(N^{-\sigma})$; "
             r"the coefficient of $N^{-\sigma}$ is $\tfrac12$."),
        Step(sp.Sum(1 / k, (k, 1, N)), harmonic_expansion() + sp.O(1 / N, _ORDER),
             r"Harmonic case (Eq.~150): the integral is $\log N$ and SymPy's $\lim_{N\to\infty}(H_N-\log N)=\gamma$."),
    )
    return Claim(
        id="lemma-6",
        statement=stmt,
        steps=steps,
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"the statement's terms minus Euler-Maclaurin's (SymPy's integral of $x^{-\sigma}$ plus the "
                        r"constant $\lim (\mathrm{sum} - \mathrm{integral}) = \zeta(\sigma) - 1/(\sigma - 1)$, taken for $\sigma > 1$) "
                        r"simplify to $0$, its $O$-term equals $O(N^{-\sigma})$, and SymPy's $\lim (H_N - \log N)$ is "
                        r"Euler's $\gamma$; and the Euler-Maclaurin step itself, evaluated by quadrature at $N = 20$, equals the direct sum"),
        formula=stmt.rhs.removeO(),
        assumptions=r"$N$ a positive integer, $\sigma\ge\tfrac12$, $\sigma\ne1$ (Eq.~149); $\sigma=1$ (Eq.~150).",
        summary=r"$\sum_{k\le N}k^{-\sigma}=\zeta(\sigma)+\frac{N^{1-\sigma}}{1-\sigma}+\tfrac12N^{-\sigma}+O(N^{-\sigma-1})$; "
                r"used for Eq.~158 ($\sigma=(\alpha+1)/2$) and Eq.~163 ($\sigma=\alpha+1$).",
        domain=(sigma >= sp.Rational(1, 2), sp.Ne(sigma, 1)),
    )
