"""One-constant calibration of the extended model on network measurements (Sec. 5, Fig. 11:
B^2 = 1/22, D_c = 800, N_c = 4 in the paper).

A constant is fitted by least squares on ``R/S`` against the extended model's curve:

* ``time``: the factor ``B2`` (the paper's ``B^2``) of Eq. 14, on ``R_k(T)/S``;
* ``data``: ``D_c`` of Eq. 17 (``law="eq17"``) or of the corrected linear law ``d_k/D_c``
  (``law="linear"``: Eq. 8 with Eq. 104, claim ``proposition-1``), on ``R_k(inf)/S`` against ``D``;
* ``parameter``: ``N_c`` of Eq. 21, on ``R_k(inf)/S`` against the width ``N``.

The fit minimises the sum of squared residuals over a dense grid of candidates (log-spaced for
``B2`` in ``[1e-5, 1]``, all integers for ``D_c`` and ``N_c`` up to 4 and 2 times the largest
measured resource), then for ``B2`` refines by a parabola through the best grid point and its
neighbours. The uncertainty is the standard deviation of the fitted constant over bootstrap
resamples of the measurement rows (``n_boot`` draws). A best candidate at either end of the
grid is not determined by the data: :attr:`Fit.edge` says which end (``"lower"``/``"upper"``).

The rows of one network are one curve, not independent measurements, so the interval that the
experiments report (:func:`analyse`, ``seed_bootstrap``) resamples whole seeds instead:
:func:`seed_bootstrap` refits on seeds drawn with replacement and gives a percentile interval.
With the few seeds of these runs (5 for the paper time runs) that interval is coarse (at most 126
different resamples of 5 seeds) and tends to be narrow by about ``sqrt((n-1)/n)``.

Domain (one :class:`ArgumentError` outside it): ``R/S`` in ``[0, 1]``, the model's range, give or
take :data:`RATIO_NOISE` for the Monte-Carlo error of a measurement (App. K.3 estimates ``R_k``
on a finite sample; the bundled runs span -0.025 to 1.055); not all equal (a constant column
determines no constant); at most :data:`MAX_ROWS` rows and :data:`MAX_BOOT` resamples; resource
values up to :data:`MAX_RESOURCE`; the model is tabulated at every candidate and distinct
(skill, resource) pair, at most :data:`MAX_MODEL_VALUES` values (200 MB), and for data at
``n_s > 1`` at most :data:`MAX_AVERAGES` binomial averages. Rows and resamples are
processed in blocks of about :data:`_BLOCK` values, so memory stays below ~0.3 GB.

Conventions (the paper leaves them open; these are the authors' public code's): the networks
here minimise the MSE **without** the 1/2, so a learning rate ``lr`` enters Eq. 14 as
``eta = 2 lr``; the initial strength ``R_k(0)`` of Eq. 14 is ``init_std^2 / 3.6`` unless given.

Examples
--------
>>> T = np.arange(0, 4000, 50.0)
>>> R = time_emergence(T, k=1, alpha=0.6, n_s=1, S=5.0, B2=0.05, R0=1e-4, eta=0.1)
>>> fit = fit_constant("time", T, np.ones_like(T, dtype=int), R, n_s=1, alpha=0.6, S=5.0, R0=1e-4, eta=0.1,
...                    rng=np.random.default_rng(0))
>>> round(fit.value, 4)
0.05
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from numeric_check.closed_forms.emergence import DATA_LAWS, data_emergence, time_emergence, width_emergence
from numeric_check.validation import ArgumentError, integer, positive

__all__ = ["Fit", "SeedInterval", "KINDS", "fit_constant", "seed_bootstrap", "prediction_errors", "predict", "crossing", "default_r0", "RATIO_NOISE", "MAX_ROWS",
           "MAX_BOOT", "MAX_RESOURCE", "MAX_MODEL_VALUES", "MAX_AVERAGES", "MAX_SKILLS", "finite_or_none",
           "fit_entries"]

KINDS = ("time", "data", "parameter")
_NAMES = {"time": "B2", "data": "D_c", "parameter": "N_c"}

#: How far a measured R/S may stray from [0, 1] (Monte-Carlo error of the K.3 estimate).
RATIO_NOISE = 0.1
#: The most measurement rows of one fit (a row's bootstrap weights are drawn for every resample).
MAX_ROWS = 200_000
#: The most bootstrap resamples.
MAX_BOOT = 10_000
#: The largest resource value per kind: steps (time), training-set size D, width N. D and N set
#: the candidates (``4 D`` and ``2 N`` of them at most) and the binomial averages of Eq. 17.
MAX_RESOURCE = {"time": 1e9, "data": 100_000, "parameter": 100_000}
#: The most model values tabulated (candidates times distinct (skill, resource) pairs): 200 MB.
MAX_MODEL_VALUES = 25_000_000
#: The most binomial averages of Eq. 17 over d_k (data, n_s > 1): one per candidate and (skill, D)
#: pair, each a NumPy pass over up to min(D, D_c) terms (~30 microseconds): about half a minute.
MAX_AVERAGES = 1_000_000
#: The most skills of a measured or predicted network.
MAX_SKILLS = 10_000
_BLOCK = 4_000_000   # values per block of the residual and bootstrap products (32 MB)


@dataclass(frozen=True)
class Fit:
    """A fitted constant: ``value``, bootstrap ``sd``, root-mean-square residual ``rms``.

    ``search`` is the candidate range; ``edge`` is ``"lower"`` or ``"upper"`` when the best
    candidate is at that end of it (the data do not determine the constant), else None.
    """

    kind: str
    name: str
    value: float
    sd: float
    rms: float
    n_points: int
    law: str | None = None
    search: tuple[float, float] | None = None
    edge: str | None = None


def finite_or_none(value) -> float | None:
    """``value`` as a float, or None when it is not finite ("not reached" in strict JSON).

    Examples
    --------
    >>> finite_or_none(2), finite_or_none(float("nan"))
    (2.0, None)
    """
    value = float(value)
    return value if np.isfinite(value) else None


def default_r0(init_std: float) -> float:
    """``R_k(0) = init_std^2 / 3.6`` (the authors' public code; the paper does not give ``R_k(0)``).

    Examples
    --------
    >>> round(default_r0(0.01), 8)
    2.778e-05
    """
    return positive("init_std", init_std) ** 2 / 3.6


def predict(kind: str, x, *, k: int, value: float, n_s: int, alpha: float, S: float = 5.0,
            R0: float | None = None, eta: float | None = None, law: str = "eq17",
            average: bool = True) -> np.ndarray:
    """The extended model's ``R_k/S`` at resource values ``x`` for the constant ``value``."""
    if kind == "time":
        if R0 is None or eta is None:
            raise ArgumentError("time predictions need R0 and eta")
        return time_emergence(np.asarray(x, dtype=np.float64), k=k, alpha=alpha, n_s=n_s, S=S,
                              B2=value, R0=R0, eta=eta)
    if kind == "data":
        return data_emergence(np.asarray(x), k=k, alpha=alpha, n_s=n_s, Dc=int(round(value)), law=law,
                              average=average)
    if kind == "parameter":
        return width_emergence(np.asarray(x), k=k, Nc=int(round(value)))
    raise ArgumentError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")


def _candidates(kind: str, x: np.ndarray) -> np.ndarray:
    if kind == "time":
        return np.geomspace(1e-5, 1.0, 1201)
    if kind == "data":
        top = int(max(4 * x.max(), 16))
        return np.unique(np.concatenate([np.arange(1, min(top, 8000) + 1),
                                         np.round(np.geomspace(8000, max(top, 8000), 400)).astype(int)])).astype(float)
    return np.arange(1, int(max(2 * x.max(), 4)) + 1, dtype=float)


def _check_rows(kind: str, x, skill, ratio, n_s: int):
    x = np.asarray(x, dtype=np.float64)
    skill = np.asarray(skill)
    ratio = np.asarray(ratio, dtype=np.float64)
    if not (x.shape == skill.shape == ratio.shape) or x.ndim != 1 or x.size < 2:
        raise ArgumentError("x, skill and ratio must be 1-d arrays of one length >= 2")
    if x.size > MAX_ROWS:
        raise ArgumentError(f"at most {MAX_ROWS} measurement rows, got {x.size}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(ratio))):
        raise ArgumentError("resource values and R/S must be finite numbers")
    low = 0 if kind == "time" else 1
    top = MAX_RESOURCE[kind]
    bad = np.flatnonzero((x < low) | (x > top))
    if bad.size:
        raise ArgumentError(f"resource values must lie in [{low}, {top:g}] for {kind}, got {x[bad[0]]:g} "
                            f"(row {bad[0] + 1})")
    bad = np.flatnonzero((ratio < -RATIO_NOISE) | (ratio > 1 + RATIO_NOISE))
    if bad.size:
        raise ArgumentError(f"R/S must lie in [0, 1] (the model's range; {RATIO_NOISE:g} either side for "
                            f"measurement noise), got {ratio[bad[0]]:g} (row {bad[0] + 1})")
    if np.all(ratio == ratio[0]):
        raise ArgumentError(f"every R/S is {ratio[0]:g}: equal values determine no {_NAMES[kind]}")
    if np.any(skill != np.round(skill)) or np.any(skill < 1) or np.any(skill > n_s):
        raise ArgumentError(f"skill indices must be integers in [1, {n_s}] (n_s={n_s})")
    return x, skill.astype(int), ratio


def fit_constant(kind: str, x, skill, ratio, *, n_s: int, alpha: float, S: float = 5.0,
                 R0: float | None = None, eta: float | None = None, law: str = "eq17",
                 average: bool = True, rng: np.random.Generator, n_boot: int = 200) -> Fit:
    """Least-squares fit of the kind's constant to rows ``(x, skill, ratio)`` (``ratio = R/S``).

    ``skill`` is 1-based. Rows may mix skills; each is compared with the model curve of its
    skill at ``n_s`` skills and data exponent ``alpha``. Outside the domain of the module
    docstring (R/S far from [0, 1], equal R/S, too many rows), one :class:`ArgumentError`.
    """
    if kind not in KINDS:
        raise ArgumentError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    if law not in DATA_LAWS:
        raise ArgumentError(f"law must be one of {', '.join(DATA_LAWS)}; got {law!r}")
    n_s = integer("n_s", n_s, minimum=1, maximum=MAX_SKILLS)
    n_boot = integer("n_boot", n_boot, minimum=2, maximum=MAX_BOOT)
    x, skill, ratio = _check_rows(kind, x, skill, ratio, n_s)
    if n_s == 1:
        average = False  # P_s(1) = 1: d_1 = D exactly, the binomial average is the identity
    if kind != "time":
        x = np.round(x)
    cands, model, inverse = _model_table(kind, x, skill, n_s=n_s, alpha=alpha, S=S, R0=R0, eta=eta, law=law,
                                         average=average)
    block = max(1, _BLOCK // x.size)

    def squares(start: int) -> np.ndarray:           # (block, rows) squared residuals
        return (model[start:start + block][:, inverse] - ratio) ** 2

    sse = np.concatenate([squares(start).sum(axis=1) for start in range(0, cands.size, block)])
    best = int(np.argmin(sse))
    value = _refine(kind, cands, sse, best)
    fitted = np.empty_like(ratio)
    for k in np.unique(skill):
        rows = np.flatnonzero(skill == k)
        fitted[rows] = predict(kind, x[rows], k=int(k), value=value, n_s=n_s, alpha=alpha, S=S, R0=R0,
                               eta=eta, law=law, average=average)
    rms = float(np.sqrt(np.mean((fitted - ratio) ** 2)))
    boot = _bootstrap(squares, cands.size, block, x.size, n_boot, rng)
    boot = cands[boot]
    sd = float(np.std(np.log(boot)) * value) if kind == "time" else float(np.std(boot))
    edge = "lower" if best == 0 else "upper" if best == cands.size - 1 else None
    return Fit(kind, _NAMES[kind], float(value), sd, rms, int(x.size), law if kind == "data" else None,
               (float(cands[0]), float(cands[-1])), edge)


def _model_table(kind: str, x: np.ndarray, skill: np.ndarray, *, n_s, alpha, S, R0, eta, law, average):
    """Candidates, the model at every candidate and distinct (skill, x) pair, and each row's pair."""
    cands = _candidates(kind, x)
    pairs, inverse = np.unique(np.column_stack([skill, x]), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    if cands.size * len(pairs) > MAX_MODEL_VALUES:
        raise ArgumentError(f"{len(pairs)} distinct (skill, resource) pairs times {cands.size} candidate values "
                            f"of {_NAMES[kind]} is more than {MAX_MODEL_VALUES} model values (200 MB); "
                            "use fewer distinct resource values")
    if kind == "data" and average and cands.size * len(pairs) > MAX_AVERAGES:
        raise ArgumentError(f"{len(pairs)} distinct (skill, D) pairs times {cands.size} candidate values of D_c "
                            f"is more than {MAX_AVERAGES} binomial averages (n_s > 1; about half a minute); "
                            "use fewer distinct D values")
    model = np.empty((cands.size, len(pairs)))         # the model at every candidate and pair
    for k in np.unique(pairs[:, 0]).astype(int):
        cols = np.flatnonzero(pairs[:, 0] == k)
        for i, c in enumerate(cands):
            model[i, cols] = predict(kind, pairs[cols, 1], k=k, value=c, n_s=n_s, alpha=alpha, S=S, R0=R0,
                                     eta=eta, law=law, average=average)
    return cands, model, inverse


@dataclass(frozen=True)
class SeedInterval:
    """A constant fitted on every seed's rows, with a bootstrap over the *seeds* (whole runs).

    ``value`` is the least-squares fit on all rows (as :func:`fit_constant`); ``low`` and ``high``
    bound the central ``level`` share of the refits on ``n_boot`` resamples of the ``n_seeds``
    seeds drawn with replacement (percentile interval), ``sd`` is their standard deviation and
    ``distinct`` the number of different resamples among them (with 5 seeds at most 126).
    ``values`` holds the refits (for propagating the uncertainty to predictions).
    """

    kind: str
    name: str
    value: float
    sd: float
    low: float
    high: float
    level: float
    n_seeds: int
    n_boot: int
    distinct: int
    law: str | None = None
    values: tuple = ()

    def as_json(self) -> dict:
        """Every field but ``values``, for strict JSON."""
        out = vars(self).copy()
        out.pop("values")
        return out


def seed_bootstrap(kind: str, seeds, *, n_s: int, alpha: float, S: float = 5.0, R0: float | None = None,
                   eta: float | None = None, law: str = "eq17", average: bool = True, rng: np.random.Generator,
                   n_boot: int = 1000, level: float = 0.95) -> SeedInterval:
    """Fit the kind's constant on the rows of every seed and bootstrap it over the seeds.

    ``seeds`` is a sequence of ``(x, skill, ratio)`` rows, one entry per seed (one network
    trained per seed and resource value; the rows of a seed are its checkpoints or its final
    measurements). The measurements of one seed are correlated (one network's curve), so the
    resampling unit is the seed, not the row: a resample draws ``len(seeds)`` seeds with
    replacement and refits on their rows, weighting a seed drawn twice twice. The residual sums
    are tabulated once per seed and candidate, so each refit is one weighted sum (seeded by
    ``rng``: the same ``rng`` state gives the same interval). At least 2 seeds; the rows obey the
    domain of :func:`fit_constant`.
    """
    if kind not in KINDS:
        raise ArgumentError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    if law not in DATA_LAWS:
        raise ArgumentError(f"law must be one of {', '.join(DATA_LAWS)}; got {law!r}")
    n_s = integer("n_s", n_s, minimum=1, maximum=MAX_SKILLS)
    n_boot = integer("n_boot", n_boot, minimum=2, maximum=MAX_BOOT)
    level = float(level)
    if not 0 < level < 1:
        raise ArgumentError(f"level must lie in (0, 1), got {level!r}")
    seeds = list(seeds)
    if len(seeds) < 2:
        raise ArgumentError(f"a bootstrap over seeds needs at least 2 seeds, got {len(seeds)}")
    try:
        cols = [tuple(np.asarray(part, dtype=np.float64).ravel() for part in rows) for rows in seeds]
    except (TypeError, ValueError):
        raise ArgumentError("each seed must be (x, skill, ratio): three 1-d arrays of numbers") from None
    if any(len(c) != 3 for c in cols):
        raise ArgumentError("each seed must be (x, skill, ratio): three 1-d arrays of numbers")
    owner = np.concatenate([np.full(c[0].size, i) for i, c in enumerate(cols)])
    x, skill, ratio = _check_rows(kind, *(np.concatenate([c[j] for c in cols]) for j in range(3)), n_s)
    if n_s == 1:
        average = False
    if kind != "time":
        x = np.round(x)
    cands, model, inverse = _model_table(kind, x, skill, n_s=n_s, alpha=alpha, S=S, R0=R0, eta=eta, law=law,
                                         average=average)
    per_seed = np.zeros((len(cols), cands.size))      # residual sum of squares per seed and candidate
    block = max(1, _BLOCK // x.size)
    for start in range(0, cands.size, block):
        sq = (model[start:start + block][:, inverse] - ratio) ** 2
        for i in range(len(cols)):
            per_seed[i, start:start + block] = sq[:, owner == i].sum(axis=1)
    total = per_seed.sum(axis=0)
    value = _refine(kind, cands, total, int(np.argmin(total)))
    counts = rng.multinomial(len(cols), np.full(len(cols), 1.0 / len(cols)), size=n_boot).astype(np.float64)
    sse = counts @ per_seed                           # (n_boot, candidates)
    best = np.argmin(sse, axis=1)
    values = np.array([_refine(kind, cands, row, int(b)) for row, b in zip(sse, best)])
    low, high = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    distinct = len(np.unique(counts, axis=0))
    return SeedInterval(kind, _NAMES[kind], float(value), float(np.std(values)), float(low), float(high), level,
                        len(cols), n_boot, int(distinct), law if kind == "data" else None, tuple(values.tolist()))


def _bootstrap(squares, n_cands: int, block: int, n_rows: int, n_boot: int, rng) -> np.ndarray:
    """Index of the best candidate for each of ``n_boot`` multinomial resamples of the rows."""
    best = np.zeros(n_boot, dtype=np.int64)
    score = np.full(n_boot, np.inf)
    draws = max(1, _BLOCK // n_rows)
    for b0 in range(0, n_boot, draws):
        b1 = min(n_boot, b0 + draws)
        counts = rng.multinomial(n_rows, np.full(n_rows, 1.0 / n_rows), size=b1 - b0).astype(np.float64)
        for start in range(0, n_cands, block):
            sse = squares(start) @ counts.T           # (block, draws)
            j = np.argmin(sse, axis=0)
            v = sse[j, np.arange(b1 - b0)]
            better = v < score[b0:b1]                 # strictly: the first minimum wins, as np.argmin
            score[b0:b1] = np.where(better, v, score[b0:b1])
            best[b0:b1] = np.where(better, start + j, best[b0:b1])
    return best


def _refine(kind: str, cands: np.ndarray, sse: np.ndarray, best: int) -> float:
    if kind != "time" or best == 0 or best == cands.size - 1:
        return float(cands[best])
    u = np.log(cands[best - 1:best + 2])
    s = sse[best - 1:best + 2]
    denom = (u[0] - u[1]) * (u[0] - u[2]) * (u[1] - u[2])
    a = (u[2] * (s[1] - s[0]) + u[1] * (s[0] - s[2]) + u[0] * (s[2] - s[1])) / denom
    b = (u[2] ** 2 * (s[0] - s[1]) + u[1] ** 2 * (s[2] - s[0]) + u[0] ** 2 * (s[1] - s[2])) / denom
    if a <= 0:
        return float(cands[best])
    return float(np.exp(np.clip(-b / (2 * a), u[0], u[2])))


def crossing(x, y, level: float) -> float:
    """First ``x`` where ``y`` reaches ``level`` (linear interpolation); ``nan`` if never.

    ``x`` and ``y`` are 1-d, of one length >= 1; anything else is an :class:`ArgumentError`.

    Examples
    --------
    >>> crossing([0, 10, 20], [0.0, 0.4, 0.8], 0.5)
    12.5
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape or x.size == 0:
        raise ArgumentError(f"crossing needs x and y of one length >= 1 (1-d), got shapes {x.shape} and {y.shape}")
    above = np.flatnonzero(y >= level)
    if above.size == 0:
        return float("nan")
    i = int(above[0])
    if i == 0:
        return float(x[0])
    return float(x[i - 1] + (level - y[i - 1]) * (x[i] - x[i - 1]) / (y[i] - y[i - 1]))


# ------------------------------------------------------------------------- experiments
def _group(results, n_s: int, key):
    """{resource value: (seeds, n_s) final R/S} for the finished runs at ``n_s``."""
    out: dict = {}
    for r in results:
        if r.n_s == n_s and r.done:
            out.setdefault(key(r), []).append(r.R[-1])
    return {k: np.array(v) for k, v in sorted(out.items())}


def time_curves(results, n_s: int):
    """Checkpoint steps and the (seeds, steps, n_s) R/S of the finished time runs at ``n_s``."""
    runs = [r for r in results if r.n_s == n_s and r.done]
    if not runs:
        return None, None
    length = min(len(r.steps) for r in runs)
    return runs[0].steps[:length], np.stack([r.R[:length] for r in runs])


def _seeds_rows(results, n_s: int, key):
    """[(x, skill, R/S)] per seed of the finished runs at ``n_s`` (final measurements, skill 1)."""
    rows: dict = {}
    for r in results:
        if r.n_s == n_s and r.done:
            rows.setdefault(r.seed, []).append((key(r), r.R[-1][0]))
    out = []
    for seed in sorted(rows):
        x, y = (np.array(v, dtype=float) for v in zip(*rows[seed]))
        out.append((x, np.ones_like(x), y))
    return out


def _interval(kind, seeds, *, rng, n_boot, **model) -> tuple[dict | None, SeedInterval | None]:
    """The seed bootstrap as JSON and as the object, or a reason when there are too few seeds."""
    if len(seeds) < 2:
        return {"missing": f"a bootstrap over seeds needs at least 2 seeds, got {len(seeds)}"}, None
    interval = seed_bootstrap(kind, seeds, rng=rng, n_boot=n_boot, **model)
    return interval.as_json(), interval


def _rms_interval(interval: SeedInterval | None, rms_of, n_skills: int) -> list | None:
    """Per skill, the central interval of the prediction's RMS error over the seed-bootstrap refits."""
    if interval is None:
        return None
    values = np.asarray(interval.values)
    unique, back = np.unique(values, return_inverse=True)
    table = np.array([rms_of(v) for v in unique])          # (distinct values, skills)
    per = table[back.ravel()]
    q = [(1 - interval.level) / 2, (1 + interval.level) / 2]
    return [[float(a), float(b)] for a, b in np.quantile(per, q, axis=0).T[:n_skills]]


def _spread(values: np.ndarray) -> float | None:
    """RMS over points of the sample standard deviation over seeds; None with one seed.

    ``values`` is (seeds, points)."""
    if values.shape[0] < 2:
        return None
    return float(np.sqrt(np.mean(np.var(values, axis=0, ddof=1))))


def _later(skills: list) -> float | None:
    """RMS of the prediction error over skills 2..n (those the calibration on skill 1 never saw)."""
    rest = [s["rms"] for s in skills if s["k"] >= 2]
    return float(np.sqrt(np.mean(np.square(rest)))) if rest else None


def fit_entries(summary: dict) -> list[dict]:
    """The fitted constants of an :func:`analyse` dict, each a dict with ``fit`` and
    ``seed_bootstrap``: the time summary itself (one ``fit``), the ``fits`` of data (Eq. 17 and the
    linear law) and parameter, or none when nothing was calibrated.

    >>> [e["fit"]["name"] for e in fit_entries({"fits": [{"fit": {"name": "D_c"}}]})]
    ['D_c']
    >>> fit_entries({"experiment": "time", "missing": "finished runs are needed"})
    []
    """
    return [summary] if "fit" in summary else summary.get("fits", [])


def analyse(spec, results, *, rng: np.random.Generator, n_boot: int = 200, n_boot_seeds: int = 1000) -> dict:
    """Calibrate on the ``n_s = 1`` runs and predict the ``n_s = n`` runs of one experiment.

    With finished ``n_s = 1`` runs but none at ``n_s = n`` the dict holds the calibration alone
    (``fit`` or ``fits``, ``seed_bootstrap``) and ``missing`` says that the prediction needs them;
    without finished ``n_s = 1`` runs it holds only ``missing``. Otherwise it is ready for
    strict JSON: the fitted constant(s) with the bootstrap sd over
    measurement rows (``fit``) and the bootstrap interval over seeds (``seed_bootstrap``:
    :func:`seed_bootstrap`, 95%, ``n_boot_seeds`` resamples; with one seed a ``missing`` reason),
    and per predicted skill the RMS difference between prediction and measured seed mean
    (``rms``), the largest difference (``max_abs``), the seeds' own spread (``seed_sd``: RMS
    over points of the sample sd over seeds, None with one seed) and the RMS's interval over the
    seed-bootstrap refits (``rms_interval``); ``rms_skills_2_on`` pools skills 2..n. For ``time``
    also the measured and predicted steps where ``R_k/S = 0.5`` and their ratio; for ``data``
    both laws. A crossing that is never reached is None.
    """
    kind = spec.experiment
    target = max(spec.n_s_values)
    out: dict = {"experiment": kind, "n_s_predicted": target}
    if kind == "time":
        eta, R0 = 2.0 * spec.lr, default_r0(spec.init_std)
        out.update(eta=eta, R0=R0)
        steps, R1 = time_curves(results, 1)
        steps5, R5 = time_curves(results, target)
        if steps is None:
            return {**out, "missing": "finished n_s=1 and n_s=%d time runs are needed" % target}
        out["seeds"] = {"1": int(R1.shape[0]), str(target): 0 if R5 is None else int(R5.shape[0])}
        x = np.tile(steps, R1.shape[0])
        model = dict(n_s=1, alpha=spec.alpha, S=spec.S, R0=R0, eta=eta)
        fit = fit_constant("time", x, np.ones_like(x), R1[:, :, 0].ravel(), rng=rng, n_boot=n_boot, **model)
        out["fit"] = vars(fit)
        seeds = [(steps, np.ones_like(steps), R1[i, :, 0]) for i in range(R1.shape[0])]
        out["seed_bootstrap"], interval = _interval("time", seeds, rng=rng, n_boot=n_boot_seeds, **model)
        if steps5 is None:   # the calibration alone (Fig. 11a); "missing" says why there is no prediction
            return {**out, "missing": "finished n_s=%d time runs are needed for the prediction" % target}
        mean = R5.mean(axis=0)
        fine = np.concatenate([[0.0], np.geomspace(1.0, 1e3 * steps5[-1], 400001)])

        def curves(value):
            return np.column_stack([predict("time", steps5, k=k, value=value, n_s=target, alpha=spec.alpha,
                                            S=spec.S, R0=R0, eta=eta) for k in range(1, target + 1)])

        def rms_of(value):
            return np.sqrt(np.mean((curves(value) - mean) ** 2, axis=0))

        pred_all = curves(fit.value)
        bands = _rms_interval(interval, rms_of, target)
        skills = []
        for k in range(1, target + 1):
            pred = pred_all[:, k - 1]
            t_meas = crossing(steps5, mean[:, k - 1], 0.5)
            t_pred = crossing(fine, predict("time", fine, k=k, value=fit.value, n_s=target, alpha=spec.alpha,
                                            S=spec.S, R0=R0, eta=eta), 0.5)
            ratio = t_pred / t_meas if np.isfinite(t_meas) and t_meas > 0 and np.isfinite(t_pred) else np.nan
            skills.append({"k": k, "rms": float(np.sqrt(np.mean((pred - mean[:, k - 1]) ** 2))),
                           "max_abs": float(np.max(np.abs(pred - mean[:, k - 1]))),
                           "seed_sd": _spread(R5[:, :, k - 1]),
                           "rms_interval": None if bands is None else bands[k - 1],
                           "step_half_measured": finite_or_none(t_meas), "step_half_predicted": finite_or_none(t_pred),
                           "ratio_predicted_to_measured": finite_or_none(ratio)})
        out["skills"] = skills
        out["rms_skills_2_on"] = _later(skills)
        measured = [np.nan if s["step_half_measured"] is None else s["step_half_measured"] for s in skills]
        out["emergence_order"] = [int(k) + 1 for k in np.argsort(measured, kind="stable") if np.isfinite(measured[k])]
        out.update(_order(measured))
        return out
    attr = "D" if kind == "data" else "width"
    one = _group(results, 1, lambda r: getattr(r, attr))
    many = _group(results, target, lambda r: getattr(r, attr))
    if not one:
        return {**out, "missing": "finished n_s=1 and n_s=%d runs are needed" % target}
    x = np.concatenate([np.full(len(v), k) for k, v in one.items()]).astype(float)
    y = np.concatenate([v[:, 0] for v in one.values()])
    seeds = _seeds_rows(results, 1, lambda r: getattr(r, attr))
    out["seeds"] = {"1": len(seeds), str(target): len({r.seed for r in results if r.n_s == target and r.done})}
    laws = DATA_LAWS if kind == "data" else (None,)
    out["fits"] = []
    if not many:         # the calibration alone (Fig. 11); "missing" says why there is no prediction
        for law in laws:
            model = dict(n_s=1, alpha=spec.alpha, S=spec.S, law=law or "eq17")
            fit = fit_constant(kind, x, np.ones_like(x), y, rng=rng, n_boot=n_boot, **model)
            boot, _ = _interval(kind, seeds, rng=rng, n_boot=n_boot_seeds, **model)
            out["fits"].append({"fit": vars(fit), "seed_bootstrap": boot})
        return {**out, "missing": "finished n_s=%d runs are needed for the prediction" % target}
    xs = np.array(list(many), dtype=float)
    mean = np.array([v.mean(axis=0) for v in many.values()])
    sd = [None if len(v) < 2 else np.std(v, axis=0, ddof=1) for v in many.values()]
    for law in laws:
        model = dict(n_s=1, alpha=spec.alpha, S=spec.S, law=law or "eq17")
        fit = fit_constant(kind, x, np.ones_like(x), y, rng=rng, n_boot=n_boot, **model)
        boot, interval = _interval(kind, seeds, rng=rng, n_boot=n_boot_seeds, **model)

        def curves(value, law=law):
            return np.column_stack([predict(kind, xs, k=k, value=value, n_s=target, alpha=spec.alpha, S=spec.S,
                                            law=law or "eq17") for k in range(1, target + 1)])

        def rms_of(value):
            return np.sqrt(np.mean((curves(value) - mean) ** 2, axis=0))

        pred_all = curves(fit.value)
        bands = _rms_interval(interval, rms_of, target)
        spread = [v for v in sd if v is not None]
        skills = []
        for k in range(1, target + 1):
            diff = pred_all[:, k - 1] - mean[:, k - 1]
            skills.append({"k": k, "rms": float(np.sqrt(np.mean(diff ** 2))), "max_abs": float(np.max(np.abs(diff))),
                           "seed_sd": (float(np.sqrt(np.mean([v[k - 1] ** 2 for v in spread]))) if spread else None),
                           "rms_interval": None if bands is None else bands[k - 1]})
        total = float(np.sqrt(np.mean([s["rms"] ** 2 for s in skills])))
        out["fits"].append({"fit": vars(fit), "seed_bootstrap": boot, "skills": skills, "rms_all_skills": total,
                            "rms_skills_2_on": _later(skills)})
    if kind == "data":
        out["better_law"] = min(out["fits"], key=lambda f: f["rms_all_skills"])["fit"]["law"]
    # Order in which the skills reach R/S = 0.5 as the resource grows (measured seed mean).
    half = [crossing(xs, mean[:, k], 0.5) for k in range(target)]
    out["resource_half_measured"] = [finite_or_none(v) for v in half]
    out.update(_order(half))
    return out


def _order(half) -> dict:
    """``skills_emerged`` (reach R/S = 0.5 within the measured range) and whether they are
    skills 1..j reaching it at non-decreasing resource (``in_frequency_order``). Equal values count
    as in order, wherever they fall: the grid cannot order them (e.g. skills already past 0.5 at
    its smallest value both get that value, :func:`crossing`). A reversed pair is out of order.

    Examples
    --------
    >>> _order([5074.0, 5074.0, 14404.0, float("nan"), float("nan")])
    {'skills_emerged': [1, 2, 3], 'in_frequency_order': True}
    >>> _order([900.0, 800.0, float("nan")])["in_frequency_order"]
    False
    """
    half = np.asarray(half, dtype=float)
    emerged = np.flatnonzero(np.isfinite(half))
    prefix = emerged.size > 0 and np.array_equal(emerged, np.arange(emerged.size))
    return {"skills_emerged": [int(k) + 1 for k in emerged],
            "in_frequency_order": bool(prefix and np.all(np.diff(half[emerged]) >= 0))}
