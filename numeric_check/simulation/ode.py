"""A fixed-step classical Runge-Kutta (RK4) integrator for autonomous ODEs ``dy/dt = rate(y)``.

Used to solve a derived flow (e.g. the App. G network's Eqs. 120-123 as re-derived) at a step
far smaller than the gradient-descent step it is compared with.

Examples
--------
>>> times, values = integrate_rk4(lambda y: -y, [1.0], dt=0.01, n_steps=100)
>>> float(times[-1]), bool(abs(values[-1, 0] - np.exp(-1.0)) < 1e-9)
(1.0, True)
"""
from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["integrate_rk4"]


def integrate_rk4(rate: Callable[[np.ndarray], np.ndarray], y0, *, dt: float,
                  n_steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Integrate ``dy/dt = rate(y)`` from ``y(0) = y0`` with ``n_steps`` RK4 steps of size ``dt``.

    The integration stops early, without recording the offending step, as soon as a step
    leaves the finite numbers (a flow that blows up); overflow inside ``rate`` is silenced
    for the duration of the integration.

    Parameters
    ----------
    rate : callable
        ``rate(y)`` returns ``dy/dt`` as an array of the shape of ``y``.
    y0 : array_like
        Initial state.
    dt : float
        Step size.
    n_steps : int
        Number of steps.

    Returns
    -------
    times : numpy.ndarray
        ``(m,)`` times ``0, dt, 2 dt, ...`` of the recorded states (``m <= n_steps + 1``).
    values : numpy.ndarray
        ``(m, len(y0))`` states at ``times``.

    Examples
    --------
    A flow that overflows the doubles within its first step ends the record at once:

    >>> times, values = integrate_rk4(lambda y: 1e300 * y**2, [1.0], dt=0.5, n_steps=4)
    >>> times.tolist()
    [0.0]
    """
    y = np.array(y0, dtype=float)
    out, grid = [y.copy()], [0.0]
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(n_steps):
            k1 = rate(y)
            k2 = rate(y + dt / 2 * k1)
            k3 = rate(y + dt / 2 * k2)
            k4 = rate(y + dt * k3)
            y = y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            if not np.all(np.isfinite(y)):
                break
            out.append(y.copy())
            grid.append((i + 1) * dt)
    return np.array(grid), np.array(out)
