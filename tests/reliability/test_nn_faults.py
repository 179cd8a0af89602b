"""Faults of ``emergence nn``, as a user meets them: kills (of the parent only or of the whole
process group) at random moments, a second instance in the same folder, cut and corrupt lines,
corrupt folders. After any of them, the same command either writes exactly the files of an
uninterrupted run (compared byte for byte) or refuses with one line naming the file (exit 2).

The runs are tiny (4 runs of 300 steps, width 16, about 2 s a command) so that the kills land
in every phase: start-up, writing config.json, training in the workers, writing summary.json.
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from numeric_check.networks.folder import LOCK_NAME, FolderLock

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")

TINY = ["nn", "time", "--steps", "300", "--width", "16", "--batch", "64", "--seeds", "0,1"]
# One BLAS thread everywhere: the parent's analysis is then the same in every call.
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def start(folder, *extra, jobs=2, command=TINY):
    """The command in its own process group (its pid is the group's id)."""
    return subprocess.Popen([sys.executable, "-m", "derivations.cli", *command, "--jobs", str(jobs), *extra,
                             "-o", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=ENV, start_new_session=True)


def finish(folder, *extra, jobs=2, command=TINY):
    proc = start(folder, *extra, jobs=jobs, command=command)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


def living(group: int) -> list[int]:
    """Pids of the processes of ``group`` that are still running (zombies are not)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()   # after "pid (comm) "
        if int(fields[2]) == group and fields[0] != "Z":
            out.append(int(entry.name))
    return out


def wait_gone(group: int, seconds: float = 5.0) -> list[int]:
    """Wait until no process of ``group`` runs; return those still running after ``seconds``."""
    deadline = time.monotonic() + seconds
    while living(group) and time.monotonic() < deadline:
        time.sleep(0.05)
    return living(group)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The files of an uninterrupted run, and how long it took."""
    folder = tmp_path_factory.mktemp("reference") / "time"
    began = time.monotonic()
    code, err = finish(folder)
    assert code == 0, err
    files = snapshot(folder)
    assert LOCK_NAME not in files and "summary.json" in files and len(files) == 10
    return files, time.monotonic() - began


def kill_and_resume(folder: Path, *, mode: str, kills: int, seed: int, duration: float, jobs: int = 2,
                    command=TINY) -> int:
    """Start the command ``kills`` times, killing it (``mode``: the parent only, or the whole
    group) at a random moment; after each kill no process of it may run on. Returns the number
    of kills that hit a running command."""
    rng = random.Random(seed)
    hits = 0
    for _ in range(kills):
        proc = start(folder, jobs=jobs, command=command)
        time.sleep(rng.uniform(0.05, duration))
        if proc.poll() is None:
            if mode == "parent":
                os.kill(proc.pid, signal.SIGKILL)
            else:
                os.killpg(proc.pid, signal.SIGKILL)
            hits += 1
        proc.wait()
        proc.stderr.close()
        try:
            assert wait_gone(proc.pid) == [], f"processes of the killed command still run ({mode} killed)"
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    return hits


# ----------------------------------------------------------------------------- item 3
def open_files(pid: int) -> list[str]:
    """The paths of the files process ``pid`` has open (those it closes meanwhile left out)."""
    out = []
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return out
    for fd in fds:
        try:
            out.append(os.readlink(fd))
        except OSError:
            pass
    return out


def test_workers_die_with_their_parent_and_write_nothing_after_it(tmp_path):
    """Killing only the parent of ``--jobs 2`` (the Dask client; its local cluster's worker
    processes exit when the pipe to it closes) ends its workers: nothing of the group runs on and
    no file changes afterwards. The workers never open a file of the results folder: they train
    in folders of their own, and only the parent, which holds the lock, writes the results."""
    folder = tmp_path / "time"
    proc = start(folder, "--steps", "30000")
    try:
        deadline = time.monotonic() + 60
        while len(living(proc.pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(3.0)                                   # the workers start and train
        running = living(proc.pid)
        assert len(running) >= 3, "the parent and its two workers run"
        inside = [pid for pid in running if any(path.startswith(str(folder)) for path in open_files(pid))]
        assert inside == [proc.pid], "only the parent has files of the results folder open (its lock)"
        before = snapshot(folder)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert wait_gone(proc.pid, 3.0) == []
        assert snapshot(folder) == before
        time.sleep(0.5)
        assert snapshot(folder) == before
    finally:
        proc.stderr.close()
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def hold_until(flag: str) -> str:
    """A worker that runs until ``flag`` exists (module level: spawned workers import it)."""
    Path(flag + ".started").touch()
    while not Path(flag).exists():
        time.sleep(0.02)
    return "held"


def fail_or_wait(item: str) -> str:
    """A worker: ``exit`` ends its process, ``error`` raises an ArgumentError, else it waits a while."""
    from numeric_check.validation import ArgumentError

    if item == "exit":
        os._exit(3)
    if item == "error":
        raise ArgumentError("bad run")
    Path(item).touch()
    time.sleep(30)
    return item


@pytest.mark.parametrize("item, message", [("exit", r"running run exit ended \(exit code 3\) before finishing it"),
                                           ("error", "^bad run$")])
def test_a_worker_that_dies_or_fails_stops_the_others_in_one_error(tmp_path, item, message):
    """A worker's death (say, the out-of-memory killer) or its error is one ArgumentError naming the
    run, and the other worker is killed before it is raised, not waited for."""
    from numeric_check.networks.parallel import run_parallel
    from numeric_check.validation import ArgumentError

    began = time.monotonic()
    with pytest.raises(ArgumentError, match=message):
        run_parallel(fail_or_wait, [item, str(tmp_path / "waiting")], jobs=2, name=lambda x: f"run {x}")
    assert time.monotonic() - began < 20


def test_the_folder_stays_locked_until_the_last_worker_ends(tmp_path):
    """The workers keep the lock's descriptor: with the parent's copy closed, the folder is still
    locked while a worker runs, and free once it has ended."""
    import threading

    from numeric_check.networks.parallel import run_parallel
    from numeric_check.validation import ArgumentError

    folder = tmp_path / "time"
    flag = str(tmp_path / "flag")
    lock = FolderLock(folder).__enter__()
    worker = threading.Thread(target=run_parallel, args=(hold_until, [flag]), kwargs={"jobs": 1,
                              "keep_open": (lock.fd,)})
    worker.start()
    try:
        deadline = time.monotonic() + 30
        while not Path(flag + ".started").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        os.close(lock.fd)                       # as if the parent had gone: only the worker holds it
        lock.fd = None
        with pytest.raises(ArgumentError, match="in use by process"):
            FolderLock(folder).__enter__()
    finally:
        Path(flag).touch()
        worker.join(30)
    with FolderLock(folder):
        pass


# ----------------------------------------------------------------------------- item 7
@pytest.mark.parametrize("mode, seed", [("parent", 1), ("group", 2)])
def test_random_kills_then_resume_give_the_bytes_of_an_uninterrupted_run(tmp_path, reference, mode, seed):
    """Property: kills at random moments (three per run), then the same command once more:
    every file equals the uninterrupted run's, byte for byte (lines, states, config, summary)."""
    files, duration = reference
    folder = tmp_path / "time"
    hits = kill_and_resume(folder, mode=mode, kills=3, seed=seed, duration=duration)
    assert hits >= 1
    code, err = finish(folder)
    assert code == 0, err
    assert snapshot(folder) == files


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(3, 9))
@pytest.mark.parametrize("mode", ["parent", "group"])
def test_many_random_kills_then_resume_give_the_same_bytes(tmp_path, reference, mode, seed):
    files, duration = reference
    folder = tmp_path / "time"
    assert kill_and_resume(folder, mode=mode, kills=8, seed=seed, duration=duration) >= 1
    code, err = finish(folder)
    assert code == 0, err
    assert snapshot(folder) == files


@pytest.mark.slow
def test_random_kills_of_a_single_process_run(tmp_path):
    """``--jobs 1`` (no workers): the same property."""
    reference = tmp_path / "whole"
    began = time.monotonic()
    assert finish(reference, jobs=1)[0] == 0
    duration = time.monotonic() - began
    folder = tmp_path / "killed"
    assert kill_and_resume(folder, mode="parent", kills=6, seed=11, duration=duration, jobs=1) >= 1
    assert finish(folder, jobs=1)[0] == 0
    assert snapshot(folder) == snapshot(reference)


@pytest.mark.slow
@pytest.mark.parametrize("command", [
    ["nn", "data", "--steps", "400", "--width", "16", "--batch", "64", "--seeds", "0,1"],   # epochs, halving lr
    ["nn", "parameter", "--steps", "300", "--batch", "64", "--seeds", "0,1"],             # Adam, 40 runs
], ids=["data", "parameter"])
def test_random_kills_of_the_data_and_width_experiments(tmp_path, command):
    """The same property where the state also holds the epoch order (data) or Adam's moments."""
    reference = tmp_path / "whole"
    began = time.monotonic()
    assert finish(reference, command=command)[0] == 0
    duration = time.monotonic() - began
    for seed, mode in ((1, "parent"), (2, "group")):
        folder = tmp_path / f"killed-{mode}"
        # Kills fall in the first 60% of an uninterrupted run's time: a first kill drawn near the
        # whole duration could find the run finished, and every later start then finds nothing to do.
        assert kill_and_resume(folder, mode=mode, kills=5, seed=seed, duration=0.6 * duration, command=command) >= 1
        assert finish(folder, command=command)[0] == 0
        assert snapshot(folder) == snapshot(reference)


# ----------------------------------------------------------------------------- item 4
def test_a_second_instance_is_refused_in_one_line_naming_the_holder(tmp_path):
    folder = tmp_path / "time"
    with FolderLock(folder):
        code, err = finish(folder)
        assert code == 2 and len(err.strip().splitlines()) == 1
        assert err.startswith("emergence: error:") and f"in use by process {os.getpid()}" in err
        assert sorted(p.name for p in folder.iterdir()) == [LOCK_NAME]   # nothing written


def test_two_instances_at_once_one_refused_and_the_files_are_an_uninterrupted_runs(tmp_path, reference):
    folder = tmp_path / "time"
    first = start(folder)
    try:
        deadline = time.monotonic() + 30
        while not (folder / "config.json").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        code, err = finish(folder)
        assert code == 2 and f"in use by process {first.pid}" in err and len(err.strip().splitlines()) == 1
        assert first.wait(timeout=120) == 0
    finally:
        first.stderr.close()
    assert snapshot(folder) == reference[0]


def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path, reference):
    folder = tmp_path / "time"
    folder.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (folder / LOCK_NAME).write_text(f"{dead.pid}\n")
    code, err = finish(folder)
    assert code == 0, err
    assert snapshot(folder) == reference[0]


def test_without_flock_the_lock_file_is_exclusive_and_a_stale_one_is_named(tmp_path, monkeypatch):
    """Where fcntl does not exist the lock file is created with O_CREAT | O_EXCL."""
    from numeric_check.networks import folder as folder_module
    from numeric_check.validation import ArgumentError

    monkeypatch.setattr(folder_module, "fcntl", None)
    with FolderLock(tmp_path):
        with pytest.raises(ArgumentError, match=f"in use by process {os.getpid()}"):
            FolderLock(tmp_path).__enter__()
    assert not (tmp_path / LOCK_NAME).exists()
    (tmp_path / LOCK_NAME).write_text("999999999\n")
    with pytest.raises(ArgumentError, match="if it has ended, remove"):
        FolderLock(tmp_path).__enter__()


# ----------------------------------------------------------------------------- items 5 and 6
def _lines(folder: Path, name="ns1_seed0") -> Path:
    return folder / "runs" / f"{name}.jsonl"


def test_a_cut_last_line_of_a_finished_run_is_rebuilt_from_the_saved_state(tmp_path, reference):
    folder = tmp_path / "time"
    assert finish(folder)[0] == 0
    path = _lines(folder)
    text = path.read_bytes()
    last = text.rstrip(b"\n").rfind(b"\n") + 1
    path.write_bytes(text[:last + (len(text) - last) // 2])          # the done line, cut in half
    code, err = finish(folder)
    assert code == 0, err
    assert snapshot(folder) == reference[0]


def test_a_lost_last_line_and_a_state_without_its_loss_is_refused_and_summary_kept(tmp_path):
    """A state written before it held the training loss cannot rebuild the line: refused in one
    line, and the good summary.json stays as it was."""
    folder = tmp_path / "time"
    assert finish(folder)[0] == 0
    summary = (folder / "summary.json").read_bytes()
    state = folder / "runs" / "ns1_seed0.npz"
    with np.load(state) as saved:
        arrays = {k: saved[k] for k in saved.files if k != "train_loss"}
    with open(state, "wb") as fh:
        np.savez(fh, **arrays)
    path = _lines(folder)
    text = path.read_bytes()
    path.write_bytes(text[:text.rstrip(b"\n").rfind(b"\n") + 1])     # the done line lost
    code, err = finish(folder)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "ns1_seed0.jsonl" in err and "line 7 (step 300) is lost" in err and "older format" in err
    assert (folder / "summary.json").read_bytes() == summary


def test_a_kill_in_the_first_interval_does_not_write_step_0_twice(tmp_path, kill_log):
    from dataclasses import replace

    from numeric_check.networks.experiments import ExperimentSpec, runs_of, train_run

    spec = ExperimentSpec("time", n_s_values=(1,), n_b=6, width=16, batch=50, steps=100, lr=0.03, init_std=0.1,
                          eval_every=50, eval_samples=200, seeds=(0,))
    run = runs_of(spec)[0]
    whole = tmp_path / "whole"
    train_run(run, whole)

    killed = tmp_path / "killed"
    with pytest.raises(kill_log.Killed):                # after the step-0 line and state are saved
        train_run(replace(run), killed, log=kill_log(0))
    train_run(run, killed)
    assert _lines(killed, run.name).read_bytes() == _lines(whole, run.name).read_bytes()
    assert [json.loads(line)["step"] for line in _lines(killed, run.name).read_text().splitlines()] == [0, 50, 100]


def test_a_kill_between_the_done_line_and_its_state_is_resumed_to_the_same_bytes(tmp_path, kill_log):
    """Found by the random kills: the last line written, the state still one checkpoint behind."""
    from numeric_check.networks.experiments import ExperimentSpec, runs_of, train_run

    spec = ExperimentSpec("time", n_s_values=(1,), n_b=6, width=16, batch=50, steps=100, lr=0.03, init_std=0.1,
                          eval_every=50, eval_samples=200, seeds=(0,))
    run = runs_of(spec)[0]
    whole = tmp_path / "whole"
    train_run(run, whole)

    killed = tmp_path / "killed"
    with pytest.raises(kill_log.Killed):
        train_run(run, killed, log=kill_log(50))
    behind = (killed / "runs" / f"{run.name}.npz").read_bytes()
    (killed / "runs" / f"{run.name}.jsonl").write_bytes(_lines(whole, run.name).read_bytes())
    (killed / "runs" / f"{run.name}.npz").write_bytes(behind)
    train_run(run, killed)
    assert snapshot(killed) == snapshot(whole)


@pytest.mark.parametrize("damage, where", [
    (lambda lines: lines[:3] + [b'{"step": 150, "R": [0.'] + lines[4:], "line 4: not a JSON line"),
    (lambda lines: lines[:2] + [b"[1, 2]"] + lines[3:], "line 3: not a checkpoint line (a JSON list"),
    (lambda lines: lines[:2] + [lines[2].replace(b'"step": 100, ', b"")] + lines[3:], "line 3: not a checkpoint "
                                                                                     "line (missing step)"),
    (lambda lines: lines[:1] + [lines[1].replace(b'"R": [', b'"R": "abc", "x": [')] + lines[2:], "line 2:"),
    (lambda lines: lines[:1] + lines[2:], "line 2: step 100 where checkpoint 2 is at step 50"),
    (lambda lines: lines[:5] + [lines[4]] + lines[5:], "line 6: step 200 where checkpoint 6 is at step 250"),
])
def test_a_corrupt_line_is_named_in_one_line_and_nothing_is_changed(tmp_path, damage, where):
    folder = tmp_path / "time"
    assert finish(folder)[0] == 0
    path = _lines(folder)
    broken = b"\n".join(damage(path.read_bytes().split(b"\n")[:-1])) + b"\n"
    path.write_bytes(broken)
    before = snapshot(folder)
    code, err = finish(folder)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert str(path) in err and where in err
    assert snapshot(folder) == before


# ----------------------------------------------------------------------------- item 14
@pytest.mark.parametrize("content, where", [
    ("[1, 2, 3]", "not the configuration of an experiment"),
    ("{\"steps\": ", "not the configuration of an experiment"),
])
def test_a_corrupt_config_is_named(tmp_path, content, where):
    folder = tmp_path / "time"
    folder.mkdir()
    (folder / "config.json").write_text(content)
    code, err = finish(folder)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "config.json" in err and where in err


def test_a_garbage_state_is_named(tmp_path):
    folder = tmp_path / "time"
    assert finish(folder)[0] == 0
    path = _lines(folder)
    path.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:3]))
    (folder / "runs" / "ns1_seed0.npz").write_bytes(b"PK\x03\x04 garbage")
    code, err = finish(folder)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "ns1_seed0.npz" in err and "not a saved training state" in err


def test_load_results_names_the_bad_file_and_line(tmp_path):
    from numeric_check.networks.experiments import load_results
    from numeric_check.validation import ArgumentError

    folder = tmp_path / "time"
    assert finish(folder)[0] == 0
    path = _lines(folder, "ns5_seed1")
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace('"done": false', '"done": "no"')
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ArgumentError, match="ns5_seed1.jsonl' line 2: done must be true or false"):
        load_results(folder)


def test_a_probe_left_by_a_kill_is_removed_with_the_temporary_files(tmp_path):
    # found by the random-kill property: a SIGKILL between making and removing the writability
    # probe of validation.writable_folder left '.emergence-probe-<hex>' in runs/
    from numeric_check.networks.folder import remove_temporary_files

    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / ".emergence-probe-0ee027df3464.tmp").write_bytes(b"")
    (tmp_path / ".emergence-probe-1a2b3c4d5e6f.tmp").mkdir()
    (runs / ".seed0.jsonl.k2j3.tmp").write_text("partial")
    (runs / "seed0.jsonl").write_text("kept\n")
    remove_temporary_files(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["runs", "runs/seed0.jsonl"]
