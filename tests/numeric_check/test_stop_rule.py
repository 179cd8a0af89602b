"""The convergence rule of the paper data runs (runner.StopRule), runs stopped by it (resume,
read back, Dask), and results folders that take more seeds and grid values."""
import json
from dataclasses import replace

import numpy as np
import pytest

from numeric_check.networks.experiments import PRESETS, ExperimentSpec, load_results, run_experiment, runs_of, train_run
from numeric_check.networks.folder import merge_grids
from numeric_check.networks.runner import StopRule, read_lines, stop_check
from numeric_check.validation import ArgumentError

# A 3-bit parity among 6 bits: learned within ~300 steps (tests/numeric_check/test_nn_experiments.py),
# then flat, so a window of 100 steps stops it well before its 2,000.
TINY = ExperimentSpec("data", n_s_values=(1,), n_b=6, m=3, S=5.0, width=64, batch=200, steps=2000, lr=0.03,
                      init_std=0.1, eval_every=50, eval_samples=500, seeds=(0,), D_values={"1": (400,)},
                      stop_window=100, stop_tol=0.005)


def test_a_run_stops_where_its_rule_holds_and_not_before(tmp_path):
    result = train_run(runs_of(TINY)[0], tmp_path)
    assert result.done and result.steps[-1] < TINY.steps
    lines = read_lines(tmp_path / "runs" / "ns1_D400_seed0.jsonl", stop=TINY.stop_rule)
    rule = TINY.stop_rule
    stop = stop_check(lines, rule)
    assert stop["stop_step"] == lines[-1]["step"]            # the first checkpoint where it holds
    # ... and at that checkpoint the rule holds against the line one window back
    back = next(line for line in lines if line["step"] == lines[-1]["step"] - rule.window)
    assert max(abs(a - b) for a, b in zip(lines[-1]["R"], back["R"])) <= rule.tol
    assert result.R[-1, 0] > 0.9                           # it stopped after learning, not on the plateau


def test_without_the_rule_the_same_run_goes_on_and_the_rule_cut_nothing_that_moved(tmp_path):
    stopped = train_run(runs_of(TINY)[0], tmp_path / "a")
    whole = train_run(runs_of(replace(TINY, stop_window=None, steps=1000))[0], tmp_path / "b")
    n = len(stopped.steps)
    np.testing.assert_array_equal(stopped.R, whole.R[:n])  # the same training up to the stop
    check = stop_check(read_lines(tmp_path / "b" / "runs" / "ns1_D400_seed0.jsonl"), TINY.stop_rule)
    assert check["stop_step"] == stopped.steps[-1]
    assert check["max_change"] <= 0.01                     # the bound, on this run trained on


def test_a_stopped_run_continued_without_the_rule_gives_the_bytes_of_a_run_never_stopped(tmp_path):
    """How docs/results/nn/parameter-paper was completed: runs the rule had ended went on from
    their saved state, in a folder without the rule, once the last line's done flag was cleared."""
    import shutil

    stopped = train_run(runs_of(TINY)[0], tmp_path / "a")
    assert stopped.done and stopped.steps[-1] < TINY.steps
    free = replace(TINY, stop_window=None, steps=1000)
    name = runs_of(free)[0].name
    (tmp_path / "c" / "runs").mkdir(parents=True)
    shutil.copyfile(tmp_path / "a" / "runs" / f"{name}.npz", tmp_path / "c" / "runs" / f"{name}.npz")
    text = (tmp_path / "a" / "runs" / f"{name}.jsonl").read_text()
    assert text.endswith('"done": true}\n')
    (tmp_path / "c" / "runs" / f"{name}.jsonl").write_text(text[:-len('true}\n')] + "false}\n")
    messages = []
    continued = train_run(runs_of(free)[0], tmp_path / "c", log=messages.append)
    assert messages and f"step {stopped.steps[0]} " not in " ".join(messages)   # went on, not from step 0
    assert f"step {stopped.steps[-1] + TINY.eval_every} " in messages[0]
    whole = train_run(runs_of(free)[0], tmp_path / "b")
    assert continued.steps[-1] == whole.steps[-1] == 1000
    assert ((tmp_path / "c" / "runs" / f"{name}.jsonl").read_bytes()
            == (tmp_path / "b" / "runs" / f"{name}.jsonl").read_bytes())
    assert ((tmp_path / "c" / "runs" / f"{name}.npz").read_bytes()
            == (tmp_path / "b" / "runs" / f"{name}.npz").read_bytes())


def test_a_stopped_run_is_read_back_and_a_killed_one_resumes_to_the_same_stop(tmp_path, kill_log):
    run = runs_of(TINY)[0]
    whole = train_run(run, tmp_path / "a")
    log = tmp_path / "a" / "runs" / f"{run.name}.jsonl"
    before = log.read_bytes(), log.with_suffix(".npz").read_bytes()
    again = train_run(run, tmp_path / "a")                 # finished: nothing trained, nothing written
    assert (log.read_bytes(), log.with_suffix(".npz").read_bytes()) == before
    np.testing.assert_array_equal(again.R, whole.R)

    with pytest.raises(kill_log.Killed):
        train_run(run, tmp_path / "b", log=kill_log(150))
    resumed = train_run(run, tmp_path / "b")
    assert (tmp_path / "b" / "runs" / log.name).read_bytes() == before[0]
    np.testing.assert_array_equal(resumed.R, whole.R)


def test_an_early_done_line_needs_its_rule_to_hold_there_and_nothing_may_follow_it(tmp_path):
    path = tmp_path / "r.jsonl"
    rule = StopRule(window=50, tol=0.005)

    def write(*rows):
        path.write_text("".join(json.dumps({"step": s, "R": [r], "L": [1.0], "train_loss": 0.5, "done": d}) + "\n"
                                for s, r, d in rows))

    schedule = [0, 50, 100, 150]
    write((0, 0.1, False), (50, 0.1, True))
    with pytest.raises(ArgumentError, match="line 2: done is true at checkpoint 2 of 4"):
        read_lines(path, n_s=1, schedule=schedule)                  # no rule: done only at the end
    assert [line["done"] for line in read_lines(path, n_s=1, schedule=schedule, stop=rule)] == [False, True]
    write((0, 0.1, False), (50, 0.1, True), (100, 0.1, True))
    with pytest.raises(ArgumentError, match="line 3: a line after the done line of step 50"):
        read_lines(path, n_s=1, schedule=schedule, stop=rule)
    write((0, 0.0, False), (50, 0.4, True))                         # moved 0.4: the rule does not hold
    with pytest.raises(ArgumentError, match="line 2: done is true at step 50, where the stopping rule .* does not"):
        read_lines(path, n_s=1, schedule=schedule, stop=rule)
    write((0, 0.0, False), (50, 0.4, False), (100, 0.401, False))   # the rule held at step 100: it was done
    with pytest.raises(ArgumentError, match="line 3: done is false at step 100, where the stopping rule .* holds"):
        read_lines(path, n_s=1, schedule=schedule, stop=rule)


def test_a_state_saved_after_a_done_line_is_refused_not_trained_on(tmp_path):
    from numeric_check.networks.runner import read_state, resume, run_files

    run = runs_of(TINY)[0]
    train_run(run, tmp_path)
    files = run_files(tmp_path, run.name)
    lines = read_lines(files.lines, stop=TINY.stop_rule)
    stopped = lines[-1]["step"]
    # a hand-made folder: the run's done line, and a state from a later checkpoint
    state = dict(np.load(files.state))
    state["step"] = np.array(stopped + TINY.eval_every)
    np.savez(files.state, **state)
    with pytest.raises(ArgumentError, match=f"done at step {stopped} but its saved state .* is at step"):
        train_run(run, tmp_path)


@pytest.mark.parametrize("change, match", [
    (dict(stop_window=70), "multiple of eval_every"),
    (dict(stop_window=0), "stop_window"),
    (dict(stop_tol=0.0), "stop_tol"),
    (dict(stop_tol=float("nan")), "stop_tol"),
])
def test_bad_rules_are_one_error(tmp_path, change, match):
    with pytest.raises(ArgumentError, match=match):
        run_experiment(replace(TINY, **change), tmp_path)


def test_the_paper_data_preset_stops_by_the_stated_rule_and_time_and_width_runs_do_not():
    assert PRESETS["paper"]["data"].stop_rule == StopRule(window=50000, tol=0.005)
    assert PRESETS["paper"]["time"].stop_rule is None      # K.1: every time run trained 3e4 steps
    assert PRESETS["paper"]["parameter"].stop_rule is None  # the rule failed on width runs' plateaus
    # configurations without a rule keep the keys they had before it existed
    assert "stop_window" not in PRESETS["paper"]["time"].as_json()


def test_a_folder_takes_more_seeds_and_grid_values_and_reports_them_all(tmp_path):
    small = replace(TINY, steps=200, stop_window=None, D_values={"1": (400,)})
    run_experiment(small, tmp_path)
    spec, results = run_experiment(replace(small, seeds=(1,), D_values={"1": (200,)}), tmp_path)
    assert spec.seeds == (0, 1) and spec.D_values == {"1": (200, 400)}
    assert sorted(r.name for r in results) == ["ns1_D200_seed1", "ns1_D400_seed0"]   # the runs trained so far
    # the union's other runs are trained when asked for, the finished one is not trained again
    before = (tmp_path / "runs" / "ns1_D400_seed0.jsonl").read_bytes()
    spec, results = run_experiment(replace(small, seeds=(0, 1), D_values={"1": (200, 400)}), tmp_path)
    assert len(results) == 4 and (tmp_path / "runs" / "ns1_D400_seed0.jsonl").read_bytes() == before
    with pytest.raises(ArgumentError, match="different configuration.*lr"):
        run_experiment(replace(small, lr=0.02), tmp_path)


@pytest.mark.parametrize("saved", [
    {"lr": 1, "seeds": [[0]]},            # not integers
    {"lr": 1, "seeds": "0"},
    {"lr": 1, "seeds": [-3]},             # not a seed
    {"lr": 1, "seeds": [0], "x": 1},      # another key
    {"lr": 1, "seeds": list(range(1000))},  # the union would hold 1001 seeds
])
def test_a_grid_that_is_not_lists_of_integers_is_not_merged(saved):
    assert merge_grids(saved, {"lr": 1, "seeds": [1000]}) is None


def test_an_equal_configuration_is_taken_whatever_its_grids_hold():
    odd = {"lr": 1, "seeds": [0.0, 1.0]}                  # equal in Python to [0, 1]; not merged, but the same
    assert merge_grids(odd, {"lr": 1, "seeds": [0, 1]}) == odd


def test_a_folder_that_cannot_take_more_seeds_says_so_before_training(tmp_path):
    small = replace(TINY, steps=100, stop_window=None, seeds=tuple(range(1000)), D_values={"1": ()})
    run_experiment(small, tmp_path)                        # no runs: the grid of D is empty
    saved = (tmp_path / "config.json").read_text()
    with pytest.raises(ArgumentError, match="its D_values, seeds cannot take these .*exceed 1000 values"):
        run_experiment(replace(small, seeds=(1000,), D_values={"1": (400,)}), tmp_path)
    assert (tmp_path / "config.json").read_text() == saved and not list((tmp_path / "runs").glob("*.jsonl"))


def test_a_local_cluster_stops_the_runs_where_jobs_1_does(tmp_path):
    pytest.importorskip("distributed")
    spec = replace(TINY, seeds=(0, 1))
    run_experiment(spec, tmp_path / "one")
    run_experiment(spec, tmp_path / "two", jobs=2)
    for name in ("ns1_D400_seed0", "ns1_D400_seed1"):
        for suffix in (".jsonl", ".npz"):
            one = (tmp_path / "one" / "runs" / (name + suffix)).read_bytes()
            assert (tmp_path / "two" / "runs" / (name + suffix)).read_bytes() == one
    # a second sweep finds both stopped runs finished and trains nothing
    _, results = run_experiment(spec, tmp_path / "two", jobs=2)
    assert all(r.done and r.steps[-1] < spec.steps for r in results)
    # ... also without their states, as a committed folder holds them (lines only), as --jobs 1 does
    for state in (tmp_path / "two" / "runs").glob("*.npz"):
        state.unlink()
    _, again = run_experiment(spec, tmp_path / "two", jobs=2)
    assert not list((tmp_path / "two" / "runs").glob("*.npz")), "nothing was trained again"
    assert all(np.array_equal(a.R, b.R) for a, b in zip(again, results))
