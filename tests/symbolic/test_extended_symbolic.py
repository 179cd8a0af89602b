"""Tests of symbolic.extended: each derivation checked a second way."""
import numpy as np
import pytest
import sympy as sp

from symbolic import extended as ex
from symbolic.symbols import R0, S, d_k, eta, p, t


def test_calibrated_strength_solves_its_ode_and_starts_at_R0():
    sol = ex.calibrated_strength()
    residual = sp.diff(sol, t) - ex.calibrated_flow().subs(ex.Rk, sol)
    assert sp.simplify(residual) == 0
    assert sp.simplify(sol.subs(t, 0) - R0) == 0
    assert sp.limit(sol, t, sp.oo) == S


def test_eq14_as_printed_differs_by_B_squared():
    ratio = sp.simplify(sp.log(ex.paper_eq14().subs(t, 1) / S) - sp.log(ex.calibrated_strength().subs(t, 1) / S))
    assert ratio.subs(ex.Bc, 1) == 0 and sp.simplify(ratio.subs({ex.Bc: sp.Rational(1, 2), R0: S / 2})) != 0


def test_lemma_3_and_2_residuals_vanish_for_other_sizes():
    s = ex.extended_system(4, 2)
    assert ex.lemma_3_residual(s) == 0
    assert all(sp.simplify(v) == 0 for v in ex.lemma_2_residual(s))


@pytest.mark.parametrize("ratio, corrected, paper", [(sp.Rational(1, 2), 0.5, 1 - np.sqrt(0.5)), (0, 0, 0)])
def test_dc_shot_laws(ratio, corrected, paper):
    Dc = ex.Dc
    assert float(ex.dc_shot_strength().subs({S: 1, d_k: ratio * 16, Dc: 16})) == pytest.approx(corrected)
    assert float(ex.paper_eq17().subs({S: 1, d_k: ratio * 16, Dc: 16})) == pytest.approx(paper)


def test_min_norm_identity_numerically():
    s = ex.extended_system(3, 2)
    R, norm2, trace = ex.min_norm_identity(s)
    values = dict(zip(list(s.Phi), np.random.default_rng(0).standard_normal(6)))
    values[S] = 1.7
    assert float((norm2 - S * R).subs(values)) == pytest.approx(0, abs=1e-12)
    assert trace == 2


def test_width_strength_and_linear_strength():
    assert ex.width_strength().subs(ex.r_q, ex.Nc) == S
    w = ex.linear_strength()
    assert sp.simplify(sp.diff(w, t) - eta * p * (S - w)) == 0 and w.subs(t, 0) == 0


def test_network_flow_against_paper_item_9():
    flow, paper = ex.network_flow(), ex.paper_network_flow()
    assert flow != paper
    # rates 8:4:4:1 in the derived flow; the paper has 2:1:1:1 and the opposite sign
    A, B_, G, c = ex.alpha_G, ex.beta_G, ex.gamma_G, ex.c_G
    assert sp.expand(flow[0] + 4 * paper[0]) == 0                 # alpha^2: -4 x paper
    assert sp.expand(flow[2] + 4 * paper[2]) == 0                 # gamma^2
    assert sp.expand(flow[3] + paper[3]) == 0                     # c: opposite sign only
    assert sp.expand(flow[1] + 4 * paper[1]) != 0                 # beta^2: bracket differs too
    fit = ex.network_fit()
    assert fit[c] == -S and fit[A] == sp.sqrt(2 * S)


def test_bad_sizes():
    from numeric_check.validation import ArgumentError
    with pytest.raises(ArgumentError):
        ex.extended_system(0, 2)
    with pytest.raises(ArgumentError):
        ex.width_bookkeeping(0, 4)
    with pytest.raises(ArgumentError):
        ex.width_bookkeeping(3, 1.5)
