"""Figure set ``networks``: Fig. 1 (prediction, n_s = 5) and Fig. 11 (calibration, n_s = 1) from
saved MLP results.

Results are read from ``results/nn/<experiment>-paper`` when that folder holds finished runs,
else ``results/nn/<experiment>-quick`` (the root can be moved with the environment variable
``EMERGENCE_NN_RESULTS``). Without any saved results the set prints one line saying so and makes
no figure. Measured curves: seed mean, dashed, with a ±1 sd band; calibrated extended-model
predictions: solid (data: Eq. 17 solid, corrected linear law dotted).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

from derivations.figures import FigureSet, save
from numeric_check.nn_calibration import analyse, crossing, default_r0, predict, time_curves
from numeric_check.nn_experiments import load_results
from numeric_check.validation import ArgumentError

__all__ = ["figure_set", "results_roots", "find_results"]


def results_roots() -> list[Path]:
    """Folders searched for results: ``$EMERGENCE_NN_RESULTS`` if set, else ``results/nn`` (where
    ``emergence nn`` writes by default) then ``docs/results/nn`` (the committed quick results)."""
    if os.environ.get("EMERGENCE_NN_RESULTS"):
        return [Path(os.environ["EMERGENCE_NN_RESULTS"])]
    return [Path("results") / "nn", Path("docs") / "results" / "nn"]


def find_results(experiment: str):
    """(spec, results, folder) of the best saved results for ``experiment``, or None."""
    for root, preset in ((root, preset) for preset in ("paper", "quick") for root in results_roots()):
        folder = root / f"{experiment}-{preset}"
        if not (folder / "config.json").exists():
            continue
        try:
            spec, results = load_results(folder)
        except (ArgumentError, KeyError, TypeError, ValueError):
            continue
        done = {r.n_s for r in results if r.done}
        if 1 in done and max(spec.n_s_values) in done:
            return spec, results, folder
    return None


def _colors(n):
    import matplotlib.pyplot as plt

    return plt.get_cmap("viridis")(np.linspace(0.0, 0.85, n))


def _final(results, n_s, attr):
    groups = {}
    for r in results:
        if r.n_s == n_s and r.done:
            groups.setdefault(getattr(r, attr), []).append(r.R[-1])
    xs = np.array(sorted(groups), dtype=float)
    vals = [np.array(groups[x]) for x in sorted(groups)]
    return xs, np.array([v.mean(axis=0) for v in vals]), np.array([v.std(axis=0) for v in vals])


def _panel(ax, experiment, spec, results, n_s, summary):
    colors = _colors(n_s)
    if experiment == "time":
        steps, R = time_curves(results, n_s)
        mean, sd = R.mean(axis=0), R.std(axis=0)
        xs = steps
        fit = summary["fit"]["value"]
        grid = np.linspace(0, steps[-1], 2000)
        for k in range(n_s):
            pred = predict("time", grid, k=k + 1, value=fit, n_s=n_s, alpha=spec.alpha, S=spec.S,
                           R0=default_r0(spec.init_std), eta=2 * spec.lr)
            ax.plot(grid, pred, "-", color=colors[k], lw=1.6)
        ax.set_xlabel("training step $T$")
        label = f"model, $B^2$={fit:.3g}"
    else:
        attr = "D" if experiment == "data" else "width"
        xs, mean, sd = _final(results, n_s, attr)
        fits = summary["fits"]
        top = xs.max()
        grid = (np.unique(np.round(np.geomspace(max(xs.min() / 2, 1), top * 1.2, 80))).astype(int)
                if experiment == "data" else np.arange(1, int(top) + 1))
        for entry in fits:
            style = "-" if entry["fit"]["law"] in (None, "eq17") else ":"
            for k in range(n_s):
                pred = predict(experiment, grid, k=k + 1, value=entry["fit"]["value"], n_s=n_s, alpha=spec.alpha,
                               S=spec.S, law=entry["fit"]["law"] or "eq17")
                ax.plot(grid, pred, style, color=colors[k], lw=1.6 if style == "-" else 1.2)
        ax.set_xlabel("training set size $D$" if experiment == "data" else "hidden width $N$")
        if experiment == "data":
            v = {e["fit"]["law"]: e["fit"]["value"] for e in fits}
            label = f"model, $D_c$={v['eq17']:.0f} (Eq. 17, solid) / {v['linear']:.0f} (linear, dotted)"
        else:
            label = f"model, $N_c$={fits[0]['fit']['value']:.0f}"
    for k in range(n_s):
        ax.plot(xs, mean[:, k], "--", color=colors[k], lw=1.4, label=f"$k={k + 1}$")
        ax.fill_between(xs, mean[:, k] - sd[:, k], mean[:, k] + sd[:, k], color=colors[k], alpha=0.18, lw=0)
    ax.plot([], [], "k--", label="MLP (mean ± 1 sd)")
    ax.plot([], [], "k-", label=label)
    ax.set_ylabel(r"$\mathcal{R}_k/S$")
    ax.set_ylim(-0.05, 1.1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, framealpha=0.6, loc="upper left" if n_s > 1 and experiment != "parameter" else "lower right")


def _make(folder: Path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    found = {e: find_results(e) for e in ("time", "data", "parameter")}
    available = {e: v for e, v in found.items() if v is not None}
    if not available:
        print(f"networks: no saved MLP results under {' or '.join(map(str, results_roots()))} (run 'emergence nn time|data|parameter "
              f"--preset quick' first); no figure made", file=sys.stderr)
        return []
    summaries = {e: analyse(v[0], v[1], rng=np.random.default_rng(0), n_boot=50) for e, v in available.items()}
    figures = []
    for fig_name, which in (("fig1", "predict"), ("fig11", "calibrate")):
        fig, axes = plt.subplots(1, len(available), figsize=(4.6 * len(available), 3.6), squeeze=False)
        sources = []
        for ax, (experiment, (spec, results, src)) in zip(axes[0], available.items()):
            n_s = max(spec.n_s_values) if which == "predict" else 1
            _panel(ax, experiment, spec, results, n_s, summaries[experiment])
            if which == "predict" and experiment != "parameter":
                ax.set_xscale("log")
                if experiment == "time":
                    ax.set_xlim(left=100)
            if which == "calibrate" and experiment == "time":
                steps, R = time_curves(results, 1)
                half = crossing(steps, R.mean(axis=0)[:, 0], 0.5)
                if np.isfinite(half):
                    ax.set_xlim(0, min(steps[-1], 4 * half))
            ax.set_title(f"{experiment}, $n_s={n_s}$ ({src.name})", fontsize=9)
            sources.append(f"\\texttt{{{src.name}}} ({len({r.seed for r in results})} seeds)")
        fig.tight_layout()
        if which == "predict":
            caption = ("Fig.~1 reproduced: skill strength $\\mathcal R_k/S$ of the 2-layer MLP with $n_s=5$ "
                       "(dashed, mean $\\pm1$ s.d. over seeds) against training steps, data and width, and the "
                       "extended model calibrated on the $n_s=1$ network only (solid; data: Eq.~17 solid, "
                       "corrected linear law dotted). Results: " + ", ".join(sources) + ".")
        else:
            caption = ("Fig.~11 reproduced: calibration of the extended model's constants ($B^2$, $D_c$, $N_c$) "
                       "by least squares on the $n_s=1$ MLP (dashed, mean $\\pm1$ s.d.; solid: fitted model). "
                       "Results: " + ", ".join(sources) + ".")
        figures.append(save(fig, folder, f"networks_{fig_name}", caption))
    return figures


def figure_set() -> FigureSet:
    return FigureSet(name="networks", section="Neural networks", make=_make)
