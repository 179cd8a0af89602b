"""What every network experiment shares: the results folder, its runs' files, resuming, and
running several runs at once (the MLP runs of :mod:`numeric_check.networks.experiments` and the
transformer runs of :mod:`numeric_check.networks.transformer` alike).

Files (one folder per experiment):

``config.json``
    Every parameter of the experiment (``{"format": 1, **spec.as_json()}``); a folder holds the
    runs of one configuration only (:func:`prepare_folder`, :func:`read_config`).
``runs/<name>.jsonl``
    One JSON line per checkpoint of run ``name``, written and synced as it is measured
    (:func:`checkpoint`): the step, ``R_k/S`` and ``L_k`` per skill, the training loss, and
    ``"done": true`` on the last line.
``runs/<name>.npz``
    The state to resume from at the last checkpoint: parameters, optimiser, data RNG.

A killed run keeps what it measured: a line cut by the kill is dropped with everything after it
(:func:`read_lines`), and the same command resumes from the saved state, dropping the lines
measured after it (:func:`restart_lines`), so that a resumed run writes the same lines as an
uninterrupted one. Skill strength is measured as in App. K.3 (Eq. 318) by the network modules.

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> files, lines = start_run(folder, "seed0")
>>> files.lines.name, files.state.name, lines
('seed0.jsonl', 'seed0.npz', [])
>>> lines = restart_lines(files, [], step=None)
>>> checkpoint(files, lines, name="seed0", step=0, R=[0.01], L=[12.4], train_loss=float("nan"),
...            done=True, state={"step": np.array(0)})
>>> result_from_lines("seed0", 1, 0, 8, None, read_lines(files.lines)).done
True
"""
from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from numeric_check.simulation.data import SparseParity
from numeric_check.validation import ArgumentError, atomic_write_bytes, atomic_write_text

__all__ = ["RunResult", "RunFiles", "run_files", "start_run", "prepare_folder", "read_config", "read_lines", "restart_lines",
           "checkpoint", "rng_state", "restore_rng", "result_from_lines", "run_parallel", "fill_inputs"]

_FORMAT = 1


# ------------------------------------------------------------------------- the results folder
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


def read_config(folder, build, command: str):
    """The spec saved in ``folder/config.json``, made by ``build(config_dict)``.

    A missing file, bad JSON, or missing or mistyped entries give one :class:`ArgumentError`
    naming the folder and the command that writes it.
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


# ------------------------------------------------------------------------- one run's files
@dataclass(frozen=True)
class RunFiles:
    """The measurements (JSON lines) and the training state (.npz) of one run."""

    lines: Path
    state: Path


def run_files(folder, name: str) -> RunFiles:
    """The files of run ``name`` in ``folder`` (``runs/<name>.jsonl``, ``runs/<name>.npz``); creates nothing."""
    runs = Path(folder) / "runs"
    return RunFiles(runs / f"{name}.jsonl", runs / f"{name}.npz")


def start_run(folder, name: str) -> tuple[RunFiles, list[dict]]:
    """Create ``folder/runs`` if needed; return run ``name``'s files and the lines it has measured."""
    (Path(folder) / "runs").mkdir(parents=True, exist_ok=True)
    files = run_files(folder, name)
    return files, read_lines(files.lines)


def read_lines(path) -> list[dict]:
    """The JSON lines saved in ``path`` (none if it does not exist); a line cut by a kill ends them."""
    path = Path(path)
    if not path.exists():
        return []
    lines = []
    for line in path.read_text().splitlines():
        try:
            lines.append(json.loads(line))
        except json.JSONDecodeError:
            break  # a line cut by a kill: drop it and everything after
    return lines


def restart_lines(files: RunFiles, lines: list[dict], *, step: int | None) -> list[dict]:
    """Keep the lines measured up to ``step``, the step of the state resumed from (none when
    ``step`` is None: the run starts afresh), rewrite the lines file with them and return them."""
    kept = [] if step is None else [line for line in lines if line["step"] <= step]
    atomic_write_text(files.lines, "".join(json.dumps(line) + "\n" for line in kept), name="run log")
    return kept


def checkpoint(files: RunFiles, lines: list[dict], *, name: str, step: int, R, L, train_loss: float, done: bool,
               state: dict, log=None) -> None:
    """Record one checkpoint: append its line to the file (synced) and to ``lines``, then save ``state``.

    ``R`` is ``R_k/S`` and ``L`` the skill loss ``L_k`` per skill, rounded to 6 digits in the
    line; ``state`` maps names to the arrays to resume from (``np.savez``, written atomically);
    ``log`` gets one progress line.
    """
    line = {"step": step, "R": [round(float(v), 6) for v in R], "L": [round(float(v), 6) for v in L],
            "train_loss": round(float(train_loss), 6), "done": done}
    with open(files.lines, "a") as fh:
        fh.write(json.dumps(line) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    lines.append(line)
    buffer = io.BytesIO()
    np.savez(buffer, **state)
    atomic_write_bytes(files.state, buffer.getvalue(), name="run state")
    if log is not None:
        log(f"{name}: step {step} R/S " + " ".join(f"{v:.3f}" for v in R))


def rng_state(rng: np.random.Generator) -> np.ndarray:
    """The state of ``rng`` as a 0-d string array, to save with a run's state."""
    return np.array(json.dumps(rng.bit_generator.state))


def restore_rng(rng: np.random.Generator, saved) -> None:
    """Put ``rng`` back into the state :func:`rng_state` saved."""
    rng.bit_generator.state = json.loads(str(saved))


# ------------------------------------------------------------------------- results
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


def result_from_lines(name: str, n_s: int, seed: int, width: int, D, lines: list[dict]) -> RunResult:
    """A :class:`RunResult` from a run's saved JSON lines (MLP and transformer runs alike)."""
    return RunResult(name, n_s, seed, width, D,
                     steps=np.array([line["step"] for line in lines]),
                     R=np.array([line["R"] for line in lines], dtype=np.float64),
                     L=np.array([line["L"] for line in lines], dtype=np.float64),
                     train_loss=np.array([line["train_loss"] for line in lines], dtype=np.float64),
                     done=bool(lines and lines[-1].get("done")))


# ------------------------------------------------------------------------- several runs
def run_parallel(worker, items, *, jobs: int, log=None) -> None:
    """Call ``worker(item)`` for every item in ``jobs`` spawned processes with one BLAS thread each.

    The thread variables (``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``) are
    set to 1 while the pool starts, so the workers inherit them; ``log`` gets each worker's
    return value.
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


# ------------------------------------------------------------------------- network inputs
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
