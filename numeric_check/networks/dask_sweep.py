"""The runs of an experiment as Dask tasks: on a local cluster, or on any existing one.

:func:`run_sweep` sends each unfinished run of a results folder to a Dask cluster as one task:

* ``jobs=N`` (``emergence nn ... --jobs N``) starts a :class:`distributed.LocalCluster` of ``N``
  worker processes with one thread each, without a dashboard and with nothing of Dask's on
  standard error (its HTTP server on a free port, its logs off, its resource tracker's warning
  after a SIGKILL off); nothing is to be set up, and the cluster ends with the command (a worker
  process exits when the pipe to its parent closes, however the parent ended). Every MLP run
  trains with one BLAS thread wherever it runs (``train_run`` of
  :mod:`numeric_check.networks.experiments`), so its sums are in the order of ``--jobs 1``;
* ``scheduler="tcp://HOST:PORT"`` (``--scheduler``) sends the same tasks to a cluster that is
  already running (``dask scheduler`` and ``dask worker``, or dask-jobqueue on Slurm/PBS;
  docs/distributed.md). Its workers need this package installed, and one thread each
  (``dask worker --nthreads 1``): a run's BLAS limit is its process's, which the end of one run
  would lift under another run in a second thread of the same worker.

**Only the client writes the results folder.** A task gets the run's specification and the
bytes of what the folder holds of it (its lines and saved state, when a run cut by a kill of a
``--jobs 1`` command is to go on), trains it in a temporary folder of the worker's own disk
(:mod:`numeric_check.networks.runner`, as ``--jobs 1`` does) and returns the bytes of its
finished lines and state; the client writes them (lines, then state, each atomically: a kill
between the two leaves a run without its last-step state, which is not finished and is queued
again) and nothing else writes there: the workers need no shared file system, and the folder's lock held by
the client covers every write. Hence:

* **resume**: a run whose done line and last-step state are both in the folder is skipped; any
  other run is queued again, from what the folder holds of it;
* **a lost worker** (killed, out of memory, its machine gone): the scheduler gives its task to
  another worker (up to ``distributed.scheduler.allowed-failures`` times, 3 by default), which
  trains it again from what the client sent; the bytes are the same;
* **a killed client** loses the runs in flight only: every finished run is in the folder, and
  the same command goes on from there.

Progress: each task publishes its step at most every 0.5 s on a topic of its own sweep
(``Worker.log_event``), which the client's progress bar (:mod:`numeric_check.progress`) follows.
Dask is imported only here, inside the functions, so that ``emergence list`` and ``--help`` stay
fast.
"""
from __future__ import annotations

import gc
import logging
import os
import re
import shutil
import socket
import sys
import tempfile
import time
import uuid
from pathlib import Path

from numeric_check.networks.runner import read_lines, read_state, run_files
from numeric_check.validation import ArgumentError, atomic_write_bytes, integer

__all__ = ["run_sweep", "parse_scheduler", "connect", "require_dask", "CONNECT_SECONDS", "MAX_JOBS"]

#: How long a client waits for the scheduler of ``--scheduler`` to answer (seconds).
CONNECT_SECONDS = 5.0

#: The most local worker processes (each an interpreter with NumPy, ~100 MB, plus its run).
MAX_JOBS = 64

_PUBLISH_SECONDS = 0.5
_ADDRESS = re.compile(r"tcp://(?P<host>[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):(?P<port>[0-9]{1,5})")


def require_dask():
    """The ``distributed`` module; one ArgumentError line saying how to install it when missing."""
    # Before dask reads its configuration: Dask's log lines are not shown (every failure of a run
    # reaches the client as an exception, raised here in one line; what Dask logs at ERROR is the
    # noise of a cluster shutting down, e.g. a worker's last heartbeat to a closed scheduler).
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "critical")
    try:
        import distributed
    except ImportError as exc:
        raise ArgumentError(f"parallel runs need Dask ({exc}); install it with pip install 'dask[distributed]', "
                            "or use --jobs 1") from None
    return distributed


def parse_scheduler(address: str) -> str:
    """``address`` if it reads ``tcp://HOST:PORT`` (port in [1, 65535]), else one ArgumentError line.

    Examples
    --------
    >>> parse_scheduler("tcp://127.0.0.1:8786")
    'tcp://127.0.0.1:8786'
    >>> parse_scheduler("127.0.0.1:8786")
    Traceback (most recent call last):
    ...
    numeric_check.validation.ArgumentError: --scheduler must be a Dask scheduler address tcp://HOST:PORT \
(port in [1, 65535]), got '127.0.0.1:8786'
    """
    found = _ADDRESS.fullmatch(address) if isinstance(address, str) else None
    if found is None or not 1 <= int(found["port"]) <= 65535:
        raise ArgumentError(f"--scheduler must be a Dask scheduler address tcp://HOST:PORT (port in [1, 65535]), "
                            f"got {address!r}")
    return address


def connect(address: str, *, timeout: float = CONNECT_SECONDS):
    """A :class:`distributed.Client` of the scheduler at ``address``; one ArgumentError line when the
    address is malformed or nothing answers within ``timeout`` seconds."""
    address = parse_scheduler(address)
    found = _ADDRESS.fullmatch(address)
    host = found["host"].strip("[]")
    unreached = f"--scheduler {address}: no Dask scheduler could be reached there within {timeout:g} s"
    try:                                  # first a plain TCP connection: refused or silent is one line at once
        socket.create_connection((host, int(found["port"])), timeout=timeout).close()
    except OSError as exc:
        reason = "no answer" if isinstance(exc, TimeoutError) else (exc.strerror or type(exc).__name__)
        raise ArgumentError(f"{unreached} ({reason})") from None
    distributed = require_dask()
    saved_hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None   # the __del__ of a Client that failed to connect
    try:
        return distributed.Client(address, timeout=timeout, set_as_default=False)
    except Exception:  # noqa: BLE001 - whatever answered is not a Dask scheduler (or it did not finish)
        # Not the exception's text: bytes of another protocol read as a Dask frame header give a
        # frame length of exabytes and a MemoryError that says nothing about the address (an HTTP
        # proxy that accepts every connection answers "HTTP/1.1 400" so).
        message = (f"{unreached} (something accepted the connection but did not complete Dask's handshake: "
                   "another service, or a proxy, listens at that address)")
    finally:
        gc.collect()
        sys.unraisablehook = saved_hook
    raise ArgumentError(message)


# ------------------------------------------------------------------------- on the worker
class _Publisher:
    """A run's step, sent to the client's topic at most every 0.5 s (and never from outside a worker)."""

    def __init__(self, topic: str, name: str):
        from distributed import get_worker

        self.worker = get_worker()
        self.topic, self.name, self.last = topic, name, 0.0

    def __call__(self, step: int) -> None:
        now = time.monotonic()
        if now - self.last >= _PUBLISH_SECONDS:
            self.last = now
            self.worker.log_event(self.topic, {"run": self.name, "step": int(step)})


def _task(worker, run, name: str, folder: str, lines: bytes | None, state: bytes | None, topic: str):
    """Train ``run`` in a temporary folder from the ``lines`` and ``state`` bytes the client sent;
    return ``(name, lines, state)``: the bytes of the finished run's files, or ``("error", exc)``
    for an error of the run (a diverged network, a full disk) that the client raises in one line."""
    tmp = tempfile.mkdtemp(prefix="emergence-run-")
    try:
        runs = Path(tmp) / "runs"
        runs.mkdir()
        files = run_files(tmp, name)
        if lines is not None:
            files.lines.write_bytes(lines)
        if state is not None:
            files.state.write_bytes(state)
        try:
            worker((run, tmp), progress=_Publisher(topic, name))
        except ArgumentError as exc:            # name the client's folder, not the temporary one
            return "error", ArgumentError(str(exc).replace(tmp, folder))
        except (OSError, MemoryError) as exc:   # raised by the client, not logged by the worker
            return "error", exc
        return name, files.lines.read_bytes(), files.state.read_bytes()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ------------------------------------------------------------------------- on the client
def _queued(runs, folder: Path, name, skills, schedule, stop=None):
    """``(run, lines bytes, state bytes, steps done)`` for every run not finished in ``folder``,
    and the steps of the finished ones. A folder's bad line or state is one ArgumentError naming
    it (the same as ``--jobs 1``)."""
    todo, finished_steps, finished = [], 0, 0
    for run in runs:
        files = run_files(folder, name(run))
        lines = read_lines(files.lines, n_s=skills(run), schedule=schedule, stop=stop)
        state = read_state(files, schedule=schedule)
        at = int(state["step"]) if state is not None else 0
        # finished: at the end, or stopped by its rule; a done run without its state (a committed
        # folder holds the lines alone) is finished too, as for --jobs 1 (runner.train_resumable)
        if lines and lines[-1]["done"] and (state is None or at == lines[-1]["step"]):
            finished_steps += schedule[-1]
            finished += 1
            continue
        if state is None:           # nothing to go on from: trained afresh (the same bytes)
            todo.append((run, None, None, 0))
        else:
            todo.append((run, files.lines.read_bytes() if files.lines.exists() else None,
                         files.state.read_bytes(), at))
    return todo, finished_steps, finished


def run_sweep(worker, runs, folder, *, name, skills, schedule: list[int], jobs: int = 2,
              scheduler: str | None = None, log=None, progress=None, stop=None) -> None:
    """Train every unfinished one of ``runs`` as a Dask task and write its files into ``folder``.

    ``worker((run, folder), progress=hook)`` is the module-level function that trains one run into
    a folder (``_worker`` of :mod:`numeric_check.networks.experiments` for the MLP); ``name(run)``
    is the run's file name, ``skills(run)`` its number of skills and ``schedule`` its checkpoint
    steps (:func:`numeric_check.networks.runner.checkpoint_steps`). ``scheduler`` names an existing
    cluster (an address, or a :class:`distributed.Client` of it from :func:`connect`, which stays
    open); otherwise a local one of ``jobs`` single-thread worker processes is started and
    closed. ``log`` gets ``"<run>: done"`` for each run written; ``progress`` is a
    :class:`numeric_check.progress.Progress` (or None) of the sweep's steps.

    A task's ArgumentError is raised here with its message; a run whose workers died more often
    than the scheduler allows is one ArgumentError naming it. The caller holds the folder's lock.
    """
    folder = Path(folder)
    todo, finished_steps, finished = _queued(runs, folder, name, skills, schedule, stop)
    if progress is not None:
        progress.set(finished_steps + sum(t[3] for t in todo))
        for _ in range(finished):
            progress.run_done()
    if not todo:
        return
    distributed = require_dask()
    cluster, own_client = None, True
    if isinstance(scheduler, str):
        client = connect(scheduler)
    elif scheduler is not None:
        client, own_client = scheduler, False
    else:
        jobs = integer("jobs", jobs, minimum=1, maximum=MAX_JOBS)
        _quiet_resource_tracker()
        # No dashboard; the scheduler's HTTP server (health and metrics routes, started even without
        # a dashboard, on 8787 by default) on a free port, so a taken 8787 prints no "Port 8787 is
        # already in use" warning.
        cluster = distributed.LocalCluster(n_workers=min(jobs, len(todo)), threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=None, silence_logs=logging.CRITICAL,
                                           memory_limit=0,
                                           scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"})
        client = distributed.Client(cluster, set_as_default=False)
    futures = []
    try:
        _submit_and_write(distributed, client, worker, todo, folder, name, schedule, log, progress, futures)
    finally:
        if futures:
            client.cancel(futures)
        if own_client:
            client.close()
        if cluster is not None:
            cluster.close()


def _quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker (if it is not running yet) without its warning of
    "leaked semaphore objects to clean up at shutdown".

    The local cluster's worker processes share semaphores with this process; a SIGKILL of the
    command leaves them to the tracker, which removes them (nothing leaks) and says so on standard
    error. The filter reaches only the tracker (its environment at start); this process's is
    restored at once.
    """
    from multiprocessing import resource_tracker

    saved = os.environ.get("PYTHONWARNINGS")
    os.environ["PYTHONWARNINGS"] = ",".join(filter(None, [saved, "ignore:resource_tracker:UserWarning"]))
    try:
        resource_tracker.ensure_running()
    finally:
        if saved is None:
            os.environ.pop("PYTHONWARNINGS", None)
        else:
            os.environ["PYTHONWARNINGS"] = saved


def _submit_and_write(distributed, client, worker, todo, folder, name, schedule, log, progress, futures):
    sweep = uuid.uuid4().hex[:12]
    topic = f"emergence-progress-{sweep}"
    at = {name(run): done for run, _, _, done in todo}
    base = progress.n - sum(at.values()) if progress is not None else 0

    def follow(event) -> None:
        _, message = event
        if progress is not None and message.get("run") in at:
            at[message["run"]] = max(at[message["run"]], int(message["step"]))
            progress.set(base + sum(at.values()))

    client.subscribe_topic(topic, follow)
    try:
        _write_as_completed(distributed, client, todo, worker, folder, name, schedule, log, progress, futures,
                            sweep, topic, at, base)
    finally:
        client.unsubscribe_topic(topic)


def _write_as_completed(distributed, client, todo, worker, folder, name, schedule, log, progress, futures,
                        sweep, topic, at, base):
    by_key = {}
    for priority, (run, lines, state, _) in enumerate(todo):
        label = name(run)
        future = client.submit(_task, worker, run, label, str(folder), lines, state, topic,
                               key=f"emergence-{label}-{sweep}", pure=False, priority=-priority)
        futures.append(future)
        by_key[future.key] = label
    for future in distributed.as_completed(list(futures), loop=client.loop):
        label = by_key[future.key]
        try:
            reply = future.result()
        except distributed.scheduler.KilledWorker:
            raise ArgumentError(f"the worker processes running {label} died, more often than the scheduler "
                                "retries a task; the same command resumes") from None
        if reply[0] == "error":
            raise reply[1]
        got, lines, state = reply
        files = run_files(folder, got)
        atomic_write_bytes(files.lines, lines, name="run log")     # lines first (the module docstring says why)
        atomic_write_bytes(files.state, state, name="run state")
        futures.remove(future)
        at[got] = schedule[-1]
        if progress is not None:
            progress.set(base + sum(at.values()))
            progress.run_done()
        if log is not None:
            log(f"{got}: done")
