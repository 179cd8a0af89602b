"""``emergence calibrate --kind time|data|parameter --csv FILE``: fit the extended model's constant
to a user's own measurements and predict the other skills.

The CSV has three columns — resource (step, D or width), skill index (1-based), R/S — with an
optional header line; ``#`` starts a comment. A malformed row is rejected with its line number:
R/S outside the model's range [0, 1] (give or take
:data:`numeric_check.closed_forms.calibration.RATIO_NOISE` of measurement noise), a resource
outside its kind's range, a skill index above ``--n-s``. Sizes: the file at most 16 MiB and
200,000 rows (the fit's bound), ``--predict-n-s`` at most 1,000 skills (each a printed line and a
predicted curve), ``--boot`` at most 10,000, ``--alpha`` in [0.001, 100], ``--S`` in [1e-6, 1e6].
A fit at an end of its search range is flagged with a ``warning:`` line.
"""
from __future__ import annotations

import csv
import math

import numpy as np

from numeric_check.closed_forms.emergence import DATA_LAWS
from numeric_check.closed_forms.calibration import (KINDS, MAX_BOOT, MAX_RESOURCE, MAX_ROWS, MAX_SKILLS, RATIO_NOISE,
                                                    crossing, default_r0, fit_constant, predict)
from numeric_check.validation import ArgumentError

__all__ = ["add_parser", "run", "read_rows", "MAX_CSV_BYTES", "MAX_PREDICTED_SKILLS"]

#: The largest CSV read: 16 MiB (200,000 rows of ~30 characters fit 6 MiB).
MAX_CSV_BYTES = 16 << 20
#: The most skills predicted: one printed line and one predicted curve (up to 400,000 points) each.
MAX_PREDICTED_SKILLS = 1000
_RESOURCE = {"time": "step", "data": "D", "parameter": "width"}


def read_rows(path, *, kind: str | None = None, n_s: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Columns (resource, skill, R/S) of a CSV file; ArgumentError naming the file and the bad line.

    With ``kind`` the resource must lie in that kind's range, with ``n_s`` the skill index in
    ``[1, n_s]``; R/S must lie in [0, 1] give or take the measurement noise.
    """
    shown = repr(str(path))
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_CSV_BYTES + 1)
    except OSError as exc:
        raise ArgumentError(f"--csv {shown} cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_CSV_BYTES:
        raise ArgumentError(f"--csv {shown} is larger than {MAX_CSV_BYTES >> 20} MiB (at most {MAX_ROWS} rows "
                            "are fitted)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArgumentError(f"--csv {shown} cannot be read: not UTF-8 text (byte {exc.start + 1})") from None
    rows = []
    seen_header = False
    low = 0 if kind == "time" else 1
    top = MAX_RESOURCE.get(kind, math.inf)
    reader = csv.reader(text.splitlines())
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ArgumentError(f"--csv {shown} line {reader.line_num}: {exc}") from None
        number = reader.line_num
        where = f"--csv {shown} line {number}"
        if not fields or not "".join(fields).strip() or fields[0].lstrip().startswith("#"):
            continue
        if len(fields) != 3:
            raise ArgumentError(f"{where}: expected 3 columns (resource, skill, R/S), got {len(fields)}")
        try:
            values = [float(v) for v in fields]
        except ValueError:
            if not rows and not seen_header:
                seen_header = True
                continue  # the header line
            raise ArgumentError(f"{where}: not numbers: {','.join(fields)[:80]}") from None
        if not all(math.isfinite(v) for v in values):
            raise ArgumentError(f"{where}: values must be finite numbers")
        if values[0] < 0:
            raise ArgumentError(f"{where}: resource must be >= 0, got {fields[0].strip()}")
        if kind is not None and not low <= values[0] <= top:
            raise ArgumentError(f"{where}: the {_RESOURCE[kind]} must lie in [{low}, {top:g}] for --kind {kind}, "
                                f"got {fields[0].strip()}")
        if values[1] != round(values[1]) or values[1] < 1:
            raise ArgumentError(f"{where}: skill index must be an integer >= 1, got {fields[1].strip()}")
        if n_s is not None and values[1] > n_s:
            raise ArgumentError(f"{where}: skill index {fields[1].strip()} is above --n-s {n_s}")
        if not -RATIO_NOISE <= values[2] <= 1 + RATIO_NOISE:
            raise ArgumentError(f"{where}: R/S must lie in [0, 1], the model's range ({RATIO_NOISE:g} either side "
                                f"for measurement noise), got {fields[2].strip()}")
        rows.append(values)
        if len(rows) > MAX_ROWS:
            raise ArgumentError(f"--csv {shown} has more than {MAX_ROWS} data rows (the most one fit takes)")
    if len(rows) < 2:
        raise ArgumentError(f"--csv {shown} needs at least 2 data rows, found {len(rows)}")
    data = np.array(rows)
    return data[:, 0], data[:, 1].astype(int), data[:, 2]


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("calibrate", help="fit B^2, D_c or N_c to your own R/S measurements (CSV)")
    p.add_argument("--kind", required=True, choices=KINDS, help="which resource the CSV varies")
    p.add_argument("--csv", required=True, help="rows: resource, skill index (1-based), R/S")
    p.add_argument("--n-s", type=int, default=1,
                   help=f"number of skills of the measured network, at most {MAX_SKILLS} (default 1)")
    p.add_argument("--predict-n-s", type=int, default=5,
                   help=f"number of skills to predict, at most {MAX_PREDICTED_SKILLS} (default 5)")
    p.add_argument("--alpha", type=float, default=0.6, help="data exponent alpha in [0.001, 100] (default 0.6)")
    p.add_argument("--S", type=float, default=5.0, help="target scale S in [1e-6, 1e6] (default 5)")
    p.add_argument("--lr", type=float, default=0.05,
                   help="time: learning rate of the network, trained on the MSE without 1/2 (eta = 2 lr); default 0.05")
    p.add_argument("--init-std", type=float, default=0.01, help="time: init std; R_k(0) = init_std^2/3.6 (default 0.01)")
    p.add_argument("--r0", type=float, help="time: R_k(0) itself (overrides --init-std)")
    p.add_argument("--law", choices=DATA_LAWS, help="data: eq17 or linear (default: both)")
    p.add_argument("--boot", type=int, default=200,
                   help=f"bootstrap resamples for the uncertainty, at most {MAX_BOOT} (default 200)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    p.epilog = (f"R/S must lie in [0, 1] ({RATIO_NOISE:g} either side for measurement noise); the CSV at most "
                f"{MAX_CSV_BYTES >> 20} MiB and {MAX_ROWS} rows; steps up to {MAX_RESOURCE['time']:g}, D and widths "
                f"up to {MAX_RESOURCE['data']:g}. A constant at an end of its search range is flagged 'warning:'.")
    p.set_defaults(func=run)


_BOUNDS = {"n_s": (1, MAX_SKILLS), "predict_n_s": (1, MAX_PREDICTED_SKILLS), "boot": (2, MAX_BOOT)}
_RANGES = {"alpha": (1e-3, 100.0), "S": (1e-6, 1e6)}


def run(args) -> int:
    for name, (low, high) in _BOUNDS.items():
        if not low <= getattr(args, name) <= high:
            raise ArgumentError(f"--{name.replace('_', '-')} must be an integer in [{low}, {high}], "
                                f"got {getattr(args, name)}")
    for name in ("alpha", "S", "lr", "init_std"):
        value = getattr(args, name)
        if not (math.isfinite(value) and value > 0):
            raise ArgumentError(f"--{name.replace('_', '-')} must be a finite number > 0, got {value}")
        low, high = _RANGES.get(name, (0, math.inf))
        if not low <= value <= high:
            raise ArgumentError(f"--{name.replace('_', '-')} must lie in [{low:g}, {high:g}], got {value:g}")
    x, skill, ratio = read_rows(args.csv, kind=args.kind, n_s=args.n_s)
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
        if fit.edge:
            print(f"warning: {fit.name}{label} = {fit.value:.4g} is at the {fit.edge} end of the search range "
                  f"[{fit.search[0]:.4g}, {fit.search[1]:.4g}]: the data do not determine it")
        n = args.predict_n_s
        if args.kind == "time":
            grid = np.linspace(0, 50 * max(x.max(), 1.0), 100001)
            print(f"predicted step where R_k/S = 0.5 for n_s={n} (eta={eta:g}, R_k(0)={R0:.3g}):")
            for k in range(1, n + 1):
                t = crossing(grid, predict("time", grid, k=k, value=fit.value, n_s=n, alpha=args.alpha, S=args.S,
                                           R0=R0, eta=eta), 0.5)
                print(f"  k={k}: " + (f"not reached by step {grid[-1]:.4g} (50 times the measured range)"
                                      if math.isnan(t) else f"{t:.1f}"))
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
