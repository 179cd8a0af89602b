"""Emergence and saturation times measured in a simulation of the multilinear model (App. D).

The model is trained by gradient descent on a stratified dataset and ``R_k/S`` is recorded at
every step; the emergent time ``tau^(e)_k`` is the first time ``R_k/S`` reaches ``eps``, the
saturation time ``tau^(s)_k`` the time from ``eps`` to ``1 - eps`` (the definitions behind the
paper's Eq. 40), both linearly interpolated between steps. Nothing here uses Eq. 40 itself.

Examples
--------
>>> steps = np.arange(5)
>>> values = np.array([[0.0, 0.0], [0.1, 0.3], [0.2, 0.6], [0.3, 0.9], [0.4, 1.0]])
>>> crossing_times(steps, values, 0.25).tolist()
[2.5, 0.8333333333333334]
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from numeric_check.simulation.data import SparseParity
from numeric_check.simulation.multilinear import simulate

__all__ = ["crossing_times", "MeasuredTimes", "measured_times"]


def crossing_times(steps: np.ndarray, values: np.ndarray, level: float) -> np.ndarray:
    """First time each column of ``values`` (rising) reaches ``level``, linearly interpolated.

    Parameters
    ----------
    steps : numpy.ndarray
        ``(n,)`` times of the rows of ``values``.
    values : numpy.ndarray
        ``(n, m)`` rising curves, one per column.
    level : float
        The level to cross.

    Returns
    -------
    numpy.ndarray
        ``(m,)`` crossing times; NaN where a curve never reaches ``level`` or starts at or above it.
    """
    out = np.full(values.shape[1], np.nan)
    for j in range(values.shape[1]):
        above = np.flatnonzero(values[:, j] >= level)
        if above.size and above[0] > 0:
            i = above[0]
            v0, v1 = values[i - 1, j], values[i, j]
            out[j] = steps[i - 1] + (level - v0) / (v1 - v0) * (steps[i] - steps[i - 1])
    return out


@dataclass(frozen=True)
class MeasuredTimes:
    """Emergent and saturation times measured in one simulation, with its settings."""

    freq: np.ndarray        # d_k / D of the (stratified) training set
    eta: float
    counts: np.ndarray      # d_k
    emergent: np.ndarray    # tau^(e)_k, interpolated between steps
    saturation: np.ndarray  # tau^(s)_k


def measured_times(*, alpha_: float, S_: float, r_: float, eps_: float, n_s: int, rng: np.random.Generator,
                   c1: float = 0.02, D_: int = 20000, margin: float = 1.2) -> MeasuredTimes:
    """Train the multilinear model and measure when each ``R_k/S`` crosses ``eps_`` and ``1 - eps_``.

    The dataset is stratified (``d_k = D P_s(k)``), the learning rate makes the per-step rate
    ``2 eta (d_1/D) S`` of skill 1 equal to ``c1``, and the run lasts until the rarest skill has
    saturated (``margin`` times the logistic estimate of that time).

    Parameters
    ----------
    alpha_, S_ : float
        Data exponent and target scale of the task.
    r_ : float
        Initial strength ``R_k(0) = a_k(0) b_k(0)`` of every skill (balanced start).
    eps_ : float
        Threshold on ``R_k/S``.
    n_s : int
        Number of skills (all modelled).
    rng : numpy.random.Generator
        Source of the dataset and of the evaluation samples.
    c1 : float
        Per-step rate of the most frequent skill.
    D_ : int
        Number of training samples.
    margin : float
        Length of the run relative to the estimated saturation of the rarest skill.

    Returns
    -------
    MeasuredTimes
        Frequencies, learning rate, counts and the measured times.
    """
    task = SparseParity(n_s=n_s, n_b=3 * n_s, alpha=alpha_, S=S_)
    data = task.stratified_dataset(D_, rng)
    freq = data.counts / data.counts.sum()
    eta_ = c1 / (2 * freq[0] * S_)
    steps = int((np.log(S_ / r_) + 2 * np.log(1 / eps_)) / (2 * eta_ * freq[-1] * S_) * margin)
    record = np.arange(steps + 1)
    run = simulate(task, n_features=n_s, eta=eta_, steps=steps, record=record, a0=np.sqrt(r_), b0=np.sqrt(r_),
                   rng=rng, data=data, n_eval=20, n_test=500)
    x = run.strength / S_
    t_e = crossing_times(record, x, eps_)
    return MeasuredTimes(freq, eta_, data.counts, t_e, crossing_times(record, x, 1 - eps_) - t_e)
