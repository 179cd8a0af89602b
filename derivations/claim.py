"""The records every paper result is made of: :class:`Step`, :class:`Agreement`,
:class:`PaperNote` and :class:`Claim`.

A claim is data plus two checks that take the statement as an argument, so a test can hand
them a deliberately wrong statement and watch them fail.

Examples
--------
>>> ok = Agreement(error=1e-4, tolerance=1e-3, reason="Euler step", method="simulation")
>>> ok.passed
True
>>> Agreement(error=float("nan"), tolerance=1.0, reason="x", method="exact sum").passed
False
>>> Agreement(error=0.0, tolerance=1.0, reason="x", method="guess")
Traceback (most recent call last):
...
ValueError: Agreement.method must be one of simulation, exact sum, quadrature, network run (or several joined by ' + '); got 'guess'
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np
import sympy as sp

__all__ = ["Step", "Agreement", "PaperNote", "Claim", "CheckResult", "run_checks", "METHODS", "valid_method"]

#: How a numeric check gets its numbers, as ``emergence check --json`` reports it (key ``method``):
#: gradient descent of the model on sampled data; an exact finite sum (or exact expectation);
#: quadrature or high-precision evaluation (mpmath); a trained neural network.
METHODS = ("simulation", "exact sum", "quadrature", "network run")


def valid_method(method) -> bool:
    """Whether ``method`` is one of :data:`METHODS` or several distinct ones joined by ``" + "``."""
    parts = method.split(" + ") if isinstance(method, str) else []
    return bool(parts) and len(set(parts)) == len(parts) and all(p in METHODS for p in parts)


@dataclass(frozen=True)
class Step:
    r"""One derivation step: ``lhs relation rhs`` (maths; the relation is ``=`` unless given, as
    LaTeX, e.g. ``"<"`` or ``r"\propto"``), ``because`` (words, may hold LaTeX $...$)."""

    lhs: sp.Basic | str
    rhs: sp.Basic | str
    because: str
    relation: str = "="
    typed: str = ""                 # non-empty: the step is typed, not computed by SymPy, and this says why


@dataclass(frozen=True)
class Agreement:
    """Outcome of a numeric cross-check: measured ``error`` against ``tolerance``.

    ``details`` holds extra measured numbers (name, value) reported in the LaTeX document;
    ``method`` (one of :data:`METHODS`, or several joined by ``" + "`` when the check uses more
    than one, e.g. ``"exact sum + simulation"``) says how the numbers were obtained.
    """

    error: float
    tolerance: float
    reason: str
    details: tuple[tuple[str, float], ...] = ()
    method: str = field(kw_only=True)

    def __post_init__(self):
        if not valid_method(self.method):
            raise ValueError(f"Agreement.method must be one of {', '.join(METHODS)} (or several joined by ' + '); "
                             f"got {self.method!r}")

    @property
    def methods(self) -> tuple[str, ...]:
        """The methods of the check, e.g. ``("exact sum", "simulation")``."""
        return tuple(self.method.split(" + "))

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


@dataclass(frozen=True, kw_only=True)
class Claim:
    """A paper result: statement, derivation steps and two checks.

    ``statement`` is usually an ``sp.Eq``; ``formula`` (default ``statement.rhs``) is its main
    formula. ``symbolic_check`` is one sentence saying what ``check_symbolic`` actually does.
    ``title``, ``equations`` and ``section`` come from the claim's row in
    :mod:`derivations.registry` when not given (and must match it when given).

    What ``emergence export`` writes (see ``docs/export.md``):

    * ``results`` -- the results, one exported function each: ``(name, sp.Eq(lhs, rhs))`` or
      ``(name, sp.Eq(lhs, rhs), note)``, the function called ``<id>_<name>`` (``<id>`` alone
      for the name ``""``); a relation in place of the equation exports a predicate. Empty:
      the main formula, or the bound of an inequality.
    * ``domain`` -- relations the parameters must satisfy beyond their symbols' assumptions
      (e.g. ``R_0 < epsilon S``); exported functions refuse values outside them.
    * ``meanings`` -- ``(symbol name, meaning)`` for symbols of the results that
      :data:`symbolic.symbols.MEANINGS` lacks.
    * ``defined_by`` -- ``(function, claim id)``: an unevaluated function of the results
      (``A(lambda)``) and the claim whose statement ``f(x) = ...`` defines it; exports
      substitute the definition.
    """

    id: str
    statement: sp.Basic
    steps: tuple[Step, ...]
    check_symbolic: Callable[[sp.Basic], bool]
    check_numeric: Callable[[sp.Basic, np.random.Generator], Agreement]
    symbolic_check: str
    title: str = ""
    equations: tuple[str, ...] = ()
    section: str = ""
    assumptions: str = ""
    summary: str = ""
    formula: sp.Basic | None = None
    notes: tuple[PaperNote, ...] = ()
    results: tuple[tuple, ...] = ()
    domain: tuple[sp.Basic, ...] = ()
    meanings: tuple[tuple[str, str], ...] = ()
    defined_by: tuple[tuple, ...] = ()

    def __post_init__(self):
        from derivations.registry import REGISTRY

        info = REGISTRY.get(self.id)
        if info is None:
            if not (self.title and self.equations and self.section):
                raise ValueError(f"claim {self.id!r} has no registry row: give title, equations and section")
            return
        for name in ("title", "equations", "section"):
            given = getattr(self, name)
            if not given:
                object.__setattr__(self, name, getattr(info, name))
            elif given != getattr(info, name):
                raise ValueError(f"claim {self.id!r}: {name} {given!r} differs from its registry row")

    def _repr_latex_(self) -> str:
        """The statement as LaTeX, so a claim shows as its formula in Jupyter."""
        from symbolic.printers import latex

        parts = self.statement if isinstance(self.statement, (list, tuple)) else [self.statement]
        return "$\\displaystyle " + r",\quad ".join(latex(part) for part in parts) + "$"

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
    symbolic_check: str = ""

    @property
    def passed(self) -> bool:
        return self.symbolic and self.agreement.passed

    def _repr_markdown_(self) -> str:
        """The outcome as a table, for Jupyter."""
        ag = self.agreement
        return ("| claim | symbolic | numeric method | error | tolerance | passed |\n|---|---|---|---|---|---|\n"
                f"| `{self.id}` | {'yes' if self.symbolic else 'no'} | {ag.method} | {ag.error:.3g} | "
                f"{ag.tolerance:.3g} | {'yes' if self.passed else '**no**'} |\n\n{self.symbolic_check}")

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "symbolic": self.symbolic,
            "numeric_error": self.agreement.error,
            "tolerance": self.agreement.tolerance,
            "passed": self.passed,
            "reason": self.agreement.reason,
            "method": self.agreement.method,
            "symbolic_check": self.symbolic_check,
            "details": dict(self.agreement.details),
            "seconds": round(self.seconds, 3),
        }


def run_checks(claim: Claim, seed: int = 0) -> CheckResult:
    """Run a claim's symbolic and numeric checks (numeric with ``default_rng(seed)``).

    Results are memoised per (claim, seed) within a process: a claim is a frozen record, so a
    modified claim (another statement or check) is a different key and is checked afresh.
    Claims with unhashable parts (a statement that is a mutable matrix) are always run.
    """
    try:
        hash(claim)
    except TypeError:
        return _checks(claim, seed)
    return _memoised_checks(claim, seed)


@lru_cache(maxsize=256)
def _memoised_checks(claim: Claim, seed: int) -> CheckResult:
    return _checks(claim, seed)


def _checks(claim: Claim, seed: int) -> CheckResult:
    import time

    start = time.perf_counter()
    symbolic = bool(claim.check_symbolic(claim.statement))
    agreement = claim.check_numeric(claim.statement, np.random.default_rng(seed))
    return CheckResult(claim.id, symbolic, agreement, time.perf_counter() - start, claim.symbolic_check)
