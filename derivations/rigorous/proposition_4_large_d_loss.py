"""Proposition 4 (Eqs. 151-159): the finite-D error of the total expected loss.

Summing Proposition 3 with weights ``P_s(k)`` over the ``N`` modelled skills gives
``2^alpha S^2 D^-1/2 sum_k sqrt(P_s(k)) + 4 S^4 eta^2 T^2 D^-1 sum_k P_s(k)^2``; with
``sum P_s^2 < 1`` (Eq. 157) and ``sum_{k<=N} k^-(alpha+1)/2 <= 1 + int_1^N x^-(alpha+1)/2 dx`` (Eq. 158,
the integral form of Lemma 6) this is ``O(S^2 D^-1/2 f_alpha(N) + S^4 eta^2 T^2 / D)``.
"""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, PaperNote, Step
from numeric_check.closed_forms.loss_sums import skill_loss
from numeric_check.simulation.data import skill_probabilities
from symbolic.bounds import skill_deviation_bound
from symbolic.identities import ZETA, same
from symbolic.printers import latex
from symbolic.symbols import D, N, S, T, alpha, eta, k, p

__all__ = ["claim", "f_alpha"]

_x = sp.Symbol("x", positive=True)
_SIGMA = (alpha + 1) / 2
_DEV = sp.Symbol(r"\Big|\mathbb{E}_D[\mathcal{L}]-\sum_{k\le N}P_s(k)F(P_s(k))-\sum_{k>N}P_s(k)\tfrac{S^2}{2}\Big|")


def f_alpha(a: float, n):
    """The paper's ``f_alpha(N)`` (Eqs. 153, 218): ``N^((1-alpha)/2)`` (alpha < 1), ``log N`` (alpha = 1), 1 (alpha > 1).

    Examples
    --------
    >>> float(f_alpha(0.5, 10_000))
    10.0
    """
    n = np.asarray(n, dtype=np.float64)
    if a < 1:
        return n ** ((1 - a) / 2)
    return np.log(n) if a == 1 else np.ones_like(n)


def _derived() -> sp.Expr:
    """Weight Proposition 3's per-skill bound by P_s(k) = k^-(alpha+1)/zeta and sum over k <= N."""
    per_skill = sp.expand(p * skill_deviation_bound())
    berry = sum(t for t in sp.Add.make_args(per_skill) if t.has(sp.sqrt(D)) or t.has(D ** sp.Rational(-1, 2)))
    taylor = sp.simplify(per_skill - berry)
    berry_k = berry.subs(p, k ** (-(alpha + 1)) / ZETA)
    c1 = sp.simplify(sp.powsimp(sp.expand_power_base(berry_k * k**_SIGMA, force=True), force=True))
    c2 = sp.simplify(taylor / p**2)
    if c1.has(k) or c2.has(p):
        raise ArithmeticError("Proposition 3's bound does not split into sqrt(P_s) and P_s^2 parts")
    return c1 * _sqrt_sum() + c2                                                  # sum P_s^2 < 1 (Eq. 157)


def _sqrt_sum() -> sp.Expr:
    """``1 + int_1^N x^-sigma dx``, an upper bound of ``sum_{k<=N} k^-sigma`` (alpha != 1)."""
    return 1 + sp.factor(sp.together(sp.integrate(_x ** (-_SIGMA), (_x, 1, N), conds="none")))


def _statement() -> sp.StrictLessThan:
    return sp.StrictLessThan(_DEV, _derived())


def _check_symbolic(statement) -> bool:
    return bool(isinstance(statement, sp.StrictLessThan) and same(_derived(), statement.rhs))


def _deviations(a: float, Dv: int, Ns, Ts, M: int, rng: np.random.Generator, n_s: int = 10_000):
    """Monte-Carlo ``E_D[L] - L_main`` and its standard error at each (N, T) for multinomial ``d``.

    Only the counts of the ``max(Ns)`` modelled skills matter (the tail is deterministic), so the
    rest of the skills are lumped into one category: the multinomial marginals are exact.
    """
    P = skill_probabilities(a, n_s)
    K = max(Ns)
    counts = rng.multinomial(Dv, np.append(P[:K], max(1.0 - P[:K].sum(), 0.0)), size=M)[:, :K]
    out = []
    for Tv in Ts:                                            # eta = S = 1, r = 0.01: u = eta S T d_k/D
        per_skill = P[:K] * (skill_loss(Tv * counts / Dv, S=1.0, r=0.01) - skill_loss(Tv * P[:K], S=1.0, r=0.01))
        cum = np.cumsum(per_skill, axis=1)
        for n in Ns:
            sample = cum[:, n - 1]
            out.append((n, Tv, float(sample.mean()), float(sample.std(ddof=1) / np.sqrt(M))))
    return out


def _check_numeric(statement, rng: np.random.Generator) -> Agreement:
    law = sp.lambdify((alpha, S, D, N, eta, T), statement.rhs, modules="mpmath")
    bound = lambda *args: float(law(*(mpmath.mpf(v) for v in args)))  # noqa: E731
    details, worst = [], 0.0
    for a in (0.3, 0.6, 1.5):
        a_worst = 0.0
        for Dv in (100, 1000, 10_000):
            for n, Tv, dev, se in _deviations(a, Dv, (10, 100, 1000), (1.0, 10.0, 100.0, 1000.0), 2000, rng):
                ratio = (abs(dev) + 3 * se) / bound(a, 1.0, Dv, n, 1.0, Tv)
                a_worst = max(a_worst, float(ratio))
        details.append((rf"max ($|\mathrm{{MC\ deviation}}|$ + 3 s.e.) / bound, $\alpha={a}$", a_worst))
        Ns = np.array([10.0, 1e3, 1e5, 1e7])     # the first term over S^2 D^-1/2 f_alpha(N): bounded in N (Eq. 153)
        first = np.array([bound(a, 1.0, 1, n, 1.0, 0.0) for n in Ns]) / f_alpha(a, Ns)
        details.append((rf"max over $N=10..10^7$ of first term $/ (S^2 D^{{-1/2}} f_\alpha(N))$, $\alpha={a}$", float(first.max())))
        worst = max(worst, a_worst)
    return Agreement(worst, 0.5, r"Monte-Carlo over 2000 multinomial training sets per $(\alpha, D)$ with $n_s = 10^4$, "
                     r"$\alpha = 0.3, 0.6, 1.5$, $D = 10^2..10^4$, $N = 10..10^3$, $\eta S T = 1..10^3$, $r = 0.01$: the deviation of the "
                     r"mean loss from the $D = \infty$ loss, plus 3 standard errors, must stay below the bound; since the "
                     r"Berry-Esseen constant is at most 0.4748 (the bound uses 1) and $\sup|F''|$ is well below "
                     r"$8 S^4 \eta^2 T^2$, we require at most half of it", tuple(details), method="simulation")


def claim() -> Claim:
    """Build Proposition 4 (Eqs. 151-159): the finite-D error of the total expected loss.

    Returns
    -------
    Claim
        Proposition 3's bound summed over the modelled skills, ``O(S^2 D^-1/2 f_alpha(N) + S^4 eta^2 T^2/D)``,
        with its checks and the note on Eq. 221.
    """
    stmt = _statement()
    steps = (
        Step("", r"|\mathbb{E}_D[\mathcal{L}]-\mathcal{L}_{D=\infty}|\le\sum_{k\le N}P_s(k)\Big(\frac{2^\alpha S^2}{\sqrt{DP_s(k)}}+\frac{4S^4\eta^2T^2P_s(k)}{D}\Big)",
             r"Proposition~3 for each modelled skill; the tail $\sum_{k>N}P_s(k)S^2/2$ does not depend on the data (Eqs.~151--156)."),
        Step("", r"\sum_{k\le N}P_s(k)^2<\max_kP_s(k)\sum_kP_s(k)\le1", r"Eq.~157."),
        Step(r"\sum_{k\le N}\sqrt{P_s(k)}", r"\zeta(\alpha+1)^{-1/2}\sum_{k\le N}k^{-\sigma},\quad\sigma=\tfrac{\alpha+1}{2}",
             r"$P_s(k)=k^{-(\alpha+1)}/\zeta(\alpha+1)$ ($n_s=\infty$; finite $n_s$ only raises $P_s$ by $1+O(n_s^{-\alpha})$)."),
        Step("", r"\sum_{k\le N}k^{-\sigma}\le1+\int_1^Nx^{-\sigma}dx=" + latex(_sqrt_sum()),
             r"Integral comparison (Lemma~6, Eq.~158): $O(N^{(1-\alpha)/2})$ for $\alpha<1$, $O(\log N)$ at $\alpha=1$ (the limit), "
             r"bounded for $\alpha>1$, i.e.\ $O(f_\alpha(N))$."),
        Step("", stmt, r"Collected (SymPy): $O(S^2D^{-1/2}f_\alpha(N)+S^4\eta^2T^2D^{-1})$ with a constant depending only on $\alpha$."),
    )
    note = PaperNote(r"Eq. 221: $S^4 \eta T^2/D$ should read $S^4 \eta^2 T^2/D$",
                     r"Theorem~1 quotes Proposition~4's second error term as $S^4\eta T^2D^{-1}$ (Eq.~221); summing "
                     r"Proposition~3 (Lemma~5's $\sup|F''|<8S^4\eta^2T^2$) gives $\eta^2$, as in Eqs.~139 and 152.",
                     paper=S**4 * eta * T**2 / D, exact=S**4 * eta**2 * T**2 / D)
    return Claim(
        id="proposition-4",
        statement=stmt,
        steps=steps,
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"the statement is a strict inequality whose right side equals SymPy's sum of "
                        r"Proposition 3's bound weighted by $P_s(k) = k^{-(\alpha+1)}/\zeta$: the $\sqrt{P_s}$ part times "
                        r"$1 + \int_1^N x^{-(\alpha+1)/2}\, dx$ (Eq.~158) plus the $P_s^2$ part with $\sum P_s^2 < 1$ (Eq.~157)"),
        assumptions=r"$(d_k)$ multinomial with $D$ draws, $0<r_k<S$, $N\le n_s$, $\alpha\ne1$ for the explicit constant.",
        summary=r"$\mathbb{E}_D[\mathcal{L}]$ equals its $D\to\infty$ form up to $O(S^2D^{-1/2}f_\alpha(N)+S^4\eta^2T^2D^{-1})$.",
        notes=(note,),
        domain=(sp.Ne(alpha, 1),),
    )
