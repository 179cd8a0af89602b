"""Scaling-law prefactors of App. J evaluated to any precision with mpmath.

Every constant is computed here from its defining integral, sum or special function, at
``dps`` significant digits (working precision ``dps + 10`` inside :func:`mpmath.workdps`, so
the caller's precision is untouched). Arguments may be floats, ints, decimal strings or
``mpmath.mpf``; floats and strings are read as the decimal they print as (``0.6`` means
6/10, not the nearest double), so ``A_T(alpha="0.6", ...)`` at ``dps=50`` is correct to 50
digits for alpha = 0.6 exactly.

Contents (the summary of App. J: Thms. 1, 4, 5, Cor. 5, Prop. 7):

* :func:`A_N` — Theorem 1, ``S^2 (1-gamma^alpha) / (2 alpha zeta(alpha+1))``; :func:`A_N_eq327`
  the paper's shortcut ``S^2/2``, 18-57% too large at alpha = 0.3-0.9 (``alpha zeta(alpha+1)`` is not 1).
* :func:`time_integral` — ``int_lower^inf u^(-1/(alpha+1)) Phi_{S,r}(u) du`` by tanh-sinh
  quadrature after the substitution ``v = u^(alpha/(alpha+1))`` that removes the endpoint
  singularity; :func:`time_integral_polylog` the same integral (``lower = 0``) in closed form
  through complete Fermi-Dirac integrals (polylogarithms of non-integer order).
* :func:`A_lambda` — Theorem 4, Eq. 238; :func:`A_T` — Eq. 321.
* :func:`A_D` — Theorem 5, Eq. 302; :func:`data_bracket` — Eq. 300 at ``D/N^(alpha+1) -> mu``.
* :func:`compute_constant` — Corollary 5 / Eq. 330 with the minimising ``lambda``.
* :func:`prop7_asymptotic` — Proposition 7; :func:`A_infinity_small_r` its use in Eq. 238.
* :func:`normalisation`, :func:`tail_probability` — Proposition 5 / Lemma 6 exact sums via the
  Hurwitz zeta function.

Examples
--------
>>> nstr(A_N(alpha="0.6", S=1), 10)
'0.3645751381'
>>> nstr(A_D(alpha="0.6", S=1, r="0.01"), 8)
'0.43306578'
>>> nstr(A_T(alpha="0.6", S=1, r="0.01", eta=1, dps=20), 20)
'0.60006177307893266049'
"""
from __future__ import annotations

from dataclasses import dataclass

import mpmath

from numeric_check.validation import ArgumentError, finite, integer, positive

__all__ = [
    "MIN_DPS", "MAX_DPS", "ComputeConstant",
    "phi", "eq_238", "time_integral", "time_integral_polylog",
    "A_N", "A_N_eq327", "A_lambda", "A_T", "A_D", "data_bracket",
    "compute_constant", "prop7_asymptotic", "A_infinity_small_r",
    "normalisation", "tail_probability", "nstr",
    "EXPONENTS", "exponent", "validate_parameters", "ALPHA_RANGE", "S_RANGE", "R_OVER_S_RANGE",
]

MIN_DPS = 5
MAX_DPS = 1000
_GUARD = 10     # extra working digits


def _dps(dps) -> int:
    return integer("dps", dps, minimum=MIN_DPS, maximum=MAX_DPS)


def _mpf(name: str, value, check) -> mpmath.mpf:
    """Validate ``value`` with ``check`` (a float validator) and return it as an mpf of the
    decimal it prints as (call inside the working precision)."""
    if isinstance(value, mpmath.mpf):
        check(name, float(value))
        return +value
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            raise ArgumentError(f"{name} must be a finite number, got {value!r}") from None
    check(name, value)
    return mpmath.mpf(str(value) if not isinstance(value, str) else value.strip())


#: Parameter ranges inside which every constant is computed in seconds at 15 digits (measured:
#: at most 5 s on a 2-core machine; outside them the quadratures and root searches of App. J's
#: integrals slow down without bound or fail, e.g. alpha = 1e-4 takes 67 s and alpha = 1e-9 hangs).
ALPHA_RANGE = (1e-3, 100.0)
S_RANGE = (1e-6, 1e6)
R_OVER_S_RANGE = (1e-100, 0.9)      # compute_constant only: its minimiser needs r well below S


def _in_range(name: str, value, low, high) -> None:
    if not mpmath.mpf(repr(low)) <= value <= mpmath.mpf(repr(high)):
        raise ArgumentError(f"{name} must lie in [{low:g}, {high:g}] (the range where the constants are computed "
                            f"reliably), got {mpmath.nstr(value, 15)}")


def _alpha(value):
    a = _mpf("alpha", value, positive)
    _in_range("alpha", a, *ALPHA_RANGE)
    return a


def _S(value):
    S = _mpf("S", value, positive)
    _in_range("S", S, *S_RANGE)
    return S


def _small_r(r, S, what: str):
    """The small-r forms need log((S-r)/r) >= 0, i.e. r <= S/2 (they are asymptotics as r -> 0)."""
    if not 2 * r <= S:
        raise ArgumentError(f"r must lie in (0, S/2] = (0, {mpmath.nstr(S / 2, 8)}] for {what} (an asymptotic form "
                            f"as r -> 0; its log((S-r)/r) is negative beyond S/2), got {mpmath.nstr(r, 15)}")
    return r


def _r(value, S):
    r = _mpf("r", value, positive)
    if not r < S:
        raise ArgumentError(f"r must lie in (0, S) = (0, {mpmath.nstr(S, 8)}), got {value!r}")
    return r


def _eta(value):
    return _mpf("eta", value, positive)


def validate_parameters(*, alpha, S, r, eta, dps: int = 15) -> int:
    """Check ``alpha > 0``, ``S > 0``, ``0 < r < S``, ``eta > 0`` and the precision ``dps``
    (one :class:`ArgumentError` naming the first bad argument); return ``dps`` as an int.

    Examples
    --------
    >>> validate_parameters(alpha="0.6", S=1, r="0.01", eta=1)
    15
    >>> validate_parameters(alpha=0.6, S=1, r=2, eta=1)
    Traceback (most recent call last):
    ...
    numeric_check.validation.ArgumentError: r must lie in (0, S) = (0, 1.0), got 2
    """
    dps = _dps(dps)
    with mpmath.workdps(dps + _GUARD):
        _alpha(alpha)
        S = _S(S)
        _in_range("r/S", _r(r, S) / S, *R_OVER_S_RANGE)
        _eta(eta)
    return dps


#: The scaling-law exponents of App. E as ``(p1, p0, q1, q0)``, meaning
#: ``(p1 alpha + p0) / (q1 alpha + q0)``: time (Eq. 54), data (Eq. 65), parameters (Eq. 67) and
#: compute (Eq. 76). They are derived by :mod:`symbolic.scaling` (``time_exponent``,
#: ``data_exponent``, ``parameter_exponent``, ``compute_allocation``), which takes about a
#: second of SymPy; the derived forms are stored here so that evaluating them needs no SymPy,
#: and ``tests/symbolic/test_stored_exponents.py`` checks each against its derivation.
EXPONENTS: dict[str, tuple[int, int, int, int]] = {
    "T": (-1, 0, 1, 1),     # -alpha/(alpha+1)
    "D": (-1, 0, 1, 1),     # -alpha/(alpha+1)
    "N": (-1, 0, 0, 1),     # -alpha
    "C": (-1, 0, 1, 2),     # -alpha/(alpha+2)
}


def exponent(name: str, *, alpha, dps: int = 15):
    """The stored exponent ``name`` (``"T"``, ``"D"``, ``"N"`` or ``"C"``) at ``alpha``.

    Examples
    --------
    >>> nstr(exponent("C", alpha="0.6"), 6)
    '-0.230769'
    """
    if name not in EXPONENTS:
        raise ArgumentError(f"exponent name must be one of {', '.join(EXPONENTS)}; got {name!r}")
    dps = _dps(dps)
    with mpmath.workdps(dps + _GUARD):
        a = _alpha(alpha)
        p1, p0, q1, q0 = EXPONENTS[name]
        return (p1 * a + p0) / (q1 * a + q0)


def nstr(x, digits: int) -> str:
    """``x`` as a decimal string with ``digits`` significant digits (trailing zeros kept).

    Examples
    --------
    >>> nstr(mpmath.mpf(1) / 8, 6)
    '0.125000'
    """
    return mpmath.nstr(x, digits, strip_zeros=False, min_fixed=-5, max_fixed=digits)


def phi(u, *, S, r):
    """``Phi_{S,r}(u) = S^2/2 (1 + (S/r-1)^-1 e^(2u))^-2`` (Eq. 239), the skill loss at
    dimensionless time ``u = eta S T P_s(k)``; ``Phi(0) = (S-r)^2/2``.

    Examples
    --------
    >>> phi(0, S=2, r=1)
    mpf('0.5')
    """
    M = S / r - 1
    return S**2 / 2 / (1 + mpmath.exp(2 * u) / M) ** 2


def _check_error(value, error, dps: int, what: str):
    if not error <= abs(value) * mpmath.mpf(10) ** (-dps - 2) + mpmath.mpf(10) ** (-dps - 5):
        raise ArithmeticError(f"{what}: quadrature error {mpmath.nstr(error, 3)} too large at dps={dps}")
    return value


def _time_integral(alpha, S, r, lower, dps):
    """Working-precision body of :func:`time_integral` (arguments already mpf)."""
    s = 1 / (alpha + 1)
    q = 1 - s                     # v = u^q, du = v^(1/q - 1) dv / q, u^-s du = dv / q
    c = mpmath.log(S / r - 1) / 2  # Phi switches from (S-r)^2/2 to 0 around u = c
    v0 = lower**q if lower > 0 else mpmath.mpf(0)
    points = [v0] + [x**q for x in (c - 4, c - 1, c, c + 1, c + 4, c + 30) if x > 0 and x**q > v0]
    points.append(mpmath.inf)
    integrand = lambda v: phi(v ** (1 / q), S=S, r=r) / q  # noqa: E731
    value, error = mpmath.quad(integrand, points, error=True)
    return _check_error(value, error, dps, "time integral")


def time_integral(*, alpha, S, r, lower=0, dps: int = 15):
    """``int_lower^inf u^(-1/(alpha+1)) Phi_{S,r}(u) du`` (the integral of Eqs. 238, 321).

    Computed by tanh-sinh quadrature in ``v = u^(alpha/(alpha+1))`` (smooth integrand), with
    the interval split around the switch point ``u = log(S/r-1)/2``.

    Examples
    --------
    >>> nstr(time_integral(alpha=1, S=1, r="0.5"), 12)   # S/r-1 = 1: Phi = 1/(2(1+e^2u)^2)
    '0.140868643069'
    """
    dps = _dps(dps)
    with mpmath.workdps(dps + _GUARD):
        alpha, S = _alpha(alpha), _S(S)
        r = _r(r, S)
        lower = _mpf("lower", lower, finite)
        if lower < 0:
            raise ArgumentError(f"lower must be >= 0, got {lower}")
        value = _time_integral(alpha, S, r, lower, dps)
    return value


def time_integral_polylog(*, alpha, S, r, dps: int = 15):
    """The integral of :func:`time_integral` with ``lower = 0`` in closed form.

    With ``s = 1/(alpha+1)``, ``M = S/r-1`` and ``(1+e^x)^-2 = f(x) + f'(x)``, ``f = 1/(1+e^x)``,
    the integral is ``S^2/2 * 2^(s-1) Gamma(1-s) [Li_{-s}(-M) - Li_{1-s}(-M)]``
    (complete Fermi-Dirac integrals ``F_j(c) = -Li_{j+1}(-e^c)``). A second route to
    :func:`time_integral` used by the tests.

    Examples
    --------
    >>> nstr(time_integral_polylog(alpha=1, S=1, r="0.5"), 12)
    '0.140868643069'
    """
    dps = _dps(dps)
    with mpmath.workdps(dps + _GUARD):
        alpha, S = _alpha(alpha), _S(S)
        r = _r(r, S)
        s = 1 / (alpha + 1)
        M = S / r - 1
        value = S**2 / 2 * 2 ** (s - 1) * mpmath.gamma(1 - s) * (
            mpmath.polylog(-s, -M) - mpmath.polylog(1 - s, -M))
        value = mpmath.re(value)
    return value


def A_N(*, alpha, S, gamma=0, dps: int = 15):
    """Parameter-law prefactor of Theorem 1: ``S^2 (1-gamma^alpha) / (2 alpha zeta(alpha+1))``,
    ``gamma = lim N/n_s`` in ``[0, 1)``.

    Examples
    --------
    >>> nstr(A_N(alpha="0.3", S=1), 6)
    '0.423878'
    """
    dps = _dps(dps)
    with mpmath.workdps(dps + _GUARD):
        alpha, S = _alpha(alpha), _S(S)
        g = _mpf("gamma", gamma, finite)
        if not 0 <= g < 1:
            raise ArgumentError(f"gamma must lie in [0, 1), got {gamma!r}")
        value = S**2 * (1 - g**alpha) / (2 * alpha * mpmath.zeta(alpha + 1))
    return value


def A_N_eq327(*, S, dps: int = 15):
    """The paper's shortcut ``A_N = S^2/2`` (Eq. 327; it replaces ``zeta(alpha+1)`` by ``1/alpha`` in Thm. 1).

    Examples
    --------
    >>> A_N_eq327(S=2)
    mpf('2.0')
    """
    dps = _dps(dps)
    with mpmath.workdps(dps + _GUARD):
        value = _S(S) ** 2 / 2
    return value


def eq_238(mu, alpha, S, integral):
    """Eq. 238 assembled at ``lambda = mu`` (mpf or inf; arguments mpf) from ``integral(lower)``,
    the integral of ``u^(-1/(alpha+1)) Phi(u)`` from ``lower`` to infinity for the skill curve
    ``Phi`` (Eq. 239 here; the depth-L curve in :mod:`symbolic.depth_constants`)."""
    zeta = mpmath.zeta(alpha + 1)
    if mpmath.isinf(mu):
        lower, tail = mpmath.mpf(0), mpmath.mpf(0)
    else:
        lower = mu ** (-(alpha + 1)) / zeta
        tail = S**2 / (2 * alpha * zeta) * mu ** (-alpha)
    return zeta ** (-1 / (alpha + 1)) / (alpha + 1) * integral(lower) + tail


def _A_lambda(mu, alpha, S, r, dps):
    """Eq. 238 at ``lambda = mu`` (mpf or inf), arguments already mpf."""
    return eq_238(mu, alpha, S, lambda lower: _time_integral(alpha, S, r, lower, dps))


def A_lambda(lam, *, alpha, S, r, dps: int = 15):
    """Theorem 4, Eq. 238: ``A(lambda) = lim (eta S T)^(alpha/(alpha+1)) L_inf(T, N)`` for
    ``N / (eta S T)^(1/(alpha+1)) -> lambda`` (``lam`` may be ``mpmath.inf`` or ``"inf"``).

    Examples
    --------
    >>> nstr(A_lambda("inf", alpha="0.6", S=1, r="0.01"), 10)
    '0.6000617731'
    >>> nstr(A_lambda(1, alpha="0.6", S=1, r="0.01"), 10)
    '0.6095351151'
    """
    dps = _dps(dps)
    with mpmath.workdps(dps + _GUARD):
        alpha, S = _alpha(alpha), _S(S)
        r = _r(r, S)
        if isinstance(lam, str) and lam.strip().lower() in ("inf", "infinity"):
            mu = mpmath.inf
        elif isinstance(lam, mpmath.mpf) and mpmath.isinf(lam) and lam > 0:
            mu = mpmath.inf
        else:
            mu = _mpf("lambda", lam, positive)
        value = _A_lambda(mu, alpha, S, r, dps)
    return value


def A_T(*, alpha, S, r, eta, dps: int = 15):
    """Time-law prefactor, Eq. 321: ``A_T = A(inf) (eta S)^(-alpha/(alpha+1))``.

    Examples
    --------
    >>> nstr(A_T(alpha="0.6", S=1, r="0.01", eta=2), 10)
    '0.4627108812'
    """
    dps = _dps(dps)
    with mpmath.workdps(dps + _GUARD):
        alpha, S = _alpha(alpha), _S(S)
        r, eta = _r(r, S), _eta(eta)
        value = _A_lambda(mpmath.inf, alpha, S, r, dps) * (eta * S) ** (-alpha / (alpha + 1))
    return value


def A_D(*, alpha, S, r, dps: int = 15):
    """Data-law prefactor, Theorem 5 / Eq. 302:
    ``(S-r)^2 zeta(alpha+1)^(-1/(alpha+1)) Gamma(alpha/(alpha+1)) / (2 (alpha+1))``.

    Examples
    --------
    >>> nstr(A_D(alpha="0.9", S=1, r="0.01"), 8)
    '0.35924094'
    """
    dps = _dps(dps)
    with mpmath.workdps(dps + _GUARD):
        alpha, S = _alpha(alpha), _S(S)
        r = _r(r, S)
        value = ((S - r) ** 2 * mpmath.zeta(alpha + 1) ** (-1 / (alpha + 1))
                 * mpmath.gamma(alpha / (alpha + 1)) / (2 * (alpha + 1)))
    return value


def data_bracket(*, alpha, S, r, mu, dps: int = 15):
    """Eq. 300: the coefficient of ``D^(-alpha/(alpha+1))`` when ``D / N^(alpha+1) -> mu``,
    ``(S-r)^2 zeta^(-1/(alpha+1)) Gamma(alpha/(alpha+1), mu/zeta) / (2(alpha+1))
    + S^2 mu^(alpha/(alpha+1)) / (2 alpha zeta)`` with the upper incomplete gamma function.
    ``mu = 0`` gives :func:`A_D`.

    Examples
    --------
    >>> nstr(data_bracket(alpha="0.6", S=1, r="0.01", mu=0), 7) == nstr(A_D(alpha="0.6", S=1, r="0.01"), 7)
    True
    """
    dps = _dps(dps)
    with mpmath.workdps(dps + _GUARD):
        alpha, S = _alpha(alpha), _S(S)
        r = _r(r, S)
        mu = _mpf("mu", mu, finite)
        if mu < 0:
            raise ArgumentError(f"mu must be >= 0, got {mu}")
        zeta = mpmath.zeta(alpha + 1)
        s = alpha / (alpha + 1)
        value = ((S - r) ** 2 * zeta ** (-1 / (alpha + 1)) / (2 * (alpha + 1))
                 * mpmath.gammainc(s, mu / zeta)
                 + S**2 * mu**s / (2 * alpha * zeta))
    return value


@dataclass(frozen=True)
class ComputeConstant:
    """Corollary 5: ``A_C`` and the optimal allocation.

    ``lambda_star`` is the minimiser in the parametrisation ``N = lambda (eta S C)^(1/(alpha+2))``
    (Eq. 250); ``mu_star = lambda_star^((alpha+2)/(alpha+1))`` is the limit of
    ``N / (eta S T)^(1/(alpha+1))`` at the optimum (the argument of ``A`` in Eq. 251).
    """

    A_C: mpmath.mpf
    lambda_star: mpmath.mpf
    mu_star: mpmath.mpf


def _compute_h(mu, alpha, S, r, zeta, dps):
    """``zeta mu^alpha (alpha/(alpha+2)) A(mu) - (S^2/2 - Phi(u0))``: same sign as the
    derivative of ``A(mu) mu^(alpha/(alpha+2))`` (derivative of Eq. 238 by Leibniz's rule)."""
    u0 = mu ** (-(alpha + 1)) / zeta
    return (zeta * mu**alpha * alpha / (alpha + 2) * _A_lambda(mu, alpha, S, r, dps)
            - (S**2 / 2 - phi(u0, S=S, r=r)))


def compute_constant(*, alpha, S, r, eta, dps: int = 15) -> ComputeConstant:
    """Corollary 5 / Eq. 330: ``A_C = min_lambda A(lambda^((alpha+2)/(alpha+1)))
    lambda^(alpha/(alpha+1)) (eta S)^(-alpha/(alpha+2))`` (plus sign, as Eq. 251; the sentence after Cor. 5 has the wrong sign).

    With ``mu = lambda^((alpha+2)/(alpha+1))`` the objective is ``A(mu) mu^(alpha/(alpha+2))``;
    its derivative vanishes where ``(alpha/(alpha+2)) zeta A(mu) mu^alpha = S^2/2 - Phi(u0)``,
    ``u0 = mu^-(alpha+1)/zeta``. That function of ``mu`` is negative as ``mu -> 0`` and
    positive as ``mu -> inf``; its sign change is bracketed on a logarithmic grid and then
    solved by the Anderson-Björck bracketing method.

    Examples
    --------
    >>> c = compute_constant(alpha="0.6", S=1, r="0.01", eta=1)
    >>> nstr(c.A_C, 10), nstr(c.lambda_star, 10)
    ('0.5320184955', '0.5933868513')
    """
    dps = _dps(dps)
    with mpmath.workdps(dps + _GUARD):
        alpha, S = _alpha(alpha), _S(S)
        r, eta = _r(r, S), _eta(eta)
        _in_range("r/S", r / S, *R_OVER_S_RANGE)
        zeta = mpmath.zeta(alpha + 1)
        with mpmath.workdps(20):   # coarse bracket, a factor sqrt(10) wide
            grid = [mpmath.mpf(10) ** (e / mpmath.mpf(2)) for e in range(-8, 13)]
            signs = [_compute_h(m, alpha, S, r, zeta, 8) > 0 for m in grid]
        changes = [i for i in range(len(grid) - 1) if signs[i] != signs[i + 1]]
        if len(changes) != 1 or signs[0]:
            raise ArithmeticError(f"compute constant: expected one sign change of the derivative, found {len(changes)}")
        low, high = grid[changes[0]], grid[changes[0] + 1]
        log_mu = mpmath.findroot(lambda x: _compute_h(mpmath.exp(x), alpha, S, r, zeta, dps),
                                 (mpmath.log(low), mpmath.log(high)), solver="anderson",
                                 tol=mpmath.mpf(10) ** (-(dps + 5)), maxsteps=100)
        mu = mpmath.exp(log_mu)
        value = _A_lambda(mu, alpha, S, r, dps) * mu ** (alpha / (alpha + 2)) * (eta * S) ** (-alpha / (alpha + 2))
        lam = mu ** ((alpha + 1) / (alpha + 2))
        result = ComputeConstant(+value, +lam, +mu)
    return result


def prop7_asymptotic(*, alpha, S, r, dps: int = 15):
    """Proposition 7: ``int u^(-1/(alpha+1)) Phi du ~ (log((S-r)/r))^(alpha/(alpha+1))
    2^(1/(alpha+1)) S^2 (alpha+1) / (4 alpha)`` as ``r -> 0`` (converges logarithmically:
    at the paper's ``r/S = 10^-2`` it is 9-16% too high, so ``A_T`` uses the integral of Eq. 321).

    Examples
    --------
    >>> nstr(prop7_asymptotic(alpha=1, S=1, r="0.5"), 5)   # log 1 = 0
    '0.0'
    """
    dps = _dps(dps)
    with mpmath.workdps(dps + _GUARD):
        alpha, S = _alpha(alpha), _S(S)
        r = _small_r(_r(r, S), S, "Prop. 7's asymptotic")
        value = (mpmath.log((S - r) / r) ** (alpha / (alpha + 1)) * 2 ** (1 / (alpha + 1))
                 * S**2 * (alpha + 1) / (4 * alpha))
    return value


def A_infinity_small_r(*, alpha, S, r, dps: int = 15):
    """``A(inf)`` with Proposition 7's integral:
    ``S^2/(2 alpha) zeta^(-1/(alpha+1)) (log((S-r)/r)/2)^(alpha/(alpha+1))``.

    Examples
    --------
    >>> nstr(A_infinity_small_r(alpha="0.6", S=1, r="0.01"), 6)
    '0.679046'
    """
    dps = _dps(dps)
    with mpmath.workdps(dps + _GUARD):
        alpha, S = _alpha(alpha), _S(S)
        r = _small_r(_r(r, S), S, "the small-r A(infinity)")
        value = (S**2 / (2 * alpha) * mpmath.zeta(alpha + 1) ** (-1 / (alpha + 1))
                 * (mpmath.log((S - r) / r) / 2) ** (alpha / (alpha + 1)))
    return value


def normalisation(*, alpha, n_s, dps: int = 15):
    """``A^-1 = sum_{k=1}^{n_s} k^-(alpha+1) = zeta(alpha+1) - zeta(alpha+1, n_s+1)`` (exact,
    Hurwitz zeta), the normalisation of Proposition 5.

    Examples
    --------
    >>> nstr(normalisation(alpha=1, n_s=2), 6)
    '1.25000'
    """
    dps = _dps(dps)
    n_s = integer("n_s", n_s, minimum=1)
    with mpmath.workdps(dps + _GUARD):
        alpha = _alpha(alpha)
        value = mpmath.zeta(alpha + 1) - mpmath.zeta(alpha + 1, n_s + 1)
    return value


def tail_probability(*, alpha, N, n_s=None, dps: int = 15):
    """``sum_{k=N+1}^{n_s} P_s(k)`` exactly (``n_s=None``: infinitely many skills).

    Examples
    --------
    >>> nstr(tail_probability(alpha=1, N=1, n_s=2), 6)
    '0.200000'
    """
    dps = _dps(dps)
    N = integer("N", N, minimum=0)
    with mpmath.workdps(dps + _GUARD):
        alpha = _alpha(alpha)
        if n_s is None:
            total, upper = mpmath.zeta(alpha + 1), mpmath.mpf(0)
        else:
            n_s = integer("n_s", n_s, minimum=max(N, 1))
            total, upper = normalisation(alpha=alpha, n_s=n_s, dps=dps + _GUARD), mpmath.zeta(alpha + 1, n_s + 1)
        value = (mpmath.zeta(alpha + 1, N + 1) - upper) / total
    return value
