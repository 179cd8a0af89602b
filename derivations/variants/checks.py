"""What the variant's numeric checks share: the gradient-descent runs of the depth-L model, the
tolerance of gradient descent against gradient flow, and the NumPy bridge from a statement.

The runs are small (3 skills, a few thousand steps) so that a check takes about a second.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

from numeric_check.simulation.data import SparseParity
from numeric_check.simulation.depth import simulate_depth

__all__ = ["GDRun", "gd_runs", "euler_tolerance", "numpy_function", "invert_increasing", "PARAMETER_SETS"]

#: (alpha, S, r, h, D): two scales and initialisations. The learning rate is set per depth so that
#: the most frequent skill moves ``h = eta p S^(2-2/L)`` per step (the Euler error is O(h)); the
#: number of steps so that the rarest skill saturates.
PARAMETER_SETS = (
    dict(alpha=0.5, S=1.0, r=0.02, h=0.02, D=600),
    dict(alpha=1.0, S=2.0, r=0.05, h=0.015, D=800),
)


@dataclass(frozen=True)
class GDRun:
    """One gradient-descent run: its parameters, empirical frequencies ``p = d_k/D``, recorded
    steps and strengths."""

    depth: int
    alpha: float
    S: float
    r: float
    eta: float
    p: np.ndarray
    steps: np.ndarray
    strength: np.ndarray


def _steps_needed(L: int, ps: dict, p_min: float) -> int:
    """Steps for the rarest skill to reach R = 0.99 S under the flow, from the exact t(R) (read
    off numerically here by Euler steps of the factor ODE, 20 % margin)."""
    S, r, eta = ps["S"], ps["r"], ps["eta"]
    a, target, n = r ** (1 / L), (0.99 * S) ** (1 / L), 0
    while a < target and n < 10**6:
        a += eta * p_min * (S - a**L) * a ** (L - 1)
        n += 1
    return int(1.2 * n) + 10


@lru_cache(maxsize=16)
def gd_runs(L: int, seed: int = 0) -> tuple[GDRun, ...]:
    """Train the depth-L model (every factor, balanced start ``a = r^(1/L)``) on each parameter set."""
    rng = np.random.default_rng(seed)
    out = []
    for ps in PARAMETER_SETS:
        task = SparseParity(n_s=3, n_b=9, m=3, alpha=ps["alpha"], S=ps["S"])
        data = task.dataset(ps["D"], rng)
        p = data.counts / ps["D"]
        ps = dict(ps, eta=ps["h"] / (float(p.max()) * ps["S"] ** (2 - 2 / L)))
        steps = _steps_needed(L, ps, float(p.min()))
        record = np.arange(steps + 1)             # every step: crossing times to a fraction of a step
        run = simulate_depth(task, depth=L, eta=ps["eta"], steps=steps, record=record, a0=ps["r"] ** (1 / L),
                             rng=rng, data=data, n_eval=200)
        out.append(GDRun(L, ps["alpha"], ps["S"], ps["r"], ps["eta"], p, run.steps, run.strength))
    return tuple(out)


def euler_tolerance(L: int, rate_per_step: float, S_over_r: float) -> tuple[float, str]:
    r"""Tolerance on ``max_T |R_GD - R_flow| / S`` at depth L.

    In the factor variable the flow is ``da/du = f(a) = a^(L-1)(1 - a^L)`` (``u = eta p S^(2-2/L) t``,
    ``h = eta p S^(2-2/L)`` per step). Euler's local error ``h^2 f f'/2`` delays the curve by
    ``h^2 f'/2`` per step, in all ``(h/2) ln(f(a_end)/f(a_0))``: ``(h/2)((L-1)/L) ln(S/r)`` up to the
    steep part, plus ``O(h)`` after it. The curve's slope ``dy/du`` is at most
    ``m_L = max_y L y^(2-2/L)(1-y)``, so ``|Delta R|/S <= m_L (h/2)((L-1)/L ln(S/r) + 1)``; doubled.
    """
    beta = 2 - 2 / L
    y_star = beta / (1 + beta)
    slope = L * y_star**beta * (1 - y_star)
    tol = slope * rate_per_step * ((L - 1) / L * math.log(S_over_r) + 1)
    reason = (f"gradient descent vs gradient flow at depth {L}: Euler delay "
              r"$(h/2)((L-1)/L\,\ln(S/r)+1)$ times the largest slope $m_L$ of $R/S$ in $u$, doubled "
              f"($h = \\eta p S^{{2-2/L}} \\le {rate_per_step:.3g}$ per step)")
    return float(tol), reason


def numpy_function(expr: sp.Basic, symbols: tuple):
    """``lambdify`` to NumPy; to mpmath (element by element) where the expression holds a
    hypergeometric function NumPy lacks."""
    if expr.has(sp.hyper):
        import mpmath

        f = sp.lambdify(symbols, expr, modules="mpmath")
        return np.vectorize(lambda *xs: float(mpmath.re(f(*xs))))
    return sp.lambdify(symbols, expr, modules="numpy")


def invert_increasing(func, targets: np.ndarray, lo: float, hi: float, iterations: int = 56) -> np.ndarray:
    """Solve ``func(x) = target`` for each target by bisection on ``[lo, hi]`` (``func`` increasing)."""
    targets = np.asarray(targets, dtype=float)
    a = np.full(targets.shape, lo, dtype=float)
    b = np.full(targets.shape, hi, dtype=float)
    with np.errstate(all="ignore"):
        for _ in range(iterations):
            mid = (a + b) / 2
            below = func(mid) < targets
            a = np.where(below, mid, a)
            b = np.where(below, b, mid)
    return (a + b) / 2
