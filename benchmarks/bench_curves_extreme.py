"""Benchmark: the fast loss curves at the extreme end against a plain chunked NumPy sum.

``time_curve`` and ``compute_curve`` of :mod:`numeric_check.closed_forms.curves` at
``n_s = 1e7``, ``alpha = 0.1``, ``S = 1``, ``r = 0.01``, ``eta = 1`` and 1000 times
``T = logspace(0, 12, 1000)`` (``compute_curve`` at ``N = 1e6``), against a plain sum over every
skill in chunks of 2048 skills times the whole grid (the same skill loss
``numeric_check.closed_forms.logistic.loss_fraction``), measured in the same run.  Prints a
markdown table with the seconds, the speed-up and the largest relative difference where the
loss exceeds 1e-200.  Exits 1 unless the fast time is under 1 s, the speed-up at least 50 and
the difference at most 1e-12.

Run from the repository root (about 90 s, most of it the plain sum)::

    nice -n 5 python3 benchmarks/bench_curves_extreme.py --write /tmp/extreme.md
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from numeric_check.closed_forms.curves import compute_curve, time_curve  # noqa: E402
from numeric_check.closed_forms.logistic import loss_fraction  # noqa: E402

import bench_curves  # noqa: E402  (the sibling script: its machine description)

CONFIG = dict(alpha=0.1, S=1.0, r=0.01, eta=1.0, n_s=10**7)
GRID = np.logspace(0.0, 12.0, 1000)
N_COMPUTE = 10**6
MAX_SECONDS = 1.0
MIN_SPEEDUP = 50.0
MAX_RELATIVE = 1e-12
FLOOR = 1e-200
CHUNK = 2048


def plain_sum(T, *, alpha, S, r, eta, n_s, N=None):
    """``sum_{k<=N} P_s(k) Phi(eta S T P_s(k)) + (S^2/2) sum_{k>N} P_s(k)``, 2048 skills at a time."""
    w = np.arange(1, n_s + 1, dtype=np.float64) ** -(alpha + 1.0)
    p = w / w.sum()
    N = n_s if N is None else N
    ast = eta * S * T[:, None]
    out = np.zeros(T.size)
    for lo in range(0, N, CHUNK):
        pc = p[lo:min(lo + CHUNK, N)]
        out += np.sum(pc * loss_fraction(ast * pc, S=S, r=r), axis=1)
    return 0.5 * S * S * (out + np.sum(p[N:]))


def _timed(function, repeat):
    best, result = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def _relative(fast, slow):
    keep = slow > FLOOR
    return float(np.max(np.abs(fast[keep] / slow[keep] - 1.0))), int(keep.sum())


def machine():
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{bench_curves.machine()}; load average {load:.1f} at the start"


def run(repeat):
    cases = [
        ("`time_curve`", "T = logspace(0, 12, 1000)",
         lambda: time_curve(GRID, **CONFIG), lambda: plain_sum(GRID, **CONFIG)),
        ("`compute_curve`", "same T, N = 1e6",
         lambda: compute_curve(GRID, N_COMPUTE, **CONFIG),
         lambda: plain_sum(GRID, N=N_COMPUTE, **CONFIG)),
    ]
    rows, ok = [], True
    for name, grid, fast, slow in cases:
        first = time.perf_counter()
        fast()
        first = time.perf_counter() - first
        fast_s, fast_v = _timed(fast, repeat)
        slow_s, slow_v = _timed(slow, 1)
        error, kept = _relative(fast_v, slow_v)
        speedup = slow_s / fast_s
        good = fast_s < MAX_SECONDS and speedup >= MIN_SPEEDUP and error <= MAX_RELATIVE
        ok &= good
        rows.append(f"| {name} | {grid} | {first:.3f} | {fast_s:.3f} | {slow_s:.1f} | {speedup:,.0f}x "
                    f"| {error:.1e} ({kept} points) | {'yes' if good else '**NO**'} |")
        print(rows[-1], flush=True)
    return rows, ok


HEADER = "| function | grid | fast, first call (s) | fast, best (s) | plain sum (s) | speed-up | max rel. diff. (loss > 1e-200) | met |"


def markdown(rows, ok, repeat, info):
    return "\n".join([
        "## Fast loss curves at the extreme end (n_s = 1e7, alpha = 0.1)",
        "",
        "`python3 benchmarks/bench_curves_extreme.py` (run with `nice -n 5`): `time_curve` and",
        "`compute_curve` at n_s = 1e7, alpha = 0.1, S = 1, r = 0.01, eta = 1, T = logspace(0, 12, 1000),",
        "against a plain NumPy sum over all skills in chunks of 2048 skills x the whole grid (the same",
        f"`loss_fraction`), in the same run; fast timings are the best of {repeat} calls after a first one.",
        f"Targets: fast < {MAX_SECONDS:g} s, speed-up >= {MIN_SPEEDUP:g}x, max relative difference <= "
        f"{MAX_RELATIVE:g} where the loss exceeds {FLOOR:g}.",
        "",
        f"Machine: {info}.",
        "",
        HEADER,
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"All targets met: {'yes' if ok else 'NO'}.",
        "",
    ])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", metavar="PATH", help="also write the markdown section here")
    parser.add_argument("--repeat", type=int, default=5, help="timed calls of the fast code")
    args = parser.parse_args(argv)
    info = machine()
    print(f"Machine: {info}")
    print(HEADER)
    print("|---|---|---|---|---|---|---|---|")
    rows, ok = run(args.repeat)
    if args.write:
        Path(args.write).write_text(markdown(rows, ok, args.repeat, info))
        print(f"wrote {args.write}")
    print("all targets met" if ok else "TARGET MISSED", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
