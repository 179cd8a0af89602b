"""Exact loss curves of the depth-L model for any frequency law: ``L(T) = sum_k P_s(k) Phi_L(eta
S^(2-2/L) T P_s(k))`` (Eq. 236 with ``N = n_s = infinity`` for the power law and the cutoff law,
a finite sum for a table), the curve ``Phi_L`` tabulated from the flow."""
from __future__ import annotations

import mpmath
import numpy as np

from numeric_check.simulation.depth import flow_curve

__all__ = ["loss_curve", "cutoff_probabilities", "U_MIN", "MAX_TERMS"]

#: Skills whose dimensionless time ``u`` stays below this are summed linearised:
#: ``Phi(0) + Phi'(0) u`` (error ``O(u^2)``), with Hurwitz zeta sums for the power law.
U_MIN = 1e-3
#: At most this many skills are summed term by term (the rest through the linearised tail).
MAX_TERMS = 2 * 10**6


def cutoff_probabilities(alpha: float, kc: float) -> np.ndarray:
    """``P_s(k) = k^-(alpha+1) e^(-k/k_c) / Li_{alpha+1}(e^(-1/k_c))`` for ``k = 1..K``,
    ``K = 60 k_c + 1000``, computed in logarithms (the normaliser, ``~e^(-1/k_c)`` for small
    ``k_c``, underflows a double below ``k_c ~ 1/700``). The skills beyond K carry a probability
    below ``e^-60`` of the first's (``P_{K+j}/P_1 < e^(-(K-1)/k_c) < e^-60``), so the loss they
    leave out is below ``e^-60 S^2/2`` per unit of ``P_1`` times their number weighted by the
    geometric factor ``1/(1 - e^(-1/k_c))``, i.e. below ``S^2 (k_c + 1) e^-60``.
    """
    K = int(60 * kc) + 1000
    k = np.arange(1, K + 1, dtype=np.float64)
    log_norm = float(mpmath.log(mpmath.polylog(alpha + 1, mpmath.exp(-1 / mpmath.mpf(kc)))))
    return np.exp(-(alpha + 1) * np.log(k) - k / kc - log_norm)


def loss_curve(L: int, law, *, S: float, r: float, eta: float, times) -> dict:
    """``{"T": times, "loss": L(T), "tail_u_max": largest u of a linearised skill}``."""
    rho = r / S
    uu, y = flow_curve(L, rho)
    scale = eta * S ** (2 - 2 / L)
    phi0 = S**2 * (1 - rho) ** 2 / 2
    dphi0 = -S**2 * (1 - rho) ** 2 * L * rho ** (2 - 2 / L)           # dPhi/du at u = 0
    losses, tail_u = [], 0.0
    P_fixed = None
    if law.kind == "table":
        P_fixed = np.array(law.table)
    elif law.kind == "cutoff":
        P_fixed = cutoff_probabilities(law.alpha, law.kc)
    for T in times:
        tau = scale * float(T)
        if P_fixed is not None:
            P, tail = P_fixed, 0.0
        else:
            a = law.alpha
            zeta = float(mpmath.zeta(a + 1))
            K = min(int((tau / (zeta * U_MIN)) ** (1 / (a + 1))) + 1, MAX_TERMS)
            k = np.arange(1, K + 1, dtype=np.float64)
            P = k ** (-(a + 1)) / zeta
            tail_p = float(mpmath.zeta(a + 1, K + 1)) / zeta
            tail_p2 = float(mpmath.zeta(2 * (a + 1), K + 1)) / zeta**2
            tail = phi0 * tail_p + dphi0 * tau * tail_p2
            tail_u = max(tail_u, tau * (K + 1) ** (-(a + 1)) / zeta)
        yk = np.interp(tau * P, uu, y, right=1.0)
        losses.append(float(np.sum(P * S**2 * (1 - yk) ** 2 / 2)) + tail)
    return {"T": [float(T) for T in times], "loss": losses, "tail_u_max": tail_u}
