"""Argument validation, the error type and atomic file output, shared by every package
(NumPy and the standard library only; :mod:`symbolic` imports nothing else from
:mod:`numeric_check`).

Every check raises :class:`ArgumentError` with one line that names the argument and the
allowed range; the ``emergence`` command turns it into ``emergence: error: ...`` and exit 2.
Files are written to a temporary file beside the target and renamed, so a reader never sees a
half-written file and a failed write leaves the old file (if any).

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
"""
from __future__ import annotations

import math
import numbers
import os
import tempfile
from pathlib import Path

import numpy as np

__all__ = [
    "ArgumentError",
    "finite",
    "positive",
    "open_interval",
    "unit_interval",
    "integer",
    "positive_array",
    "writable_path",
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


# Atomic file output: write to a temporary file beside the target, then rename, so a reader
# never sees a half-written file and a failed write leaves the old file (if any).
def writable_path(path, *, name: str = "output") -> Path:
    """Return ``path`` as a Path if its folder exists (or can be made) and is writable."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise ArgumentError(f"{name} {str(path)!r} is a directory; give a file path")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArgumentError(f"{name} {str(path)!r} cannot be written: {exc.strerror}") from None
    if not os.access(folder, os.W_OK):
        raise ArgumentError(f"{name} {str(path)!r} cannot be written: folder is not writable")
    return path


def atomic_write_bytes(path, data: bytes, *, name: str = "output") -> None:
    """Write ``data`` to ``path`` atomically (temporary file + ``os.replace``)."""
    path = writable_path(path, name=name)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path, text: str, *, name: str = "output") -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"), name=name)
