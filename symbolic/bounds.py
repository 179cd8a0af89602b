"""Explicit bounds of App. J that more than one result builds on.

* :func:`skill_deviation_bound` — Proposition 3's bound on the finite-``D`` error of one skill's
  expected loss (Eq. 147), which Proposition 4 sums over the modelled skills.
* :func:`theta_constants` — the constants of Corollary 3's ``Theta``, read off Theorem 1's
  ``A_N`` and Theorem 4's ``A(lambda)``; Corollary 4 multiplies the lower one into its bound.

Examples
--------
>>> skill_deviation_bound().has(D, p, T)
True
"""
from __future__ import annotations

import sympy as sp

from symbolic import constants
from symbolic.symbols import D, S, T, alpha, eta, p

__all__ = ["skill_deviation_bound", "theta_constants"]


def skill_deviation_bound() -> sp.Expr:
    """Proposition 3's bound on ``|E_D[L_k] - F(P_s(k))|`` (Eqs. 139, 147), with ``p = P_s(k)``.

    Lemma 4 (Berry-Esseen) with ``V(F) = S^2/2`` and ``1 - P_s > 2^(-2(alpha+1))`` (Eq. 148),
    plus Lemma 5 (Taylor) with ``sup|F''| < 8 S^4 eta^2 T^2`` (Eq. 146) and ``1 - P_s <= 1``.

    Examples
    --------
    >>> skill_deviation_bound().subs({S: 1, eta: 1, T: 0, alpha: 1, p: 1, D: 16})
    1/2
    """
    berry = (S**2 / 2) / sp.sqrt(D * p * 2 ** (-2 * (alpha + 1)))
    taylor = p / (2 * D) * 8 * S**4 * eta**2 * T**2
    return sp.powsimp(sp.expand_power_base(berry, force=True), force=True) + taylor


def theta_constants(*, alpha, S, r) -> tuple[float, float]:
    """``(min(A(inf), A_N), A(inf) + A_N)`` at ``eta = 1``: the interval in which Corollary 3's
    ``L / max(N^-alpha, (eta S T)^(-alpha/(alpha+1)))`` stays for every ``lambda``.

    Theorem 4's ``A(lambda)`` decreases from ``A_N lambda^-alpha + ...`` to ``A(inf)``, and its
    integral part is at most ``A(inf)``; Theorem 1's ``A_N`` is taken at ``gamma = 0``.

    Examples
    --------
    >>> lo, hi = theta_constants(alpha=0.6, S=1.0, r=0.01)
    >>> round(lo, 4), round(hi, 4)
    (0.3646, 0.9646)
    """
    a_inf = float(constants.A_lambda("inf", alpha=alpha, S=S, r=r))
    a_n = float(constants.A_N(alpha=alpha, S=S))
    return min(a_inf, a_n), a_inf + a_n
