"""Per-claim tests of the extended models: each check fails on a deliberately wrong formula."""
import dataclasses
import json

import numpy as np
import pytest
import sympy as sp

from derivations.extended import (appendix_g_width3, eq_14_calibration, eq_126_linear_versions, lemma_2_gradient_span,
                                  lemma_3_conservation, proposition_1_dc_shot, proposition_2_nc_width)
from derivations.cli import main
from symbolic.extended import Bc, Dc, Nc, paper_eq17, paper_network_flow
from symbolic.symbols import a, t


def _wrong(module):
    good = module.claim()
    st = good.statement
    if module is eq_14_calibration:
        return st.subs(Bc, Bc**2)                                     # the paper's B^2 (Eq. 14 erratum)
    if module is proposition_1_dc_shot:
        return sp.Eq(st.lhs, paper_eq17())                           # the paper's Eq. 17 (erratum)
    if module is eq_126_linear_versions:
        return st.subs(Dc, 2 * Dc)                                    # a wrong factor 2
    if module is proposition_2_nc_width:
        return st.subs(Nc, 2 * Nc)
    if module is lemma_3_conservation:
        return sp.Eq(sp.Derivative(a(t) ** 2 - 2 * lemma_3_conservation.NormB2(t), t), 0)
    if module is lemma_2_gradient_span:
        phi, bdot = lemma_2_gradient_span.PHI, lemma_2_gradient_span.BDOT
        return sp.Eq((sp.Identity(Dc) - 2 * phi * (phi.T * phi).I * phi.T) * bdot, sp.ZeroMatrix(Dc, 1))
    if module is appendix_g_width3:
        return sp.Eq(st.lhs, paper_network_flow(), evaluate=False)  # the paper's Eqs. 120-123 (erratum)
    raise AssertionError(module)


MODULES = [eq_14_calibration, proposition_1_dc_shot, eq_126_linear_versions, proposition_2_nc_width,
           lemma_3_conservation, lemma_2_gradient_span, appendix_g_width3]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.split(".")[-1])
def test_a_wrong_formula_is_caught(module):
    good = module.claim()
    bad = dataclasses.replace(good, statement=_wrong(module))
    assert not bad.check_symbolic(bad.statement)
    with np.errstate(all="ignore"):
        assert not bad.check_numeric(bad.statement, np.random.default_rng(0)).passed


def test_claim_ids_and_section():
    ids = {m.claim().id for m in MODULES}
    assert ids == {"eq-14", "proposition-1", "eq-126", "proposition-2", "lemma-3", "lemma-2", "appendix-g"}
    assert all(m.claim().section == "The extended models" for m in MODULES)


def test_curve_json(capsys):
    assert main(["curve", "emergence-parameter", "--alpha", "0.6", "--n-s", "3", "--Nc", "2", "--x-max", "6", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["x"] == [1, 2, 3, 4, 5, 6] and out["curves"]["2"] == [0, 0, 0.5, 1, 1, 1]


def test_curve_data_laws_differ(capsys):
    main(["curve", "emergence-data", "--Dc", "100", "--x-min", "50", "--x-max", "60", "--points", "2", "--json",
          "--no-average", "--law", "eq17"])
    eq17 = json.loads(capsys.readouterr().out)["curves"]["1"]
    main(["curve", "emergence-data", "--Dc", "100", "--x-min", "50", "--x-max", "60", "--points", "2", "--json",
          "--no-average"])
    linear = json.loads(capsys.readouterr().out)["curves"]["1"]
    assert all(l > e for l, e in zip(linear, eq17))


@pytest.mark.parametrize("argv", [
    ["emergence-data", "--Dc", "0"], ["emergence-data", "--Dc", "2.5"], ["emergence-parameter", "--Nc", "0"],
    ["emergence-parameter", "--Nc", "x"], ["emergence-time", "--B2", "0"], ["emergence-time", "--B2", "1.01"],
    ["emergence-time", "--k", "9"], ["emergence-time", "--alpha", "0"], ["emergence-parameter", "--x-min", "0"],
    ["emergence-time", "--x-min", "10", "--x-max", "5"], ["emergence-data", "--law", "cubic"],
    ["emergence-time", "--R0", "6"], ["emergence-time", "--points", "1"], ["emergence-width"],
])
def test_curve_bad_input_exit_2(argv, capsys):
    with pytest.raises(SystemExit) if argv[-1] in ("cubic", "emergence-width") else _nothing():
        code = main(["curve", *argv])
        assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("emergence: error:") and err.count("\n") == 1


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_width3_flow_with_one_coefficient_off_fails_the_numeric_differentiation_route():
    # the second route differentiates the written-out network numerically: one coefficient (7 beta^2 -> 6 beta^2) is seen
    from symbolic.extended import beta_G
    good = appendix_g_width3.claim()
    rhs = sp.Matrix(good.statement.rhs)
    rhs[1] = sp.expand(rhs[1] + sp.expand(rhs[1]).coeff(beta_G, 4) * beta_G**4 / 7)
    bad = dataclasses.replace(good, statement=sp.Eq(good.statement.lhs, rhs, evaluate=False))
    assert good.check_symbolic(good.statement)
    assert not bad.check_symbolic(bad.statement)
