"""Direct simulation of the multilinear model ``f(i, x) = sum_{k<=N} a_k b_k g_k(i, x)``
(Eq. 9), trained by gradient descent on the empirical MSE with the factor 1/2 (Eq. 5/28).

Written from the model, not from its solution: at every step the model's output is computed
on the samples, the residual ``y - f`` is formed, and the gradient of
``(1/2n) sum_j (y_j - f_j)^2`` with respect to ``a`` and ``b`` is accumulated over the samples
(``np.bincount`` over the samples' skill index: no loop over samples or skills). Gradient
descent with learning rate ``eta`` and one unit of time per step is the Euler discretisation
of the gradient flow ``theta' = -eta dL/dtheta``.

Skill strength is measured as the paper does (K.3): the mean of ``f(k, x) g_k(k, x)`` over
fresh samples of skill ``k``, fixed for the run.

Examples
--------
>>> from numeric_check.simulation.data import SparseParity
>>> task = SparseParity(n_s=4, n_b=12, m=3, alpha=0.5, S=1.0)
>>> rng = np.random.default_rng(0)
>>> run = simulate(task, n_features=4, eta=0.5, steps=2000, record=[0, 2000], a0=0.1, b0=0.1,
...                rng=rng, data=task.dataset(400, rng))
>>> run.strength[0].round(3).tolist(), bool(np.all(run.strength[-1] > 0.99))
([0.01, 0.01, 0.01, 0.01], True)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from numeric_check.simulation.data import Batch, Dataset, SparseParity, skill_probabilities
from numeric_check.validation import ArgumentError, integer, positive

__all__ = ["Trajectory", "simulate", "model_output", "measure_strength", "simulate_linear", "population_loss", "train_on_datasets"]


@dataclass(frozen=True)
class Trajectory:
    """Recorded quantities of one run: ``steps`` (T), ``strength`` (R_k, shape (len, N)),
    ``train_loss`` (on the training set or the current batch) and ``test_loss`` (fresh samples),
    plus the run's ``parameters``."""

    steps: np.ndarray
    strength: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    parameters: dict


def model_output(coef: np.ndarray, task: SparseParity, batch: Batch) -> np.ndarray:
    """``f = sum_k coef_k g_k`` on a batch; ``coef = a * b`` (multilinear) or ``w`` (linear)."""
    n = coef.shape[0]
    inside = batch.skill < n
    out = np.zeros(len(batch), dtype=np.float64)
    out[inside] = coef[batch.skill[inside]] * task.signs(batch)[inside]
    return out


def measure_strength(coef: np.ndarray, task: SparseParity, probes: list[Batch]) -> np.ndarray:
    """R_k as K.3 measures it: mean of ``f(k, x) g_k(k, x)`` over the probe samples of skill k."""
    return np.array([np.mean(model_output(coef, task, probe) * task.signs(probe)) for probe in probes])


def population_loss(strength: np.ndarray, task: SparseParity) -> np.ndarray:
    """The loss over the task's skill distribution from measured strengths (Eqs. 6, 10):
    ``1/2 sum_k P_s(k) (S - R_k)^2``, with ``R_k = 0`` for the skills ``k > N`` the model lacks.

    ``strength`` has shape ``(..., N)`` (a :class:`Trajectory`'s ``strength``); the result has shape ``(...)``.

    Examples
    --------
    >>> task = SparseParity(n_s=3, n_b=9, m=3, alpha=1.0, S=1.0)
    >>> bool(population_loss(np.array([1.0, 1.0]), task) == 0.5 * skill_probabilities(1.0, 3)[2])
    True
    """
    strength = np.asarray(strength, dtype=np.float64)
    n = strength.shape[-1]
    if n > task.n_s:
        raise ArgumentError(f"strength has {n} skills; the task has n_s = {task.n_s}")
    P = skill_probabilities(task.alpha, task.n_s)
    return 0.5 * (np.sum(P[:n] * (task.S - strength) ** 2, axis=-1) + task.S**2 * np.sum(P[n:]))


def train_on_datasets(task: SparseParity, datasets, *, eta: float, steps: int, a0: float, b0: float) -> np.ndarray:
    """Full-batch gradient descent of the multilinear model (Eq. 9, all ``n_s`` basis functions) on each of
    several training sets at once; returns the final ``R_k = a_k b_k``, shape ``(len(datasets), n_s)``.

    Each set's loss is its own ``(1/2D) sum_j (y_j - f_j)^2``; the sets are independent. The gradient of
    a skill with no sample in a set is exactly 0, so only the (set, seen skill) pairs are stored and
    updated: a step costs ``O(total samples)``, and unseen skills keep ``a0 b0``.

    Examples
    --------
    >>> task = SparseParity(n_s=5, n_b=5, m=1, alpha=1.0, S=1.0)
    >>> rng = np.random.default_rng(0)
    >>> data = [task.dataset(30, rng) for _ in range(2)]
    >>> R = train_on_datasets(task, data, eta=1.0, steps=2000, a0=0.1, b0=0.1)
    >>> bool(np.all(np.where(np.stack([d.counts for d in data]) > 0, np.abs(R - 1) < 1e-6, R == 0.01)))
    True
    """
    if not isinstance(task, SparseParity):
        raise ArgumentError("task must be a numeric_check.simulation.data.SparseParity")
    datasets = list(datasets)
    if not datasets or not all(isinstance(d, Batch) and len(d) >= 1 for d in datasets):
        raise ArgumentError("datasets must be a non-empty list of non-empty numeric_check.simulation.data.Dataset")
    eta = positive("eta", eta)
    steps = integer("steps", steps, minimum=0)
    a0, b0 = float(_initial("a0", a0, 1)[0]), float(_initial("b0", b0, 1)[0])
    sizes = np.array([len(d) for d in datasets])
    which = np.repeat(np.arange(len(datasets)), sizes)
    skill = np.concatenate([d.skill for d in datasets]).astype(np.int64)
    sign = np.concatenate([task.signs(d) for d in datasets]).astype(np.float64)
    y = task.S * sign
    weight = sign / sizes[which]                     # d/dcoef of (1/2D)(y - coef g)^2 is -(y - f) g / D
    pairs, index = np.unique(which * task.n_s + skill, return_inverse=True)
    a, b = np.full(pairs.size, a0), np.full(pairs.size, b0)
    for _ in range(steps):
        resid = y - (a * b)[index] * sign
        dcoef = -np.bincount(index, weights=resid * weight, minlength=pairs.size)
        a, b = a - eta * dcoef * b, b - eta * dcoef * a
    R = np.full((len(datasets), task.n_s), a0 * b0)
    R.reshape(-1)[pairs] = a * b
    return R


def _initial(name: str, value, n: int) -> np.ndarray:
    arr = np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).copy()
    if not np.all(np.isfinite(arr)):
        raise ArgumentError(f"{name} must be finite")
    return arr


def _check(task, n_features, eta, steps, record, data, batch_size, rng):
    if not isinstance(task, SparseParity):
        raise ArgumentError("task must be a numeric_check.simulation.data.SparseParity")
    n_features = integer("N (n_features)", n_features, minimum=1, maximum=task.n_s, maximum_name="n_s")
    eta = positive("eta", eta)
    steps = integer("steps", steps, minimum=0)
    record = np.unique(np.asarray(record, dtype=np.int64))
    if record.size == 0 or record[0] < 0 or record[-1] > steps:
        raise ArgumentError(f"record must hold step numbers in [0, steps={steps}]")
    if data is None:
        if batch_size is None:
            raise ArgumentError("give either data (full-batch GD) or batch_size (SGD on fresh batches)")
        batch_size = integer("batch_size", batch_size, minimum=1)
    elif not isinstance(data, Batch) or len(data) < 1:
        raise ArgumentError("data must be a non-empty numeric_check.simulation.data.Dataset (D >= 1)")
    if not isinstance(rng, np.random.Generator):
        raise ArgumentError("rng must be a numpy.random.Generator")
    return n_features, eta, steps, record, batch_size


def _run(task, coef_of, grads_of, params, *, n_features, eta, steps, record, data, batch_size, rng, n_eval,
         n_test, info):
    probes = [task.sample(n_eval, rng, skill=k) for k in range(n_features)]
    # K.3: R_k = mean over the probes of f(k, x) g_k(k, x); with f = coef_k g_k on skill k this is
    # coef_k * mean(g_k^2), computed from the probes' own basis values.
    probe_sq = np.array([np.mean(task.signs(pr).astype(np.float64) ** 2) for pr in probes])
    test = task.sample(n_test, rng)
    y_test = task.targets(test)
    test_inside = test.skill < n_features
    test_skill, test_sign = test.skill[test_inside], task.signs(test)[test_inside].astype(np.float64)
    if data is not None:
        y_data, s_data = task.targets(data), task.signs(data).astype(np.float64)
        inside = data.skill < n_features
        skills, y_in, s_in = data.skill[inside], y_data[inside], s_data[inside]
        n = len(data)
        # Loss of samples whose skill the model lacks: (y - 0)^2 = S^2, a constant.
        outside_sq = float(np.sum(y_data[~inside] ** 2))
    out_steps, out_R, out_train, out_test = [], [], [], []
    want = set(int(s) for s in record)
    for step in range(steps + 1):
        if data is None:
            batch = task.sample(batch_size, rng)
            y, s = task.targets(batch), task.signs(batch).astype(np.float64)
            inside = batch.skill < n_features
            skills, y_in, s_in, n = batch.skill[inside], y[inside], s[inside], len(batch)
            outside_sq = float(np.sum(y[~inside] ** 2))
        coef = coef_of(params)
        f = coef[skills] * s_in
        resid = y_in - f
        if step in want:
            out_steps.append(step)
            out_R.append(coef * probe_sq)
            out_train.append((np.sum(resid**2) + outside_sq) / (2 * n))
            f_test = np.zeros(len(test))
            f_test[test_inside] = coef[test_skill] * test_sign
            out_test.append(np.mean((y_test - f_test) ** 2) / 2)
        if step == steps:
            break
        # dL/d coef_k = -(1/n) sum_{j: skill k} (y_j - f_j) g_k(x_j)
        dcoef = -np.bincount(skills, weights=resid * s_in, minlength=n_features) / n
        for p, g in zip(params, grads_of(params, dcoef)):
            p -= eta * g
    return Trajectory(np.array(out_steps), np.array(out_R), np.array(out_train), np.array(out_test), info)


def simulate(task: SparseParity, *, n_features: int, eta: float, steps: int, record, a0, b0,
             rng: np.random.Generator, data: Dataset | None = None, batch_size: int | None = None,
             n_eval: int = 2000, n_test: int = 20000) -> Trajectory:
    """Train the multilinear model by gradient descent and record R_k and the losses.

    Parameters
    ----------
    task : SparseParity
    n_features : int
        N, the number of skill basis functions in the model (the N most frequent skills).
    eta : float
        Learning rate; one step is one unit of gradient-flow time.
    steps : int
        Number of gradient steps.
    record : array of int
        Steps at which to record (0 = initialisation).
    a0, b0 : float or array
        Initial ``a_k(0)``, ``b_k(0)`` (scalars broadcast to all k).
    rng : numpy.random.Generator
    data : Dataset, optional
        Fixed training set (full-batch GD on its empirical loss, Eq. 28).
    batch_size : int, optional
        Without ``data``: SGD on fresh batches of this size (``D -> infinity``).
    n_eval, n_test : int
        Fresh samples per skill for R_k (K.3) and for the test loss.

    Returns
    -------
    Trajectory
    """
    n_features, eta, steps, record, batch_size = _check(task, n_features, eta, steps, record, data, batch_size, rng)
    a = _initial("a0", a0, n_features)
    b = _initial("b0", b0, n_features)
    info = dict(model="multilinear", n_s=task.n_s, n_b=task.n_b, m=task.m, alpha=task.alpha, S=task.S,
                N=n_features, eta=eta, steps=steps, D=None if data is None else len(data), batch_size=batch_size)
    # dL/da_k = dL/dcoef_k * b_k and dL/db_k = dL/dcoef_k * a_k (chain rule through coef = a b).
    return _run(task, lambda ps: ps[0] * ps[1], lambda ps, dc: (dc * ps[1], dc * ps[0]), [a, b],
                n_features=n_features, eta=eta, steps=steps, record=record, data=data, batch_size=batch_size,
                rng=rng, n_eval=n_eval, n_test=n_test, info=info)


def simulate_linear(task: SparseParity, *, n_features: int, eta: float, steps: int, record, w0,
                    rng: np.random.Generator, data: Dataset | None = None, batch_size: int | None = None,
                    n_eval: int = 2000, n_test: int = 20000) -> Trajectory:
    """Train the linear model ``f = sum_k w_k g_k`` (Eq. 124) the same way as :func:`simulate`."""
    n_features, eta, steps, record, batch_size = _check(task, n_features, eta, steps, record, data, batch_size, rng)
    w = _initial("w0", w0, n_features)
    info = dict(model="linear", n_s=task.n_s, n_b=task.n_b, m=task.m, alpha=task.alpha, S=task.S,
                N=n_features, eta=eta, steps=steps, D=None if data is None else len(data), batch_size=batch_size)
    return _run(task, lambda ps: ps[0], lambda ps, dc: (dc,), [w],
                n_features=n_features, eta=eta, steps=steps, record=record, data=data, batch_size=batch_size,
                rng=rng, n_eval=n_eval, n_test=n_test, info=info)
