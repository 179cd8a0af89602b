"""MLP experiments: a run learns a skill, is deterministic, resumes after a kill, refuses a
folder of another configuration; calibration recovers known constants."""
import json
from dataclasses import replace

import numpy as np
import pytest

from numeric_check.simulation.data import SparseParity
from numeric_check.closed_forms.emergence import data_emergence, time_emergence, width_emergence
from numeric_check.closed_forms.calibration import analyse, crossing, fit_constant
from numeric_check.networks.experiments import PRESETS, ExperimentSpec, load_results, run_experiment, runs_of, train_run
from numeric_check.networks.runner import fill_inputs
from numeric_check.validation import ArgumentError

TINY = ExperimentSpec("time", n_s_values=(1,), n_b=6, m=3, S=5.0, width=64, batch=200, steps=500, lr=0.03,
                      init_std=0.1, eval_every=50, eval_samples=500, seeds=(0,))


def test_a_tiny_run_learns_one_skill(tmp_path):
    result = train_run(runs_of(TINY)[0], tmp_path)
    assert result.done and result.steps[-1] == 500
    # A 3-bit parity among 6 bits with 32 ReLU units: learned within 500 SGD steps (seeds 0-2 reach R/S > 0.98 by step 400) at this lr
    # (R/S rises from ~0 to ~1); 0.9 leaves room for the K.3 Monte-Carlo error (500 samples).
    assert abs(result.R[0, 0]) < 0.1
    assert result.R[-1, 0] > 0.9
    assert result.L[-1, 0] < result.L[0, 0]


def test_runs_are_deterministic_and_resume_after_a_kill(tmp_path, kill_log):
    spec = replace(TINY, steps=200)
    run = runs_of(spec)[0]
    whole = train_run(run, tmp_path / "a")

    with pytest.raises(kill_log.Killed):
        train_run(run, tmp_path / "b", log=kill_log(100))
    log = tmp_path / "b" / "runs" / f"{run.name}.jsonl"
    with open(log, "a") as fh:
        fh.write('{"step": 150, "R": [0.')  # a line cut by the kill
    resumed = train_run(run, tmp_path / "b")
    assert resumed.done
    np.testing.assert_array_equal(resumed.steps, whole.steps)
    np.testing.assert_array_equal(resumed.R, whole.R)
    # Reading a finished run back trains nothing and changes nothing.
    before = log.read_text()
    again = train_run(run, tmp_path / "b")
    assert log.read_text() == before and np.array_equal(again.R, whole.R)


def test_a_folder_of_another_configuration_is_refused(tmp_path):
    spec = replace(TINY, steps=50)
    run_experiment(spec, tmp_path)
    saved = (tmp_path / "config.json").read_text()
    with pytest.raises(ArgumentError, match="different configuration.*steps"):
        run_experiment(replace(spec, steps=60), tmp_path)
    assert (tmp_path / "config.json").read_text() == saved
    _, results = run_experiment(replace(spec, steps=60), tmp_path, force=True)
    assert results[0].steps[-1] == 60


def test_fixed_dataset_runs_and_load_results(tmp_path):
    spec = replace(TINY, experiment="data", steps=60, halve_every=20, batch=64, D_values={"1": (40, 100)})
    loaded_spec, results = run_experiment(spec, tmp_path)
    assert loaded_spec == spec
    assert [r.D for r in results] == [40, 100] and all(r.done for r in results)
    assert load_results(tmp_path)[1][1].R.shape == (spec.steps // spec.eval_every + 2, 1)


def test_fill_inputs_matches_the_data_module():
    task = SparseParity(n_s=5, n_b=70, m=3, alpha=0.6)
    batch = task.sample(64, np.random.default_rng(3))
    out = np.empty((64, 76), np.float64)
    fill_inputs(task, batch.skill, batch.bits, out)
    np.testing.assert_array_equal(out[:, :-1], task.inputs(batch, dtype=np.float64))


def test_presets_are_valid_and_quick_is_small():
    for preset in PRESETS.values():
        for spec in preset.values():
            assert runs_of(spec)
    quick = PRESETS["quick"]
    assert all(quick[e].width * quick[e].batch <= 256 * 1000 for e in ("time", "data"))
    # widths up to 128 (docs/networks.md): 16,000 Adam steps of batch 500 cost ~15 s per run at N = 128
    assert max(quick["parameter"].widths["5"]) <= 128 and quick["parameter"].steps * quick["parameter"].batch <= 8e6


@pytest.mark.parametrize("change, match", [
    (dict(width=0), "width"), (dict(batch=0), "batch"), (dict(steps=0), "steps"), (dict(lr=0.0), "lr"),
    (dict(lr=-1.0), "lr"), (dict(experiment="speed"), "experiment"), (dict(optimizer="rmsprop"), "optimizer"),
    (dict(n_b=2), "m\\*n_s|n_b"), (dict(seeds=()), "seeds"),
])
def test_bad_specs(change, match):
    with pytest.raises(ArgumentError, match=match):
        runs_of(replace(TINY, **change))


# ------------------------------------------------------------------ calibration
@pytest.mark.parametrize("B2", [1 / 22, 0.1])
def test_time_fit_recovers_B2_from_noisy_curves(B2):
    rng = np.random.default_rng(0)
    T = np.arange(0, 1000, 5.0)
    eta = 0.1
    R = time_emergence(T, k=1, alpha=0.6, n_s=1, S=5.0, B2=B2, R0=1e-4, eta=eta)
    noisy = R + rng.normal(0, 0.02, T.size)
    fit = fit_constant("time", T, np.ones(T.size, int), noisy, n_s=1, alpha=0.6, S=5.0, R0=1e-4, eta=eta,
                       rng=np.random.default_rng(1))
    # Noise 0.02 on 200 points along a logistic: the fitted rate is good to well under 2%,
    # and the bootstrap sd must cover the error.
    assert fit.value == pytest.approx(B2, rel=0.02)
    assert abs(fit.value - B2) <= 4 * fit.sd + 1e-12
    assert fit.rms == pytest.approx(0.02, rel=0.3)


@pytest.mark.parametrize("law", ["eq17", "linear"])
def test_data_and_width_fits_recover_integer_constants(law):
    D = np.arange(20, 1000, 40)
    R = data_emergence(D, k=1, alpha=0.6, n_s=1, Dc=430, law=law)
    fit = fit_constant("data", D, np.ones(D.size, int), R, n_s=1, alpha=0.6, law=law, rng=np.random.default_rng(0))
    assert fit.value == 430 and fit.rms < 1e-12
    # The other law does not fit these data exactly: the two laws are distinguishable.
    other = "linear" if law == "eq17" else "eq17"
    assert fit_constant("data", D, np.ones(D.size, int), R, n_s=1, alpha=0.6, law=other,
                        rng=np.random.default_rng(0)).rms > 0.01
    N = np.arange(1, 13)
    fitN = fit_constant("parameter", N, np.ones(N.size, int), width_emergence(N, k=1, Nc=4), n_s=1, alpha=0.6,
                        rng=np.random.default_rng(0))
    assert fitN.value == 4 and fitN.sd < 0.5  # bootstrap draws that miss N = 2..5 leave ties


def test_analyse_reports_order_and_ratio(tmp_path):
    spec = replace(TINY, n_s_values=(1, 2), steps=150)
    spec_, results = run_experiment(spec, tmp_path)
    summary = analyse(spec_, results, rng=np.random.default_rng(0), n_boot=10)
    assert summary["fit"]["name"] == "B2" and 0 < summary["fit"]["value"] <= 1
    assert [s["k"] for s in summary["skills"]] == [1, 2]
    json.dumps(summary)


def test_crossing_and_bad_calibration_input():
    assert np.isnan(crossing([0, 1], [0.0, 0.1], 0.5))
    with pytest.raises(ArgumentError, match="skill"):
        fit_constant("parameter", [1, 2], [1, 3], [0.0, 0.5], n_s=1, alpha=0.6, rng=np.random.default_rng(0))
    with pytest.raises(ArgumentError, match="kind"):
        fit_constant("speed", [1, 2], [1, 1], [0.0, 0.5], n_s=1, alpha=0.6, rng=np.random.default_rng(0))
    with pytest.raises(ArgumentError, match="finite"):
        fit_constant("data", [1, 2], [1, 1], [0.0, np.nan], n_s=1, alpha=0.6, rng=np.random.default_rng(0))


@pytest.mark.parametrize("content", ['{"kind": "time"}', "not json", '{"n_s_values": 5}'])
def test_malformed_results_folder_is_one_error(tmp_path, content):
    """A config.json with missing or mistyped entries is an ArgumentError, never a traceback."""
    from numeric_check.networks.experiments import load_results

    (tmp_path / "config.json").write_text(content)
    with pytest.raises(ArgumentError, match="does not hold results"):
        load_results(tmp_path)
