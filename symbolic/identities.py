"""Small helpers shared by the scaling-law claims: a robust "is this zero" for expressions with
powers of positive quantities, and the symbol for zeta(alpha+1)."""
from __future__ import annotations

import sympy as sp

from symbolic.symbols import alpha

__all__ = ["ZETA", "zero", "same"]

ZETA = sp.zeta(alpha + 1)
_Z = sp.Symbol("Z", positive=True)   # stands for zeta(alpha+1) > 0 while simplifying


def zero(expr) -> bool:
    """True if ``expr`` simplifies to 0, with powers of positive quantities combined.

    Examples
    --------
    >>> zero((ZETA * alpha) ** (1 / (alpha + 1)) - ZETA ** (1 / (alpha + 1)) * alpha ** (1 / (alpha + 1)))
    True
    """
    expr = sp.sympify(expr).subs(ZETA, _Z)
    expr = sp.powsimp(sp.expand_power_base(sp.expand(expr), force=True), force=True)
    return sp.simplify(expr) == 0


def same(a, b) -> bool:
    """``a == b`` symbolically (see :func:`zero`)."""
    return a == b or zero(sp.sympify(a) - sp.sympify(b))
