"""The results folder of a network experiment: its lock, its configuration, its clean-up.

``<folder>/.lock``
    Held while an instance works in the folder (:class:`FolderLock`), holding that instance's
    pid. It is taken with ``fcntl.flock``, which the kernel releases when the holder ends,
    however it ends: a lock left by a killed instance (a dead pid in the file) is taken over
    without asking. The worker processes of an instance keep the lock's descriptor open
    (:func:`numeric_check.networks.parallel.run_parallel`), so the folder stays locked until
    the last of them has ended. A second instance is refused with one line naming the holder's
    pid. The file is removed when the holder releases the lock. Where ``fcntl`` does not exist,
    the file is created with ``O_CREAT | O_EXCL`` instead; a stale one must then be removed by
    hand, and the refusal says so.
``<folder>/config.json``
    Every parameter of the experiment (``{"format": 1, **spec.as_json()}``): a folder holds
    the runs of one configuration only (:func:`prepare_folder`, :func:`read_config`).

Temporary files left by a write that was killed (``.<name>.<random>.tmp``, see
:func:`numeric_check.validation.atomic_write_bytes`) are removed when the lock is taken.

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> with FolderLock(folder):
...     (folder / LOCK_NAME).read_text() == f"{os.getpid()}\\n"
True
>>> (folder / LOCK_NAME).exists()
False
"""
from __future__ import annotations

import errno
import json
import os
from pathlib import Path

from numeric_check.validation import ArgumentError, atomic_write_text

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None

__all__ = ["FolderLock", "LOCK_NAME", "prepare_folder", "merge_grids", "GRID_KEYS", "read_config",
           "remove_temporary_files", "FORMAT"]

LOCK_NAME = ".lock"
FORMAT = 1
_TAKE_OVER_TRIES = 20


class FolderLock:
    """The lock of one results folder, as a context manager (see the module docstring).

    The folder is made if it does not exist; a file in its place is refused. ``fd`` is the
    lock's descriptor while it is held (to hand to worker processes).
    """

    def __init__(self, folder):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self.fd: int | None = None

    def __enter__(self) -> "FolderLock":
        if self.folder.exists() and not self.folder.is_dir():
            raise ArgumentError(f"results folder {str(self.folder)!r} is a file")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.fd = _take_flock(self.path) if fcntl is not None else _take_exclusive(self.path)
        os.ftruncate(self.fd, 0)
        os.write(self.fd, f"{os.getpid()}\n".encode())
        remove_temporary_files(self.folder)
        return self

    def __exit__(self, *exc) -> None:
        fd, self.fd = self.fd, None
        if fd is None:
            return
        try:
            os.unlink(self.path)        # before the lock is released: a waiting instance re-checks the inode
        except FileNotFoundError:
            pass
        os.close(fd)


def _refusal(path: Path, holder: str, hint: str = "") -> ArgumentError:
    who = f"process {holder}" if holder.isdigit() else "another process"
    return ArgumentError(f"results folder {str(path.parent)!r} is in use by {who} (lock file {str(path)!r}); "
                         f"wait for it to end or stop it{hint}")


def _holder(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""


def _take_flock(path: Path) -> int:
    for _ in range(_TAKE_OVER_TRIES):
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _holder(fd)
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise _refusal(path, holder) from None
            raise
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # the holder released and removed it between our open and our flock: again
    raise _refusal(path, "")  # pragma: no cover - 20 holders in a row


def _take_exclusive(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        try:
            holder = path.read_text(errors="replace").strip()
        except OSError:
            holder = ""
        raise _refusal(path, holder, f"; if it has ended, remove {str(path)!r}") from None


def remove_temporary_files(folder) -> None:
    """Remove the temporary files of killed atomic writes (and of killed writability probes)
    in ``folder`` and ``folder/runs``."""
    folder = Path(folder)
    for where in (folder, folder / "runs"):
        if where.is_dir():
            for p in where.glob(".*.tmp"):
                try:
                    p.rmdir() if p.is_dir() else p.unlink()
                except FileNotFoundError:
                    pass


def _is_ours(p: Path) -> bool:
    return p.name == LOCK_NAME


#: The configuration keys that name a grid of runs rather than how each run trains: a folder
#: takes more seeds, resource values or widths with the rest of its configuration unchanged.
GRID_KEYS = ("seeds", "D_values", "widths")


#: The most values one grid of a folder may hold (seeds: runner.MAX_SEEDS, checked again when read).
MAX_GRID_VALUES = 1000


def _values(value, minimum: int) -> list[int] | None:
    if (isinstance(value, list) and len(value) <= MAX_GRID_VALUES
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= minimum for v in value)):
        return value
    return None


def merge_grids(saved: dict, config: dict) -> dict | None:
    """``config`` with its grids (:data:`GRID_KEYS`) joined to those of ``saved``, or None when the
    two differ in anything else (or a saved grid is not lists of integers).

    Examples
    --------
    >>> merge_grids({"lr": 1, "seeds": [0, 1], "D_values": {"1": [100]}},
    ...             {"lr": 1, "seeds": [2], "D_values": {"1": [200], "5": [500]}})
    {'lr': 1, 'seeds': [0, 1, 2], 'D_values': {'1': [100, 200], '5': [500]}}
    >>> merge_grids({"lr": 1, "seeds": [0]}, {"lr": 2, "seeds": [0]}) is None
    True
    """
    if saved == config:
        return saved
    if set(saved) != set(config) or any(saved[k] != config[k] for k in config if k not in GRID_KEYS):
        return None
    out = dict(config)
    for key in GRID_KEYS:
        if key not in config:
            continue
        a, b = saved[key], config[key]
        minimum = 0 if key == "seeds" else 1
        if isinstance(b, list):
            if _values(a, minimum) is None:
                return None
            out[key] = sorted(set(a) | set(b))
        elif isinstance(a, dict) and isinstance(b, dict) and all(_values(v, minimum) is not None for v in a.values()):
            out[key] = {n: sorted(set(a.get(n, [])) | set(b.get(n, []))) for n in sorted(set(a) | set(b))}
        else:
            return None
        unions = [out[key]] if isinstance(out[key], list) else list(out[key].values())
        if any(len(v) > MAX_GRID_VALUES for v in unions):
            return None
    return out


def prepare_folder(spec, folder, force: bool) -> Path:
    """Make ``folder`` ready for ``spec``'s runs and return it as a Path (the caller holds its lock).

    A file in its place, an unreadable config.json, another configuration, or a non-empty folder
    without config.json are refused (one ArgumentError) unless ``force``, which also deletes old
    run files. A configuration that differs only in its grids (more seeds, resource values or
    widths, :data:`GRID_KEYS`) is taken: config.json then records the union (:func:`merge_grids`),
    so the folder's runs are read back together. ``spec`` is any spec with ``as_json()`` (MLP
    experiments and transformer runs).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ArgumentError(f"results folder {str(folder)!r} is a file")
    folder.mkdir(parents=True, exist_ok=True)
    config = {"format": FORMAT, **spec.as_json()}
    path = folder / "config.json"
    if path.exists():
        saved = _config(path)
        if saved is None and not force:
            raise ArgumentError(f"{str(path)!r} is not the configuration of an experiment (not a JSON object); "
                                "use another -o or --force")
        merged = merge_grids(saved, config) if saved is not None and not force else None
        if saved is not None and merged is None and not force:
            differ = sorted(k for k in set(saved) | set(config) if saved.get(k) != config.get(k))
            if differ and set(differ) <= set(GRID_KEYS):
                raise ArgumentError(f"results folder {str(folder)!r}: its {', '.join(differ)} cannot take these "
                                    f"(the union would exceed {MAX_GRID_VALUES} values, or config.json holds a "
                                    "grid that is not lists of integers); use another -o or --force")
            raise ArgumentError(f"results folder {str(folder)!r} holds a different configuration "
                                f"(differs in: {', '.join(differ)}); use another -o or --force")
        if merged == saved and not force:
            return folder
        if merged is not None:
            config = merged
    elif any(not _is_ours(p) for p in folder.iterdir()) and not force:
        raise ArgumentError(f"results folder {str(folder)!r} is not empty and has no config.json; "
                            "use another -o or --force")
    if force and (folder / "runs").exists():
        for p in (folder / "runs").iterdir():
            if p.suffix in (".jsonl", ".npz"):
                p.unlink()
    if force and (folder / "summary.json").exists():
        (folder / "summary.json").unlink()
    atomic_write_text(path, json.dumps(config, indent=1, allow_nan=False) + "\n", name="config.json")
    return folder


_MAX_CONFIG_BYTES = 1 << 20   # a configuration is a few hundred bytes; the paper's grids ~2 kB


def _config(path: Path) -> dict | None:
    """The JSON object in ``path``; None if it is not one; ArgumentError if it cannot be read."""
    try:
        if path.stat().st_size > _MAX_CONFIG_BYTES:
            return None
        saved = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    except OSError as exc:
        raise ArgumentError(f"{str(path)!r} cannot be read: {exc.strerror or exc}") from None
    return saved if isinstance(saved, dict) else None


def read_config(folder, build, command: str):
    """The spec saved in ``folder/config.json``, made by ``build(config_dict)``.

    A missing file, bad JSON, anything but a JSON object (at most 1 MiB), or missing or mistyped
    entries give one :class:`ArgumentError` naming the file and the command that writes it.
    """
    path = Path(folder) / "config.json"
    if not path.exists():
        raise ArgumentError(f"results folder {str(folder)!r} has no config.json (run '{command}' first)")
    config = _config(path)
    if config is None:
        raise ArgumentError(f"{str(path)!r} does not hold results of '{command}' (not a JSON object "
                            f"of at most {_MAX_CONFIG_BYTES >> 20} MiB)")
    config = dict(config)
    config.pop("format", None)
    try:
        return build(config)
    except ArgumentError as exc:
        raise ArgumentError(f"{str(path)!r}: {exc}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        what = f"missing entry {exc}" if isinstance(exc, KeyError) else "a mistyped entry"
        raise ArgumentError(f"{str(path)!r} does not hold results of '{command}' ({what})") from None
