"""Multitask sparse parity data (Sec. 2 and App. B.1, Eqs. 1-4), seeded and stored compactly.

An input is ``n_s`` control bits (one-hot skill index) followed by ``n_b`` uniformly random
skill bits. Skill ``k`` (1-based in the paper, 0-based in arrays) reads ``m`` relevant bits;
the sets of different skills are mutually exclusive (the paper's experiments). The skill
index has ``P_s(k) ∝ k^-(alpha+1)`` (data exponent ``alpha``, Zipf exponent ``alpha + 1``) and the target is
``y = S * g_I(I, x)`` with ``g_k(k, x) = (-1)^(sum of the relevant bits)`` (even parity → +S).

A sample is stored as its skill index (``int32``) and its skill bits packed into
``ceil(n_b / 64)`` little-endian ``uint64`` words: 12 bytes a sample for ``n_b <= 64``, so
10^7 samples take 120 MB.

Examples
--------
>>> task = SparseParity(n_s=3, n_b=9, m=3, alpha=0.6, S=2.0)
>>> batch = task.sample(5, np.random.default_rng(0))
>>> batch.skill.shape, batch.bits.shape, batch.bits.dtype
((5,), (5, 1), dtype('uint64'))
>>> np.array_equal(task.targets(batch), 2.0 * task.basis(batch).sum(axis=1))
True
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator

import numpy as np

from numeric_check.validation import ArgumentError, integer, positive, seed

__all__ = ["SparseParity", "Batch", "Dataset", "skill_probabilities", "MAX_BITS", "MAX_SKILLS", "MAX_BATCH_BYTES"]

_WORD = 64

#: Bounds on sizes, from memory. ``n_b`` skill bits: a sample stores ``ceil(n_b/64)`` words and
#: :meth:`SparseParity.inputs` ``n_s + n_b`` floats, so 2**20 bits are 128 KiB packed and 4 MiB as
#: inputs a sample. ``n_s`` of :func:`skill_probabilities`: 10**8 skills are an 800 MB table.
#: A batch (or data set) of ``n`` samples takes ``n (4 + 8 ceil(n_b/64))`` bytes, at most 2**34
#: (16 GiB): 1.4 * 10**9 samples for ``n_b <= 64``.
MAX_BITS = 2**20
MAX_SKILLS = 10**8
MAX_BATCH_BYTES = 2**34


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def skill_probabilities(alpha: float, n_s: int) -> np.ndarray:
    """``P_s(k) = A k^-(alpha+1)``, ``A = 1 / sum_{j<=n_s} j^-(alpha+1)``, for ``k = 1..n_s`` (Eq. 1).

    The exact finite-``n_s`` skill frequencies, the one NumPy source of them (the data
    generator, the closed forms and the claims use it).

    Parameters
    ----------
    alpha : float
        Data exponent, ``> 0``; the Zipf exponent is ``alpha + 1``.
    n_s : int
        Number of skills, in ``[1, 10**8]`` (:data:`MAX_SKILLS`, an 800 MB table); the result
        has ``n_s`` entries.

    Returns
    -------
    numpy.ndarray
        ``P_s(1), ..., P_s(n_s)``, float64, decreasing, summing to 1 (to rounding).

    Examples
    --------
    >>> skill_probabilities(1.0, 2)
    array([0.8, 0.2])
    >>> skill_probabilities(alpha=1.0, n_s=3).round(6)
    array([0.734694, 0.183673, 0.081633])
    """
    alpha = positive("alpha", alpha)
    n_s = integer("n_s", n_s, minimum=1, maximum=MAX_SKILLS)
    # Log-space weights so that large alpha (k^-(alpha+1) underflow) stays finite.
    logw = -(alpha + 1.0) * np.log(np.arange(1, n_s + 1, dtype=np.float64))
    weights = np.exp(logw - logw.max())
    return weights / weights.sum()


@dataclass(frozen=True)
class Batch:
    """Samples: ``skill`` (0-based int32, shape (n,)) and packed skill ``bits`` (n, words)."""

    skill: np.ndarray
    bits: np.ndarray

    def __len__(self) -> int:
        return int(self.skill.shape[0])

    @property
    def nbytes(self) -> int:
        return int(self.skill.nbytes + self.bits.nbytes)


@dataclass(frozen=True)
class Dataset(Batch):
    """A fixed training set of ``D`` samples with its per-skill counts ``d_k`` (``counts``)."""

    counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


@dataclass(frozen=True)
class SparseParity:
    """The multitask sparse parity task.

    Parameters
    ----------
    n_s, n_b, m : int
        Skills (control bits), skill bits, relevant bits per skill; ``m * n_s <= n_b`` and
        ``n_b <= 2**20`` (:data:`MAX_BITS`: 128 KiB a packed sample, 4 MiB as network inputs).
    alpha : float
        Data exponent (> 0): ``P_s(k) ∝ k^-(alpha+1)``.
    S : float
        Target scale (> 0).
    layout_seed : int or None
        ``None`` gives skill ``k`` the bits ``k*m .. k*m+m-1``; an integer in ``[0, 2**32 - 1]``
        draws the mutually exclusive sets at random (reproducibly) from all ``n_b`` positions.

    A batch of ``n`` samples takes ``n (4 + 8 ceil(n_b/64))`` bytes; :meth:`sample`,
    :meth:`dataset` and :meth:`stratified_dataset` refuse more than 2**34 bytes
    (:data:`MAX_BATCH_BYTES`).
    """

    n_s: int
    n_b: int
    m: int = 3
    alpha: float = 0.6
    S: float = 1.0
    layout_seed: int | None = None

    def __post_init__(self):
        n_b = integer("n_b", self.n_b, minimum=1, maximum=MAX_BITS, maximum_name="2**20")
        n_s = integer("n_s", self.n_s, minimum=1, maximum=n_b, maximum_name="n_b")
        m = integer("m", self.m, minimum=1, maximum=n_b, maximum_name="n_b")
        if m * n_s > n_b:
            raise ArgumentError(f"m*n_s must be <= n_b for mutually exclusive bit sets; got m*n_s={m * n_s} > n_b={n_b}")
        positive("alpha", self.alpha)
        positive("S", self.S)
        if self.layout_seed is not None:
            object.__setattr__(self, "layout_seed", seed("layout_seed", self.layout_seed))
        for name, value in (("n_s", n_s), ("n_b", n_b), ("m", m)):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "alpha", float(self.alpha))
        object.__setattr__(self, "S", float(self.S))

    # ----------------------------------------------------------------- structure
    @property
    def words(self) -> int:
        return -(-self.n_b // _WORD)

    @cached_property
    def relevant_bits(self) -> np.ndarray:
        """(n_s, m) positions of each skill's relevant bits, mutually exclusive."""
        if self.layout_seed is None:
            return _frozen(np.arange(self.n_s * self.m).reshape(self.n_s, self.m))
        order = np.random.default_rng(self.layout_seed).permutation(self.n_b)
        return _frozen(np.sort(order[: self.n_s * self.m].reshape(self.n_s, self.m), axis=1))

    @cached_property
    def masks(self) -> np.ndarray:
        """(n_s, words) uint64 masks selecting each skill's relevant bits."""
        masks = np.zeros((self.n_s, self.words), dtype=np.uint64)
        rel = self.relevant_bits
        for j in range(self.m):  # m is small (3): loop over bit slots, vectorised over skills
            word, bit = np.divmod(rel[:, j], _WORD)
            np.bitwise_or.at(masks, (np.arange(self.n_s), word), np.left_shift(np.uint64(1), bit.astype(np.uint64)))
        return _frozen(masks)

    @cached_property
    def probabilities(self) -> np.ndarray:
        """``P_s(k)`` for ``k = 1..n_s`` (array index ``k - 1``)."""
        return _frozen(skill_probabilities(self.alpha, self.n_s))

    # ----------------------------------------------------------------- sampling
    def _count(self, name: str, n, *, minimum: int = 0) -> int:
        """``n`` samples, an integer >= ``minimum`` whose batch fits in :data:`MAX_BATCH_BYTES`."""
        most = MAX_BATCH_BYTES // (4 + 8 * self.words)
        return integer(name, n, minimum=minimum, maximum=most,
                       maximum_name=f"{most} (2**34 bytes at {4 + 8 * self.words} bytes a sample)")

    def _bits(self, n: int, rng: np.random.Generator) -> np.ndarray:
        bits = rng.integers(0, np.iinfo(np.uint64).max, size=(n, self.words), dtype=np.uint64, endpoint=True)
        spare = self.words * _WORD - self.n_b
        if spare:
            bits[:, -1] &= np.uint64((1 << (_WORD - spare)) - 1)
        return bits

    def sample(self, n: int, rng: np.random.Generator, *, skill: int | None = None) -> Batch:
        """``n`` i.i.d. samples; with ``skill`` (0-based) all samples are of that skill (K.3)."""
        n = self._count("n", n)
        if not isinstance(rng, np.random.Generator):
            raise ArgumentError("rng must be a numpy.random.Generator")
        if skill is None:
            # Inverse-CDF sampling: exact categorical draws, O(n log n_s).
            cdf = np.cumsum(self.probabilities)  # a fresh, writable array
            cdf[-1] = 1.0
            idx = np.searchsorted(cdf, rng.random(n), side="right").astype(np.int32)
        else:
            skill = integer("skill", skill, minimum=0, maximum=self.n_s - 1)
            idx = np.full(n, skill, dtype=np.int32)
        return Batch(skill=idx, bits=self._bits(n, rng))

    def dataset(self, D: int, rng: np.random.Generator) -> Dataset:
        """A fixed training set of ``D`` samples with counts ``d_k``."""
        D = self._count("D", D)
        batch = self.sample(D, rng)
        counts = np.bincount(batch.skill, minlength=self.n_s).astype(np.int64)
        return Dataset(skill=batch.skill, bits=batch.bits, counts=counts)

    def stratified_dataset(self, D: int, rng: np.random.Generator) -> Dataset:
        """A training set whose counts are ``d_k = D P_s(k)`` rounded (largest remainders), so that
        ``d_k / D`` equals ``P_s(k)`` up to ``1/D``; the skill bits are i.i.d. uniform as usual.

        Used where a check needs the ``D -> infinity`` frequencies without binomial noise.
        """
        D = self._count("D", D, minimum=1)
        exact = D * self.probabilities
        counts = np.floor(exact).astype(np.int64)
        counts[np.argsort(counts - exact)[: D - counts.sum()]] += 1
        skill = np.repeat(np.arange(self.n_s, dtype=np.int32), counts)
        return Dataset(skill=skill, bits=self._bits(D, rng), counts=counts)

    def stream(self, batch_size: int, rng: np.random.Generator) -> Iterator[Batch]:
        """Endless fresh batches (the paper's ``D -> infinity``)."""
        batch_size = self._count("batch_size", batch_size, minimum=1)
        while True:
            yield self.sample(batch_size, rng)

    # ----------------------------------------------------------------- functions of samples
    def signs(self, batch: Batch) -> np.ndarray:
        """``g_I(I, x)`` per sample: +1 for even parity of the relevant bits, else -1 (int8)."""
        chosen = self.masks[batch.skill] & batch.bits
        parity = np.bitwise_count(chosen).sum(axis=1, dtype=np.int64) & 1
        return (1 - 2 * parity).astype(np.int8)

    def basis(self, batch: Batch, n_features: int | None = None) -> np.ndarray:
        """``g_k(i, x)`` for every sample and ``k = 1..n_features`` (default ``n_s``): (n, N) int8.

        Supports are disjoint (Eq. 3): row ``j`` has its single non-zero entry, ``±1``, in
        column ``skill[j]`` (when that is ``< n_features``).
        """
        n_features = self.n_s if n_features is None else integer("n_features", n_features, minimum=1, maximum=self.n_s, maximum_name="n_s")
        out = np.zeros((len(batch), n_features), dtype=np.int8)
        rows = np.flatnonzero(batch.skill < n_features)
        out[rows, batch.skill[rows]] = self.signs(batch)[rows]
        return out

    def targets(self, batch: Batch) -> np.ndarray:
        """``y = S * g_I(I, x)`` (Eq. 4), float64."""
        return self.S * self.signs(batch).astype(np.float64)

    def unpack_bits(self, batch: Batch) -> np.ndarray:
        """Skill bits as an (n, n_b) uint8 array of 0/1."""
        as_bytes = batch.bits.astype("<u8", copy=False).view(np.uint8).reshape(len(batch), -1)
        return np.unpackbits(as_bytes, axis=1, bitorder="little")[:, : self.n_b]

    def inputs(self, batch: Batch, dtype=np.float32) -> np.ndarray:
        """Network inputs: one-hot control bits then skill bits, shape (n, n_s + n_b)."""
        out = np.zeros((len(batch), self.n_s + self.n_b), dtype=dtype)
        out[np.arange(len(batch)), batch.skill] = 1
        out[:, self.n_s:] = self.unpack_bits(batch)
        return out
