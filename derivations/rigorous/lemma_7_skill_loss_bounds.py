"""Lemma 7 (Eqs. 177-181): bounds on the skill loss F(z), its inflection point and max |F'|."""
from __future__ import annotations

import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, Step
from symbolic.identities import same
from numeric_check.closed_forms.loss_sums import skill_loss
from symbolic.symbols import S, T, eta, r

__all__ = ["claim", "z", "F_z"]

z = sp.Symbol("z", real=True)
F_z = S**2 / 2 / (1 + sp.exp(2 * eta * S * T * z) / (S / r - 1)) ** 2      # Eq. 140/175
_MAX = sp.Symbol(r"|F'|_{\mathrm{peak}}")          # max_z |F'(z)|


def _derived():
    w = sp.Symbol("w", positive=True)                                  # w = e^(2 eta S T z)
    d1 = sp.diff(F_z, z)
    d2 = sp.diff(F_z, z, 2)
    num = sp.factor(sp.simplify(d2.subs(sp.exp(2 * eta * S * T * z), w) * (1 + w / (S / r - 1)) ** 4))
    roots = [s for s in sp.solve(num, w) if s.is_positive is not False]
    peak = sp.simplify(-d1.subs(sp.exp(2 * eta * S * T * z), roots[0]).subs(z, sp.log(roots[0]) / (2 * eta * S * T)))
    return roots, peak


def _statement() -> sp.Eq:
    return sp.Eq(_MAX, 8 * eta * S**3 * T / 27)          # the value given after Eq. 181


def _check_symbolic(statement: sp.Eq) -> bool:
    roots, peak = _derived()
    return bool(len(roots) == 1 and same(roots[0], (S / r - 1) / 2) and same(sp.factor(peak), statement.rhs))


def _check_numeric(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
    law = sp.lambdify((eta, S, T, r), statement.rhs, modules="numpy")
    details, worst, bounds_ok = [], 0.0, True
    for _ in range(4):
        S_, eta_, T_ = rng.uniform(0.5, 5.0), rng.uniform(0.1, 2.0), rng.uniform(1.0, 100.0)
        r_ = S_ * 10 ** rng.uniform(-6, -0.5)
        c = 2 * eta_ * S_ * T_
        zc = np.log((S_ / r_ - 1) / 2) / c
        zs = zc + np.linspace(-20, 20, 400_001) / c
        F = skill_loss(zs * eta_ * S_ * T_, S=S_, r=r_)
        slope = -np.diff(F) / np.diff(zs)
        err = abs(slope.max() / law(eta_, S_, T_, r_) - 1)
        worst = max(worst, err)
        # Eq. 177 (z >= 0): F <= (S-r)^2/2 min(1, S^2/r^2 e^(-4 eta S T z)); Eq. 178 for z >= 0
        upper = (S_ - r_) ** 2 / 2 * np.minimum(1.0, (S_ / r_) ** 2 * np.exp(-4 * eta_ * S_ * T_ * zs))
        pos = zs >= 0            # z is a skill frequency; for z < 0, F exceeds (S-r)^2/2 (it tends to S^2/2)
        lower = (S_ - r_) ** 2 / 2 - 8 * eta_ * S_**3 * T_ / 27 * zs
        bounds_ok &= bool(np.all(F[pos] <= upper[pos] * (1 + 1e-12)) and np.all(F[pos] >= lower[pos] - 1e-12 * S_**2))
        details.append((f"rel. error of $\\max |F'|$ ($S={S_:.2f}$, $r/S={r_ / S_:.1e}$)", err))
    details.append(("Eqs. 177-178 hold on the grids (1 = yes)", float(bounds_ok)))
    return Agreement(worst if bounds_ok else float("inf"), 1e-6,
                     r"finite differences of $F$ on $4\cdot 10^5$ points spanning $40/(2 \eta S T)$ around the inflection point: "
                     r"the midpoint slope misses the maximum by $O(h^2) \sim 10^{-8}$ relative; Eqs.~177--178 checked on the same grids",
                     tuple(details), method="quadrature")


def claim() -> Claim:
    """Build Lemma 7 (Eqs. 177-181): bounds on the skill loss F(z), its inflection point and max |F'|.

    Returns
    -------
    Claim
        The largest slope of ``F``, at its unique inflection point, with its checks.
    """
    roots, _ = _derived()
    stmt = _statement()
    steps = (
        Step(sp.Symbol("F'(z)"), sp.factor(sp.simplify(sp.diff(F_z, z))), r"Eq.~179 (SymPy)."),
        Step(sp.Symbol(r"e^{2\eta STz^*}"), roots[0], r"Eq.~181: the unique positive root of $F''=0$."),
        Step(_MAX, sp.factor(_derived()[1]), r"$|F'|_{\mathrm{peak}}=\max_z|F'(z)|$: SymPy's $-F'$ at the inflection point, "
             r"independent of $r$."),
    )
    return Claim(
        id="lemma-7",
        statement=stmt,
        steps=steps,
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"SymPy's $F'' = 0$, written in $w = e^{2 \eta S T z}$, has the unique positive root "
                        r"$w = (S/r - 1)/2$ (Eq.~181), and $-F'$ there, factored, equals the statement's "
                        r"$8 \eta S^3 T/27$ (the value the paper gives)"),
        assumptions=r"$0<r<S$, $\eta,S,T>0$.",
        summary=r"$0\le F\le\frac{(S-r)^2}{2}\min(1,\frac{S^2}{r^2}e^{-4\eta STz})$; $F(z)\ge\frac{(S-r)^2}{2}-\frac{8\eta S^3T}{27}z$ for $z\ge0$.",
    )
