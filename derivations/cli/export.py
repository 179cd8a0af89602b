"""``emergence export``: a claim's main formula as code, through SymPy's printers."""
from __future__ import annotations

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("export", help="a claim's main formula as code")
    p.add_argument("id", help="claim id (see 'emergence list')")
    p.add_argument("--to", required=True, choices=["python", "numpy", "c", "latex", "json"])
    p.set_defaults(func=run)


def run(args) -> int:
    from derivations.registry import get
    from symbolic.printers import export

    claim = get(args.id)
    name = args.id.replace("-", "_")
    description = f"{claim.title} (Eqs. {', '.join(claim.equations)})"
    print(export(claim.main_formula, args.to, name=name, description=description), end="")
    return 0
