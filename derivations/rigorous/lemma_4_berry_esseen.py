"""Lemma 4 (Eq. 132): Berry-Esseen for a binomial skill count, with the constant taken as 1.

For ``d_k ~ Binomial(D, p)`` (``p = P_s(k)``) and ``F`` of bounded total variation ``V(F)``,
``|E_D[F(d_k/D)] - E_{z ~ N(p, p(1-p)/D)}[F(z)]| < V(F) / (sqrt(D) sqrt(p(1-p)))``. The Kolmogorov
distance of the two laws is at most ``C rho / (sigma^3 sqrt(D))`` (Berry-Esseen, ``C <= 0.4748``,
Shevtsova 2011) with the Bernoulli moments ``sigma^2 = p(1-p)``, ``rho = E|X - p|^3``; a Stieltjes
integration by parts turns it into ``V(F)`` times that distance.
"""
from __future__ import annotations

import math

import numpy as np
import sympy as sp
from sympy.stats import Bernoulli, E, variance

from derivations.claim import Agreement, Claim, Step
from symbolic.app_j import gaussian_density, z
from symbolic.symbols import D, F, d_k, p

__all__ = ["claim", "V_F", "BERRY_ESSEEN", "deviations"]

#: Total variation of ``F``.
V_F = sp.Symbol("V_F", positive=True)
#: The best known Berry-Esseen constant for i.i.d. sums (Shevtsova 2011); the paper takes 1.
BERRY_ESSEEN = sp.Rational(4748, 10000)
_x = sp.Symbol("x", integer=True)

_BINOMIAL_MEAN = sp.Sum(sp.binomial(D, d_k) * p**d_k * (1 - p) ** (D - d_k) * F(d_k / D), (d_k, 0, D))
_GAUSS_MEAN = sp.Integral(F(z) * gaussian_density(), (z, -sp.oo, sp.oo))
_LHS = sp.Abs(_BINOMIAL_MEAN - _GAUSS_MEAN)


def _third_moment_sum() -> sp.Expr:
    """``E|X - p|^3`` of one Bernoulli(p) draw, summed over ``x = 0, 1`` (``0 < p < 1``)."""
    value = sp.summation(sp.Abs(_x - p) ** 3 * p**_x * (1 - p) ** (1 - _x), (_x, 0, 1))
    return sp.factor(sp.refine(value, sp.Q.lt(p, 1)))


def _third_moment_stats() -> sp.Expr:
    """The same moment by ``sympy.stats`` (a second route)."""
    X = Bernoulli("X", p)
    return sp.factor(sp.refine(sp.simplify(E(sp.Abs(X - p) ** 3)), sp.Q.lt(p, 1)))


def _kolmogorov() -> sp.Expr:
    """Berry-Esseen: ``C rho / (sigma^3 sqrt(D))`` with the Bernoulli moments."""
    sigma2 = sp.factor(variance(Bernoulli("X", p)))
    return sp.factor(sp.simplify(BERRY_ESSEEN * _third_moment_sum() / (sigma2 ** sp.Rational(3, 2) * sp.sqrt(D))))


def _shape() -> sp.Expr:
    """``p^2 + (1-p)^2 = rho / sigma^2``, the factor the constant-1 bound drops."""
    return sp.factor(sp.cancel(_third_moment_sum() / sp.factor(variance(Bernoulli("X", p)))))


def _statement() -> sp.StrictLessThan:
    peak = sp.maximum(_shape(), p, sp.Interval(0, 1))            # = 1, at p -> 0 or 1
    bound = V_F * peak / (sp.sqrt(D) * sp.sqrt(p * (1 - p)))     # C <= 1 (the paper's constant)
    return sp.StrictLessThan(_LHS, bound)


def _check_symbolic(statement) -> bool:
    moments_agree = sp.simplify(_third_moment_sum() - _third_moment_stats()) == 0
    ratio = sp.simplify(statement.rhs / (V_F * _kolmogorov()))
    free_of_d_and_v = not ratio.has(D) and not ratio.has(V_F)
    if not (moments_agree and free_of_d_and_v):
        return False
    low = sp.minimum(ratio, p, sp.Interval.open(0, 1))       # the stated bound over Berry-Esseen's, at its worst p
    return bool(low.is_number and low >= 1)


def _log_pmf(Dv: int, pv: float) -> np.ndarray:
    """``log P(d = j)``, ``j = 0..D``, for Binomial(D, p) from ``lgamma`` (float64, relative error ~1e-13)."""
    lg = np.frompyfunc(math.lgamma, 1, 1)
    j = np.arange(Dv + 1, dtype=np.float64)
    logc = math.lgamma(Dv + 1) - lg(j + 1).astype(np.float64) - lg(Dv - j + 1).astype(np.float64)
    return logc + j * math.log(pv) + (Dv - j) * math.log1p(-pv)


def _phi(x: np.ndarray) -> np.ndarray:
    return 0.5 * np.array([math.erfc(-v / math.sqrt(2.0)) for v in np.ravel(x)]).reshape(np.shape(x))


def _sigmoid_loss(x: np.ndarray) -> np.ndarray:
    """``(1/2) (1 + e^x)^-2``: Eq. 140 at ``S = 1`` with ``x = 2 eta S T (z - z*)``, overflow-free."""
    e = np.exp(-np.abs(x))
    return np.where(x > 0, 0.5 * (e / (1 + e)) ** 2, 0.5 / (1 + e) ** 2)


def deviations(Dv: int, pv: float) -> tuple[float, float]:
    """``(step, sigmoid)``: the exact left side of Eq. 132 for the indicator ``1{z <= c}`` at its worst
    ``c`` (the Kolmogorov distance, ``V = 1``) and for Eq. 140's ``F`` (``V = S^2/2 = 1/2``)."""
    pmf = np.exp(_log_pmf(Dv, pv))
    if abs(pmf.sum() - 1) > 1e-9:
        raise ArithmeticError(f"binomial pmf sums to {pmf.sum()!r}")
    sd = math.sqrt(pv * (1 - pv) / Dv)
    cdf = np.cumsum(pmf)
    gauss = _phi((np.arange(Dv + 1) / Dv - pv) / sd)           # Phi at every atom j/D
    below = np.concatenate(([0.0], cdf[:-1]))                  # the cdf just before each atom
    step = float(max(np.max(np.abs(cdf - gauss)), np.max(np.abs(below - gauss))))
    worst = 0.0
    xs = np.linspace(-12.0, 12.0, 24001)                       # z = p + sd x; trapezoid on a Gaussian
    weight = np.exp(-xs**2 / 2) / math.sqrt(2 * math.pi) * (xs[1] - xs[0])
    for width in (0.3, 3.0, 30.0):                             # 2 eta S T = width / sd, transition at z* = p
        rate = width / sd
        binom = float(np.sum(pmf * _sigmoid_loss(rate * (np.arange(Dv + 1) / Dv - pv))))
        gauss_mean = float(np.sum(weight * _sigmoid_loss(rate * sd * xs)))
        worst = max(worst, abs(binom - gauss_mean))
    return step, worst


def _check_numeric(statement, rng: np.random.Generator) -> Agreement:
    bound = sp.lambdify((V_F, D, p), statement.rhs, modules="numpy")
    worst_step, worst_sigmoid = 0.0, 0.0
    for Dv in (10, 100, 1000, 10_000, 100_000):
        for pv in (1e-3, 1e-2, 0.1, 0.3, 0.5, 0.9):
            step, sig = deviations(Dv, pv)
            worst_step = max(worst_step, step / float(bound(1.0, Dv, pv)))
            worst_sigmoid = max(worst_sigmoid, sig / float(bound(0.5, Dv, pv)))
    worst = max(worst_step, worst_sigmoid)
    details = (("worst LHS / bound, step function (Kolmogorov distance)", worst_step),
               (r"worst LHS / bound, $F$ of Eq.~140", worst_sigmoid))
    return Agreement(worst, float(BERRY_ESSEEN),
                     r"exact binomial expectations (pmf by its lgamma in float64, summing to 1 within $10^{-9}$) "
                     r"against the Gaussian ones (exact $\Phi$ for the step function, trapezoid on $[-12\sigma, 12\sigma]$ with "
                     r"$2\cdot 10^4$ panels for Eq.~140's $F$ with transition width $\sigma/0.3..\sigma/30$), $D = 10..10^5$, "
                     r"$p = 10^{-3}..0.9$: the lemma says the ratio to the bound stays below 1, and Berry--Esseen with Shevtsova's "
                     r"constant $C\le0.4748$ and $p^2+(1-p)^2\le1$ puts it below $0.4748$, the tolerance",
                     details, method="exact sum + quadrature")


def claim() -> Claim:
    """Build Lemma 4 (Eq. 132): Berry-Esseen for the binomial skill count, constant 1.

    Returns
    -------
    Claim
        The bound ``V(F)/(sqrt(D) sqrt(p(1-p)))`` on the gap between the binomial and the Gaussian
        expectation of ``F``, derived from the Bernoulli moments, with its checks.
    """
    stmt = _statement()
    rho, sigma2 = sp.Symbol("rho", positive=True), sp.Symbol("sigma", positive=True) ** 2
    steps = (
        Step(sigma2, sp.factor(variance(Bernoulli("X", p))), r"Variance of one Bernoulli$(p)$ draw (\texttt{sympy.stats})."),
        Step(rho, _third_moment_sum(), r"$\mathbb{E}|X-p|^3$, summed over $x=0,1$ for $0<p<1$."),
        Step(sp.Symbol("K"), _kolmogorov(),
             r"Berry--Esseen: the Kolmogorov distance between $d_k/D$ and $\mathcal{N}(p,p(1-p)/D)$ is at most "
             r"$C\rho/(\sigma^3\sqrt{D})$, $C\le 0.4748$ (Shevtsova 2011)."),
        Step(_LHS, V_F * sp.Symbol("K"),
             r"Integrate by parts against $dF$: the gap of two expectations is at most $V(F)$ times the largest gap of "
             r"their distribution functions.", relation=r"\le"),
        Step(sp.Symbol("K"), stmt.rhs / V_F,
             r"$p^2+(1-p)^2\le 1$ on $[0,1]$ (SymPy's maximum) and $C<1$: the paper's constant 1.", relation="<"),
    )
    return Claim(
        id="lemma-4",
        statement=stmt,
        steps=steps,
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"the Bernoulli third absolute moment summed over $x = 0, 1$ equals \texttt{sympy.stats}' "
                        r"$\mathbb{E}|X-p|^3$, and the stated bound divided by Berry--Esseen's $V(F)\,C\rho/(\sigma^3\sqrt{D})$ "
                        r"is free of $D$ and $V(F)$ with minimum over $0<p<1$ at least 1"),
        assumptions=r"$d_k\sim\mathrm{Binomial}(D,p)$, $0<p<1$; $F:\mathbb{R}\to\mathbb{R}$ of finite total variation $V(F)$.",
        summary=r"The binomial and the Gaussian expectation of $F(d_k/D)$ differ by less than $V(F)/\sqrt{Dp(1-p)}$.",
        results=(("bound", sp.Eq(sp.Symbol("upper bound on the gap"), stmt.rhs)),),
        domain=(p < 1,),
        meanings=(("V_F", "total variation of F"),),
    )
