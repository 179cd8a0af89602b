"""Tests of numeric_check.simulation.extended and numeric_check.simulation.width3: Eq. 16 on data, simulations, bad input."""
import numpy as np
import pytest

from numeric_check.simulation.data import SparseParity
from numeric_check.simulation.extended import (SkillFeatures, rotation_with_uniform_column, simulate_calibrated,
                                    simulate_dc_shot, simulate_width, width_layout)
from numeric_check.validation import ArgumentError
from numeric_check.simulation.width3 import gradient, labels, loss, simulate_width3


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_eq16_properties_on_data(seed):
    task = SparseParity(n_s=3, n_b=40, m=3, alpha=0.6, S=1.0)
    feats = SkillFeatures(task=task, skill=1, Dc=24, seed=seed)
    rng = np.random.default_rng(seed)
    on = task.sample(40000, rng, skill=1)
    e = feats.values(on)
    # (i) orthonormal given I = k: Monte-Carlo error of each entry ~ 1/sqrt(n) = 0.005.
    gram = e.T @ e / len(on)
    assert np.max(np.abs(gram - np.eye(24))) < 6 * 24 / np.sqrt(len(on))
    # (iii) exact: the normalised sum is g_k.
    assert np.allclose(e.sum(axis=1) / np.sqrt(24), task.signs(on), atol=1e-12)
    # (ii) exact: zero off skill k.
    off = task.sample(2000, rng)
    vals = feats.values(off)
    assert np.all(vals[off.skill != 1] == 0)


def test_parities_are_exactly_orthonormal_on_all_inputs():
    task = SparseParity(n_s=1, n_b=10, m=3)
    feats = SkillFeatures(task=task, skill=0, Dc=8, seed=3)
    codes = np.arange(2**10, dtype=np.uint64)[:, None]
    from numeric_check.simulation.data import Batch
    batch = Batch(skill=np.zeros(2**10, dtype=np.int32), bits=codes)
    e = feats.values(batch)
    assert np.allclose(e.T @ e / 2**10, np.eye(8), atol=1e-12)


def test_rotation_first_column_uniform():
    Q = rotation_with_uniform_column(7, np.random.default_rng(1))
    assert np.allclose(Q.T @ Q, np.eye(7)) and np.allclose(Q[:, 0], 7**-0.5)


def test_dc_shot_interpolates_when_d_ge_dc():
    # 40 samples of 6 i.i.d. sign features span R^6 except with probability ~ 6 * 2^-40.
    run = simulate_dc_shot(d=40, Dc=6, steps=3000, draws=20, rng=np.random.default_rng(0))
    assert np.allclose(run.R, 1.0, atol=1e-6) and np.allclose(run.loss, 0.0, atol=1e-6)


def test_dc_shot_loss_identity_at_min_norm():
    # Eq. 8 at the minimum-norm solution: L_k = (S/2)(S - R_k), not Eq. 10's (S - R_k)^2/2, draw by draw.
    run = simulate_dc_shot(d=4, Dc=16, S=2.0, steps=3000, draws=30, rng=np.random.default_rng(1), init=1e-4)
    assert np.allclose(run.loss, 0.5 * 2.0 * (2.0 - run.R), atol=1e-3)


def test_calibrated_balanced_start():
    run = simulate_calibrated(task=SparseParity(n_s=2, n_b=6, S=1.0), D=100, B=0.2, R0=0.01, eta=0.1,
                              steps=3, rng=np.random.default_rng(0))
    assert np.allclose(run.R[0], 0.01)


def test_width_layout_matches_eq19():
    for nc in range(1, 6):
        for n in range(1, 30):
            q, r = width_layout(n, nc)
            assert 1 <= r <= nc and (q - 1) * nc + r == n


def test_width3_gradient_matches_finite_differences():
    theta = np.array([0.7, 1.1, 0.9, -0.3])
    h = 1e-6
    fd = [(loss(theta + h * np.eye(4)[i], 1.5) - loss(theta - h * np.eye(4)[i], 1.5)) / (2 * h) for i in range(4)]
    assert np.allclose(gradient(theta, 1.5), fd, atol=1e-6)


def test_width3_labels_are_parity():
    assert labels(2.0).tolist() == [2, -2, -2, 2, -2, 2, 2, -2]


@pytest.mark.parametrize("call", [
    lambda: simulate_dc_shot(d=-1, Dc=4, rng=np.random.default_rng(0)),
    lambda: simulate_dc_shot(d=2, Dc=0, rng=np.random.default_rng(0)),
    lambda: simulate_dc_shot(d=2, Dc=2.5, rng=np.random.default_rng(0)),
    lambda: simulate_dc_shot(d=2, Dc=4, rng=0),
    lambda: simulate_dc_shot(d=2, Dc=4, model="cubic", rng=np.random.default_rng(0)),
    lambda: simulate_width(N=0, Nc=4, alpha=0.6, n_s=3, rng=np.random.default_rng(0)),
    lambda: simulate_width(N=3, Nc=0, alpha=0.6, n_s=3, rng=np.random.default_rng(0)),
    lambda: simulate_width(N=3, Nc=1.5, alpha=0.6, n_s=3, rng=np.random.default_rng(0)),
    lambda: simulate_calibrated(task=SparseParity(n_s=1, n_b=3), D=10, B=1.5, R0=0.1, eta=0.1, steps=1,
                                rng=np.random.default_rng(0)),
    lambda: simulate_calibrated(task=SparseParity(n_s=1, n_b=3), D=10, B=0.0, R0=0.1, eta=0.1, steps=1,
                                rng=np.random.default_rng(0)),
    lambda: SkillFeatures(task=SparseParity(n_s=1, n_b=5), skill=0, Dc=10),
    lambda: simulate_width3(theta0=[1, 1, 1], S=1.0, eta=0.1, steps=1),
    lambda: simulate_width3(theta0=[1, 1, 1, 0], S=1.0, eta=10.0, steps=100),
])
def test_bad_input_is_one_line_argument_error(call):
    with pytest.raises(ArgumentError) as info:
        call()
    assert "\n" not in str(info.value)
