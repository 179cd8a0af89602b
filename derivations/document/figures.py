"""Figure sets: the modules listed in :data:`FIGURE_MODULES`, each with a ``figure_set()``
function; ``emergence figures NAME -o DIR`` and the LaTeX document use them.

A figure set's ``make(folder)`` writes PNG and PDF files into ``folder`` and returns a
:class:`Figure` for each, with a caption for the LaTeX document.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from numeric_check.validation import ArgumentError

__all__ = ["Figure", "FigureSet", "FIGURE_MODULES", "figure_sets", "get_figure_set", "save"]

#: The figure-set modules, in the order of the document.
FIGURE_MODULES = (
    "derivations.document.scaling_figures",
    "derivations.document.extended_figures",
    "derivations.document.network_figures",
)


@dataclass(frozen=True)
class Figure:
    """One figure: its PDF (for LaTeX) and PNG (for reading) and a caption (LaTeX)."""

    pdf: Path
    png: Path
    caption: str


@dataclass(frozen=True)
class FigureSet:
    """A named group of figures belonging to one section of the LaTeX document."""

    name: str
    section: str
    make: Callable[[Path], list[Figure]]


def figure_sets() -> dict[str, FigureSet]:
    """All figure sets, by name."""
    found = {}
    for name in FIGURE_MODULES:
        fig_set = importlib.import_module(name).figure_set()
        found[fig_set.name] = fig_set
    return found


def get_figure_set(name: str) -> FigureSet:
    sets = figure_sets()
    if name not in sets:
        raise ArgumentError(f"figure set must be one of {', '.join(sets) or '(none)'}; got {name!r}")
    return sets[name]


def save(fig, folder: Path, stem: str, caption: str) -> Figure:
    """Save a matplotlib figure as ``stem.pdf`` and ``stem.png`` in ``folder`` (atomically)."""
    import io

    import matplotlib.pyplot as plt

    from numeric_check.validation import atomic_write_bytes

    folder = Path(folder)
    paths = {}
    for ext, dpi in (("pdf", None), ("png", 130)):
        buffer = io.BytesIO()
        fig.savefig(buffer, format=ext, dpi=dpi, bbox_inches="tight")
        paths[ext] = folder / f"{stem}.{ext}"
        atomic_write_bytes(paths[ext], buffer.getvalue(), name="figure")
    plt.close(fig)
    return Figure(pdf=paths["pdf"], png=paths["png"], caption=caption)
