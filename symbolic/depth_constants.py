"""Numbers of the depth-L model (:mod:`symbolic.depth`) to any precision with mpmath.

The exact solution of the balanced depth-L flow is implicit: in dimensionless time
``u = eta p S^(2-2/L) t`` a skill started at ``R_0 = rho S`` reaches ``R = y S`` at
``u(y) = G(y^(1/L)) - G(rho^(1/L))``, ``G`` the antiderivative of ``sigma^(1-L)/(1-sigma^L)``
derived in :func:`symbolic.depth.factor_antiderivative` (evaluated here through ``lambdify``
to mpmath; L >= 7 through the hypergeometric form). From it:

* :func:`times` -- ``I_e = u(epsilon)``, ``I_s = u(1-epsilon) - u(epsilon)``, so
  ``tau^(e) = I_e / (eta P_s(k) S^(2-2/L))``;
* :func:`time_integral` -- ``int_lower^inf u^(-1/(alpha+1)) Phi_L(u) du`` with the depth-L
  skill loss ``Phi_L(u) = S^2 (1 - y(u))^2 / 2`` in place of Eq. 239, integrated by parts
  (``dPhi = -S^2 (1-y) dy``) into ``S^2 (alpha+1)/alpha int u(y)^(alpha/(alpha+1)) (1-y) dy``, whose
  integrand is bounded (no endpoint singularity);
* :func:`A_lambda`, :func:`A_T` -- Theorem 4 / Eq. 238 and Eq. 321 with ``eta S`` replaced by
  ``eta S^(2-2/L)``; :func:`compute_constant` -- Cor. 5 / Eq. 330.

Examples
--------
>>> from symbolic.constants import A_T as paper_A_T, nstr
>>> nstr(A_T(2, alpha="0.6", S=1, r="0.01", eta=1), 10) == nstr(paper_A_T(alpha="0.6", S=1, r="0.01", eta=1), 10)
True
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import mpmath

from numeric_check.validation import ArgumentError, integer, positive
from symbolic.constants import eq_238

__all__ = ["antiderivative", "dimensionless_time", "level_at", "times", "phi", "time_integral", "A_lambda", "A_T",
           "compute_constant", "DepthComputeConstant", "GUARD"]

GUARD = 10


@lru_cache(maxsize=64)
def antiderivative(L: int):
    """``G`` as an mpmath function of ``sigma`` (from SymPy's ``integrate``, or ``2F1`` for L >= 7)."""
    import sympy as sp

    from symbolic import depth as dp

    G = dp.factor_antiderivative(L)
    if G is None:
        def G_hyp(s):      # b at the caller's precision (the function is cached across precisions)
            b = mpmath.mpf(2 - L) / L
            return s ** (2 - L) / (2 - L) * mpmath.hyp2f1(1, b, b + 1, s**L)
        return G_hyp
    return sp.lambdify(dp.sigma_f, G, modules="mpmath")


def dimensionless_time(L: int, y, rho):
    """``u(y) = G(y^(1/L)) - G(rho^(1/L))``: dimensionless time from ``R/S = rho`` to ``R/S = y``."""
    G = antiderivative(L)
    return mpmath.re(G(mpmath.root(y, L)) - G(mpmath.root(rho, L)))


def level_at(L: int, u, rho):
    """``y(u)``: R/S at dimensionless time ``u`` (root of :func:`dimensionless_time` in sigma).

    Solved in ``t = log sigma`` (``G(e^t)`` is increasing; across the decades from ``sigma_0``
    to 1 it is far from linear in sigma): bisection to a bracket of width ``10^-4``, then the
    Anderson-Björck method inside it to the working precision in ``t``, falling back to
    bisection should it leave the bracket."""
    if u <= 0:
        return mpmath.mpf(rho)
    G = antiderivative(L)
    s0 = mpmath.root(rho, L)
    g0 = mpmath.re(G(s0))
    hi = 1 - mpmath.mpf(10) ** -3
    while mpmath.re(G(hi)) - g0 < u:
        hi = 1 - (1 - hi) / 1000
        if 1 - hi < mpmath.mpf(10) ** (-mpmath.mp.dps + 2):
            return mpmath.mpf(1)

    def F(t):
        return mpmath.re(G(mpmath.exp(t))) - g0 - u

    a, b = mpmath.log(s0), mpmath.log(hi)
    while b - a > mpmath.mpf(10) ** -4:
        m = (a + b) / 2
        if F(m) < 0:
            a = m
        else:
            b = m
    tol = mpmath.eps * 64 * max(1, abs(a))
    t = mpmath.findroot(F, (a, b), solver="anderson", tol=tol, verify=False, maxsteps=200)
    if not a <= t <= b:
        while b - a > tol:
            m = (a + b) / 2
            if F(m) < 0:
                a = m
            else:
                b = m
        t = (a + b) / 2
    return mpmath.exp(t) ** L


def _prec(L, rho, dps):
    """Working digits: ``dps`` plus guard plus the digits lost in ``G(sigma) - G(sigma_0)``."""
    lost = 0 if L <= 2 else int(mpmath.ceil(mpmath.log10(1 + mpmath.root(rho, L) ** (2 - L))))
    return dps + GUARD + lost


def _mp(name: str, value):
    """``value`` (> 0) as an mpf at the current precision: a float or string is read as the
    decimal it prints as (``0.6`` is 6/10), as :mod:`symbolic.constants` reads it."""
    positive(name, value)
    return value if isinstance(value, mpmath.mpf) else mpmath.mpf(str(value))


def _check(L, alpha, S, r, dps):
    """Validated arguments (numbers still as given: convert them with :func:`_mp` inside the
    working precision)."""
    from symbolic import depth as dp

    L = dp.depth(L)
    dps = integer("--dps", dps, minimum=5, maximum=200)
    a, s_, r_ = positive("--alpha", alpha), positive("--S", S), positive("--r", r)
    if not r_ < s_:
        raise ArgumentError(f"--r must lie in (0, S) = (0, {s_:g}), got {r!r}")
    return L, alpha, S, r, dps


def _rho(r, S) -> float:
    return positive("--r", r) / positive("--S", S)


def times(L: int, *, rho, epsilon, dps: int = 15) -> tuple:
    """``(I_e, I_s)``: emergence and saturation times in units of ``1/(eta p S^(2-2/L))``."""
    with mpmath.workdps(_prec(L, mpmath.mpf(rho), dps)):
        rho, eps = mpmath.mpf(rho), mpmath.mpf(epsilon)
        if not 0 < rho < eps < 1 - eps:
            raise ArgumentError(f"need 0 < r/S < epsilon < 1/2; got r/S={mpmath.nstr(rho, 6)}, "
                                f"epsilon={mpmath.nstr(eps, 6)}")
        Ie = dimensionless_time(L, eps, rho)
        Is = dimensionless_time(L, 1 - eps, rho) - Ie
        return +Ie, +Is


def phi(L: int, u, *, S, rho):
    """``Phi_L(u) = S^2 (1 - y(u))^2 / 2``: the depth-L skill loss at dimensionless time u."""
    return S**2 * (1 - level_at(L, u, rho)) ** 2 / 2


def _integral(L, alpha, S, rho, lower):
    """Body of :func:`time_integral` at working precision (mpf arguments)."""
    q = alpha / (alpha + 1)
    y_lo = rho if lower == 0 else level_at(L, lower, rho)
    points = [y_lo]
    x = y_lo * 10
    while x < mpmath.mpf("0.5"):
        points.append(x)
        x *= 10
    points += [mpmath.mpf(v) for v in ("0.5", "0.9") if mpmath.mpf(v) > y_lo] + [mpmath.mpf(1)]
    G = antiderivative(L)
    g0 = mpmath.re(G(mpmath.root(rho, L)))

    def f(yy):
        # u(y)^q (1 - y); where y rounds to 1 in sigma = y^(1/L), u is infinite and the
        # integrand, bounded by (1 - y) |log(1 - y)|^q / L^q, is below the working precision
        u = mpmath.re(G(mpmath.root(yy, L))) - g0 if yy < 1 else mpmath.inf
        # (rounding may leave u a hair below 0 at y = R_0/S, where u = 0)
        return max(u, 0) ** q * (1 - yy) if mpmath.isfinite(u) else mpmath.mpf(0)
    value, error = mpmath.quad(f, points, error=True)
    value = S**2 / q * value
    if lower > 0:
        value -= lower**q * phi(L, lower, S=S, rho=rho) / q
    return value, error


def time_integral(L: int, *, alpha, S, r, lower=0, dps: int = 15):
    """``int_lower^inf u^(-1/(alpha+1)) Phi_L(u) du`` (Eq. 238's integral with the depth-L curve)."""
    L, alpha, S, r, dps = _check(L, alpha, S, r, dps)
    with mpmath.workdps(_prec(L, mpmath.mpf(_rho(r, S)), dps)):
        alpha, S, r = _mp("--alpha", alpha), _mp("--S", S), _mp("--r", r)
        lower = mpmath.mpf(0) if lower == 0 else _mp("lower", lower)
        value, error = _integral(L, alpha, S, r / S, lower)
        if not error <= abs(value) * mpmath.mpf(10) ** (-dps - 1) + mpmath.mpf(10) ** (-dps - 3):
            raise ArithmeticError(f"depth-{L} time integral: quadrature error {mpmath.nstr(error, 3)} at dps={dps}")
    return +value


def _A(L, mu, alpha, S, rho):
    return eq_238(mu, alpha, S, lambda lower: _integral(L, alpha, S, rho, lower)[0])


def A_lambda(L: int, lam, *, alpha, S, r, dps: int = 15):
    """Eq. 238 with ``Phi_L``: ``A(lambda) = lim (eta S^(2-2/L) T)^(alpha/(alpha+1)) L_inf`` for
    ``N / (eta S^(2-2/L) T)^(1/(alpha+1)) -> lambda`` (``lam`` may be ``"inf"``)."""
    L, alpha, S, r, dps = _check(L, alpha, S, r, dps)
    with mpmath.workdps(_prec(L, mpmath.mpf(_rho(r, S)), dps)):
        mu = mpmath.inf if str(lam).strip().lower() in ("inf", "+inf") else _mp("lambda", lam)
        S_ = _mp("--S", S)
        value = _A(L, mu, _mp("--alpha", alpha), S_, _mp("--r", r) / S_)
    return +value


def A_T(L: int, *, alpha, S, r, eta, dps: int = 15):
    """Eq. 321 at depth L: ``A_T = A(inf) (eta S^(2-2/L))^(-alpha/(alpha+1))``."""
    positive("--eta", eta)
    L, alpha, S, r, dps = _check(L, alpha, S, r, dps)
    with mpmath.workdps(_prec(L, mpmath.mpf(_rho(r, S)), dps)):
        a, S_, eta = _mp("--alpha", alpha), _mp("--S", S), _mp("--eta", eta)
        value = _A(L, mpmath.inf, a, S_, _mp("--r", r) / S_) * (eta * S_ ** (2 - mpmath.mpf(2) / L)) ** (-a / (a + 1))
    return +value


@dataclass(frozen=True)
class DepthComputeConstant:
    """Cor. 5 at depth L: ``A_C``, the minimiser ``lambda_star`` of Eq. 330 and ``mu_star``."""

    A_C: mpmath.mpf
    lambda_star: mpmath.mpf
    mu_star: mpmath.mpf


def compute_constant(L: int, *, alpha, S, r, eta, dps: int = 15) -> DepthComputeConstant:
    """Eq. 330 at depth L: ``A_C = min_lambda A(lambda^((alpha+2)/(alpha+1))) lambda^(alpha/(alpha+1))
    (eta S^(2-2/L))^(-alpha/(alpha+2))``. With ``mu = lambda^((alpha+2)/(alpha+1))`` the derivative
    of ``A(mu) mu^(alpha/(alpha+2))`` has the sign of ``zeta mu^alpha (alpha/(alpha+2)) A(mu) - (S^2/2 - Phi_L(u0))``,
    ``u0 = mu^-(alpha+1)/zeta`` (Leibniz's rule on Eq. 238); its sign change is bracketed on a
    logarithmic grid (factors of 10 from mu = 1), narrowed by bisection in ``log mu`` at low
    precision and refined by the Anderson-Björck method (bisection as fallback) at the working precision. The function is divided
    by ``S^2`` and ``S^2/2 - Phi_L`` is written ``S^2 y (2 - y)/2``, so it loses no digits at small ``r``."""
    positive("--eta", eta)
    L, alpha, S, r, dps = _check(L, alpha, S, r, dps)
    with mpmath.workdps(_prec(L, mpmath.mpf(_rho(r, S)), dps)):
        a, S_, eta = _mp("--alpha", alpha), _mp("--S", S), _mp("--eta", eta)
        rho = _mp("--r", r) / S_
        zeta = mpmath.zeta(a + 1)

        def h(mu):
            # divided by S^2 (A and Phi_L are S^2 times functions of u), and S^2/2 - Phi_L(u0)
            # written as S^2 y (2 - y)/2: no cancellation when y(u0) is near r/S (small r)
            u0 = mu ** (-(a + 1)) / zeta
            y0 = level_at(L, u0, rho)
            return zeta * mu**a * a / (a + 2) * _A(L, mu, a, S_, rho) / S_**2 - y0 * (2 - y0) / 2

        def g(x):
            return h(mpmath.exp(x))

        with mpmath.workdps(_prec(L, rho, 5)):   # bracket and bisection at low precision
            # bracket: walk from mu = 1 by factors of 10 to the sign change (the derivative is
            # negative for small mu, positive for large)
            lo = mpmath.mpf(0)
            down = g(lo) > 0
            for _ in range(60):
                hi = lo - mpmath.log(10) if down else lo + mpmath.log(10)
                if (g(hi) > 0) != down:
                    break
                lo = hi
            else:
                raise ArithmeticError(f"depth-{L} compute constant: no sign change of the derivative in mu = 10^+-60")
            a_, b_ = (hi, lo) if hi < lo else (lo, hi)
            ga = g(a_)
            for _ in range(40):               # bisection in log mu to a relative width 1e-6 of mu
                m = (a_ + b_) / 2
                gm = g(m)
                if (gm > 0) == (ga > 0):
                    a_, ga = m, gm
                else:
                    b_ = m
                if b_ - a_ < mpmath.mpf(10) ** -6:
                    break
        # Anderson-Björck inside the bracket (a bracketing method: the function is steep where
        # y(u0) rises, a step of width ~ I_s/I_e in log u at small r), bisection should it stop outside
        tol = mpmath.mpf(10) ** (-(dps + 3))
        log_mu = mpmath.findroot(g, (a_, b_), solver="anderson", tol=tol, maxsteps=100, verify=False)
        if not a_ <= log_mu <= b_:
            ga = g(a_)
            while b_ - a_ > tol:
                m = (a_ + b_) / 2
                gm = g(m)
                if (gm > 0) == (ga > 0):
                    a_, ga = m, gm
                else:
                    b_ = m
            log_mu = (a_ + b_) / 2
        mu = mpmath.exp(log_mu)
        value = _A(L, mu, a, S_, rho) * mu ** (a / (a + 2)) * (eta * S_ ** (2 - mpmath.mpf(2) / L)) ** (-a / (a + 2))
        return DepthComputeConstant(+value, +mu ** ((a + 1) / (a + 2)), +mu)
