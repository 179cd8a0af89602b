"""``emergence curve``: the extended model's emergence curves R_k/S as numbers.

Usage::

    emergence curve emergence-time --alpha 0.6 --n-s 5 --B2 0.04545 [--R0 0.05 --eta 0.05 --S 5]
    emergence curve emergence-data --alpha 0.6 --n-s 5 --Dc 800 [--law linear|eq17] [--no-average]
    emergence curve emergence-parameter --alpha 0.6 --n-s 5 --Nc 4
    ... [--k 1,2,3] [--x-min X --x-max X --points N] [--json] [-o FILE]

Time uses Eq. 14 (``--B2`` is the fitted factor the paper calls B^2; gradient flow puts B itself in the exponent). Data uses
the verified D_c-shot law ``d_k/D_c`` (``--law linear``, default) or the paper's Eq. 17
(``--law eq17``), averaged over ``d_k ~ Binomial(D, P_s(k))`` unless ``--no-average`` (then
``d_k = D P_s(k)``, as in the paper's code). Parameters use Eq. 21. The x-grid is logarithmic
for time and data, the integers ``x-min..x-max`` for width.

Sizes are bounded before any work (memory and time): ``n_s <= 10**6`` (a table of P_s(k) per
skill), at most 100 skills per call (``--k``), at most 10**6 numbers in the output (skills
times points), ``D_c <= 10**7``, ``D <= 2**53``, and for averaged data curves at most 10**8
binomial terms (skills x points x min(D_c, D_max + 1)).
"""
from __future__ import annotations

import numpy as np

from numeric_check.closed_forms.emergence import (
    DATA_LAWS,
    MAX_DC,
    data_emergence,
    initial_strength,
    time_emergence,
    unit_interval,
    width_emergence,
)
from numeric_check.validation import ArgumentError, atomic_write_text, integer, positive, strict_json, writable_path

__all__ = ["add_parser", "run", "curves", "KINDS", "DEFAULT_GRID", "MAX_SKILLS", "MAX_CURVES", "MAX_VALUES",
           "MAX_TERMS"]

KINDS = ("emergence-time", "emergence-data", "emergence-parameter")
DEFAULT_GRID = {"emergence-time": (100.0, 1e5, 61), "emergence-data": (100.0, 1e5, 61),
                "emergence-parameter": (1, 30, None)}

#: Bounds checked before any work: n_s (each curve builds the n_s frequencies P_s(k), 8 MB at
#: 10**6), skills per call, numbers in the output (skills x points), binomial terms of the
#: averaged data curves (skills x points x min(D_c, D_max + 1), about a second per 10**7).
MAX_SKILLS = 10**6
MAX_CURVES = 100
MAX_VALUES = 10**6
MAX_TERMS = 10**8
_MAX_D = 2**53           # data sizes stay exact integers in float64


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("curve", help="emergence curves R_k/S of the extended model (Eqs. 14, 17, 21)",
                              description=__doc__.split("Usage::")[0].strip())
    p.add_argument("kind", choices=KINDS, help="which resource is varied")
    p.add_argument("--alpha", type=float, default=0.6, help="data exponent alpha > 0 (default 0.6)")
    p.add_argument("--n-s", dest="n_s", default="5", help="number of skills, integer in [1, 10**6] (default 5)")
    p.add_argument("--k", default=None, help="comma-separated skills, at most 100 (default: 1..n_s)")
    p.add_argument("--S", type=float, default=5.0, help="target scale S > 0 (default 5, the paper's MLP)")
    p.add_argument("--B2", type=float, default=1 / 22, help="time: fitted factor in (0, 1] (default 1/22)")
    p.add_argument("--R0", type=float, default=0.05, help="time: initial strength R_k(0) in [1e-300 S, S) (default 0.05)")
    p.add_argument("--eta", type=float, default=0.05, help="time: learning rate > 0 (default 0.05, the paper's)")
    p.add_argument("--Dc", default="800", help="data: basis functions per skill, integer in [1, 10**7] (default 800)")
    p.add_argument("--law", choices=DATA_LAWS, default="linear",
                   help="data: 'linear' = verified d_k/D_c (default), 'eq17' = paper's Eq. 17")
    p.add_argument("--no-average", action="store_true", help="data: d_k = D P_s(k) instead of the binomial average")
    p.add_argument("--Nc", default="4", help="parameters: basis functions per skill, integer in [1, 10**6] (default 4)")
    p.add_argument("--x-min", type=float, default=None, help="smallest T, D or N (defaults: 100, 100, 1)")
    p.add_argument("--x-max", type=float, default=None, help="largest T, D or N (defaults: 1e5, 1e5, 30; D <= 2**53, N <= 10**6)")
    p.add_argument("--points", default=None, help="grid points for time and data, integer in [2, 10**5] (default 61, "
                   "log-spaced); skills x points <= 10**6")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("-o", "--output", default=None, help="write to this file instead of stdout (atomically; a symbolic link is "
                   "written through)")
    p.set_defaults(func=run)


def _skills(text, n_s: int) -> list[int]:
    if text is None:
        if n_s > MAX_CURVES:
            raise ArgumentError(f"--k: at most {MAX_CURVES} skills per call; n_s={n_s} needs --k "
                                f"(e.g. --k 1,10,100)")
        return list(range(1, n_s + 1))
    parts = [s for s in str(text).split(",") if s.strip()]
    if not parts:
        raise ArgumentError(f"--k must be a comma-separated list of skills in [1, {n_s}]; got {text!r}")
    if len(parts) > MAX_CURVES:
        raise ArgumentError(f"--k must name at most {MAX_CURVES} skills, got {len(parts)}")
    return [integer("--k", s.strip(), minimum=1, maximum=n_s, maximum_name="n_s") for s in parts]


def _values(n_skills: int, n_points: int) -> None:
    if n_skills * n_points > MAX_VALUES:
        raise ArgumentError(f"the output may hold at most {MAX_VALUES:.0e} numbers (skills x points); "
                            f"got {n_skills} x {n_points}")


def curves(kind: str, *, alpha: float, n_s: int, skills=None, S: float = 5.0, B2: float = 1 / 22,
           R0: float = 0.05, eta: float = 0.05, Dc: int = 800, law: str = "linear", average: bool = True,
           Nc: int = 4, x_min=None, x_max=None, points=None) -> dict:
    """The curves as a JSON-ready dict: ``x`` and, per skill, ``R_k/S`` (see module docstring).

    Every argument is checked, sizes against :data:`MAX_SKILLS`, :data:`MAX_CURVES`,
    :data:`MAX_VALUES` and :data:`MAX_TERMS`, before any curve is computed.

    Examples
    --------
    >>> out = curves("emergence-parameter", alpha=0.6, n_s=2, Nc=2, x_min=1, x_max=4)
    >>> out["x"], out["curves"]["2"]
    ([1, 2, 3, 4], [0.0, 0.0, 0.5, 1.0])
    """
    if kind not in KINDS:
        raise ArgumentError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    alpha = positive("--alpha", alpha)
    n_s = integer("--n-s", n_s, minimum=1, maximum=MAX_SKILLS, maximum_name="10**6")
    if skills is None:
        skills = _skills(None, n_s)
    else:
        if len(skills) > MAX_CURVES:
            raise ArgumentError(f"--k must name at most {MAX_CURVES} skills, got {len(skills)}")
        skills = [integer("--k", kk, minimum=1, maximum=n_s, maximum_name="n_s") for kk in skills]
    lo, hi, npts = DEFAULT_GRID[kind]
    x_min = lo if x_min is None else x_min
    x_max = hi if x_max is None else x_max
    params = {"alpha": alpha, "n_s": n_s}
    if kind == "emergence-parameter":
        x_min = integer("--x-min", x_min, minimum=1, maximum=10**6, maximum_name="10**6")
        x_max = integer("--x-max", x_max, minimum=x_min, maximum=10**6, maximum_name="10**6")
        Nc = integer("--Nc", Nc, minimum=1, maximum=10**6, maximum_name="10**6")
        _values(len(skills), x_max - x_min + 1)
        x = np.arange(x_min, x_max + 1)
        ys = {kk: width_emergence(x, k=kk, Nc=Nc) for kk in skills}
        params.update(Nc=Nc, law="Eq. 21")
        xs = [int(v) for v in x]
    else:
        x_min = positive("--x-min", x_min)
        x_max = positive("--x-max", x_max)
        if x_max <= x_min:
            raise ArgumentError(f"--x-max must be > --x-min; got {x_max:g} <= {x_min:g}")
        npts = integer("--points", npts if points is None else points, minimum=2, maximum=100000)
        _values(len(skills), npts)
        if kind == "emergence-time":
            S = positive("--S", S)
            B2 = unit_interval("--B2", B2)
            R0 = initial_strength("--R0", R0, S)
            eta = positive("--eta", eta)
            x = np.geomspace(x_min, x_max, npts)
            ys = {kk: time_emergence(x, k=kk, alpha=alpha, n_s=n_s, S=S, B2=B2, R0=R0, eta=eta) for kk in skills}
            params.update(S=S, B2=B2, R0=R0, eta=eta, law="Eq. 14")
            xs = [float(v) for v in x]
        else:
            if x_max > _MAX_D:
                raise ArgumentError(f"--x-max must be at most 2**53 for data (exact integers), got {x_max:g}")
            Dc = integer("--Dc", Dc, minimum=1, maximum=MAX_DC, maximum_name="10**7")
            if law not in DATA_LAWS:
                raise ArgumentError(f"--law must be one of {', '.join(DATA_LAWS)}; got {law!r}")
            terms = len(skills) * npts * min(Dc, int(x_max) + 1)
            if average and terms > MAX_TERMS:
                raise ArgumentError(f"the averaged data curves may sum at most {MAX_TERMS:.0e} binomial terms "
                                    f"(skills x points x min(D_c, x-max + 1)); got {terms:.3g}: use fewer "
                                    f"--points, --k or a smaller --Dc, or --no-average")
            x = np.geomspace(x_min, x_max, npts)
            if average:
                x = np.unique(np.round(x))
            ys = {kk: data_emergence(x, k=kk, alpha=alpha, n_s=n_s, Dc=Dc, law=law, average=average)
                  for kk in skills}
            params.update(Dc=Dc, law=law, average=average)
            xs = [float(v) for v in x]
    return {"kind": kind, "parameters": params, "x": xs,
            "curves": {str(kk): [_rounded(v) for v in ys[kk]] for kk in skills}}


def _rounded(value) -> float | None:
    """A curve value to 12 digits; ``None`` (JSON ``null``) if it is not a finite number."""
    value = float(value)
    return round(value, 12) if np.isfinite(value) else None


def _table(out: dict) -> str:
    keys = list(out["curves"])
    label = {"emergence-time": "T", "emergence-data": "D", "emergence-parameter": "N"}[out["kind"]]
    lines = [f"# {out['kind']}: R_k/S; " + ", ".join(f"{k}={v}" for k, v in out["parameters"].items()),
             f"{label:>12} " + " ".join(f"{'k=' + k:>9}" for k in keys)]
    for i, xv in enumerate(out["x"]):
        lines.append(f"{xv:>12.6g} " + " ".join("        -" if out['curves'][k][i] is None
                                                else f"{out['curves'][k][i]:>9.4f}" for k in keys))
    return "\n".join(lines) + "\n"


def run(args) -> int:
    n_s = integer("--n-s", args.n_s, minimum=1, maximum=MAX_SKILLS, maximum_name="10**6")
    path = None if args.output is None else writable_path(args.output, name="-o")   # before any work
    out = curves(args.kind, alpha=args.alpha, n_s=n_s, skills=_skills(args.k, n_s), S=args.S, B2=args.B2,
                 R0=args.R0, eta=args.eta, Dc=args.Dc, law=args.law, average=not args.no_average,
                 Nc=args.Nc, x_min=args.x_min, x_max=args.x_max, points=args.points)
    text = strict_json(out, indent=1) + "\n" if args.json else _table(out)
    if path is not None:
        atomic_write_text(path, text, name="-o")
        print(f"wrote {path}")
    else:
        print(text, end="")
    return 0
