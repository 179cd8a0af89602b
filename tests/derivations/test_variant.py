"""The variant (depth L, other skill frequencies): its claims pass both checks at L = 3, 4, a
wrong formula fails them, L = 1, 2 reproduce the paper, and the command answers as documented."""
import dataclasses
import json
import subprocess
import sys
import time

import mpmath
import numpy as np
import pytest
import sympy as sp

from derivations.cli import main
from derivations.variants import (depth_asymptotic, depth_ode, depth_solution, depth_time_law, depth_times, summary,
                                  variant)
from symbolic import constants as pc
from symbolic import multilinear as ml
from symbolic.symbols import R0, S, eta, p, t

MODULES = {"ode": depth_ode, "solution": depth_solution, "times": depth_times, "asymptotic": depth_asymptotic,
           "time-law": depth_time_law}


@pytest.mark.parametrize("L", [3, 4])
@pytest.mark.parametrize("name", list(MODULES))
def test_variant_claims_pass_both_checks(name, L):
    c = MODULES[name].claim(L)
    assert c.check_symbolic(c.statement)
    ag = c.check_numeric(c.statement, np.random.default_rng(0))
    assert ag.passed, (ag.error, ag.tolerance, ag.reason)


def _replace(c, rhs):
    return dataclasses.replace(c, statement=sp.Eq(c.statement.lhs, rhs, evaluate=False))


@pytest.mark.parametrize("L", [3, 4])
def test_a_wrong_L_factor_in_the_ode_fails_both_checks(L):
    c = depth_ode.claim(L)
    bad = _replace(c, c.statement.rhs * sp.Rational(L + 1, L))
    assert not bad.check_symbolic(bad.statement)
    assert not bad.check_numeric(bad.statement, np.random.default_rng(0)).passed


def test_a_wrong_power_of_R_in_the_ode_fails_both_checks():
    c = depth_ode.claim(3)
    bad = _replace(c, c.statement.rhs.subs(sp.Rational(4, 3), sp.Rational(5, 3)))
    assert bad.statement.rhs != c.statement.rhs
    assert not bad.check_symbolic(bad.statement)
    assert not bad.check_numeric(bad.statement, np.random.default_rng(0)).passed


@pytest.mark.parametrize("L", [3, 4])
def test_a_wrong_exponent_of_r_fails_both_checks(L):
    c = depth_asymptotic.claim(L)
    bad = _replace(c, c.statement.rhs * R0 ** sp.Rational(-1, 2 * L))
    assert not bad.check_symbolic(bad.statement)
    assert not bad.check_numeric(bad.statement, np.random.default_rng(0)).passed
    bad2 = _replace(c, 2 * c.statement.rhs)                        # a wrong coefficient
    assert not bad2.check_symbolic(bad2.statement)
    assert not bad2.check_numeric(bad2.statement, np.random.default_rng(0)).passed


def test_wrong_times_and_a_wrong_solution_fail():
    c = depth_times.claim(3)
    te, ts = c.statement.rhs
    bad = dataclasses.replace(c, statement=sp.Eq(c.statement.lhs, sp.Tuple(te * sp.Rational(4, 3), ts)))
    assert not bad.check_symbolic(bad.statement)
    assert not bad.check_numeric(bad.statement, np.random.default_rng(0)).passed
    c = depth_solution.claim(3)
    bad = _replace(c, c.statement.rhs * sp.Rational(3, 4))
    assert not bad.check_symbolic(bad.statement)
    assert not bad.check_numeric(bad.statement, np.random.default_rng(0)).passed


def test_a_wrong_time_unit_in_the_time_law_fails():
    c = depth_time_law.claim(3)
    bad = _replace(c, c.statement.rhs.subs(S ** sp.Rational(4, 3), S))
    assert not bad.check_symbolic(bad.statement)
    assert not bad.check_numeric(bad.statement, np.random.default_rng(0)).passed


@pytest.mark.parametrize("L", [1, 2])
def test_L1_and_L2_reproduce_the_paper(L):
    c = depth_solution.claim(L)
    assert c.check_symbolic(c.statement)             # includes R(t) = Eq. 125 (L=1) / Eq. 35 (L=2)
    c = depth_ode.claim(L)
    assert c.check_symbolic(c.statement)             # equals Eq. 34 / the linear flow
    if L == 2:
        te, ts = depth_times.claim(2).statement.rhs
        pe, pt = ml.paper_times()
        assert ml.same_log_expression(te, pe) and ml.same_log_expression(ts, pt)
        law = depth_time_law.claim(2).statement.rhs
        value = law.subs({sp.Symbol("alpha", positive=True): sp.Rational(3, 5), eta: 1, S: 1})
        assert value.free_symbols == {depth_time_law.J_L}


def test_json_summary_at_L2_is_the_papers_numbers():
    out = summary(variant(depth=2, alpha=0.6, S=1, r=0.01, eta=1))
    assert abs(out["A_T"] - float(pc.A_T(alpha="0.6", S=1, r="0.01", eta=1))) < 1e-12
    cc = pc.compute_constant(alpha="0.6", S=1, r="0.01", eta=1)
    assert abs(out["A_C"] - float(cc.A_C)) < 1e-12 and abs(out["lambda_star"] - float(cc.lambda_star)) < 1e-9
    te, ts = ml.paper_times()
    f = sp.lambdify((R0, sp.Symbol("epsilon", positive=True), eta, p, S), te)
    p1 = 1 / float(mpmath.zeta(1.6))
    assert abs(out["tau_emerge"][0] / f(0.01, 0.05, 1.0, p1, 1.0) - 1) < 1e-12
    assert out["exponents"] == pytest.approx({"T": -0.375, "D": -0.375, "N": -0.6, "C": -0.6 / 2.6})


def test_cli_json_at_depth_3_answers_in_under_10_seconds(capsys):
    start = time.perf_counter()
    assert main(["variant", "--depth", "3", "--alpha", "0.6", "--S", "1", "--r", "0.01", "--eta", "1", "--json"]) == 0
    elapsed = time.perf_counter() - start
    out = json.loads(capsys.readouterr().out)
    assert elapsed < 10, elapsed
    assert {"depth", "exponents", "A_T", "A_C", "lambda_star", "tau_emerge", "tau_saturate"} <= set(out)
    assert out["depth"] == 3 and len(out["tau_emerge"]) == 5 and set(out["exponents"]) == {"T", "D", "N", "C"}
    # tau_e, tau_s are proportional to 1/P_s(k), i.e. to k^(alpha+1)
    assert np.allclose(np.array(out["tau_emerge"]) / out["tau_emerge"][0], np.arange(1, 6) ** 1.6, rtol=1e-12)
    assert out["emergence_asymptotic"]["power_of_1_over_r"] == pytest.approx(1 / 3)


def test_cli_other_frequency_laws(capsys, tmp_path):
    assert main(["variant", "--depth", "2", "--frequencies", "cutoff", "--kc", "10", "--alpha", "0.6", "--S", "1",
                 "--r", "0.01", "--eta", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["A_T"] is None and out["exponents"]["T"] is None and len(out["tau_emerge"]) == 5
    table = tmp_path / "f.csv"
    table.write_text("k,count\n1,60\n2,30\n3,10\n")
    assert main(["variant", "--depth", "4", "--frequencies", str(table), "--alpha", "0.6", "--S", "1", "--r", "0.01",
                 "--eta", "1", "--skills", "4", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["P_s"] == pytest.approx([0.6, 0.3, 0.1]) and "3 skills" in out["skills_note"]   # k = 4 is beyond it


@pytest.mark.parametrize("args, match", [
    (["--depth", "0"], "--depth"), (["--depth", "2.5"], "--depth"), (["--depth", "x"], "--depth"),
    (["--r", "2"], "--r"), (["--epsilon", "0.7"], "--epsilon"), (["--eta", "-1"], "--eta"),
    (["--skills", "0"], "--skills"), (["--dps", "3"], "--dps"), (["--frequencies", "cutoff"], "--kc"),
    (["--pdf"], "--pdf"), (["--frequencies", "nope.csv"], "cannot read"),
    (["--alpha", "1e-300"], "--alpha must lie in [0.001, 100]"), (["--alpha", "101"], "--alpha must lie"),
    (["--S", "1e300", "--r", "1e298"], "--S must lie in [1e-06, 1e+06]"), (["--r", "1e-300"], "r/S"),
    (["--eta", "1e300"], "--eta must lie in [1e-30, 1e+30]"), (["--depth", "4", "--r", "1e-30"], "at depth 4"),
    (["--frequencies", "cutoff", "--kc", "1e300"], "--kc must lie in [0.001, 100000]"),
    (["--frequencies", "cutoff", "--kc", "1e-300"], "--kc must lie"), (["--kc", "3"], "only used with"),
])
def test_bad_input_is_one_line_and_exit_2(args, match, capsys):
    base = {"--depth": "3", "--alpha": "0.6", "--S": "1", "--r": "0.01", "--eta": "1"}
    given = dict(zip(args[::2], args[1::2])) if len(args) % 2 == 0 else {}
    argv = ["variant"] + [x for kv in (base | given).items() for x in kv] + ([args[0]] if len(args) == 1 else [])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert match in err and err.count("\n") == 1


@pytest.mark.parametrize("text", ["", "1,-1\n", "1,0\n2,0\n"])
def test_bad_tables_exit_2(tmp_path, capsys, text):
    table = tmp_path / "t.csv"
    table.write_text(text)
    assert main(["variant", "--depth", "2", "--frequencies", str(table), "--alpha", "0.6", "--S", "1", "--r", "0.01",
                 "--eta", "1"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_argparse_errors_exit_2():
    proc = subprocess.run([sys.executable, "-m", "derivations.cli", "variant", "--depth", "3"], capture_output=True,
                          text=True)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "required" in proc.stderr


@pytest.mark.parametrize("extra", [["--export", "json"], ["--latex", "x.tex"]])
def test_json_with_a_document_is_refused(capsys, extra):
    assert main(["variant", "--depth", "3", "--alpha", "0.6", "--S", "1", "--r", "0.01", "--eta", "1", "--json",
                 *extra]) == 2
    err = capsys.readouterr().err
    assert "--json cannot be combined" in err and err.count("\n") == 1


def _cli_json(capsys, *extra):
    assert main(["variant", *extra, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("L, r", [(3, "1e-20"), (2, "1e-100")])
def test_small_r_works(capsys, L, r):
    """Small r is the regime of the command (it used to fail in the root search of Eq. 330)."""
    out = _cli_json(capsys, "--depth", str(L), "--alpha", "0.6", "--S", "1", "--r", r, "--eta", "1")
    assert out["A_C"] > 0 and out["lambda_star"] > 0 and out["stage_like_below_k"] > 0


@pytest.mark.parametrize("S, r", [("1e5", "1e3"), ("1e-6", "1e-8")])
def test_large_and_small_S(capsys, S, r):
    """With r/S fixed, A and Phi_L are S^2 times functions of u, so
    A_C(S) / A_C(1) = S^2 (S^(4/3))^(-alpha/(alpha+2)) at L = 3 (tolerance: 15-digit constants)."""
    one = _cli_json(capsys, "--depth", "3", "--alpha", "0.6", "--S", "1", "--r", "0.01", "--eta", "1")
    out = _cli_json(capsys, "--depth", "3", "--alpha", "0.6", "--S", S, "--r", r, "--eta", "1")
    s = float(S)
    assert out["A_C"] / one["A_C"] == pytest.approx(s**2 * (s ** (4 / 3)) ** (-0.6 / 2.6), rel=1e-10)
    assert out["A_C"] / one["A_C"] != pytest.approx(s**2 * s ** (-0.6 / 2.6), rel=1e-3)   # eta S would be wrong


def test_dps_30_digits_agree_with_emergence_constants(capsys):
    out = _cli_json(capsys, "--depth", "2", "--alpha", "0.6", "--S", "1", "--r", "0.01", "--eta", "1", "--dps", "30")
    cc = pc.compute_constant(alpha="0.6", S=1, r="0.01", eta=1, dps=30)
    at = pc.A_T(alpha="0.6", S=1, r="0.01", eta=1, dps=30)
    assert out["A_T_digits"] == pc.nstr(at, 30) and len(out["A_T_digits"].replace("0.", "", 1)) >= 30
    assert out["A_C_digits"] == pc.nstr(cc.A_C, 30)
    assert out["lambda_star_digits"] == pc.nstr(cc.lambda_star, 30)
    assert out["exponents"]["T"] == -0.375


def test_table_shorter_than_skills_says_so(tmp_path, capsys):
    table = tmp_path / "t.csv"
    table.write_text("1,1\n2,2\n3,3\n")
    out = _cli_json(capsys, "--depth", "2", "--frequencies", str(table), "--alpha", "0.6", "--S", "1", "--r", "0.01",
                    "--eta", "1")
    assert len(out["tau_emerge"]) == 3 and "3 skills" in out["skills_note"]


def test_cutoff_law_extremes_are_finite(capsys):
    for kc in ("1e-3", "1e5"):
        out = _cli_json(capsys, "--depth", "2", "--frequencies", "cutoff", "--kc", kc, "--alpha", "0.6", "--S", "1",
                        "--r", "0.01", "--eta", "1")
        assert all(x is not None and x >= 0 for x in out["loss_curve"]["loss"])


@pytest.mark.parametrize("fmt", ["json", "python", "c"])
def test_export_is_one_valid_document(capsys, tmp_path, fmt):
    import shutil

    assert main(["variant", "--depth", "3", "--alpha", "0.6", "--S", "1", "--r", "0.01", "--eta", "1",
                 "--export", fmt]) == 0
    text = capsys.readouterr().out
    if fmt == "json":
        assert len(json.loads(text)) == 5
    elif fmt == "python":
        namespace = {}
        exec(compile(text, "<export>", "exec"), namespace)       # our own output
        assert sum(k.startswith("variant_L3_") for k in namespace) >= 5
    elif shutil.which("gcc"):
        (tmp_path / "v.c").write_text(text)
        assert subprocess.run(["gcc", "-fsyntax-only", str(tmp_path / "v.c")]).returncode == 0


def test_export_python_runs(capsys):
    assert main(["variant", "--depth", "3", "--alpha", "0.6", "--S", "1", "--r", "0.01", "--eta", "1",
                 "--export", "python"]) == 0
    code = capsys.readouterr().out
    namespace = {}
    exec(compile(code.replace("# generated", "\n# generated"), "<export>", "exec"), namespace)  # our own output
    assert namespace["variant_L3_ode_rate"](1.0, 1.0, 0.5, 0.125) == pytest.approx(3 * 0.5 * 0.125 ** (4 / 3) * 0.875)
    with pytest.raises(ValueError):
        namespace["variant_L3_ode_rate"](1.0, 1.0, 0.5, 2.0)


@pytest.mark.slow
def test_cli_check_at_depth_4_passes(capsys):
    assert main(["variant", "--depth", "4", "--alpha", "0.6", "--S", "1", "--r", "0.01", "--eta", "1", "--check",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["passed"] is True and len(out["checks"]) == 5


@pytest.mark.slow
def test_cli_latex_writes_the_document(tmp_path, capsys):
    tex = tmp_path / "v.tex"
    assert main(["variant", "--depth", "3", "--alpha", "0.6", "--S", "1", "--r", "0.01", "--eta", "1",
                 "--latex", str(tex)]) == 0
    text = tex.read_text()
    assert "What changes with depth" in text and "5 of 5 claims passed" in text
    assert (tmp_path / "figures" / "variant" / "variant_depth_3.pdf").exists()


def test_loss_curves_are_exact_sums(tmp_path):
    from derivations.variants.loss import loss_curve
    from symbolic.frequencies import power_law, table_law

    table = tmp_path / "f.csv"
    table.write_text("1,0.6\n2,0.3\n3,0.1\n")
    law = table_law(table)
    out = loss_curve(2, law, S=1.0, r=0.01, eta=1.0, times=[0.5, 3.0])
    logistic = sp.lambdify((t, R0, eta, p, S), ml.skill_loss(), modules="numpy")   # Eq. 10 at Eq. 35
    for T, value in zip(out["T"], out["loss"]):
        expected = sum(P * logistic(T, 0.01, 1.0, P, 1.0) for P in (0.6, 0.3, 0.1))
        assert abs(value / expected - 1) < 1e-7
    # the power law's curve meets A_T T^(-alpha/(alpha+1)) at large T (Thm. 4), and a wrong A_T does not
    big = loss_curve(3, power_law(alpha=0.6), S=1.0, r=0.01, eta=1.0, times=[1e5])["loss"][0]
    from symbolic.depth_constants import A_T as depth_A_T

    A_T = float(depth_A_T(3, alpha=0.6, S=1, r=0.01, eta=1))
    assert abs(big * 1e5**0.375 / A_T - 1) < 1e-6
    assert abs(big * 1e5**0.375 / (1.001 * A_T) - 1) > 1e-4


def test_progress_bar_on_a_terminal_only(capsys, monkeypatch):
    import numeric_check.progress as progress

    argv = ["variant", "--depth", "3", "--alpha", "0.6", "--S", "1", "--r", "0.01", "--eta", "1"]
    assert main(argv) == 0
    assert capsys.readouterr().err == ""                    # a pipe: no bar
    monkeypatch.setattr(progress, "on_terminal", lambda: True)
    assert main(argv) == 0
    assert "variant" in capsys.readouterr().err             # a terminal: the bar on standard error
    assert main(argv + ["--json"]) == 0
    assert capsys.readouterr().err == ""                    # --json: none
