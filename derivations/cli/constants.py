"""``emergence constants``: scaling-law exponents and prefactors for n_s, D -> infinity.

Example::

    $ emergence constants --alpha 0.6 --S 1 --r 0.01 --eta 1 --json
"""
from __future__ import annotations

import json

__all__ = ["add_parser", "run", "constants_table"]


def constants_table(*, alpha: str, S: str, r: str, eta: str, dps: int = 15) -> dict:
    """All constants as decimal strings with ``dps`` significant digits (JSON layout)."""
    import mpmath
    import sympy as sp

    from symbolic import constants as c
    from symbolic.scaling import compute_allocation, parameter_exponent, time_exponent, data_exponent
    from symbolic.symbols import alpha as a_sym

    dps = c._dps(dps)
    with mpmath.workdps(dps + 10):      # validate everything before the (slower) derivations
        a = c._alpha(alpha)
        S_ = c._S(S)
        c._r(r, S_)
        c._eta(eta)
    exps = {"T": time_exponent().exponent, "D": data_exponent().exponent,
            "N": parameter_exponent().exponent, "C": compute_allocation().loss_exponent}
    out = {"alpha": alpha, "S": S, "r": r, "eta": eta, "dps": dps}
    with mpmath.workdps(dps + 10):
        out["exponents"] = {key: c.nstr(sp.lambdify(a_sym, e, modules="mpmath")(a), dps) for key, e in exps.items()}
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
    table = constants_table(alpha=args.alpha, S=args.S, r=args.r, eta=args.eta, dps=args.dps)
    if args.json:
        print(json.dumps(table, indent=2))
    else:
        print(f"alpha={args.alpha} S={args.S} r={args.r} eta={args.eta} ({table['dps']} digits; n_s, D -> inf)")
        for key, value in table["exponents"].items():
            print(f"exponent {key:<10} {value}")
        for key in ("A_T", "A_D", "A_N", "A_N_eq327", "A_C", "lambda_star"):
            print(f"{key:<19} {table[key]}")
    return 0


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("constants", help="scaling-law exponents and prefactors to any precision")
    p.add_argument("--alpha", required=True, help="data exponent alpha > 0")
    p.add_argument("--S", required=True, help="target scale S > 0")
    p.add_argument("--r", required=True, help="initial skill strength, 0 < r < S")
    p.add_argument("--eta", required=True, help="learning rate eta > 0")
    p.add_argument("--dps", type=int, default=15, help="significant digits, 5..1000 (default 15)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)
