"""The records every paper result is made of: :class:`Step`, :class:`Agreement`,
:class:`PaperNote` and :class:`Claim`.

A claim is data plus two checks that take the statement as an argument, so a test can hand
them a deliberately wrong statement and watch them fail.

Examples
--------
>>> ok = Agreement(error=1e-4, tolerance=1e-3, reason="Euler step")
>>> ok.passed
True
>>> Agreement(error=float("nan"), tolerance=1.0, reason="x").passed
False
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np
import sympy as sp

__all__ = ["Step", "Agreement", "PaperNote", "Claim", "CheckResult", "run_checks"]


@dataclass(frozen=True)
class Step:
    """One derivation step: ``lhs = rhs`` (maths), ``because`` (words, may hold LaTeX $...$)."""

    lhs: sp.Basic | str
    rhs: sp.Basic | str
    because: str


@dataclass(frozen=True)
class Agreement:
    """Outcome of a numeric cross-check: measured ``error`` against ``tolerance``.

    ``details`` holds extra measured numbers (name, value) reported in the LaTeX document.
    """

    error: float
    tolerance: float
    reason: str
    details: tuple[tuple[str, float], ...] = ()

    @property
    def passed(self) -> bool:
        return bool(math.isfinite(self.error) and self.error <= self.tolerance)


@dataclass(frozen=True)
class PaperNote:
    """A place where the paper approximates or mistypes: both forms and their difference."""

    title: str
    text: str                       # LaTeX paragraph
    paper: sp.Basic | None = None   # the paper's form
    exact: sp.Basic | None = None   # the derived form
    relative_difference: float | None = None


@dataclass(frozen=True)
class Claim:
    """A paper result: statement, derivation steps and two checks.

    ``statement`` is usually an ``sp.Eq``; ``formula`` (default ``statement.rhs``) is what
    ``emergence export`` prints. ``section`` groups claims in the LaTeX document.
    """

    id: str
    title: str
    equations: tuple[str, ...]
    statement: sp.Basic
    steps: tuple[Step, ...]
    check_symbolic: Callable[[sp.Basic], bool]
    check_numeric: Callable[[sp.Basic, np.random.Generator], Agreement]
    section: str = "The multilinear model"
    assumptions: str = ""
    summary: str = ""
    formula: sp.Basic | None = None
    notes: tuple[PaperNote, ...] = ()
    glossary: tuple[tuple[str, str], ...] = field(default=())

    @property
    def main_formula(self) -> sp.Basic:
        if self.formula is not None:
            return self.formula
        return self.statement.rhs if isinstance(self.statement, sp.Equality) else self.statement


@dataclass(frozen=True)
class CheckResult:
    """Both checks of one claim, as ``emergence check`` reports them."""

    id: str
    symbolic: bool
    agreement: Agreement
    seconds: float

    @property
    def passed(self) -> bool:
        return self.symbolic and self.agreement.passed

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "symbolic": self.symbolic,
            "numeric_error": self.agreement.error,
            "tolerance": self.agreement.tolerance,
            "passed": self.passed,
            "reason": self.agreement.reason,
            "details": dict(self.agreement.details),
            "seconds": round(self.seconds, 3),
        }


def run_checks(claim: Claim, seed: int = 0) -> CheckResult:
    """Run a claim's symbolic and numeric checks (numeric with ``default_rng(seed)``).

    Results are memoised per (claim, seed) within a process: a claim is a frozen record, so a
    modified claim (another statement or check) is a different key and is checked afresh.
    """
    return _run_checks(claim, seed)


@lru_cache(maxsize=256)
def _run_checks(claim: Claim, seed: int) -> CheckResult:
    import time

    start = time.perf_counter()
    symbolic = bool(claim.check_symbolic(claim.statement))
    agreement = claim.check_numeric(claim.statement, np.random.default_rng(seed))
    return CheckResult(claim.id, symbolic, agreement, time.perf_counter() - start)
