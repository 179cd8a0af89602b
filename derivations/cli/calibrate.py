"""``emergence calibrate --kind time|data|parameter --csv FILE``: fit the extended model's constant
to a user's own measurements and predict the other skills.

The CSV has three columns — resource (step, D or width), skill index (1-based), R/S — with an
optional header line; ``#`` starts a comment. A malformed row is rejected with its line number.
"""
from __future__ import annotations

import csv
import math

import numpy as np

from numeric_check.closed_forms.emergence import DATA_LAWS
from numeric_check.closed_forms.calibration import KINDS, crossing, default_r0, fit_constant, predict
from numeric_check.validation import ArgumentError

__all__ = ["add_parser", "run", "read_rows"]


def read_rows(path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Columns (resource, skill, R/S) of a CSV file; ArgumentError naming the bad line."""
    try:
        with open(path, newline="") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ArgumentError(f"--csv {str(path)!r} cannot be read: {getattr(exc, 'strerror', None) or exc}") from None
    rows = []
    seen_header = False
    for number, fields in enumerate(csv.reader(text.splitlines()), start=1):
        if not fields or not "".join(fields).strip() or fields[0].lstrip().startswith("#"):
            continue
        if len(fields) != 3:
            raise ArgumentError(f"--csv line {number}: expected 3 columns (resource, skill, R/S), got {len(fields)}")
        try:
            values = [float(v) for v in fields]
        except ValueError:
            if not rows and not seen_header:
                seen_header = True
                continue  # the header line
            raise ArgumentError(f"--csv line {number}: not numbers: {','.join(fields)}") from None
        if not all(math.isfinite(v) for v in values):
            raise ArgumentError(f"--csv line {number}: values must be finite numbers")
        if values[0] < 0:
            raise ArgumentError(f"--csv line {number}: resource must be >= 0, got {fields[0].strip()}")
        if values[1] != round(values[1]) or values[1] < 1:
            raise ArgumentError(f"--csv line {number}: skill index must be an integer >= 1, got {fields[1].strip()}")
        rows.append(values)
    if len(rows) < 2:
        raise ArgumentError(f"--csv {str(path)!r} needs at least 2 data rows, found {len(rows)}")
    data = np.array(rows)
    return data[:, 0], data[:, 1].astype(int), data[:, 2]


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("calibrate", help="fit B^2, D_c or N_c to your own R/S measurements (CSV)")
    p.add_argument("--kind", required=True, choices=KINDS, help="which resource the CSV varies")
    p.add_argument("--csv", required=True, help="rows: resource, skill index (1-based), R/S")
    p.add_argument("--n-s", type=int, default=1, help="number of skills of the measured network (default 1)")
    p.add_argument("--predict-n-s", type=int, default=5, help="number of skills to predict (default 5)")
    p.add_argument("--alpha", type=float, default=0.6, help="data exponent alpha (default 0.6)")
    p.add_argument("--S", type=float, default=5.0, help="target scale S (default 5)")
    p.add_argument("--lr", type=float, default=0.05,
                   help="time: learning rate of the network, trained on the MSE without 1/2 (eta = 2 lr); default 0.05")
    p.add_argument("--init-std", type=float, default=0.01, help="time: init std; R_k(0) = init_std^2/3.6 (default 0.01)")
    p.add_argument("--r0", type=float, help="time: R_k(0) itself (overrides --init-std)")
    p.add_argument("--law", choices=DATA_LAWS, help="data: eq17 or linear (default: both)")
    p.add_argument("--boot", type=int, default=200, help="bootstrap resamples for the uncertainty (default 200)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    p.set_defaults(func=run)


def run(args) -> int:
    for name in ("n_s", "predict_n_s", "boot"):
        if getattr(args, name) < (2 if name == "boot" else 1):
            raise ArgumentError(f"--{name.replace('_', '-')} must be an integer >= {2 if name == 'boot' else 1}, "
                                f"got {getattr(args, name)}")
    for name in ("alpha", "S", "lr", "init_std"):
        value = getattr(args, name)
        if not (math.isfinite(value) and value > 0):
            raise ArgumentError(f"--{name.replace('_', '-')} must be a finite number > 0, got {value}")
    x, skill, ratio = read_rows(args.csv)
    rng = np.random.default_rng(args.seed)
    eta = 2.0 * args.lr
    R0 = args.r0 if args.r0 is not None else default_r0(args.init_std)
    if args.kind == "time" and not (0 < R0 < args.S):
        raise ArgumentError(f"--r0 must lie in (0, S={args.S:g}), got {R0}")
    laws = [args.law] if args.law else (list(DATA_LAWS) if args.kind == "data" else ["eq17"])
    for law in laws:
        fit = fit_constant(args.kind, x, skill, ratio, n_s=args.n_s, alpha=args.alpha, S=args.S, R0=R0, eta=eta,
                           law=law, rng=rng, n_boot=args.boot)
        label = f" ({law} law)" if args.kind == "data" else ""
        print(f"{fit.name}{label} = {fit.value:.5g} ± {fit.sd:.2g} (bootstrap sd over {args.boot} resamples); "
              f"rms residual of R/S {fit.rms:.4f} over {fit.n_points} rows")
        n = args.predict_n_s
        if args.kind == "time":
            grid = np.linspace(0, 50 * max(x.max(), 1.0), 100001)
            print(f"predicted step where R_k/S = 0.5 for n_s={n} (eta={eta:g}, R_k(0)={R0:.3g}):")
            for k in range(1, n + 1):
                t = crossing(grid, predict("time", grid, k=k, value=fit.value, n_s=n, alpha=args.alpha, S=args.S,
                                           R0=R0, eta=eta), 0.5)
                print(f"  k={k}: {t:.1f}")
        else:
            top = int(max(x.max(), 1))
            grid = np.unique(np.round(np.geomspace(1, 20 * top if args.kind == "data" else 4 * top, 60))).astype(int)
            grid = grid if args.kind == "data" else np.arange(1, 4 * top + 1)
            print(f"predicted {'D' if args.kind == 'data' else 'width'} where R_k/S first reaches 0.5 for n_s={n}:")
            for k in range(1, n + 1):
                curve = predict(args.kind, grid, k=k, value=fit.value, n_s=n, alpha=args.alpha, S=args.S, law=law)
                v = crossing(grid, curve, 0.5)
                print(f"  k={k}: {'beyond ' + str(grid[-1]) if math.isnan(v) else f'{v:.0f}'}")
    return 0
