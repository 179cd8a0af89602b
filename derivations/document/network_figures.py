"""Figure set ``networks``: Fig. 1 (prediction, n_s = 5) and Fig. 11 (calibration, n_s = 1) from
saved MLP results, and Fig. 4 (transformer time emergence, tau_emerge(k)) from saved transformer
results.

Results are read from ``<root>/<experiment>-paper`` when that folder holds finished runs, else
``<root>/<experiment>-quick``, for each root of :func:`results_roots` in turn: ``results/nn`` in
the current folder (where ``emergence nn`` writes by default), then ``results/nn`` and
``docs/results/nn`` (the bundled quick results) of the repository this package lives in, found
from the package's own path, not from the current folder. ``emergence figures networks
--results DIR`` (or the environment variable ``EMERGENCE_NN_RESULTS``) names the one root to
use. Asked for by name, the set fails with one line when no root holds finished results
(:func:`make`); as part of the document or ``figures all`` it says so in one line and makes no
figure. Measured curves: seed mean, dashed, with a ±1 sd band; calibrated extended-model
predictions: solid (data: Eq. 17 solid, corrected linear law dotted).
"""
from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from derivations.document.figures import TEXT_WIDTH_IN, FigureSet, save
from numeric_check.closed_forms.calibration import analyse, crossing, default_r0, fit_entries, predict, time_curves
from numeric_check.networks.experiments import load_results
from numeric_check.networks.transformer import analyse_transformer, load_transformer_results
from numeric_check.validation import ArgumentError

__all__ = ["figure_set", "make", "results_roots", "find_results", "find_transformer_results", "settings_text",
           "is_paper_setting", "results_table", "REPOSITORY"]

#: The repository this package lives in (``derivations/document/`` is two levels below it).
REPOSITORY = Path(__file__).resolve().parents[2]


def results_roots(results=None) -> list[Path]:
    """Folders searched for results, in order: ``results`` if given, else ``$EMERGENCE_NN_RESULTS``
    if set, else ``./results/nn``, the repository's ``results/nn`` and its ``docs/results/nn``."""
    if results is not None:
        return [Path(results)]
    if os.environ.get("EMERGENCE_NN_RESULTS"):
        return [Path(os.environ["EMERGENCE_NN_RESULTS"])]
    roots = []
    for root in (Path.cwd() / "results" / "nn", REPOSITORY / "results" / "nn", REPOSITORY / "docs" / "results" / "nn"):
        if root.resolve() not in [r.resolve() for r in roots]:
            roots.append(root)
    return roots


def _candidates(name: str, roots):
    for preset in ("paper", "quick"):
        for root in roots:
            folder = root / f"{name}-{preset}"
            if (folder / "config.json").exists():
                yield folder


def _served(spec, results, n_s_needed) -> bool:
    """Whether ``results`` hold, at every ``n_s`` of ``n_s_needed`` and every resource value of
    the grid, at least ``min(2, seeds)`` finished runs (two make a standard-deviation band)."""
    need = min(2, len(spec.seeds))
    for n_s in n_s_needed:
        grid = {None} if spec.experiment == "time" else set(
            spec.D_values.get(str(n_s), ()) if spec.experiment == "data" else spec.widths.get(str(n_s), ()))
        attr = "D" if spec.experiment == "data" else "width"
        for value in grid:
            done = [r for r in results if r.n_s == n_s and r.done
                    and (value is None or getattr(r, attr) == int(value))]
            if len(done) < need:
                return False
    return True


def _number(value: float) -> str:
    """``value`` for a caption: ``0.05`` as is, ``5e-05`` as ``$5\\cdot10^{-5}$``."""
    text = f"{value:g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return f"${mantissa}\\cdot10^{{{int(exponent)}}}$"


def is_paper_setting(spec) -> bool:
    """Whether ``spec`` is the paper preset of its experiment (K.1), whatever its seeds and grid of
    D values or widths (:data:`numeric_check.networks.folder.GRID_KEYS`)."""
    from numeric_check.networks.experiments import PRESETS

    paper = PRESETS["paper"].get(spec.experiment)
    return paper is not None and replace(spec, seeds=paper.seeds, D_values=paper.D_values,
                                         widths=paper.widths) == paper


def find_results(experiment: str, roots=None, *, skipped: list | None = None, which: str = "predict"):
    """(spec, results, folder) of the best saved results for ``experiment``, or None.

    The paper preset's folder is preferred to the quick one (in each root in turn) when it serves
    the figure: ``which="predict"`` (Fig. 1) needs the ``n_s = 1`` and ``n_s = 5`` runs,
    ``"calibrate"`` (Fig. 11) the ``n_s = 1`` runs alone, each with at least two finished seeds
    at every resource value (one where the preset has a single seed). ``roots`` defaults to
    :func:`results_roots`; a folder that cannot be read is passed over, its reason appended to
    ``skipped``."""
    if which not in ("predict", "calibrate"):
        raise ArgumentError(f"which must be predict or calibrate, got {which!r}")
    for folder in _candidates(experiment, results_roots() if roots is None else roots):
        try:
            spec, results = load_results(folder)
        except ArgumentError as exc:
            if skipped is not None:
                skipped.append(str(exc))
            continue
        needed = (1,) if which == "calibrate" else (1, max(spec.n_s_values))
        if _served(spec, results, needed):
            return spec, results, folder
    return None


def settings_text(spec, results, n_s_values) -> str:
    """What a panel was run with, for its caption: the preset's sizes and the finished seeds."""
    seeds = []
    for n_s in n_s_values:
        done = len({r.seed for r in results if r.n_s == n_s and r.done})
        seeds.append(f"$n_s={n_s}$: {done} of {len(spec.seeds)} seeds")
    size = f"width {spec.width}, " if spec.experiment != "parameter" else ""
    opt = (f"SGD lr {_number(spec.lr)}" if spec.optimizer == "sgd"
           else f"Adam lr {_number(spec.lr)}, weight decay {_number(spec.weight_decay)}")
    steps = f"{spec.steps:,} steps"
    rule = getattr(spec, "stop_rule", None)
    if rule is not None:
        trained = [int(r.steps[-1]) for r in results if r.n_s in n_s_values and r.done]
        span = f", {min(trained):,}--{max(trained):,} trained" if trained else ""
        steps = (f"at most {spec.steps:,} steps, stopped once no $\\mathcal R_k/S$ moved by more than "
                 f"{rule.tol:g} over {rule.window:,} steps{span}")
    return (f"$n_b={spec.n_b}$, {size}batch {spec.batch}, {steps}, {opt}, "
            f"$\\mathcal R_k$ on {spec.eval_samples:,} samples per skill; " + ", ".join(seeds))


def find_transformer_results(roots=None, *, skipped: list | None = None):
    """(spec, finished results, folder) of the best saved transformer results, or None."""
    for folder in _candidates("transformer", results_roots() if roots is None else roots):
        try:
            spec, results = load_transformer_results(folder)
        except ArgumentError as exc:
            if skipped is not None:
                skipped.append(str(exc))
            continue
        done = [r for r in results if r.done]
        if done:
            return spec, done, folder
    return None


def _fig4(folder: Path, found):
    import matplotlib.pyplot as plt

    spec, results, src = found
    summary = analyse_transformer(spec, results)
    colors = _colors(spec.n_s)
    styles = ("-", "--", ":", "-.")
    fig, (left, right) = plt.subplots(1, 2, figsize=(TEXT_WIDTH_IN, 2.8))
    # Each seed separately: the jumps are sharp and happen at different steps in different seeds,
    # so a seed mean would show staircases that no network follows.
    for i, r in enumerate(results):
        for k in range(spec.n_s):
            left.plot(r.steps[1:], r.R[1:, k], styles[i % len(styles)], color=colors[k], lw=1.3,
                      label=f"$k={k + 1}$" if i == 0 else None)
    for i, r in enumerate(results):
        left.plot([], [], styles[i % len(styles)], color="0.3", label=f"seed {r.seed}")
    left.axhline(spec.threshold, color="gray", ls=":", lw=1, label=f"threshold {spec.threshold}")
    left.set_xscale("log")
    left.set_xlabel("training step")
    left.set_ylabel(r"$\mathcal{R}_k/S$")
    left.set_ylim(-0.05, 1.1)
    left.grid(alpha=0.3)
    left.legend(framealpha=0.6, loc="upper left")
    left.set_title(f"transformer, $n_s={spec.n_s}$, $\\alpha={spec.alpha}$\n({src.name}, {len(results)} seeds)")
    tau = np.array([[np.nan if v is None else v for v in row] for row in summary["tau"]], dtype=float)
    k = np.arange(1, spec.n_s + 1)
    reached = np.isfinite(tau)
    every = reached.all(axis=0)
    for i, row in enumerate(tau):
        right.plot(k, row, "x", color="0.45", ms=6, label="single seeds" if i == 0 else None)
    if every.any():
        right.errorbar(k[every], tau[:, every].mean(axis=0), yerr=tau[:, every].std(axis=0), fmt="o", color="C0",
                       capsize=3, label="mean ± 1 sd (skills reached in every seed)")
    fit = summary["fit"]
    grid = np.linspace(1, spec.n_s, 50)
    se = "" if fit.get("se") is None else f"\\pm{fit['se']:.2f}"
    if "exponent" in fit:
        right.plot(grid, fit["prefactor"] * grid ** fit["exponent"], "-", color="C0", lw=1,
                   label=f"fit $\\propto k^{{{fit['exponent']:.2f}{se}}}$")
    if reached.any():
        anchor = np.exp(np.mean((np.log(tau) - (spec.alpha + 1) * np.log(k))[reached]))
        right.plot(grid, anchor * grid ** (spec.alpha + 1), "k--", lw=1,
                   label=f"$\\propto k^{{\\alpha+1}} = k^{{{spec.alpha + 1:.2g}}}$")
        right.set_xscale("log")
        right.set_yscale("log")
        right.legend(framealpha=0.6, loc="upper left")
    else:
        right.text(0.5, 0.5, f"no skill reached $\\mathcal{{R}}_k/S={spec.threshold}$", ha="center",
                   transform=right.transAxes)
    right.set_xticks(k, [str(v) for v in k])
    right.set_xlabel("skill index $k$")
    right.set_ylabel(r"$\tau_{\rm emerge}(k)$ (steps to $\mathcal{R}_k/S=%g$)" % spec.threshold)
    right.grid(alpha=0.3, which="both")
    fig.tight_layout()
    exponent = (f"fitted exponent {fit['exponent']:.2f}" + (f" $\\pm$ {fit['se']:.2f}" if fit.get("se") is not None else "")
                if "exponent" in fit else "no fit")
    caption = (f"Fig.~4 reproduced at reduced scale: one-block transformer (embedding {spec.d_model}, "
               f"{spec.heads} heads, $n_b={spec.n_b}$, batch {spec.batch}, {spec.optimizer.upper()} lr {spec.lr:g}), "
               f"$\\alpha={spec.alpha}$, $n_s={spec.n_s}$, $S={spec.S:g}$. Left: $\\mathcal R_k/S$ against steps "
               f"(one line style per seed, {len(results)} seeds). Right: $\\tau_{{\\rm emerge}}(k)$, the first step with "
               f"$\\mathcal R_k/S\\ge{spec.threshold}$ (crosses: single seeds), least-squares power law over all "
               f"seeds ({exponent}) "
               f"and the reference $k^{{\\alpha+1}}$. Results: \\texttt{{{src.name}}}.")
    return save(fig, folder, "networks_fig4", caption)


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
    return xs, np.array([v.mean(axis=0) for v in vals]), np.array([_sd(v) for v in vals])


def _constants_text(summary: dict) -> str:
    """The fitted constant(s) of a calibration panel with their 95% intervals over seeds."""
    fits = fit_entries(summary)
    names = {"B2": "$B^2$", "D_c": "$D_c$", "N_c": "$N_c$"}
    parts = []
    for entry in fits:
        fit, boot = entry["fit"], entry.get("seed_bootstrap") or {}
        law = {"eq17": " (Eq.~17)", "linear": " (linear law)"}.get(fit.get("law") or "", "")
        value = f"{fit['value']:.3g}" if fit["name"] == "B2" else f"{fit['value']:.0f}"
        interval = (f" [{boot['low']:.3g}, {boot['high']:.3g}]" if fit["name"] == "B2" else
                    f" [{boot['low']:.0f}, {boot['high']:.0f}]") if "low" in boot else " (one seed: no interval)"
        parts.append(f"{names[fit['name']]}{law} $=$ {value}{interval}")
    return ", fitted " + ", ".join(parts) if parts else ""


_PAPER_VALUES = {"B2": ("$B^2$", "$1/22$"), "D_c": ("$D_c$", "800"), "N_c": ("$N_c$", "4")}


def _value(name: str, value: float) -> str:
    return f"{value:.3g}" if name == "B2" else f"{value:.0f}"


def results_table(rows) -> str:
    """The LaTeX table of calibrated constants and prediction errors: ``rows`` are
    ``(experiment, spec, folder name, summary)`` of :func:`numeric_check.closed_forms.calibration.analyse`.

    One line per fitted constant (data: Eq. 17 and the linear law ``d_k/D_c``): the value fitted on
    the ``n_s = 1`` runs with its 95% interval over seeds, the paper's value, and the RMS
    difference between prediction and the measured seed mean of ``R_k/S`` pooled over skills
    2..n and per skill (time: also predicted over measured step of ``R_k/S = 0.5``)."""
    body = []
    for experiment, spec, name, summary in rows:
        entries = fit_entries(summary)
        for entry in entries:
            fit, boot = entry["fit"], entry.get("seed_bootstrap") or {}
            symbol, paper = _PAPER_VALUES[fit["name"]]
            law = {"eq17": " (Eq.~17)", "linear": " ($d_k/D_c$)"}.get(fit.get("law") or "", "")
            interval = (f" [{_value(fit['name'], boot['low'])}, {_value(fit['name'], boot['high'])}]"
                        if "low" in boot else "")
            skills = entry.get("skills") or []
            later = entry.get("rms_skills_2_on")
            per = ", ".join(f"{s['rms']:.2f}" for s in skills if s["k"] >= 2) or "--"
            if experiment == "time" and skills:
                ratios = ", ".join("--" if s.get("ratio_predicted_to_measured") is None
                                   else f"{s['ratio_predicted_to_measured']:.2f}" for s in skills if s["k"] >= 2)
                per += f"; steps {ratios}"
            setting = "K.1" if is_paper_setting(spec) else "reduced"
            body.append(f"{experiment} & {symbol}{law} & {_value(fit['name'], fit['value'])}{interval} & {paper} & "
                        f"{'--' if later is None else f'{later:.3f}'} & {per} & "
                        f"\\texttt{{{escape_tt(name)}}} ({setting})\\\\\n")
    if not body:
        return ""
    return ("\\begin{table}[htbp]\\centering\\footnotesize\\setlength{\\tabcolsep}{3pt}\n"
            "\\caption{Calibrated constants of the extended model (fitted on the $n_s=1$ MLP; brackets: 95\\% "
            "bootstrap interval over seeds) beside the paper's, and the prediction error for the $n_s=5$ MLP: "
            "RMS over resource values of the difference between predicted and measured (seed mean) "
            "$\\mathcal R_k/S$, pooled over skills 2--5 (which the calibration never saw) and per skill; for "
            "time also the predicted over the measured step at which $\\mathcal R_k/S=0.5$.}\n"
            "\\begin{tabular}{@{}llllr>{\\raggedright\\arraybackslash}p{3.1cm}"
            ">{\\raggedright\\arraybackslash}p{2.5cm}@{}}\\toprule resource & constant & fitted & paper & RMS, $k\\ge2$ & "
            "per skill $k=2,\\dots,5$ & results\\\\\\midrule\n" + "".join(body)
            + "\\bottomrule\\end{tabular}\n\\end{table}\n")


def escape_tt(text: str) -> str:
    """``text`` for ``\\texttt``: underscores printed as themselves."""
    return text.replace("_", "\\_")


def _sd(values: np.ndarray) -> np.ndarray:
    """Sample standard deviation over seeds (axis 0); zero for a single seed (no band)."""
    return np.std(values, axis=0, ddof=1) if values.shape[0] > 1 else np.zeros(values.shape[1:])


def _panel(ax, experiment, spec, results, n_s, summary):
    colors = _colors(n_s)
    if experiment == "time":
        steps, R = time_curves(results, n_s)
        mean, sd = R.mean(axis=0), _sd(R)
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
            label = f"Eq. 17: $D_c$={v['eq17']:.0f} (solid)\nlinear: $D_c$={v['linear']:.0f} (dotted)"
        else:
            label = f"model, $N_c$={fits[0]['fit']['value']:.0f}"
    for k in range(n_s):
        ax.plot(xs, mean[:, k], "--", color=colors[k], lw=1.4, label=f"$k={k + 1}$")
        ax.fill_between(xs, mean[:, k] - sd[:, k], mean[:, k] + sd[:, k], color=colors[k], alpha=0.18, lw=0)
    ax.plot([], [], "k--", label="MLP (mean ± 1 sd)")
    model, = ax.plot([], [], "k-", label="model")
    ax.set_ylim(-0.05, 1.1)
    ax.grid(alpha=0.3)
    ax.legend([model], [label], framealpha=0.8, loc="lower right", handlelength=1.2)


def make(folder: Path, *, results=None, required: bool = False):
    """Draw the set into ``folder`` from the results under ``results`` (a root folder; default
    :func:`results_roots`). Without any finished results: with ``required`` one ArgumentError
    naming the folders searched, else one line on stderr and no figure."""
    if results is not None and not Path(results).is_dir():
        raise ArgumentError(f"--results {str(results)!r} is not a folder")
    roots = results_roots(results)
    skipped: list[str] = []
    found = {which: {e: find_results(e, roots, skipped=skipped, which=which) for e in ("time", "data", "parameter")}
             for which in ("predict", "calibrate")}
    available = {which: {e: v for e, v in by.items() if v is not None} for which, by in found.items()}
    transformer = find_transformer_results(roots, skipped=skipped)
    if not available["predict"] and not available["calibrate"] and transformer is None:
        where = " or ".join(repr(str(root)) for root in roots)
        reason = f"; skipped {skipped[0]}" if skipped else ""
        message = (f"no finished network results under {where} (run 'emergence nn time|data|parameter --preset "
                   f"quick' first, or give --results DIR){reason}")
        if required:
            raise ArgumentError(message)
        print(f"networks: {message}; no figure made", file=sys.stderr)
        return []
    return _draw(folder, available, transformer)


def _make(folder: Path):
    return make(folder)


def _draw(folder: Path, available: dict, transformer):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    summaries: dict = {}

    def summary(found):
        key = str(found[2])
        if key not in summaries:
            summaries[key] = analyse(found[0], found[1], rng=np.random.default_rng(0), n_boot=50, n_boot_seeds=500)
        return summaries[key]

    figures = []
    for fig_name, which in (("fig1", "predict"), ("fig11", "calibrate")):
        panels = available[which]
        if not panels:
            continue
        fig, axes = plt.subplots(1, len(panels), figsize=(TEXT_WIDTH_IN, 2.7), squeeze=False, sharey=True)
        sources = []
        for ax, (experiment, (spec, results, src)) in zip(axes[0], panels.items()):
            n_s = max(spec.n_s_values) if which == "predict" else 1
            _panel(ax, experiment, spec, results, n_s, summary((spec, results, src)))
            if which == "predict":  # log x (Fig. 1); the quick width grid spans 2..128
                ax.set_xscale("log")
                # labels on the decades only: within a decade or two matplotlib labels the minor
                # ticks too, and "3x10^3 4x10^3 6x10^3" run into each other
                ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
                if experiment == "time":
                    ax.set_xlim(left=100)
            if which == "calibrate" and experiment == "time":
                steps, R = time_curves(results, 1)
                half = crossing(steps, R.mean(axis=0)[:, 0], 0.5)
                if np.isfinite(half):
                    ax.set_xlim(0, min(steps[-1], 4 * half))
            ax.set_title(f"{experiment}, $n_s={n_s}$")
            preset = "K.1 settings" if is_paper_setting(spec) else "reduced settings"
            needed = (1, max(spec.n_s_values)) if which == "predict" else (1,)
            constants = _constants_text(summary((spec, results, src))) if which == "calibrate" else ""
            sources.append(f"{experiment}: \\texttt{{{src.name}}} ({preset}: {settings_text(spec, results, needed)})"
                           + constants)
        axes[0][0].set_ylabel(r"$\mathcal{R}_k/S$")
        handles, labels = axes[0][0].get_legend_handles_labels()
        keep = [i for i, text in enumerate(labels) if text != "model"]
        fig.tight_layout()
        fig.legend([handles[i] for i in keep], [labels[i] for i in keep], loc="lower center",
                   ncol=len(keep), bbox_to_anchor=(0.5, 1.0), handlelength=1.6, columnspacing=1.0)
        if which == "predict":
            caption = ("Fig.~1 reproduced: skill strength $\\mathcal R_k/S$ of the 2-layer MLP with $n_s=5$ "
                       "(dashed, mean $\\pm1$ sample s.d. over seeds) against training steps, data and width, and the "
                       "extended model calibrated on the $n_s=1$ network only (solid; data: Eq.~17 solid, "
                       "corrected linear law dotted). Results: " + "; ".join(sources) + ".")
        else:
            caption = ("Fig.~11 reproduced: calibration of the extended model's constants ($B^2$, $D_c$, $N_c$) "
                       "by least squares on the $n_s=1$ MLP (dashed, mean $\\pm1$ sample s.d. over seeds; solid: "
                       "fitted model; brackets: 95\\% bootstrap interval over seeds). Paper: $B^2=1/22$, "
                       "$D_c=800$, $N_c=4$. Results: " + "; ".join(sources) + ".")
        figures.append(save(fig, folder, f"networks_{fig_name}", caption))
    rows = []
    for experiment in ("time", "data", "parameter"):
        found = available["predict"].get(experiment) or available["calibrate"].get(experiment)
        if found is not None:
            rows.append((experiment, found[0], found[2].name, summary(found)))
    if figures and rows:
        figures[-1] = replace(figures[-1], table=results_table(rows))
    if transformer is not None:
        figures.append(_fig4(folder, transformer))
    return figures


def figure_set() -> FigureSet:
    return FigureSet(name="networks", section="Neural networks", make=_make)
