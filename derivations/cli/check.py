"""``emergence check``: run the symbolic and numeric verification of claims.

The arguments (ids, ``--seed`` in ``[0, 2**32 - 1]``) are checked before any claim is built.
``--json`` is strict JSON: a numeric error that is not finite (a check that did not reach a
number) is ``null``. On a terminal (and without ``--json``) a progress bar on standard error
counts the claims checked, with their rate and the time left.
"""
from __future__ import annotations

from numeric_check.progress import on_terminal, progress_bar
from numeric_check.validation import seed, strict_json

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("check", help="run the symbolic and numeric verification of claims")
    p.add_argument("ids", nargs="*", help="claim ids (default: all)")
    p.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of the numeric checks, integer in [0, 2**32 - 1] (default 0)")
    p.add_argument("--no-cache", action="store_true",
                   help="recompute every check (by default results of this exact code and seed are reused "
                        "from the cache, see docs/architecture.md)")
    p.set_defaults(func=run)


def run(args) -> int:
    from derivations.cache import cached_checks, default_cache
    from derivations.registry import claims, infos

    chosen = seed("--seed", args.seed)
    cache = default_cache(not args.no_cache)
    total = len(infos(args.ids or None))     # validates the ids before any claim is built
    selected = claims(args.ids or None)
    results = []
    with progress_bar(total=total, desc="check", unit="claim", enabled=not args.json and on_terminal(),
                      leave=False) as bar:
        for claim in selected:
            result = cached_checks(claim, chosen, cache)
            results.append(result)
            if not args.json:
                mark = "ok  " if result.passed else "FAIL"
                bar.write(f"{mark} {claim.id:<16} symbolic={'yes' if result.symbolic else 'NO '} "
                          f"numeric error {result.agreement.error:.3g} <= {result.agreement.tolerance:.3g} "
                          f"[{result.agreement.method}]  ({result.seconds:.1f} s)")
            bar.update()
    if args.json:
        print(strict_json([r.as_json() for r in results], indent=2))
    else:
        failed = sum(not r.passed for r in results)
        print(f"{len(results) - failed} passed, {failed} failed")
    return 0 if all(r.passed for r in results) else 1
