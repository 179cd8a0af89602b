"""``emergence nn time|data|parameter|transformer``: train the two-layer MLP and calibrate the
extended model, or train the K.2 transformer (optional PyTorch extra) and fit ``tau_emerge(k)``.

Results go to ``results/nn/<experiment>-<preset>/`` unless ``-o`` says otherwise; the same
command resumes a killed run and writes what an uninterrupted one writes; ``--force`` starts the
folder over. One instance at a time works in a folder (its lock, see
:mod:`numeric_check.networks.folder`); ``--jobs N`` runs the runs on a local Dask cluster whose
workers end with the command, ``--scheduler tcp://HOST:PORT`` on an existing one, and only this
process writes the folder (:mod:`numeric_check.networks.dask_sweep`). On a terminal a progress
bar on standard error shows the steps trained, runs done, steps per second and time left. After training it prints the calibrated constant, the
emergence order and the prediction errors, and writes them to ``summary.json`` (strict JSON:
"not reached" is ``null``) in the results folder. An override that the experiment does not use
(``--width`` of ``parameter``, which trains its own grid of widths) is refused.
"""
from __future__ import annotations

import logging
import math
import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from numeric_check.validation import ArgumentError, atomic_write_text, strict_json
from numeric_check.closed_forms.calibration import analyse, fit_entries
from numeric_check.networks.experiments import EXPERIMENTS, MAX_SEEDS, PRESETS, run_experiment
from numeric_check.networks.folder import FolderLock
from numeric_check.networks.parallel import MAX_JOBS
from numeric_check.networks.transformer import TRANSFORMER_PRESETS, analyse_transformer, run_transformer
from numeric_check.progress import on_terminal

__all__ = ["add_parser", "run", "DEFAULT_ROOT"]

DEFAULT_ROOT = Path("results") / "nn"
log = logging.getLogger("emergence.nn")


_MAX_SEED = 2**32 - 1


def _seeds(text: str) -> tuple[int, ...]:
    ranged = "-" in text and "," not in text
    try:
        values = [int(v) for v in text.split("-" if ranged else ",")]
    except ValueError:
        values = None
    if values is None or (ranged and len(values) != 2):
        raise ArgumentError(f"--seeds must be a list like 0,1,2 or a range like 0-9 of seeds >= 0; got {text!r}")
    if ranged:
        lo, hi = values
        if hi < lo:
            raise ArgumentError(f"--seeds range {text!r} is decreasing, so it names no seed; write it low-high, "
                                f"e.g. {hi}-{lo}")
        if hi - lo + 1 > MAX_SEEDS:
            raise ArgumentError(f"--seeds names at most {MAX_SEEDS} seeds, got {hi - lo + 1} in {text!r}")
        values = list(range(lo, hi + 1))
    if len(values) > MAX_SEEDS:
        raise ArgumentError(f"--seeds names at most {MAX_SEEDS} seeds, got {len(values)}")
    bad = [v for v in values if not 0 <= v <= _MAX_SEED]
    if bad:
        raise ArgumentError(f"--seeds must name seeds in [0, {_MAX_SEED}]; got {bad[0]} in {text!r}")
    if len(set(values)) != len(values):
        raise ArgumentError(f"--seeds names a seed twice: {text!r}")
    return tuple(values)


def _plain(text: str) -> bool:
    """Whether ``text`` is ASCII digits (with spaces around): not ``+100``, ``1_000`` or other scripts' digits."""
    text = text.strip()
    return text.isascii() and text.isdigit() and len(text) <= 10


_MAX_GRID = 1000     # values of one --grid; a resource value up to 10^9 (the run's size bound decides)


def _grid(texts: list[str], experiment: str, grids: dict) -> dict:
    """``grids`` (n_s as a string -> values) with each ``--grid NS:V,V,...`` replacing its n_s's values.

    Examples
    --------
    >>> _grid(["5:1000,2000", "1:"], "data", {"1": (100,), "5": (500,)})
    {'1': (), '5': (1000, 2000)}
    """
    what = {"data": "training-set sizes D", "parameter": "hidden widths N"}.get(experiment)
    if what is None:
        raise ArgumentError(f"--grid is not used by the {experiment} experiment; give it to data (values of D) "
                            "or parameter (widths)")
    out = dict(grids)
    seen = set()
    for text in texts:
        n_s, colon, values = text.partition(":")
        n_s = n_s.strip()
        if n_s in seen:
            raise ArgumentError(f"--grid names n_s = {n_s} twice; give its values once")
        seen.add(n_s)
        shown = text if len(text) <= 40 else text[:37] + "..."
        items = values.split(",") if values.strip() else []
        parsed = tuple(int(v) for v in items) if all(_plain(v) for v in items) else None
        if n_s not in out or not colon or parsed is None:
            raise ArgumentError(f"--grid must be NS:V,V,... with NS one of {', '.join(sorted(out))} and V the "
                                f"{what} (integers in [1, 1e9]), or NS: for none; got {shown!r}")
        bad = [v for v in parsed if not 1 <= v <= 10**9]
        if bad or len(parsed) > _MAX_GRID or len(set(parsed)) != len(parsed):
            raise ArgumentError(f"--grid {shown!r}: the {what} must be distinct integers in [1, 1e9], at most "
                                f"{_MAX_GRID} of them")
        out[n_s] = tuple(sorted(parsed))
    return out


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("nn", help="train the 2-layer MLP on sparse parity: time, data or width emergence; "
                                         "or the transformer (time emergence, needs torch)")
    p.add_argument("experiment", choices=EXPERIMENTS + ("transformer",),
                   help="which resource grows (MLP), or transformer (K.2, time)")
    p.add_argument("--preset", default="quick", help="paper (K.1 settings) or quick (<= 10 min on 2 cores); default quick")
    p.add_argument("--seeds", help="seeds, e.g. 0,1,2 or 0-9 (default: the preset's)")
    p.add_argument("--steps", type=int, help="override the preset's number of steps")
    p.add_argument("--width", type=int, help="override the hidden width (time and data; transformer: embedding "
                                             "dimension; parameter trains its own grid of widths and refuses it)")
    p.add_argument("--batch", type=int, help="override the batch size")
    p.add_argument("--lr", type=float, help="override the learning rate")
    p.add_argument("--grid", action="append", metavar="NS:V,V,...",
                   help="data: the training-set sizes D, parameter: the widths, for n_s = NS (1 or 5), in place "
                        "of the preset's (repeat for both; NS: for none). A folder takes more seeds and grid "
                        "values with the rest of its configuration unchanged, and reports them all")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                   help=f"runs at once (each with one BLAS thread, the same bytes for any value): 1 trains them in this "
                        f"process, more start a local Dask cluster of that many "
                        f"single-thread worker processes, at most {MAX_JOBS}, which end with this command "
                        "(default: 2 or the core count)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="send the runs to the Dask cluster of this scheduler instead (dask scheduler / dask worker "
                        "--nthreads 1, or dask-jobqueue; docs/distributed.md); --jobs is then not used. Only this "
                        "command writes the results folder: no shared file system is needed")
    p.add_argument("-o", "--output", help="results folder (default results/nn/<experiment>-<preset>)")
    p.add_argument("--force", action="store_true", help="discard results already in the folder")
    p.epilog = ("A killed run resumes with the same command, writing what an uninterrupted run writes; one command "
                "at a time works in a results folder. Sizes: at most 4 GiB of arrays per run (width, batch, D), "
                f"{MAX_SEEDS} seeds, 100,000 checkpoints per run.")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.preset not in PRESETS:
        raise ArgumentError(f"--preset must be one of {', '.join(PRESETS)}; got {args.preset!r}")
    transformer = args.experiment == "transformer"
    spec = TRANSFORMER_PRESETS[args.preset] if transformer else PRESETS[args.preset][args.experiment]
    if args.width is not None and args.experiment == "parameter":
        raise ArgumentError("--width is not used by the parameter experiment: it trains every width of its grid "
                            "(K.1); give it to time, data or transformer")
    if not 1 <= args.jobs <= MAX_JOBS:
        raise ArgumentError(f"--jobs must be an integer in [1, {MAX_JOBS}], got {args.jobs}")
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
    if args.grid:
        key = "D_values" if args.experiment == "data" else "widths"
        changes[key] = _grid(args.grid, args.experiment, getattr(spec, key, {}))
    spec = replace(spec, **changes)
    folder = Path(args.output) if args.output else DEFAULT_ROOT / f"{args.experiment}-{args.preset}"
    progress = log.info if log.isEnabledFor(logging.INFO) else None
    client = None
    if args.scheduler is not None:
        from numeric_check.networks.dask_sweep import connect, parse_scheduler

        parse_scheduler(args.scheduler)
    if transformer:
        from numeric_check.networks.transformer import check_transformer_spec, require_torch

        check_transformer_spec(spec)
        require_torch()
    else:
        from numeric_check.networks.experiments import check_spec

        check_spec(spec)
    if args.scheduler is not None:
        client = connect(args.scheduler)   # before the folder is touched: an unreachable one is one line
    try:
        return _train_and_report(args, spec, folder, transformer, progress, client)
    finally:
        if client is not None:
            client.close()


def _train_and_report(args, spec, folder, transformer, progress, client) -> int:
    bar = on_terminal()
    with FolderLock(folder) as lock:       # held until the summary is written
        start = time.perf_counter()
        if transformer:
            spec, results = run_transformer(spec, folder, force=args.force, jobs=args.jobs, log=progress, lock=lock,
                                            scheduler=client, progress=bar)
            summary = analyse_transformer(spec, results)
            headline, formatter = f"transformer time emergence, preset {args.preset}", format_transformer_summary
        else:
            spec, results = run_experiment(spec, folder, force=args.force, jobs=args.jobs, log=progress, lock=lock,
                                           scheduler=client, progress=bar)
            summary = analyse(spec, results, rng=np.random.default_rng(0))
            headline, formatter = f"{args.experiment} emergence, preset {args.preset}", format_summary
        seconds = time.perf_counter() - start
        text = strict_json(summary, indent=1) + "\n"
        atomic_write_text(folder / "summary.json", text, name="summary")
    print(f"{headline}: {len(results)} runs in {folder} ({seconds:.0f} s this call)")
    print(formatter(summary))
    return 0


def _num(value, fmt: str, missing: str = "not reached") -> str:
    """``value`` formatted, or ``missing`` for None ("not reached" in the summary)."""
    return missing if value is None else format(value, fmt)


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
        per_seed = (f"per-seed fits {_num(summary.get('exponent_seed_mean'), '.3f', 'none')} "
                    f"± {_num(summary.get('exponent_seed_sd'), '.3f', 'n/a')} sd")
        lines.append(f"power-law fit tau_emerge ∝ k^p: p = {fit['exponent']:.3f} ± {_num(fit['se'], '.3f', 'n/a')} "
                     f"(least squares in log-log over {fit['n_points']} points; {per_seed}); "
                     f"alpha+1 = {summary['alpha_plus_1']:.3g}")
    else:
        lines.append(f"no power-law fit: {fit['missing']}")
    return "\n".join(lines)


def edge_warning(fit: dict) -> str:
    """The warning for a fit at an end of its search range ("" when it is inside)."""
    if not fit.get("edge"):
        return ""
    low, high = fit["search"]
    return (f"warning: {fit['name']} = {fit['value']:.4g} is at the {fit['edge']} end of the search range "
            f"[{low:.4g}, {high:.4g}]: the data do not determine it")


def _fit_line(fit: dict) -> str:
    law = f" ({fit['law']} law)" if fit.get("law") else ""
    line = f"fitted {fit['name']}{law} = {fit['value']:.4g} ± {fit['sd']:.2g} (bootstrap sd), rms residual {fit['rms']:.3f}"
    warning = edge_warning(fit)
    return line + ("\n" + warning if warning else "")


def _seed_interval(summary: dict) -> list[str]:
    boot = summary.get("seed_bootstrap")
    if not boot or boot.get("low") is None:
        return []
    return [f"{boot['name']} over seeds: {int(boot['level'] * 100)}% interval [{boot['low']:.4g}, {boot['high']:.4g}] "
            f"({boot['n_seeds']} seeds resampled {boot['n_boot']} times)"]


def format_summary(summary: dict) -> str:
    """The printed report of :func:`numeric_check.closed_forms.calibration.analyse`'s dict."""
    fits = fit_entries(summary)
    if "missing" in summary:            # the calibration alone (finished n_s = 1 runs), or nothing
        if not fits:
            return f"no calibration: {summary['missing']}"
        lines = []
        for entry in fits:
            lines += [_fit_line(entry["fit"]), *_seed_interval(entry)]
        return "\n".join(lines + [f"no prediction: {summary['missing']}"])
    lines = []
    n = summary["n_s_predicted"]
    if summary["experiment"] == "time":
        fit = summary["fit"]
        lines.append(_fit_line(fit) + f"  [paper: 1/22 = {1/22:.4g}]")
        lines += _seed_interval(summary)
        lines.append(f"emergence order (R_k/S = 0.5): {summary['emergence_order']} "
                     f"({'in' if summary['in_frequency_order'] else 'NOT in'} frequency order; "
                     f"{len(summary['skills_emerged'])} of {n} skills emerged)")
        lines.append(f"{'k':>2} {'measured step':>14} {'predicted':>10} {'pred/meas':>10} {'rms R/S':>8}")
        for s in summary["skills"]:
            lines.append(f"{s['k']:>2} {_num(s['step_half_measured'], '>14.0f', 'not reached'):>14} "
                         f"{_num(s['step_half_predicted'], '>10.0f', 'not reached'):>10} "
                         f"{_num(s['ratio_predicted_to_measured'], '>10.3f', '-'):>10} {s['rms']:>8.3f}")
        if summary.get("rms_skills_2_on") is not None:
            lines.append(f"rms of R/S over skills 2..{n} (the prediction): {summary['rms_skills_2_on']:.3f}")
        return "\n".join(lines)
    for entry in summary["fits"]:
        lines.append(_fit_line(entry["fit"]))
        lines += _seed_interval(entry)
        lines.append(f"  prediction for n_s={n}, rms of R/S per skill: "
                     + ", ".join(f"k={s['k']}: {s['rms']:.3f}" for s in entry["skills"])
                     + f"; all skills {entry['rms_all_skills']:.3f}")
    if "better_law" in summary:
        lines.append(f"better law for the network: {summary['better_law']}")
    lines.append(f"{len(summary['skills_emerged'])} of {n} skills reach R/S = 0.5, "
                 f"{'in' if summary['in_frequency_order'] else 'NOT in'} frequency order "
                 f"(at {', '.join(_num(v, '.0f') for v in summary['resource_half_measured'])})")
    return "\n".join(lines)
