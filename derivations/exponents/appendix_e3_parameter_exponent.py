"""App. E.3 (Eqs. 66-67): the parameter exponent."""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from derivations.claim import Agreement, Claim, Step
from numeric_check.closed_forms.loss_sums import parameter_loss
from numeric_check.simulation.data import SparseParity, skill_probabilities
from numeric_check.simulation.multilinear import population_loss, simulate
from symbolic.identities import same
from symbolic.scaling import parameter_exponent
from symbolic.symbols import A, N, S, alpha, k

__all__ = ["claim"]

_LN = sp.Symbol(r"\mathcal{L}(N)")
_K = sp.Symbol("k", positive=True)            # k as a real integration variable


def _statement() -> sp.Eq:
    return sp.Eq(_LN, parameter_exponent().loss)


def _tail_sum():
    """Eq. 67 before the integral: the unlearned skills' loss ``S^2/2 sum_{k>N} A k^-(alpha+1)`` (Cor. 2)."""
    return sp.Sum(S**2 / 2 * A * k ** (-(alpha + 1)), (k, N + 1, sp.oo))


def _check_symbolic(statement: sp.Eq) -> bool:
    """Second route: the sum itself. SymPy sums it (shifted to start at 1) to a Hurwitz zeta; at 30 digits the
    statement is below it by the Euler-Maclaurin term, and its log-slope tends to -alpha."""
    j = sp.Symbol("j", positive=True, integer=True)
    factor, power = _tail_sum().function.subs(k, j + N).as_independent(j)
    exact = factor * sp.summation(power, (j, 1, sp.oo))                  # S^2 A zeta(alpha+1, N+1)/2
    exponent = sp.limit(N * sp.diff(statement.rhs, N) / statement.rhs, N, sp.oo)
    ok = exact.has(sp.zeta) and same(exponent, -alpha)
    law = sp.lambdify((alpha, N, S, A), statement.rhs, modules="mpmath")
    total = sp.lambdify((alpha, N, S, A), exact, modules="mpmath")
    with mpmath.workdps(30):
        for a in (mpmath.mpf(3) / 10, mpmath.mpf(9) / 10):
            for n in (10**4, 10**8):
                # sum - integral from N+1 = f(N+1)/2 + O(f'): relative a/(2(N+1)) + O(1/N^2)
                gap = total(a, n, 1, 1) / law(a, n, 1, 1) - 1 - a / (2 * (n + 1))
                ok = ok and abs(gap) < mpmath.mpf(1) / n**2
    return bool(ok)


def _exact_sum_part(law):
    details, worst, n = [], 0.0, 1000
    for a in (0.3, 0.6, 0.9):
        zeta = float(mpmath.zeta(a + 1))
        measured = parameter_loss([n], alpha=a, S=1.0, zeta=zeta)[0]
        err = abs(law(n, a, 1.0, 1 / zeta) / measured - 1)
        details.append((rf"rel. error $\alpha={a}$, $N={n}$", err))
        worst = max(worst, err)
    return worst, 1.0 / n, details


def _simulation_part(law, rng):
    """SGD of the model with N = 10 basis functions on fresh batches: the loss once the N skills are learned."""
    a, n_s, n, S_ = 0.6, 200, 10, 1.0
    task = SparseParity(n_s=n_s, n_b=3 * n_s, m=3, alpha=a, S=S_)
    run = simulate(task, n_features=n, eta=0.5, steps=1200, record=[1200], a0=0.1, b0=0.1, rng=rng,
                   batch_size=200, n_eval=1, n_test=1)
    measured = float(population_loss(run.strength[-1], task))
    A_ = skill_probabilities(a, n_s)[0]
    # the model has n_s skills: the statement at N minus its tail beyond n_s, i.e. the integral from N+1 to n_s+1
    predicted = law(n, a, S_, A_) - law(n_s, a, S_, A_)
    err = abs(measured / predicted - 1)
    # Euler-Maclaurin: sum_{N<k<=n_s} - int_{N+1}^{n_s+1} = (f(N+1) - f(n_s+1))/2 + O(f'(N+1)), relative to the integral
    em = 0.5 * ((n + 1) ** -(a + 1) - (n_s + 1) ** -(a + 1)) * a / ((n + 1) ** -a - (n_s + 1) ** -a)
    tol = em + 1.0 / (n + 1) ** 2
    details = [(r"SGD ($\alpha=0.6$, $N=10$, $n_s=200$): rel. error", err), (r"SGD: tolerance (Euler--Maclaurin)", tol)]
    return err, tol, details


def _check_numeric(statement: sp.Eq, rng: np.random.Generator) -> Agreement:
    law = sp.lambdify((N, alpha, S, A), statement.rhs, modules="numpy")
    exact, tol, details = _exact_sum_part(law)
    simulated, tol_sim, sim_details = _simulation_part(law, rng)
    return Agreement(max(exact, simulated * tol / tol_sim), tol,
                     r"direct sums $S^2/2 \sum_{k>N} P_s(k)$ ($n_s$ infinite, $N = 1000$) against the integral from $N+1$: "
                     r"Euler--Maclaurin puts the difference at $\alpha/(2(N+1))$ relative, below $1/N$; and SGD of the model "
                     r"(Eq.~9) with $N = 10$ basis functions, $n_s = 200$, $\eta = 0.5$, 1200 steps on fresh batches of 200 "
                     r"samples, whose loss from the measured $\mathcal{R}_k$ (all $N$ skills learned to $10^{-5}$) meets the statement "
                     r"at $N$ minus the same at $n_s$ within the Euler--Maclaurin term $(f(N+1)-f(n_s+1))/2$ of the sum plus $1/(N+1)^2$ "
                     r"for the higher terms ($4.1\%$; the error shown is the simulation's in units of that tolerance times $1/N$)",
                     tuple(details + sim_details), method="exact sum + simulation")


def claim() -> Claim:
    """Build the parameter exponent of App. E.3 (Eqs. 66-67): L ~ N^-alpha.

    Returns
    -------
    Claim
        The loss of the unlearned skills ``k > N`` as an integral, with its checks.
    """
    p = parameter_exponent()
    tail = _tail_sum()
    integral = sp.Integral(tail.function.subs(k, _K), (_K, N + 1, sp.oo))
    steps = (Step(_LN, tail, r"Eq.~67: with $T,D\to\infty$ skills $k\le N$ are learned, the rest keep $S^2/2$ (Cor.~2)."),
             Step(_LN, integral, r"The sum as an integral: Euler--Maclaurin, the difference is $f(N+1)/2 + O(f'(N+1))$, "
                  r"relative $\alpha/(2(N+1))$.", relation=r"\approx"),
             Step(_LN, p.loss, "SymPy integration."),
             Step(sp.Symbol(r"\frac{d\ln\mathcal{L}}{d\ln N}"), p.exponent, r"Limit $N\to\infty$."))
    return Claim(
        id="appendix-e3",
        statement=_statement(),
        steps=steps,
        check_symbolic=_check_symbolic,
        check_numeric=_check_numeric,
        symbolic_check=(r"a second route, the sum itself: SymPy sums $S^2/2 \sum_{k>N} A k^{-(\alpha+1)}$ to a Hurwitz zeta "
                        r"function, and at 30 digits ($\alpha = 0.3, 0.9$; $N = 10^4, 10^8$) the statement is below it by the "
                        r"Euler--Maclaurin term $\alpha/(2(N+1))$ to within $1/N^2$; the limit $N \to \infty$ of the statement's "
                        r"logarithmic derivative $N L'/L$ is $-\alpha$"),
        assumptions=r"$T,D\to\infty$, $N<n_s\to\infty$, sum replaced by an integral.",
        summary=r"$\mathcal{L}\propto N^{-\alpha}$.",
    )
