"""Argument validation shared by every public function (NumPy and standard library only).

Every check raises :class:`ArgumentError` with one line that names the argument and the
allowed range; the ``emergence`` command turns it into ``emergence: error: ...`` and exit 2.

Examples
--------
>>> positive("eta", 0.5)
0.5
>>> positive("eta", 0)
Traceback (most recent call last):
...
numeric_check.validation.ArgumentError: eta must be a finite number > 0, got 0
"""
from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "ArgumentError",
    "finite",
    "positive",
    "open_interval",
    "integer",
    "positive_array",
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
