"""Typed derivation steps (maths written by hand, not computed by SymPy): each says why, and the
whole document has at most five (see :mod:`derivations.document.steps` for the definition)."""
import pytest
import sympy as sp

from derivations.claim import Step
from derivations.document.steps import is_typed, typed_reason, typed_steps
from derivations.registry import claims

MAX_TYPED = 5
x = sp.Symbol("x")


@pytest.mark.parametrize("step", [
    Step(sp.Symbol(r"\mathcal{L}_2"), x**2, "a name on the left, SymPy on the right"),
    Step(sp.Symbol(r"\min_{NT=C}\mathcal{L}"), x + 1, "a lone formula-like name on the left is a name"),
    Step("", sp.Eq(x, 1), "no left side"),
    Step(sp.Derivative(sp.Function("f")(x), x), sp.Symbol(r"\mathcal{R}_k"), "a plain name on the right"),
])
def test_computed_steps_are_not_typed(step):
    assert not is_typed(step), typed_reason(step)


@pytest.mark.parametrize("step", [
    Step("L", x, "text on the left"),
    Step(x, r"\frac{1}{2}", "text on the right"),
    Step(x, 2 * sp.Symbol(r"\int_1^N k^{-2}\,dk"), "an integral typed as a symbol"),
    Step(x, sp.Symbol(r"\mathbb{E}_D[\mathcal{L}]"), "an expectation typed as a symbol"),
    Step(x, sp.Symbol(r"a_k + b_k"), "a sum typed as a symbol"),
    Step(sp.Symbol(r"\sum_k x_k") + 1, x, "a compound left side holding a typed sum"),
])
def test_typed_steps_are_found(step):
    assert is_typed(step)


def test_every_typed_step_says_why_and_there_are_at_most_five():
    counts, unexplained = {}, []
    for claim in claims():
        typed = typed_steps(claim)
        if typed:
            counts[claim.id] = f"{len(typed)}/{len(claim.steps)}"
        unexplained += [f"{claim.id} step {claim.steps.index(s) + 1}: {typed_reason(s)}" for s in typed if not s.typed.strip()]
    total = sum(int(c.split("/")[0]) for c in counts.values())
    message = f"typed steps per claim {counts} (total {total}); without a reason: {unexplained}"
    assert not unexplained, message
    assert total <= MAX_TYPED, message


@pytest.mark.parametrize("name, formula", [
    ("+", False), (r"E_{1}^{+}", False), (r"\tau^{(e)}_{k+1}", False), (r"\epsilon", False),
    ("a_k + b_k", True), ("x < 1", True), (r"(1-P_s+P_se^{-c})^D", True), (r"\frac{a}{b}", True),
])
def test_signs_count_only_between_operands_outside_indices(name, formula):
    assert is_typed(Step(x, sp.Symbol(name), "")) is formula
