"""``emergence list``: claim ids with titles and the paper's equation numbers.

It reads the registry's metadata only, so it imports no claim and no SymPy.
"""
from __future__ import annotations

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("list", help="claim ids with titles and equation numbers")
    p.set_defaults(func=run)


def run(args) -> int:
    from derivations.registry import infos

    for info in infos():
        print(f"{info.id:<16} {info.title}  [Eqs. {', '.join(info.equations)}]")
    return 0
