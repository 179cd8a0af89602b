"""The ``emergence`` command.

Core subcommands live here (``list``, ``check``, ``latex``, ``export``, ``figures``); every
module ``derivations/cmd_<name>.py`` with ``add_parser(subparsers)`` adds one more. Bad input
gives one line ``emergence: error: ...`` and exit status 2.
"""
from __future__ import annotations

import argparse
import importlib
import json
import logging
import pkgutil
import sys
from pathlib import Path

import derivations
from numeric_check.validation import ArgumentError

__all__ = ["main", "build_parser"]

log = logging.getLogger("emergence")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit 2)."""

    def error(self, message):  # noqa: D401 - argparse API
        self.exit(2, f"emergence: error: {message}\n")


def _cmd_list(args) -> int:
    from derivations.registry import claims

    for claim in claims():
        eqs = ", ".join(claim.equations)
        print(f"{claim.id:<16} {claim.title}  [Eqs. {eqs}]")
    return 0


def _cmd_check(args) -> int:
    from derivations.claim import run_checks
    from derivations.registry import claims

    selected = list(claims(args.ids or None))
    results = []
    for claim in selected:
        result = run_checks(claim, seed=args.seed)
        results.append(result)
        if not args.json:
            mark = "ok  " if result.passed else "FAIL"
            print(f"{mark} {claim.id:<16} symbolic={'yes' if result.symbolic else 'NO '} "
                  f"numeric error {result.agreement.error:.3g} <= {result.agreement.tolerance:.3g}  "
                  f"({result.seconds:.1f} s)", flush=True)
    if args.json:
        print(json.dumps([r.as_json() for r in results], indent=2))
    else:
        failed = sum(not r.passed for r in results)
        print(f"{len(results) - failed} passed, {failed} failed")
    return 0 if all(r.passed for r in results) else 1


def _cmd_latex(args) -> int:
    from derivations.latex import build_document, compile_pdf
    from numeric_check.files import atomic_write_text, writable_path

    out = writable_path(args.output, name="-o")
    if args.pdf:
        from derivations.latex import find_pdflatex

        if find_pdflatex() is None:
            raise ArgumentError("--pdf needs pdflatex on PATH (Debian: apt-get install texlive-latex-base "
                                "texlive-latex-recommended); it was not found")
    text, results = build_document(out, figures=not args.no_figures, seed=args.seed)
    atomic_write_text(out, text, name="-o")
    print(f"wrote {out}")
    if args.pdf:
        pdf = compile_pdf(out)
        print(f"wrote {pdf}")
    return 0 if all(r.passed for r in results) else 1


def _cmd_export(args) -> int:
    from derivations.registry import get
    from symbolic.printers import export

    claim = get(args.id)
    name = args.id.replace("-", "_")
    print(export(claim.main_formula, args.to, name=name, description=f"{claim.title} (Eqs. {', '.join(claim.equations)})"), end="")
    return 0


def _cmd_figures(args) -> int:
    from derivations.figures import figure_sets, get_figure_set
    from numeric_check.files import writable_path

    names = list(figure_sets()) if args.name == "all" else [get_figure_set(args.name).name]
    folder = Path(args.output)
    writable_path(folder / "probe", name="-o")
    for name in names:
        for figure in get_figure_set(name).make(folder):
            print(f"wrote {figure.png} and {figure.pdf}")
    return 0


def _extensions():
    for info in sorted(pkgutil.iter_modules(derivations.__path__), key=lambda i: i.name):
        if info.name.startswith("cmd_"):
            yield importlib.import_module(f"derivations.{info.name}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="emergence", description=(
        "Derive and verify the results of Nam et al. (NeurIPS 2024), 'An exactly solvable model "
        "for emergence and scaling laws in the multitask sparse parity problem'."))
    parser.add_argument("--version", action="version", version=f"emergence-laws {derivations.__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("list", help="claim ids with titles and equation numbers")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("check", help="run the symbolic and numeric verification of claims")
    p.add_argument("ids", nargs="*", help="claim ids (default: all)")
    p.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    p.add_argument("--seed", type=int, default=0, help="seed of the numeric checks (default 0)")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("latex", help="write the LaTeX document of all derivations")
    p.add_argument("-o", "--output", required=True, help="the .tex file to write")
    p.add_argument("--pdf", action="store_true", help="also compile it with pdflatex")
    p.add_argument("--no-figures", action="store_true", help="leave the figures out")
    p.add_argument("--seed", type=int, default=0, help="seed of the numeric checks (default 0)")
    p.set_defaults(func=_cmd_latex)

    p = sub.add_parser("export", help="a claim's main formula as code")
    p.add_argument("id", help="claim id (see 'emergence list')")
    p.add_argument("--to", required=True, choices=["python", "numpy", "c", "latex", "json"])
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("figures", help="write a figure set as PNG and PDF")
    p.add_argument("name", help="figure set name, or 'all'")
    p.add_argument("-o", "--output", required=True, help="folder to write into")
    p.set_defaults(func=_cmd_figures)

    for module in _extensions():
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except ArgumentError as exc:
        print(f"emergence: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("emergence: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
