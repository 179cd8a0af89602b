"""Skill-emergence experiments with the two-layer MLP (SPEC §8.1, §8.3; Figs. 1 and 11).

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

Files (one folder per experiment): ``config.json`` (the experiment: every parameter), and per
run ``runs/<name>.jsonl`` (one JSON line per checkpoint: step, R/S per skill, L_k, training loss)
and ``runs/<name>.npz`` (the state to resume from: parameters, optimiser, data RNG). Lines and
states are written as they are measured, so a killed run keeps what it measured and the same
command resumes it; the final line carries ``"done": true``. Every run is deterministic for its
seed (resumed or not).

Examples
--------
>>> spec = PRESETS["quick"]["time"]
>>> spec.experiment, spec.n_b, spec.width
('time', 16, 256)
>>> [r.name for r in runs_of(spec)][:2]
['ns1_seed0', 'ns1_seed1']
"""
from __future__ import annotations

import io
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from numeric_check.simulation.data import SparseParity
from numeric_check.validation import ArgumentError, atomic_write_bytes, atomic_write_text, integer, positive
from numeric_check.networks.mlp import MLP, SGD, Adam, halving_schedule

__all__ = ["ExperimentSpec", "RunSpec", "PRESETS", "EXPERIMENTS", "runs_of", "run_experiment",
           "train_run", "load_results", "read_config", "prepare_folder", "result_from_lines", "RunResult", "fill_inputs", "check_spec", "run_parallel"]

EXPERIMENTS = ("time", "data", "parameter")
_FORMAT = 1


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

    def as_json(self) -> dict:
        out = asdict(self)
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
    if not spec.seeds:
        raise ArgumentError("seeds must not be empty")
    for s in spec.seeds:
        integer("seed", s, minimum=0)
    for n_s in spec.n_s_values:
        SparseParity(n_s=n_s, n_b=spec.n_b, m=spec.m, alpha=spec.alpha, S=spec.S)
        if spec.experiment == "data":
            for D in spec.D_values.get(str(n_s), ()):
                integer("D", D, minimum=1)
        if spec.experiment == "parameter":
            for N in spec.widths.get(str(n_s), ()):
                integer("width", N, minimum=1)
    return spec


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
    # K.1 settings (SPEC §8.1); the learning rates / init stds the paper leaves open follow the
    # authors' code (SPEC §8.7).
    "paper": {
        "time": ExperimentSpec("time", steps=30000, lr=0.05, init_std=0.01, eval_every=50),
        "data": ExperimentSpec("data", batch=2000, steps=500000, lr=0.05, init_std=0.001,
                               halve_every=50000, eval_every=10000,
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


# ------------------------------------------------------------------------- inputs
_LUT = np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1, bitorder="little")


def fill_inputs(task: SparseParity, skill: np.ndarray, bits: np.ndarray, out: np.ndarray) -> None:
    """Write network inputs (one-hot control bits, skill bits, a trailing 1) into ``out``.

    The skill bits are unpacked from the packed ``uint64`` words by a 256-entry byte lookup table.

    Examples
    --------
    >>> task = SparseParity(n_s=2, n_b=6, m=3)
    >>> b = task.sample(3, np.random.default_rng(1))
    >>> out = np.empty((3, 9), np.float32)
    >>> fill_inputs(task, b.skill, b.bits, out)
    >>> np.array_equal(out[:, :-1], task.inputs(b)), bool(np.all(out[:, -1] == 1))
    (True, True)
    """
    n = skill.shape[0]
    out[:, :task.n_s] = 0
    out[np.arange(n), task.n_s * 0 + skill] = 1
    n_bytes = -(-task.n_b // 8)
    as_bytes = bits.astype("<u8", copy=False).view(np.uint8).reshape(n, -1)[:, :n_bytes]
    out[:, task.n_s:task.n_s + task.n_b] = _LUT[as_bytes].reshape(n, -1)[:, :task.n_b]
    out[:, -1] = 1


# ------------------------------------------------------------------------- one run
@dataclass(frozen=True)
class RunResult:
    """Measurements of one run: checkpoint steps, ``R`` (steps, n_s) as R/S, ``L`` per skill."""

    name: str
    n_s: int
    seed: int
    width: int
    D: int | None
    steps: np.ndarray
    R: np.ndarray
    L: np.ndarray
    train_loss: np.ndarray
    done: bool


def _paths(folder: Path, name: str):
    """The measurements (JSON lines) and training state (.npz) of run ``name`` in ``folder``."""
    return folder / "runs" / f"{name}.jsonl", folder / "runs" / f"{name}.npz"


def _evaluate(net: MLP, xa_eval: np.ndarray, g_eval: np.ndarray, n_s: int, S: float):
    f = net.forward_augmented(xa_eval).astype(np.float64).reshape(n_s, -1)
    g = g_eval.reshape(n_s, -1)
    R = (f * g).mean(axis=1) / S
    L = 0.5 * ((S * g - f) ** 2).mean(axis=1)
    return R, L


def _save_state(path: Path, step: int, net: MLP, opt, rng: np.random.Generator, extra: dict) -> None:
    arrays = {"step": np.array(step), **net.state(),
              "rng": np.array(json.dumps(rng.bit_generator.state)), **extra}
    if isinstance(opt, Adam):
        arrays.update(opt.state())
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    atomic_write_bytes(path, buffer.getvalue(), name="run state")


def _read_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    lines = []
    for line in path.read_text().splitlines():
        try:
            lines.append(json.loads(line))
        except json.JSONDecodeError:
            break  # a line cut by a kill: drop it and everything after
    return lines


def train_run(run: RunSpec, folder, *, log=None) -> RunResult:
    """Train (or resume, or just read back) one run, writing its measurements into ``folder``."""
    spec = run.spec
    folder = Path(folder)
    (folder / "runs").mkdir(parents=True, exist_ok=True)
    lines_path, state_path = _paths(folder, run.name)
    lines = _read_lines(lines_path)
    if lines and lines[-1].get("done"):
        return _as_result(run, lines)

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
    step = 0

    if state_path.exists() and lines:
        with np.load(state_path) as state:
            step = int(state["step"])
            net.load_state(state)
            rng.bit_generator.state = json.loads(str(state["rng"]))
            if isinstance(opt, Adam):
                opt.load_state(state, net)
            if run.D is not None and "order" in state:
                order = np.array(state["order"])
        lines = [line for line in lines if line["step"] <= step]
    else:
        lines = []
    atomic_write_text(lines_path, "".join(json.dumps(line) + "\n" for line in lines), name="run log")

    def checkpoint(train_loss: float, done: bool) -> None:
        R, L = _evaluate(net, xa_eval, g_eval, run.n_s, spec.S)
        line = {"step": step, "R": [round(float(v), 6) for v in R], "L": [round(float(v), 6) for v in L],
                "train_loss": round(float(train_loss), 6), "done": done}
        extra = {"order": order} if order is not None else {}
        with open(lines_path, "a") as fh:
            fh.write(json.dumps(line) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        lines.append(line)
        _save_state(state_path, step, net, opt, rng, extra)
        if log is not None:
            log(f"{run.name}: step {step} R/S " + " ".join(f"{v:.3f}" for v in R))

    if step == 0:
        checkpoint(np.nan, False)
    train_loss = np.nan
    while step < spec.steps:
        if run.D is None:
            b = task.sample(batch, rng)
            fill_inputs(task, b.skill, b.bits, xa)
            np.multiply(task.signs(b), spec.S, out=y, casting="unsafe")
            xb, yb = xa, y
        else:
            position = step % per_epoch
            if position == 0 or order is None:
                order = rng.permutation(run.D)
            idx = order[position * batch:(position + 1) * batch]
            np.take(xa_data, idx, axis=0, out=xa)
            np.take(y_data, idx, out=y)
            xb, yb = xa, y
        lr = halving_schedule(step, lr=spec.lr, every=spec.halve_every)
        train_loss = opt.step(net, xb, yb, lr=lr)
        step += 1
        if not np.isfinite(train_loss):
            raise ArgumentError(f"run {run.name} diverged at step {step} (loss {train_loss}); lower lr")
        if step % spec.eval_every == 0 or step == spec.steps:
            checkpoint(train_loss, step == spec.steps)
    return _as_result(run, lines)


def _as_result(run: RunSpec, lines: list[dict]) -> RunResult:
    return result_from_lines(run.name, run.n_s, run.seed, run.width, run.D, lines)


def result_from_lines(name: str, n_s: int, seed: int, width: int, D, lines: list[dict]) -> RunResult:
    """A :class:`RunResult` from a run's saved JSON lines (MLP and transformer runs alike)."""
    return RunResult(name, n_s, seed, width, D,
                     steps=np.array([line["step"] for line in lines]),
                     R=np.array([line["R"] for line in lines], dtype=np.float64),
                     L=np.array([line["L"] for line in lines], dtype=np.float64),
                     train_loss=np.array([line["train_loss"] for line in lines], dtype=np.float64),
                     done=bool(lines and lines[-1].get("done")))


# ------------------------------------------------------------------------- experiments
def prepare_folder(spec, folder, force: bool) -> Path:
    """Make ``folder`` ready for ``spec``'s runs and return it as a Path.

    A file in its place, an unreadable config.json, another configuration, or a non-empty folder
    without config.json are refused (one ArgumentError) unless ``force``, which also deletes old
    run files. ``spec`` is any spec with ``as_json()`` (MLP experiments and transformer runs).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ArgumentError(f"results folder {str(folder)!r} is a file")
    folder.mkdir(parents=True, exist_ok=True)
    config = {"format": _FORMAT, **spec.as_json()}
    path = folder / "config.json"
    if path.exists():
        try:
            saved = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            raise ArgumentError(f"results folder {str(folder)!r} has an unreadable config.json; "
                                "use another -o or --force") from None
        if saved != config and not force:
            differ = sorted(k for k in set(saved) | set(config) if saved.get(k) != config.get(k))
            raise ArgumentError(f"results folder {str(folder)!r} holds a different configuration "
                                f"(differs in: {', '.join(differ)}); use another -o or --force")
        if saved == config and not force:
            return folder
    elif folder.exists() and any(folder.iterdir()) and not force:
        raise ArgumentError(f"results folder {str(folder)!r} is not empty and has no config.json; "
                            "use another -o or --force")
    if force and (folder / "runs").exists():
        for p in (folder / "runs").iterdir():
            if p.suffix in (".jsonl", ".npz"):
                p.unlink()
    atomic_write_text(path, json.dumps(config, indent=1) + "\n", name="config.json")
    return folder


def _worker(args):
    run, folder = args
    train_run(run, folder)
    return run.name


def run_parallel(worker, items, *, jobs: int, log=None) -> None:
    """Call ``worker(item)`` for every item in ``jobs`` spawned processes with one BLAS thread each.

    The thread variables (``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``) are
    set to 1 while the pool starts, so the workers inherit them; ``log`` gets each worker's
    return value. Also used by :mod:`numeric_check.networks.transformer`.
    """
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    saved = {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    os.environ.update({k: "1" for k in saved})
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn")) as pool:
            for name in pool.map(worker, items):
                if log is not None:
                    log(f"{name}: done")
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_experiment(spec: ExperimentSpec, folder, *, force: bool = False, jobs: int = 1, log=None) -> list[RunResult]:
    """Run (or resume) every run of ``spec`` into ``folder``; ``jobs`` parallel processes.

    With ``jobs > 1`` each worker is a fresh process with one BLAS thread (set through the
    ``OPENBLAS_NUM_THREADS`` / ``OMP_NUM_THREADS`` variables it inherits).
    """
    check_spec(spec)
    jobs = integer("jobs", jobs, minimum=1)
    folder = prepare_folder(spec, folder, force)
    runs = runs_of(spec)
    if jobs == 1:
        for run in runs:
            train_run(run, folder, log=log)
    else:
        run_parallel(_worker, [(run, folder) for run in runs], jobs=jobs, log=log)
    return load_results(folder)


def read_config(folder, build, command: str):
    """The spec saved in ``folder/config.json``, made by ``build(config_dict)``.

    A missing file, bad JSON, or missing or mistyped entries give one :class:`ArgumentError`
    naming the folder and the command that writes it (shared by the MLP and transformer runs).
    """
    path = Path(folder) / "config.json"
    if not path.exists():
        raise ArgumentError(f"results folder {str(folder)!r} has no config.json (run '{command}' first)")
    try:
        config = json.loads(path.read_text())
        config.pop("format", None)
        return build(config)
    except ArgumentError:
        raise
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        raise ArgumentError(f"results folder {str(folder)!r} does not hold results of '{command}' "
                            "(config.json is unreadable or incomplete)") from None


def _spec_from_config(config: dict) -> ExperimentSpec:
    config["n_s_values"] = tuple(config["n_s_values"])
    config["seeds"] = tuple(config["seeds"])
    config["D_values"] = {k: tuple(v) for k, v in config["D_values"].items()}
    config["widths"] = {k: tuple(v) for k, v in config["widths"].items()}
    return ExperimentSpec(**config)


def load_results(folder) -> tuple[ExperimentSpec, list[RunResult]]:
    """The spec and the measured runs (complete or not) saved in ``folder``."""
    folder = Path(folder)
    spec = read_config(folder, _spec_from_config, "emergence nn")
    results = []
    for run in runs_of(spec):
        lines = _read_lines(_paths(folder, run.name)[0])
        if lines:
            results.append(_as_result(run, lines))
    return spec, results
