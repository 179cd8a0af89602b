"""The logistic solution of Lemma 1 and the loss of one skill, in NumPy; and, as its contrast, the
linear model's exponential saturation (Eq. 125).

With the dimensionless time ``u = eta p S t`` (``p = d_k/D``, or ``P_s(k)`` as ``D -> inf``; in
App. J time always appears as ``eta S T``), Lemma 1 (Eqs. 26/35) and Eq. 27 read

    ``R(u) / S = 1 / (1 + (S/r - 1) e^(-2u))``,
    ``L(u) = (S - R)^2 / 2 = (S^2/2) (1 + e^(2u) / (S/r - 1))^-2 = Phi_{S,r}(u)`` (Eq. 239),

with ``r = R_k(0)`` in ``(0, S)``. This module is the one NumPy source of these formulas: the
extended model's time emergence (Eq. 14, ``p -> P_s(k) B^2``), the fast loss curves, the direct
loss sums and the figures all call it. The formulas themselves are derived in
``symbolic.multilinear``; ``tests/numeric_check/test_closed_forms_lambdify.py`` compares every
function here with ``sympy.lambdify`` of that derivation.

Every function is vectorised over ``u`` (any shape) and overflow-free for every real ``u``:
exponentials are only taken of non-positive arguments, or of arguments capped where the result
is already exactly 0.0 in float64.

Examples
--------
>>> strength(np.array([0.0, 1.0, 50.0]), S=1.0, r=0.01).round(6)
array([0.01    , 0.069453, 1.      ])
>>> float(skill_loss(0.0, S=1.0, r=0.01)) == (1.0 - 0.01) ** 2 / 2
True
>>> float(skill_loss(1e300, S=1.0, r=0.01)), float(strength_fraction(-1e300, S=1.0, r=0.01))
(0.0, 0.0)
>>> linear_strength(np.array([0.0, 1.0]), eta=1.0, p=0.5, S=2.0).round(6)
array([0.      , 0.786939])
"""
from __future__ import annotations

import math

import numpy as np

from numeric_check.validation import ArgumentError, open_interval, positive

__all__ = ["strength_fraction", "strength", "loss_fraction", "log_loss_fraction", "skill_loss", "linear_strength"]

# (1 + e**y)**-2 < e**-800, which is 0.0 in float64, beyond y = 400: capping y there changes
# nothing and keeps exp from overflowing.
_Y_CAP = 400.0


def _parameters(S, r) -> tuple[float, float]:
    S = positive("S", S)
    return S, open_interval("r", r, 0.0, S, high_name=f"S={S:g}")


def _time(u) -> np.ndarray:
    try:
        return np.asarray(u, dtype=np.float64)
    except (TypeError, ValueError):
        raise ArgumentError("u (the time eta p S t) must contain only real numbers") from None


def strength_fraction(u, *, S: float, r: float) -> np.ndarray:
    """``R/S = 1 / (1 + (S/r - 1) e^(-2u))`` at ``u = eta p S t`` (Lemma 1, Eqs. 26/35).

    Parameters
    ----------
    u : array_like
        Dimensionless time ``eta p S t``, any real numbers.
    S : float
        Target scale, ``> 0``.
    r : float
        Initial strength ``R_k(0)``, in ``(0, S)``.

    Returns
    -------
    numpy.ndarray
        ``R(u)/S`` in ``[0, 1]``, float64, shaped like ``u``; ``r/S`` at ``u = 0``.

    Examples
    --------
    >>> strength_fraction([0.0, 0.5 * np.log(99.0)], S=1.0, r=0.01).round(12)
    array([0.01, 0.5 ])
    """
    S, r = _parameters(S, r)
    u = _time(u)
    c = S / r - 1.0
    e = np.exp(-2.0 * np.abs(u))   # <= 1
    # u >= 0: 1/(1 + c e^(-2u)) as printed; u < 0: the same value as e^(2u) / (e^(2u) + c).
    return np.where(u >= 0, 1.0 / (1.0 + c * e), e / (e + c))


def strength(u, *, S: float, r: float) -> np.ndarray:
    """``R(u) = S / (1 + (S/r - 1) e^(-2u))`` at ``u = eta p S t`` (Lemma 1, Eq. 35).

    ``S`` times :func:`strength_fraction`; for the extended model of Eq. 13 use
    ``u = eta P_s(k) B^2 S T`` (Eq. 14).

    Examples
    --------
    >>> float(strength(0.0, S=5.0, r=0.05)), float(strength(100.0, S=5.0, r=0.05))
    (0.05, 5.0)
    """
    return S * strength_fraction(u, S=S, r=r)


def loss_fraction(u, *, S: float, r: float) -> np.ndarray:
    """``L/(S^2/2) = (1 - R/S)^2 = (1 + e^(2u) r/(S - r))^-2`` at ``u = eta p S t`` (Eq. 27).

    Computed in place on one array (the fast loss curves call it on long chunks of skills).

    Examples
    --------
    >>> loss_fraction([0.0, 1e3], S=1.0, r=0.5)
    array([0.25, 0.  ])
    """
    S, r = _parameters(S, r)
    g = np.array(_time(u), dtype=np.float64)   # a copy, also for a scalar u
    g *= 2.0
    g += math.log(r) - math.log(S - r)
    np.minimum(g, _Y_CAP, out=g)
    np.exp(g, out=g)
    g += 1.0
    np.reciprocal(g, out=g)
    g *= g
    return g


def log_loss_fraction(u, *, S: float, r: float) -> np.ndarray:
    """``log (L/(S^2/2)) = -2 log(1 + e^(2u) r/(S - r))``, finite for every finite ``u``.

    Examples
    --------
    >>> float(log_loss_fraction(1e3, S=1.0, r=0.5))
    -4000.0
    """
    S, r = _parameters(S, r)
    return -2.0 * np.logaddexp(0.0, (math.log(r) - math.log(S - r)) + 2.0 * _time(u))


def skill_loss(u, *, S: float, r: float) -> np.ndarray:
    """``Phi_{S,r}(u) = (S^2/2)(1 + e^(2u)/(S/r - 1))^-2``: the loss of one skill (Eq. 27) at
    ``u = eta S T d_k/D`` (Eq. 239), overflow-free.

    Examples
    --------
    >>> float(skill_loss(0.0, S=2.0, r=1.0))
    0.5
    """
    S, r = _parameters(S, r)
    return S * S / 2.0 * loss_fraction(u, S=S, r=r)


def linear_strength(t, *, eta: float, p: float, S: float) -> np.ndarray:
    """``w_k(t) = S (1 - e^(-eta p t))``: the linear model's strength from ``w_k(0) = 0`` (Eq. 125).

    Every skill starts learning at ``t = 0`` and saturates exponentially (no delay, Fig. 10),
    against the delayed sigmoid of :func:`strength`. ``t`` any shape, ``t >= 0``.

    Examples
    --------
    >>> float(linear_strength(0.0, eta=1.0, p=0.1, S=1.0)), float(linear_strength(1e9, eta=1.0, p=0.1, S=1.0))
    (0.0, 1.0)
    """
    eta, p, S = positive("eta", eta), positive("p", p), positive("S", S)
    t = np.asarray(t, dtype=np.float64)
    if np.any(t < 0):
        raise ArgumentError("t must contain only numbers >= 0")
    return -S * np.expm1(-eta * p * t)
