import subprocess
import sys

import mpmath
import numpy as np
import pytest

from numeric_check.simulation.data import SparseParity, skill_probabilities
from numeric_check.validation import ArgumentError


def _chi_square_p_value(observed, expected):
    stat = float(np.sum((observed - expected) ** 2 / expected))
    dof = len(observed) - 1
    return float(mpmath.gammainc(dof / 2, stat / 2, mpmath.inf, regularized=True))


@pytest.mark.parametrize("alpha, n_s, seed", [(0.6, 5, 0), (0.3, 20, 1), (1.5, 8, 2)])
def test_frequencies_follow_P_s(alpha, n_s, seed):
    """Pearson chi-square at significance 1e-3: a correct sampler fails once in 1000 seeds."""
    task = SparseParity(n_s=n_s, n_b=3 * n_s, alpha=alpha)
    n = 200_000
    counts = np.bincount(task.sample(n, np.random.default_rng(seed)).skill, minlength=n_s)
    assert _chi_square_p_value(counts, n * task.probabilities) > 1e-3


def test_the_goodness_of_fit_test_can_fail():
    task = SparseParity(n_s=5, n_b=15, alpha=0.6)
    wrong = SparseParity(n_s=5, n_b=15, alpha=0.7)
    counts = np.bincount(task.sample(200_000, np.random.default_rng(0)).skill, minlength=5)
    assert _chi_square_p_value(counts, 200_000 * wrong.probabilities) < 1e-3


def test_probabilities_normalised_and_stable_for_large_alpha():
    assert np.isclose(skill_probabilities(0.6, 1000).sum(), 1.0)
    p = skill_probabilities(10.0, 10**5)
    assert np.all(np.isfinite(p)) and np.isclose(p.sum(), 1.0)


def test_basis_is_orthogonal_on_the_data():
    """Eq. 3: g_k g_k' = delta_{I k} delta_{k k'} pointwise, so the Gram matrix is diag(counts)."""
    task = SparseParity(n_s=7, n_b=25, alpha=0.5, layout_seed=3)
    batch = task.sample(20_000, np.random.default_rng(1))
    G = task.basis(batch).astype(np.int64)
    counts = np.bincount(batch.skill, minlength=7)
    assert np.array_equal(G.T @ G, np.diag(counts))


def test_targets_are_S_times_sum_of_basis():
    task = SparseParity(n_s=4, n_b=70, alpha=0.5, S=2.5, layout_seed=0)  # two words of bits
    batch = task.sample(5000, np.random.default_rng(2))
    assert np.array_equal(task.targets(batch), 2.5 * task.basis(batch).sum(axis=1))


def test_parity_matches_unpacked_bits():
    task = SparseParity(n_s=3, n_b=80, alpha=0.5, layout_seed=7)
    batch = task.sample(3000, np.random.default_rng(3))
    bits = task.unpack_bits(batch)
    rel = task.relevant_bits[batch.skill]
    parity = bits[np.arange(len(batch))[:, None], rel].astype(np.int64).sum(axis=1) % 2
    assert np.array_equal(task.signs(batch), 1 - 2 * parity)
    assert bits[:, :80].mean() == pytest.approx(0.5, abs=0.01)


def test_same_seed_same_samples():
    task = SparseParity(n_s=5, n_b=32)
    one = task.sample(100, np.random.default_rng(42))
    two = task.sample(100, np.random.default_rng(42))
    assert np.array_equal(one.skill, two.skill) and np.array_equal(one.bits, two.bits)


def test_compact_storage():
    task = SparseParity(n_s=5, n_b=32)
    batch = task.sample(100_000, np.random.default_rng(0))
    assert batch.nbytes == 100_000 * 12  # so 10^7 samples take 120 MB


def test_dataset_counts_and_stream():
    task = SparseParity(n_s=5, n_b=32)
    data = task.dataset(1000, np.random.default_rng(0))
    assert data.counts.sum() == 1000 and np.array_equal(data.counts, np.bincount(data.skill, minlength=5))
    stream = task.stream(64, np.random.default_rng(0))
    assert len(next(stream)) == 64 and len(next(stream)) == 64


@pytest.mark.parametrize("kwargs, word", [
    (dict(n_s=5, n_b=14, m=3), "m*n_s"),
    (dict(n_s=0, n_b=14), "n_s"),
    (dict(n_s=2, n_b=14, alpha=0), "alpha"),
    (dict(n_s=2, n_b=14, alpha=-1), "alpha"),
    (dict(n_s=2, n_b=14, S=0), "S"),
    (dict(n_s=2, n_b=14, S="x"), "S"),
    (dict(n_s=2.5, n_b=14), "n_s"),
])
def test_bad_task_arguments(kwargs, word):
    with pytest.raises(ArgumentError, match=word):
        SparseParity(**kwargs)


def test_bad_sample_arguments():
    task = SparseParity(n_s=2, n_b=6)
    with pytest.raises(ArgumentError, match="D"):
        task.dataset(-1, np.random.default_rng(0))
    with pytest.raises(ArgumentError, match="skill"):
        task.sample(3, np.random.default_rng(0), skill=2)


def test_numeric_check_never_imports_sympy():
    code = ("import pkgutil, importlib, sys, numeric_check\n"
            "for m in pkgutil.iter_modules(numeric_check.__path__):\n"
            "    importlib.import_module('numeric_check.' + m.name)\n"
            "bad = [n for n in ('sympy', 'mpmath', 'scipy') if n in sys.modules]\n"
            "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], check=True)
