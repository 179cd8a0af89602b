"""Euler-Maclaurin sums of a wide band of skills of the loss curves, with a proven truncation bound.

The time and compute curves of :mod:`numeric_check.closed_forms.curves` (Eqs. 319 and 328, App.
K.4) sum ``f(k) = P_s(k) Phi(x_k) / (S^2/2)`` over a middle band of skills, ``x_k = eta S T
P_s(k)`` and ``P_s(k) = A k**-s`` (``s = alpha + 1``).  Term by term that costs the band's width,
which reaches ``n_s``.  :func:`band_sum` replaces all of the band beyond ``K_e``
(:func:`start_index`) by Euler-Maclaurin with ``p = 12`` Bernoulli terms,

``sum_{k=a}^b f(k) = int_a^b f + (f(a) + f(b))/2
+ sum_{m=1}^{12} B_2m/(2m)! (f^(2m-1)(b) - f^(2m-1)(a)) + R``,

so that beyond the band's head ``[K_lo, K_e)`` a grid point costs not the band's width but about
``x_a + 2 log(1/x_b)`` quadrature panels and a 24-term Taylor jet at each end:

* the integral, in ``y = x_t``, is ``(A eta S T)**(1/s) / (s eta S T) int_{x_b}^{x_a} Phi(y)
  y**(-1/s) dy``, by Gauss-Legendre on panels (``_band_integral``; rule error about 1e-16 or less);
* the end derivatives come from Taylor arithmetic in ``tau`` for ``f(k0 (1 + tau))``
  (``_phi_jet``): ``g = (1 + c e**(2x))**-1`` solves ``g' = -2 g (1 - g) x'``;
* the truncation: ``|f| <= 150 f(t)`` on the disk ``|z - t| <= rho(t) t``, so by Cauchy
  ``|f^(24)(t)| <= 150 * 24! f(t) / (rho t)**24``; the band starts at ``K_e``, the first ``k``
  with ``rho(k) k >= 12``, hence ``|R| <= 2 zeta(24) 24! 150**2 / (24 pi)**24 L = 2.6e-17 L``
  with ``L`` the band's loss over ``S^2/2`` (below 3e-17, far below the 1e-15 the curves'
  dropped skills cost).  The proof is in :func:`band_sum`'s docstring; the factor is
  ``_em_remainder_factor``.

The Bernoulli numbers (:func:`bernoulli`) also serve the Hurwitz-zeta tails in ``curves``.

Examples
--------
A band of 100,001 skills from ``K_e``, against the plain sum (``loss_fraction`` is
``Phi / (S^2/2)``):

>>> import math
>>> import numpy as np
>>> from numeric_check.closed_forms.logistic import loss_fraction
>>> s, A, ast = 1.1, 0.5, 1e6
>>> log_scale = np.array([math.log(ast * A)])
>>> a = start_index(np.array([1.0]), log_scale, s)
>>> a
array([2906.])
>>> fast = band_sum(a, a + 10**5, ast=np.array([ast]), A=A, s=s, log_scale=log_scale,
...                 S=1.0, r=0.01)
>>> P = A * np.arange(a[0], a[0] + 10**5 + 1) ** -s
>>> plain = np.sum(P * loss_fraction(ast * P, S=1.0, r=0.01))
>>> bool(abs(fast[0] / plain - 1.0) < 1e-14)
True
"""
from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

import numpy as np

from numeric_check.closed_forms.logistic import loss_fraction

__all__ = ["bernoulli", "start_index", "band_sum"]

_EM_ORDER = 12           # Bernoulli terms B_2 .. B_24 (the remainder carries f^(24))
_EM_REACH = 12.0         # Q: every disk |z - t| <= rho(t) t on which f is bounded has radius >= Q
_EM_BOUND = 150.0        # max |f| on that disk <= 150 f(t) (see band_sum)
_GL_NODES = 20           # Gauss-Legendre nodes per panel of the band integral


@lru_cache(maxsize=4)
def bernoulli(count: int) -> tuple[Fraction, ...]:
    """Bernoulli numbers ``B_0 .. B_count`` (``B_1 = -1/2``), exactly, by their recurrence."""
    bern = [Fraction(1)]
    for m in range(1, count + 1):
        bern.append(-sum(math.comb(m + 1, j) * bern[j] for j in range(m)) / (m + 1))
    return tuple(bern)


@lru_cache(maxsize=1)
def _em_jet_coefficients() -> np.ndarray:
    """``B_2m / (2m)`` for m = 1 .. _EM_ORDER: the weight of ``f_(2m-1) k**(1-2m)`` when
    ``f(k0 (1 + tau)) = sum_n f_n tau**n`` (so that ``f^(n)(k0) = n! f_n k0**-n``)."""
    bern = bernoulli(2 * _EM_ORDER)
    return np.array([float(bern[2 * m] / (2 * m)) for m in range(1, _EM_ORDER + 1)])


def _em_remainder_factor(order: int = _EM_ORDER, reach: float = _EM_REACH) -> float:
    """The bound ``2 zeta(2p) (2p)! 150**2 / (2 pi Q)**2p`` on Euler-Maclaurin's remainder
    relative to the loss (:func:`band_sum`), with ``zeta(2p) <= 1 + 2**(1-2p)``.

    >>> _em_remainder_factor() < 1e-16
    True
    """
    zeta = 1.0 + 2.0 ** (1 - 2 * order)
    return (2.0 * zeta * math.factorial(2 * order) * _EM_BOUND**2
            / (2.0 * math.pi * reach) ** (2 * order))


def start_index(start: np.ndarray, log_scale: np.ndarray, s: float) -> np.ndarray:
    """Smallest integer ``K_e >= start`` with ``rho(t) t >= Q`` for every ``t >= K_e``.

    ``rho(t) = min(1/4, (3/(4s)) min(1/2, 0.47/x_t))`` with ``x_t = scale t**-s`` (see
    :func:`band_sum`); ``rho(t) t`` grows with ``t``, so three conditions suffice:
    ``t >= 4Q``, ``t >= 8sQ/3`` and ``t**(1+s) >= (4sQ/1.41) scale``.
    """
    simple = max(4.0 * _EM_REACH, 8.0 * s * _EM_REACH / 3.0)
    log_cond = (math.log(4.0 * s * _EM_REACH / 1.41) + log_scale) / (1.0 + s)
    cond = np.exp(np.minimum(log_cond, 60.0))
    return np.maximum(start, np.ceil(np.maximum(simple, cond * (1.0 + 1e-9)) + 1.0))


def _phi_jet(P0: np.ndarray, x0: np.ndarray, *, s: float, log_c: float, order: int) -> np.ndarray:
    """Taylor coefficients in ``tau`` of ``f(k0 (1 + tau)) = P(k) Phi(x_k) / (S^2/2)``.

    ``P = P0 (1+tau)**-s``, ``x = x0 (1+tau)**-s``; ``g = (1 + c e**(2x))**-1`` solves
    ``g' = -2 g (1 - g) x'`` (a recurrence for its coefficients) and ``f = P g**2``.
    Returns an array ``(rows, order)``.
    """
    b = np.ones(order + 1)
    for n in range(order):
        b[n + 1] = b[n] * (-s - n) / (n + 1)
    P = P0[:, None] * b[None, :order]
    dx = x0[:, None] * (b[1:] * np.arange(1, order + 1))[None, :]      # coefficients of x'
    y = 2.0 * x0 + log_c
    g = np.zeros((x0.size, order))
    h = np.zeros((x0.size, order))                                       # 1 - g
    g[:, 0] = 1.0 / (1.0 + np.exp(np.minimum(y, 700.0)))
    h[:, 0] = 1.0 / (1.0 + np.exp(np.minimum(-y, 700.0)))
    q = np.zeros((x0.size, order))                                       # g (1 - g)
    for n in range(order - 1):
        q[:, n] = np.einsum("ij,ij->i", g[:, : n + 1], h[:, n::-1])
        g[:, n + 1] = -2.0 / (n + 1) * np.einsum("ij,ij->i", q[:, : n + 1], dx[:, n::-1])
        h[:, n + 1] = -g[:, n + 1]
    g2 = np.stack([np.einsum("ij,ij->i", g[:, : n + 1], g[:, n::-1]) for n in range(order)], 1)
    return np.stack([np.einsum("ij,ij->i", P[:, : n + 1], g2[:, n::-1]) for n in range(order)], 1)


@lru_cache(maxsize=1)
def _gauss_legendre() -> tuple[np.ndarray, np.ndarray]:
    """Nodes in ``[0, 1]`` and weights (summing to 1) of the ``_GL_NODES``-point rule."""
    nodes, weights = np.polynomial.legendre.leggauss(_GL_NODES)
    return 0.5 * (nodes + 1.0), 0.5 * weights


def _band_integral(y_lo: np.ndarray, y_hi: np.ndarray, *, s: float, S: float, r: float):
    """``int_{y_lo}^{y_hi} Phi(y)/(S^2/2) y**(-1/s) dy`` per row (``0 < y_lo <= y_hi``).

    Panels of width <= 1 in ``y`` above 1 and of width <= 1/2 in ``u = log y`` below 1, each
    with ``_GL_NODES`` Gauss-Legendre nodes.  Above 1 the integrand is analytic in
    ``|Im y| < pi/2`` (the poles of ``Phi`` lie at ``Im y = +-pi/2, +-3pi/2, ...``) and bounded
    there by a few times its value on the panel (see :func:`band_sum`), so the Bernstein
    ellipse of a unit panel with semi-minor axis ``pi/4`` has ``rho = pi/2 + (1 + pi**2/4)**0.5
    = 3.43`` and the rule's error is ``O(rho**-40) ~ 1e-21`` of the panel's size.  Below 1 the
    integrand ``Phi(e**u) e**(u (1 - 1/s))`` is analytic for ``Re u < log(pi/2)`` (all poles of
    ``Phi`` have ``|y| >= pi/2``); a half-unit panel's ellipse with ``rho = 1 + 2**0.5`` stays
    inside, error ``O(2.414**-40) ~ 5e-16``.
    """
    nodes, weights = _gauss_legendre()
    out = np.zeros(y_lo.shape)
    u_lo, u_top = np.log(y_lo), np.log(np.minimum(y_hi, 1.0))
    parts = [  # (left end, right end, panels per row, variable is log y)
        (u_lo, u_top, np.where(y_lo < 1.0, np.ceil((u_top - u_lo) / 0.5), 0.0), True),
    ]
    y_bottom = np.maximum(y_lo, 1.0)
    parts.append((y_bottom, y_hi, np.where(y_hi > 1.0, np.ceil(y_hi - y_bottom), 0.0), False))
    for left, right, count, logarithmic in parts:
        count = np.maximum(count, 0.0).astype(np.int64)
        rows = np.repeat(np.arange(y_lo.size), count)
        if rows.size == 0:
            continue
        first = np.repeat(np.cumsum(count) - count, count)
        index = np.arange(rows.size) - first
        width = ((right - left) / np.maximum(count, 1))[rows]
        v = (left[rows] + index * width)[:, None] + width[:, None] * nodes[None, :]
        if logarithmic:
            values = loss_fraction(np.exp(v), S=S, r=r) * np.exp(v * (1.0 - 1.0 / s))
        else:
            values = loss_fraction(v, S=S, r=r) * np.exp(-np.log(v) / s)
        out += np.bincount(rows, weights=width * (values @ weights), minlength=y_lo.size)
    return out


def band_sum(a: np.ndarray, b: np.ndarray, *, ast: np.ndarray, A: float, s: float,
                 log_scale: np.ndarray, S: float, r: float) -> np.ndarray:
    """``sum_{k=a}^{b} P_s(k) Phi(x_k) / (S^2/2)`` per row by Euler-Maclaurin, ``x_k = ast P_s(k)``.

    ``sum_{k=a}^b f(k) = int_a^b f + (f(a) + f(b))/2 + sum_{m=1}^p B_2m/(2m)! (f^(2m-1)(b) -
    f^(2m-1)(a)) + R_p`` with ``|R_p| <= 2 zeta(2p) (2 pi)**-2p int_a^b |f^(2p)|`` (p = 12).
    The integral is ``(A ast)**(1/s) / (s ast) int_{x_b}^{x_a} Phi(y) y**(-1/s) dy``
    (substitute ``y = x_t``; :func:`_band_integral`); the end derivatives come from Taylor
    arithmetic (:func:`_phi_jet`).

    Truncation bound.  Let ``f(z) = A z**-s Phi(ast A z**-s) / (S^2/2)`` and, for ``t >= a``,
    ``rho = min(1/4, (3/(4s)) min(1/2, 0.47/x_t))``, ``mu = (4/3) s rho``.  On the disk
    ``z = t (1 + tau)``, ``|tau| <= rho``: ``lambda = s log(1 + tau)`` has ``|lambda| <= mu``,
    so ``w = x_t e**-lambda`` has ``|Im w| <= x_t e**mu mu <= 1.65 * 0.47 < pi/4`` and
    ``Re w >= x_t e**-mu cos(mu) >= x_t (1 - 2 mu) >= x_t - 0.94``.  With ``|arg(c e**2w)| <=
    pi/2``, ``|1 + c e**2w|**2 >= 1 + c**2 e**(4 Re w)``, hence ``|Phi(w)| <= 2 Phi(Re w) <=
    2 e**(4 * 0.94) Phi(x_t) < 86 Phi(x_t)``; and ``|z**-s| <= e**mu t**-s <= 1.65 t**-s``.
    So ``|f| <= 150 f(t)`` on the disk, and by Cauchy ``|f^(2p)(t)| <= 150 (2p)! f(t) /
    (rho t)**2p``.  ``rho(t) t`` grows with ``t``; the band starts at ``a >= K_e``
    (:func:`start_index`) where ``rho t >= Q = 12``.  On ``[k, k+1]``, ``f <= 150 f(k)``
    (the disk around ``k`` has radius >= 1), so ``int_a^b f <= 150 sum_k f(k) <= 150 L``
    with ``L`` the loss over ``S^2/2``.  Together
    ``|R_p| <= 2 zeta(24) 24! 150**2 / (2 pi 12)**24 L = 2.6e-17 L``
    (:func:`_em_remainder_factor`; checked in the tests).
    """
    log_c = math.log(r) - math.log(S - r)
    Pa, Pb = A * np.power(a, -s), A * np.power(b, -s)
    xa, xb = ast * Pa, ast * Pb
    log_ast = np.log(ast)
    prefactor = np.exp(log_scale / s - log_ast - math.log(s))
    total = prefactor * _band_integral(xb, xa, s=s, S=S, r=r)
    order = 2 * _EM_ORDER
    jets = _phi_jet(np.concatenate([Pa, Pb]), np.concatenate([xa, xb]), s=s, log_c=log_c,
                    order=order)
    fa, fb = jets[: a.size], jets[a.size:]
    total += 0.5 * (fa[:, 0] + fb[:, 0])
    weights = _em_jet_coefficients()
    inv_a, inv_b = 1.0 / a, 1.0 / b
    power_a, power_b = inv_a, inv_b
    for m in range(_EM_ORDER):
        q = 2 * m + 1
        total += weights[m] * (fb[:, q] * power_b - fa[:, q] * power_a)
        power_a, power_b = power_a * inv_a * inv_a, power_b * inv_b * inv_b
    return total
