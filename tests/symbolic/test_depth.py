"""The depth-L model derived by symbolic.depth: flow, conserved quantities, the balanced ODE, its
exact solution, the times and their r -> 0 asymptotics; the constants of symbolic.depth_constants."""
import mpmath
import pytest
import sympy as sp

from numeric_check.validation import ArgumentError
from symbolic import constants as pc
from symbolic import depth as dp
from symbolic import depth_constants as dc
from symbolic import multilinear as ml
from symbolic.symbols import D, R, R0, S, d_k, epsilon, eta, p, t, w

LEVEL = sp.Symbol("R", positive=True)


def test_flow_of_every_factor_is_minus_eta_gradient():
    fs = dp.factors(3)
    prod = sp.Mul(*fs)
    for eq, f in zip(dp.gradient_flow(3), fs):
        assert sp.simplify(eq.rhs - eta * d_k / D * (S - prod) * prod / f) == 0


@pytest.mark.parametrize("L", [1, 2, 3, 4])
def test_differences_of_squares_are_conserved(L):
    assert all(c == 0 for c in dp.conserved_derivatives(L))
    assert len(dp.conserved_derivatives(L)) == L - 1


@pytest.mark.parametrize("L", [1, 2, 3, 4, 5, 6])
def test_balanced_ode_is_L_eta_p_R_to_2_minus_2_over_L(L):
    rhs = dp.strength_ode(L).rhs
    assert sp.simplify(rhs - L * eta * p * R(t) ** (2 - sp.Rational(2, L)) * (S - R(t))) == 0
    # a wrong L-factor or a wrong power is not what is derived
    assert sp.simplify(rhs - (L + 1) * eta * p * R(t) ** (2 - sp.Rational(2, L)) * (S - R(t))) != 0
    assert sp.simplify(rhs - L * eta * p * R(t) ** (2 - sp.Rational(1, L)) * (S - R(t))) != 0


def test_L1_and_L2_odes_are_the_papers():
    assert sp.simplify(dp.strength_ode(2).rhs - ml.strength_ode().rhs) == 0
    assert sp.simplify(dp.strength_ode(1).rhs - ml.linear_flow().rhs.subs(w(t), R(t))) == 0


def test_L2_solution_is_lemma_1_exactly():
    assert sp.simplify(dp.strength_closed_form(2) - ml.strength()) == 0
    assert dp.strength_closed_form(2).equals(ml.solve_strength())


def test_L1_solution_is_eq_125_exactly():
    assert sp.simplify(dp.strength_closed_form(1).subs(R0, 0) - ml.linear_strength()) == 0
    assert dp.strength_closed_form(1).subs(R0, 0).equals(ml.linear_strength())


@pytest.mark.parametrize("L", [3, 4])
def test_implicit_solution_solves_the_ode(L):
    T = dp.time_to_reach(L, LEVEL)
    rate = dp.strength_ode(L).rhs.subs(R(t), LEVEL)
    assert sp.simplify(sp.diff(T, LEVEL) * rate - 1) == 0
    assert sp.simplify(T.subs(LEVEL, R0)) == 0
    assert sp.simplify(sp.diff(T, LEVEL) * rate * sp.Rational(L + 1, L) - 1) != 0


@pytest.mark.parametrize("L", [1, 3, 4])
def test_hypergeometric_antiderivative_is_a_second_route(L):
    G1 = sp.lambdify(dp.sigma_f, dp.factor_antiderivative(L), modules="mpmath")
    G2 = sp.lambdify(dp.sigma_f, dp.hypergeometric_antiderivative(L), modules="mpmath")
    a, b = mpmath.mpf("0.2"), mpmath.mpf("0.9")
    assert abs(mpmath.re(G1(b) - G1(a)) - mpmath.re(G2(b) - G2(a))) < 1e-12


def test_L2_times_are_eq_40():
    te, ts = ml.paper_times()
    assert ml.same_log_expression(dp.emergence_time(2), te)
    assert ml.same_log_expression(dp.saturation_time(2), ts)
    assert not ml.same_log_expression(dp.saturation_time(2), 2 * ts)


@pytest.mark.parametrize("L", [3, 4, 6])
def test_emergence_time_grows_as_a_power_of_one_over_r(L):
    lead, power = dp.emergence_asymptotic(L)
    assert power == sp.Rational(L - 2, L)
    assert sp.simplify(lead - R0 ** (-sp.Rational(L - 2, L)) / ((L - 2) * eta * p * S)) == 0
    if L <= 4:
        assert sp.limit(dp.emergence_time(L) / lead, R0, 0, "+") == 1
        wrong = R0 ** (-sp.Rational(L - 1, L)) / ((L - 2) * eta * p * S)
        assert sp.limit(dp.emergence_time(L) / wrong, R0, 0, "+") == 0


def test_emergence_time_at_L2_is_logarithmic_and_at_L1_finite():
    lead, power = dp.emergence_asymptotic(2)
    assert power == 0 and sp.simplify(lead - sp.log(S / R0) / (2 * eta * p * S)) == 0
    lead1, _ = dp.emergence_asymptotic(1)
    assert sp.simplify(lead1 + sp.log(1 - epsilon) / (eta * p)) == 0


def test_stage_like_bound_at_L2_matches_the_papers_condition():
    from symbolic.symbols import alpha

    f = sp.lambdify((R0, S, epsilon, alpha), dp.stage_like_bound(2))
    lam, ell = mpmath.log((1 / 1e-6 - 1) / (1 / 0.05 - 1)), mpmath.log(1 / 0.05 - 1)
    k_star = f(1e-6, 1.0, 0.05, 0.6)
    # Eq. 41 with Lambda and l: 2 l k^(alpha+1) < Lambda ((k+1)^(alpha+1) - k^(alpha+1)) on either side of k*
    for k, holds in ((0.98 * k_star, True), (1.02 * k_star, False)):
        assert (2 * ell * k**1.6 < lam * ((k + 1) ** 1.6 - k**1.6)) is holds


@pytest.mark.parametrize("bad", [0, -1, 2.5, "x", True, 65])
def test_bad_depth_is_one_line(bad):
    with pytest.raises(ArgumentError, match="--depth"):
        dp.depth(bad)


# ----------------------------------------------------------------- constants
def test_L2_constants_are_the_papers_to_30_digits():
    with mpmath.workdps(40):
        a = dc.A_T(2, alpha="0.6", S=1, r="0.01", eta=1, dps=30)
        b = pc.A_T(alpha="0.6", S=1, r="0.01", eta=1, dps=30)
        assert abs(a - b) < mpmath.mpf(10) ** -28
        assert abs(dc.time_integral(2, alpha=0.6, S=2, r=0.3) - pc.time_integral(alpha=0.6, S=2, r=0.3)) < 1e-12
        assert abs(dc.A_lambda(2, 1, alpha=0.6, S=1, r=0.01) - pc.A_lambda(1, alpha=0.6, S=1, r=0.01)) < 1e-12
    c1, c2 = dc.compute_constant(2, alpha=0.6, S=1, r=0.01, eta=1), pc.compute_constant(alpha="0.6", S=1, r="0.01", eta=1)
    assert abs(c1.A_C - c2.A_C) < 1e-12 and abs(c1.lambda_star - c2.lambda_star) < 1e-10


def test_L1_time_integral_has_a_closed_form():
    # Phi_1(u) = S^2 (1-rho)^2 e^(-2u) / 2, so the integral is S^2 (1-rho)^2 Gamma(1-s) 2^(s-1) / 2
    alpha, S_, r = 0.6, 1.5, 0.03
    s = 1 / (alpha + 1)
    exact = S_**2 * (1 - r / S_) ** 2 * mpmath.gamma(1 - s) * 2 ** (s - 1) / 2
    assert abs(dc.time_integral(1, alpha=alpha, S=S_, r=r) / exact - 1) < 1e-12
    assert abs(dc.time_integral(1, alpha=alpha, S=S_, r=r) / (1.01 * exact) - 1) > 1e-3


def test_L3_time_integral_by_a_second_route_without_parts():
    # the integral in sigma = (R/S)^(1/3) without integrating by parts: (S^2/2) int u^(-1/(alpha+1))
    # (1 - sigma^3) sigma^-2 dsigma; its endpoint singularity sits on a cancellation, so it needs 45 digits
    G = dc.antiderivative(3)
    with mpmath.workdps(45):
        alpha, rho = mpmath.mpf("0.6"), mpmath.mpf("0.01")
        s0 = mpmath.root(rho, 3)
        g0 = G(s0)
        f = lambda s: mpmath.re(G(s) - g0) ** (-1 / (alpha + 1)) * (1 - s**3) / s**2 / 2  # noqa: E731
        other = mpmath.quad(f, [s0, 0.22, 0.25, 0.3, 0.4, 0.5, 0.7, 0.9, 1])
        assert abs(dc.time_integral(3, alpha="0.6", S=1, r="0.01", dps=30) / other - 1) < 1e-15


def test_L2_dimensionless_times_are_eq_40():
    Ie, Is = dc.times(2, rho=0.01, epsilon=0.05)
    assert abs(Ie - mpmath.log((1 / 0.01 - 1) / (1 / 0.05 - 1)) / 2) < 1e-13
    assert abs(Is - mpmath.log(1 / 0.05 - 1)) < 1e-13


def test_A_T_grows_with_depth_and_bad_input_is_refused():
    values = [dc.A_T(L, alpha=0.6, S=1, r=0.01, eta=1) for L in (1, 2, 3, 4)]
    assert all(a < b for a, b in zip(values, values[1:]))
    with pytest.raises(ArgumentError, match="--r"):
        dc.A_T(3, alpha=0.6, S=1, r=2, eta=1)


def test_depth_3_constants_are_stable_in_the_precision():
    with mpmath.workdps(40):
        a = dc.A_T(3, alpha="0.6", S=1, r="0.01", eta=1, dps=20)
        b = dc.A_T(3, alpha="0.6", S=1, r="0.01", eta=1, dps=30)
        assert abs(a - b) < mpmath.mpf(10) ** -19
        c = dc.compute_constant(3, alpha="0.6", S=1, r="0.01", eta=1, dps=20)
        d = dc.compute_constant(3, alpha="0.6", S=1, r="0.01", eta=1, dps=25)
        assert abs(c.A_C - d.A_C) < mpmath.mpf(10) ** -19 and abs(c.lambda_star - d.lambda_star) < mpmath.mpf(10) ** -18


def test_level_at_inverts_the_time_at_tiny_r():
    """Solved in log sigma: the time of the level found is u to the working precision (it used to
    stop after one step when G(sigma_0) ~ r^(-1/3) is huge)."""
    with mpmath.workdps(60):
        rho = mpmath.mpf("1e-100")
        for u in (mpmath.mpf("1e30"), mpmath.mpf("2.1e33")):
            y = dc.level_at(3, u, rho)
            assert abs(dc.dimensionless_time(3, y, rho) / u - 1) < mpmath.mpf(10) ** -20


def test_small_r_compute_constant_is_the_minimum():
    """At r/S = 1e-20 (L = 3) the root of the derivative is the minimum of Eq. 330's function:
    moving mu by 1e-3 either way raises it (a wrong root would lower it on one side)."""
    kw = dict(alpha="0.6", S=1, r="1e-20")
    cc = dc.compute_constant(3, eta=1, **kw)
    a = mpmath.mpf("0.6")

    def f(mu):          # A(mu) mu^(alpha/(alpha+2)) at eta = S = 1 (A_lambda's argument is mu)
        return dc.A_lambda(3, mu, **kw) * mu ** (a / (a + 2))
    assert f(cc.mu_star) == pytest.approx(float(cc.A_C), rel=1e-12)
    assert f(cc.mu_star) < f(cc.mu_star * (1 + mpmath.mpf("1e-3")))
    assert f(cc.mu_star) < f(cc.mu_star * (1 - mpmath.mpf("1e-3")))
