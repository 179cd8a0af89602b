"""The exponents stored in :data:`symbolic.constants.EXPONENTS` (read by ``emergence
constants`` without SymPy) equal the ones :mod:`symbolic.scaling` derives (App. E)."""
import mpmath
import pytest
import sympy as sp

from symbolic import constants
from symbolic.scaling import compute_allocation, data_exponent, parameter_exponent, time_exponent
from symbolic.symbols import alpha

DERIVED = {
    "T": lambda: time_exponent().exponent,
    "D": lambda: data_exponent().exponent,
    "N": lambda: parameter_exponent().exponent,
    "C": lambda: compute_allocation().loss_exponent,
}


def test_every_stored_exponent_has_a_derivation():
    assert set(constants.EXPONENTS) == set(DERIVED)


@pytest.mark.parametrize("name", sorted(DERIVED))
def test_stored_exponent_equals_its_derivation(name):
    p1, p0, q1, q0 = constants.EXPONENTS[name]
    stored = (p1 * alpha + p0) / (q1 * alpha + q0)
    assert sp.simplify(stored - DERIVED[name]()) == 0


@pytest.mark.parametrize("name", sorted(DERIVED))
@pytest.mark.parametrize("value", ["0.1", "0.6", "2.5"])
def test_stored_exponent_evaluates_like_the_derivation(name, value):
    # 40 digits: both sides are the same rational function, so they agree to the working precision
    with mpmath.workdps(50):
        derived = sp.lambdify(alpha, DERIVED[name](), modules="mpmath")(mpmath.mpf(value))
    got = constants.exponent(name, alpha=value, dps=40)
    assert abs(got - derived) <= mpmath.mpf(10) ** -39 * max(1, abs(derived))


def test_a_wrong_stored_exponent_is_caught(monkeypatch):
    monkeypatch.setitem(constants.EXPONENTS, "C", (-1, 0, 1, 1))
    p1, p0, q1, q0 = constants.EXPONENTS["C"]
    assert sp.simplify((p1 * alpha + p0) / (q1 * alpha + q0) - DERIVED["C"]()) != 0
