"""Each NumPy closed form of ``numeric_check`` against ``sympy.lambdify`` of the SymPy result it
comes from: a formula is derived once in ``symbolic`` and written once in NumPy for speed, and
this file is what ties the two together.

The SymPy side is lambdified with ``modules="mpmath"`` and evaluated at 40 digits (more where a
form cancels) at exactly the float64 inputs the NumPy side gets, so it is exact to float64 and a difference is the NumPy
copy's own rounding. Each tolerance bounds that rounding by counting the float64 operations
(``EPS = 2**-52`` each, an ulp or two for ``exp``/``log``) and their amplification, and says so
beside it. The last tests show that a wrong formula fails the same comparison.
"""
from __future__ import annotations

import math
from functools import lru_cache

import mpmath
import numpy as np
import pytest
import sympy as sp

import symbolic.extended as ex
import symbolic.multilinear as ml
from numeric_check.closed_forms.curves import parameter_curve
from numeric_check.closed_forms.emergence import data_emergence, time_emergence, width_emergence
from numeric_check.closed_forms.logistic import (linear_strength, log_loss_fraction, loss_fraction, skill_loss, strength,
                                                 strength_fraction)
from numeric_check.simulation.data import skill_probabilities
from symbolic.constants import phi, tail_probability
from symbolic.symbols import A, Bc, Dc, Nc, R0, S, alpha, d_k, eta, k, p, r_q, t

EPS = np.finfo(np.float64).eps
DPS = 40
u = sp.Symbol("u", real=True)        # the dimensionless time eta p S t of Lemma 1

# Grids: u of both signs up to where the loss is still a normal float (e^-4u S^2 > 1e-300);
# r/S from tiny to nearly S (where S/r - 1 cancels); S on both sides of 1.
U = np.concatenate([np.linspace(-10.0, 10.0, 41), np.geomspace(1e-6, 150.0, 40)])
R_OVER_S = (1e-8, 0.01, 0.3, 0.5, 0.99)
SCALES = (0.5, 1.0, 5.0)


def exact(expr, symbols, *, dps: int = DPS):
    """``sympy.lambdify(symbols, expr, "mpmath")`` evaluated at ``dps`` digits, elementwise, at the
    exact values of float64 (broadcast) arguments, rounded once to float64."""
    expr = sp.sympify(expr)
    assert expr.free_symbols <= set(symbols), expr.free_symbols - set(symbols)
    f = sp.lambdify(symbols, expr, modules="mpmath")

    def at(*args):
        cols = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in args))
        with mpmath.workdps(dps):
            values = [float(f(*(mpmath.mpf(float(v)) for v in row))) for row in zip(*(c.ravel() for c in cols))]
        return np.array(values).reshape(cols[0].shape)

    return at


def in_u(expr):
    """``expr`` of Lemma 1 written in ``u = eta p S t`` (``eta`` and ``p`` cancel)."""
    out = expr.subs(t, u / (eta * p * S))
    assert not out.has(eta, p, t)
    return out


@lru_cache(maxsize=None)
def derived(name: str) -> sp.Expr:
    """A SymPy result, derived once per session (``dsolve`` takes about a second)."""
    return {"strength": ml.solve_strength, "calibrated": ex.calibrated_strength}[name]()


def worst(values, reference, tolerance) -> float:
    """Largest ``|values - reference| / tolerance``: at most 1 when they agree (0 where equal)."""
    values, reference = np.broadcast_arrays(np.asarray(values, np.float64), np.asarray(reference, np.float64))
    difference = np.abs(values - reference)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.max(np.where(difference == 0, 0.0, difference / tolerance)))


def _grid():
    for ratio in R_OVER_S:
        for scale in SCALES:
            yield scale, ratio * scale


# ----------------------------------------------------------------------------- Lemma 1 (Eqs. 26/35, 27)
FRACTIONS = {"derived (dsolve of Eq. 34)": lambda: derived("strength") / S,
             "printed Eq. 35": lambda: ml.strength() / S}


@pytest.mark.parametrize("source", FRACTIONS)
def test_strength_fraction_is_lemma_1(source):
    reference = exact(in_u(FRACTIONS[source]()), (u, S, R0))
    for S_, r in _grid():
        # c = S/r - 1 carries (1 + S/(S-r)) EPS (the subtraction cancels as r -> S); exp, the
        # product, the sum and the division add an ulp or two each, and 1/(1+x) passes a relative
        # error of x on at most once.
        ref = reference(U, S_, r)
        assert worst(strength_fraction(U, S=S_, r=r), ref, EPS * (8 + S_ / (S_ - r)) * ref) <= 1, (S_, r)


def test_strength_is_S_times_the_fraction():
    reference = exact(in_u(derived("strength")), (u, S, R0))
    for S_, r in _grid():
        ref = reference(U, S_, r)
        # One more product than strength_fraction.
        assert worst(strength(U, S=S_, r=r), ref, EPS * (9 + S_ / (S_ - r)) * ref) <= 1, (S_, r)


def _loss_tolerance(S_, r, values):
    # y = 2u + log r - log(S - r) has an absolute error of at most EPS (2|u| + 2|log r| + 2|log(S-r)| + 1);
    # exp(y) turns it into a relative one, 1 + e^y, 1/., the square and S^2/2 add a few ulp, and
    # (1 + e^y)^-2 doubles it (|d log L / dy| <= 2).
    return 4 * EPS * (4 + np.abs(U) + abs(math.log(r)) + abs(math.log(S_ - r))) * np.abs(values)


# The derived form (S - R)^2/2 cancels: S - R ~ S e^(-2u) needs 2u/ln(10) more digits (130 at u = 150).
LOSSES = {"derived (S - R)^2/2 at the solution": (ml.skill_loss, 200), "printed Eq. 27": (ml.skill_loss_eq27, DPS)}


@pytest.mark.parametrize("source", LOSSES)
def test_skill_loss_is_eq_27(source):
    expr, dps = LOSSES[source]
    reference = exact(in_u(expr()), (u, S, R0), dps=dps)
    for S_, r in _grid():
        ref = reference(U, S_, r)
        assert worst(skill_loss(U, S=S_, r=r), ref, _loss_tolerance(S_, r, ref)) <= 1, (S_, r)
        unit = ref / (S_ * S_ / 2)
        assert worst(loss_fraction(U, S=S_, r=r), unit, _loss_tolerance(S_, r, unit)) <= 1, (S_, r)


def test_skill_loss_is_phi_of_eq_239():
    """The same function through symbolic.constants.phi (mpmath, the App. J constants' source)."""
    for S_, r in _grid():
        with mpmath.workdps(DPS):
            ref = np.array([float(phi(mpmath.mpf(float(v)), S=mpmath.mpf(S_), r=mpmath.mpf(r))) for v in U])
        assert worst(skill_loss(U, S=S_, r=r), ref, _loss_tolerance(S_, r, ref)) <= 1, (S_, r)


def test_log_loss_fraction_far_beyond_underflow():
    reference = exact(sp.log(in_u(ml.skill_loss_eq27()) / (S**2 / 2)), (u, S, R0))
    far = np.concatenate([U, np.geomspace(150.0, 1e4, 30)])
    for S_, r in _grid():
        ref = reference(far, S_, r)
        # An absolute error: twice that of y (see _loss_tolerance), plus an ulp of the value.
        tol = 4 * EPS * (4 + np.abs(far) + abs(math.log(r)) + abs(math.log(S_ - r))) + EPS * np.abs(ref)
        assert worst(log_loss_fraction(far, S=S_, r=r), ref, tol) <= 1, (S_, r)


# ----------------------------------------------------------------------------- linear model (Eq. 125)
@pytest.mark.parametrize("source", [ml.linear_strength, ex.linear_strength], ids=["multilinear", "extended"])
def test_linear_strength_is_eq_125(source):
    reference = exact(source(), (t, eta, p, S))
    T = np.concatenate([[0.0], np.geomspace(1e-8, 1e3, 60)])
    for eta_, p_, S_ in ((1.0, 0.5, 1.0), (0.05, 0.1, 5.0), (3.0, 1e-3, 0.5)):
        ref = reference(T, eta_, p_, S_)
        # eta p t rounds twice, expm1 (relative sensitivity <= 1 to its argument) and -S once each.
        tol = 8 * EPS * np.abs(ref)
        assert worst(linear_strength(T, eta=eta_, p=p_, S=S_), ref, tol) <= 1


# ----------------------------------------------------------------------------- extended models
TIME = np.concatenate([[0.0], np.geomspace(1.0, 3e5, 60)])
CALIBRATIONS = ((1 / 22, 0.05, 0.05, 5.0), (0.3, 1e-4, 1.0, 1.0), (1.0, 0.9, 0.02, 2.0))   # B2, R0, eta, S


def _time_tolerance(eta_, P, B2, S_, r, ref):
    # As for Lemma 1, plus u = eta P_s(k) B^2 S T rounded four times: 4 EPS u, doubled by exp(-2u).
    return EPS * (8 + S_ / (S_ - r) + 8 * eta_ * P * B2 * S_ * TIME) * np.abs(ref)


@pytest.mark.parametrize("k_", [1, 3])
def test_time_emergence_is_the_derived_eq_14(k_):
    """Eq. 14 from the loss of Eq. 13 has B in the exponent where the paper prints B^2; the fitted
    factor the code calls B2 is that exponent's factor, i.e. the derived B."""
    reference = exact(derived("calibrated") / S, (t, eta, p, S, R0, Bc))
    for B2, r, eta_, S_ in CALIBRATIONS:
        P = float(skill_probabilities(0.6, 5)[k_ - 1])
        ref = reference(TIME, eta_, P, S_, r, B2)
        got = time_emergence(TIME, k=k_, alpha=0.6, n_s=5, S=S_, B2=B2, R0=r, eta=eta_)
        assert worst(got, ref, _time_tolerance(eta_, P, B2, S_, r, ref)) <= 1


def test_time_emergence_is_the_printed_eq_14_with_B_squared_equal_to_B2():
    printed = exact(ex.paper_eq14() / S, (t, eta, p, S, R0, Bc))
    for B2, r, eta_, S_ in CALIBRATIONS:
        P = float(skill_probabilities(0.6, 5)[0])
        with mpmath.workdps(DPS):
            B = float(mpmath.sqrt(B2))      # only to pick B; the reference squares it at 40 digits
        ref = printed(TIME, eta_, P, S_, r, B)
        # B = sqrt(B2) rounded: B^2 = B2 (1 + 2 EPS), another 2 EPS u in the exponent.
        tol = _time_tolerance(eta_, P, B2, S_, r, ref) * 2
        assert worst(time_emergence(TIME, k=1, alpha=0.6, n_s=5, S=S_, B2=B2, R0=r, eta=eta_), ref, tol) <= 1


def test_width_emergence_is_proposition_2():
    """Eq. 21: 1 for k < q, r/N_c for k = q (the SymPy fixed point of Eq. 109 summed, Eqs. 110-111),
    0 for k > q, with (q, r) from Eq. 19's bookkeeping. One correctly rounded division on each
    side: equal to the last bit."""
    fraction = exact(ex.width_strength() / S, (r_q, Nc, S))
    for nc in range(1, 7):
        for N in range(1, 41):
            q_, r_ = ex.width_bookkeeping(N, nc)
            for k_ in range(1, 12):
                want = 1.0 if k_ < q_ else float(fraction(r_, nc, 1.0)) if k_ == q_ else 0.0
                assert float(width_emergence(np.array([N]), k=k_, Nc=nc)[0]) == want, (N, nc, k_)


def _data_points(k_, n_s):
    P = float(skill_probabilities(0.6, n_s)[k_ - 1])
    D = np.unique(np.round(np.geomspace(1, 5e4, 80)))
    return D, D * P           # d_k = D P_s(k), as data_emergence rounds it (average=False)


def _below_Dc(law, d, Dc_):
    """``law(d_k, D_c)`` (S = 1) for ``d_k < D_c``, 1 beyond (Eq. 17's second case)."""
    out = np.ones(d.shape)
    below = d < Dc_
    out[below] = law(d[below], Dc_, 1.0)
    return out


@pytest.mark.parametrize("Dc_", [16, 800])
def test_data_emergence_linear_law_is_the_derived_dk_over_Dc(Dc_):
    """d_k/D_c (Eq. 8 at the minimum-norm solution with Eq. 104), saturating at 1 for d_k >= D_c
    (Eq. 17's second case): one correctly rounded division, equal to the last bit."""
    law = exact(ex.dc_shot_strength() / S, (d_k, Dc, S))
    for k_, n_s in ((1, 1), (2, 5)):
        D, d = _data_points(k_, n_s)
        ref = _below_Dc(law, d, Dc_)
        np.testing.assert_array_equal(data_emergence(D, k=k_, alpha=0.6, n_s=n_s, Dc=Dc_, law="linear", average=False), ref)


@pytest.mark.parametrize("Dc_", [16, 800])
def test_data_emergence_eq17_law_is_the_printed_eq_17(Dc_):
    law = exact(ex.paper_eq17() / S, (d_k, Dc, S))
    for k_, n_s in ((1, 1), (2, 5)):
        D, d = _data_points(k_, n_s)
        ref = _below_Dc(law, d, Dc_)
        got = data_emergence(D, k=k_, alpha=0.6, n_s=n_s, Dc=Dc_, law="eq17", average=False)
        # 1 - sqrt(1 - f) cancels for small f, so its relative error grows like 1/f; its absolute
        # error stays within a few ulp of 1 (f/D_c, 1 - f, sqrt and 1 - . round once each).
        assert worst(got, ref, 4 * EPS) <= 1


# ----------------------------------------------------------------------------- skill frequencies (Eq. 1)
@pytest.mark.parametrize("n_s_", [1, 7, 200])
def test_skill_probabilities_are_eq_1(n_s_):
    j = sp.Symbol("j", positive=True, integer=True)
    normalisation = exact(1 / sp.Sum(j ** -(alpha + 1), (j, 1, n_s_)).doit(), (alpha,))   # A (Eq. 1)
    power_law = exact(ml.frequency_power_law(k), (alpha, k, A))
    ks = np.arange(1, n_s_ + 1)
    for alpha_ in (0.05, 0.6, 3.0, 10.0):
        ref = power_law(alpha_, ks, normalisation(alpha_))
        # k^-(alpha+1) = exp(-(alpha+1) log k): an absolute error ~2 EPS (alpha+1) log k in the exponent;
        # the pairwise sum adds ~log2(n_s) EPS, the division one more, and A passed as a float one more.
        tol = EPS * (5 + 2 * (alpha_ + 1) * np.log(ks) + np.log2(n_s_)) * ref
        assert worst(skill_probabilities(alpha_, n_s_), ref, tol) <= 1, alpha_


def test_parameter_curve_is_eq_325():
    """(S^2/2) sum_{k>N} P_s(k) through symbolic.constants.tail_probability (Hurwitz zeta, mpmath).
    The fast curve sums the tail by Euler-Maclaurin to 2^-56 relative per tail and the
    normalisation likewise; a few such errors and the final products stay below 1e-14."""
    n_s_ = 10**5
    N = np.array([1, 2, 10, 999, 12345, n_s_ - 1])
    for alpha_ in (0.1, 0.6, 2.0):
        with mpmath.workdps(30):
            ref = np.array([float(tail_probability(alpha=alpha_, N=int(n), n_s=n_s_, dps=30)) for n in N]) * 2.0
        got = parameter_curve(N, alpha=alpha_, S=2.0, n_s=n_s_)
        assert worst(got, ref, 1e-14 * ref) <= 1, alpha_


# ----------------------------------------------------------------------------- the comparisons can fail
def test_a_wrong_formula_fails_these_comparisons():
    fraction = exact(in_u(derived("strength") / S), (u, S, R0))
    S_, r = 1.0, 0.01
    tol = EPS * (8 + S_ / (S_ - r)) * np.abs(fraction(U, S_, r))
    assert worst(strength_fraction(U * (1 + 1e-9), S=S_, r=r), fraction(U, S_, r), tol) > 1   # a slightly wrong time
    assert worst(strength_fraction(U, S=S_, r=r * (1 + 1e-12)), fraction(U, S_, r), tol) > 1  # a slightly wrong R(0)
    # Reading the fitted B2 as B (exponent B2^2, the printed Eq. 14 with B = B2) is caught.
    printed = exact(ex.paper_eq14() / S, (t, eta, p, S, R0, Bc))
    B2, r, eta_, S_ = CALIBRATIONS[0]
    P = float(skill_probabilities(0.6, 5)[0])
    ref = printed(TIME, eta_, P, S_, r, B2)
    assert worst(time_emergence(TIME, k=1, alpha=0.6, n_s=5, S=S_, B2=B2, R0=r, eta=eta_), ref,
                 _time_tolerance(eta_, P, B2, S_, r, ref)) > 1
    # The linear model with twice the rate, and Eq. 17 against the derived d_k/D_c law.
    lin = exact(ml.linear_strength(), (t, eta, p, S))
    T = np.geomspace(1e-3, 10.0, 20)
    assert worst(linear_strength(T, eta=2.0, p=0.5, S=1.0), lin(T, 1.0, 0.5, 1.0), 8 * EPS * lin(T, 1.0, 0.5, 1.0)) > 1
    D, d = _data_points(1, 1)
    linear_law = _below_Dc(exact(ex.dc_shot_strength() / S, (d_k, Dc, S)), d, 800)
    assert worst(data_emergence(D, k=1, alpha=0.6, n_s=1, Dc=800, law="eq17", average=False), linear_law, 4 * EPS) > 1
