"""``emergence nn`` on Dask: a local cluster (``--jobs 2``) and a real ``dask scheduler`` with two
``dask worker`` processes on 127.0.0.1 (``--scheduler``) write the bytes of ``--jobs 1``; resume
skips finished runs and goes on from a run cut under ``--jobs 1``; a worker killed while it trains
a run loses nothing (its task is retried on the other); a bad or unreachable ``--scheduler`` is
one line, exit 2, before the results folder is touched.

The runs are tiny (width 16, batch 64, a few hundred steps), so a command takes seconds; every
process runs with one BLAS thread (the Dask nanny sets the same for its workers).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from derivations.cli import main

distributed = pytest.importorskip("distributed")

ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
       "PYTHONDONTWRITEBYTECODE": "1"}
TINY = ["nn", "time", "--steps", "300", "--width", "16", "--batch", "64", "--seeds", "0,1"]
DASK = [str(Path(sys.executable).with_name("dask"))]


def emergence(*args, timeout=300):
    proc = subprocess.run([sys.executable, "-m", "derivations.cli", *args], capture_output=True, text=True,
                          env=ENV, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The files ``--jobs 1`` writes for TINY."""
    folder = tmp_path_factory.mktemp("jobs1") / "time"
    code, _, err = emergence(*TINY, "--jobs", "1", "-o", str(folder))
    assert code == 0, err
    files = snapshot(folder)
    assert len(files) == 10 and "summary.json" in files          # config, summary, 4 x (lines, state)
    return files


def test_a_local_cluster_writes_the_bytes_of_jobs_1(tmp_path, reference):
    folder = tmp_path / "time"
    began = time.monotonic()
    code, out, err = emergence(*TINY, "--jobs", "2", "-o", str(folder))
    assert code == 0, err
    assert err == "", "nothing on stderr (no Dask log lines, no bar in a pipe)"
    assert snapshot(folder) == reference
    print(f"--jobs 2 (LocalCluster) took {time.monotonic() - began:.1f} s")


def test_resume_skips_finished_runs_and_goes_on_from_a_run_cut_under_jobs_1(tmp_path, reference):
    """A ``--jobs 1`` command stopped in the middle of its second run (after the checkpoint of step
    100: as a kill would leave it) is finished by ``--jobs 2``: the first run's files are not
    written again, the second goes on from its saved state, the others are trained."""
    folder = tmp_path / "time"
    cut = (
        "import sys\n"
        "from dataclasses import replace\n"
        "from numeric_check.networks import experiments as ex\n"
        "from numeric_check.networks.folder import prepare_folder\n"
        "spec = replace(ex.PRESETS['quick']['time'], steps=300, width=16, batch=64, seeds=(0, 1))\n"
        "folder = prepare_folder(spec, sys.argv[1], False)\n"
        "first, second = ex.runs_of(spec)[:2]\n"
        "ex.train_run(first, folder)\n"
        "class Cut(Exception): pass\n"
        "def stop(step):\n"
        "    if step == 130: raise Cut\n"
        "try:\n"
        "    ex.train_run(second, folder, progress=stop)\n"
        "except Cut:\n"
        "    pass\n")
    subprocess.run([sys.executable, "-c", cut, str(folder)], check=True, env=ENV, timeout=120)
    runs = folder / "runs"
    assert sorted(p.name for p in runs.iterdir()) == ["ns1_seed0.jsonl", "ns1_seed0.npz",
                                                      "ns1_seed1.jsonl", "ns1_seed1.npz"]
    assert len((runs / "ns1_seed1.jsonl").read_text().splitlines()) == 3        # steps 0, 50, 100
    finished = {p: (runs / p).stat().st_ino for p in ("ns1_seed0.jsonl", "ns1_seed0.npz")}
    code, _, err = emergence(*TINY, "--jobs", "2", "-o", str(folder))
    assert code == 0, err
    assert snapshot(folder) == reference
    assert {p: (runs / p).stat().st_ino for p in finished} == finished, "a finished run was written again"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """``dask scheduler`` and two ``dask worker --nthreads 1`` on 127.0.0.1, each in its own
    process group, started in a folder of their own (they share no file with the client)."""
    where = tmp_path_factory.mktemp("cluster")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    common = dict(cwd=where, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    procs = [subprocess.Popen([*DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], **common)]
    try:
        for i in range(2):
            procs.append(subprocess.Popen([*DASK, "worker", address, "--nthreads", "1", "--nworkers", "1",
                                           "--no-dashboard", "--name", f"w{i}", "--local-directory",
                                           str(where / f"w{i}")], **common))
        with distributed.Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=120)
        yield address, procs
    finally:
        for proc in reversed(procs):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def test_a_scheduler_and_two_workers_write_the_bytes_of_jobs_1(tmp_path, reference, cluster):
    address, _ = cluster
    folder = tmp_path / "time"
    code, _, err = emergence(*TINY, "--scheduler", address, "-o", str(folder))
    assert code == 0, err
    assert err == ""
    assert snapshot(folder) == reference


def test_a_worker_killed_while_it_trains_loses_nothing(tmp_path, cluster):
    """The second worker is killed (its whole process group: nanny and worker) while it holds a
    task; the scheduler gives the task to the first worker and the files are still those of
    ``--jobs 1``. Runs here last a few seconds each so that the kill lands inside one."""
    address, procs = cluster
    command = ["nn", "time", "--steps", "4000", "--width", "16", "--batch", "64", "--seeds", "0,1"]
    reference = tmp_path / "jobs1"
    code, _, err = emergence(*command, "--jobs", "1", "-o", str(reference))
    assert code == 0, err
    folder = tmp_path / "time"
    victim = procs[2]
    with distributed.Client(address, timeout=30, set_as_default=False) as client:
        pids = client.run(os.getpid)                     # worker address -> pid of its worker process
        victim_address = next(a for a, pid in pids.items() if os.getpgid(pid) == victim.pid)
        proc = subprocess.Popen([sys.executable, "-m", "derivations.cli", *command, "--scheduler", address,
                                 "-o", str(folder)], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        deadline = time.monotonic() + 120
        while not client.processing().get(victim_address) and time.monotonic() < deadline:
            time.sleep(0.05)
        busy = client.processing().get(victim_address)
        assert busy, "the second worker never got a task"
        time.sleep(0.5)                                   # inside the run (a run takes seconds)
        os.killpg(victim.pid, signal.SIGKILL)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert snapshot(folder) == snapshot(reference)


@pytest.mark.parametrize("address, match", [
    ("127.0.0.1:8786", "must be a Dask scheduler address tcp://HOST:PORT"),
    ("tcp://127.0.0.1:0", "port in [1, 65535]"),
    ("tcp://127.0.0.1:99999", "port in [1, 65535]"),
    ("http://127.0.0.1:8786", "must be a Dask scheduler address"),
    ("closed", "no Dask scheduler answers there (Connection refused"),
    ("tcp://nosuchhost.invalid:8786", "no Dask scheduler answers there"),
])
def test_a_bad_or_unreachable_scheduler_is_one_line_exit_2(tmp_path, capsys, address, match):
    if address == "closed":
        address = f"tcp://127.0.0.1:{free_port()}"      # nothing listens there
    folder = tmp_path / "x"
    began = time.monotonic()
    assert main([*TINY, "--scheduler", address, "-o", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("emergence: error: --scheduler") and match in err and err.count("\n") == 1
    assert not folder.exists(), "the folder is not touched"
    assert time.monotonic() - began < 15
