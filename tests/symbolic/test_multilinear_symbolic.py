import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic import multilinear as ml
from symbolic.symbols import D, R, R0, S, a, b, d_k, eta, p, t

strength_np = sp.lambdify((t, R0, eta, p, S), ml.strength(), modules="numpy")


def test_flow_is_minus_eta_gradient_of_the_loss():
    ea, eb = ml.gradient_flow()
    assert sp.simplify(ea.rhs - eta * d_k / D * b(t) * (S - a(t) * b(t))) == 0
    assert sp.simplify(eb.rhs - eta * d_k / D * a(t) * (S - a(t) * b(t))) == 0


def test_balance_is_conserved():
    assert ml.conserved_difference() == 0


def test_strength_ode_is_eq_34():
    assert sp.simplify(ml.strength_ode().rhs - (-2 * eta * p * R(t) * (R(t) - S))) == 0


def test_dsolve_agrees_with_eq_35_and_eq_27():
    assert sp.simplify(ml.solve_strength() - ml.strength()) == 0
    assert sp.simplify(ml.skill_loss() - ml.skill_loss_eq27()) == 0


def test_boundaries_of_the_sigmoid():
    assert sp.simplify(ml.strength().subs(t, 0)) == R0
    assert sp.limit(ml.strength(), t, sp.oo) == S


def test_times_match_the_paper_and_a_wrong_one_does_not():
    te, ts = ml.paper_times()
    assert ml.same_log_expression(ml.emergence_time(), te)
    assert ml.same_log_expression(ml.saturation_time(), ts)
    assert not ml.same_log_expression(ml.saturation_time(), 2 * ts)


def test_emergence_time_solves_R_equals_eps_S():
    from symbolic.symbols import epsilon
    value = ml.strength(ml.emergence_time()).subs({S: 2, R0: sp.Rational(1, 100), eta: 1, p: sp.Rational(1, 3),
                                                   epsilon: sp.Rational(1, 20)})
    assert sp.nsimplify(sp.N(value, 30), rational=True) == sp.Rational(1, 10)


def test_linear_model_is_exponential():
    assert sp.simplify(ml.linear_strength() - S * (1 - sp.exp(-eta * p * t))) == 0


@settings(max_examples=200, deadline=None)
@given(time=st.floats(0, 1e12), r0=st.floats(1e-9, 0.999), rate=st.floats(1e-4, 1e3))
def test_strength_stays_between_start_and_target(time, r0, rate):
    value = strength_np(time, r0, rate, 1.0, 1.0)
    assert r0 * (1 - 1e-12) <= value <= 1.0
