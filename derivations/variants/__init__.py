"""Variants of the paper's model chosen by the user: depth L (``f = sum_k prod_l a_k^(l) g_k``) and
the skill-frequency law. The variant's results are Claims like the paper's (statement, steps,
symbolic and numeric check), built for the chosen depth; they are not in the paper's registry.

* :func:`variant` -- the chosen model, every argument checked (one ArgumentError line);
* :func:`claims` -- its claims (ODE, exact solution, times, r -> 0 asymptotics, time law);
* :func:`summary` -- the numbers ``emergence variant --json`` prints.
"""
from __future__ import annotations

from dataclasses import dataclass

from numeric_check.validation import ArgumentError, finite, integer, open_interval, positive
from symbolic.constants import ALPHA_RANGE, R_OVER_S_RANGE, S_RANGE

__all__ = ["Variant", "variant", "claims", "summary", "CLAIM_MODULES", "MAX_SKILLS_LISTED", "ETA_RANGE", "KC_RANGE", "MAX_DELAY_DIGITS"]

#: The claim modules of a variant, in document order.
CLAIM_MODULES = ("depth_ode", "depth_solution", "depth_times", "depth_asymptotic", "depth_time_law")
#: ``--skills``: the times are listed for k = 1..K, K at most this.
MAX_SKILLS_LISTED = 1000
#: ``--eta``: with ``alpha``, ``S`` and ``r/S`` in :mod:`symbolic.constants`' ranges (ALPHA_RANGE,
#: S_RANGE, R_OVER_S_RANGE) every number of the variant is computed within these bounds
#: (``eta S^(2-2/L) T`` stays far inside double range for the loss curve's ``T <= 10^6``).
ETA_RANGE = (1e-30, 1e30)
#: ``--r`` at depth L >= 3: the emergence delay ``I_e ~ (S/r)^((L-2)/L)/(L-2)`` is at most
#: ``10^MAX_DELAY_DIGITS``. Every evaluation of ``G(sigma) - G(sigma_0)`` loses that many digits and
#: the minimiser of Eq. 330 sits on an emergence step of relative width ``I_s/I_e`` in ``log u``;
#: at the bound ``compute_constant`` takes 17 s at L = 3 (r/S = 1e-36) on the shared 2-core machine.
MAX_DELAY_DIGITS = 12
#: ``--kc``: the cutoff law's scale; its loss curve sums ``60 k_c + 1000`` terms at most.
KC_RANGE = (1e-3, 1e5)


def _in_range(name: str, value: float, bounds) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise ArgumentError(f"{name} must lie in [{low:g}, {high:g}] (the range where the variant's numbers are "
                            f"computed reliably), got {value:g}")


@dataclass(frozen=True)
class Variant:
    """The chosen model: depth, frequency law and the parameters of the numbers reported."""

    depth: int
    alpha: float
    S: float
    r: float
    eta: float
    epsilon: float = 0.05
    skills: int = 5
    dps: int = 15
    frequencies: str = "powerlaw"
    kc: float | None = None


def variant(*, depth, alpha, S, r, eta, epsilon=0.05, skills=5, dps=15, frequencies="powerlaw", kc=None) -> Variant:
    """A :class:`Variant` with every argument checked.

    Examples
    --------
    >>> variant(depth=3, alpha=0.6, S=1, r=0.01, eta=1).depth
    3
    >>> variant(depth=0, alpha=0.6, S=1, r=0.01, eta=1)
    Traceback (most recent call last):
    ...
    numeric_check.validation.ArgumentError: --depth must be an integer in [1, 64], got 0
    """
    from symbolic.depth import depth as checked_depth

    L = checked_depth(depth)
    alpha, S, eta = positive("--alpha", alpha), positive("--S", S), positive("--eta", eta)
    r = positive("--r", r)
    _in_range("--alpha", alpha, ALPHA_RANGE)
    _in_range("--S", S, S_RANGE)
    if not r < S:
        raise ArgumentError(f"--r must lie in (0, S) = (0, {S:g}), got {r:g}")
    if not R_OVER_S_RANGE[0] * (1 - 1e-12) <= r / S <= R_OVER_S_RANGE[1]:      # (r/S rounded)
        raise ArgumentError(f"--r must satisfy {R_OVER_S_RANGE[0]:g} <= r/S <= {R_OVER_S_RANGE[1]:g} (the range where "
                            f"the constants are computed reliably), got r/S = {r / S:g}")
    if L >= 3 and r / S < 10.0 ** (-MAX_DELAY_DIGITS * L / (L - 2)) * (1 - 1e-12):
        raise ArgumentError(f"--r: at depth {L} r/S must be at least 10^-{MAX_DELAY_DIGITS * L / (L - 2):.4g} "
                            f"(I_e ~ (S/r)^((L-2)/L) at most 10^{MAX_DELAY_DIGITS}, the range where the constants "
                            f"are computed in seconds), got r/S = {r / S:g}")
    _in_range("--eta", eta, ETA_RANGE)
    epsilon = open_interval("--epsilon", epsilon, 0.0, 0.5)
    if not r / S < epsilon:
        raise ArgumentError(f"--epsilon must exceed r/S = {r / S:g} (the emergence threshold lies above the start), "
                            f"got {epsilon:g}")
    skills = integer("--skills", skills, minimum=1, maximum=MAX_SKILLS_LISTED)
    dps = integer("--dps", dps, minimum=5, maximum=200)
    if kc is not None:
        if (frequencies or "powerlaw") != "cutoff":
            raise ArgumentError("--kc is only used with --frequencies cutoff")
        kc = positive("--kc", finite("--kc", kc))
        _in_range("--kc", kc, KC_RANGE)
    return Variant(L, alpha, S, r, eta, epsilon, skills, dps, frequencies or "powerlaw", kc)


def claims(v: Variant) -> list:
    """The variant's claims at its depth (imported lazily)."""
    import importlib

    return [importlib.import_module(f"derivations.variants.{name}").claim(v.depth) for name in CLAIM_MODULES]


def summary(v: Variant) -> dict:
    """The numbers of ``emergence variant --json``: exponents, prefactors, times per skill, the
    stage-like range, the sharpness ``tau^(s)/tau^(e)`` and what changed against L = 2."""
    import mpmath

    from symbolic import depth_constants as dc
    from symbolic.constants import EXPONENTS, nstr
    from symbolic.frequencies import frequency_law

    law = frequency_law(v.frequencies, alpha=v.alpha, kc=v.kc)
    L, dps = v.depth, v.dps
    digits = dps
    with mpmath.workdps(dps + 10):
        rho = mpmath.mpf(v.r) / v.S
        Ie, Is = dc.times(L, rho=rho, epsilon=v.epsilon, dps=dps)
        scale = mpmath.mpf(v.eta) * mpmath.mpf(v.S) ** (2 - mpmath.mpf(2) / L)
        listed = v.skills if law.kind != "table" else min(v.skills, len(law.table))
        ks = list(range(1, listed + 1))
        probs = [law.probability(k) for k in ks]
        tau_e = [Ie / (scale * pk) if pk > 0 else mpmath.inf for pk in probs]
        tau_s = [Is / (scale * pk) if pk > 0 else mpmath.inf for pk in probs]
        # Eq. 41 at depth L holds for k < k* = 1/((1 + I_s/I_e)^(1/(alpha+1)) - 1) (power law)
        # (expm1/log1p: at small r, I_s/I_e is below the working precision)
        k_star = 1 / mpmath.expm1(mpmath.log1p(Is / Ie) / (mpmath.mpf(v.alpha) + 1))
        out = {
            "depth": L,
            "frequencies": law.describe(),
            "parameters": {"alpha": v.alpha, "S": v.S, "r": v.r, "eta": v.eta, "epsilon": v.epsilon,
                           "skills": v.skills, "dps": dps},
            "ode": f"dR/dt = {L} eta p R^({2 - 2 / L:g}) (S - R)",
            "time_unit": f"1/(eta P_s(k) S^{2 - 2 / L:g})",
            "I_e": float(Ie), "I_s": float(Is),
            "sharpness_tau_s_over_tau_e": float(Is / Ie),
            "tau_emerge": [float(x) for x in tau_e],
            "tau_saturate": [float(x) for x in tau_s],
            "P_s": [float(x) for x in probs],
        }
        if listed < v.skills:
            out["skills_note"] = (f"the table has {len(law.table)} skills: times listed for k = 1..{listed} "
                                  f"(--skills {v.skills} asked for more)")
    from derivations.variants.loss import loss_curve

    out["loss_curve"] = loss_curve(L, law, S=v.S, r=v.r, eta=v.eta, times=[10.0**e for e in range(-1, 7)])
    with mpmath.workdps(dps + 10):
        if law.has_exponents:
            from fractions import Fraction

            a = Fraction(repr(v.alpha))          # the decimal the user wrote: -3/8, not -0.37499999999999994
            out["exponents"] = {name: float((p1 * a + p0) / (q1 * a + q0))
                                for name, (p1, p0, q1, q0) in EXPONENTS.items()}
            A_T = dc.A_T(L, alpha=v.alpha, S=v.S, r=v.r, eta=v.eta, dps=dps)
            cc = dc.compute_constant(L, alpha=v.alpha, S=v.S, r=v.r, eta=v.eta, dps=dps)
            out.update(A_T=float(A_T), A_C=float(cc.A_C), lambda_star=float(cc.lambda_star),
                       A_T_digits=nstr(A_T, digits), A_C_digits=nstr(cc.A_C, digits),
                       lambda_star_digits=nstr(cc.lambda_star, digits),
                       stage_like_below_k=float(k_star))
        else:
            out["exponents"] = {name: None for name in ("T", "D", "N", "C")}
            out.update(A_T=None, A_C=None, lambda_star=None, stage_like_below_k=None,
                       note="no power-law tail: the App. E exponents and Eq. 238's prefactors do not apply")
        if L >= 3:
            out["emergence_asymptotic"] = {"power_of_1_over_r": (L - 2) / L,
                                           "coefficient": "1/(eta p S)" if L == 3 else f"1/({L - 2} eta p S)"}
        elif L == 2:
            out["emergence_asymptotic"] = {"power_of_1_over_r": 0, "coefficient": "log(S/r)/(2 eta p S)"}
        else:
            out["emergence_asymptotic"] = {"power_of_1_over_r": 0, "coefficient": "-log(1-epsilon)/(eta p) (finite)"}
    return out
