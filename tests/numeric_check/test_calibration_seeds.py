"""The bootstrap over seeds of a calibrated constant (B^2, D_c, N_c) and the prediction errors that
``analyse`` reports for the skills the calibration never saw."""
from dataclasses import replace

import numpy as np
import pytest

from numeric_check.closed_forms.calibration import analyse, default_r0, fit_constant, seed_bootstrap
from numeric_check.closed_forms.emergence import time_emergence, width_emergence
from numeric_check.networks.experiments import PRESETS
from numeric_check.networks.runner import RunResult
from numeric_check.validation import ArgumentError

ETA, R0 = 0.1, 1e-4
T = np.arange(0, 3000, 25.0)


def _seed_curves(B2s, *, noise=0.01, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for B2 in B2s:
        R = time_emergence(T, k=1, alpha=0.6, n_s=1, S=5.0, B2=B2, R0=R0, eta=ETA)
        out.append((T, np.ones(T.size), R + rng.normal(0, noise, T.size)))
    return out


def _boot(seeds, **kw):
    return seed_bootstrap("time", seeds, n_s=1, alpha=0.6, S=5.0, R0=R0, eta=ETA,
                          rng=np.random.default_rng(kw.pop("rng", 0)), **kw)


def test_interval_over_seeds_covers_the_seed_to_seed_spread():
    # Each seed is a network with its own rate: B2 = 0.05 exp(0.1 z). The pooled fit lies near the
    # geometric mean of the seeds' B2 and the bootstrap sd estimates its standard error,
    # sd(B2_s)/sqrt(n) -- within a factor 2 for 12 seeds (the sd of an sd estimated from 12
    # values is ~20%, and the pooled least-squares estimate weights the seeds unevenly).
    z = np.random.default_rng(5).standard_normal(12)
    B2s = 0.05 * np.exp(0.1 * z)
    interval = _boot(_seed_curves(B2s), n_boot=2000)
    assert interval.low <= interval.value <= interval.high
    expected = np.std(B2s, ddof=1) / np.sqrt(len(B2s))
    assert 0.5 * expected < interval.sd < 2 * expected
    assert interval.value == pytest.approx(np.exp(np.mean(np.log(B2s))), rel=0.03)
    assert interval.n_seeds == 12 and interval.n_boot == 2000 and interval.distinct > 1000
    # A constant off by 20% (twice the seeds' 10% spread, ~7 standard errors) is outside.
    assert not interval.low <= 1.2 * interval.value <= interval.high
    assert not interval.low <= interval.value / 1.2 <= interval.high


def test_seeds_not_rows_are_the_unit():
    # Rows of one seed are one curve: resampling rows sees only the small noise along the curves
    # and misses the seed-to-seed spread, which the seed bootstrap keeps.
    B2s = 0.05 * np.exp(0.1 * np.array([-1.5, -0.5, 0.0, 0.5, 1.5]))
    seeds = _seed_curves(B2s, noise=0.005)
    interval = _boot(seeds)
    x = np.concatenate([s[0] for s in seeds])
    y = np.concatenate([s[2] for s in seeds])
    rows = fit_constant("time", x, np.ones(x.size), y, n_s=1, alpha=0.6, S=5.0, R0=R0, eta=ETA,
                        rng=np.random.default_rng(0))
    assert rows.value == pytest.approx(interval.value, rel=1e-9)
    # The standard error of the pooled fit is about sd(B2_s)/sqrt(5) = 0.0025: the seed bootstrap
    # finds 0.0023 (0.9 of it; a bootstrap over n units is low by sqrt((n-1)/n) = 0.89 on average),
    # the row bootstrap 0.0013 (0.5 of it), as if 600 independent measurements had been made.
    expected = np.std(B2s, ddof=1) / np.sqrt(len(B2s))
    assert 0.75 * expected < interval.sd < 1.3 * expected
    assert rows.sd < 0.7 * expected


def test_identical_seeds_give_a_point_interval_and_the_fit_is_seeded():
    seeds = _seed_curves([0.04] * 4, noise=0.0)
    interval = _boot(seeds)
    assert interval.low == interval.high == pytest.approx(0.04, rel=1e-4)   # parabola refinement on a 1201-point grid
    assert interval.sd == pytest.approx(0.0, abs=1e-15)
    noisy = _seed_curves([0.04, 0.05, 0.045], seed=3)
    a, b, c = _boot(noisy, rng=7), _boot(noisy, rng=7), _boot(noisy, rng=8)
    assert a == b
    assert a.values != c.values


def test_width_constant_over_seeds():
    N = np.arange(1, 13.0)
    exact = width_emergence(N, k=1, Nc=4)
    rng = np.random.default_rng(2)
    seeds = [(N, np.ones(N.size), np.clip(exact + rng.normal(0, 0.03, N.size), 0, 1)) for _ in range(6)]
    interval = seed_bootstrap("parameter", seeds, n_s=1, alpha=0.6, rng=np.random.default_rng(0))
    assert interval.value == 4 and interval.low <= 4 <= interval.high and interval.name == "N_c"
    wrong = [(N, np.ones(N.size), width_emergence(N, k=1, Nc=7)) for _ in range(3)]
    assert seed_bootstrap("parameter", wrong, n_s=1, alpha=0.6, rng=np.random.default_rng(0)).low == 7


@pytest.mark.parametrize("seeds, kw, match", [
    ("one", {}, "at least 2 seeds"),
    ("bad", {}, "three 1-d arrays"),
    ("ok", {"level": 1.0}, "level"),
    ("ok", {"n_boot": 1}, "n_boot"),
    ("ok", {"kind": "speed"}, "kind"),
    ("nan", {}, "finite"),
])
def test_bad_input_is_one_error(seeds, kw, match):
    good = _seed_curves([0.04, 0.05])
    seeds = {"one": good[:1], "bad": [(T, T), (T, T)], "ok": good,
             "nan": [good[0], (T, np.ones(T.size), np.full(T.size, np.nan))]}[seeds]
    kind = kw.pop("kind", "time")
    with pytest.raises(ArgumentError, match=match):
        seed_bootstrap(kind, seeds, n_s=1, alpha=0.6, S=5.0, R0=R0, eta=ETA, rng=np.random.default_rng(0), **kw)


def _fake_time_results(spec, B2_calib, B2_pred, seeds=3):
    """Runs whose curves are the model itself (n_s = 1 at B2_calib, n_s = 2 at B2_pred) plus noise."""
    rng = np.random.default_rng(1)
    steps = np.arange(0, spec.steps + 1, spec.eval_every)
    eta, r0 = 2 * spec.lr, default_r0(spec.init_std)
    out = []
    for n_s, B2 in ((1, B2_calib), (2, B2_pred)):
        clean = np.column_stack([time_emergence(steps, k=k, alpha=spec.alpha, n_s=n_s, S=spec.S, B2=B2, R0=r0, eta=eta)
                                 for k in range(1, n_s + 1)])
        for seed in range(seeds):
            R = clean + rng.normal(0, 0.005, clean.shape)
            out.append(RunResult(f"ns{n_s}_seed{seed}", n_s, seed, spec.width, None, steps, R, R, R[:, 0], True))
    return out


def test_analyse_reports_seed_interval_and_errors_of_the_later_skills():
    spec = replace(PRESETS["quick"]["time"], n_s_values=(1, 2), steps=6000)
    right = analyse(spec, _fake_time_results(spec, 0.04, 0.04), rng=np.random.default_rng(0), n_boot=20)
    boot = right["seed_bootstrap"]
    # Noise 0.005 on 121 points per seed: the interval is narrow (well under 1%) and centred on 0.04
    # to a few parts in 10^4 (three seeds' noise, and the parabola refinement of the grid).
    assert boot["high"] - boot["low"] < 0.01 * 0.04
    assert boot["low"] - 2e-4 * 0.04 <= 0.04 <= boot["high"] + 2e-4 * 0.04
    assert boot["n_seeds"] == 3 and "values" not in boot
    assert right["seeds"] == {"1": 3, "2": 3}
    k2 = right["skills"][1]
    # The n_s = 2 curves are the model at the calibrated B2 (noise 0.005): the prediction error
    # of skill 2 is at the noise level; the seeds' own spread is the noise (sd 0.005).
    assert k2["rms"] < 0.01 and right["rms_skills_2_on"] == pytest.approx(k2["rms"])
    assert k2["seed_sd"] == pytest.approx(0.005, rel=0.3)
    assert k2["rms_interval"][0] <= k2["rms"] + 1e-3 and k2["rms_interval"][1] < 0.02
    # A network that learns 1.5 times faster than the calibration says is seen as a large error.
    wrong = analyse(spec, _fake_time_results(spec, 0.04, 0.06), rng=np.random.default_rng(0), n_boot=20)
    assert wrong["skills"][1]["rms"] > 0.05 > 5 * wrong["skills"][1]["seed_sd"]
    assert wrong["skills"][1]["ratio_predicted_to_measured"] == pytest.approx(1.5, rel=0.05)


def test_analyse_with_one_seed_says_why_there_is_no_interval():
    spec = replace(PRESETS["quick"]["time"], n_s_values=(1, 2), steps=3000)
    one = analyse(spec, _fake_time_results(spec, 0.04, 0.04, seeds=1), rng=np.random.default_rng(0), n_boot=10)
    assert "at least 2 seeds" in one["seed_bootstrap"]["missing"]
    assert one["skills"][1]["seed_sd"] is None and one["skills"][1]["rms_interval"] is None


def test_analyse_calibrates_before_the_prediction_runs_exist():
    spec = replace(PRESETS["quick"]["time"], n_s_values=(1, 2), steps=3000)
    only_one = [r for r in _fake_time_results(spec, 0.04, 0.04) if r.n_s == 1]
    out = analyse(spec, only_one, rng=np.random.default_rng(0), n_boot=10)
    assert "n_s=2" in out["missing"] and out["fit"]["value"] == pytest.approx(0.04, rel=1e-3)
    assert out["seed_bootstrap"]["n_seeds"] == 3 and "skills" not in out
    assert "missing" in analyse(spec, [], rng=np.random.default_rng(0)) and "fit" not in analyse(
        spec, [], rng=np.random.default_rng(0))


def test_analyse_width_runs_interval_over_seeds_and_calibration_alone():
    from numeric_check.closed_forms.emergence import width_emergence as law
    spec = replace(PRESETS["quick"]["parameter"], seeds=(0, 1, 2))
    rng = np.random.default_rng(3)
    results = []
    for n_s, widths in ((1, spec.widths["1"]), (5, spec.widths["5"])):
        for N in widths:
            for seed in spec.seeds:
                R = np.array([[law(np.array([N]), k=k, Nc=5)[0] for k in range(1, n_s + 1)]])
                R = np.clip(R + rng.normal(0, 0.01, R.shape), 0, 1)
                results.append(RunResult(f"ns{n_s}_N{N}_seed{seed}", n_s, seed, N, None, np.array([spec.steps]), R, R,
                                         R[:, 0], True))
    out = analyse(spec, results, rng=np.random.default_rng(0), n_boot=20, n_boot_seeds=200)
    entry = out["fits"][0]
    assert entry["fit"]["value"] == 5 and entry["seed_bootstrap"]["low"] <= 5 <= entry["seed_bootstrap"]["high"]
    # The n_s = 5 networks follow Eq. 21 at the calibrated N_c: errors at the noise level (0.01).
    assert entry["rms_skills_2_on"] < 0.03 and all(s["seed_sd"] < 0.02 for s in entry["skills"])
    alone = analyse(spec, [r for r in results if r.n_s == 1], rng=np.random.default_rng(0), n_boot=20)
    assert "n_s=5" in alone["missing"] and alone["fits"][0]["fit"]["value"] == 5
    assert "skills" not in alone["fits"][0]
