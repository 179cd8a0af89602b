"""Gradient descent of the depth-L model ``f(i, x) = sum_{k<=N} (prod_{l<=L} a_k^(l)) g_k(i, x)``
on sampled multitask sparse parity data (beyond the paper: L = 1 is the linear model of
Eq. 124, L = 2 the multilinear model of Eq. 9).

Written from the model, not from its solution: at every step the output is computed on the
training samples, the residual ``y - f`` is formed, the gradient of
``(1/2D) sum_j (y_j - f_j)^2`` with respect to each skill's coefficient is accumulated over the
samples (``np.bincount`` over the skill index), and every factor is moved along its own
gradient ``dL/da^(l) = dL/dcoef * prod_{j != l} a^(j)`` (products of the other factors from
prefix and suffix products, so a factor that is zero is handled). One step is one unit of
gradient-flow time at learning rate ``eta``.

Skill strength is measured as K.3 does: the mean of ``f(k, x) g_k(k, x)`` over fresh samples of
skill ``k`` (:func:`numeric_check.simulation.multilinear.measure_strength`).

Examples
--------
>>> from numeric_check.simulation.data import SparseParity
>>> task = SparseParity(n_s=3, n_b=9, m=3, alpha=0.5, S=1.0)
>>> rng = np.random.default_rng(0)
>>> run = simulate_depth(task, depth=3, eta=0.5, steps=3000, record=[0, 3000], a0=0.3, rng=rng,
...                      data=task.dataset(300, rng))
>>> run.strength[0].round(3).tolist(), bool(np.all(run.strength[-1] > 0.99))
([0.027, 0.027, 0.027], True)
"""
from __future__ import annotations

import numpy as np

from numeric_check.simulation.data import Dataset, SparseParity
from numeric_check.simulation.multilinear import Trajectory, measure_strength
from numeric_check.validation import ArgumentError, integer, positive

__all__ = ["simulate_depth", "other_products", "crossing_steps", "flow_curve", "MAX_DEPTH"]

MAX_DEPTH = 64


def other_products(factors: np.ndarray) -> np.ndarray:
    """``prod_{j != l} factors[j]`` for every ``l`` (shape ``(L, N)`` in and out).

    Examples
    --------
    >>> other_products(np.array([[2.0], [3.0], [0.0]])).ravel().tolist()
    [0.0, 0.0, 6.0]
    """
    L = factors.shape[0]
    prefix = np.ones_like(factors)
    suffix = np.ones_like(factors)
    for l in range(1, L):
        prefix[l] = prefix[l - 1] * factors[l - 1]
        suffix[L - 1 - l] = suffix[L - l] * factors[L - l]
    return prefix * suffix


def simulate_depth(task: SparseParity, *, depth: int, eta: float, steps: int, record, a0,
                   rng: np.random.Generator, data: Dataset, n_features: int | None = None,
                   n_eval: int = 500) -> Trajectory:
    """Train every factor of the depth-L model by full-batch gradient descent on ``data``.

    Parameters
    ----------
    task : SparseParity
    depth : int
        L, the number of factors per skill, in ``[1, 64]``.
    eta : float
        Learning rate (> 0); one step is one unit of time.
    steps : int
        Number of gradient steps (>= 0).
    record : array of int
        Steps at which R_k and the training loss are recorded.
    a0 : float or array
        Initial factors: a scalar (every factor of every skill), an ``(N,)`` array (all factors
        of skill k equal: the balanced start) or an ``(L, N)`` array.
    rng : numpy.random.Generator
        For the K.3 probe samples.
    data : Dataset
        The fixed training set (``d_k`` samples of skill k).
    n_features : int, optional
        N, the number of skills in the model (default ``n_s``).
    n_eval : int
        Probe samples per skill for R_k.

    Returns
    -------
    Trajectory
        ``strength`` (recorded R_k), ``train_loss`` (Eq. 11's empirical loss), ``test_loss``
        (nan: not measured), ``parameters``.
    """
    if not isinstance(task, SparseParity):
        raise ArgumentError("task must be a numeric_check.simulation.data.SparseParity")
    L = integer("depth", depth, minimum=1, maximum=MAX_DEPTH)
    N = task.n_s if n_features is None else integer("n_features", n_features, minimum=1, maximum=task.n_s,
                                                    maximum_name="n_s")
    eta = positive("eta", eta)
    steps = integer("steps", steps, minimum=0)
    record = np.unique(np.asarray(record, dtype=np.int64))
    if record.size == 0 or record[0] < 0 or record[-1] > steps:
        raise ArgumentError(f"record must hold step numbers in [0, steps={steps}]")
    if not isinstance(data, Dataset) or len(data) < 1:
        raise ArgumentError("data must be a non-empty numeric_check.simulation.data.Dataset")
    if not isinstance(rng, np.random.Generator):
        raise ArgumentError("rng must be a numpy.random.Generator")
    start = np.asarray(a0, dtype=np.float64)
    if start.ndim == 2 and start.shape != (L, N):
        raise ArgumentError(f"a0 must be a scalar, shape ({N},) or ({L}, {N}); got {start.shape}")
    factors = np.broadcast_to(start, (L, N)).copy()
    if not np.all(np.isfinite(factors)):
        raise ArgumentError("a0 must be finite")
    probes = [task.sample(n_eval, rng, skill=k) for k in range(N)]
    y, s = task.targets(data), task.signs(data).astype(np.float64)
    inside = data.skill < N
    skills, y_in, s_in, n = data.skill[inside], y[inside], s[inside], len(data)
    outside_sq = float(np.sum(y[~inside] ** 2))
    want = set(int(v) for v in record)
    out_steps, out_R, out_train = [], [], []
    for step in range(steps + 1):
        coef = np.prod(factors, axis=0)
        resid = y_in - coef[skills] * s_in
        if step in want:
            out_steps.append(step)
            out_R.append(measure_strength(coef, task, probes))
            out_train.append((np.sum(resid**2) + outside_sq) / (2 * n))
        if step == steps:
            break
        dcoef = -np.bincount(skills, weights=resid * s_in, minlength=N) / n   # dL/dcoef_k
        factors -= eta * dcoef[None, :] * other_products(factors)
    info = dict(model=f"depth-{L}", n_s=task.n_s, n_b=task.n_b, m=task.m, alpha=task.alpha, S=task.S, N=N,
                depth=L, eta=eta, steps=steps, D=len(data))
    return Trajectory(np.array(out_steps), np.array(out_R), np.array(out_train),
                      np.full(len(out_steps), np.nan), info)


def crossing_steps(steps: np.ndarray, values: np.ndarray, level: float) -> np.ndarray:
    """For each column of ``values`` (increasing in time), the time it first reaches ``level``,
    interpolated linearly between recorded steps (``nan`` if never).

    Examples
    --------
    >>> crossing_steps(np.array([0, 10, 20]), np.array([[0.0], [0.4], [0.8]]), 0.6).tolist()
    [15.0]
    """
    steps = np.asarray(steps, dtype=float)
    out = np.full(values.shape[1], np.nan)
    for j in range(values.shape[1]):
        above = np.flatnonzero(values[:, j] >= level)
        if above.size == 0:
            continue
        i = above[0]
        if i == 0:
            out[j] = steps[0]
            continue
        v0, v1 = values[i - 1, j], values[i, j]
        out[j] = steps[i - 1] + (level - v0) / (v1 - v0) * (steps[i] - steps[i - 1])
    return out


def flow_curve(depth: int, rho: float, *, points: int = 400001, z_max: float = 40.0) -> tuple[np.ndarray, np.ndarray]:
    """The balanced gradient flow of one skill, tabulated: ``(u, y)`` with ``y = R/S`` and
    ``u = eta p S^(2-2/L) t``, from the model's flow ``dy/du = L y^(2-2/L) (1 - y)`` (each factor
    ``a`` obeys ``da/dt = eta p (S - a^L) a^(L-1)``; ``y = (a/S^(1/L))^L``) started at ``y = rho``.

    Integrated by the trapezoid rule in ``z = logit(y)``, where ``du/dz = y^(2/L-1)/L`` is smooth,
    on ``points`` nodes up to ``z = z_max`` (``1 - y ~ e^-40``); relative error about ``1e-9``.

    Examples
    --------
    >>> u, y = flow_curve(2, 0.01)
    >>> i = np.searchsorted(u, 1.0)
    >>> bool(abs(y[i] - 1 / (1 + 99 * np.exp(-2 * u[i]))) < 1e-8)      # L = 2: the logistic curve
    True
    """
    L = integer("depth", depth, minimum=1, maximum=MAX_DEPTH)
    rho = float(rho)
    if not 0 < rho < 1:
        raise ArgumentError(f"rho = r/S must lie in (0, 1), got {rho!r}")
    z = np.linspace(np.log(rho / (1 - rho)), z_max, integer("points", points, minimum=2, maximum=10**7))
    y = 1 / (1 + np.exp(-z))
    g = y ** (2.0 / L - 1) / L
    u = np.concatenate([[0.0], np.cumsum((g[1:] + g[:-1]) / 2 * np.diff(z))])
    return u, y
