"""``emergence latex``: write the LaTeX document of every derivation (and its PDF).

``--seed`` (in ``[0, 2**32 - 1]``), ``-o`` and ``--pdf`` are checked before any work; the file is
written atomically (a failed write leaves the old file).
"""
from __future__ import annotations

from numeric_check.validation import ArgumentError, seed

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("latex", help="write the LaTeX document of all derivations")
    p.add_argument("-o", "--output", required=True,
                   help="the .tex file to write (atomically; a symbolic link is written through)")
    p.add_argument("--pdf", action="store_true", help="also compile it with pdflatex")
    p.add_argument("--no-figures", action="store_true", help="leave the figures out")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of the numeric checks, integer in [0, 2**32 - 1] (default 0)")
    p.set_defaults(func=run)


def run(args) -> int:
    from derivations.document.latex import build_document, compile_pdf, find_pdflatex
    from numeric_check.validation import atomic_write_text, writable_path

    chosen = seed("--seed", args.seed)
    out = writable_path(args.output, name="-o")
    if args.pdf and find_pdflatex() is None:
        raise ArgumentError("--pdf needs pdflatex on PATH (Debian: apt-get install texlive-latex-base "
                            "texlive-latex-recommended); it was not found")
    text, results = build_document(out, figures=not args.no_figures, seed=chosen)
    atomic_write_text(out, text, name="-o")
    print(f"wrote {out}")
    if args.pdf:
        pdf = compile_pdf(out)
        print(f"wrote {pdf}")
    return 0 if all(r.passed for r in results) else 1
