import numpy as np
import pytest

from numeric_check.simulation.data import SparseParity
from numeric_check.simulation.multilinear import simulate, simulate_linear
from numeric_check.validation import ArgumentError

TASK = SparseParity(n_s=4, n_b=12, alpha=0.5)


def test_strength_measured_on_fresh_probes_equals_ab():
    rng = np.random.default_rng(0)
    run = simulate(TASK, n_features=3, eta=0.1, steps=50, record=[0, 50], a0=0.2, b0=0.3, rng=rng, batch_size=100)
    assert np.allclose(run.strength[0], 0.06)
    assert run.parameters["N"] == 3 and run.parameters["batch_size"] == 100


def test_full_batch_is_deterministic_and_loss_decreases():
    def go():
        rng = np.random.default_rng(5)
        return simulate(TASK, n_features=4, eta=0.2, steps=300, record=[0, 100, 300], a0=0.1, b0=0.1, rng=rng,
                        data=TASK.dataset(500, rng))
    one, two = go(), go()
    assert np.array_equal(one.strength, two.strength)
    assert np.all(np.diff(one.train_loss) < 0)


def test_missing_skills_keep_the_full_loss():
    rng = np.random.default_rng(1)
    data = TASK.dataset(400, rng)
    run = simulate(TASK, n_features=1, eta=0.5, steps=3000, record=[3000], a0=0.1, b0=0.1, rng=rng, data=data)
    missing = data.counts[1:].sum() / 400
    assert run.train_loss[-1] == pytest.approx(missing * TASK.S**2 / 2, rel=1e-6)


@pytest.mark.parametrize("kwargs, word", [
    (dict(n_features=5), "N"),
    (dict(eta=0), "eta"),
    (dict(eta=float("nan")), "eta"),
    (dict(steps=-1), "steps"),
    (dict(record=[11]), "record"),
    (dict(batch_size=None), "batch_size"),
])
def test_bad_simulation_arguments(kwargs, word):
    base = dict(n_features=2, eta=0.1, steps=10, record=[0, 10], a0=0.1, b0=0.1, rng=np.random.default_rng(0),
                batch_size=10)
    base.update(kwargs)
    with pytest.raises(ArgumentError, match=word):
        simulate(TASK, **base)


def test_linear_model_runs():
    rng = np.random.default_rng(0)
    run = simulate_linear(TASK, n_features=2, eta=0.1, steps=10, record=[10], w0=0.0, rng=rng, batch_size=50)
    assert run.strength.shape == (1, 2)
