"""Fast, exact loss curves of the multilinear model at finite ``n_s`` (NumPy only).

The scaling-law figures of the paper (App. K.4, Figs. 2-3) plot sums over all ``n_s`` skills,
``sum_k P_s(k) * (loss of skill k)``, for every point of a grid of times, data-set sizes, model
sizes or compute budgets.  Summed term by term that is ``grid x n_s`` work.  Here each sum is
split, for each grid point, into three ranges of the skill index ``k`` (the skill frequency
``P_s(k) = A k**-(alpha+1)`` falls with ``k``):

* frequent skills, whose loss is below ``1e-15`` times a lower bound of the total, are dropped
  (their total weight is at most 1, so they change the sum by less than ``1e-15`` relative);
* a middle band is summed term by term (vectorised over grid points and skills together, in
  chunks, never as a ``grid x n_s`` array) from its start up to ``K_e``, where the summand is
  analytic on disks of radius >= 12 around every ``k``; a band reaching more than 2048 skills
  beyond ``K_e`` is summed from there by Euler-Maclaurin (Gauss-Legendre quadrature of the
  integral in ``y = x_k``, the end derivatives by Taylor arithmetic), with a proven remainder
  below ``3e-17`` of the loss (:func:`numeric_check.closed_forms.euler_maclaurin.band_sum`);
* rare skills, whose argument ``x = eta*S*T*P_s(k)`` (or ``D*P_s(k)``) is small, are summed in
  closed form: the skill loss is expanded in a power series of ``x`` (the binomial series of
  ``(1-P)**D`` for data), so the sum over ``k`` becomes a weighted sum of Hurwitz-zeta tails
  ``sum_k k**-(alpha+1)(j+1)``; Euler-Maclaurin with twelve Bernoulli terms gives all of them
  at once as two small matrix products (relative error about ``1e-16``).

The normalisation ``A = 1/sum_{k<=n_s} k**-(alpha+1)`` is the exact finite-``n_s`` one (Eq. 1, Eq. 160),
evaluated by direct terms plus Euler-Maclaurin, so nothing here costs ``O(n_s)``.  The work per
grid point is about the width of the middle band: at most about ``(eta*S*T*A/x_s)**(1/(alpha+1))``
skills (``x_s`` between 0.4 and 2 depending on ``r/S``; ``D*A/2`` for data), capped by ``N``;
for the time and compute curves the term-by-term part is at most ``K_e``, about
``34 (alpha + 1) x`` skills at the band's start ``x`` (a few thousand), however wide the band.
Measured agreement with a plain sum is about ``1e-13`` relative.

Examples
--------
>>> import numpy as np
>>> T = np.array([1.0, 1e2, 1e4])
>>> time_curve(T, alpha=0.6, S=1.0, r=0.01, eta=1.0, n_s=10**5).round(6)
array([0.483464, 0.1064  , 0.018627])
>>> parameter_curve(np.array([1, 10, 100]), alpha=0.6, S=1.0, n_s=10**5).round(6)
array([0.281095, 0.088603, 0.022586])
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from numeric_check.closed_forms.euler_maclaurin import band_sum, bernoulli, start_index
from numeric_check.closed_forms.logistic import log_loss_fraction, loss_fraction
from numeric_check.validation import (
    ArgumentError,
    integer,
    open_interval,
    positive,
    positive_array,
)

__all__ = [
    "time_curve",
    "data_curve",
    "parameter_curve",
    "compute_curve",
    "compute_envelope",
]

# Numerical parameters (fixed, not switches): series radius and length, cut-off, chunk size.
_X_FRACTION = 0.5        # Taylor region of Phi: x <= 1/2 of its radius of convergence ...
_X_LIMIT = 2.0           # ... and x <= 2 (the recurrence's rounding grows like e**(2x)) ...
_CONDITION = 64.0        # ... where sum |terms| <= 64 |sum| (rounding of the series)
_SERIES_MAX = 160        # Taylor terms computed (enough for r/S down to 1e-15 at x = R/2)
_U_SMALL = 2.0           # binomial-series region of (1-P)**D: D*P <= 2
_DATA_TERMS = 34         # terms of that series; remainder < e**4 2**34 / 34! ~ 3e-23
_LOG_DROP = 15 * math.log(10.0)  # dropped skills change the sum by < 1e-15 relative
_LOG_ZERO = -750.0       # exp(-750) == 0.0 in float64: a curve bounded by it is exactly 0
_TOLERANCE = 2.0**-56    # relative error allowed in each Hurwitz-zeta tail
_EM_TERMS = 12           # Bernoulli terms B_2 .. B_24 in Euler-Maclaurin
_NEGLIGIBLE = 72.0       # (M/k)**sigma < e**-72 is negligible in a sum that is >= 1
_CHUNK = 1 << 16         # elements per vectorised chunk of the middle band
_EM_WIDTH = 2048         # bands with at least this many skills beyond K_e use Euler-Maclaurin
_END_RATIO = 1.1        # closed-form tails only where N >= 1.1 K (see _series_tail)
_TABLE = 1 << 22         # largest table of P_s(k) built for the middle band
_MAX_SKILLS = 2**53      # k must be exact in float64
_MAX_S = 1e150           # S**2 / 2 must be finite
_MAX_POINTS = 10**7      # grid points of one call (memory: a few float64 arrays of that size)


# ----------------------------------------------------------------------------- validation

def _parameters(*, alpha, S=None, r=None, eta=None, n_s):
    """Validate the scalar parameters; return them as floats (``n_s`` as int)."""
    out = {"alpha": positive("alpha", alpha)}
    if S is not None:
        out["S"] = positive("S", S)
        if out["S"] > _MAX_S:                     # losses scale like S**2
            raise ArgumentError(f"S must lie in (0, {_MAX_S:g}] so that S**2 is finite, got {S!r}")
    if r is not None:
        out["r"] = open_interval("r", r, 0.0, out["S"], high_name=f"S={out['S']:g}")
    if eta is not None:
        out["eta"] = positive("eta", eta)
    out["n_s"] = integer("n_s", n_s, minimum=1, maximum=_MAX_SKILLS)
    return out


def _points(name: str, size: int) -> None:
    if size > _MAX_POINTS:
        raise ArgumentError(f"{name} must have at most {_MAX_POINTS:.0e} points (memory), got {size}")


def _grid(T, N) -> tuple[np.ndarray, np.ndarray]:
    """``T`` and ``N`` broadcast together, or one line saying that their shapes do not."""
    try:
        shape = np.broadcast_shapes(T.shape, N.shape)
    except ValueError:
        raise ArgumentError(f"T and N must have the same length (or one of them a single value); "
                            f"got shapes {T.shape} and {N.shape}") from None
    _points("T and N", math.prod(shape))
    return np.broadcast_arrays(T, N)


def _counts(name: str, values, *, minimum: int, maximum: int | None = None,
            maximum_name: str | None = None) -> np.ndarray:
    """Return ``values`` as a float64 array of integers in ``[minimum, maximum]``."""
    high = maximum_name or ("inf" if maximum is None else str(maximum))
    allowed = f"integers in [{minimum}, {high}]"
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ArgumentError(f"{name} must contain only {allowed}") from None
    if arr.size == 0:
        raise ArgumentError(f"{name} must not be empty")
    _points(name, arr.size)
    with np.errstate(invalid="ignore"):
        good = np.isfinite(arr) & (arr == np.floor(arr)) & (arr >= minimum)
        if maximum is not None:
            good &= arr <= maximum
    if not np.all(good):
        bad = arr[~good].ravel()[0]
        raise ArgumentError(f"{name} must contain only {allowed}, got {bad!r}")
    return arr


# ----------------------------------------------------------------------------- power sums

@lru_cache(maxsize=1)
def _euler_maclaurin_coefficients() -> tuple[tuple[float, int], ...]:
    """``(B_2m / (2m)!, 2m - 1)`` for m = 1 .. _EM_TERMS."""
    bern = bernoulli(2 * _EM_TERMS)
    return tuple((float(bern[2 * m] / math.factorial(2 * m)), 2 * m - 1)
                 for m in range(1, _EM_TERMS + 1))


def _em_start(sigma: float, tolerance: float) -> int:
    """Smallest ``k`` from which Euler-Maclaurin sums ``k**-sigma`` to ``tolerance``.

    With ``p`` Bernoulli terms the remainder is at most
    ``2 zeta(2p) (2 pi)**-2p |f^(2p-1)(a)| <= (1/pi) (rho)**(2p-1) f(a)`` where
    ``rho = (sigma + 2p)/(2 pi a)``, because ``f^(2p)`` has one sign.
    """
    rho = min((tolerance * math.pi) ** (1.0 / (2 * _EM_TERMS - 1)), 0.5)
    return math.ceil((sigma + 2 * _EM_TERMS) / (2.0 * math.pi * rho))


def _scaled_power_tail(M: np.ndarray, n: np.ndarray, sigma: float,
                       tolerance: float = _TOLERANCE) -> np.ndarray:
    """``sum_{k=M}^{n} (M/k)**sigma`` for integer arrays ``M >= 1``, ``n`` (0 where ``M > n``).

    Equals ``M**sigma * (zeta(sigma, M) - zeta(sigma, n+1))`` (Hurwitz zeta), scaled so that
    it lies in ``[1, M/(sigma-1) + 1]`` and never under- or overflows.  Direct terms below
    :func:`_em_start` (or until they fall below ``e**-72``), then Euler-Maclaurin; relative
    error about ``tolerance``.
    """
    out = np.zeros(M.shape)
    em_start = _em_start(sigma, tolerance)
    start = np.maximum(M, em_start)
    cap = np.floor(M * math.exp(min(_NEGLIGIBLE / sigma, 700.0))) + 1.0
    direct_stop = np.minimum(np.minimum(start, cap), n + 1.0)
    width = np.maximum(direct_stop - M, 0.0).astype(np.int64)
    rows = np.flatnonzero(width > 0)
    if rows.size:
        q = np.arange(width[rows].max(), dtype=np.float64)
        terms = np.exp(-sigma * np.log1p(q / M[rows, None]))
        out[rows] = np.sum(np.where(q < width[rows, None], terms, 0.0), axis=1)
    rows = np.flatnonzero((start <= n) & (start < cap))
    if rows.size:
        a, b, m = start[rows], n[rows], M[rows]
        fa = np.exp(-sigma * np.log(a / m))
        fb = np.exp(-sigma * np.log(b / m))
        span = np.log1p((b - a) / a)
        total = fa * a * (-np.expm1(-(sigma - 1.0) * span)) / (sigma - 1.0) + 0.5 * (fa + fb)
        # sum_m B_2m/(2m)! (sigma)_q (f(a) a**-q - f(b) b**-q), q = 2m - 1; the terms fall
        # geometrically (ratio <= 1/4 beyond _em_start), so stop once they are negligible.
        inv_a, inv_b = 1.0 / a, 1.0 / b
        ta, tb = fa * inv_a, fb * inv_b
        inv_a2, inv_b2 = inv_a * inv_a, inv_b * inv_b
        largest = float(inv_a.max())
        rising = sigma                      # (sigma)_q, the rising factorial
        for coefficient, q in _euler_maclaurin_coefficients():
            total += (coefficient * rising) * (ta - tb)
            if abs(coefficient) * rising * largest**q < 1e-3 * tolerance:
                break
            ta, tb = ta * inv_a2, tb * inv_b2
            rising *= (sigma + q) * (sigma + q + 1.0)
        out[rows] += total
    return out


def _series_tail(u: np.ndarray, K: np.ndarray, N: np.ndarray, s: float) -> np.ndarray:
    """``sum_{k=K}^{N} sum_j u[:, j] (K/k)**(s (j+1))`` per row, by Euler-Maclaurin.

    For each power ``f_j(k) = (K/k)**sigma_j`` the formula needs ``int_K^N f_j``, the end
    values and the odd derivatives ``-(sigma_j)_q f_j k**-q``; summed over ``j`` with weights
    ``u`` these are two matrix products.  Needs ``K >= K_em`` (see :func:`_em_start`) and
    ``N >= 1.1 K`` so that the two ends do not cancel much: the end terms differ by a factor
    ``1 - (K/N)**(sigma-1) >= 1 - 1.1**-alpha`` (about 1/(10 alpha)), and in the tests
    (alpha >= 0.05) the result stays within 1e-13 relative.
    """
    sigma = s * np.arange(1, u.shape[1] + 1)
    ratio = np.exp(-s * np.log(N / K))                     # (K/N)**s
    v = u * np.cumprod(np.repeat(ratio[:, None], u.shape[1], axis=1), axis=1)
    columns = [1.0 / (sigma - 1.0), np.full(sigma.shape, 0.5)]
    rising = sigma.copy()                                   # (sigma)_q, q = 1, 3, 5, ...
    for coefficient, q in _euler_maclaurin_coefficients():
        columns.append(coefficient * rising)
        rising = rising * (sigma + q) * (sigma + q + 1.0)
    E = np.stack(columns, axis=1)
    at_K, at_N = u @ E, v @ E
    total = K * at_K[:, 0] - N * at_N[:, 0] + at_K[:, 1] + at_N[:, 1]
    inv_K, inv_N = 1.0 / K, 1.0 / N
    power_K, power_N = inv_K, inv_N
    for m in range(2, E.shape[1]):
        total += power_K * at_K[:, m] - power_N * at_N[:, m]
        power_K, power_N = power_K * inv_K * inv_K, power_N * inv_N * inv_N
    return total


def _log_normalisation(s: float, n_s: int) -> float:
    """``log A`` with ``1/A = sum_{k=1}^{n_s} k**-s`` (Eq. 1; Prop. 5, Eq. 160)."""
    return -math.log(float(_scaled_power_tail(np.ones(1), np.full(1, float(n_s)), s)[0]))


# ----------------------------------------------------------------------------- skill loss
# Phi itself is numeric_check.closed_forms.logistic's (loss_fraction, log_loss_fraction); here only
# its Taylor series, for the rare skills.

def _phi_series(r_over_S: float) -> tuple[np.ndarray, float]:
    """Taylor coefficients of ``(1 + c e**(2x))**-2`` at 0 (Phi / (S^2/2)), ``c = r/(S-r)``.

    ``g = 1/(1 + c e**(2x))`` solves ``g' = -2 g (1 - g)``, which gives the recurrence.  The
    nearest singularities are at ``|x| = |log c + i pi|/2 >= pi/2`` (double poles of ``g**2``
    with coefficient 1/4, against ``g(0)**2 = (1+c)**-2``).  Returns the coefficients and the
    ``x_small`` (at most half the radius, and small enough that the alternating sum is
    well conditioned: for r close to S it behaves like e**(-4x) and cancels) on which the
    remainder is below 1e-17 relative.
    """
    c = r_over_S / (1.0 - r_over_S)
    radius = math.hypot(math.log(c), math.pi) / 2.0
    count = _SERIES_MAX
    g = np.zeros(count)
    g[0] = 1.0 - r_over_S
    for n in range(count - 1):
        g[n + 1] = -2.0 * (g[n] - np.dot(g[: n + 1], g[n::-1])) / (n + 1)
    phi = np.array([np.dot(g[: n + 1], g[n::-1]) for n in range(count)])
    # Largest x <= min(radius/2, 2) where the alternating sum loses at most ~64 ulp ...
    x = np.linspace(0.0, min(_X_FRACTION * radius, _X_LIMIT), 257)[1:]
    powers = x[:, None] ** np.arange(count)
    with np.errstate(divide="ignore"):
        condition = (np.abs(phi) * powers).sum(axis=1) / np.abs(powers @ phi)
    ok = np.flatnonzero(condition > _CONDITION)
    x_small = float(x[ok[0] - 1]) if ok.size else float(x[-1])
    # ... and enough terms for a remainder below 1e-17 relative there (double poles, weight
    # 1/4 against g(0)**2 = (1+c)**-2).
    need = (39.2 + 2.0 * math.log(1.0 + c) + math.log(100.0)) / -math.log(x_small / radius)
    return phi[: min(count, math.ceil(need) + 4)], x_small


def _probability_table(start: np.ndarray, stop: np.ndarray, *, s: float, log_A: float):
    """``P_s(k)`` indexed by ``k`` for the skills of the middle band, or None if too many
    (or many more than the band's terms: then each term computes its own)."""
    used = stop > start
    if not np.any(used):
        return None
    top = int(stop[used].max())
    if top > _TABLE or top > 4 * int(np.sum((stop - start)[used])) + _CHUNK:
        return None
    k = np.arange(1, top, dtype=np.float64)
    return np.concatenate(([0.0], math.exp(log_A) * np.power(k, -s)))


def _skill_index(log_value: np.ndarray, high: np.ndarray) -> np.ndarray:
    """``exp(log_value)`` as a float skill index, clipped to ``[0, high]`` before exp."""
    return np.exp(np.minimum(log_value, np.log(high + 2.0)))


# ----------------------------------------------------------------------------- middle band

def _ragged_sum(start: np.ndarray, stop: np.ndarray, term) -> np.ndarray:
    """``out[i] = sum_{k=start[i]}^{stop[i]-1} term(rows, k)``, in chunks of ``_CHUNK``.

    ``term(rows, k)`` gets flat arrays of row indices and (float) skill indices.
    """
    out = np.zeros(start.shape)
    length = np.maximum(stop - start, 0).astype(np.int64)
    rows = np.flatnonzero(length > 0)
    if rows.size == 0:
        return out
    pieces = -(-length[rows] // _CHUNK)               # split rows longer than a chunk
    piece_row = np.repeat(rows, pieces)
    first = np.repeat(np.cumsum(pieces) - pieces, pieces)
    piece_start = start[piece_row] + (np.arange(piece_row.size) - first) * _CHUNK
    piece_len = np.minimum(stop[piece_row] - piece_start, _CHUNK).astype(np.int64)
    ends = np.cumsum(piece_len)
    group = (ends - piece_len) // _CHUNK               # at most 2 * _CHUNK elements per group
    bounds = np.flatnonzero(np.diff(group)) + 1
    counter = np.arange(2 * _CHUNK, dtype=np.int64)
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, group.size]):
        lens = piece_len[lo:hi]
        shift = piece_start[lo:hi] - (ends[lo:hi] - lens - (ends[lo] - lens[0]))
        r = np.repeat(piece_row[lo:hi], lens)
        k = np.repeat(shift, lens)
        k += counter[: k.size]
        first_row = r[0]
        out[first_row: r[-1] + 1] += np.bincount(r - first_row, weights=term(r, k))
    return out


# ----------------------------------------------------------------------------- cores

def _modelled_loss(log_ast: np.ndarray, ast: np.ndarray, N: np.ndarray, *, s: float,
                   log_A: float, S: float, r: float, n_s: int) -> np.ndarray:
    """``sum_{k<=N} P_s(k) Phi(x_k) + (S^2/2) sum_{k>N} P_s(k)``, ``x_k = eta S T P_s(k)``.

    ``log_ast`` is ``log(eta*S*T)`` per row and ``ast`` the product ``eta*S*T`` itself (to the
    last bit: ``Phi`` near ``x = 100`` turns a relative error ``d`` of ``x`` into ``400 d``;
    ``inf`` where it overflows), ``N`` the model size per row (float integers).
    """
    half_s2 = 0.5 * S * S
    log_c = math.log(r) - math.log(S - r)
    log_scale = log_ast + log_A                       # log of x_k * k**s

    tail = np.zeros(N.shape)
    open_rows = np.flatnonzero(N < n_s)
    if open_rows.size:
        M = N[open_rows] + 1.0
        tail[open_rows] = (half_s2 * np.exp(log_A - s * np.log(M))
                           * _scaled_power_tail(M, np.full(M.shape, float(n_s)), s))

    # An upper bound (Phi(x_N) + tail) that underflows means the loss is exactly 0.0.
    x_N = np.exp(np.minimum(log_scale - s * np.log(N), 700.0))
    alive = (tail > 0.0) | (math.log(half_s2) + log_loss_fraction(x_N, S=S, r=r) > _LOG_ZERO)

    # Rare skills k >= K_hi (x_k <= x_small): power series in x, Hurwitz-zeta tails.
    # Term j needs its tail only to _TOLERANCE / (its weight relative to term 0); Euler-Maclaurin
    # alone is accurate from K_em on, so skills below K_em go to the band, and so do rows with
    # N < 1.1 K_hi (there the difference of the two end terms could cancel).
    series, x_small = _phi_series(r / S)
    weight = np.abs(series) * x_small ** np.arange(series.size) / series[0]
    K_em = max(_em_start(s * (j + 1), _TOLERANCE / max(w, _TOLERANCE))
               for j, w in enumerate(weight))
    K_hi = np.floor(_skill_index((log_scale - math.log(x_small)) / s, N)) + 2.0
    K_hi = np.maximum(K_hi, K_em)
    K_hi = np.clip(np.where(N >= _END_RATIO * K_hi, K_hi, N + 1.0), 1.0, N + 1.0)
    rare = np.zeros(N.shape)
    rows = np.flatnonzero(alive & (K_hi <= N))
    if rows.size:
        K = K_hi[rows]
        log_K = np.log(K)
        x_K = np.exp(log_scale[rows] - s * log_K)
        u = np.empty((rows.size, series.size))        # P_s(K) phi_j x_K**j
        u[:, 0] = np.exp(log_A - s * log_K)
        for j in range(1, series.size):
            u[:, j] = u[:, j - 1] * x_K
        rare[rows] = half_s2 * _series_tail(u * series, K, N[rows], s)

    # Frequent skills k < K_lo contribute < 1e-15 of a lower bound of the loss.
    k_mid = np.clip(np.round(_skill_index(log_scale / s, N)), 1.0, N)   # x ~ 1
    log_low = np.full(N.shape, -np.inf)
    for k in (N, k_mid):
        log_k = np.log(k)
        x_k = np.exp(np.minimum(log_scale - s * log_k, 700.0))
        log_low = np.maximum(log_low, log_A - s * log_k + math.log(half_s2)
                             + log_loss_fraction(x_k, S=S, r=r))
    with np.errstate(divide="ignore"):                # the rare part and tail are in L too
        log_low = np.maximum(log_low, np.log(tail + rare))
    # Phi(x) <= (S^2/2) c**-2 e**(-4x), so x >= x_big gives Phi <= 1e-15 * lower bound.
    x_big = np.maximum((math.log(half_s2) - 2.0 * log_c + _LOG_DROP - log_low) / 4.0, x_small)
    K_lo = np.floor(_skill_index((log_scale - np.log(x_big)) / s, N)) - 1.0
    K_lo = np.where(alive, np.clip(K_lo, 1.0, K_hi), K_hi)

    # x_k = (eta S T) P_s(k); rows with eta S T > e**700 take the slower log route.
    huge = log_ast > 700.0
    ast = np.where(huge, math.exp(700.0), ast)

    # A wide band [K_e, K_hi) far from k = 1 by Euler-Maclaurin (error < 3e-17 of the loss),
    # its head [K_lo, K_e) term by term.
    A = math.exp(log_A)
    K_e = start_index(K_lo, log_scale, s)
    wide = alive & ~huge & (K_hi - 1.0 - K_e >= _EM_WIDTH)
    wide &= log_scale - s * np.log(np.maximum(K_hi - 1.0, 1.0)) > -60.0   # x_b > e**-60: few panels
    wide_sum = np.zeros(N.shape)
    rows = np.flatnonzero(wide)
    if rows.size:
        wide_sum[rows] = band_sum(K_e[rows], K_hi[rows] - 1.0, ast=ast[rows],
                                  A=A, s=s, log_scale=log_scale[rows], S=S, r=r)
    start = K_lo.astype(np.int64)
    stop = np.where(wide, K_e, K_hi).astype(np.int64)
    table = _probability_table(np.where(huge, stop, start), stop, s=s, log_A=log_A)

    def band(rows, k):
        p = A * np.power(k, -s) if table is None else table[k]
        x = ast[rows]
        x *= p
        phi = loss_fraction(x, S=S, r=r)
        phi *= p
        return phi

    def huge_band(rows, k):
        log_k = np.log(k)
        x = np.exp(np.minimum(log_scale[rows] - s * log_k, 700.0))
        phi = loss_fraction(x, S=S, r=r)
        phi *= np.exp(log_A - s * log_k)
        return phi

    direct = _ragged_sum(np.where(huge, stop, start), stop, band)
    if np.any(huge):
        direct += _ragged_sum(np.where(huge, start, stop), stop, huge_band)
    middle = half_s2 * (direct + wide_sum)
    return np.where(alive, rare + middle + tail, 0.0)


def _unseen_mass(D: np.ndarray, *, s: float, log_A: float, n_s: int) -> np.ndarray:
    """``sum_{k=1}^{n_s} P_s(k) (1 - P_s(k))**D`` per row of integer ``D >= 0``."""
    top = np.full(D.shape, float(n_s))
    positive_D = D > 0
    with np.errstate(divide="ignore"):
        log_D = np.log(D)
    log_scale = np.where(positive_D, log_D + log_A, -np.inf)   # log of D P_s(k) k**s

    def log_one_minus(k):
        """``log(1 - P_s(k))`` (``-inf`` only when n_s = 1)."""
        p = np.minimum(np.exp(log_A - s * np.log(k)), 1.0)
        with np.errstate(divide="ignore"):
            return np.log1p(-p)

    def d_times(log_q):
        """``D * log(1 - P)``: 0 for D = 0; an overflow to -inf is exact (exp gives 0)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return np.where(positive_D, D * log_q, 0.0)

    # (1 - P_s(n_s))**D bounds the sum from above: if it underflows, the sum is exactly 0.0.
    alive = (d_times(log_one_minus(top)) > _LOG_ZERO) & positive_D

    # Rare skills k >= K_hi (D P <= 1): binomial series, Hurwitz-zeta tails.
    # Term m has weight <= 2**m / m! relative to term 0 (see _modelled_loss for K_em).
    weight = [_U_SMALL**m / math.factorial(m) for m in range(_DATA_TERMS)]
    K_em = max(_em_start(s * (m + 1), _TOLERANCE / max(w, _TOLERANCE))
               for m, w in enumerate(weight))
    K_hi = np.floor(_skill_index((log_scale - math.log(_U_SMALL)) / s, top)) + 2.0
    K_hi = np.maximum(K_hi, K_em)
    K_hi = np.clip(np.where(top >= _END_RATIO * K_hi, K_hi, top + 1.0), 1.0, top + 1.0)
    K_hi = np.where(positive_D, K_hi, top + 1.0)     # D = 0: the sum is sum_k P_s(k) = 1
    rare = np.where(positive_D, 0.0, 1.0)
    rows = np.flatnonzero(alive & (K_hi <= n_s))
    if rows.size:
        K = K_hi[rows]
        P_K = np.exp(log_A - s * np.log(K))
        u = np.empty((rows.size, _DATA_TERMS))     # P_K binom(D, m) (-P_K)**m
        u[:, 0] = P_K
        for m in range(1, _DATA_TERMS):
            u[:, m] = u[:, m - 1] * (-(D[rows] - (m - 1)) * P_K / m)
        rare[rows] = _series_tail(u, K, top[rows], s)

    # Frequent skills: (1-P)**D <= e**(-D P) is below 1e-15 of a lower bound for D P >= R.
    k_mid = np.clip(np.round(_skill_index(log_scale / s, top)), 1.0, top)   # D P ~ 1
    log_low = np.full(D.shape, -np.inf)
    for k in (top, k_mid):
        log_low = np.maximum(log_low, log_A - s * np.log(k) + d_times(log_one_minus(k)))
    R = np.where(alive, _LOG_DROP - log_low, 1.0)
    K_lo = np.floor(_skill_index((log_scale - np.log(R)) / s, top)) - 1.0
    K_lo = np.where(alive, np.clip(K_lo, 1.0, K_hi), K_hi)

    start, stop = K_lo.astype(np.int64), K_hi.astype(np.int64)
    table = _probability_table(start, stop, s=s, log_A=log_A)

    def band(rows, k):
        if table is None:
            p = np.exp(log_A - s * np.log(k))
        else:
            p = table[k]
        p = np.minimum(p, 1.0)
        with np.errstate(divide="ignore", over="ignore"):
            return p * np.exp(D[rows] * np.log1p(-p))

    middle = _ragged_sum(start, stop, band)
    return np.where(alive, rare + middle, np.where(positive_D, 0.0, 1.0))


# ----------------------------------------------------------------------------- public API

def compute_curve(T, N, *, alpha, S, r, eta, n_s) -> np.ndarray:
    """Loss of a model with the ``N`` most frequent skills after time ``T`` (``D -> inf``).

    ``L = sum_{k<=N} P_s(k) Phi(eta S T P_s(k)) + (S^2/2) sum_{k=N+1}^{n_s} P_s(k)`` with
    ``Phi(x) = (S^2/2) (1 + (S/r - 1)**-1 e**(2x))**-2``.  This is Eq. 328 with the tail
    carrying ``S^2/2`` as in Eqs. 12 and 129 (Eq. 328 leaves the factor out), i.e. Eq. 12 with
    ``d_k/D = P_s(k)``.

    Parameters
    ----------
    T : array_like
        Training times (gradient-flow units), finite and ``> 0``; at most ``10**7``.
    N : array_like
        Model sizes, integers in ``[1, n_s]``; broadcast against ``T`` (the same length, or
        one of them a single value); at most ``10**7`` points together.
    alpha : float
        Data exponent, ``> 0``.
    S : float
        Target scale, in ``(0, 1e150]`` (losses scale like ``S**2``).
    r : float
        Initial skill strength ``R_k(0)``, in ``(0, S)``.
    eta : float
        Learning rate, ``> 0``.
    n_s : int
        Number of skills, in ``[1, 2**53]`` (skill indices exact in float64).

    Returns
    -------
    numpy.ndarray
        Loss, float64, with the broadcast shape of ``T`` and ``N``.

    Examples
    --------
    >>> compute_curve([1e2, 1e4, 1e6], 100, alpha=0.6, S=1.0, r=0.01, eta=1.0,
    ...               n_s=10**5).round(6)
    array([0.106856, 0.022665, 0.022586])
    >>> bool(compute_curve(1e300, 10**5, alpha=0.6, S=1.0, r=0.01, eta=1.0, n_s=10**5) == 0.0)
    True

    References
    ----------
    Eq. 12, Eq. 27, Eq. 129, Eq. 236, Eq. 239, Eq. 328.
    """
    par = _parameters(alpha=alpha, S=S, r=r, eta=eta, n_s=n_s)
    T = positive_array("T", T)
    _points("T", T.size)
    N = _counts("N", N, minimum=1, maximum=par["n_s"], maximum_name="n_s")
    T, N = _grid(T, N)
    s = par["alpha"] + 1.0
    with np.errstate(under="ignore"):
        log_ast = math.log(par["eta"]) + math.log(par["S"]) + np.log(T.ravel())
        with np.errstate(over="ignore"):
            ast = par["eta"] * par["S"] * T.ravel()
        loss = _modelled_loss(log_ast, ast, N.ravel().copy(), s=s,
                              log_A=_log_normalisation(s, par["n_s"]),
                              S=par["S"], r=par["r"], n_s=par["n_s"])
    return loss.reshape(T.shape)


def time_curve(T, *, alpha, S, r, eta, n_s) -> np.ndarray:
    """Loss against training time with all skills modelled and infinite data (Eq. 319).

    ``L(T) = sum_{k=1}^{n_s} P_s(k) Phi(eta S T P_s(k))``,
    ``Phi(x) = (S^2/2) (1 + (S/r - 1)**-1 e**(2x))**-2`` (``D -> inf``, ``N = n_s``).

    Parameters
    ----------
    T : array_like
        Training times, finite and ``> 0``; at most ``10**7``.
    alpha, S, r, eta, n_s
        As in :func:`compute_curve`: ``alpha > 0``, ``S > 0``, ``r`` in ``(0, S)``,
        ``eta > 0``, integer ``n_s >= 1``.

    Returns
    -------
    numpy.ndarray
        Loss, float64, shaped like ``T``.  It starts at ``(S-r)^2/2`` and decreases to 0.

    Examples
    --------
    >>> time_curve([1e-9, 1e3], alpha=0.3, S=1.0, r=0.01, eta=1.0, n_s=10**5).round(6)
    array([0.49005 , 0.120329])

    References
    ----------
    Eq. 12, Eq. 27, Eq. 239, Eq. 319.
    """
    par = _parameters(alpha=alpha, S=S, r=r, eta=eta, n_s=n_s)
    T = positive_array("T", T)
    _points("T", T.size)
    return compute_curve(T, par["n_s"], **par)


def data_curve(D, *, alpha, S, r, n_s) -> np.ndarray:
    """Expected loss over training sets of ``D`` samples after infinite training (Eq. 274).

    ``E_D[L] = ((S-r)^2/2) sum_{k=1}^{n_s} P_s(k) (1 - P_s(k))**D`` with ``N = n_s``: a skill
    seen at least once has loss 0, an unseen one keeps ``(S-r)^2/2`` (Cor. 1).  Eq. 322 writes
    ``S^2`` for ``(S-r)^2``, 2% apart at ``r = 0.01 S``.

    Parameters
    ----------
    D : array_like
        Numbers of training samples, integers ``>= 0``; at most ``10**7`` of them.
    alpha, S, r, n_s
        ``alpha > 0``, ``S > 0``, ``r`` in ``(0, S)``, integer ``n_s >= 1``.

    Returns
    -------
    numpy.ndarray
        Expected loss, float64, shaped like ``D``; ``(S-r)^2/2`` at ``D = 0``.

    Examples
    --------
    >>> data_curve([0, 10, 1000], alpha=0.6, S=1.0, r=0.01, n_s=10**5).round(6)
    array([0.49005 , 0.177197, 0.032124])

    References
    ----------
    Eq. 58, Eq. 260, Eq. 274, Eq. 322.
    """
    par = _parameters(alpha=alpha, S=S, r=r, n_s=n_s)
    D = _counts("D", D, minimum=0)
    s = par["alpha"] + 1.0
    with np.errstate(under="ignore"):
        mass = _unseen_mass(D.ravel().copy(), s=s, log_A=_log_normalisation(s, par["n_s"]),
                            n_s=par["n_s"])
    return (0.5 * (par["S"] - par["r"]) ** 2 * mass).reshape(D.shape)


def parameter_curve(N, *, alpha, S, n_s) -> np.ndarray:
    """Loss of a model with the ``N`` most frequent skills, fully trained (Eq. 325).

    ``L(N) = (S^2/2) sum_{k=N+1}^{n_s} P_s(k)`` (``T, D -> inf``; absent skills have
    ``R_k = 0``, Eq. 128).  Each value costs ``O(1)`` (a Hurwitz-zeta tail), not ``O(n_s)``.

    Parameters
    ----------
    N : array_like
        Model sizes, integers in ``[1, n_s]``; at most ``10**7`` of them.
    alpha, S, n_s
        ``alpha > 0``, ``S > 0``, integer ``n_s >= 1``.

    Returns
    -------
    numpy.ndarray
        Loss, float64, shaped like ``N``; 0 at ``N = n_s``.

    Examples
    --------
    >>> parameter_curve([1, 1000, 10**5], alpha=0.3, S=1.0, n_s=10**5).round(6)
    array([0.369334, 0.041051, 0.      ])

    References
    ----------
    Eq. 12, Eq. 128, Eq. 325; its power law is Theorem 1's ``A_N N^-alpha`` (Eq. 217), not Eq. 327's
    ``A_N = S^2/2``.
    """
    par = _parameters(alpha=alpha, S=S, n_s=n_s)
    N = _counts("N", N, minimum=1, maximum=par["n_s"], maximum_name="n_s")
    s = par["alpha"] + 1.0
    flat = N.ravel()
    loss = np.zeros(flat.shape)
    rows = np.flatnonzero(flat < par["n_s"])
    if rows.size:
        M = flat[rows] + 1.0
        with np.errstate(under="ignore"):
            loss[rows] = (0.5 * par["S"] ** 2
                          * np.exp(_log_normalisation(s, par["n_s"]) - s * np.log(M))
                          * _scaled_power_tail(M, np.full(M.shape, float(par["n_s"])), s))
    return loss.reshape(N.shape)


def compute_envelope(C, *, alpha, S, r, eta, n_s, N_grid=None):
    """Compute-optimal loss: ``min_N compute_curve(C/N, N)`` for each compute ``C = T N``.

    Parameters
    ----------
    C : array_like
        Compute budgets ``T * N``, finite and ``> 0``; ``C`` times the grid of ``N`` at most
        ``10**7`` points.
    alpha, S, r, eta, n_s
        As in :func:`compute_curve`.
    N_grid : array_like, optional
        Candidate model sizes, integers in ``[1, n_s]``.  Default: about 24 integers per
        decade, log-spaced over ``[1, n_s]`` (so the minimum is over that grid).

    Returns
    -------
    loss : numpy.ndarray
        Minimal loss over the grid, float64, shaped like ``C``.
    N_opt : numpy.ndarray
        The minimising model size (int64), shaped like ``C``.

    Examples
    --------
    >>> loss, N_opt = compute_envelope([1e3, 1e6], alpha=0.6, S=1.0, r=0.01, eta=1.0,
    ...                                n_s=10**4, N_grid=[10, 100, 1000])
    >>> loss.round(6), N_opt
    (array([0.109094, 0.021623]), array([ 10, 100]))

    References
    ----------
    Eq. 328, Eqs. 250-251 (Cor. 5), App. K.4 (Fig. 3).
    """
    par = _parameters(alpha=alpha, S=S, r=r, eta=eta, n_s=n_s)
    C = positive_array("C", C)
    _points("C", C.size)
    if N_grid is None:
        decades = math.log10(par["n_s"])
        grid = np.unique(np.round(np.geomspace(1.0, par["n_s"], int(24 * decades) + 2)))
    else:
        grid = np.unique(_counts("N_grid", N_grid, minimum=1, maximum=par["n_s"],
                                 maximum_name="n_s").ravel())
    flat = C.ravel()
    _points("C x N_grid", flat.size * grid.size)
    T = np.maximum(flat[:, None] / grid[None, :], np.finfo(float).tiny)
    loss = compute_curve(T, grid[None, :], **par)
    best = np.argmin(loss, axis=1)
    return (loss[np.arange(flat.size), best].reshape(C.shape),
            grid[best].astype(np.int64).reshape(C.shape))
