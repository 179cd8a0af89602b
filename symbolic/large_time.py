"""SymPy pieces of the large-time results of App. J.6 (Proposition 9, Corollary 6) that more than
one claim builds on: the skill frequencies with ``n_s = inf``, the Darboux weight that turns a sum
over skills into an integral over frequencies, the incomplete-gamma window of Proposition 9, an
unevaluated order term, and the explicit constants of Corollary 6's ``Theta``.

Examples
--------
>>> zero(darboux_weight() - ZETA ** (-1 / (alpha + 1)) * x ** (-1 / (alpha + 1)) / (alpha + 1))
True
>>> main_part(x + O(x**2)), order_part(x + O(x**2))
(x, x**2)
"""
from __future__ import annotations

from functools import lru_cache

import mpmath
import sympy as sp

from symbolic import constants
from symbolic.identities import ZETA, zero  # noqa: F401 (zero: used in the examples)
from symbolic.symbols import D, alpha, k, x

__all__ = ["O", "main_part", "order_part", "frequency", "darboux_weight", "gamma_window", "never_seen_main",
           "power_exponent", "data_theta_constants"]

#: An order term kept unevaluated: SymPy's ``Order`` cannot compare powers with symbolic exponents
#: (``O(D^-(2alpha+1)/(alpha+1) + D^-alpha/(alpha+1) M^-1)``) and raises while adding them.
O = sp.Function("O")

_Y = sp.Symbol("y", positive=True)
_SHAPE = sp.Symbol("s", positive=True)
_Z = sp.Symbol("Z", positive=True)      # zeta(alpha+1) while solving


def _is_order(e) -> bool:
    return isinstance(e, sp.core.function.AppliedUndef) and e.func == O


def main_part(expr: sp.Expr) -> sp.Expr:
    """``expr`` without its order term."""
    return sp.sympify(expr).replace(_is_order, lambda e: sp.S.Zero)


def order_part(expr: sp.Expr):
    """The argument of ``expr``'s one order term, or ``None``."""
    found = [e for e in sp.preorder_traversal(sp.sympify(expr)) if _is_order(e)]
    return found[0].args[0] if len(found) == 1 else None


def frequency(index=k) -> sp.Expr:
    """``P_s(k) = k^-(alpha+1) / zeta(alpha+1)``: Eq. 1 with ``n_s = inf`` (Eq. 171)."""
    return index ** (-(alpha + 1)) / ZETA


@lru_cache(maxsize=None)
def darboux_weight() -> sp.Expr:
    """``x |dk/dx|`` at ``x = P_s(k)``: the weight that turns ``sum_k P_s(k) h(P_s(k))`` into
    ``int h(x) x |dk/dx| dx`` (the Darboux sums of Eqs. 281-289), with ``k(x)`` solved from
    ``log P_s(k) = log x``."""
    (k_of_x,) = sp.solve(sp.Eq(-(alpha + 1) * sp.log(k) - sp.log(_Z), sp.log(x)), k)
    weight = sp.powsimp(sp.expand_power_base(-x * sp.diff(k_of_x, x), force=True), force=True)
    return weight.subs(_Z, ZETA)


@lru_cache(maxsize=None)
def _upper_tail() -> sp.Expr:
    """``int_a^inf y^(s-1) e^-y dy`` by SymPy's manual integration (the upper incomplete gamma)."""
    lo = sp.Symbol("a", positive=True)
    tail = sp.integrate(_Y ** (_SHAPE - 1) * sp.exp(-_Y), (_Y, lo, sp.oo), conds="none", manual=True)
    return sp.powsimp(tail, force=True), lo


def gamma_window(lower, upper, shape=None) -> sp.Expr:
    """``int_lower^upper y^(s-1) e^-y dy`` by SymPy (``s = alpha/(alpha+1)`` by default), written with the
    upper incomplete gamma function."""
    shape = alpha / (alpha + 1) if shape is None else shape
    tail, lo = _upper_tail()
    return (tail.subs(lo, lower) - tail.subs(lo, upper)).subs(_SHAPE, shape)


@lru_cache(maxsize=None)
def never_seen_main(lower_index, upper_index) -> sp.Expr:
    """Proposition 9's main term for ``sum_{k=M+1}^N P_s(k)(1-P_s(k))^D``: the Darboux weight integrated
    against ``e^(-D x)`` (Eqs. 289-294) over ``x in (P_s(N), P_s(M))``, after ``x = y/D`` (Eq. 291)."""
    integrand = darboux_weight() * sp.exp(-D * x)
    in_y = sp.powsimp(sp.expand_power_base(integrand.subs(x, _Y / D) / D, force=True), force=True)
    prefactor = sp.powsimp(sp.expand_power_base(in_y / (_Y ** (-1 / (alpha + 1)) * sp.exp(-_Y)), force=True), force=True)
    prefactor = prefactor.replace(lambda e: e.is_Pow and e.base == D, lambda e: D ** sp.factor(e.exp))
    window = gamma_window(D * frequency(upper_index), D * frequency(lower_index))
    return prefactor * window


def power_exponent(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """The exponent ``p`` of a monomial ``c var^p`` (``var d/dvar log expr``, simplified)."""
    return sp.simplify(var * sp.diff(expr, var) / expr)


def data_theta_constants(*, alpha, S, r) -> tuple[float, float]:
    """``(lower, upper)`` between which Corollary 6's ``E_D[L] / max(N^-alpha, D^-alpha/(alpha+1))`` stays
    asymptotically, read off Eq. 300: with ``mu = D / N^(alpha+1)`` the ratio tends to
    ``B(mu) / max(mu^s, 1)``, ``B(mu) = A_D Gamma(s, mu/zeta)/Gamma(s) + A_N mu^s`` (``s = alpha/(alpha+1)``,
    ``A_N = S^2/(2 alpha zeta)``).

    For ``mu >= 1``, ``B(mu)/mu^s`` decreases from ``B(1)`` to ``A_N``. For ``mu <= 1``, ``B'(mu)`` has the sign
    of ``A_N s - A_D zeta^-s e^(-mu/zeta)/Gamma(s)``, so ``B`` has at most one minimum, at
    ``mu* = -zeta log(A_N s zeta^s Gamma(s)/A_D)`` (clipped to ``[0, 1]``), and its maximum at an end,
    ``B(0) = A_D`` or ``B(1)``. Hence lower ``min(A_N, B(mu*))`` and upper ``max(A_D, B(1))``.

    Examples
    --------
    >>> lo, hi = data_theta_constants(alpha=0.6, S=1.0, r=0.01)
    >>> 0 < lo < hi
    True
    """
    with mpmath.workdps(20):
        a = mpmath.mpf(alpha)
        s = a / (a + 1)
        zeta = mpmath.zeta(a + 1)
        a_d = constants.A_D(alpha=alpha, S=S, r=r)
        a_n = mpmath.mpf(S) ** 2 / (2 * a * zeta)

        def B(mu):
            return a_d * mpmath.gammainc(s, mu / zeta) / mpmath.gamma(s) + a_n * mu**s

        level = a_n * s * zeta**s * mpmath.gamma(s) / a_d
        mu_star = min(max(-zeta * mpmath.log(level), 0), 1) if level > 0 else 1
        low = min(a_n, B(mu_star))
        return float(low), float(max(a_d, B(1)))
