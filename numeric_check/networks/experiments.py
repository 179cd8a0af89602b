"""Skill-emergence experiments with the two-layer MLP (App. K.1, K.3; Figs. 1 and 11).

Three experiments, each a grid of independent *runs* (one network each):

``time``
    Fresh samples every step (``D -> inf``), SGD; ``R_k`` measured every ``eval_every`` steps.
``data``
    A fixed training set of ``D`` samples (epochs of shuffled mini-batches), SGD with the
    learning rate halved every ``halve_every`` steps; ``R_k`` at the end of training.
``parameter``
    Hidden width ``N`` varied, fresh samples, Adam with weight decay; ``R_k`` at the end.

Each is run for ``n_s = 1`` (calibration, Fig. 11) and ``n_s = 5`` (prediction, Fig. 1).

Skill strength is measured as in K.3: ``R_k = mean over 20,000 samples of f(k, x) g_k(k, x)``
on a set of fresh samples of skill ``k`` drawn once per run; the per-skill loss reported is the
paper's ``L_k = 1/2 mean (S g_k - f)^2`` (Eq. 6, with the 1/2; training itself uses the mean
squared error without the 1/2, see :mod:`numeric_check.networks.mlp`).

Files (one folder per experiment) are those of :mod:`numeric_check.networks.runner`:
``config.json`` (the experiment: every parameter), and per run ``runs/<name>.jsonl`` (one JSON
line per checkpoint: step, R/S per skill, L_k, training loss) and ``runs/<name>.npz`` (the state
to resume from: parameters, optimiser, data RNG). Lines and states are written as they are
measured, so a killed run keeps what it measured and the same command resumes it; the final line
carries ``"done": true``. Every run is deterministic for its seed (resumed or not).

Examples
--------
>>> spec = PRESETS["quick"]["time"]
>>> spec.experiment, spec.n_b, spec.width
('time', 16, 256)
>>> [r.name for r in runs_of(spec)][:2]
['ns1_seed0', 'ns1_seed1']
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from numeric_check.networks.folder import FolderLock, read_config
from numeric_check.networks.mlp import MLP, SGD, Adam, halving_schedule
from numeric_check.networks.runner import (MAX_RUN_BYTES, MAX_SEEDS, RunResult, StopRule, Training, check_seeds,
                                           checkpoint_steps, fill_inputs, load_run_results, restore_rng,
                                           result_from_lines, rng_state, run_locked, train_resumable)
from numeric_check.simulation.data import SparseParity
from numeric_check.validation import ArgumentError, integer, positive

__all__ = ["ExperimentSpec", "RunSpec", "PRESETS", "EXPERIMENTS", "runs_of", "run_experiment",
           "train_run", "load_results", "check_spec", "run_bytes", "MAX_RUN_BYTES", "MAX_SEEDS"]

EXPERIMENTS = ("time", "data", "parameter")

@dataclass(frozen=True)
class ExperimentSpec:
    """Every parameter of one experiment (a grid of runs over n_s, resource value and seed)."""

    experiment: str
    n_s_values: tuple[int, ...] = (1, 5)
    n_b: int = 32
    m: int = 3
    alpha: float = 0.6
    S: float = 5.0
    width: int = 1000
    batch: int = 4000
    steps: int = 30000
    lr: float = 0.05
    init_std: float = 0.01
    optimizer: str = "sgd"
    weight_decay: float = 0.0
    halve_every: int | None = None
    eval_every: int = 50
    eval_samples: int = 20000
    dtype: str = "float32"
    seeds: tuple[int, ...] = tuple(range(10))
    # Resource grids per n_s ("1" and "5" keys as strings so that the spec is JSON-stable).
    D_values: dict = field(default_factory=dict)
    widths: dict = field(default_factory=dict)
    # Convergence rule (runner.StopRule): stop a run once no R_k/S moved by more than stop_tol
    # over stop_window steps; None trains every run to ``steps``.
    stop_window: int | None = None
    stop_tol: float = 0.005

    @property
    def stop_rule(self) -> StopRule | None:
        return None if self.stop_window is None else StopRule(window=self.stop_window, tol=self.stop_tol)

    def as_json(self) -> dict:
        out = asdict(self)
        if self.stop_window is None:     # the configurations written before the rule existed
            del out["stop_window"], out["stop_tol"]
        out["n_s_values"] = list(self.n_s_values)
        out["seeds"] = list(self.seeds)
        out["D_values"] = {k: list(v) for k, v in self.D_values.items()}
        out["widths"] = {k: list(v) for k, v in self.widths.items()}
        return out


@dataclass(frozen=True)
class RunSpec:
    """One network: an experiment's parameters at one ``n_s``, seed and resource value."""

    name: str
    n_s: int
    seed: int
    width: int
    D: int | None
    spec: ExperimentSpec


def check_spec(spec: ExperimentSpec) -> ExperimentSpec:
    """Validate every field; raise ArgumentError with one line on the first bad one."""
    if spec.experiment not in EXPERIMENTS:
        raise ArgumentError(f"experiment must be one of {', '.join(EXPERIMENTS)}; got {spec.experiment!r}")
    for name in ("width", "batch", "steps", "eval_every", "eval_samples", "n_b", "m"):
        integer(name, getattr(spec, name), minimum=1)
    positive("lr", spec.lr)
    positive("init_std", spec.init_std)
    positive("alpha", spec.alpha)
    positive("S", spec.S)
    if spec.optimizer not in ("sgd", "adam"):
        raise ArgumentError(f"optimizer must be sgd or adam; got {spec.optimizer!r}")
    if spec.dtype not in ("float32", "float64"):
        raise ArgumentError(f"dtype must be float32 or float64; got {spec.dtype!r}")
    if spec.halve_every is not None:
        integer("halve_every", spec.halve_every, minimum=1)
    if spec.stop_window is not None:
        integer("stop_window", spec.stop_window, minimum=spec.eval_every)
        if spec.stop_window % spec.eval_every:
            raise ArgumentError(f"stop_window must be a multiple of eval_every ({spec.eval_every}), "
                                f"got {spec.stop_window}")
        if not (isinstance(spec.stop_tol, (int, float)) and 0 < spec.stop_tol < 1):
            raise ArgumentError(f"stop_tol must be a number in (0, 1) (a change of R_k/S), got {spec.stop_tol!r}")
    check_seeds(spec.seeds)
    checkpoint_steps(steps=spec.steps, eval_every=spec.eval_every)
    for n_s in spec.n_s_values:
        SparseParity(n_s=n_s, n_b=spec.n_b, m=spec.m, alpha=spec.alpha, S=spec.S)
        grid = [(spec.width, None)]
        if spec.experiment == "data":
            grid = [(spec.width, integer("D", D, minimum=1)) for D in spec.D_values.get(str(n_s), ())]
        if spec.experiment == "parameter":
            grid = [(integer("width", N, minimum=1), None) for N in spec.widths.get(str(n_s), ())]
        for width, D in grid:
            need = run_bytes(spec, n_s=n_s, width=width, D=D)
            if need > MAX_RUN_BYTES:
                raise ArgumentError(f"a run of width {width}, batch {spec.batch}" + (f", D {D}" if D else "")
                                    + f" and {spec.eval_samples} measurement samples per skill needs about "
                                    f"{need / 2**30:.3g} GiB of arrays, more than the {MAX_RUN_BYTES >> 30} GiB "
                                    "bound; use a smaller width or batch")
    return spec


def run_bytes(spec: ExperimentSpec, *, n_s: int, width: int, D: int | None) -> int:
    """An upper estimate of the memory one run's arrays take (bytes).

    Parameters, gradients and Adam's moments (8 copies of ``(n_in + 1) x width``), the
    workspaces of the forward pass (chunks of 8,192 rows) and of the backward pass (512 rows),
    and the inputs of the measurement set, one batch and the training set (``D`` rows).
    """
    item = np.dtype(spec.dtype).itemsize
    n_in = n_s + spec.n_b + 1
    measured = n_s * spec.eval_samples
    rows = measured + spec.batch + (D or 0)
    chunk = min(8192, measured)
    return int(item * (8 * n_in * width + 4 * chunk * width + 2 * min(512, spec.batch) * width + 2 * rows * n_in)
               + 32 * rows)


def runs_of(spec: ExperimentSpec) -> list[RunSpec]:
    """The runs of an experiment, in a fixed order (n_s, resource, seed)."""
    check_spec(spec)
    out = []
    for n_s in spec.n_s_values:
        if spec.experiment == "time":
            grid = [(spec.width, None, "")]
        elif spec.experiment == "data":
            grid = [(spec.width, int(D), f"_D{int(D)}") for D in spec.D_values[str(n_s)]]
        else:
            grid = [(int(N), None, f"_N{int(N)}") for N in spec.widths[str(n_s)]]
        for width, D, tag in grid:
            for seed in spec.seeds:
                out.append(RunSpec(f"ns{n_s}{tag}_seed{seed}", n_s, int(seed), width, D, spec))
    return out


# ------------------------------------------------------------------------- presets
def _geom(lo, hi, n):
    return tuple(int(v) for v in np.unique(np.round(np.geomspace(lo, hi, n)).astype(int)))


PRESETS: dict[str, dict[str, ExperimentSpec]] = {
    # The K.1 settings (width 1000, batch 4000 or 2000 for data, lr 0.05 halved every 50,000 data
    # steps, Adam lr 1e-3 with weight decay 5e-5 for width). The init std per experiment, which the
    # paper leaves open (K.1's table says 0.01, its text 0.001), follows the authors' public code:
    # 0.01 time, 0.001 data, 0.05 parameter. Data runs stop once no R_k/S moved by more than 0.005
    # over 50,000 steps (one learning-rate period); on runs trained to the end the rule changed no
    # R_k by more than 0.01 S (docs/networks.md, "Data emergence at K.1 settings"). Width runs train
    # all 500,000 steps: under Adam a narrow network can sit on a plateau for 140,000 steps and then
    # learn (n_s = 1, width 4, seed 0: R_1/S = 0.624 from step 10^4 to 1.4*10^5, 0.998 at 1.5*10^5),
    # which the same rule would have cut at step 60,000 (docs/networks.md, "Parameter emergence").
    "paper": {
        "time": ExperimentSpec("time", steps=30000, lr=0.05, init_std=0.01, eval_every=50),
        "data": ExperimentSpec("data", batch=2000, steps=500000, lr=0.05, init_std=0.001,
                               halve_every=50000, eval_every=10000, stop_window=50000, stop_tol=0.005,
                               D_values={"1": tuple(range(100, 2001, 100)), "5": _geom(500, 35000, 12)}),
        "parameter": ExperimentSpec("parameter", steps=500000, lr=1e-3, init_std=0.05, optimizer="adam",
                                    weight_decay=5e-5, eval_every=10000, seeds=tuple(range(50)),
                                    widths={"1": tuple(range(1, 13)), "5": tuple(range(1, 21))}),
    },
    # Reduced sizes for 2 CPU cores, <= 10 minutes per experiment; chosen so that the five
    # skills still emerge one after another (docs/networks.md).
    "quick": {
        "time": ExperimentSpec("time", n_b=16, width=256, batch=1000, steps=10000, lr=0.05, init_std=0.01,
                               eval_every=50, eval_samples=4000, seeds=(0, 1, 2)),
        "data": ExperimentSpec("data", n_b=16, width=128, batch=500, steps=16000, lr=0.05, init_std=0.01,
                               halve_every=5000, eval_every=2000, eval_samples=4000, seeds=(0, 1),
                               D_values={"1": (50, 100, 150, 200, 300, 400, 600),
                                         "5": (250, 500, 1000, 2000, 4000, 8000, 16000)}),
        # Adam lr 3e-3 (not the paper's 1e-3): at 1e-3 a width-40 network is still learning at step
        # 16,000 (skill 3 rising, skill 4 just starting), so the budget, not the width, decided which
        # skills appear; at 3e-3 the networks converge within it and widths up to 128 let skills 4
        # and 5 emerge (docs/networks.md).
        "parameter": ExperimentSpec("parameter", n_b=16, batch=500, steps=16000, lr=3e-3, init_std=0.05,
                                    optimizer="adam", weight_decay=5e-5, eval_every=4000, eval_samples=4000,
                                    seeds=(0, 1, 2), widths={"1": (1, 2, 3, 4, 5, 6, 8, 10),
                                                             "5": (2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128)}),
    },
}


# ------------------------------------------------------------------------- one run
def _evaluate(net: MLP, xa_eval: np.ndarray, g_eval: np.ndarray, n_s: int, S: float):
    f = net.forward_augmented(xa_eval).astype(np.float64).reshape(n_s, -1)
    g = g_eval.reshape(n_s, -1)
    R = (f * g).mean(axis=1) / S
    L = 0.5 * ((S * g - f) ** 2).mean(axis=1)
    return R, L


def _state(step: int, net: MLP, opt, rng: np.random.Generator, extra: dict) -> dict:
    arrays = {"step": np.array(step), **net.state(), "rng": rng_state(rng), **extra}
    if isinstance(opt, Adam):
        arrays.update(opt.state())
    return arrays


def train_run(run: RunSpec, folder, *, log=None, progress=None) -> RunResult:
    """Train (or resume, or just read back) one run, writing its measurements into ``folder``.

    Resumed from the saved state, a run writes the lines an uninterrupted one writes
    (:func:`numeric_check.networks.runner.resume`). Overflows of a diverging network are not
    warned about: its non-finite loss is one ArgumentError. ``progress(step)`` is called after
    every step (:func:`numeric_check.networks.runner.train_resumable`).

    The run trains and measures with one BLAS thread, whatever the process's thread count
    (``threadpool_limits``, restored when it returns): a float32 matrix product split over
    threads sums in another order, so without it ``--jobs 1`` (this process, any thread count)
    and the single-thread Dask workers would write different bytes (docs/distributed.md).
    """
    spec = run.spec
    with threadpool_limits(limits=1, user_api="blas"):
        lines = train_resumable(folder, run.name, n_s=run.n_s, steps=spec.steps, eval_every=spec.eval_every,
                                setup=lambda: _setup(run), log=log, quiet=True, progress=progress,
                                stop=spec.stop_rule)
    return _as_result(run, lines)


def _setup(run: RunSpec) -> Training:
    """The MLP of ``run``, its optimiser, data and measurement set, as :func:`train_resumable` takes them."""
    spec = run.spec
    dtype = np.dtype(spec.dtype)
    task = SparseParity(n_s=run.n_s, n_b=spec.n_b, m=spec.m, alpha=spec.alpha, S=spec.S)
    n_in = run.n_s + spec.n_b
    net = MLP(n_in=n_in, width=run.width, init_std=spec.init_std,
              rng=np.random.default_rng([run.seed, 0]), dtype=dtype)
    opt = (SGD(lr=spec.lr) if spec.optimizer == "sgd"
           else Adam(lr=spec.lr, weight_decay=spec.weight_decay))
    rng = np.random.default_rng([run.seed, 1])          # batches / epoch order
    eval_rng = np.random.default_rng([run.seed, 2])     # the fixed K.3 measurement set

    parts = [task.sample(spec.eval_samples, eval_rng, skill=k) for k in range(run.n_s)]
    xa_eval = np.empty((run.n_s * spec.eval_samples, n_in + 1), dtype)
    skills = np.concatenate([p.skill for p in parts])
    bits = np.concatenate([p.bits for p in parts])
    fill_inputs(task, skills, bits, xa_eval)
    g_eval = np.concatenate([task.signs(p) for p in parts]).astype(np.float64)

    batch = spec.batch
    if run.D is not None:
        data = task.dataset(run.D, np.random.default_rng([run.seed, 3]))
        xa_data = np.empty((run.D, n_in + 1), dtype)
        fill_inputs(task, data.skill, data.bits, xa_data)
        y_data = task.targets(data).astype(dtype)
        batch = min(batch, run.D)
        per_epoch = run.D // batch
    xa = np.empty((batch, n_in + 1), dtype)
    y = np.empty(batch, dtype)
    order = None

    def load(state: dict) -> None:
        nonlocal order
        net.load_state(state)
        restore_rng(rng, state["rng"])
        if isinstance(opt, Adam):
            opt.load_state(state, net)
        if run.D is not None and "order" in state:
            order = np.array(state["order"])
            if order.shape != (run.D,):
                raise ArgumentError(f"saved order has shape {order.shape}, the run needs ({run.D},)")

    def measure(step: int):
        R, L = _evaluate(net, xa_eval, g_eval, run.n_s, spec.S)
        extra = {"order": order} if order is not None else {}
        return R, L, _state(step, net, opt, rng, extra)

    def train(step: int) -> float:
        nonlocal order
        if run.D is None:
            b = task.sample(batch, rng)
            fill_inputs(task, b.skill, b.bits, xa)
            np.multiply(task.signs(b), spec.S, out=y, casting="unsafe")
        else:
            position = step % per_epoch
            if position == 0 or order is None:
                order = rng.permutation(run.D)
            idx = order[position * batch:(position + 1) * batch]
            np.take(xa_data, idx, axis=0, out=xa)
            np.take(y_data, idx, out=y)
        lr = halving_schedule(step, lr=spec.lr, every=spec.halve_every)
        return opt.step(net, xa, y, lr=lr)

    return Training(load=load, train=train, measure=measure,
                    load_errors=(ArgumentError, KeyError, ValueError, TypeError))


def _as_result(run: RunSpec, lines: list[dict]) -> RunResult:
    return result_from_lines(run.name, run.n_s, run.seed, run.width, run.D, lines)


# ------------------------------------------------------------------------- experiments
def _worker(args, progress=None):
    run, folder = args
    train_run(run, folder, progress=progress)
    return run.name


def run_experiment(spec: ExperimentSpec, folder, *, force: bool = False, jobs: int = 1,
                   log=None, lock: FolderLock | None = None, scheduler: str | None = None,
                   progress: bool = False) -> tuple[ExperimentSpec, list[RunResult]]:
    """Run (or resume) every run of ``spec`` into ``folder``: in this process (``jobs=1``), on a
    local Dask cluster of ``jobs`` single-thread worker processes, or on the Dask cluster whose
    scheduler is ``scheduler`` (``tcp://HOST:PORT``); ``progress`` shows a bar on a terminal.

    Returns ``(spec, results)`` as :func:`load_results`. The folder's lock
    (:class:`numeric_check.networks.folder.FolderLock`) is taken and held throughout, unless the
    caller passes the one it holds as ``lock``. The Dask workers train each run in a folder of their
    own and return its files, which only this process writes
    (:mod:`numeric_check.networks.dask_sweep`, through :func:`numeric_check.networks.runner.run_locked`).
    """
    check_spec(spec)
    jobs = integer("jobs", jobs, minimum=1)
    return run_locked(spec, folder, force=force, jobs=jobs, log=log, lock=lock, runs=runs_of(spec),
                      train=train_run, worker=_worker, name=lambda run: run.name, load=load_results,
                      scheduler=scheduler, progress=progress, skills=lambda run: run.n_s)


def _spec_from_config(config: dict) -> ExperimentSpec:
    config["n_s_values"] = tuple(config["n_s_values"])
    config["seeds"] = tuple(config["seeds"])
    config["D_values"] = {k: tuple(v) for k, v in config["D_values"].items()}
    config["widths"] = {k: tuple(v) for k, v in config["widths"].items()}
    return check_spec(ExperimentSpec(**config))


def load_results(folder) -> tuple[ExperimentSpec, list[RunResult]]:
    """The spec and the measured runs (complete or not) saved in ``folder``."""
    folder = Path(folder)
    spec = read_config(folder, _spec_from_config, "emergence nn")
    schedule = checkpoint_steps(steps=spec.steps, eval_every=spec.eval_every)
    return spec, load_run_results(folder, runs_of(spec), schedule=schedule, name=lambda run: run.name,
                                  n_s=lambda run: run.n_s, result=_as_result,
                                  stop=spec.stop_rule)
