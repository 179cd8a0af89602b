"""Argument validation, the error type, strict JSON and atomic file output, shared by every
package (NumPy and the standard library only; :mod:`symbolic` imports nothing else from
:mod:`numeric_check`).

Every check raises :class:`ArgumentError` with one line that names the argument and the
allowed range; the ``emergence`` command turns it into ``emergence: error: ...`` and exit 2.

Files are written to a temporary file beside the target and renamed (:func:`atomic_write_bytes`),
so a reader never sees a half-written file and a failed write (a full disk, an immutable target)
leaves the old file, if any, and no temporary file. A new file gets the mode ``open`` would give
it (``0o666`` less the umask); a file that is replaced keeps its mode; a symbolic link is
written through (its target is replaced, the link stays). :func:`strict_json` writes JSON
without ``NaN`` or ``Infinity``: a number that is not finite ("not reached") is ``null``.

Examples
--------
>>> positive("eta", 0.5)
0.5
>>> positive("eta", 0)
Traceback (most recent call last):
...
numeric_check.validation.ArgumentError: eta must be a finite number > 0, got 0
>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
>>> atomic_write_text(target, "hello")
>>> target.read_text()
'hello'
>>> strict_json({"error": float("nan"), "x": [1.0, float("inf")]})
'{"error": null, "x": [1.0, null]}'
"""
from __future__ import annotations

import errno
import json
import math
import numbers
import os
import secrets
import stat
from pathlib import Path

import numpy as np

__all__ = [
    "ArgumentError",
    "finite",
    "positive",
    "open_interval",
    "unit_interval",
    "integer",
    "seed",
    "MAX_SEED",
    "positive_array",
    "strict_json",
    "writable_path",
    "writable_folder",
    "atomic_write_bytes",
    "atomic_write_text",
]


class ArgumentError(ValueError):
    """A public argument outside its allowed range (one clear line)."""


def finite(name: str, value) -> float:
    """Return ``value`` as a float, or raise if it is not a finite real number."""
    if isinstance(value, (bool, np.bool_)):
        raise ArgumentError(f"{name} must be a finite number, got {value!r}")
    if not isinstance(value, (numbers.Real, np.floating, np.integer)):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ArgumentError(f"{name} must be a finite number, got {value!r}") from None
    value = float(value)
    if not math.isfinite(value):
        raise ArgumentError(f"{name} must be a finite number, got {value}")
    return value


def positive(name: str, value) -> float:
    """Return ``value`` as a float if it is finite and > 0."""
    try:
        x = finite(name, value)
    except ArgumentError:
        raise ArgumentError(f"{name} must be a finite number > 0, got {value!r}") from None
    if x <= 0:
        raise ArgumentError(f"{name} must be a finite number > 0, got {value!r}")
    return x


def open_interval(name: str, value, low: float, high: float, *, high_name: str | None = None) -> float:
    """Return ``value`` as a float if ``low < value < high``."""
    x = finite(name, value)
    if not low < x < high:
        upper = high_name or f"{high:g}"
        raise ArgumentError(f"{name} must lie in ({low:g}, {upper}), got {value!r}")
    return x


def unit_interval(name: str, value) -> float:
    """Return ``value`` as a float if ``0 < value <= 1`` (the calibration factor B^2 of Eq. 14).

    Examples
    --------
    >>> unit_interval("B2", 1)
    1.0
    """
    x = finite(name, value)
    if not 0.0 < x <= 1.0:
        raise ArgumentError(f"{name} must lie in (0, 1], got {value!r}")
    return x


def integer(name: str, value, *, minimum: int | None = None, maximum: int | None = None,
            maximum_name: str | None = None) -> int:
    """Return ``value`` as an int if it is integral and within ``[minimum, maximum]``."""
    if isinstance(value, bool):
        raise ArgumentError(f"{name} must be an integer, got {value!r}")
    if isinstance(value, (numbers.Integral, np.integer)):
        n = int(value)
    else:
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise ArgumentError(f"{name} must be an integer, got {value!r}") from None
        if not math.isfinite(x) or x != int(x):
            raise ArgumentError(f"{name} must be an integer, got {value!r}")
        n = int(x)
    low = "-inf" if minimum is None else str(minimum)
    high = maximum_name or ("inf" if maximum is None else str(maximum))
    if (minimum is not None and n < minimum) or (maximum is not None and n > maximum):
        raise ArgumentError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    return n


#: The largest seed accepted (``numpy.random.default_rng`` takes any integer >= 0; 2**32 - 1 is
#: the range every seed of this project is documented with).
MAX_SEED = 2**32 - 1


def seed(name: str, value) -> int:
    """Return ``value`` as an int if it is a seed: an integer in ``[0, 2**32 - 1]``.

    Examples
    --------
    >>> seed("--seed", 7)
    7
    >>> seed("--seed", -1)
    Traceback (most recent call last):
    ...
    numeric_check.validation.ArgumentError: --seed must be an integer in [0, 4294967295], got -1
    """
    return integer(name, value, minimum=0, maximum=MAX_SEED)


def positive_array(name: str, values, *, dtype=np.float64) -> np.ndarray:
    """Return ``values`` as a non-empty array of finite entries > 0."""
    try:
        arr = np.asarray(values, dtype=dtype)
    except (TypeError, ValueError):
        raise ArgumentError(f"{name} must be an array of finite numbers > 0") from None
    if arr.size == 0:
        raise ArgumentError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        bad = arr[~(np.isfinite(arr) & (arr > 0))].ravel()[0]
        raise ArgumentError(f"{name} must contain only finite numbers > 0, got {bad!r}")
    return arr


def _finite_or_none(value):
    """``value`` with every float that is not finite replaced by ``None`` (lists, tuples, dicts)."""
    if isinstance(value, dict):
        return {key: _finite_or_none(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite_or_none(item) for item in value]
    if isinstance(value, np.ndarray):
        return _finite_or_none(value.tolist())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


def strict_json(value, *, indent: int | None = None) -> str:
    """``value`` as strict JSON: a number that is not finite (NaN, +-inf) becomes ``null``.

    ``json.dumps`` writes bare ``NaN`` and ``Infinity`` tokens, which JSON does not have; the
    JSON of the ``emergence`` command is written here, with ``allow_nan=False``.
    NumPy scalars and arrays become plain numbers and lists.

    Examples
    --------
    >>> strict_json([np.float64(2.5), -np.inf, np.int64(3)])
    '[2.5, null, 3]'
    """
    return json.dumps(_finite_or_none(value), indent=indent, allow_nan=False)


# Atomic file output: write to a temporary file beside the target, then rename, so a reader
# never sees a half-written file and a failed write leaves the old file (if any).
def _no_empty(path, name: str) -> Path:
    if path is None or not str(path).strip():
        raise ArgumentError(f"{name} must be a non-empty path, got {'' if path is None else str(path)!r}")
    if "\0" in str(path):
        raise ArgumentError(f"{name} must not contain a NUL character, got {str(path)!r}")
    return Path(path)


def _check_folder(folder: Path, *, name: str, shown: Path) -> None:
    """Raise one line naming ``shown`` unless files can be written in ``folder``, or it can be made.

    The nearest existing ancestor must be a directory in which this process can create an entry
    (a hidden file or folder is made and removed at once, so a read-only or pseudo file system
    is refused before any work); nothing is left behind.
    """
    for ancestor in (folder, *folder.parents):
        if ancestor.exists():
            break
    if not ancestor.is_dir():
        raise ArgumentError(f"{name} {str(shown)!r} cannot be written: {str(ancestor)!r} is not a directory")
    # named like an atomic write's temporary file, so that a process killed between making and
    # removing it leaves something the nn folder's clean-up (remove_temporary_files) removes
    probe = ancestor / f".emergence-probe-{secrets.token_hex(6)}.tmp"
    try:
        if ancestor == folder:
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            os.unlink(probe)
        else:
            probe.mkdir()
            probe.rmdir()
    except OSError as exc:
        where = "folder" if ancestor == folder else "a folder in"
        why = exc.strerror or str(exc)
        if exc.errno == errno.ENOENT and ancestor.is_dir():
            # /proc, /sys: the folder exists but its file system makes no new entries
            why = "its file system does not let new files be made there"
        raise ArgumentError(f"{name} {str(shown)!r} cannot be written: {where} {str(ancestor)!r}: {why}") from None


def writable_path(path, *, name: str = "output") -> Path:
    """Return ``path`` as a Path if it can be written, else raise one line naming ``name`` and the path.

    Refused: an empty path, a directory, a path under a regular file ("not a directory"), a
    device or pipe, a folder that cannot be written, an existing file that is read-only (no write permission
    bit, or not writable by this user). Nothing is created here: a missing folder is made when
    the file is written. A symbolic link is followed: the file it points to is what
    :func:`atomic_write_bytes` replaces.
    """
    path = _no_empty(path, name)
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise ArgumentError(f"{name} {str(path)!r} is a directory; give a file path")
    _check_folder(target.parent, name=name, shown=path)
    if target.exists():
        mode = target.stat().st_mode
        if not stat.S_ISREG(mode):
            raise ArgumentError(f"{name} {str(path)!r} is not a regular file (a device, pipe or socket "
                                f"would be replaced); give a file path")
        if not mode & 0o222 or not os.access(target, os.W_OK):
            raise ArgumentError(f"{name} {str(path)!r} cannot be written: the file is read-only or "
                                f"immutable (mode {stat.S_IMODE(mode):04o})")
    return path


def writable_folder(path, *, name: str = "output") -> Path:
    """Return ``path`` as a Path if files can be written into it, else raise one line naming it.

    Refused: an empty path, a regular file, a path under a regular file ("not a directory"), a
    folder that cannot be written. Nothing is left here (the folder is made by the first file
    written into it).
    """
    path = _no_empty(path, name)
    folder = Path(os.path.realpath(path))
    if folder.exists() and not folder.is_dir():
        raise ArgumentError(f"{name} {str(path)!r} is not a directory; give a folder")
    _check_folder(folder, name=name, shown=path)
    return path


def _create_temporary(folder: Path, stem: str, mode: int) -> tuple[int, Path]:
    """Open a new file in ``folder`` as ``open`` would (``mode`` less the umask), exclusively."""
    for _ in range(100):
        tmp = folder / f".{stem}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")  # pragma: no cover - 100 collisions


def atomic_write_bytes(path, data: bytes, *, name: str = "output") -> None:
    """Write ``data`` to ``path`` atomically (temporary file beside it, then ``os.replace``).

    The file gets the mode ``open`` would give it: a new file ``0o666`` less the umask, a
    replaced file its old mode. A symbolic link is written through (its target is replaced, the
    link stays). Any failure (a full disk, an immutable file) removes the temporary file, leaves
    the old file as it was and raises ``OSError`` naming ``path``.
    """
    path = writable_path(path, name=name)
    target = Path(os.path.realpath(path))
    try:
        old_mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        old_mode = None
    made = [folder for folder in (target.parent, *target.parent.parents) if not os.path.lexists(folder)]
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _create_temporary(target.parent, target.name, 0o666 if old_mode is None else old_mode)
        with os.fdopen(fd, "wb") as fh:
            if old_mode is not None:
                os.fchmod(fh.fileno(), old_mode)       # the umask must not narrow a replaced file
            fh.write(data)
        os.replace(tmp, target)
        tmp = made = None
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
    finally:
        if tmp is not None and os.path.lexists(tmp):
            os.unlink(tmp)
        for folder in made or ():                      # the folders made for a failed write
            try:
                folder.rmdir()
            except OSError:
                if os.path.isdir(folder):              # not empty: someone else's now
                    break                              # (else never made: mkdir failed deeper down)


def atomic_write_text(path, text: str, *, name: str = "output") -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"), name=name)
