"""Atomic file output: write to a temporary file beside the target, then rename.

A reader never sees a half-written file, and a failed write leaves the old file (if any).

Examples
--------
>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
>>> atomic_write_text(target, "hello")
>>> target.read_text()
'hello'
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from numeric_check.validation import ArgumentError

__all__ = ["atomic_write_text", "atomic_write_bytes", "writable_path"]


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
