"""Steps per second of the hand-written NumPy MLP against a lean PyTorch CPU loop of the same
network, in one run on one machine (the paper's App. K.1 configuration: width 1000, batch 4000,
37 inputs, SGD, fresh data every step).

    python3 benchmarks/bench_mlp.py [--steps 60] [--repeats 5] [--paper-run] [--parallel]
    OPENBLAS_NUM_THREADS=1 python3 benchmarks/bench_mlp.py   # both loops on one thread

Prints a markdown table. Both loops draw a fresh batch every step with the same NumPy generator
code (``SparseParity.sample`` + ``fill_inputs``); PyTorch gets it through ``torch.from_numpy``.
Timings are the best of ``--repeats`` blocks of ``--steps`` steps (the machine may be shared).
``--paper-run`` times a 600-step slice of the paper-preset time run (R_k on 5 x 20,000 samples
every 50 steps) and extrapolates to 3e4 steps; ``--parallel`` compares two seeds run one after
the other (2 BLAS threads) with two single-thread processes side by side.
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from numeric_check.simulation.data import SparseParity  # noqa: E402
from numeric_check.networks.mlp import MLP, SGD  # noqa: E402
from numeric_check.networks.experiments import PRESETS, runs_of, train_run  # noqa: E402
from numeric_check.networks.runner import fill_inputs  # noqa: E402

WIDTH, BATCH, N_S, N_B = 1000, 4000, 5, 32


def _best(fn, steps, repeats):
    fn(3)  # warm up: buffers, BLAS threads
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn(steps)
        best = min(best, time.perf_counter() - start)
    return steps / best


def ours(steps, repeats, dtype=np.float32):
    task = SparseParity(n_s=N_S, n_b=N_B, m=3, alpha=0.6, S=5.0)
    rng = np.random.default_rng(0)
    net = MLP(n_in=N_S + N_B, width=WIDTH, init_std=0.01, rng=rng, dtype=dtype)
    opt = SGD(lr=0.05)
    xa = np.empty((BATCH, N_S + N_B + 1), dtype)
    y = np.empty(BATCH, dtype)

    def loop(n):
        for _ in range(n):
            b = task.sample(BATCH, rng)
            fill_inputs(task, b.skill, b.bits, xa)
            np.multiply(task.signs(b), task.S, out=y, casting="unsafe")
            opt.step(net, xa, y)

    return _best(loop, steps, repeats)


def pytorch(steps, repeats):
    import torch

    if os.environ.get("OPENBLAS_NUM_THREADS"):
        torch.set_num_threads(int(os.environ["OPENBLAS_NUM_THREADS"]))
    torch.manual_seed(0)
    task = SparseParity(n_s=N_S, n_b=N_B, m=3, alpha=0.6, S=5.0)
    rng = np.random.default_rng(0)
    model = torch.nn.Sequential(torch.nn.Linear(N_S + N_B, WIDTH), torch.nn.ReLU(), torch.nn.Linear(WIDTH, 1))
    for p in model.parameters():
        torch.nn.init.normal_(p, std=0.01)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    loss_fn = torch.nn.MSELoss()
    xa = np.empty((BATCH, N_S + N_B + 1), np.float32)
    y = np.empty(BATCH, np.float32)

    def loop(n):
        for _ in range(n):
            b = task.sample(BATCH, rng)
            fill_inputs(task, b.skill, b.bits, xa)
            np.multiply(task.signs(b), task.S, out=y, casting="unsafe")
            x, t = torch.from_numpy(xa[:, :-1]), torch.from_numpy(y)
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x)[:, 0], t)
            loss.backward()
            opt.step()

    return _best(loop, steps, repeats), torch.__version__, torch.get_num_threads()


def paper_time_run(steps=600):
    spec = replace(PRESETS["paper"]["time"], n_s_values=(5,), seeds=(0,), steps=steps)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        train_run(runs_of(spec)[0], folder)
        seconds = time.perf_counter() - start
    return seconds * PRESETS["paper"]["time"].steps / steps


def _child(threads: int, steps: int) -> subprocess.Popen:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads)}
    script = (f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parent)!r}); "
              f"import bench_mlp as b; import time; t=time.perf_counter(); b.ours({steps}, 1); "
              f"print(time.perf_counter()-t)")
    return subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)


def parallel(steps=150):
    start = time.perf_counter()
    for _ in range(2):
        _child(2, steps).wait()
    sequential = time.perf_counter() - start
    start = time.perf_counter()
    procs = [_child(1, steps) for _ in range(2)]
    for p in procs:
        p.wait()
    side_by_side = time.perf_counter() - start
    return 2 * (steps + 3) / sequential, 2 * (steps + 3) / side_by_side


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--paper-run", action="store_true")
    parser.add_argument("--parallel", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__}, "
          f"load average at start {load:.2f}")
    print()
    print("| loop | steps/s | ms/step |")
    print("|---|---|---|")
    ours32 = ours(args.steps, args.repeats)
    print(f"| NumPy MLP, float32 (ours) | {ours32:.1f} | {1e3 / ours32:.1f} |")
    try:
        torch_rate, version, threads = pytorch(args.steps, args.repeats)
        print(f"| PyTorch {version} CPU loop, float32, {threads} threads | {torch_rate:.1f} | {1e3 / torch_rate:.1f} |")
        print(f"\nratio ours / PyTorch: {ours32 / torch_rate:.2f}")
    except ImportError:
        print("| PyTorch | not installed (pip install torch==2.13.0) | |")
    ours64 = ours(max(args.steps // 2, 5), args.repeats, np.float64)
    print(f"float64 NumPy MLP: {ours64:.1f} steps/s")
    if args.paper_run:
        print(f"paper-preset time run (3e4 steps, R_k every 50 steps), extrapolated from 600 steps: "
              f"{paper_time_run() / 60:.1f} min per seed")
    if args.parallel:
        seq, par = parallel()
        print(f"two seeds: one after the other with 2 BLAS threads {seq:.1f} steps/s in total; "
              f"two single-thread processes side by side {par:.1f} steps/s in total")
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
