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

__all__ = ["Figure", "FigureSet", "FIGURE_MODULES", "FIGURE_STYLE", "TEXT_WIDTH_IN", "MIN_FONT_PT", "styled", "figure_sets", "get_figure_set", "save"]

#: The figure-set modules, in the order of the document.
FIGURE_MODULES = (
    "derivations.document.scaling_figures",
    "derivations.document.extended_figures",
    "derivations.document.network_figures",
)


#: The document's text width in inches (16.6 cm: 11 pt article, 2.2 cm margins). A figure is
#: drawn at most this wide and included at its natural size, so what is drawn at 8 pt prints
#: at 8 pt.
TEXT_WIDTH_IN = 16.6 / 2.54
#: The smallest font (points) of any text in a figure, as printed.
MIN_FONT_PT = 7.5


@dataclass(frozen=True)
class Figure:
    """One figure: its PDF (for LaTeX) and PNG (for reading), a caption (LaTeX), its width in
    inches, the smallest font it uses (points, at that width) and a LaTeX table printed after it
    (``table``, empty for most figures)."""

    pdf: Path
    png: Path
    caption: str
    width_in: float = TEXT_WIDTH_IN
    min_font_pt: float = MIN_FONT_PT
    table: str = ""


@dataclass(frozen=True)
class FigureSet:
    """A named group of figures belonging to one section of the LaTeX document."""

    name: str
    section: str
    make: Callable[[Path], list[Figure]]


#: Matplotlib settings every figure is drawn with: sizes in points as printed (figures are
#: drawn at the width they are shown).
FIGURE_STYLE = {
    "font.size": 8.5, "axes.titlesize": 8.5, "axes.labelsize": 8.5, "legend.fontsize": 7.5,
    "xtick.labelsize": 7.5, "ytick.labelsize": 7.5, "legend.handlelength": 1.6, "legend.borderaxespad": 0.3,
    "legend.labelspacing": 0.3, "lines.linewidth": 1.2, "figure.dpi": 100,
}


def styled(make: Callable[..., list[Figure]]) -> Callable[..., list[Figure]]:
    """``make`` drawing with :data:`FIGURE_STYLE` (every figure set is wrapped in it)."""
    def styled_make(folder: Path, *args, **kwargs) -> list[Figure]:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        with plt.rc_context(FIGURE_STYLE):
            return make(folder, *args, **kwargs)

    return styled_make



def figure_sets() -> dict[str, FigureSet]:
    """All figure sets, by name (each drawn with :data:`FIGURE_STYLE`)."""
    found = {}
    for name in FIGURE_MODULES:
        fig_set = importlib.import_module(name).figure_set()
        found[fig_set.name] = FigureSet(fig_set.name, fig_set.section, styled(fig_set.make))
    return found


def get_figure_set(name: str) -> FigureSet:
    sets = figure_sets()
    if name not in sets:
        raise ArgumentError(f"figure set must be one of {', '.join(sets) or '(none)'}; got {name!r}")
    return sets[name]


def _fit_to_text(fig) -> float:
    """Shrink ``fig`` to the text width (fonts keep their point sizes), raise every font to at
    least :data:`MIN_FONT_PT`, lay it out again; return the smallest font."""
    import warnings

    from matplotlib.text import Text

    width, height = fig.get_size_inches()
    if width > TEXT_WIDTH_IN:
        fig.set_size_inches(TEXT_WIDTH_IN, height * max(TEXT_WIDTH_IN / width, 0.8))
    for ax in fig.axes:
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            if any(label.get_fontsize() < MIN_FONT_PT for label in axis.get_ticklabels(which="both")):
                ax.tick_params(axis=name, which="both", labelsize=MIN_FONT_PT)
    shown = lambda: [text for text in fig.findobj(Text) if text.get_visible() and text.get_text().strip()]  # noqa: E731
    for text in shown():
        if text.get_fontsize() < MIN_FONT_PT:
            text.set_fontsize(MIN_FONT_PT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # "tight_layout not applied" on crowded panels
        fig.tight_layout()
    return min((text.get_fontsize() for text in shown()), default=MIN_FONT_PT)


def save(fig, folder: Path, stem: str, caption: str) -> Figure:
    """Save a matplotlib figure as ``stem.pdf`` and ``stem.png`` in ``folder`` (atomically),
    drawn at most :data:`TEXT_WIDTH_IN` wide with no font below :data:`MIN_FONT_PT`."""
    import io
    import re

    import matplotlib.pyplot as plt

    from numeric_check.validation import atomic_write_bytes

    folder = Path(folder)
    min_font = _fit_to_text(fig)
    paths, width = {}, TEXT_WIDTH_IN
    for ext, dpi in (("pdf", None), ("png", 130)):
        buffer = io.BytesIO()
        fig.savefig(buffer, format=ext, dpi=dpi, bbox_inches="tight", pad_inches=0.02)
        paths[ext] = folder / f"{stem}.{ext}"
        atomic_write_bytes(paths[ext], buffer.getvalue(), name="figure")
        if ext == "pdf":
            box = re.search(rb"/MediaBox \[ *[-0-9.]+ +[-0-9.]+ +([-0-9.]+) +[-0-9.]+ *\]", buffer.getvalue())
            width = float(box.group(1)) / 72 if box else TEXT_WIDTH_IN
    plt.close(fig)
    return Figure(pdf=paths["pdf"], png=paths["png"], caption=caption, width_in=width, min_font_pt=min_font)
