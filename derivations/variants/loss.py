"""Exact loss curves of the depth-L model for any frequency law: ``L(T) = sum_k P_s(k) Phi_L(eta
S^(2-2/L) T P_s(k))`` (Eq. 236 with ``N = n_s = infinity`` for the power law and the cutoff law,
a finite sum for a table), the curve ``Phi_L`` tabulated from the flow."""
from __future__ import annotations

import mpmath
import numpy as np

from numeric_check.simulation.depth import flow_curve

__all__ = ["loss_curve", "U_MIN", "MAX_TERMS"]

#: Skills whose dimensionless time ``u`` stays below this are summed linearised:
#: ``Phi(0) + Phi'(0) u`` (error ``O(u^2)``), with Hurwitz zeta sums for the power law.
U_MIN = 1e-3
#: At most this many skills are summed term by term (the rest through the linearised tail).
MAX_TERMS = 2 * 10**6


def loss_curve(L: int, law, *, S: float, r: float, eta: float, times) -> dict:
    """``{"T": times, "loss": L(T), "tail_u_max": largest u of a linearised skill}``."""
    rho = r / S
    uu, y = flow_curve(L, rho)
    scale = eta * S ** (2 - 2 / L)
    phi0 = S**2 * (1 - rho) ** 2 / 2
    dphi0 = -S**2 * (1 - rho) ** 2 * L * rho ** (2 - 2 / L)           # dPhi/du at u = 0
    losses, tail_u = [], 0.0
    for T in times:
        tau = scale * float(T)
        if law.kind == "table":
            P = np.array(law.table)
            tail = 0.0
        elif law.kind == "cutoff":
            K = int(60 * law.kc) + 1000                                  # P_K / P_1 < e^-60
            k = np.arange(1, K + 1, dtype=np.float64)
            norm = float(mpmath.polylog(law.alpha + 1, mpmath.exp(-1 / mpmath.mpf(law.kc))))
            P = k ** (-(law.alpha + 1)) * np.exp(-k / law.kc) / norm
            tail = 0.0
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
