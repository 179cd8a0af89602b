"""``emergence nn`` on Dask: a local cluster (``--jobs 2``) and a real ``dask scheduler`` with two
``dask worker`` processes on 127.0.0.1 (``--scheduler``) write the bytes of ``--jobs 1``; resume
skips finished runs and goes on from a run cut under ``--jobs 1``; a worker killed while it trains
a run loses nothing (its task is retried on the other); a bad or unreachable ``--scheduler`` (also
one where something else answers) is one line, exit 2, before the results folder is touched;
nothing of Dask's reaches stderr, with port 8787 taken or after a SIGKILL of the command.

The runs are small (width 128, batch 500, 300 steps: a command takes seconds) but large enough
that OpenBLAS splits their matrix products over threads, which changes float32 sums: the
environment keeps its BLAS thread count (no ``OPENBLAS_NUM_THREADS``), so on a machine of two
cores or more ``--jobs 1`` writes the bytes of the single-thread workers only because every run
trains with one BLAS thread itself (``threadpool_limits`` in ``train_run``). With 2 BLAS threads
these runs differ from one-thread runs in their last digits (measured; the test below of the limit
itself does not depend on the core count).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from derivations.cli import main

distributed = pytest.importorskip("distributed")

_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "GOTO_NUM_THREADS")
ENV = {**{k: v for k, v in os.environ.items() if k not in _THREADS}, "PYTHONDONTWRITEBYTECODE": "1"}
TINY = ["nn", "time", "--steps", "300", "--width", "128", "--batch", "500", "--seeds", "0,1"]
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


def test_every_run_trains_with_one_blas_thread_in_any_process(tmp_path):
    """``train_run`` limits the BLAS pool to one thread while it trains (and restores it): what
    makes ``--jobs 1`` write the bytes of the single-thread Dask workers."""
    from threadpoolctl import threadpool_info, threadpool_limits
    from dataclasses import replace
    from numeric_check.networks import experiments as ex
    from numeric_check.networks.folder import prepare_folder

    spec = replace(ex.PRESETS["quick"]["time"], steps=2, eval_every=1, width=8, batch=8, eval_samples=8,
                   n_s_values=(1,), seeds=(0,))
    folder = prepare_folder(spec, tmp_path / "x", False)
    seen = []

    def blas_threads():
        return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}

    with threadpool_limits(limits=2, user_api="blas"):       # as a process of two threads would have it
        before = blas_threads()
        ex.train_run(ex.runs_of(spec)[0], folder, progress=lambda step: seen.append(blas_threads()))
        after = blas_threads()
    assert before, "numpy's BLAS is found"
    assert seen and all(s == {1} for s in seen), seen
    assert after == before


def test_a_local_cluster_writes_the_bytes_of_jobs_1(tmp_path, reference):
    """... with nothing on stderr, also when port 8787 (Dask's default HTTP port) is taken."""
    folder = tmp_path / "time"
    taken = socket.socket()
    try:
        taken.bind(("", 8787))
        taken.listen()
    except OSError:                                        # taken already: the same case
        pass
    began = time.monotonic()
    try:
        code, out, err = emergence(*TINY, "--jobs", "2", "-o", str(folder))
    finally:
        taken.close()
    assert code == 0, err
    assert err == "", "nothing on stderr (no Dask log lines or port warnings, no bar in a pipe)"
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
        "spec = replace(ex.PRESETS['quick']['time'], steps=300, width=128, batch=500, seeds=(0, 1))\n"
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
    ("closed", "no Dask scheduler could be reached there within 5 s (Connection refused"),
    ("tcp://nosuchhost.invalid:8786", "no Dask scheduler could be reached there within 5 s"),
    ("http", "no Dask scheduler could be reached there within 5 s (something accepted the connection"),
])
def test_a_bad_or_unreachable_scheduler_is_one_line_exit_2(tmp_path, capsys, address, match):
    server = None
    if address == "closed":
        address = f"tcp://127.0.0.1:{free_port()}"      # nothing listens there
    elif address == "http":                             # an HTTP server or proxy: "HTTP/1.1 400" and close
        server = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=_answer_http, args=(server,), daemon=True).start()
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    folder = tmp_path / "x"
    began = time.monotonic()
    try:
        assert main([*TINY, "--scheduler", address, "-o", str(folder)]) == 2
    finally:
        if server is not None:
            server.close()
    err = capsys.readouterr().err
    assert err.startswith("emergence: error: --scheduler") and match in err and err.count("\n") == 1, err
    assert "Error" not in err and "EiB" not in err, "no exception's text (a frame length of exabytes)"
    assert not folder.exists(), "the folder is not touched"
    assert time.monotonic() - began < 15


def _answer_http(server) -> None:
    """Answer every connection as the HTTP proxy of a sandbox does (what made Dask read a frame
    length of 3.07 EiB), until ``server`` is closed."""
    while True:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn:
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")


def test_a_client_killed_with_sigkill_leaves_nothing_on_stderr(tmp_path):
    """``--jobs 2`` killed (SIGKILL) while its workers train: its worker processes end, and the
    resource tracker removes the semaphores they shared without its "leaked semaphore objects"
    warning (the stderr file is that of the command, which the tracker inherits)."""
    folder = tmp_path / "time"
    err_path = tmp_path / "err"
    command = ["nn", "time", "--steps", "20000", "--width", "16", "--batch", "64", "--seeds", "0,1"]
    with open(err_path, "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "derivations.cli", *command, "--jobs", "2",
                                 "-o", str(folder)], env=ENV, stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 120
        while not (folder / "config.json").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(4)                                       # the local cluster is up, its runs in flight
        assert proc.poll() is None, "the command ended before it was killed"
        proc.kill()
        proc.wait()
    time.sleep(3)                                           # the tracker notices and cleans up
    assert err_path.read_text() == ""
