"""Progress bars on a terminal, silent elsewhere (a pipe, a file, ``--json``).

:func:`progress_bar` returns a :class:`Progress`: a `tqdm <https://tqdm.github.io>`_ bar on
standard error when both standard output and standard error are terminals and the caller does
not ask for quiet, else an object with the same methods that does nothing. tqdm is small (one
pure-Python package, no dependencies), maintained, and made for this: it computes the rate and
the time left itself, redraws at most ten times a second, and :meth:`Progress.write` prints a
line above the bar without tearing it.

A bar counts *units* (training steps for ``emergence nn``, claims for ``emergence check``,
claims and figure sets for ``emergence latex``) and shows, besides the count, an optional
"runs done/total" field::

    nn time: 42%|████▏     | 12600/30000 [01:52<02:35, 112 step/s, runs 2/5]

Examples
--------
>>> bar = progress_bar(total=10, desc="demo", unit="step", enabled=False)
>>> bar.active
False
>>> bar.update(3); bar.close()
>>> bar.n
3
"""
from __future__ import annotations

import os
import sys
import threading

__all__ = ["Progress", "progress_bar", "on_terminal"]


def on_terminal() -> bool:
    """Whether standard output and standard error are both terminals (a bar is then shown)."""
    try:
        return sys.stdout.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):     # replaced or closed streams
        return False


def _sized() -> bool:
    """Whether standard error's terminal knows its size (tqdm draws nothing on one of 0 rows)."""
    try:
        size = os.get_terminal_size(sys.stderr.fileno())
    except (OSError, AttributeError, ValueError):
        return False
    return size.columns > 0 and size.lines > 0


class Progress:
    """Units done out of ``total``, and runs done out of ``runs`` (when given).

    Thread-safe: the Dask client's event thread and the main thread may both update it. Without
    a bar (``bar=None``) every method only keeps the counts.
    """

    def __init__(self, bar, *, total: int, runs: int | None = None, runs_done: int = 0, initial: int = 0):
        self._bar = bar
        self._lock = threading.Lock()
        self.total = int(total)
        self.n = int(initial)
        self.runs = runs
        self.runs_done = int(runs_done)

    @property
    def active(self) -> bool:
        """Whether a bar is drawn."""
        return self._bar is not None

    def _runs_text(self) -> str:
        return f"runs {self.runs_done}/{self.runs}"

    def update(self, units: int = 1) -> None:
        """``units`` more done."""
        with self._lock:
            self.n += units
            if self._bar is not None and units:
                self._bar.update(units)

    def set(self, n: int) -> None:
        """``n`` units done in all (moves forward only)."""
        with self._lock:
            if n > self.n:
                if self._bar is not None:
                    self._bar.update(n - self.n)
                self.n = n

    def run_done(self) -> None:
        """One more run finished."""
        with self._lock:
            self.runs_done += 1
            if self._bar is not None:
                self._bar.set_postfix_str(self._runs_text())

    def write(self, text: str) -> None:
        """Print ``text`` as a line of standard output, above the bar."""
        with self._lock:
            if self._bar is None:
                print(text, flush=True)
            else:
                self._bar.write(text, file=sys.stdout)

    def close(self) -> None:
        with self._lock:
            if self._bar is not None:
                self._bar.close()
                self._bar = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def progress_bar(*, total: int, desc: str, unit: str, enabled: bool | None = None, runs: int | None = None,
                 runs_done: int = 0, initial: int = 0, leave: bool = True) -> Progress:
    """A :class:`Progress` of ``total`` units; a bar on standard error only where ``enabled``
    (by default: :func:`on_terminal`) and tqdm is installed.

    ``initial`` units (and ``runs_done`` of ``runs``) are already done, e.g. by the runs a
    resumed command finds finished: the rate and the time left count only what this command does.
    ``leave=False`` removes the bar when it is closed (the lines printed above it stay).
    """
    if enabled is None:
        enabled = on_terminal()
    bar = None
    if enabled:
        try:
            from tqdm import tqdm
        except ImportError:          # a bar is a convenience: without tqdm, none
            tqdm = None
        if tqdm is not None:
            sized = _sized()             # a terminal of no size (a pty nobody sized): 80 x 20
            bar = tqdm(total=total, initial=initial, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=sized,
                       ncols=None if sized else 80, nrows=None if sized else 20, mininterval=0.25, smoothing=0.1,
                       leave=leave, postfix=None if runs is None else f"runs {runs_done}/{runs}")
    return Progress(bar, total=total, runs=runs, runs_done=runs_done, initial=initial)
