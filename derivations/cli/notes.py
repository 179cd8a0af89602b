"""``emergence notes``: the notes on the paper (its errata and approximations that the claims
establish) as Markdown, the file ``docs/paper-notes.md``."""
from __future__ import annotations

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("notes", help="the notes on the paper as Markdown (docs/paper-notes.md)")
    p.add_argument("-o", "--output", help="the .md file to write (default: print)")
    p.set_defaults(func=run)


def run(args) -> int:
    from derivations.document.notes import notes_markdown
    from derivations.registry import claims
    from numeric_check.validation import atomic_write_text, writable_path

    out = writable_path(args.output, name="-o") if args.output is not None else None
    text = notes_markdown(claims())
    if out is None:
        print(text, end="")
    else:
        atomic_write_text(out, text, name="-o")
        print(f"wrote {out}")
    return 0
