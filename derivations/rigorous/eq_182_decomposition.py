"""Eqs. 182-186 (with Eq. 194): the learned-skill loss L_1 = M + O(E_1 + E_2).

Skills rarer than ``z_0 = (zeta(alpha+1) eta S T)^-1`` (``k > (eta S T)^(1/(alpha+1))``, Eq. 194) have hardly
started: Lemma 7.2's slope bound ``|F(z) - (S-r)^2/2| <= (8/27) eta S^3 T z`` makes their loss
``(S-r)^2/2 P_s(k)`` up to ``(8/27) E_1``. The others are bounded by Lemma 7.1,
``0 <= F <= (S^2/2) min(1, S^2/r^2 e^(-4 eta S T z))``, i.e. by ``E_2/2``. So
``|L_1 - M| <= (8/27) E_1 + E_2/2`` (``D = n_s = inf``, all ``r_k = r``).
"""
from __future__ import annotations

from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, Step
from symbolic.app_j import (decomposition_sums, max_slope_by_inflection, max_slope_by_substitution, skill_frequency,
                            skill_loss_z, compile_with_sums, threshold_frequency, threshold_index, z)
from symbolic.identities import ZETA, same
from symbolic.symbols import N, S, T, alpha, eta, k, r

__all__ = ["claim"]

K0 = sp.Symbol("k_0", positive=True)                     # the threshold skill index (Eq. 194)
_L1, _M, _E1, _E2 = (sp.Symbol(n_, positive=True) for n_ in ("L_1", "M", "E_1", "E_2"))
_NAMES = {"L_1": _L1, "M": _M, "E_1": _E1, "E_2": _E2}
_SUMS = decomposition_sums(K0)
_zeta_positive = sp.Symbol("Z", positive=True)          # zeta(alpha + 1) > 0, for the sign of dP_s/dk
_w = sp.Symbol("w", positive=True)                      # e^(2 eta S T z)


@lru_cache(maxsize=1)
def _constants() -> tuple[sp.Expr, sp.Expr]:
    """``(8/27, 1/2)``: the largest slope of ``F`` per ``eta S^3 T`` (Lemma 7) and ``sup F / S^2``, the limit
    ``z -> -oo`` (``w = e^(2 eta S T z) -> 0``)."""
    in_w = skill_loss_z().subs(sp.exp(2 * eta * S * T * z), _w)
    return max_slope_by_substitution(), sp.simplify(sp.limit(in_w, _w, 0, "+") / S**2)


def _statement() -> tuple:
    c1, c2 = _constants()
    definitions = tuple(sp.Eq(_NAMES[name], value) for name, value in _SUMS.items())
    bound = sp.LessThan(sp.Abs(_L1 - _M), c1 * _E1 + c2 * _E2)
    return (sp.Eq(K0, threshold_index()),) + definitions + (bound,)


def _parts(statement) -> tuple[sp.Expr, dict, sp.LessThan] | None:
    """``(threshold, {name: definition with the threshold put in}, bound)`` from the statement."""
    eqs = [s_ for s_ in statement if isinstance(s_, sp.Equality)]
    bounds = [s_ for s_ in statement if isinstance(s_, sp.LessThan)]
    thresholds = [e.rhs for e in eqs if e.lhs == K0]
    if len(thresholds) != 1 or len(bounds) != 1:
        return None
    x = thresholds[0]
    defs = {e.lhs: e.rhs.subs(K0, x) for e in eqs if e.lhs != K0}
    return x, defs, bounds[0]


def _check_symbolic(statement) -> bool:
    parts = _parts(statement)
    if parts is None:
        return False
    x, defs, bound = parts
    # route 1: substitution, P_s decreasing; route 2: sp.solve of P_s(x) = z_0
    substituted = same(skill_frequency(x), threshold_frequency()) and bool(
        sp.diff(skill_frequency(), k).subs(ZETA, _zeta_positive).is_negative)
    solved = same(threshold_index(), x)
    # the two constants: Lemma 7's largest slope found two ways, and sup F / S^2 = 1/2
    c1, c2 = _constants()
    c1_ok = c1 == max_slope_by_inflection() == sp.Rational(8, 27) and c2 == sp.Rational(1, 2)
    coeff_ok = bound.lhs == sp.Abs(_L1 - _M) and same(bound.rhs, c1 * _E1 + c2 * _E2)
    defs_ok = set(defs) == set(_NAMES.values()) and all(
        defs[_NAMES[n_]] == v.subs(K0, x) for n_, v in decomposition_sums(K0).items())
    return bool(substituted and solved and c1_ok and coeff_ok and defs_ok)


def _halves(defs: dict, bound: sp.LessThan) -> tuple:
    """The proof's two halves of the bound: ``(M - sum_{P_s < z_0} P_s F, the E_1 terms)`` and
    ``(sum_{P_s > z_0} P_s F, the E_2 terms)``, with the statement's definitions put in."""
    main, learned = (next(iter(defs[s_].atoms(sp.Sum))) for s_ in (_M, _L1))
    (_, lo, hi), = main.limits
    rare = sp.Sum(learned.function, (k, lo, hi))
    frequent = sp.Sum(learned.function, (k, 1, sp.Min(lo - 1, hi)))
    terms = sp.Add.make_args(bound.rhs)
    first = sp.Add(*[t for t in terms if t.has(_E1)]).subs(defs)
    second = sp.Add(*[t for t in terms if not t.has(_E1)]).subs(defs)
    return (defs[_M] - rare, first), (frequent, second)


def _ratio(gap: float, allowed: float) -> float:
    return gap / allowed if allowed > 0 else (0.0 if gap <= 0 else float("inf"))


def _check_numeric(statement, rng: np.random.Generator) -> Agreement:
    parts = _parts(statement)
    if parts is None:
        return Agreement(float("inf"), 1.0, "the statement lacks the threshold or the bound", method="exact sum")
    x, defs, bound = parts
    threshold = sp.lambdify((eta, S, T, alpha), x, modules="mpmath")
    below = sp.lambdify((k, eta, S, T, alpha), skill_frequency() < threshold_frequency(), modules="mpmath")
    gap_of, bound_of = compile_with_sums(bound.lhs.subs(defs)), compile_with_sums(bound.rhs.subs(defs))
    halves = [(compile_with_sums(a), compile_with_sums(b)) for a, b in _halves(defs, bound)]
    errors_of = compile_with_sums((_E1 + _E2).subs(defs))
    worst, worst_share, worst_half, equivalent = 0.0, 0.0, 0.0, True
    cs = np.geomspace(10.0, 1e5, 7)                             # eta S T over four decades
    for a in (0.3, 0.6, 0.9):
        for rv in (0.01, 0.45):
            for c in cs:
                lv = c ** (1 / (a + 1))
                for nv in (max(int(0.5 * lv), 1), int(4 * lv) + 10):    # Prop. 6 case 1 and case 2
                    vals = {alpha: a, S: 1.0, r: rv, eta: 1.0, T: float(c), N: nv}
                    ks = range(max(int(lv) - 2, 1), int(lv) + 3)        # around the threshold
                    with mpmath.workdps(30):
                        xv = threshold(1, 1, mpmath.mpf(c), mpmath.mpf(a))
                        equivalent &= all(bool(below(kk, 1, 1, mpmath.mpf(c), mpmath.mpf(a))) == bool(kk > xv) for kk in ks)
                    gap = gap_of(vals)
                    worst = max(worst, _ratio(gap, bound_of(vals)))
                    worst_half = max([worst_half] + [_ratio(abs(g(vals)), b(vals)) for g, b in halves])
                    worst_share = max(worst_share, gap / errors_of(vals))
    details = ((r"worst $|\mathcal{L}_1 - M| / (\text{stated bound})$", worst),
               (r"worst half of the split over its own term ($E_1$ or $E_2$ part)", worst_half),
               (r"worst $|\mathcal{L}_1 - M| / (E_1 + E_2)$", worst_share),
               ("threshold equivalence holds on every grid (1 = yes)", float(equivalent)))
    excess = max(worst, worst_half) - 1.0
    return Agreement(max(excess, 0.0) if equivalent else float("inf"), 1e-9,
                     r"exact sums over $k$ (float64, $\eta S T = 10..10^5$, $\alpha = 0.3, 0.6, 0.9$, $r/S = 0.01, 0.45$, "
                     r"$N = l/2$ and $4l + 10$ with $l = (\eta S T)^{1/(\alpha+1)}$): the bound is an inequality, so the ratio must "
                     r"stay at most 1 (error = its excess over 1; $10^{-9}$ allows the float64 rounding, $\sim10^{-12}$), and so must each half of the proof's split (skills below $z_0$ against the $E_1$ term, "
                     r"above it against the $E_2$ term); the stated threshold must split $P_s(k) < z_0$ from $P_s(k) \ge z_0$ exactly (30-digit "
                     r"comparison at the skills next to it)",
                     details, method="exact sum")


def claim() -> Claim:
    """Build Eqs. 182-186: the learned-skill loss is ``M`` up to ``(8/27) E_1 + E_2/2``.

    Returns
    -------
    Claim
        The threshold equivalence of Eq. 194 and the bound ``|L_1 - M| <= (8/27) E_1 + E_2/2``, each of
        ``L_1, M, E_1, E_2`` a SymPy sum over the skills, with the checks.
    """
    stmt = _statement()
    c1, c2 = _constants()
    c1_sym, c2_sym = sp.Symbol("c_1"), sp.Symbol("c_2")
    steps = (
        Step(K0, threshold_index(), r"SymPy's solution of $P_s(k_0)=z_0=(\zeta(\alpha+1)\eta ST)^{-1}$; $P_s$ decreases, "
             r"so $P_s(k)<z_0\iff k>k_0$ (Eq.~194): $M$ and $E_1$ sum over $k>k_0$, $E_2$ over $k\le k_0$ (Eqs.~184--186)."),
        Step(c1_sym, c1,
             r"Lemma~7: $-F'/(\eta S^3T)$ in $w=e^{2\eta STz}$, maximised by SymPy; so $|F(z)-(S-r)^2/2|\le c_1\eta S^3Tz$ "
             r"for $z\ge0$, which bounds the skills with $P_s(k)<z_0$ by $c_1E_1$."),
        Step(c2_sym, sp.Limit(skill_loss_z().subs(sp.exp(2 * eta * S * T * z), _w), _w, 0, "+") / S**2,
             r"$F$ decreases from its limit at $w=e^{2\eta STz}\to0$; with Lemma~7.1, "
             r"$F\le c_2S^2\min(1,\tfrac{S^2}{r^2}e^{-4\eta STz})$ bounds the skills with $P_s(k)>z_0$ by $c_2E_2$."),
        Step(c2_sym, c2, r"SymPy's limit."),
        Step(sp.Abs(_L1 - _M), c1 * _E1 + c2 * _E2, r"Split the sum at $z_0$ and add the two bounds (Eqs.~182--183).",
             relation=r"\le"),
    )
    return Claim(
        id="eq-182",
        statement=stmt,
        steps=steps,
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"the stated threshold substituted into $P_s$ gives $z_0$ ($P_s$ decreasing) and equals SymPy's solution "
                        r"of $P_s(k)=z_0$; Lemma 7's largest slope, $8/27$, is found both from $-F'(w)$ and at the root of "
                        r"$F''$; the bound's coefficients of the $E_1$ and $E_2$ sums are $\tfrac{8}{27}\eta S^3T$ and "
                        r"$\lim_{z\to-\infty}F = S^2/2$"),
        assumptions=r"$D=n_s=\infty$ ($P_s(k)=k^{-\alpha-1}/\zeta(\alpha+1)$), $\mathcal{R}_k(0)=r\in(0,S)$ for all $k$.",
        summary=r"$\mathcal{L}_1=M+O(E_1+E_2)$, explicitly $|\mathcal{L}_1-M|\le\tfrac{8}{27}E_1+\tfrac12E_2$, split at $z_0$.",
        formula=threshold_index(),
        results=(("threshold", sp.Eq(sp.Symbol("skill index where P_s = z_0"), threshold_index())),),
        meanings=(("k_0", "threshold skill index: P_s(k) < z_0 iff k > k_0"), ("L_1", "loss of the modelled skills"),
                  ("M", "main term"), ("E_1", "first error term"), ("E_2", "second error term")),
    )
