"""The ``emergence`` command: one module per subcommand, listed in :data:`SUBCOMMANDS`.

Each module has ``add_parser(subparsers)`` (which sets ``func``) and ``run(args)``; its heavy
imports happen inside ``run``, so ``emergence --help`` and ``emergence list`` import no SymPy.
Bad input gives one line ``emergence: error: ...`` and exit status 2.
"""
from __future__ import annotations

import argparse
import logging
import sys

import derivations
from derivations.cli import calibrate, check, constants, curve, export, figures, latex, listing, nn, notes, variant
from numeric_check.validation import ArgumentError

__all__ = ["main", "build_parser", "SUBCOMMANDS"]

#: The subcommands, in the order ``emergence --help`` lists them.
SUBCOMMANDS = (listing, check, latex, notes, export, figures, constants, curve, nn, calibrate, variant)

log = logging.getLogger("emergence")


def _one_line(message: str) -> str:
    """``message`` with every line break (``\\n``, ``\\r``, ``\\x1e``, ``\\u2028``, ...) escaped, so
    that a user's text echoed in an error cannot split it over lines."""
    return "".join(ch if len(("a" + ch + "a").splitlines()) == 1 else ascii(ch)[1:-1] for ch in str(message))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit 2), where a token that reads as a number is a value.

    Plain argparse takes only ``-1`` and ``-.5`` for negative numbers, so ``--eta -inf`` or
    ``--x-min -1e3`` failed with "expected one argument"; here every token that ``float``
    accepts (``-inf``, ``-nan``, ``-1e3``) is a value, so its option can check its range.
    """

    def error(self, message):  # noqa: D401 - argparse API
        self.exit(2, f"emergence: error: {_one_line(message)}\n")

    def _parse_optional(self, arg_string):
        if arg_string.startswith("-") and arg_string not in self._option_string_actions and _is_number(arg_string):
            return None
        return super()._parse_optional(arg_string)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="emergence", description=(
        "Derive and verify the results of Nam et al. (NeurIPS 2024), 'An exactly solvable model "
        "for emergence and scaling laws in the multitask sparse parity problem'."))
    parser.add_argument("--version", action="version", version=f"emergence-laws {derivations.__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module in SUBCOMMANDS:
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:         # the reader of stdout went away (``emergence list | head``)
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except ArgumentError as exc:
        print(f"emergence: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("emergence: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print("emergence: error: out of memory; use smaller sizes (see the command's --help for its bounds)",
              file=sys.stderr)
        return 2
    except OSError as exc:
        where = "".join(f"{name}: " for name in (exc.filename, getattr(exc, "filename2", None)) if name)
        reason = exc.strerror or str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"emergence: error: {_one_line(where + reason)}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
