"""``emergence latex``: write the LaTeX document of every derivation (and its PDF).

The PDF is built whenever ``pdflatex`` is on PATH; without it the command still writes the
.tex and its figures, says in one line how to get pdflatex, and exits 0. ``--pdf`` makes a
missing pdflatex an error; ``--no-pdf`` skips the PDF. ``--seed`` (in ``[0, 2**32 - 1]``),
``-o`` and ``--pdf`` are checked before any work; the file is written atomically (a failed
write leaves the old file). On a terminal a progress bar on standard error counts the figure
sets drawn and the claims checked (it follows the document's ``emergence.latex`` log).
"""
from __future__ import annotations

import contextlib
import logging

from numeric_check.progress import on_terminal, progress_bar
from numeric_check.validation import ArgumentError, seed

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("latex", help="write the LaTeX document of all derivations")
    p.add_argument("-o", "--output", required=True,
                   help="the .tex file to write (atomically; a symbolic link is written through)")
    pdf = p.add_mutually_exclusive_group()
    pdf.add_argument("--pdf", action="store_true",
                     help="require the PDF (an error without pdflatex; by default it is built when pdflatex exists)")
    pdf.add_argument("--no-pdf", action="store_true", help="write the .tex and figures only")
    p.add_argument("--no-figures", action="store_true", help="leave the figures out")
    p.add_argument("--no-cache", action="store_true",
                   help="recompute every check and figure (by default results of this exact code are reused)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of the numeric checks, integer in [0, 2**32 - 1] (default 0)")
    p.set_defaults(func=run)


def run(args) -> int:
    from derivations.document.latex import build_document, compile_pdf, find_pdflatex
    from numeric_check.validation import atomic_write_text, writable_path

    chosen = seed("--seed", args.seed)
    out = writable_path(args.output, name="-o")
    have_pdflatex = find_pdflatex() is not None
    if args.pdf and not have_pdflatex:
        raise ArgumentError(f"--pdf needs pdflatex on PATH ({_GET_PDFLATEX}); it was not found")
    from derivations.cache import default_cache

    from derivations.document.figures import FIGURE_MODULES
    from derivations.registry import REGISTRY

    total = len(REGISTRY) + (0 if args.no_figures else len(FIGURE_MODULES))
    with progress_bar(total=total, desc="latex", unit="part", enabled=on_terminal(), leave=False) as bar, \
            _following(bar, verbose=getattr(args, "verbose", False)):
        text, results = build_document(out, figures=not args.no_figures, seed=chosen,
                                       cache=default_cache(not args.no_cache))
    atomic_write_text(out, text, name="-o")
    print(f"wrote {out}")
    if have_pdflatex and not args.no_pdf:
        pdf = compile_pdf(out)
        print(f"wrote {pdf}")
    elif not args.no_pdf:
        print(f"PDF not built: it needs pdflatex ({_GET_PDFLATEX}); then rerun, or run pdflatex on {out.name} "
              "twice")
    return 0 if all(r.passed for r in results) else 1


_GET_PDFLATEX = "Debian/Ubuntu: apt-get install texlive-latex-base texlive-latex-recommended; macOS: MacTeX"


class _Follow(logging.Handler):
    """Moves a bar one part on for every figure set or claim the document has finished: each
    "figures: <set>" or "checking <claim>" record of :mod:`derivations.document.latex` starts a
    part, so the one before is done."""

    def __init__(self, bar):
        super().__init__(logging.INFO)
        self.bar, self.started = bar, False

    def emit(self, record) -> None:
        if self.started:
            self.bar.update()
        self.started = True


@contextlib.contextmanager
def _following(bar, *, verbose: bool):
    """While the document is built, ``bar`` follows its log (its records still reach stderr
    with ``-v`` only)."""
    if not bar.active:
        yield
        return
    logger = logging.getLogger("emergence.latex")
    handler, level, propagate = _Follow(bar), logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = verbose
    try:
        yield
        bar.set(bar.total)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
