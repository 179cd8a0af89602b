"""Skill-frequency laws for the variant models: the paper's power law (Eq. 1), a power law with
an exponential cutoff, or a table the user gives (CSV of ``k, P`` or ``k, count``).

The table is read with the :mod:`csv` module (numbers parsed by ``float``; nothing is
evaluated). Every bad input raises one :class:`~numeric_check.validation.ArgumentError` line.

Examples
--------
>>> law = power_law(alpha=1)
>>> round(float(law.probability(1)), 6)        # 1/zeta(2)
0.607927
>>> cut = cutoff_law(alpha=0.6, kc=10)
>>> round(float(sum(cut.probability(k) for k in range(1, 400))), 9)
1.0
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import mpmath

from numeric_check.validation import ArgumentError, positive

__all__ = ["FrequencyLaw", "power_law", "cutoff_law", "table_law", "frequency_law", "LAWS", "MAX_ROWS", "MAX_BYTES"]

LAWS = ("powerlaw", "cutoff")
#: Rows a frequency table may have (each is one skill).
MAX_ROWS = 10**6
#: Bytes a frequency table may have (checked before it is read: 64 bytes a row).
MAX_BYTES = 64 * MAX_ROWS


@dataclass(frozen=True)
class FrequencyLaw:
    """A skill distribution ``P_s(k)``, ``k = 1, 2, ...``: ``kind``, its parameters and, for a
    table, the normalised probabilities (``table[k-1] = P_s(k)``, 0 beyond the table)."""

    kind: str
    alpha: float | None = None
    kc: float | None = None
    table: tuple[float, ...] = ()
    source: str = ""

    def probability(self, k: int):
        """``P_s(k)`` (mpmath number)."""
        if k < 1:
            raise ArgumentError(f"k must be >= 1, got {k}")
        if self.kind == "powerlaw":
            return mpmath.mpf(k) ** (-(self.alpha + 1)) / mpmath.zeta(self.alpha + 1)
        if self.kind == "cutoff":
            z = mpmath.exp(-1 / mpmath.mpf(self.kc))
            norm = _cutoff_norm(self.alpha, self.kc, mpmath.mp.prec)
            return mpmath.mpf(k) ** (-(self.alpha + 1)) * z**k / norm
        return mpmath.mpf(self.table[k - 1]) if k <= len(self.table) else mpmath.mpf(0)

    @property
    def has_exponents(self) -> bool:
        """Whether the App. E exponents apply (a pure power law; a cutoff or a finite table has
        no power-law tail, so the loss reaches its floor without a power law)."""
        return self.kind == "powerlaw"

    def latex(self) -> str:
        """:meth:`describe` as LaTeX maths (for the variant's document)."""
        if self.kind == "powerlaw":
            return rf"$P_s(k) = k^{{-(\alpha+1)}}/\zeta(\alpha+1)$, $\alpha = {self.alpha:g}$"
        if self.kind == "cutoff":
            return (rf"$P_s(k) \propto k^{{-(\alpha+1)}} e^{{-k/k_c}}$, $\alpha = {self.alpha:g}$, "
                    rf"$k_c = {self.kc:g}$")
        name = self.source.replace("\\", "/")
        safe = "".join(c if c.isalnum() or c in "./-_ " else "?" for c in name)
        return rf"table \texttt{{{safe}}} ({len(self.table)} skills)"

    def describe(self) -> str:
        if self.kind == "powerlaw":
            return f"P_s(k) = k^-(alpha+1)/zeta(alpha+1), alpha={self.alpha:g}"
        if self.kind == "cutoff":
            return f"P_s(k) ∝ k^-(alpha+1) exp(-k/k_c), alpha={self.alpha:g}, k_c={self.kc:g}"
        return f"table {self.source} ({len(self.table)} skills)"


@lru_cache(maxsize=32)
def _cutoff_norm(alpha: float, kc: float, prec: int):
    """``sum_k k^-(alpha+1) e^(-k/k_c) = Li_{alpha+1}(e^(-1/k_c))`` at ``prec`` bits (cached per law)."""
    with mpmath.workprec(prec):
        return mpmath.polylog(alpha + 1, mpmath.exp(-1 / mpmath.mpf(kc)))


def power_law(*, alpha) -> FrequencyLaw:
    """The paper's law ``P_s(k) = k^-(alpha+1) / zeta(alpha+1)`` (Eq. 1 with ``n_s -> infinity``)."""
    return FrequencyLaw("powerlaw", alpha=positive("--alpha", alpha))


def cutoff_law(*, alpha, kc) -> FrequencyLaw:
    """``P_s(k) = k^-(alpha+1) e^(-k/k_c) / Li_{alpha+1}(e^(-1/k_c))`` (normalised by the polylogarithm)."""
    return FrequencyLaw("cutoff", alpha=positive("--alpha", alpha), kc=positive("--kc", kc))


def table_law(path) -> FrequencyLaw:
    """A CSV table of ``k, P`` or ``k, count`` (a header line is allowed; ``k`` must be the
    integers ``1..n`` in order; values >= 0, finite, summing to a positive number), normalised."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ArgumentError(f"--frequencies: {str(path)!r} has {size} bytes; a table may have at most {MAX_BYTES} "
                                f"bytes ({MAX_ROWS} rows)")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ArgumentError(f"--frequencies: cannot read {str(path)!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ArgumentError(f"--frequencies: {str(path)!r} is not UTF-8 text") from None
    lines = text.count("\n") + 1
    if lines > MAX_ROWS + 1:
        raise ArgumentError(f"--frequencies: at most {MAX_ROWS} rows (and a header line), got {lines} lines")
    rows = [row for row in csv.reader(text.splitlines()) if row and any(c.strip() for c in row)]
    if len(rows) == 1 and not _is_number(rows[0][0]):
        raise ArgumentError(f"--frequencies: {str(path)!r} has no rows of numbers: its only row, "
                            f"{','.join(rows[0])[:60]!r}, is not numbers (want lines 'k,P' or 'k,count', an optional "
                            f"header line)")
    if rows and not _is_number(rows[0][0]):
        rows = rows[1:]                              # a header line
    if not rows:
        raise ArgumentError(f"--frequencies: {str(path)!r} has no rows (want lines 'k,P' or 'k,count')")
    if len(rows) > MAX_ROWS:
        raise ArgumentError(f"--frequencies: at most {MAX_ROWS} rows, got {len(rows)}")
    values = []
    for line, row in enumerate(rows, start=1):
        if len(row) != 2:
            raise ArgumentError(f"--frequencies: row {line} must have two columns 'k,P', got {len(row)}")
        k_text, v_text = row[0].strip(), row[1].strip()
        if not _is_number(k_text) or float(k_text) != line:
            raise ArgumentError(f"--frequencies: row {line}: k must be {line} (skills 1..n in order), got {k_text!r}")
        if not _is_number(v_text):
            raise ArgumentError(f"--frequencies: row {line}: value must be a number, got {v_text!r}")
        v = float(v_text)
        if not math.isfinite(v) or v < 0:
            raise ArgumentError(f"--frequencies: row {line}: value must be finite and >= 0, got {v_text!r}")
        values.append(v)
    top = max(values)
    if not top > 0:
        raise ArgumentError(f"--frequencies: the values of {str(path)!r} must sum to a positive number, got 0")
    scaled = [v / top for v in values]              # by the largest first: the sum cannot overflow
    total = math.fsum(scaled)
    return FrequencyLaw("table", table=tuple(v / total for v in scaled), source=str(path))


def frequency_law(name: str | None, *, alpha, kc=None) -> FrequencyLaw:
    """``--frequencies NAME``: ``powerlaw`` (default), ``cutoff`` (needs ``kc``) or a CSV path."""
    if name in (None, "powerlaw"):
        return power_law(alpha=alpha)
    if name == "cutoff":
        if kc is None:
            raise ArgumentError("--kc is needed with --frequencies cutoff (a finite number > 0)")
        return cutoff_law(alpha=alpha, kc=kc)
    if not str(name).lower().endswith(".csv"):
        raise ArgumentError(f"--frequencies must be powerlaw, cutoff or a FILE.csv, got {name!r}")
    return table_law(name)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
