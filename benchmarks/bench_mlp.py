"""Steps per second of the hand-written NumPy MLP against a lean PyTorch CPU loop of the same
network, in one run on one machine (the paper's App. K.1 configuration: width 1000, batch 4000,
37 inputs, SGD, fresh data every step).

    python3 benchmarks/bench_mlp.py [--steps 60] [--repeats 5] [--profile] [--paper-run [--paper-steps 3000]] [--parallel]
    OPENBLAS_NUM_THREADS=1 python3 benchmarks/bench_mlp.py   # both loops on one thread

Prints a markdown table. Both loops draw a fresh batch every step with the same NumPy generator
code (``SparseParity.sample`` + ``fill_inputs``); PyTorch gets it through ``torch.from_numpy``.
Timings are the best of ``--repeats`` blocks of ``--steps`` steps (the machine may be shared),
in wall-clock time and in the process's CPU time (on a machine with more runnable processes
than cores the CPU time is what one free core would take; the wall time is inflated by waiting).
``--profile`` splits one training step (and the K.3 measurement of a checkpoint) into its parts,
each timed alone on the same arrays. ``--paper-run`` runs ``--paper-steps`` steps of the
paper-preset time run at n_s = 5 (R_k on 5 x 20,000 samples every 50 steps, the checkpoint files
written), the whole thing when ``--paper-steps 30000``, and extrapolates to 3e4 steps otherwise;
``--parallel`` compares two seeds run one after the other (2 BLAS threads) with two
single-thread processes side by side.
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
    """Steps per second of ``fn(steps)``: (wall clock, CPU time of this process), best of ``repeats``."""
    fn(3)  # warm up: buffers, BLAS threads
    wall = cpu = float("inf")
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(steps)
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return steps / wall, steps / cpu


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


def paper_time_run(steps=3000):
    """(wall, CPU) seconds of ``steps`` steps of the paper time run at n_s = 5, scaled to its 3e4 steps."""
    spec = replace(PRESETS["paper"]["time"], n_s_values=(5,), seeds=(0,), steps=steps)
    with tempfile.TemporaryDirectory() as folder:
        start, start_cpu = time.perf_counter(), time.process_time()
        train_run(runs_of(spec)[0], folder)
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    scale = PRESETS["paper"]["time"].steps / steps
    return wall * scale, cpu * scale


def profile(repeats=5):
    """Milliseconds (CPU time, best of ``repeats`` x 20) of the parts of one training step and of
    one K.3 measurement (n_s = 5, 5 x 20,000 samples), each part alone on the arrays it works on."""
    task = SparseParity(n_s=N_S, n_b=N_B, m=3, alpha=0.6, S=5.0)
    rng = np.random.default_rng(0)
    net = MLP(n_in=N_S + N_B, width=WIDTH, init_std=0.01, rng=rng)
    xa = np.empty((BATCH, N_S + N_B + 1), np.float32)
    y = np.empty(BATCH, np.float32)
    c = 512
    blocks = BATCH // c
    h = np.empty((c, WIDTH), np.float32)
    m, r, xd, gT = np.empty_like(h), np.empty(c, np.float32), np.empty((c, N_S + N_B + 1), np.float32), np.empty_like(net.W)

    def batch():
        b = task.sample(BATCH, rng)
        fill_inputs(task, b.skill, b.bits, xa)
        np.multiply(task.signs(b), task.S, out=y, casting="unsafe")

    batch()
    x = xa[:c]
    opt = SGD(lr=0.05)
    parts = {
        "fresh batch (sample + inputs)": (batch, 1),
        "forward product Z = X W": (lambda: np.matmul(x, net.W, out=h), blocks),
        "mask M = [Z > 0] and H = Z M": (lambda: (np.greater(h, 0, out=m), np.multiply(h, m, out=h)), blocks),
        "f = H w2 and dL/dw2 = H^T df": (lambda: (np.matmul(h, net.w2, out=r), r @ h), blocks),
        "backward product (X df)^T M": (lambda: (np.multiply(x, r[:, None], out=xd), np.matmul(xd.T, m, out=gT)), blocks),
        "whole SGD step (net.backward + update)": (lambda: opt.step(net, xa, y), 1),
    }
    out = {}
    for name, (fn, times) in parts.items():
        fn()
        best = float("inf")
        for _ in range(repeats):
            start = time.process_time()
            for _ in range(20):
                fn()
            best = min(best, (time.process_time() - start) / 20)
        out[name] = 1e3 * best * times
    parts_ = [task.sample(20000, np.random.default_rng([0, 2]), skill=k) for k in range(N_S)]
    xe = np.empty((N_S * 20000, N_S + N_B + 1), np.float32)
    fill_inputs(task, np.concatenate([p.skill for p in parts_]), np.concatenate([p.bits for p in parts_]), xe)
    fe = np.empty(N_S * 20000, np.float32)
    for label, chunk in (("K.3 measurement, 5 x 20,000 samples (per checkpoint)", 512),
                         ("the same in 8,192-row blocks (before)", 8192)):
        net.forward_augmented(xe, chunk=chunk, out=fe)
        best = float("inf")
        for _ in range(repeats):
            start = time.process_time()
            net.forward_augmented(xe, chunk=chunk, out=fe)
            best = min(best, time.process_time() - start)
        out[label] = 1e3 * best
    return out


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
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--paper-run", action="store_true")
    parser.add_argument("--paper-steps", type=int, default=3000)
    parser.add_argument("--parallel", action="store_true")
    args = parser.parse_args()
    if not 50 <= args.paper_steps <= 30000:
        parser.error("--paper-steps must lie in [50, 30000]")
    load = os.getloadavg()[0]
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__}, "
          f"OPENBLAS_NUM_THREADS={threads}, load average at start {load:.2f}")
    print()
    print("| loop | steps/s (wall) | steps/s (CPU time) | ms/step (CPU time) |")
    print("|---|---|---|---|")
    wall32, cpu32 = ours(args.steps, args.repeats)
    print(f"| NumPy MLP, float32 (ours) | {wall32:.1f} | {cpu32:.1f} | {1e3 / cpu32:.1f} |")
    try:
        (wall_t, cpu_t), version, n_threads = pytorch(args.steps, args.repeats)
        print(f"| PyTorch {version} CPU loop, float32, {n_threads} threads | {wall_t:.1f} | {cpu_t:.1f} | "
              f"{1e3 / cpu_t:.1f} |")
        print(f"\nratio ours / PyTorch: {wall32 / wall_t:.2f} (wall), {cpu32 / cpu_t:.2f} (CPU time)")
    except ImportError:
        print("| PyTorch | not installed (pip install torch==2.13.0) | | |")
    wall64, cpu64 = ours(max(args.steps // 2, 5), args.repeats, np.float64)
    print(f"float64 NumPy MLP: {wall64:.1f} steps/s (wall), {cpu64:.1f} (CPU time)")
    if args.profile:
        print("\n| part of one step (batch 4000, width 1000, 8 blocks of 512 rows) | ms (CPU time) |\n|---|---|")
        for name, ms in profile(args.repeats).items():
            print(f"| {name} | {ms:.2f} |")
    if args.paper_run:
        wall, cpu = paper_time_run(args.paper_steps)
        how = "measured whole" if args.paper_steps == 30000 else f"extrapolated from {args.paper_steps} steps"
        print(f"\npaper-preset time run at n_s = 5 (3e4 steps, R_k every 50 steps), {how}: "
              f"{wall / 60:.1f} min wall, {cpu / 60:.1f} min CPU time")
    if args.parallel:
        seq, par = parallel()
        print(f"two seeds: one after the other with 2 BLAS threads {seq:.1f} steps/s in total; "
              f"two single-thread processes side by side {par:.1f} steps/s in total")
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
