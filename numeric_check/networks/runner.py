"""What every network experiment shares: its runs' files, resuming them, the resumable training
loop (:func:`train_resumable`, each network bringing its :class:`Training`), running every run
of an experiment under the folder's lock (:func:`run_locked`), and the results they hold
(:func:`load_run_results`; the MLP runs of :mod:`numeric_check.networks.experiments` and the transformer runs of
:mod:`numeric_check.networks.transformer` alike). The folder itself (its lock and config.json)
is :mod:`numeric_check.networks.folder`'s; running several runs at once is
:mod:`numeric_check.networks.parallel`'s.

Files of run ``name`` (in ``<folder>/runs``):

``<name>.jsonl``
    One strict JSON line per checkpoint (:func:`checkpoint`), written and synced as it is
    measured: the step, ``R_k/S`` and ``L_k`` per skill (6 digits), the training loss (``null``
    at step 0, before any training step), and ``"done": true`` on the last line. The
    checkpoints are the steps of :func:`checkpoint_steps`: 0, every ``eval_every`` steps, and
    the last step.
``<name>.npz``
    The state to resume from, at the last checkpoint: ``step``, the training loss of that step,
    the parameters, the optimiser's state and the data RNG. Written atomically after the line
    of its step, byte for byte the same for the same state (no time stamps).

Resuming (:func:`resume`) gives exactly the lines of an uninterrupted run. A kill can cut only
the last line (the one being written): an unterminated last line that is not a whole line is
dropped (:func:`read_lines`). Lines measured after the saved state are dropped and measured
again; the line of the saved state's own step, if it was lost, is rebuilt from the state (the
network and its measurement set give the same ``R_k`` and ``L_k``, the state holds the
training loss). Anything else (a bad line before the last, a line off the checkpoint steps,
lines missing before the saved state, a state that cannot be read) is refused with one
:class:`ArgumentError` naming the file, and the line where there is one.
Skill strength is measured as in App. K.3 (Eq. 318) by the network modules.

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> schedule = checkpoint_steps(steps=100, eval_every=50)
>>> schedule
[0, 50, 100]
>>> files, lines = start_run(folder, "seed0", n_s=1, schedule=schedule)
>>> files.lines.name, files.state.name, lines
('seed0.jsonl', 'seed0.npz', [])
>>> point = resume(files, lines, read_state(files, schedule=schedule), schedule=schedule)
>>> point.step, point.measure
(0, True)
>>> checkpoint(files, point.lines, name="seed0", step=0, R=[0.01], L=[12.4], train_loss=float("nan"),
...            done=False, state={"step": np.array(0)})
>>> files.lines.read_text()
'{"step": 0, "R": [0.01], "L": [12.4], "train_loss": null, "done": false}\\n'
>>> result_from_lines("seed0", 1, 0, 8, None, read_lines(files.lines, n_s=1, schedule=schedule)).done
False
"""
from __future__ import annotations

import bisect
import io
import json
import math
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from numeric_check.networks.folder import FolderLock, prepare_folder, read_config
from numeric_check.networks.parallel import run_parallel
from numeric_check.simulation.data import SparseParity
from numeric_check.validation import ArgumentError, atomic_write_bytes, atomic_write_text, integer

__all__ = ["RunResult", "RunFiles", "Resume", "run_files", "start_run", "checkpoint_steps", "read_lines",
           "read_state", "resume", "checkpoint", "rng_state", "restore_rng", "result_from_lines",
           "run_parallel", "prepare_folder", "read_config", "fill_inputs", "Training", "train_resumable",
           "run_locked", "load_run_results", "check_seeds", "StopRule", "stop_check", "MAX_CHECKPOINTS", "MAX_RUN_BYTES", "MAX_SEEDS"]

#: The most checkpoints of one run: its lines are held in memory (~1 kB each as Python objects),
#: so 100,000 of them take ~0.1 GB. The paper's runs have 51 to 601.
MAX_CHECKPOINTS = 100_000

#: The most memory one run's arrays may take (estimated by each network's module: MLP
#: :func:`numeric_check.networks.experiments.run_bytes`, transformer
#: :func:`numeric_check.networks.transformer.transformer_bytes`): 4 GiB, so that two workers fit
#: in the memory of a small machine. The paper's largest MLP run takes ~0.2 GiB.
MAX_RUN_BYTES = 4 << 30

#: The most seeds of one experiment (the paper uses 10, 50 for width, 5 for the transformer).
MAX_SEEDS = 1000


def check_seeds(seeds) -> None:
    """An experiment's seeds: 1 to :data:`MAX_SEEDS` of them, each an integer in [0, 2**32 - 1]
    (one ArgumentError line otherwise)."""
    if not seeds:
        raise ArgumentError("seeds must not be empty")
    if len(seeds) > MAX_SEEDS:
        raise ArgumentError(f"at most {MAX_SEEDS} seeds, got {len(seeds)}")
    for s in seeds:
        integer("seed", s, minimum=0, maximum=2**32 - 1)


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


def checkpoint_steps(*, steps: int, eval_every: int) -> list[int]:
    """The steps at which a run is measured: 0, every ``eval_every`` steps, and ``steps``.

    Examples
    --------
    >>> checkpoint_steps(steps=120, eval_every=50)
    [0, 50, 100, 120]
    """
    if -(-steps // eval_every) + 1 > MAX_CHECKPOINTS:
        raise ArgumentError(f"steps/eval_every must be at most {MAX_CHECKPOINTS - 1} checkpoints (the lines of a "
                            f"run are held in memory), got {steps}/{eval_every}")
    out = list(range(0, steps, eval_every))
    return out + [steps]


def start_run(folder, name: str, *, n_s: int, schedule: list[int],
              stop: "StopRule | None" = None) -> tuple[RunFiles, list[dict]]:
    """Create ``folder/runs`` if needed; return run ``name``'s files and the lines it has measured."""
    (Path(folder) / "runs").mkdir(parents=True, exist_ok=True)
    files = run_files(folder, name)
    return files, read_lines(files.lines, n_s=n_s, schedule=schedule, stop=stop)


def _line_bytes(n_s: int) -> int:
    """An upper bound on the length of one line: a step, ``2 n_s`` numbers of <= 24 characters."""
    return 200 + 48 * n_s


def _bad(path: Path, number: int, reason: str) -> ArgumentError:
    name = path.stem
    return ArgumentError(f"{str(path)!r} line {number}: {reason}; remove {name}.jsonl and {name}.npz "
                         f"to train that run again, or use --force")


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_line(path: Path, number: int, line, n_s: int | None, schedule: list[int] | None,
                early_done: bool = False) -> dict:
    """``line`` (parsed JSON) if it is checkpoint ``number`` (1-based) of the run, else ArgumentError.

    With ``early_done`` (a run under a :class:`StopRule`) a done line may stand at any checkpoint;
    :func:`read_lines` checks it against the rule and refuses a line after it."""
    if not isinstance(line, dict):
        raise _bad(path, number, f"not a checkpoint line (a JSON {type(line).__name__}, not an object)")
    keys = {"step", "R", "L", "train_loss", "done"}
    if set(line) != keys:
        missing, extra = sorted(keys - set(line)), sorted(set(line) - keys)
        raise _bad(path, number, "not a checkpoint line (" + "; ".join(
            part for part in (f"missing {', '.join(missing)}" if missing else "",
                              f"unknown {', '.join(extra)}" if extra else "") if part) + ")")
    step = line["step"]
    if not isinstance(step, int) or isinstance(step, bool) or step < 0:
        raise _bad(path, number, f"step must be an integer >= 0, got {step!r}")
    if schedule is not None:
        if number > len(schedule):
            raise _bad(path, number, f"a line after the last checkpoint (step {schedule[-1]})")
        if step != schedule[number - 1]:
            raise _bad(path, number, f"step {step} where checkpoint {number} is at step {schedule[number - 1]}")
    for key in ("R", "L"):
        values = line[key]
        if not (isinstance(values, list) and all(_number(v) and math.isfinite(v) for v in values)):
            raise _bad(path, number, f"{key} must be a list of finite numbers, got {str(values)[:40]!r}")
        if n_s is not None and len(values) != n_s:
            raise _bad(path, number, f"{key} has {len(values)} values, the run has {n_s} skills")
    loss = line["train_loss"]
    if loss is not None and not (_number(loss) and (math.isfinite(loss) or (step == 0 and math.isnan(loss)))):
        # NaN at step 0: the lines written before the training loss of step 0 became null
        raise _bad(path, number, f"train_loss must be a finite number or null, got {loss!r}")
    if not isinstance(line["done"], bool):
        raise _bad(path, number, f"done must be true or false, got {line['done']!r}")
    if schedule is not None and line["done"] != (number == len(schedule)) and not (early_done and line["done"]):
        raise _bad(path, number, f"done is {str(line['done']).lower()} at checkpoint {number} of {len(schedule)}")
    line["R"] = [float(v) for v in line["R"]]
    line["L"] = [float(v) for v in line["L"]]
    line["train_loss"] = None if loss is None or math.isnan(loss) else float(loss)
    return line


def _parse(raw: bytes):
    return json.loads(raw.decode("utf-8"))


def _append(lines: list[dict], path: Path, number: int, parsed, n_s, schedule, stop) -> None:
    """Check ``parsed`` as line ``number`` (:func:`_check_line`) and append it; none may follow a done line."""
    if lines and lines[-1]["done"]:
        raise _bad(path, number, f"a line after the done line of step {lines[-1]['step']}")
    lines.append(_check_line(path, number, parsed, n_s, schedule, stop is not None))


def read_lines(path, *, n_s: int | None = None, schedule: list[int] | None = None,
               stop: "StopRule | None" = None) -> list[dict]:
    """The checkpoint lines saved in ``path`` (none if it does not exist), checked.

    An unterminated last line that does not parse was cut by a kill and is dropped. Every other
    line must be a checkpoint line: ``step``, ``R``, ``L`` (``n_s`` finite numbers each, when
    ``n_s`` is given), ``train_loss`` (a finite number or null), ``done``; with ``schedule``
    (:func:`checkpoint_steps`) line ``i`` must be at step ``schedule[i]`` and only the last
    checkpoint is done (with ``stop``, the :class:`StopRule` of the run: a line before the last
    checkpoint is done exactly where the rule holds, and no line follows a done one). Otherwise one
    :class:`ArgumentError` names the file and the line. The file may hold at most
    ``len(schedule)`` lines' worth of bytes.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return []
    if schedule is not None and n_s is not None and size > len(schedule) * _line_bytes(n_s):
        raise ArgumentError(f"{str(path)!r}: {size} bytes, more than the {len(schedule)} checkpoint lines of "
                            f"this run can hold; remove it to train that run again, or use --force")
    parts = path.read_bytes().split(b"\n")
    tail = parts.pop()               # b"" when the file ends with a newline
    lines = []
    for number, raw in enumerate(parts, start=1):
        try:
            parsed = _parse(raw)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise _bad(path, number, "not a JSON line" if raw.strip() else "an empty line") from None
        _append(lines, path, number, parsed, n_s, schedule, stop)
    if tail:
        try:
            parsed = _parse(tail)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return lines             # a line cut by a kill: dropped, measured again on resume
        _append(lines, path, len(parts) + 1, parsed, n_s, schedule, stop)
    if stop is not None and schedule is not None:
        for i, line in enumerate(lines[:len(schedule) - 1]):
            if line["done"] != stop.stops(lines, line["step"], line["R"]):
                raise _bad(path, i + 1, f"done is {str(line['done']).lower()} at step {line['step']}, where the "
                           f"stopping rule (no R_k/S moved by more than {stop.tol:g} over {stop.window} steps) "
                           f"{'does not hold' if line['done'] else 'holds'}")
    return lines


_MAX_STATE_BYTES = 8 << 30   # above any run's arrays (MAX_RUN_BYTES)


def read_state(files: RunFiles, *, schedule: list[int]) -> dict | None:
    """The arrays of run's saved state (None if there is none), its ``step`` one of ``schedule``.

    A file that is not such a state (not an ``.npz``, arrays that need pickle, no ``step``, a
    step off the checkpoints, more than 8 GiB) is one :class:`ArgumentError` naming it.
    """
    path = files.state
    if not path.exists():
        return None

    def bad(reason: str) -> ArgumentError:
        return ArgumentError(f"{str(path)!r} is not a saved training state of this run ({reason}); remove "
                             f"{path.stem}.jsonl and {path.stem}.npz to train that run again, or use --force")

    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(info.file_size for info in zf.infolist())
        if total > _MAX_STATE_BYTES:
            raise bad(f"{total} bytes of arrays")
        with np.load(path, allow_pickle=False) as saved:
            state = {key: saved[key] for key in saved.files}
    except ArgumentError:
        raise
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as exc:
        raise bad(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    step = state.get("step")
    if step is None or step.shape != () or step.dtype.kind not in "iu":
        raise bad("no integer step")
    if int(step) not in schedule:
        raise bad(f"step {int(step)} is not a checkpoint")
    if "train_loss" in state and (state["train_loss"].shape != () or state["train_loss"].dtype.kind != "f"):
        raise bad("train_loss is not a number")
    return state


@dataclass(frozen=True)
class Resume:
    """Where a run goes on: from ``step`` (the saved state's, 0 afresh), with the ``lines`` kept;
    ``measure`` says that the line of ``step`` is to be written before training goes on, with
    ``train_loss`` (the loss of that step's training batch; nan at step 0)."""

    step: int
    lines: list
    measure: bool
    train_loss: float


def resume(files: RunFiles, lines: list[dict], state: dict | None, *, schedule: list[int]) -> Resume:
    """Where run ``files`` goes on from its checked ``lines`` and saved ``state`` (:func:`read_state`).

    Without a state the run starts afresh (its lines are measured again, the same). With one at
    checkpoint ``i``, lines ``0..i`` are kept and the file is rewritten with them (atomically);
    if line ``i`` itself is missing it is measured again from the state; if lines before it are
    missing, one :class:`ArgumentError` names the file.
    """
    if state is None:
        step, loss = 0, math.nan
    else:
        step = int(state["step"])
        loss = float(state["train_loss"]) if "train_loss" in state else None
    index = schedule.index(step)
    kept = lines[:index + 1]
    early = [line["step"] for line in kept[:index] if line["done"]]
    if early:
        raise ArgumentError(f"{str(files.lines)!r}: the run is done at step {early[0]} but its saved state "
                            f"{str(files.state)!r} is at step {step}; remove {files.lines.stem}.jsonl and .npz to "
                            f"train that run again, or use --force")
    if len(kept) < index:
        raise ArgumentError(f"{str(files.lines)!r} holds {len(kept)} lines but the saved state is at step {step} "
                            f"(line {index + 1}): lines {len(kept) + 1} to {index} are lost; remove "
                            f"{files.lines.stem}.jsonl and .npz to train that run again, or use --force")
    measure = len(kept) == index
    if measure and loss is None:
        raise ArgumentError(f"{str(files.lines)!r} line {index + 1} (step {step}) is lost and the saved state "
                            f"{str(files.state)!r} (an older format) does not hold its training loss; remove "
                            f"{files.lines.stem}.jsonl and .npz to train that run again, or use --force")
    atomic_write_text(files.lines, "".join(_line_text(line) for line in kept), name="run log")
    return Resume(step, kept, measure, math.nan if loss is None else loss)


def _line_text(line: dict) -> str:
    return json.dumps(line, allow_nan=False) + "\n"


def _npz_bytes(state: dict) -> bytes:
    """``state`` as an ``.npz`` (what ``np.savez`` writes), with fixed time stamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for key, value in state.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            with zf.open(info, "w", force_zip64=True) as fh:
                np.lib.format.write_array(fh, np.asanyarray(value), allow_pickle=False)
    return buffer.getvalue()


def _rounded(value) -> float | None:
    value = round(float(value), 6)
    return value if math.isfinite(value) else None


def checkpoint(files: RunFiles, lines: list[dict], *, name: str, step: int, R, L, train_loss: float, done: bool,
               state: dict, log=None) -> None:
    """Record one checkpoint: append its line to the file (synced) and to ``lines``, then save ``state``.

    ``R`` is ``R_k/S`` and ``L`` the skill loss ``L_k`` per skill, rounded to 6 digits in the
    line (finite: a network whose measurement is not finite has diverged, an ArgumentError);
    ``train_loss`` is ``null`` in the line when it is not finite (step 0). ``state`` maps names
    to the arrays to resume from; the training loss is added to it, and it is written
    atomically. ``log`` gets one progress line.
    """
    R = [_rounded(v) for v in R]
    L = [_rounded(v) for v in L]
    if None in R or None in L:
        raise ArgumentError(f"run {name} diverged: its measurement at step {step} is not finite; lower lr")
    line = {"step": int(step), "R": R, "L": L, "train_loss": _rounded(train_loss), "done": bool(done)}
    with open(files.lines, "a") as fh:
        fh.write(_line_text(line))
        fh.flush()
        os.fsync(fh.fileno())
    lines.append(line)
    atomic_write_bytes(files.state, _npz_bytes({**state, "train_loss": np.array(float(train_loss))}),
                       name="run state")
    if log is not None:
        log(f"{name}: step {step} R/S " + " ".join(f"{v:.3f}" for v in R))


def rng_state(rng: np.random.Generator) -> np.ndarray:
    """The state of ``rng`` as a 0-d string array, to save with a run's state."""
    return np.array(json.dumps(rng.bit_generator.state))


def restore_rng(rng: np.random.Generator, saved) -> None:
    """Put ``rng`` back into the state :func:`rng_state` saved."""
    rng.bit_generator.state = json.loads(str(saved))


# ------------------------------------------------------------------------- training loop
@dataclass(frozen=True)
class Training:
    """What one network brings to :func:`train_resumable` (the rest of the loop is shared).

    ``load(state)`` puts a saved state (:func:`read_state`) into the network, optimiser and RNG;
    an exception of ``load_errors`` is one ArgumentError naming the state file, its text given by
    ``reason(exc)``. ``train(step)`` trains on one batch at ``step`` (before it is counted) and
    returns the training loss; ``measure(step)`` returns ``(R, L, state)`` for :func:`checkpoint`.
    """

    load: Callable[[dict], None]
    train: Callable[[int], float]
    measure: Callable[[int], tuple]
    load_errors: tuple = (KeyError, ValueError, TypeError)
    reason: Callable[[BaseException], str] = str


@dataclass(frozen=True)
class StopRule:
    """Stop a run at the first checkpoint at which no ``R_k/S`` moved by more than ``tol`` over
    the last ``window`` steps (``window`` a multiple of the checkpoint interval).

    The values compared are those of the lines (rounded to 6 digits as :func:`checkpoint` writes
    them), so the decision can be read back from a run's file. A stopped run's last line is done
    at that checkpoint; the run is not trained further. App. K.1 trains the data and width runs
    5x10^5 steps; the paper presets stop by this rule, checked on runs trained to the end
    (:func:`stop_check`, docs/networks.md).

    Examples
    --------
    >>> rule = StopRule(window=20, tol=0.005)
    >>> lines = [{"step": 0, "R": [0.0]}, {"step": 10, "R": [0.5]}, {"step": 20, "R": [0.9]}]
    >>> rule.stops(lines, 30, [0.902]), rule.stops(lines[:1], 10, [0.0])   # vs step 10; before the window
    (False, False)
    >>> rule.stops(lines + [{"step": 30, "R": [0.902]}], 40, [0.903])      # vs step 20: moved 0.003
    True
    """

    window: int
    tol: float

    def stops(self, lines: list[dict], step: int, R) -> bool:
        """Whether the run stops at checkpoint ``step`` measuring ``R`` (R_k/S); ``lines`` are its
        lines in step order (those after ``step``, if any, are not looked at)."""
        target = step - self.window
        at = bisect.bisect_left(lines, target, key=lambda line: line["step"])
        if target < 0 or at == len(lines) or lines[at]["step"] != target:
            return False
        now = [_rounded(v) for v in R]
        return max(abs(a - b) for a, b in zip(now, lines[at]["R"])) <= self.tol + 1e-9


def stop_check(lines: list[dict], rule: StopRule) -> dict:
    """Where ``rule`` would have stopped a run trained to the end (its ``lines``), and how much
    every ``R_k/S`` moved from there to the end: ``{"stop_step", "end_step", "max_change",
    "skill"}`` (``stop_step`` None, ``max_change`` 0 when the rule never stops it).

    Examples
    --------
    >>> lines = [{"step": s, "R": [r]} for s, r in [(0, 0.0), (10, 0.9), (20, 0.901), (30, 0.93)]]
    >>> stop_check(lines, StopRule(window=10, tol=0.005))
    {'stop_step': 20, 'end_step': 30, 'max_change': 0.029, 'skill': 1}
    """
    if not lines:
        raise ArgumentError("stop_check needs the lines of a run, got none")
    end = lines[-1]
    for line in lines:
        if rule.stops(lines, line["step"], line["R"]):
            moved = [abs(a - b) for a, b in zip(end["R"], line["R"])]
            k = int(np.argmax(moved))
            return {"stop_step": line["step"], "end_step": end["step"], "max_change": round(moved[k], 6),
                    "skill": k + 1}
    return {"stop_step": None, "end_step": end["step"], "max_change": 0.0, "skill": None}


def train_resumable(folder, name: str, *, n_s: int, steps: int, eval_every: int,
                    setup: Callable[[], Training], log=None, quiet: bool = False,
                    progress: Callable[[int], None] | None = None,
                    stop: StopRule | None = None) -> list[dict]:
    """Train (or resume, or just read back) run ``name`` in ``folder``; its checkpoint lines.

    A finished run (its done line there and its state the last step's) is read back without
    calling ``setup``; a kill between the two leaves the state one checkpoint behind, and that
    checkpoint is trained and measured again. Otherwise ``setup()`` builds the network
    (:class:`Training`), the run goes on from :func:`resume`'s point, the saved state is loaded
    into it, and it is trained to ``steps``, measured (:func:`checkpoint`) at every
    :func:`checkpoint_steps` step. A non-finite training loss is one ArgumentError (diverged).
    ``quiet`` silences numpy's floating-point warnings throughout; ``progress(step)`` is called
    with the step reached, after every training step (a progress bar's hook). With ``stop`` the
    run ends at the first checkpoint where the rule holds (its line done there).
    """
    schedule = checkpoint_steps(steps=steps, eval_every=eval_every)
    files, lines = start_run(folder, name, n_s=n_s, schedule=schedule, stop=stop)
    state = read_state(files, schedule=schedule)
    if lines and lines[-1]["done"] and (state is None or int(state["step"]) == lines[-1]["step"]):
        return lines
    if quiet:
        with np.errstate(all="ignore"):
            return _train(files, lines, state, schedule, name, steps, eval_every, setup, log, progress, stop)
    return _train(files, lines, state, schedule, name, steps, eval_every, setup, log, progress, stop)


def _train(files, lines, state, schedule, name, steps, eval_every, setup, log, progress, stop) -> list[dict]:
    training = setup()
    point = resume(files, lines, state, schedule=schedule)
    step, lines = point.step, point.lines
    if state is not None:
        try:
            training.load(state)
        except training.load_errors as exc:
            raise ArgumentError(f"{str(files.state)!r} is not a saved training state of this run "
                                f"({training.reason(exc)}); remove {name}.jsonl and {name}.npz to train that "
                                f"run again, or use --force") from None

    def measure(train_loss: float) -> bool:
        R, L, arrays = training.measure(step)
        done = step == steps or (stop is not None and stop.stops(lines, step, R))
        checkpoint(files, lines, name=name, step=step, R=R, L=L, train_loss=train_loss, done=done,
                   state=arrays, log=log)
        return done

    # the line of step 0, or of the saved state when it was lost
    if point.measure and measure(point.train_loss):
        return lines
    if progress is not None:
        progress(step)
    while step < steps:
        train_loss = training.train(step)
        step += 1
        if progress is not None:
            progress(step)
        if not np.isfinite(train_loss):
            raise ArgumentError(f"run {name} diverged at step {step} (loss {train_loss}); lower lr")
        if (step % eval_every == 0 or step == steps) and measure(train_loss):
            break
    return lines


# ------------------------------------------------------------------------- experiments
def run_locked(spec, folder, *, force: bool, jobs: int, log, lock: FolderLock | None, runs: list,
               train: Callable, worker: Callable, name: Callable, load: Callable, scheduler: str | None = None,
               progress: bool = False, skills: Callable | None = None):
    """Prepare ``folder`` for ``spec`` (:func:`prepare_folder`), train every one of ``runs`` into
    it and return ``load(folder)``, holding the folder's lock throughout.

    The lock (:class:`numeric_check.networks.folder.FolderLock`) is taken here unless the caller
    passes the one it holds as ``lock`` (it must be held on ``folder``). With ``jobs == 1`` and no
    ``scheduler`` each run is ``train(run, folder, log=log, progress=hook)`` in this process;
    otherwise every unfinished run is a Dask task, ``worker((run, folder), progress=hook)`` (a
    module-level function) on a local cluster of ``jobs`` single-thread processes or on the
    cluster of ``scheduler`` (:func:`numeric_check.networks.dask_sweep.run_sweep`; ``name(run)``
    names a run's files, ``skills(run)`` its number of skills). Only this process writes the
    folder. ``progress`` shows a bar of the steps trained (:mod:`numeric_check.progress`).
    """
    if lock is None:
        with FolderLock(folder) as held:
            return _run_all(spec, folder, force, jobs, log, runs, train, worker, name, load, scheduler, progress,
                            skills)
    if lock.fd is None or Path(lock.folder).resolve() != Path(folder).resolve():
        raise ArgumentError(f"the lock given is not held on {str(folder)!r}")
    return _run_all(spec, folder, force, jobs, log, runs, train, worker, name, load, scheduler, progress, skills)


def _run_all(spec, folder, force, jobs, log, runs, train, worker, name, load, scheduler, progress, skills):
    from numeric_check.progress import progress_bar

    folder = prepare_folder(spec, folder, force)
    schedule = checkpoint_steps(steps=spec.steps, eval_every=spec.eval_every)
    skills = skills or (lambda run: None)
    rule = getattr(spec, "stop_rule", None)
    with progress_bar(total=len(runs) * spec.steps, desc=f"nn {spec.experiment}", unit="step",
                      enabled=bool(progress), runs=len(runs)) as bar:
        if jobs == 1 and scheduler is None:
            _run_here(runs, folder, train, name, skills, schedule, log, bar, rule)
        else:
            from numeric_check.networks.dask_sweep import run_sweep

            run_sweep(worker, runs, folder, name=name, skills=skills, schedule=schedule, jobs=jobs,
                      scheduler=scheduler, log=log, progress=bar if bar.active else None, stop=rule)
    return load(folder)


def _steps_done(folder, run, name, skills, schedule, stop=None) -> int:
    """The step of ``run``'s last saved line (0 for none or an unreadable file, which its training
    then names); the last step for a run stopped by its rule."""
    try:
        lines = read_lines(run_files(folder, name(run)).lines, n_s=skills(run), schedule=schedule, stop=stop)
    except ArgumentError:
        return 0
    if lines and lines[-1]["done"]:
        return schedule[-1]
    return lines[-1]["step"] if lines else 0


def _run_here(runs, folder, train, name, skills, schedule, log, bar, stop=None) -> None:
    """Every run in this process, one after another; ``bar`` follows their steps."""
    at = {name(run): _steps_done(folder, run, name, skills, schedule, stop) if bar.active else 0
          for run in runs}
    bar.set(sum(at.values()))
    for run in runs:
        others = bar.n - at[name(run)]
        hook = (lambda step: bar.set(others + step)) if bar.active else None
        train(run, folder, log=log, progress=hook)
        at[name(run)] = schedule[-1]
        bar.set(others + schedule[-1])
        bar.run_done()


def load_run_results(folder, runs, *, schedule: list[int], name: Callable, n_s: Callable,
                     result: Callable, stop: "StopRule | None" = None) -> list[RunResult]:
    """``result(run, lines)`` for every one of ``runs`` that has measured lines in ``folder``
    (:func:`read_lines`, checked against ``schedule`` and ``n_s(run)`` skills), in order."""
    results = []
    for run in runs:
        lines = read_lines(run_files(folder, name(run)).lines, n_s=n_s(run), schedule=schedule, stop=stop)
        if lines:
            results.append(result(run, lines))
    return results


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


# ------------------------------------------------------------------------- network inputs


def fill_inputs(task: SparseParity, skill: np.ndarray, bits: np.ndarray, out: np.ndarray) -> None:
    """Write network inputs (one-hot control bits, skill bits, a trailing 1) into ``out``.

    The skill bits are unpacked from the packed ``uint64`` words' little-endian bytes by
    ``np.unpackbits`` (2.8x faster than the byte lookup table it replaced, the same values).

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
    out[:, task.n_s:task.n_s + task.n_b] = np.unpackbits(as_bytes, axis=1, bitorder="little")[:, :task.n_b]
    out[:, -1] = 1
