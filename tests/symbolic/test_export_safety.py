"""Reading an export back never evaluates code, and export's own strings cannot inject code
(the reliability issue's items 1 and 2)."""
import json
import os
import subprocess
import sys

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from numeric_check.validation import ArgumentError
from symbolic.expression_tree import MAX_DEPTH, from_tree, to_tree
from symbolic.printers import export, read_json
from symbolic.symbols import N, R0, S, alpha, eta, lam, p, t, x

HOSTILE = [
    '{"srepr": "__import__(\'os\').system(\'touch PWNED\')"}',
    '{"tree": {"node": "Symbol", "name": "x", "assumptions": {"__class__": true}}}',
    '{"tree": {"node": "Function", "name": "__import__", "args": []}}',
    '{"tree": {"node": "eval", "args": [{"node": "Symbol", "name": "os"}]}}',
    '{"tree": {"node": "UndefinedFunction", "name": "__import__(\'os\')", "args": []}}',
    '{"tree": {"node": "Integer", "value": "__import__(\'os\').system(\'touch PWNED\')"}}',
    '{"tree": {"node": "Float", "value": "__import__(\'os\')"}}',
    '{"tree": {"node": "Integer", "value": "' + "9" * 20000 + '"}}',
    '{"tree": {"node": "Add", "args": "x"}}',
    '{"tree": {"node": "Rational", "p": "1", "q": "0"}}',
    '{"tree": [1, 2]}',
    '[1, 2]',
    'not json',
    '{"tree": ' + '{"node": "Tuple", "args": [' * (MAX_DEPTH + 5) + ']}' * (MAX_DEPTH + 5) + '}',
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_json_is_refused_in_one_line_and_runs_nothing(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ArgumentError) as info:
        read_json(text)
    assert "\n" not in str(info.value)
    assert not (tmp_path / "PWNED").exists()


def test_the_srepr_payload_does_not_run_in_a_real_process(tmp_path):
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps({"srepr": f"__import__('os').system('touch {tmp_path}/PWNED')",
                                   "tree": {"node": "Symbol", "name": "x", "assumptions": {}}}))
    code = f"from symbolic.printers import read_json; print(read_json(open({str(payload)!r}).read()))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "x" and not (tmp_path / "PWNED").exists()


_leaves = st.sampled_from([S, R0, eta, p, t, alpha, N, x, sp.Integer(3), sp.Rational(-2, 7), sp.pi, sp.Float("0.125")])
_exprs = st.recursive(_leaves, lambda inner: st.one_of(
    st.tuples(inner, inner).map(lambda ab: ab[0] + ab[1]),
    st.tuples(inner, inner).map(lambda ab: ab[0] * ab[1]),
    st.tuples(inner, st.sampled_from([sp.Integer(2), sp.Rational(1, 2), -alpha - 1])).map(lambda ab: ab[0] ** ab[1]),
    inner.map(sp.exp), inner.map(lambda e: sp.log(e)), inner.map(lambda e: sp.zeta(e + 2)),
    inner.map(lambda e: sp.Function("A")(e)),
), max_leaves=12)
# Integrals only at the top: SymPy evaluates exp/log/zeta of an Integral numerically while
# building the expression, which can take minutes for some draws.
_exprs = st.one_of(_exprs, _exprs.map(lambda e: sp.Integral(e, (t, 0, sp.oo))))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_exprs)
def test_every_expression_round_trips_exactly(expr):
    assert from_tree(json.loads(json.dumps(to_tree(expr)))) == expr


def test_round_trip_keeps_assumptions_and_o_terms():
    expr = sp.Eq(sp.Symbol("A_D"), S**2 * N**-2 + sp.O(N**-3, (N, sp.oo)))
    back = read_json(export(expr, "json", name="f"))
    assert back == expr
    assert {s.name: s.is_positive for s in back.free_symbols} == {"A_D": None, "S": True, "N": True}


@pytest.mark.parametrize("name", ["a b", "f()", "import", "lambda", "double", "x;y", "", "\u00e9t\u00e9"])
def test_export_names_must_be_identifiers(name):
    with pytest.raises(ArgumentError, match="name must be"):
        export(eta, "python", name=name)


@pytest.mark.parametrize("fmt", ["python", "numpy", "c", "latex", "json"])
def test_descriptions_cannot_inject_code(fmt, tmp_path):
    hostile = 'end """\nimport os; os.system("touch PWNED")\n*/ int x = 1; /* \\'
    source = export(lam * eta * S, fmt, name="rate", description=hostile)
    if fmt in ("python", "numpy"):
        namespace = {}
        exec(compile(source, "export.py", "exec"), namespace)        # the generated file itself
        assert set(n for n in namespace if not n.startswith("__")) <= {"rate", "math", "numpy", "mpmath"}
        assert namespace["rate"](2.0, 3.0, 5.0) == pytest.approx(30.0)
    if fmt == "c":
        body = source.split("*/", 2)[2]              # after the header and the description comments
        assert body.strip().startswith("double rate(")
    if fmt == "latex":
        assert all(line.startswith("%") for line in source.splitlines()[:2])
    if fmt == "json":
        assert json.loads(source)["description"] == hostile
    assert not os.path.exists(tmp_path / "PWNED")


def test_a_parameter_named_lambda_gives_valid_python():
    source = export(lam * t, "python", name="mode")
    namespace = {}
    exec(source, namespace)
    assert namespace["mode"](2.0, 3.0) == 6.0


def test_indexed_sums_round_trip_and_a_non_symbol_base_is_refused():
    k = sp.Symbol("k", integer=True, positive=True)
    d, R = sp.IndexedBase("d"), sp.IndexedBase("R")
    expr = sp.Sum(d[k] * (S - R[k]) ** 2 / 2, (k, 1, N))          # Eq. 11's form
    assert from_tree(json.loads(json.dumps(to_tree(expr)))) == expr
    bad = {"node": "Indexed", "base": {"node": "Integer", "value": "3"}, "indices": [to_tree(k)]}
    with pytest.raises(ArgumentError, match="base must be a Symbol"):
        from_tree(bad)
    with pytest.raises(ArgumentError, match="at least one index"):
        from_tree({"node": "Indexed", "base": to_tree(S), "indices": []})
