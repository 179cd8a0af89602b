"""Both checks of every registered claim, and each check shown to fail on a wrong formula."""
import dataclasses

import numpy as np
import pytest
import sympy as sp

from derivations.claim import run_checks
from derivations.registry import REGISTRY, get
from symbolic.symbols import S, eta

IDS = list(REGISTRY)


@pytest.mark.parametrize("claim_id", IDS)
def test_claim_passes_both_checks(claim_id):
    result = run_checks(get(claim_id), seed=0)
    assert result.symbolic, f"{claim_id}: symbolic check failed"
    assert result.agreement.passed, f"{claim_id}: {result.agreement}"
    assert 0 < result.agreement.tolerance < 1, "a tolerance of 1 or more (relative) cannot fail"


@pytest.mark.parametrize("claim_id", ["lemma-1", "eq-125"])
@pytest.mark.parametrize("seed", [1, 2])
def test_claim_passes_at_other_seeds(claim_id, seed):
    assert run_checks(get(claim_id), seed=seed).passed


def _perturbed(claim_id, old, new):
    good = get(claim_id)
    return dataclasses.replace(good, statement=good.statement.subs(old, new))


@pytest.mark.parametrize("claim_id, old, new", [
    ("lemma-1", eta, 2 * eta),
    ("eq-125", eta, 2 * eta),
    ("eq-40", eta, 2 * eta),
    ("eq-25", eta, 2 * eta),
    ("corollary-1", S, 2 * S),
    ("corollary-2", S, 2 * S),
])
def test_a_wrong_factor_two_is_caught(claim_id, old, new):
    bad = _perturbed(claim_id, old, new)
    assert not bad.check_symbolic(bad.statement)
    assert not bad.check_numeric(bad.statement, np.random.default_rng(0)).passed


def test_a_wrong_stage_like_condition_is_caught():
    good = get("eq-41")
    lhs, rhs = good.statement.args
    bad = dataclasses.replace(good, statement=sp.StrictLessThan(lhs / 2, rhs))
    assert not bad.check_symbolic(bad.statement)
    assert not bad.check_numeric(bad.statement, np.random.default_rng(0)).passed


@pytest.mark.parametrize("claim_id", IDS)
def test_claim_records_are_complete(claim_id):
    claim = get(claim_id)
    assert claim.id == claim_id and claim.title and claim.equations
    assert claim.steps, "every claim shows its derivation steps"
