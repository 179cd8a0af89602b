"""Helpers shared by the claims' numeric checks: parameter sets, tolerances, the bridge from a
symbolic statement to NumPy."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

__all__ = ["logistic_euler_tolerance", "evaluate", "record_grid", "OrderFit", "fit_order"]


def logistic_euler_tolerance(rate_per_step: float, S_over_r: float) -> tuple[float, str]:
    """Tolerance on ``max_T |R_sim - R|/S`` for gradient descent against gradient flow.

    One GD step multiplies a balanced ``R = a b`` by ``(1 + eta p (S - R))^2`` instead of
    ``exp(2 eta p (S - R))``: the growth rate ``c = 2 eta p S`` per step becomes
    ``c (1 - c/4 + O(c^2))``. The sigmoid's delay ``ln(S/r - 1)/c`` therefore shifts by
    ``ln(S/r - 1)/4`` steps times ``c``, in units of ``1/c``; the logistic's slope in those units is
    at most 1/4, so ``|Delta R|/S <= ln(S/r - 1) c / 16``. The tolerance doubles that bound.
    """
    tol = 2.0 * math.log(max(S_over_r - 1.0, math.e)) * rate_per_step / 16.0
    reason = (f"gradient descent (one step = one unit of $T$) vs gradient flow: per-step rate "
              f"$c = 2\\eta p S \\le {rate_per_step:.3g}$ shortens the sigmoid delay; "
              r"bound $\ln(S/r-1)\,c/16$, doubled")
    return float(tol), reason


def evaluate(expr: sp.Basic, symbols: tuple, *values):
    """Evaluate ``expr`` numerically with NumPy (the one bridge from SymPy to numbers)."""
    return sp.lambdify(symbols, expr, modules="numpy")(*values)


def record_grid(steps: int, count: int = 60) -> np.ndarray:
    """``count`` roughly even step numbers in ``[0, steps]`` (always including both ends)."""
    return np.unique(np.linspace(0, steps, count).round().astype(np.int64))


@dataclass(frozen=True)
class OrderFit:
    r"""A remainder measured against the order the paper states for it.

    ``slope`` is the least-squares slope of ``log|remainder|`` against ``log(resource)``;
    ``stated`` the exponent ``p`` of the stated order ``O(resource^p)``; ``ratio`` the largest
    ``|remainder| / resource^p`` over the grid's last decade divided by the largest over its
    first (bounded ⇔ it does not grow: at most ``10^(slack)``). The remainder is within the stated
    order when ``slope <= stated + slack`` and the ratio does not grow; it is *sharp* when also
    ``slope >= stated - slack``.
    """

    name: str
    slope: float
    stated: float
    slack: float
    ratio: float
    decades: float

    @property
    def within(self) -> bool:
        return bool(np.isfinite(self.slope) and self.slope <= self.stated + self.slack
                    and self.ratio <= 10.0 ** self.slack)

    @property
    def sharp(self) -> bool:
        return self.within and self.slope >= self.stated - self.slack

    def details(self) -> tuple[tuple[str, float], ...]:
        """The fit as Agreement details: the measured and the stated exponent."""
        return ((f"{self.name}: fitted slope", self.slope), (f"{self.name}: stated order", self.stated))


def fit_order(name: str, resource, remainder, stated: float, *, slack: float = 0.1) -> OrderFit:
    r"""Fit the log-slope of ``remainder`` over ``resource`` (at least three decades) and compare
    it with the stated order ``O(resource^stated)``.

    Examples
    --------
    >>> x = np.geomspace(10, 1e5, 9)
    >>> fit = fit_order("toy", x, 3 / x**2 + 1 / x**3, -2.0)
    >>> round(fit.slope, 2), fit.within, fit.sharp
    (-2.0, True, True)
    >>> fit_order("toy", x, 3 / x**2, -2.5).within        # a wrong (too fast) stated order fails
    False
    """
    x = np.asarray(resource, dtype=float)
    r = np.abs(np.asarray(remainder, dtype=float))
    if x.shape != r.shape or x.size < 4:
        raise ValueError(f"{name}: resource and remainder need the same shape and at least 4 points")
    if not (np.all(np.isfinite(r)) and np.all(r > 0) and np.all(x > 0)):
        raise ValueError(f"{name}: the remainder must be finite and non-zero on the grid")
    decades = float(np.log10(x.max() / x.min()))
    if decades < 3 - 1e-9:
        raise ValueError(f"{name}: the resource spans {decades:.2f} decades; at least 3 are needed")
    lx, lr = np.log10(x), np.log10(r)
    slope = float(np.polyfit(lx, lr, 1)[0])
    scaled = lr - stated * lx
    first = scaled[lx <= lx.min() + 1].max()
    last = scaled[lx >= lx.max() - 1].max()
    return OrderFit(name, slope, float(stated), float(slack), float(10.0 ** (last - first)), decades)
