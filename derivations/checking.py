"""Helpers shared by the claims' numeric checks: parameter sets, tolerances, the bridge from a
symbolic statement to NumPy."""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

__all__ = ["logistic_euler_tolerance", "evaluate", "record_grid"]


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
