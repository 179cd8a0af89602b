"""``emergence nn time|data|parameter|transformer``: train the two-layer MLP and calibrate the
extended model, or train the K.2 transformer (optional PyTorch extra) and fit ``tau_emerge(k)``.

Results go to ``results/nn/<experiment>-<preset>/`` unless ``-o`` says otherwise; the same
command resumes a killed run; ``--force`` starts the folder over. After training it prints the
calibrated constant, the emergence order and the prediction errors, and writes them to
``summary.json`` in the results folder.
"""
from __future__ import annotations

import json
import logging
import math
import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from numeric_check.validation import ArgumentError, atomic_write_text
from numeric_check.closed_forms.calibration import analyse
from numeric_check.networks.experiments import EXPERIMENTS, PRESETS, run_experiment
from numeric_check.networks.transformer import TRANSFORMER_PRESETS, analyse_transformer, run_transformer

__all__ = ["add_parser", "run", "DEFAULT_ROOT"]

DEFAULT_ROOT = Path("results") / "nn"
log = logging.getLogger("emergence.nn")


def _seeds(text: str) -> tuple[int, ...]:
    try:
        if "-" in text and "," not in text:
            lo, hi = (int(v) for v in text.split("-"))
            seeds = tuple(range(lo, hi + 1))
        else:
            seeds = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise ArgumentError(f"--seeds must be a list like 0,1,2 or a range like 0-9; got {text!r}") from None
    if not seeds or min(seeds) < 0:
        raise ArgumentError(f"--seeds must name seeds >= 0; got {text!r}")
    return seeds


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("nn", help="train the 2-layer MLP on sparse parity: time, data or width emergence; "
                                         "or the transformer (time emergence, needs torch)")
    p.add_argument("experiment", choices=EXPERIMENTS + ("transformer",),
                   help="which resource grows (MLP), or transformer (K.2, time)")
    p.add_argument("--preset", default="quick", help="paper (K.1 settings) or quick (<= 10 min on 2 cores); default quick")
    p.add_argument("--seeds", help="seeds, e.g. 0,1,2 or 0-9 (default: the preset's)")
    p.add_argument("--steps", type=int, help="override the preset's number of steps")
    p.add_argument("--width", type=int, help="override the hidden width (time and data; transformer: embedding dimension)")
    p.add_argument("--batch", type=int, help="override the batch size")
    p.add_argument("--lr", type=float, help="override the learning rate")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                   help="parallel single-thread worker processes (default: 2 or the core count)")
    p.add_argument("-o", "--output", help="results folder (default results/nn/<experiment>-<preset>)")
    p.add_argument("--force", action="store_true", help="discard results already in the folder")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.preset not in PRESETS:
        raise ArgumentError(f"--preset must be one of {', '.join(PRESETS)}; got {args.preset!r}")
    transformer = args.experiment == "transformer"
    spec = TRANSFORMER_PRESETS[args.preset] if transformer else PRESETS[args.preset][args.experiment]
    changes = {}
    if args.seeds is not None:
        changes["seeds"] = _seeds(args.seeds)
    for name in ("steps", "width", "batch", "lr"):
        value = getattr(args, name)
        if value is not None:
            if name != "lr" and value < 1:
                raise ArgumentError(f"--{name} must be an integer >= 1, got {value}")
            if name == "lr" and not (math.isfinite(value) and value > 0):
                raise ArgumentError(f"--lr must be a finite number > 0, got {value}")
            changes["d_model" if transformer and name == "width" else name] = value
    spec = replace(spec, **changes)
    folder = Path(args.output) if args.output else DEFAULT_ROOT / f"{args.experiment}-{args.preset}"
    if transformer:
        return _run_transformer(args, spec, folder)
    start = time.perf_counter()
    spec, results = run_experiment(spec, folder, force=args.force, jobs=args.jobs,
                                   log=log.info if log.isEnabledFor(logging.INFO) else None)
    seconds = time.perf_counter() - start
    summary = analyse(spec, results, rng=np.random.default_rng(0))
    return _report(folder, summary, seconds, f"{args.experiment} emergence, preset {args.preset}", len(results),
                   format_summary)


def _report(folder: Path, summary: dict, seconds: float, headline: str, n_runs: int, formatter) -> int:
    """Save ``summary.json`` (with this call's time) beside the runs and print the summary."""
    summary["seconds_this_call"] = round(seconds, 1)
    atomic_write_text(folder / "summary.json", json.dumps(summary, indent=1) + "\n", name="summary")
    print(f"{headline}: {n_runs} runs in {folder} ({seconds:.0f} s this call)")
    print(formatter(summary))
    return 0


def _run_transformer(args, spec, folder: Path) -> int:
    start = time.perf_counter()
    spec, results = run_transformer(spec, folder, force=args.force, jobs=args.jobs,
                                    log=log.info if log.isEnabledFor(logging.INFO) else None)
    seconds = time.perf_counter() - start
    summary = analyse_transformer(spec, results)
    return _report(folder, summary, seconds, f"transformer time emergence, preset {args.preset}", len(results),
                   format_transformer_summary)


def format_transformer_summary(summary: dict) -> str:
    """The printed report of :func:`numeric_check.networks.transformer.analyse_transformer`'s dict."""
    if "missing" in summary:
        return f"no analysis: {summary['missing']}"
    lines = [f"tau_emerge(k) = first step with R_k/S >= {summary['threshold']} (mean ± sd over "
             f"{len(summary['seeds'])} seeds):"]
    for k, (m, sd) in enumerate(zip(summary["tau_mean"], summary["tau_sd"]), start=1):
        lines.append(f"  k={k}: " + (f"{m:.0f} ± {sd:.0f}" if m is not None else "not reached in every seed"))
    lines.append(f"skills in frequency order in every seed: {'yes' if summary['in_frequency_order'] else 'no'}")
    fit = summary["fit"]
    if "exponent" in fit:
        per_seed = summary.get("exponent_seed_sd", float("nan"))
        lines.append(f"power-law fit tau_emerge ∝ k^p: p = {fit['exponent']:.3f} ± {fit['se']:.3f} (least squares in "
                     f"log-log over {fit['n_points']} points; per-seed fits {summary['exponent_seed_mean']:.3f} "
                     f"± {per_seed:.3f} sd); alpha+1 = {summary['alpha_plus_1']:.3g}")
    else:
        lines.append(f"no power-law fit: {fit['missing']}")
    return "\n".join(lines)


def _fit_line(fit: dict) -> str:
    law = f" ({fit['law']} law)" if fit.get("law") else ""
    return f"fitted {fit['name']}{law} = {fit['value']:.4g} ± {fit['sd']:.2g} (bootstrap sd), rms residual {fit['rms']:.3f}"


def format_summary(summary: dict) -> str:
    """The printed report of :func:`numeric_check.closed_forms.calibration.analyse`'s dict."""
    if "missing" in summary:
        return f"no calibration: {summary['missing']}"
    lines = []
    n = summary["n_s_predicted"]
    if summary["experiment"] == "time":
        fit = summary["fit"]
        lines.append(_fit_line(fit) + f"  [paper: 1/22 = {1/22:.4g}]")
        lines.append(f"emergence order (R_k/S = 0.5): {summary['emergence_order']} "
                     f"({'in' if summary['in_frequency_order'] else 'NOT in'} frequency order; "
                     f"{len(summary['skills_emerged'])} of {n} skills emerged)")
        lines.append(f"{'k':>2} {'measured step':>14} {'predicted':>10} {'pred/meas':>10} {'rms R/S':>8}")
        for s in summary["skills"]:
            lines.append(f"{s['k']:>2} {s['step_half_measured']:>14.0f} {s['step_half_predicted']:>10.0f} "
                         f"{s['ratio_predicted_to_measured']:>10.3f} {s['rms']:>8.3f}")
        return "\n".join(lines)
    for entry in summary["fits"]:
        lines.append(_fit_line(entry["fit"]))
        lines.append(f"  prediction for n_s={n}, rms of R/S per skill: "
                     + ", ".join(f"k={s['k']}: {s['rms']:.3f}" for s in entry["skills"])
                     + f"; all skills {entry['rms_all_skills']:.3f}")
    if "better_law" in summary:
        lines.append(f"better law for the network: {summary['better_law']}")
    lines.append(f"{len(summary['skills_emerged'])} of {n} skills reach R/S = 0.5, "
                 f"{'in' if summary['in_frequency_order'] else 'NOT in'} frequency order "
                 f"(at {', '.join(f'{v:.0f}' if np.isfinite(v) else 'never' for v in summary['resource_half_measured'])})")
    return "\n".join(lines)
