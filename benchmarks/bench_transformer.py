"""Time per training step of the K.2 transformer (numeric_check.networks.transformer) on this CPU, at the
quick preset's reduced scale and at the paper's scale (embedding 512, 4 heads, batch 5000,
n_s + n_b = 37 tokens), one step = fresh batch + forward + backward + SGD-momentum update.

    python3 benchmarks/bench_transformer.py [--steps 40] [--paper-steps 3] [--threads 1]

Prints a markdown table (best of the timed steps after one warm-up step; the machine may be shared).
Needs the optional extra nn (torch).
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from numeric_check.simulation.data import SparseParity  # noqa: E402
from numeric_check.networks.runner import fill_inputs  # noqa: E402
from numeric_check.networks.transformer import (TRANSFORMER_PRESETS, build_model, require_torch,  # noqa: E402
                                       token_count, tokens)


def _step_times(spec, steps: int) -> tuple[float, float, int]:
    torch = require_torch()
    task = SparseParity(n_s=spec.n_s, n_b=spec.n_b, m=spec.m, alpha=spec.alpha, S=spec.S)
    L = token_count(spec)
    torch.manual_seed(0)
    net = build_model(n_tokens=L, d_model=spec.d_model, heads=spec.heads)
    opt = torch.optim.SGD(net.parameters(), lr=spec.lr, momentum=0.9, weight_decay=spec.weight_decay)
    rng = np.random.default_rng(0)
    x = np.empty((spec.batch, L + 1), np.float32)
    y = np.empty(spec.batch, np.float32)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    times = []
    for _ in range(steps + 1):
        start = time.perf_counter()
        b = task.sample(spec.batch, rng)
        fill_inputs(task, b.skill, b.bits, x)
        np.multiply(task.signs(b), spec.S, out=y, casting="unsafe")
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(net(tokens(xt[:, :L])), yt)
        loss.backward()
        opt.step()
        times.append(time.perf_counter() - start)
    n_params = sum(p.numel() for p in net.parameters())
    return min(times[1:]), float(np.median(times[1:])), n_params


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=40, help="timed steps at the quick scale")
    p.add_argument("--paper-steps", type=int, default=3, help="timed steps at the paper scale")
    p.add_argument("--threads", type=int, default=1, help="torch threads")
    args = p.parse_args(argv)
    torch = require_torch()
    torch.set_num_threads(args.threads)
    quick, paper = TRANSFORMER_PRESETS["quick"], TRANSFORMER_PRESETS["paper"]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
          f"{args.threads} thread(s), load average {os.getloadavg()[0]:.1f}")
    print("| scale | embedding | tokens | batch | parameters | best s/step | median s/step |")
    print("|---|---|---|---|---|---|---|")
    for name, spec, steps in (("quick", quick, args.steps), ("paper", paper, args.paper_steps)):
        best, median, n_params = _step_times(spec, steps)
        print(f"| {name} | {spec.d_model} | {token_count(spec)} | {spec.batch} | {n_params:,} | {best:.3g} | {median:.3g} |",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
