"""Gradient descent of the depth-L model: every factor trained, from the loss."""
import numpy as np
import pytest

from numeric_check.simulation.data import SparseParity
from numeric_check.simulation.depth import crossing_steps, other_products, simulate_depth
from numeric_check.simulation.multilinear import simulate, simulate_linear
from numeric_check.validation import ArgumentError


def _setup(seed=0, alpha=0.5, S=1.0, D=300):
    task = SparseParity(n_s=3, n_b=9, m=3, alpha=alpha, S=S)
    rng = np.random.default_rng(seed)
    return task, task.dataset(D, rng), rng


def test_other_products_by_brute_force():
    f = np.random.default_rng(1).normal(size=(4, 5))
    f[2, 3] = 0.0
    expected = np.array([[np.prod(np.delete(f[:, j], l)) for j in range(5)] for l in range(4)])
    assert np.allclose(other_products(f), expected, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("seed", [0, 1])
def test_depth_2_is_the_multilinear_simulation(seed):
    task, data, rng = _setup(seed)
    rec = np.arange(0, 801, 40)
    deep = simulate_depth(task, depth=2, eta=0.3, steps=800, record=rec, a0=0.1, rng=rng, data=data)
    flat = simulate(task, n_features=3, eta=0.3, steps=800, record=rec, a0=0.1, b0=0.1, rng=rng, data=data, n_eval=200)
    assert np.allclose(deep.strength, flat.strength, rtol=1e-12, atol=1e-14)
    assert np.allclose(deep.train_loss, flat.train_loss, rtol=1e-12)


def test_depth_1_is_the_linear_simulation():
    task, data, rng = _setup(2)
    rec = np.arange(0, 301, 30)
    deep = simulate_depth(task, depth=1, eta=0.3, steps=300, record=rec, a0=0.02, rng=rng, data=data)
    lin = simulate_linear(task, n_features=3, eta=0.3, steps=300, record=rec, w0=0.02, rng=rng, data=data, n_eval=200)
    assert np.allclose(deep.strength, lin.strength, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("L", [3, 4])
def test_balanced_gd_is_the_factor_recursion(L):
    # balanced: each factor follows a <- a + eta p (S - a^L) a^(L-1), p = d_k/D
    task, data, rng = _setup(3, S=2.0)
    eta, steps, a0 = 0.05, 300, 0.4
    run = simulate_depth(task, depth=L, eta=eta, steps=steps, record=np.arange(steps + 1), a0=a0, rng=rng, data=data)
    p = data.counts / len(data)
    a, b = np.full(3, a0), np.full(3, a0 ** (L / (L + 1)))      # b: a wrong depth L + 1, same start R
    right, wrong = [a**L], [b ** (L + 1)]
    for _ in range(steps):
        a = a + eta * p * (2.0 - a**L) * a ** (L - 1)
        b = b + eta * p * (2.0 - b ** (L + 1)) * b**L
        right.append(a**L)
        wrong.append(b ** (L + 1))
    assert np.allclose(run.strength, np.array(right), rtol=1e-10)
    assert np.max(np.abs(run.strength - np.array(wrong))) > 0.1


def test_unbalanced_start_and_bad_input():
    task, data, rng = _setup(4)
    run = simulate_depth(task, depth=3, eta=0.1, steps=10, record=[0, 10], a0=np.full((3, 3), 0.2), rng=rng, data=data)
    assert run.strength.shape == (2, 3)
    for kwargs, match in ((dict(depth=0), "depth"), (dict(depth=2.5), "depth"), (dict(eta=-1), "eta"),
                          (dict(a0=np.ones((2, 2))), "a0"), (dict(record=[20]), "record")):
        args = dict(depth=3, eta=0.1, steps=10, record=[0], a0=0.2, rng=rng, data=data) | kwargs
        with pytest.raises(ArgumentError, match=match):
            simulate_depth(task, **args)


def test_crossing_steps_interpolates_and_reports_never():
    values = np.array([[0.0, 0.0], [0.5, 0.1], [1.0, 0.2]])
    out = crossing_steps(np.array([0, 2, 4]), values, 0.75)
    assert out[0] == 3.0 and np.isnan(out[1])
