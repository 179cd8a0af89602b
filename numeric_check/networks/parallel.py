"""Several runs at once, in worker processes that end with the process that started them.

``emergence nn --jobs N`` no longer uses this module: its runs are Dask tasks
(:mod:`numeric_check.networks.dask_sweep`), whose workers never write the results folder.
:func:`run_parallel` stays for callers without Dask (it is public API of
:mod:`numeric_check.networks.runner`).

:func:`run_parallel` starts ``jobs`` fresh interpreters (``spawn``) and hands each one item at a
time through a pipe. What ends the workers:

* **their parent ends** (killed with SIGKILL, crashed, or finished): on Linux each worker asks
  the kernel for SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)`` through ctypes); on
  every system a thread of the worker also compares ``os.getppid()`` with the parent's pid
  every :data:`POLL_SECONDS` and ends the worker when they differ (the parent has gone and the
  worker was handed to another process). A worker whose parent has already gone when it starts
  ends at once;
* **an error in any worker, or in the parent** (an :class:`ArgumentError`, a crash, Ctrl-C): the
  parent kills every worker and waits for them before it raises, so no worker writes after
  :func:`run_parallel` has returned or raised;
* **a worker's death** (the out-of-memory killer, a signal) is noticed by the parent, which
  stops the others and raises one :class:`ArgumentError` naming the item.

Workers ignore SIGINT: Ctrl-C reaches the parent, which stops them. ``keep_open`` lists file
descriptors every worker keeps open until it ends; the results folder's lock
(:mod:`numeric_check.networks.folder`) is passed so, and a lock taken with ``flock`` is held
until the parent *and* every worker have ended: no other instance can take the folder while a
worker of this one could still write into it.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
import traceback

from numeric_check.validation import ArgumentError, integer

__all__ = ["run_parallel", "die_with_parent", "POLL_SECONDS", "MAX_JOBS"]

#: How often a worker checks that its parent is still alive (seconds), where the kernel cannot
#: do it (systems without ``PR_SET_PDEATHSIG``).
POLL_SECONDS = 0.2

#: The most worker processes: each is a Python interpreter with NumPy (~60 MB) plus its run's
#: arrays (at most :data:`numeric_check.networks.experiments.MAX_RUN_BYTES`).
MAX_JOBS = 64

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def die_with_parent(parent_pid: int) -> None:
    """Make this process end when its parent ``parent_pid`` ends (see the module docstring)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl: the poll below
            pass
    if os.getppid() != parent_pid:       # the parent died before prctl took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="watch-parent", daemon=True).start()


def _watch_parent(parent_pid: int) -> None:
    while True:
        time.sleep(POLL_SECONDS)
        if os.getppid() != parent_pid:
            os._exit(1)


class _KeptOpen:
    """File descriptors to hand to a spawned worker as they are (same open file description)."""

    def __init__(self, fds):
        self.fds = tuple(fds)

    def __reduce__(self):
        from multiprocessing import reduction

        return _KeptOpen._rebuild, (tuple(reduction.DupFd(fd) for fd in self.fds),)

    @staticmethod
    def _rebuild(dup_fds):
        return _KeptOpen(d.detach() for d in dup_fds)


def _serve(worker, conn, parent_pid: int, kept: _KeptOpen) -> None:
    """A worker: end with the parent, then run the items the parent sends until ``None``."""
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    del kept  # the descriptors stay open (nothing closes them) until the process ends
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return
        if item is None:
            return
        try:
            reply = ("ok", worker(item))
        except (ArgumentError, OSError, MemoryError) as exc:   # raised again by the parent
            reply = ("error", exc)
        except BaseException:  # noqa: BLE001 - a bug: the parent raises it with this traceback
            reply = ("crash", traceback.format_exc())
        conn.send(reply)


def run_parallel(worker, items, *, jobs: int, log=None, name=str, keep_open=()) -> None:
    """Call ``worker(item)`` for every item in ``jobs`` spawned processes with one BLAS thread each.

    ``worker`` must be a module-level function and the items picklable. The thread variables
    (``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``) are 1 while the workers
    start, so they inherit them. ``log`` gets ``"<value>: done"`` for each value a worker
    returns; ``name(item)`` labels an item in error messages. A worker's ArgumentError is raised
    here with its message; any other failure, or a worker's death, is one ArgumentError naming
    the item. Every worker has ended when this returns or raises.
    """
    import multiprocessing as mp
    from multiprocessing.connection import wait

    items = list(items)
    jobs = integer("jobs", jobs, minimum=1, maximum=MAX_JOBS)
    if not items:
        return
    ctx = mp.get_context("spawn")
    kept = _KeptOpen(keep_open)
    workers = []
    saved = {k: os.environ.get(k) for k in _THREAD_VARIABLES}
    try:
        os.environ.update({k: "1" for k in saved})
        try:
            for _ in range(min(jobs, len(items))):
                here, there = ctx.Pipe()
                process = ctx.Process(target=_serve, args=(worker, there, os.getpid(), kept), daemon=True)
                process.start()
                there.close()
                workers.append((process, here))
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        _dispatch(workers, list(reversed(items)), wait, log, name)
    finally:
        for process, _ in workers:
            if process.is_alive():
                process.kill()
        for process, conn in workers:
            process.join()
            conn.close()


def _send(process, conn, item, name) -> None:
    """``item`` (or None: stop) to a worker; its death is one ArgumentError, not a BrokenPipeError
    (which ``emergence`` takes for a closed stdout)."""
    try:
        conn.send(item)
    except OSError:
        process.join()
        what = "its next run" if item is None else name(item)
        raise ArgumentError(f"the worker process for {what} ended (exit code {process.exitcode}); "
                            "the same command resumes") from None


def _dispatch(workers, todo: list, wait, log, name) -> None:
    """Hand out ``todo`` (popped from the end) until every item is done; raise on the first failure."""
    running = {}                                   # connection -> (process, item)
    for process, conn in workers:
        item = todo.pop()
        _send(process, conn, item, name)
        running[conn] = (process, item)
    while running:
        sentinels = {process.sentinel: conn for conn, (process, _) in running.items()}
        for ready in wait([*running, *sentinels]):
            conn = sentinels.get(ready, ready)
            if conn not in running:
                continue
            process, item = running[conn]
            try:
                status, value = conn.recv()
            except (EOFError, OSError):       # the worker ended without a reply
                process.join()
                raise ArgumentError(f"the worker process running {name(item)} ended (exit code "
                                    f"{process.exitcode}) before finishing it; the same command resumes") from None
            if status == "error":
                if isinstance(value, BrokenPipeError):     # not this command's stdout: one error line
                    raise ArgumentError(f"the worker running {name(item)} failed: {value}")
                raise value
            if status == "crash":
                raise RuntimeError(f"the worker running {name(item)} failed:\n{value}")
            if log is not None:
                log(f"{value}: done")
            del running[conn]
            if todo:
                item = todo.pop()
                _send(process, conn, item, name)
                running[conn] = (process, item)
            else:
                try:
                    conn.send(None)
                except OSError:                   # it has ended already: nothing is lost
                    pass
