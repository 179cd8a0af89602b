"""``emergence figures``: write a figure set (or all of them) as PNG and PDF; on a terminal a
progress bar on standard error counts the sets drawn."""
from __future__ import annotations

from pathlib import Path

from numeric_check.progress import on_terminal, progress_bar

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("figures", help="write a figure set as PNG and PDF")
    p.add_argument("name", help="figure set name, or 'all'")
    p.add_argument("-o", "--output", required=True, help="folder to write into")
    p.add_argument("--results", metavar="DIR",
                   help="networks set only: the folder of saved 'emergence nn' results (holding <experiment>-quick "
                        "or -paper); default ./results/nn, then the repository's results/nn and docs/results/nn")
    p.set_defaults(func=run)


def run(args) -> int:
    from derivations.document.figures import figure_sets, get_figure_set, styled
    from numeric_check.validation import ArgumentError, writable_folder

    names = list(figure_sets()) if args.name == "all" else [get_figure_set(args.name).name]
    results = getattr(args, "results", None)
    if results is not None and "networks" not in names:
        raise ArgumentError(f"--results is used by the networks figure set only, not by {args.name!r}")
    folder = Path(writable_folder(args.output, name="-o"))
    with progress_bar(total=len(names), desc="figures", unit="set", enabled=on_terminal(), leave=False) as bar:
        for name in names:
            if name == "networks":   # asked for by name, it fails in one line when there are no results
                from derivations.document import network_figures

                figures = styled(network_figures.make)(folder, results=results, required=args.name == "networks")
            else:
                figures = get_figure_set(name).make(folder)
            for figure in figures:
                bar.write(f"wrote {figure.png} and {figure.pdf}")
            bar.update()
    return 0
