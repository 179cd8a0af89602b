"""Simulations of the extended multilinear models (Sec. 5, Apps. F and H), in NumPy only.

* :class:`SkillFeatures` — concrete functions ``e_{k,l}`` that satisfy Eq. 16 exactly: an
  orthogonal rotation of ``D_c`` distinct parity (Walsh) functions of the skill bits, one of
  them ``g_k``, whose first column is uniform so that ``sum_l e_{k,l} / sqrt(D_c) = g_k``.
* :func:`simulate_calibrated` — gradient descent of the B-scaled model (Eq. 13) on a dataset.
* :func:`simulate_dc_shot` — gradient descent of the D_c-shot model (Eq. 15), or of its linear
  version (Eq. 126), on ``d_k`` samples of one skill, vectorised over many draws of the samples.
* :func:`simulate_width` — the N_c model (Eq. 18) with ``D -> infinity`` (population loss).

Everything is written from the model's loss and gradient; no derived formula is used.
Skill strengths are computed exactly from the Walsh expansion: ``f = sum_m c_m chi_m`` with
orthonormal parities ``chi_m`` and ``chi_0 = g_k`` gives ``R_k = c_0`` (Eq. 7) and
``E_X[f^2] = |c|^2``.

Examples
--------
>>> task = SparseParity(n_s=1, n_b=12, m=3)
>>> feats = SkillFeatures(task=task, skill=0, Dc=8, seed=1)
>>> batch = task.sample(5, np.random.default_rng(0), skill=0)
>>> e = feats.values(batch)
>>> bool(np.allclose(e.sum(axis=1) / np.sqrt(8), task.signs(batch)))
True
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from numeric_check.simulation.data import SparseParity, skill_probabilities
from numeric_check.validation import ArgumentError, finite, integer, open_interval, positive, unit_interval

__all__ = [
    "SkillFeatures", "rotation_with_uniform_column", "simulate_calibrated", "CalibratedRun",
    "simulate_dc_shot", "DcShotRun", "simulate_width", "WidthRun", "width_layout",
]

_WORD = 64


def _rng(rng) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise ArgumentError("rng must be a numpy.random.Generator")
    return rng


def rotation_with_uniform_column(n: int, rng: np.random.Generator) -> np.ndarray:
    """A random orthogonal ``n x n`` matrix ``Q`` whose first column is ``1/sqrt(n)``.

    ``Q = H diag(1, Q')`` with ``Q'`` Haar-random and ``H`` the Householder reflection that maps
    the first unit vector to the uniform unit vector.

    Examples
    --------
    >>> Q = rotation_with_uniform_column(4, np.random.default_rng(0))
    >>> bool(np.allclose(Q @ Q.T, np.eye(4))), bool(np.allclose(Q[:, 0], 0.5))
    (True, True)
    """
    n = integer("Dc", n, minimum=1)
    rng = _rng(rng)
    inner = np.eye(n)
    if n > 2:
        g = rng.standard_normal((n - 1, n - 1))
        qq, rr = np.linalg.qr(g)
        inner[1:, 1:] = qq * np.sign(np.diag(rr))
    elif n == 2:
        inner[1, 1] = rng.choice([-1.0, 1.0])
    u = np.full(n, 1.0 / np.sqrt(n))
    v = np.zeros(n)
    v[0] = 1.0
    diff = v - u
    norm2 = diff @ diff
    H = np.eye(n) if norm2 < 1e-30 else np.eye(n) - 2.0 * np.outer(diff, diff) / norm2
    return H @ inner


@dataclass(frozen=True)
class SkillFeatures:
    """Basis functions ``e_{k,l}``, ``l = 1..D_c``, of one skill satisfying Eq. 16 exactly.

    Parity 0 is ``g_k`` (the skill's relevant bits); parity ``l >= 1`` is a pivot bit outside
    them plus random later bits, so the ``D_c`` parities are linearly independent over GF(2):
    for uniform ``x`` they are i.i.d. signs, hence orthonormal and exchangeable. Then
    ``e = Q chi`` with :func:`rotation_with_uniform_column`. Needs ``n_b >= m + D_c - 1``.

    Parameters
    ----------
    task : SparseParity
    skill : int
        0-based skill index ``k - 1``.
    Dc : int
        Number of basis functions (``D_c`` of Eq. 15, or ``N_c`` of Eq. 18).
    seed : int
        Seed of the parity subsets and of the rotation.
    """

    task: SparseParity
    skill: int
    Dc: int
    seed: int = 0

    def __post_init__(self):
        if not isinstance(self.task, SparseParity):
            raise ArgumentError("task must be a SparseParity")
        integer("skill", self.skill, minimum=0, maximum=self.task.n_s - 1)
        integer("Dc", self.Dc, minimum=1)
        free = self.task.n_b - self.task.m
        if self.Dc - 1 > free:
            raise ArgumentError(f"Dc must be <= n_b - m + 1 = {free + 1} for Dc independent parities; got {self.Dc}")

    @cached_property
    def _masks_and_rotation(self):
        rng = np.random.default_rng(self.seed)
        task = self.task
        relevant = task.relevant_bits[self.skill]
        others = np.setdiff1d(np.arange(task.n_b), relevant)
        others = rng.permutation(others)
        masks = np.zeros((self.Dc, task.words), dtype=np.uint64)
        masks[0] = task.masks[self.skill]
        for l in range(1, self.Dc):  # one mask per parity, built once (Dc is small)
            later = others[l:]
            chosen = np.concatenate(([others[l - 1]], later[rng.random(later.size) < 0.5]))
            word, bit = np.divmod(chosen, _WORD)
            np.bitwise_or.at(masks[l], word, np.left_shift(np.uint64(1), bit.astype(np.uint64)))
        Q = rotation_with_uniform_column(self.Dc, rng)
        masks.setflags(write=False)
        Q.setflags(write=False)
        return masks, Q

    @property
    def masks(self) -> np.ndarray:
        """(D_c, words) masks of the parities; row 0 is ``g_k``'s relevant bits."""
        return self._masks_and_rotation[0]

    @property
    def rotation(self) -> np.ndarray:
        """The orthogonal ``Q`` with ``e = Q chi`` (first column uniform)."""
        return self._masks_and_rotation[1]

    def parities(self, batch) -> np.ndarray:
        """``chi_m(i, x)`` as an (n, D_c) float array: ``±1`` on this skill, 0 elsewhere."""
        chosen = batch.bits[:, None, :] & self.masks[None, :, :]
        parity = np.bitwise_count(chosen).sum(axis=2, dtype=np.int64) & 1
        chi = (1 - 2 * parity).astype(np.float64)
        chi[batch.skill != self.skill] = 0.0
        return chi

    def values(self, batch) -> np.ndarray:
        """``e_{k,l}(i, x)`` for every sample: an (n, D_c) float array (Eq. 16)."""
        return self.parities(batch) @ self.rotation.T

    def walsh(self, w: np.ndarray) -> np.ndarray:
        """Walsh coefficients ``c = Q^T w`` of ``f = sum_l w_l e_l`` (last axis of ``w``)."""
        return np.asarray(w) @ self.rotation


# ---------------------------------------------------------------------- calibrated model (Eq. 13)
@dataclass(frozen=True)
class CalibratedRun:
    """Trajectory of :func:`simulate_calibrated`: ``times`` (n_rec,), ``R`` (n_rec, n_s) and the
    skill frequencies ``p = d_k / D`` of the dataset."""

    times: np.ndarray
    R: np.ndarray
    p: np.ndarray


def simulate_calibrated(*, task: SparseParity, D: int, B: float, R0: float, eta: float, steps: int,
                        rng: np.random.Generator, record_every: int = 1) -> CalibratedRun:
    """Full-batch gradient descent of ``f = sum_k a_k b_k B g_k`` (Eq. 13) on ``D`` samples.

    Loss ``(1/2D) sum_j (y_j - f(x_j))^2``; balanced start ``a_k = b_k = sqrt(R0 / B)`` so that
    ``R_k(0) = B a_k b_k = R0``. Gradient-flow time after ``n`` steps is ``n * eta``.

    Examples
    --------
    >>> run = simulate_calibrated(task=SparseParity(n_s=2, n_b=6, S=1.0), D=200, B=0.5, R0=0.01,
    ...                           eta=0.1, steps=10, rng=np.random.default_rng(0))
    >>> run.R.shape, float(run.R[0, 0])
    ((11, 2), 0.01)
    """
    B = unit_interval("B", B)
    R0 = open_interval("R0", R0, 0.0, task.S, high_name="S")
    eta = positive("eta", eta)
    steps = integer("steps", steps, minimum=0)
    record_every = integer("record_every", record_every, minimum=1)
    data = task.dataset(integer("D", D, minimum=1), _rng(rng))
    G = task.basis(data).astype(np.float64)          # (D, n_s): g_k(x_j)
    y = task.targets(data)                            # (D,)
    n = G.shape[0]
    a = np.full(task.n_s, np.sqrt(R0 / B))
    b = a.copy()
    times, Rs = [0.0], [B * a * b]
    for step in range(1, steps + 1):
        residual = G @ (B * a * b) - y                # f(x_j) - y_j
        common = B * (G.T @ residual) / n             # dL/d(a_k b_k) / ... per skill
        a, b = a - eta * common * b, b - eta * common * a
        if step % record_every == 0:
            times.append(step * eta)
            Rs.append(B * a * b)
    return CalibratedRun(np.array(times), np.array(Rs), data.counts / n)


# ---------------------------------------------------------------------- D_c-shot model (Eq. 15)
@dataclass(frozen=True)
class DcShotRun:
    """Result of :func:`simulate_dc_shot` for ``draws`` independent training sets.

    ``R``, ``loss`` (skill loss ``L_k``), ``norm2`` (``E_X[f^2]``): final values, shape (draws,).
    ``min_norm_distance``: ``|w - w_mn|`` against the pseudo-inverse solution (draws,).
    ``times``, ``R_history`` (n_rec, draws): the trajectory. ``conserved_drift``: max over time of
    ``|(a^2 - |B|^2)(t) - (a^2 - |B|^2)(0)|`` (draws,) and ``span_drift``: max of
    ``|(I - U U^T)(B(t) - B(0))|`` (draws,) — Lemmas 3 and 2. ``gradient``: final gradient norm.
    ``a_history``, ``B2_history`` (n_rec, draws): ``a(t)`` and ``|B(t)|^2``; ``features`` (draws, d,
    D_c): ``e(x_j)``; ``B_initial``, ``B_final`` (draws, D_c).
    """

    d: int
    Dc: int
    R: np.ndarray
    loss: np.ndarray
    norm2: np.ndarray
    min_norm_distance: np.ndarray
    times: np.ndarray
    R_history: np.ndarray
    conserved_drift: np.ndarray
    span_drift: np.ndarray
    gradient: np.ndarray
    a_history: np.ndarray
    B2_history: np.ndarray
    features: np.ndarray
    B_initial: np.ndarray
    B_final: np.ndarray


def simulate_dc_shot(*, d: int, Dc: int, S: float = 1.0, init: float = 1e-3, eta: float = 0.1,
                     steps: int = 2000, draws: int = 200, rng: np.random.Generator,
                     model: str = "multilinear", record_every: int = 50, seed: int = 0,
                     n_b: int | None = None) -> DcShotRun:
    """Gradient descent of the extended model of one skill on ``d`` of its samples, for many
    independent draws of the samples at once.

    ``model="multilinear"`` is Eq. 15, ``f = a sum_l B_l e_l`` with ``a(0) = init`` and
    ``B(0)`` Gaussian of norm about ``init``; ``model="linear"`` is Eq. 126, ``f = sum_l W_l e_l``
    from ``W(0) = 0``. Loss ``(1/2d) sum_j (y_j - f(x_j))^2`` (the factor ``d_k/D`` of Eq. 11 only
    rescales time). Targets come from the task (the parity), features from
    :class:`SkillFeatures` with ``D_c`` functions; ``n_b`` defaults to ``m + D_c - 1`` bits.

    Examples
    --------
    >>> run = simulate_dc_shot(d=4, Dc=8, steps=3000, draws=3, rng=np.random.default_rng(0))
    >>> bool(np.all(run.min_norm_distance < 1e-3))
    True
    """
    d = integer("d_k", d, minimum=0)
    Dc = integer("Dc", Dc, minimum=1)
    S = positive("S", S)
    init = positive("init", init)
    eta = positive("eta", eta)
    steps = integer("steps", steps, minimum=0)
    draws = integer("draws", draws, minimum=1)
    record_every = integer("record_every", record_every, minimum=1)
    if model not in ("multilinear", "linear"):
        raise ArgumentError(f"model must be multilinear or linear; got {model!r}")
    rng = _rng(rng)
    m = 3
    n_b = m + Dc - 1 if n_b is None else integer("n_b", n_b, minimum=m + Dc - 1)
    task = SparseParity(n_s=1, n_b=max(n_b, m), m=m, S=S)
    feats = SkillFeatures(task=task, skill=0, Dc=Dc, seed=seed)
    batch = task.sample(draws * d, rng, skill=0)
    E = feats.values(batch).reshape(draws, d, Dc)      # E[j] = e(x_j)
    y = task.targets(batch).reshape(draws, d)
    scale = 1.0 / max(d, 1)

    if model == "multilinear":
        a = np.full(draws, init)
        Bv = rng.standard_normal((draws, Dc)) * (init / np.sqrt(Dc))
    else:
        a = np.ones(draws)
        Bv = np.zeros((draws, Dc))
    B0, c0 = Bv.copy(), a**2 - np.einsum("nl,nl->n", Bv, Bv)
    # Projector onto the orthogonal complement of span{e(x_j)} (Lemma 2's I - U U^T).
    if d:
        U, sv, _ = np.linalg.svd(np.swapaxes(E, 1, 2), full_matrices=False)
        keep = sv > sv.max(axis=1, keepdims=True) * 1e-10
        U = U * keep[:, None, :]
        perp = np.eye(Dc)[None] - U @ np.swapaxes(U, 1, 2)
    else:
        perp = np.broadcast_to(np.eye(Dc), (draws, Dc, Dc))
    times, history = [0.0], [feats.walsh(a[:, None] * Bv)[:, 0]]
    a_hist, b2_hist = [a.copy()], [np.einsum("nl,nl->n", Bv, Bv)]
    conserved = np.zeros(draws)
    span = np.zeros(draws)
    grad_norm = np.zeros(draws)
    for step in range(1, steps + 1):
        w = a[:, None] * Bv
        residual = np.einsum("njl,nl->nj", E, w) - y            # f(x_j) - y_j
        grad_w = scale * np.einsum("njl,nj->nl", E, residual)   # dL/dw
        if model == "multilinear":
            grad_a = np.einsum("nl,nl->n", Bv, grad_w)
            grad_B = a[:, None] * grad_w
            a, Bv = a - eta * grad_a, Bv - eta * grad_B
            grad_norm = np.sqrt(grad_a**2 + np.einsum("nl,nl->n", grad_B, grad_B))
        else:
            Bv = Bv - eta * grad_w
            grad_norm = np.sqrt(np.einsum("nl,nl->n", grad_w, grad_w))
        if step % record_every == 0 or step == steps:
            times.append(step * eta)
            history.append(feats.walsh(a[:, None] * Bv)[:, 0])
            a_hist.append(a.copy())
            b2_hist.append(np.einsum("nl,nl->n", Bv, Bv))
            if model == "multilinear":
                conserved = np.maximum(conserved, np.abs(a**2 - np.einsum("nl,nl->n", Bv, Bv) - c0))
                drift = np.einsum("nlm,nm->nl", perp, Bv - B0)
                span = np.maximum(span, np.sqrt(np.einsum("nl,nl->n", drift, drift)))
    w = a[:, None] * Bv
    coeffs = feats.walsh(w)
    R = coeffs[:, 0]
    norm2 = np.einsum("nl,nl->n", coeffs, coeffs)
    loss = 0.5 * (S**2 + norm2 - 2.0 * S * R)
    if d:
        w_mn = np.einsum("nlj,nj->nl", np.linalg.pinv(E), y)
    else:
        w_mn = np.zeros_like(w)
    dist = np.sqrt(np.einsum("nl,nl->n", w - w_mn, w - w_mn))
    return DcShotRun(d, Dc, R, loss, norm2, dist, np.array(times), np.array(history),
                     conserved, span, grad_norm, np.array(a_hist), np.array(b2_hist), E, B0, Bv)


# ---------------------------------------------------------------------- N_c model (Eq. 18)
def width_layout(N: int, Nc: int) -> tuple[int, int]:
    """``(q, r)`` of Eq. 19: ``q = floor((N - 1)/N_c) + 1`` and ``(q - 1) N_c + r = N``.

    Examples
    --------
    >>> [width_layout(N, 4) for N in (1, 4, 5, 9)]
    [(1, 1), (1, 4), (2, 1), (3, 1)]
    """
    N = integer("N", N, minimum=1)
    Nc = integer("Nc", Nc, minimum=1)
    q = (N - 1) // Nc + 1
    return q, N - (q - 1) * Nc


@dataclass(frozen=True)
class WidthRun:
    """Result of :func:`simulate_width`: final ``R`` (n_s,), ``counts`` of basis functions per
    skill (n_s,), ``times`` and ``R_history`` (n_rec, n_s)."""

    R: np.ndarray
    counts: np.ndarray
    times: np.ndarray
    R_history: np.ndarray


def simulate_width(*, N: int, Nc: int, alpha: float, n_s: int, S: float = 1.0, init: float = 1e-3,
                   eta: float = 1.0, steps: int = 4000, rng: np.random.Generator,
                   record_every: int = 50) -> WidthRun:
    """Gradient descent of the N_c model (Eq. 18) on the population loss (``D -> infinity``).

    The ``N`` basis functions go to skills in frequency order, ``N_c`` each (Eq. 19); skill
    ``k`` gets ``e_{k,l} = sum_m Q_{lm} chi_m`` for its first ``n_k`` rows of a rotation ``Q``
    with uniform first column (Eq. 20). The loss is ``sum_k P_s(k) (1/2) E_X[(S g_k - f)^2]``
    with the expectation taken exactly over uniform ``x``, where the parities ``chi_m`` are
    orthonormal: ``E_X[(S chi_0 - sum_l w_l e_l)^2] = |S u_0 - Q_n^T w|^2``.

    Examples
    --------
    >>> run = simulate_width(N=5, Nc=4, alpha=0.6, n_s=3, steps=3000, rng=np.random.default_rng(0))
    >>> np.round(run.R, 2)
    array([1.  , 0.25, 0.  ])
    """
    N = integer("N", N, minimum=1)
    Nc = integer("Nc", Nc, minimum=1)
    n_s = integer("n_s", n_s, minimum=1)
    S = positive("S", S)
    init = positive("init", init)
    eta = positive("eta", eta)
    steps = integer("steps", steps, minimum=0)
    record_every = integer("record_every", record_every, minimum=1)
    rng = _rng(rng)
    P = skill_probabilities(alpha, n_s)
    counts = np.clip(N - Nc * np.arange(n_s), 0, Nc)              # Eq. 19: Nc, ..., Nc, r, 0, ...
    Q = np.stack([rotation_with_uniform_column(Nc, rng) for _ in range(n_s)])   # (n_s, Nc, Nc)
    mask = (np.arange(Nc)[None, :] < counts[:, None]).astype(np.float64)      # rows that exist
    target = np.zeros(Nc)
    target[0] = S                                                 # S g_k = S chi_0
    a = np.full(n_s, init)
    Bm = rng.standard_normal((n_s, Nc)) * (init / np.sqrt(Nc)) * mask

    def strength(a, Bm):
        return np.einsum("kl,kl->k", (a[:, None] * Bm), Q[:, :, 0])   # coefficient of chi_0

    times, history = [0.0], [strength(a, Bm)]
    for step in range(1, steps + 1):
        w = a[:, None] * Bm
        coeff = np.einsum("klm,kl->km", Q, w)                     # Walsh coefficients of f on skill k
        grad_w = P[:, None] * np.einsum("klm,km->kl", Q, coeff - target) * mask
        grad_a = np.einsum("kl,kl->k", Bm, grad_w)
        a, Bm = a - eta * grad_a, Bm - eta * a[:, None] * grad_w
        if step % record_every == 0 or step == steps:
            times.append(step * eta)
            history.append(strength(a, Bm))
    return WidthRun(strength(a, Bm), counts, np.array(times), np.array(history))
