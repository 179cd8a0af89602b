"""A cache of check results and figures on disk, so that ``emergence check`` followed by
``emergence latex`` (the README's main job), or a second ``emergence latex``, does not redo
work whose inputs have not changed.

An entry is valid only for the exact code that made it: its key holds a fingerprint of every
source file of ``symbolic``, ``numeric_check`` and ``derivations`` and of the versions of
NumPy, SymPy, mpmath and matplotlib, besides the claim id and the seed. Editing any source
file therefore invalidates every entry. Entries are strict JSON with floats written exactly
(``float.hex``); a file that does not parse or has the wrong shape is ignored and recomputed,
never evaluated.

The cache lives in ``$EMERGENCE_CACHE_DIR``, else ``$XDG_CACHE_HOME/emergence-laws``, else
``~/.cache/emergence-laws``; ``EMERGENCE_NO_CACHE=1`` (or ``--no-cache``) turns it off.

Examples
--------
>>> import tempfile
>>> from derivations.claim import Agreement, CheckResult
>>> cache = CheckCache(tempfile.mkdtemp())
>>> result = CheckResult("x", True, Agreement(0.1, 1.0, "why", (("n", 3),), method="exact sum"), 2.0, "what")
>>> cache.put(result, seed=0)
>>> cache.get("x", seed=0) == result
True
>>> cache.get("x", seed=1) is None
True
"""
from __future__ import annotations

import hashlib
import json
import math
import os
from functools import lru_cache
from pathlib import Path

from derivations.claim import Agreement, CheckResult, valid_method
from numeric_check.validation import atomic_write_text

__all__ = ["CheckCache", "default_cache", "fingerprint", "cached_checks", "cached_figures"]

_PACKAGES = ("symbolic", "numeric_check", "derivations")


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """SHA-256 of the toolkit's source files and its numerical libraries' versions."""
    import matplotlib
    import mpmath
    import numpy
    import sympy

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for lib in (numpy, sympy, mpmath, matplotlib):
        digest.update(f"{lib.__name__}={lib.__version__}\n".encode())
    for package in _PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _exact(x):
    if isinstance(x, bool) or isinstance(x, int):
        return x
    return {"float": float(x).hex()}


def _number(value):
    if isinstance(value, dict) and set(value) == {"float"} and isinstance(value["float"], str):
        return float.fromhex(value["float"])
    if isinstance(value, (int, bool)):
        return value
    raise ValueError("not a number")


class CheckCache:
    """Check results stored as one small JSON file per (claim id, seed, fingerprint)."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def _path(self, claim_id: str, seed: int) -> Path:
        key = hashlib.sha256(f"{fingerprint()}\0{claim_id}\0{seed}".encode()).hexdigest()[:32]
        return self.folder / "checks" / f"{key}.json"

    def get(self, claim_id: str, *, seed: int) -> CheckResult | None:
        """The stored result, or None when there is none for this code (or it is unreadable)."""
        path = self._path(claim_id, seed)
        try:
            record = json.loads(path.read_text())
            ag = record["agreement"]
            if record["id"] != claim_id or record["seed"] != seed or not valid_method(ag["method"]):
                return None
            agreement = Agreement(_number(ag["error"]), _number(ag["tolerance"]), str(ag["reason"]),
                                  tuple((str(name), _number(value)) for name, value in ag["details"]),
                                  method=ag["method"])
            return CheckResult(claim_id, bool(record["symbolic"]), agreement, _number(record["seconds"]),
                               str(record["symbolic_check"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, result: CheckResult, *, seed: int) -> None:
        ag = result.agreement
        record = {"id": result.id, "seed": seed, "symbolic": bool(result.symbolic),
                  "symbolic_check": result.symbolic_check, "seconds": _exact(result.seconds),
                  "agreement": {"error": _exact(ag.error), "tolerance": _exact(ag.tolerance), "reason": ag.reason,
                                "details": [[name, _exact(value)] for name, value in ag.details],
                                "method": ag.method}}
        try:
            atomic_write_text(self._path(result.id, seed), json.dumps(record, allow_nan=False), name="cache")
        except Exception:           # a cache that cannot be written is no cache, not an error
            pass


def default_cache(enabled: bool = True) -> CheckCache | None:
    """The user's cache (see the module docstring), or None when turned off."""
    if not enabled or os.environ.get("EMERGENCE_NO_CACHE", "") not in ("", "0"):
        return None
    folder = os.environ.get("EMERGENCE_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "emergence-laws")
    return CheckCache(folder)


def cached_checks(claim, seed: int, cache: CheckCache | None) -> CheckResult:
    """:func:`derivations.claim.run_checks`, reusing ``cache`` for the registry's own claims."""
    from derivations.claim import run_checks
    from derivations.registry import REGISTRY, get

    if cache is None or claim.id not in REGISTRY or claim is not get(claim.id):
        return run_checks(claim, seed=seed)
    found = cache.get(claim.id, seed=seed)
    if found is not None and math.isfinite(found.seconds):
        return found
    result = run_checks(claim, seed=seed)
    cache.put(result, seed=seed)
    return result


#: Figure sets drawn from data files (saved network runs) rather than from the code alone;
#: they are always redrawn.
_DATA_DEPENDENT_SETS = frozenset({"networks"})


def cached_figures(fig_set, folder: Path, cache: CheckCache | None) -> list:
    """``fig_set.make(folder)``, or the figures this exact code already drew into ``folder``
    (their files exist and the folder's stamp names this code's fingerprint)."""
    from derivations.document.figures import Figure

    folder = Path(folder)
    if cache is None or fig_set.name in _DATA_DEPENDENT_SETS:
        return fig_set.make(folder)
    stamp = folder / ".figures.json"
    try:
        record = json.loads(stamp.read_text())
        if record["fingerprint"] == fingerprint():
            figures = [Figure(pdf=folder / str(f["pdf"]), png=folder / str(f["png"]), caption=str(f["caption"]),
                              width_in=_number(f["width_in"]), min_font_pt=_number(f["min_font_pt"]))
                       for f in record["figures"]]
            if figures and all(f.pdf.is_file() and f.png.is_file() and f.pdf.parent == folder for f in figures):
                return figures
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    figures = fig_set.make(folder)
    record = {"fingerprint": fingerprint(),
              "figures": [{"pdf": f.pdf.name, "png": f.png.name, "caption": f.caption, "width_in": _exact(f.width_in),
                           "min_font_pt": _exact(f.min_font_pt)} for f in figures]}
    try:
        atomic_write_text(stamp, json.dumps(record, allow_nan=False), name="cache")
    except Exception:
        pass
    return figures
