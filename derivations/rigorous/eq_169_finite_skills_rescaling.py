"""Eqs. 169-170: a finite number of skills rescales the learned-skill loss and time, and shifts the
missing-skill loss.

With ``P_s(k) = A k^-(alpha+1)`` and ``A = (1 + delta)/zeta(alpha+1)`` the learned-skill loss
``L1 = sum_{k<=N} P_s(k) F(P_s(k))`` depends on time only through ``T P_s(k)``, so
``L1(n_s, N, T) = (1 + delta) L1(inf, N, T (1 + delta))`` holds exactly (Eq. 169); the
normalisation (Eq. 160, Euler-Maclaurin) gives ``delta = n_s^-alpha/(alpha zeta) + O(n_s^-min(2alpha, alpha+1))``
-- the second-order term ``(n_s^-alpha/(alpha zeta))^2`` is what the paper's "O(.)" hides (Eq. 161).
The missing-skill loss is ``L2 = S^2/2 sum_{N<k<=n_s} P_s(k)`` (Eq. 170).
"""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from derivations.checking import fit_order
from derivations.claim import Agreement, Claim, PaperNote, Step
from symbolic import multilinear as ml
from symbolic.identities import ZETA
from symbolic.symbols import A, N, S, T, alpha, k, n_s, r

__all__ = ["claim"]

_DELTA = sp.Symbol("delta")
_O = sp.Function("O")                                 # an order term, kept unevaluated (SymPy's Order cannot
                                                      # compare powers with a symbolic Min in the exponent)
_L2 = sp.Symbol(r"\mathcal{L}_2")
_KAPPA = sp.Symbol("kappa", positive=True)          # continuous skill index of Euler-Maclaurin
_EPS, _W, _V = sp.symbols("epsilon w v", positive=True)
_NS_GRID = np.geomspace(1e3, 1e9, 13)               # n_s over six decades
_N_GRID = np.geomspace(10, 1e5, 9)                  # N over four decades, n_s = 2 N (near the worst case of Eq. 165)
_ALPHAS = (0.3, 0.6, 1.5)                           # 2 alpha < alpha + 1, and the other way round (alpha = 1.5)
_DPS = 30


def _tail_euler_maclaurin() -> sp.Expr:
    """``sum_{k > n_s} k^-(alpha+1) = int_{n_s}^inf - f(n_s)/2 + ...`` (Euler-Maclaurin, the terms behind Eq. 160)."""
    f = _KAPPA ** (-(alpha + 1))
    return sp.powsimp(sp.integrate(f, (_KAPPA, n_s, sp.oo), conds="none"), force=True) - f.subs(_KAPPA, n_s) / 2


def _delta_series() -> tuple[sp.Expr, sp.Expr]:
    """``delta = zeta A - 1`` to second order in the small powers of ``n_s``: (main term, remainder terms)."""
    inverse_A = ZETA - _tail_euler_maclaurin()
    marked = sp.powsimp(sp.expand(inverse_A), force=True).subs({n_s ** (-alpha): _EPS * _W, n_s ** (-alpha - 1): _EPS * _V})
    series = sp.expand(sp.series(ZETA / marked - 1, _EPS, 0, 3).removeO())
    back = {_W: n_s ** (-alpha), _V: n_s ** (-alpha - 1), _EPS: 1}
    first = series.coeff(_EPS, 1)
    main = first.coeff(_W, 1).subs(back) * n_s ** (-alpha)
    rest = sp.expand(series.subs(back) - main)
    return main, rest


def _leading_exponent(terms: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """The largest exponent of ``var`` among the monomials of ``terms`` (``var d/dvar log`` of each)."""
    exponents = [sp.simplify(var * sp.diff(t, var) / t) for t in sp.Add.make_args(terms)]
    return -sp.Min(*[-e for e in exponents])


def _main(expr: sp.Expr) -> sp.Expr:
    """``expr`` without its order term."""
    return expr.replace(lambda e: isinstance(e, sp.core.function.AppliedUndef) and e.func == _O, lambda e: sp.S.Zero)


def _order(expr: sp.Expr):
    """The argument of ``expr``'s order term (``None`` if it has none)."""
    found = [e for e in sp.preorder_traversal(expr) if isinstance(e, sp.core.function.AppliedUndef) and e.func == _O]
    return found[0].args[0] if len(found) == 1 else None


def _delta_statement() -> sp.Eq:
    main, rest = _delta_series()
    return sp.Eq(_DELTA, main + _O(n_s ** _leading_exponent(rest, n_s)))


def _l2_series() -> tuple[sp.Expr, sp.Expr]:
    """``L2 = S^2/2 A sum_{N<k<=n_s} k^-(alpha+1)`` with Euler-Maclaurin and ``A = (1+delta)/zeta``:
    (main term, the largest remainder terms, with ``delta (N^-alpha - n_s^-alpha) <= N^-2alpha/4`` of Eqs. 164-165)."""
    f = _KAPPA ** (-(alpha + 1))
    # sum_{N<k<=n_s} f = int_N^{n_s} f + (f(n_s) - f(N))/2 + ...: the integral is the main term; the end term at
    # N (the larger one, n_s > N) goes into the remainder
    main = sp.expand(S**2 / 2 / ZETA * sp.integrate(f, (_KAPPA, N, n_s), conds="none"))
    x = sp.Symbol("x", positive=True)                # x = n_s^-alpha in (0, N^-alpha)
    (x_star,) = sp.solve(sp.diff(x * (N ** (-alpha) - x), x), x)
    worst_product = sp.powsimp(x_star * (N ** (-alpha) - x_star), force=True)   # Eq. 165: N^-2alpha/4
    rest = -S**2 / (4 * ZETA) * f.subs(_KAPPA, N) + S**2 / (2 * alpha**2 * ZETA**2) * worst_product
    return main, rest


def _l2_statement() -> sp.Eq:
    main, rest = _l2_series()
    return sp.Eq(_L2, main + _O(N ** _leading_exponent(rest, N)))


def _statement() -> tuple[sp.Eq, sp.Eq]:
    return (_delta_statement(), _l2_statement())


def _exact_delta(a, ns):
    """``zeta A - 1`` with ``1/A = zeta - zeta(alpha+1, n_s+1)`` (Hurwitz), in the current mpmath precision."""
    z = mpmath.zeta(a + 1)
    return z / (z - mpmath.zeta(a + 1, ns + 1)) - 1


def _check_symbolic(statement) -> bool:
    """Second route: the exact delta (Hurwitz zeta, 40 digits) at n_s = 1e10 and 1e12 against the statement:
    ``delta/main -> 1`` and ``(delta - main) / n_s^(stated exponent)`` the same non-zero constant at both."""
    eq = statement[0]
    main, order = _main(eq.rhs), _order(eq.rhs)
    if order is None:
        return False
    expo = _leading_exponent(order, n_s)
    law = sp.lambdify((alpha, n_s), main, modules="mpmath")
    power = sp.lambdify((alpha,), expo, modules="mpmath")
    with mpmath.workdps(40):
        for a in (mpmath.mpf("0.3"), mpmath.mpf("1.5")):
            scaled = []
            for ns in (mpmath.mpf(10) ** 10, mpmath.mpf(10) ** 12):
                exact, approx = _exact_delta(a, ns), law(a, ns)
                if abs(exact / approx - 1) > 1e-2:
                    return False
                scaled.append((exact - approx) / ns ** power(a))
            if not (scaled[0] != 0 and abs(scaled[1] / scaled[0] - 1) < 0.05):
                return False
    return True


def _l1(a, ns, Nn, etaST, *, S_=1, r_="0.01", A_=None):
    """``sum_{k<=N} P_s(k) F(P_s(k))`` (Eqs. 167, 140) with ``P_s(k) = A k^-(alpha+1)`` in mpmath."""
    A_ = 1 / (mpmath.zeta(a + 1) - (0 if ns == mpmath.inf else mpmath.zeta(a + 1, ns + 1))) if A_ is None else A_
    S_, r_ = mpmath.mpf(S_), mpmath.mpf(r_)
    total = mpmath.mpf(0)
    for kk in range(1, Nn + 1):
        P = A_ * mpmath.mpf(kk) ** (-(a + 1))
        total += P * S_**2 / 2 / (1 + mpmath.exp(2 * etaST * P) / (S_ / r_ - 1)) ** 2
    return total


def _check_numeric(statement, rng: np.random.Generator) -> Agreement:
    (eq_delta, eq_l2) = statement
    delta_main = sp.lambdify((alpha, n_s), _main(eq_delta.rhs), modules="mpmath")
    l2_main = sp.lambdify((alpha, N, n_s, S), _main(eq_l2.rhs), modules="mpmath")
    orders = []
    for eq, var in ((eq_delta, n_s), (eq_l2, N)):
        o = _order(eq.rhs)
        orders.append(sp.lambdify((alpha,), _leading_exponent(o, var), modules="math") if o is not None else None)
    if None in orders:
        return Agreement(float("inf"), 0.1, "the statement has no O term", method="exact sum")
    details, fits, identity = [], [], 0.0
    with mpmath.workdps(_DPS):
        Nn, etaST = 30, mpmath.mpf(50)
        for a in _ALPHAS:
            am = mpmath.mpf(a)
            # Eq. 169 exactly: with delta = zeta A - 1, L1(n_s) = (1+delta) L1(inf, T(1+delta))
            for ns in (10**3, 10**6):
                d = _exact_delta(am, ns)
                lhs, rhs = _l1(am, ns, Nn, etaST), (1 + d) * _l1(am, mpmath.inf, Nn, etaST * (1 + d))
                identity = max(identity, float(abs(lhs / rhs - 1)))
            # the remainder of delta and of Eq. 169 with the stated first-order delta, over n_s
            rem_d, rem_169 = [], []
            for ns in _NS_GRID:
                nsm = mpmath.mpf(ns)
                d1 = delta_main(am, nsm)
                rem_d.append(float(_exact_delta(am, nsm) - d1))
                rem_169.append(float(_l1(am, nsm, Nn, etaST) - (1 + d1) * _l1(am, mpmath.inf, Nn, etaST * (1 + d1))))
            # the remainder of Eq. 170 over N, with n_s = 10 N
            rem_170 = []
            for n in _N_GRID:
                nn, ns = int(round(n)), 2 * int(round(n))
                z = mpmath.zeta(am + 1)
                Aexact = 1 / (z - mpmath.zeta(am + 1, ns + 1))
                exact = Aexact * (mpmath.zeta(am + 1, nn + 1) - mpmath.zeta(am + 1, ns + 1)) / 2
                rem_170.append(float(exact - l2_main(am, nn, ns, 1)))
            p_delta, p_l2 = orders[0](a), orders[1](a)
            for name, x, rem, p in ((rf"$\delta$, $\alpha={a}$", _NS_GRID, rem_d, p_delta),
                                    (rf"Eq.~169, $\alpha={a}$", _NS_GRID, rem_169, p_delta),
                                    (rf"Eq.~170 ($n_s=2N$), $\alpha={a}$", _N_GRID, rem_170, p_l2)):
                fit = fit_order(name, x, rem, p)
                fits.append(fit)
                details += list(fit.details())
    details.append((r"Eq.~169 with the exact $\delta$: max rel. difference", identity))
    ok = all(f.within for f in fits) and identity < 1e-20
    worst = max(f.slope - f.stated for f in fits)
    return Agreement(max(worst, 0.0) if ok else float("inf"), fits[0].slack,
                     r"exact sums at 30 digits (Hurwitz $\zeta$ for the normalisation, $N = 30$ learned skills, "
                     r"$\eta S T = 50$, $r = 0.01$, $\alpha = 0.3, 0.6, 1.5$): Eq.~169 holds to $10^{-20}$ with "
                     r"$\delta = \zeta A - 1$; the remainders of $\delta$ and of Eq.~169 with the stated first-order "
                     r"$\delta$ over $n_s = 10^3..10^9$, and of Eq.~170 over $N = 10..10^5$ ($n_s = 2N$, near the worst case of Eq.~165), are fitted by "
                     r"\texttt{fit\_order}: error = the largest fitted slope minus the statement's exponent (at most the "
                     r"slack $0.1$, and the remainder over the stated order may not grow), else infinite",
                     tuple(details), method="exact sum")


def _measured_delta_slope(a: float) -> float:
    """The fitted log-slope of ``delta - n_s^-alpha/(alpha zeta)`` over ``n_s = 10^3..10^9`` at ``alpha = a``."""
    with mpmath.workdps(_DPS):
        am = mpmath.mpf(a)
        z = mpmath.zeta(am + 1)
        rem = [float(_exact_delta(am, mpmath.mpf(ns)) - mpmath.mpf(ns) ** (-am) / (am * z)) for ns in _NS_GRID]
    return float(np.polyfit(np.log10(_NS_GRID), np.log10(np.abs(rem)), 1)[0])


def claim() -> Claim:
    """Build Eqs. 169-170: finite n_s rescales the learned-skill loss and time, and shifts the tail.

    Returns
    -------
    Claim
        ``delta = n_s^-alpha/(alpha zeta) + O(n_s^-min(2alpha, alpha+1))`` (Eq. 169, with the exact rescaling
        ``L1(n_s, N, T) = (1+delta) L1(inf, N, T(1+delta))`` as a derivation step) and
        ``L2 = S^2 (N^-alpha - n_s^-alpha)/(2 alpha zeta) + O(N^-min(alpha+1, 2alpha))`` (Eq. 170), with checks.
    """
    stmt = _statement()
    P = sp.Symbol("P", positive=True)
    F = ml.skill_loss_eq27(time=T, r0=r, freq=P)                       # Eq. 140: F(z) at z = P
    finite = (A * k ** (-(alpha + 1)) * F.subs(P, A * k ** (-(alpha + 1))))
    infinite = (k ** (-(alpha + 1)) / ZETA * F.subs(P, k ** (-(alpha + 1)) / ZETA))
    rescaled = sp.simplify(finite.subs(A, (1 + _DELTA) / ZETA) / infinite.subs(T, T * (1 + _DELTA)))
    if rescaled != 1 + _DELTA:
        raise ArithmeticError(f"Eq. 169's rescaling does not simplify: {rescaled}")
    main, rest = _delta_series()
    l2_main, l2_rest = _l2_series()
    slopes = {a: _measured_delta_slope(a) for a in (0.3, 0.6)}
    steps = (
        Step(sp.Mul(finite.subs(A, (1 + _DELTA) / ZETA), sp.Pow(infinite.subs(T, T * (1 + _DELTA)), -1), evaluate=False),
             rescaled,
             r"Term $k$ of $\mathcal{L}_1(n_s,N,T)$ with $P_s(k)=Ak^{-(\alpha+1)}$, $A=(1+\delta)/\zeta(\alpha+1)$, over "
             r"term $k$ of $\mathcal{L}_1(\infty,N,T(1+\delta))$ (SymPy simplification): $F$ depends on $T$ only through "
             r"$TP_s(k)$, so Eq.~169 holds exactly with $\delta=\zeta A-1$."),
        Step(1 / A, ZETA - _tail_euler_maclaurin(),
             r"Eq.~160 by Euler--Maclaurin: SymPy's integral of $k^{-(\alpha+1)}$ over $(n_s,\infty)$ less half the last term."),
        Step(_DELTA, main + rest,
             r"$\delta=\zeta A-1$ by SymPy's series to second order in $n_s^{-\alpha}$ and $n_s^{-\alpha-1}$: beyond the "
             r"paper's first-order term come $(n_s^{-\alpha}/(\alpha\zeta))^2$ and $-n_s^{-\alpha-1}/(2\zeta)$."),
        Step(_DELTA, stmt[0].rhs, r"The largest remainder exponent (SymPy's Max of the terms' exponents) gives the order:"),
        Step(_L2, l2_main + l2_rest,
             r"$\mathcal{L}_2=\frac{S^2}{2}A\sum_{N<k\le n_s}k^{-(\alpha+1)}$ by Euler--Maclaurin, with the largest terms "
             r"of the remainder: the half end term and $\delta$ times the main term, bounded through "
             r"$\max_{x}x(N^{-\alpha}-x)=N^{-2\alpha}/4$ (SymPy solve; Eqs.~164--165):"),
        Step(_L2, stmt[1].rhs, "Eq. 170:"),
    )
    note = PaperNote(r"Eq. 169: the $O(\cdot)$ of $\delta$ is $O(n_s^{-\min(2\alpha,\alpha+1)})$",
                     r"The paper leaves the error of $\delta$ as ``$O(\cdot)$'' (and gives $O(n_s^{-\alpha-1})$ for the same "
                     r"expansion in Eq.~161). Expanding $\zeta A=\zeta/(\zeta-n_s^{-\alpha}/\alpha+\dots)$ to second order gives "
                     r"$(n_s^{-\alpha}/(\alpha\zeta))^2$, so for $\alpha<1$ the error is $O(n_s^{-2\alpha})$. Measured over "
                     r"$n_s=10^3..10^9$ (exact normalisation, 30 digits): fitted slopes "
                     rf"${slopes[0.3]:.3f}$ at $\alpha=0.3$ (stated $-0.6$) and ${slopes[0.6]:.3f}$ at $\alpha=0.6$ "
                     r"(stated $-1.2$), against $-(\alpha+1)=-1.3,-1.6$.",
                     paper=_O(n_s ** (-alpha - 1)), exact=_O(_order(stmt[0].rhs)))
    return Claim(
        id="eq-169",
        statement=stmt,
        steps=steps,
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"the exact $\delta=\zeta A-1$ (Hurwitz $\zeta$ at 40 digits) at $n_s=10^{10}$ and $10^{12}$, "
                        r"$\alpha=0.3$ and $1.5$ (either branch of the $\min$), is within $1\%$ of the statement's main "
                        r"term, and its remainder divided by $n_s$ to the statement's exponent is the same non-zero "
                        r"constant at both $n_s$ (to $5\%$)"),
        formula=_main(stmt[0].rhs),
        assumptions=r"$\alpha>0$, $n_s>N$; $\mathcal{L}_1$ and $\mathcal{L}_2$ as in Eqs.~166--168 ($D\to\infty$).",
        summary=(r"$\mathcal{L}_1(n_s,N,T)=(1+\delta)\mathcal{L}_1(\infty,N,T(1+\delta))$ exactly with $\delta=\zeta A-1="
                 r"\frac{n_s^{-\alpha}}{\alpha\zeta(\alpha+1)}+O(n_s^{-\min(2\alpha,\alpha+1)})$; "
                 r"$\mathcal{L}_2=\frac{N^{-\alpha}-n_s^{-\alpha}}{\alpha\zeta(\alpha+1)}\frac{S^2}{2}+O(N^{-\min(\alpha+1,2\alpha)}S^2)$."),
        notes=(note,),
        results=(
            ("delta", sp.Eq(_DELTA, _main(stmt[0].rhs)), "Eq. 169: the first-order rescaling delta."),
            ("L2", sp.Eq(_L2, _main(stmt[1].rhs)), "Eq. 170 without its O term."),
        ),
        domain=(N < n_s,),
    )
