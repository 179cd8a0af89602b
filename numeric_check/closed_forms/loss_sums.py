"""Direct sums of the multilinear model's loss (Eqs. 12, 236, 274, 319, 325) in NumPy, the
"simulation" side of the scaling-law claims: every skill's loss is evaluated from the logistic
solution of Lemma 1 (:func:`numeric_check.closed_forms.logistic.skill_loss`) and summed, with no
integral approximation.

Infinitely many skills are handled by summing ``K`` skills exactly and adding the rest with
the value of the last skill's loss, which is constant to relative order ``u_K`` there.

Examples
--------
>>> float(parameter_loss(np.array([1.0]), alpha=1.0, S=1.0, zeta=1.6449340668482264, K=10**6)[0]) < 0.5
True
"""
from __future__ import annotations

import numpy as np

from numeric_check.closed_forms.logistic import skill_loss
from numeric_check.simulation.data import skill_probabilities
from numeric_check.validation import positive, positive_array

# skill_loss (Eq. 27 at u = eta S T d_k/D, Eq. 239) is numeric_check.closed_forms.logistic's,
# offered here too beside the sums that use it.
__all__ = ["skill_loss", "time_loss", "data_loss", "parameter_loss"]


def _frequencies(alpha: float, zeta: float, K: int) -> np.ndarray:
    return np.arange(1, K + 1, dtype=np.float64) ** (-(alpha + 1.0)) / zeta


def time_loss(etaST, *, alpha: float, S: float, r: float, zeta: float, N=None, K: int = 2_000_000) -> np.ndarray:
    """Eq. 236 with ``D, n_s -> inf``: ``sum_{k<=N} P_s(k) Phi(eta S T P_s(k)) + S^2/2 sum_{k>N} P_s(k)``;
    ``N=None`` keeps every skill (Eq. 319 with ``n_s = inf``). ``N`` may vary with ``etaST``."""
    x = positive_array("etaST", etaST)
    alpha, S, r, zeta = positive("alpha", alpha), positive("S", S), positive("r", r), positive("zeta", zeta)
    Ns = np.broadcast_to(np.asarray(K if N is None else N), x.shape)
    if N is not None:               # the tail 1 - sum_{k<=N} P_s(k) needs no skill beyond max(N)
        K = int(np.max(Ns))
    P = _frequencies(alpha, zeta, K)
    cum = np.cumsum(P)
    out = np.empty(x.shape)
    for i, (v, n) in enumerate(zip(x.ravel(), Ns.ravel())):   # a few T values; vectorised over skills
        n = int(n)
        head = float(np.sum(P[:n] * skill_loss(v * P[:n], S=S, r=r)))
        rest = max(1.0 - cum[n - 1], 0.0)
        tail = rest * (float(skill_loss(v * P[n - 1], S=S, r=r)) if N is None else S**2 / 2.0)
        out.flat[i] = head + tail
    return out


def data_loss(D, *, alpha: float, S: float, r: float, n_s: int) -> np.ndarray:
    """Eq. 274 with ``N = n_s``: ``(S-r)^2/2 sum_k P_s(k) (1-P_s(k))^D`` (exact expectation over
    datasets of the converged one-shot learner), finite ``n_s`` with exact normalisation."""
    Ds = positive_array("D", D)
    P = skill_probabilities(alpha, n_s)
    logq = np.log1p(-P)
    return np.array([(S - r) ** 2 / 2.0 * float(np.sum(P * np.exp(d * logq))) for d in Ds.ravel()]).reshape(Ds.shape)


def parameter_loss(N, *, alpha: float, S: float, zeta: float, K: int = 2_000_000) -> np.ndarray:
    """Eq. 325 with ``n_s = inf``: ``S^2/2 sum_{k>N} P_s(k)`` (``1 - sum_{k<=N}``)."""
    Ns = positive_array("N", N)
    P = _frequencies(alpha, zeta, K)
    cum = np.cumsum(P)
    return np.array([S**2 / 2.0 * (1.0 - cum[int(n) - 1]) for n in Ns.ravel()]).reshape(Ns.shape)
