"""Progress bars: drawn on a terminal (a pseudo-terminal here, sized or of no size), silent in a
pipe and with ``--json``; the numbers they count.

``emergence nn`` shows steps done/total, steps per second, time left and runs done/total;
``emergence check`` the claims checked (``latex`` and ``figures`` use the same bar).
"""
from __future__ import annotations

import fcntl
import json
import os
import select
import struct
import subprocess
import sys
import termios

import pytest

from numeric_check.progress import on_terminal, progress_bar

pytest.importorskip("tqdm")

ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
       "PYTHONDONTWRITEBYTECODE": "1"}
NN = ["nn", "time", "--steps", "1500", "--width", "16", "--batch", "64", "--seeds", "0", "--jobs", "1"]


def in_terminal(args, *, rows: int = 30, columns: int = 100, timeout: float = 180) -> tuple[int, str]:
    """Run ``emergence args`` with stdin, stdout and stderr on one pseudo-terminal of ``rows`` x
    ``columns`` (0 x 0: a terminal nobody sized); its exit status and everything it showed."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "derivations.cli", *args], stdin=slave, stdout=slave,
                            stderr=slave, env=ENV, close_fds=True)
    os.close(slave)
    shown = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], timeout)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:            # EIO: the last holder of the terminal has closed it
                break
            if not chunk:
                break
            shown += chunk
        proc.wait(timeout)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, shown.decode("utf-8", "replace")


@pytest.mark.parametrize("rows, columns", [(30, 100), (0, 0)], ids=["sized", "unsized"])
def test_nn_shows_steps_rate_time_left_and_runs_on_a_terminal(tmp_path, rows, columns):
    code, shown = in_terminal([*NN, "-o", str(tmp_path / "x")], rows=rows, columns=columns)
    assert code == 0, shown
    frames = shown.replace("\r\n", "\n").split("\r")
    last = [f for f in frames if "nn time:" in f][-1]
    assert "100%" in last and "3000/3000" in last and "step/s" in last and "runs 2/2" in last, last
    assert any("<" in f and "runs 0/2" in f for f in frames), "time left is shown while it trains"
    assert "time emergence, preset quick: 2 runs" in shown


def test_nn_in_a_pipe_shows_no_bar(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "derivations.cli", *NN, "-o", str(tmp_path / "x")],
                          capture_output=True, text=True, env=ENV, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "" and "\r" not in proc.stdout and "step/s" not in proc.stdout


def test_check_shows_a_bar_on_a_terminal_and_none_with_json():
    code, shown = in_terminal(["check", "corollary-1"])
    assert code == 0, shown
    assert "check:" in shown and "claim" in shown and "ok   corollary-1" in shown
    code, shown = in_terminal(["check", "corollary-1", "--json"])
    assert code == 0, shown
    assert "check:" not in shown and "\r\n" in shown
    assert json.loads(shown.replace("\r\n", "\n"))[0]["id"] == "corollary-1"


def test_the_counts_without_a_bar(capsys):
    bar = progress_bar(total=10, desc="t", unit="step", enabled=False, runs=3, runs_done=1, initial=4)
    assert not bar.active
    bar.update(2)
    bar.set(5)                       # never backwards
    assert bar.n == 6
    bar.set(9)
    bar.run_done()
    bar.write("a line")
    bar.close()
    assert (bar.n, bar.runs_done) == (9, 2)
    assert capsys.readouterr().out == "a line\n"


def test_pytest_captured_streams_are_not_a_terminal():
    assert not on_terminal()
    assert not progress_bar(total=1, desc="t", unit="step").active
