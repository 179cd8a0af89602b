"""``emergence constants``: scaling-law exponents and prefactors for n_s, D -> infinity.

Example::

    $ emergence constants --alpha 0.6 --S 1 --r 0.01 --eta 1 --json
"""
from __future__ import annotations

from numeric_check.validation import ArgumentError, strict_json

__all__ = ["add_parser", "run", "constants_table", "MAX_CLI_DPS"]

#: The command's precision limit: every constant within 30 s (the API goes to 1000 digits).
MAX_CLI_DPS = 100


def constants_table(*, alpha: str, S: str, r: str, eta: str, dps: int = 15) -> dict:
    """All constants as decimal strings with ``dps`` significant digits (JSON layout).

    The exponents are the stored forms of :data:`symbolic.constants.EXPONENTS` (derived once by
    :mod:`symbolic.scaling`), so a call evaluates mpmath only and imports no SymPy.
    """
    from symbolic import constants as c

    if not isinstance(dps, int) or not 5 <= dps <= MAX_CLI_DPS:
        raise ArgumentError(f"--dps must be an integer in [5, {MAX_CLI_DPS}], got {dps!r}")
    dps = c.validate_parameters(alpha=alpha, S=S, r=r, eta=eta, dps=dps)  # before any slow work
    out = {"alpha": alpha, "S": S, "r": r, "eta": eta, "dps": dps}
    out["exponents"] = {key: c.nstr(c.exponent(key, alpha=alpha, dps=dps), dps) for key in c.EXPONENTS}
    kw = dict(alpha=alpha, S=S, dps=dps)
    out["A_T"] = c.nstr(c.A_T(r=r, eta=eta, **kw), dps)
    out["A_D"] = c.nstr(c.A_D(r=r, **kw), dps)
    out["A_N"] = c.nstr(c.A_N(**kw), dps)
    out["A_N_eq327"] = c.nstr(c.A_N_eq327(S=S, dps=dps), dps)
    comp = c.compute_constant(r=r, eta=eta, **kw)
    out["A_C"] = c.nstr(comp.A_C, dps)
    out["lambda_star"] = c.nstr(comp.lambda_star, dps)
    return out


def run(args) -> int:
    try:
        table = constants_table(alpha=args.alpha, S=args.S, r=args.r, eta=args.eta, dps=args.dps)
    except (ArithmeticError, ValueError) as exc:
        if isinstance(exc, ArgumentError):
            raise
        raise ArgumentError(f"the constants could not be computed at these parameters "
                            f"({str(exc).splitlines()[0][:120]})") from None
    if args.json:
        print(strict_json(table, indent=2))
    else:
        print(f"alpha={args.alpha} S={args.S} r={args.r} eta={args.eta} ({table['dps']} digits; n_s, D -> inf)")
        for key, value in table["exponents"].items():
            print(f"exponent {key:<10} {value}")
        for key in ("A_T", "A_D", "A_N", "A_N_eq327", "A_C", "lambda_star"):
            print(f"{key:<19} {table[key]}")
    return 0


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("constants", help="scaling-law exponents and prefactors to any precision")
    p.add_argument("--alpha", required=True, help="data exponent, 0.001 <= alpha <= 100")
    p.add_argument("--S", required=True, help="target scale, 1e-6 <= S <= 1e6")
    p.add_argument("--r", required=True, help="initial skill strength, 1e-100 <= r/S <= 0.9")
    p.add_argument("--eta", required=True, help="learning rate eta > 0")
    p.add_argument("--dps", type=int, default=15,
                   help=f"significant digits, 5..{MAX_CLI_DPS} (default 15; 100 digits take about 10 s)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)
