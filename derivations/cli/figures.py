"""``emergence figures``: write a figure set (or all of them) as PNG and PDF."""
from __future__ import annotations

from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("figures", help="write a figure set as PNG and PDF")
    p.add_argument("name", help="figure set name, or 'all'")
    p.add_argument("-o", "--output", required=True, help="folder to write into")
    p.set_defaults(func=run)


def run(args) -> int:
    from derivations.document.figures import figure_sets, get_figure_set
    from numeric_check.validation import writable_folder

    names = list(figure_sets()) if args.name == "all" else [get_figure_set(args.name).name]
    folder = Path(writable_folder(args.output, name="-o"))
    for name in names:
        for figure in get_figure_set(name).make(folder):
            print(f"wrote {figure.png} and {figure.pdf}")
    return 0
