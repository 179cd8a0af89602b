"""Closed-form emergence curves of the extended multilinear model (Sec. 5, Eqs. 13-21), as the
network predictions use them: R_k/S against time (Eq. 14), data (Eq. 17 and the corrected
D_c-shot law ``d_k/D_c``, claim ``proposition-1``) and width (Eq. 21).

These are formulas, evaluated in NumPy so that the network code can use them without SymPy;
``tests/numeric_check/test_closed_forms_lambdify.py`` compares each with its SymPy derivation
(``symbolic.extended``) and ``derivations`` checks them against simulation.

Examples
--------
>>> time_emergence(np.array([0.0]), k=1, alpha=0.6, n_s=1, S=5.0, B2=1/22, R0=0.05, eta=0.05)
array([0.01])
>>> width_emergence(np.array([1, 4, 5, 8]), k=2, Nc=4)
array([0.  , 0.  , 0.25, 1.  ])
"""
from __future__ import annotations

import numpy as np

from numeric_check.closed_forms.logistic import strength_fraction
from numeric_check.simulation.data import skill_probabilities
from numeric_check.validation import ArgumentError, integer, open_interval, positive, unit_interval

# unit_interval (the check of the calibration factor B^2) is numeric_check.validation's, offered here
# too for the callers of the curves.
__all__ = ["unit_interval", "MIN_R0_FRACTION", "MAX_POINTS", "MAX_DC", "initial_strength", "time_emergence", "data_emergence", "width_emergence", "binomial_average", "DATA_LAWS"]

DATA_LAWS = ("eq17", "linear")

#: The smallest ``R0/S`` accepted: ``S/R0 - 1`` of Eq. 14 must be a finite float64 (at
#: ``R0 = 1e-320 S`` it is infinite and the curve became ``inf * 0 = nan``).
MIN_R0_FRACTION = 1e-300

#: Bounds on sizes, from memory: at most 10**7 grid values (80 MB a float64 array), D_c at most
#: 10**7 (the law is tabulated on ``0..D_c - 1``, 80 MB), D and N at most 2**53 (exact integers
#: in float64).
MAX_POINTS = 10**7
MAX_DC = 10**7
MAX_COUNT = 2**53


def initial_strength(name: str, R0, S: float) -> float:
    """Return ``R0`` if it lies in ``[1e-300 S, S)``, so that ``S/R0`` of Eq. 14 is finite."""
    R0 = open_interval(name, R0, 0.0, S, high_name="S")
    if R0 / S < MIN_R0_FRACTION:
        raise ArgumentError(f"{name} must lie in [{MIN_R0_FRACTION:g} S, S), where S/R0 of Eq. 14 is a finite "
                            f"number; got {R0!r} with S={S:g}")
    return R0


def _sized(name: str, values: np.ndarray) -> np.ndarray:
    if values.size > MAX_POINTS:
        raise ArgumentError(f"{name} must have at most {MAX_POINTS:.0e} values (memory), got {values.size}")
    return values


def _skill_frequency(k: int, alpha: float, n_s: int) -> float:
    n_s = integer("n_s", n_s, minimum=1)
    k = integer("k", k, minimum=1, maximum=n_s, maximum_name="n_s")
    return float(skill_probabilities(alpha, n_s)[k - 1])


def time_emergence(T, *, k: int, alpha: float, n_s: int, S: float, B2: float, R0: float, eta: float) -> np.ndarray:
    """``R_k(T)/S`` of Eq. 14: ``1 / (1 + (S/R0 - 1) exp(-2 eta P_s(k) B2 S T))``.

    ``R0`` lies in ``[1e-300 S, S)`` (:data:`MIN_R0_FRACTION`), so that ``S/R0`` is finite.

    ``B2`` is the fitted factor the paper calls B^2; gradient flow of Eq. 13 puts ``B`` itself
    there (claim ``eq-14``), so ``B2`` is the derived ``B``.
    """
    T = _sized("T", np.asarray(T, dtype=np.float64))
    if np.any(~np.isfinite(T)) or np.any(T < 0):
        raise ArgumentError("T must contain only finite numbers >= 0")
    S = positive("S", S)
    B2 = unit_interval("B2", B2)
    R0 = initial_strength("R0", R0, S)
    eta = positive("eta", eta)
    # Lemma 1's logistic at u = eta P_s(k) B^2 S T (Eq. 14 is Eq. 35 with p -> P_s(k) B^2).
    rate = eta * _skill_frequency(k, alpha, n_s) * B2 * S
    return strength_fraction(rate * T, S=S, r=R0)


def _law(d: np.ndarray, Dc: int, law: str) -> np.ndarray:
    frac = np.minimum(d / Dc, 1.0)
    if law == "eq17":
        return 1.0 - np.sqrt(1.0 - frac)
    return frac


def binomial_average(values_below, D: int, p: float, cutoff: int) -> float:
    """``E[v(d)]`` for ``d ~ Binomial(D, p)`` when ``v(d) = values_below[d]`` for ``d < cutoff``
    and ``v(d) = 1`` for ``d >= cutoff``; exact, in log space (no overflow for large ``D``)."""
    d = np.arange(min(cutoff, D + 1), dtype=np.float64)
    if p <= 0.0:
        return float(values_below[0]) if cutoff > 0 else 1.0
    if p >= 1.0:
        return 1.0 if D >= cutoff else float(values_below[D])
    # log C(D, d) by a cumulative sum of log((D - j + 1) / j), j = 1..d.
    j = d[1:]
    log_choose = np.concatenate(([0.0], np.cumsum(np.log(D - j + 1.0) - np.log(j))))
    log_pmf = log_choose + d * np.log(p) + (D - d) * np.log1p(-p)
    pmf = np.exp(log_pmf)
    return float(1.0 + np.sum(pmf * (np.asarray(values_below)[: d.size] - 1.0)))


def data_emergence(D, *, k: int, alpha: float, n_s: int, Dc: int, law: str = "eq17",
                   average: bool = True) -> np.ndarray:
    """``R_k(inf)/S`` against dataset size ``D`` for the D_c-shot learner.

    ``law="eq17"`` is the paper's Eq. 17, ``1 - sqrt(1 - d_k/D_c)``; ``law="linear"`` the
    corrected law ``d_k/D_c`` (Eq. 17 applies Eq. 10, which this model does not satisfy; Eq. 8
    with Eq. 104 gives ``d_k/D_c``, claim ``proposition-1``), both equal to 1 for ``d_k >= D_c``. With
    ``average`` the law is averaged over ``d_k ~ Binomial(D, P_s(k))``; without, it is evaluated
    at ``d_k = D P_s(k)`` (the paper's code). Sizes: ``Dc`` in ``[1, 10**7]``, ``D`` in
    ``[0, 2**53]``, at most ``10**7`` values of ``D``; the binomial average costs
    ``min(D + 1, Dc)`` terms a value.
    """
    if law not in DATA_LAWS:
        raise ArgumentError(f"law must be one of {', '.join(DATA_LAWS)}; got {law!r}")
    Dc = integer("Dc", Dc, minimum=1, maximum=MAX_DC)
    p = _skill_frequency(k, alpha, n_s)
    try:
        D_arr = _sized("D", np.asarray(D, dtype=np.float64))
    except (TypeError, ValueError):
        raise ArgumentError("D must contain only finite numbers >= 0") from None
    flat = D_arr.ravel()
    bad = flat[~((flat >= 0) & (flat <= MAX_COUNT))]      # NaN fails both comparisons
    if bad.size:
        raise ArgumentError(f"D must contain only finite numbers in [0, 2**53], got {bad[0]!r}")
    if not average:
        return _law(D_arr.astype(np.float64) * p, Dc, law)
    if np.any(flat != np.round(flat)):
        raise ArgumentError("D must contain integers when averaging over the binomial d_k")
    below = _law(np.arange(Dc, dtype=np.float64), Dc, law)
    out = np.array([binomial_average(below, int(n), p, Dc) for n in flat], dtype=np.float64)
    return out.reshape(D_arr.shape)


def width_emergence(N, *, k: int, Nc: int) -> np.ndarray:
    """``R_k(inf)/S`` of Eq. 21 for a model of ``N`` basis functions, ``N_c`` per skill:
    1 for ``k < q``, ``r/N_c`` for ``k = q``, 0 for ``k > q``, with ``q = floor((N-1)/N_c) + 1``
    and ``(q - 1) N_c + r = N``. ``N``, ``N_c`` and ``k`` are at most ``2**53``, ``N`` has at
    most ``10**7`` values."""
    Nc = integer("Nc", Nc, minimum=1, maximum=MAX_COUNT, maximum_name="2**53")
    k = integer("k", k, minimum=1, maximum=MAX_COUNT, maximum_name="2**53")
    try:
        N = _sized("N", np.asarray(N, dtype=np.float64))
    except (TypeError, ValueError):
        raise ArgumentError("N (width) must contain integers in [1, 2**53]") from None
    if np.any(~np.isfinite(N)) or np.any(N != np.round(N)) or np.any(N < 1) or np.any(N > MAX_COUNT):
        raise ArgumentError("N (width) must contain integers in [1, 2**53]")
    N = N.astype(np.int64)
    q = (N - 1) // Nc + 1
    rem = N - (q - 1) * Nc
    return np.where(k < q, 1.0, np.where(k == q, rem / Nc, 0.0))
