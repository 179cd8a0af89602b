"""Benchmark: samples/s of the sparse parity generator and steps/s of the multilinear simulation.

Prints a markdown table measured in one run. Usage: python3 benchmarks/bench_foundation.py
"""
from __future__ import annotations

import os
import platform
import time

import numpy as np

from numeric_check.simulation.data import SparseParity
from numeric_check.simulation.multilinear import simulate


def _best(fn, repeat=3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    rows = []
    task = SparseParity(n_s=5, n_b=32, m=3, alpha=0.6, S=5.0)
    n = 10**7
    t = _best(lambda: task.sample(n, rng), repeat=2)
    rows.append(("generator: 10^7 samples (n_s=5, n_b=32), skill + packed bits", f"{n / t:.3g} samples/s",
                 f"{task.sample(n, rng).nbytes / 1e6:.0f} MB"))
    batch = task.sample(n, rng)
    t = _best(lambda: task.signs(batch), repeat=2)
    rows.append(("g_I(I, x) for 10^7 samples (popcount)", f"{n / t:.3g} samples/s", ""))
    t = _best(lambda: task.inputs(task.sample(4000, rng)), repeat=5)
    rows.append(("network inputs, batch 4000 x 37, float32", f"{4000 / t:.3g} samples/s", ""))
    big = SparseParity(n_s=1000, n_b=3000, m=3, alpha=0.6)
    t = _best(lambda: big.signs(big.sample(10**6, rng)), repeat=2)
    rows.append(("sample + g for 10^6 samples at n_s=1000, n_b=3000", f"{10**6 / t:.3g} samples/s", ""))
    for D, N in ((10**4, 5), (10**5, 100)):
        tk = SparseParity(n_s=N, n_b=3 * N, alpha=0.6)
        data = tk.dataset(D, rng)
        steps = 2000
        t = _best(lambda: simulate(tk, n_features=N, eta=0.01, steps=steps, record=[steps], a0=0.1, b0=0.1, rng=rng,
                                   data=data, n_eval=10, n_test=10), repeat=2)
        rows.append((f"multilinear full-batch GD, D={D}, N={N}", f"{steps / t:.3g} steps/s", f"{steps * D / t:.3g} sample-grads/s"))
    tk = SparseParity(n_s=20, n_b=60, alpha=0.6)
    t = _best(lambda: simulate(tk, n_features=20, eta=0.01, steps=1000, record=[1000], a0=0.1, b0=0.1, rng=rng,
                               batch_size=1000, n_eval=10, n_test=10), repeat=2)
    rows.append(("multilinear SGD on fresh batches of 1000, N=20", f"{1000 / t:.3g} steps/s", ""))
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    print(f"machine: {os.cpu_count()} cores, {cpu}, numpy {np.__version__}\n")
    print("| what | speed | note |\n|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} |")


if __name__ == "__main__":
    main()
