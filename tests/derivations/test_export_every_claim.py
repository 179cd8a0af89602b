"""Every claim x every export format: the code imports or compiles, agrees with SymPy's own
evaluation (mpmath, 30 digits) to 1e-12 relative at three points inside the domain, takes arrays
(NumPy), and refuses each parameter outside its range (ValueError naming it; NAN and errno = EDOM
in C). A refusal is one line that says why, and only the refusals listed here happen.

C exports are compiled with gcc (GSL where they use it); JAX and PyTorch exports run where those
libraries are importable (gradients against SymPy's derivative). Otherwise those tests skip.
"""
from __future__ import annotations

import ctypes
import errno
import inspect
import math
import re
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import mpmath
import numpy as np
import pytest
import sympy as sp

from derivations.cli.export import claim_formulas, export_claim
from derivations.registry import REGISTRY, get
from numeric_check.validation import ArgumentError
from symbolic import constants
from symbolic.export_model import ArgMin, Minimum, applicable_conditions, named_parameter, order_key, parameters
from symbolic.printers import CODE_FORMATS, FORMATS, read_json

IDS = list(REGISTRY)

#: The exports that are refused, and a word their one-line reason must hold.
REFUSED = {
    **{("lemma-2", fmt): "identity" for fmt in CODE_FORMATS},          # a matrix identity: nothing to compute
    ("lemma-2", "json"): "MatMul",                                    # the expression tree has no matrix products
    ("corollary-5", "c"): "minimum",                                  # a root search over an integral
    ("corollary-5", "jax"): "integral", ("corollary-5", "torch"): "integral",
    ("theorem-4", "jax"): "integral", ("theorem-4", "torch"): "integral",
    ("lemma-6", "jax"): "zeta", ("lemma-6", "torch"): "zeta",        # their zeta is NaN for sigma < 1
}
#: Extra conditions on the sample points, with their reasons.
SAMPLING = {
    # symbolic.constants.compute_constant, the reference of A_C and lambda*, computes r/S <= 0.9 only
    "corollary-5": lambda v: v["r"] < 0.9 * v["S"],
}
RTOL = 1e-12           # the brief's agreement; every kernel works in double or at 30 digits (mpmath)
DPS = 30


@lru_cache(maxsize=None)
def _claim(claim_id):
    return get(claim_id)


@lru_cache(maxsize=None)
def _source(claim_id, fmt):
    """The export's text, or the ArgumentError that refused it."""
    try:
        return export_claim(_claim(claim_id), fmt)
    except ArgumentError as exc:
        return exc


def _formulas(claim_id):
    try:
        return claim_formulas(_claim(claim_id))
    except ArgumentError:
        return ()


def _exported(claim_id, fmt):
    source = _source(claim_id, fmt)
    if isinstance(source, ArgumentError):
        pytest.skip(f"refused: {source}")
    return source


# ------------------------------------------------------------------ points inside the domain
def _draw(param, rng):
    if param.integer:
        return float(rng.integers(1 if param.positive else 0, 12))
    if param.positive:
        return float(np.exp(rng.uniform(np.log(0.05), np.log(5.0))))
    if param.nonnegative:
        return float(rng.uniform(0.0, 5.0))
    return float(rng.uniform(-2.0, 2.0))


def _holds(conditions, values: dict) -> bool:
    subs = {s: sp.Float(values[s.name], DPS) for c in conditions for s in c.free_symbols}
    return all(bool(c.xreplace(subs)) for c in conditions)


def _points(claim_id, formula, n=3, seed=0, violate=None):
    """``n`` points (name -> float) satisfying every condition (or violating only ``violate``)."""
    rng = np.random.default_rng(seed)
    params = parameters(formula)
    conds = applicable_conditions(formula)
    keep = [c for c in conds if c is not violate]
    extra = SAMPLING.get(claim_id, lambda v: True) if violate is None else (lambda v: True)
    out = []
    for _ in range(20000):
        v = {p.name: _draw(p, rng) for p in params}
        if isinstance(violate, sp.Ne):                       # sigma != 1: the one point outside
            v[named_parameter(violate).name] = float(violate.rhs)
        values = {p.symbol.name: v[p.name] for p in params}
        if _holds(keep, values) and extra(v) and (violate is None or not _holds([violate], values)):
            out.append(v)
            if len(out) == n:
                return out
    raise AssertionError(f"{formula.name}: no points found")


def _reference(claim_id, formula, point):
    """SymPy's evaluation at 30 digits: ``evalf``, or for an integral ``lambdify`` to mpmath
    (``evalf`` of Theorem 4's A_T takes seconds; the integrals also meet a second route,
    symbolic.constants, in test_the_time_constant_agrees_with_a_second_route); Corollary 5's
    minimum: symbolic.constants.compute_constant (a root search on another function of mu)."""
    return _cached_reference(claim_id, formula.name, tuple(sorted(point.items())))


@lru_cache(maxsize=None)
def _cached_reference(claim_id, name, items):
    formula = next(f for f in _formulas(claim_id) if f.name == name)
    point = dict(items)
    if formula.value.has(Minimum):
        c = _compute_constant(point["alpha"], point["S"], point["r"], point["eta"])
        return float(c.lambda_star if isinstance(formula.value, ArgMin) else c.A_C)
    subs = {p.symbol: sp.Float(point[p.name], DPS) for p in parameters(formula)}
    if formula.value.has(sp.Integral):
        law = sp.lambdify([p.symbol for p in parameters(formula)], formula.value, modules="mpmath")
        with mpmath.workdps(DPS):
            return float(law(*[mpmath.mpf(point[p.name]) for p in parameters(formula)]))
    if formula.predicate:
        relation = formula.value
        return bool(type(relation)(relation.lhs.xreplace(subs).evalf(DPS), relation.rhs.xreplace(subs).evalf(DPS)))
    return float(formula.value.xreplace(subs).evalf(DPS))


@lru_cache(maxsize=None)
def _compute_constant(alpha, S, r, eta):
    return constants.compute_constant(alpha=alpha, S=S, r=r, eta=eta, dps=20)


def _close(got, want):
    if isinstance(want, bool):
        return bool(got) == want
    got = float(got)
    return abs(got - want) <= RTOL * abs(want) if want != 0 else got == 0


def _cases():
    return [(cid, fmt) for cid in IDS for fmt in CODE_FORMATS if (cid, fmt) not in REFUSED]


# ------------------------------------------------------------------ the matrix
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_claim_exports_or_is_refused_with_one_line(fmt):
    refused = {}
    for claim_id in IDS:
        source = _source(claim_id, fmt)
        if isinstance(source, ArgumentError):
            refused[(claim_id, fmt)] = str(source)
        else:
            assert "generated by emergence-laws" in source[:200], claim_id
            assert not re.search(r"(?<!jax\.)scipy", source), claim_id        # not a dependency
    assert set(refused) == {key for key in REFUSED if key[1] == fmt}
    for key, text in refused.items():
        assert "\n" not in text and REFUSED[key] in text and "use --to" in text, (key, text)


def test_refusals_reach_the_command_line_as_one_line(capsys):
    from derivations.cli import main

    assert main(["export", "corollary-5", "--to", "c"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("emergence: error: --to c cannot compute corollary_5_A_C") and err.count("\n") == 1


def _namespace(claim_id, fmt):
    namespace = {}
    exec(compile(_exported(claim_id, fmt), f"{claim_id}.{fmt}.py", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("claim_id", IDS)
def test_python_and_numpy_exports_agree_with_sympy(claim_id):
    formulas = _formulas(claim_id)
    if not formulas:
        pytest.skip(f"refused: {_source(claim_id, 'python')}")
    py, npy = _namespace(claim_id, "python"), _namespace(claim_id, "numpy")
    for formula in formulas:
        points = _points(claim_id, formula)
        wants = [_reference(claim_id, formula, pt) for pt in points]
        for pt, want in zip(points, wants):
            got = py[formula.name](**pt)
            assert isinstance(got, bool if formula.predicate else float), formula.name
            assert _close(got, want), (formula.name, pt, got, want)
        arrays = {name: np.array([pt[name] for pt in points]) for name in points[0]}
        got = npy[formula.name](**arrays)
        assert np.shape(got) == (3,), formula.name
        assert all(_close(g, w) for g, w in zip(got, wants)), (formula.name, got, wants)
        assert np.shape(npy[formula.name](**points[0])) == ()


@pytest.mark.parametrize("claim_id", IDS)
def test_python_and_numpy_exports_refuse_values_outside_the_domain(claim_id):
    formulas = _formulas(claim_id)
    if not formulas:
        pytest.skip("refused")
    py, npy = _namespace(claim_id, "python"), _namespace(claim_id, "numpy")
    for formula in formulas:
        base = _points(claim_id, formula, n=1)[0]
        for p in parameters(formula):
            bad = 0.5 if p.integer and (p.positive or p.nonnegative) and base[p.name] >= 1 else \
                -1.0 if (p.positive or p.nonnegative) else float("nan")
            for ns, value in ((py, bad), (npy, np.array([base[p.name], bad]))):
                with pytest.raises(ValueError, match=rf"^{p.name} must be"):
                    ns[formula.name](**{**base, p.name: value})
        for cond in applicable_conditions(formula):
            outside = _points(claim_id, formula, n=1, violate=cond)[0]
            who = named_parameter(cond).name
            for ns in (py, npy):
                with pytest.raises(ValueError, match=rf"must satisfy") as info:
                    ns[formula.name](**outside)
                assert str(info.value).split()[0] in {who, who.replace("lambda", "lambda_")}, str(info.value)


@pytest.mark.parametrize("claim_id", IDS)
def test_signatures_follow_the_paper_and_docstrings_say_meaning_and_range(claim_id):
    formulas = _formulas(claim_id)
    if not formulas:
        pytest.skip("refused")
    py = _namespace(claim_id, "python")
    for formula in formulas:
        params = parameters(formula)
        names = list(inspect.signature(py[formula.name]).parameters)
        assert names == [p.name for p in sorted(params, key=lambda q: order_key(q.symbol))]
        doc = py[formula.name].__doc__
        for p in params:
            assert p.meaning, (formula.name, p.name)        # every parameter has a meaning
            assert f"{p.name} : float, {p.rule}" in doc and p.meaning in doc, (formula.name, p.name)
        for cond in applicable_conditions(formula):
            assert sp.sstr(cond) in doc


def test_eq_40_exports_both_times_in_the_paper_order_and_refuses_r0_above_eps_s():
    ns = _namespace("eq-40", "python")
    assert list(inspect.signature(ns["eq_40_emergence_time"]).parameters) == ["S", "R_0", "eta", "p", "epsilon"]
    assert list(inspect.signature(ns["eq_40_saturation_time"]).parameters) == ["S", "eta", "p", "epsilon"]
    assert ns["eq_40_emergence_time"](1.0, 0.01, 1.0, 0.5, 0.1) == pytest.approx(math.log(99 / 9))
    with pytest.raises(ValueError, match="^R_0 must satisfy R_0 < S\\*epsilon"):
        ns["eq_40_emergence_time"](1.0, 0.2, 1.0, 0.5, 0.1)     # R_0 > eps S gave a negative time on main


def test_python_and_numpy_exports_need_only_numpy_and_mpmath(tmp_path):
    """A fresh interpreter with SciPy and SymPy made unimportable runs every Python and NumPy export."""
    files = []
    for claim_id in IDS:
        for fmt in ("python", "numpy"):
            source = _source(claim_id, fmt)
            if not isinstance(source, ArgumentError):
                path = tmp_path / f"{claim_id.replace('-', '_')}_{fmt}.py"
                path.write_text(source)
                files.append(str(path))
    code = ("import sys\nsys.modules['scipy'] = None\nsys.modules['sympy'] = None\n"
            f"for f in {files!r}:\n    exec(compile(open(f).read(), f, 'exec'), {{}})\n"
            "ns = {}\nexec(open(" + repr(str(tmp_path / 'eq_40_numpy.py')) + ").read(), ns)\n"
            "print(ns['eq_40_saturation_time']([1.0, 2.0], 1.0, 0.5, 0.1))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]


# ------------------------------------------------------------------ C
_GCC = shutil.which("gcc")


def _gsl_available() -> bool:
    return Path("/usr/include/gsl/gsl_sf.h").exists() or Path("/usr/local/include/gsl/gsl_sf.h").exists()


@lru_cache(maxsize=None)
def _library(claim_id, folder):
    source = _exported(claim_id, "c")
    gsl = "gsl/" in source
    if gsl and not _gsl_available():
        pytest.skip("GSL headers (libgsl-dev) are not installed")
    c_file = Path(folder) / f"{claim_id}.c"
    c_file.write_text(source)
    lib = Path(folder) / f"lib{claim_id}.so"
    flags = ["-lgsl", "-lgslcblas", "-lm"] if gsl else ["-lm"]
    out = subprocess.run([_GCC, "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", str(c_file),
                          "-o", str(lib), *flags], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return ctypes.CDLL(str(lib), use_errno=True)


@pytest.fixture(scope="module")
def c_folder(tmp_path_factory):
    if _GCC is None:
        pytest.skip("gcc is not installed")
    return str(tmp_path_factory.mktemp("c_exports"))


def _c_function(lib, formula):
    f = getattr(lib, formula.name)
    f.restype = ctypes.c_double
    f.argtypes = [ctypes.c_double] * len(parameters(formula))
    return f


@pytest.mark.parametrize("claim_id", [cid for cid in IDS if (cid, "c") not in REFUSED])
def test_c_exports_compile_agree_with_sympy_and_set_edom(claim_id, c_folder):
    lib = _library(claim_id, c_folder)
    for formula in _formulas(claim_id):
        f = _c_function(lib, formula)
        names = [p.name for p in parameters(formula)]
        for pt in _points(claim_id, formula):
            want = _reference(claim_id, formula, pt)
            got = f(*[pt[n] for n in names])
            assert _close(got == 1.0 if formula.predicate else got, want), (formula.name, pt, got, want)
        base = _points(claim_id, formula, n=1)[0]
        for p in parameters(formula):
            bad = -1.0 if (p.positive or p.nonnegative) else float("nan")
            ctypes.set_errno(0)
            assert math.isnan(f(*[bad if n == p.name else base[n] for n in names])), (formula.name, p.name)
            assert ctypes.get_errno() == errno.EDOM
        for cond in applicable_conditions(formula):
            outside = _points(claim_id, formula, n=1, violate=cond)[0]
            ctypes.set_errno(0)
            assert math.isnan(f(*[outside[n] for n in names])) and ctypes.get_errno() == errno.EDOM


def test_c_exports_of_zeta_and_integrals_say_they_need_gsl():
    for claim_id in ("theorem-1", "theorem-4", "theorem-5", "lemma-6"):
        source = _exported(claim_id, "c")
        assert "#include <gsl/gsl_sf.h>" in source and "-lgsl -lgslcblas -lm" in source.split("*/")[0]
    assert "gsl_integration_qagiu" in _exported("theorem-4", "c")
    assert "gsl_sf_gamma_inc" in _exported("theorem-5", "c")


def test_the_time_constant_agrees_with_a_second_route(c_folder):
    """Theorem 4's A(lambda) and A_T against symbolic.constants (a split tanh-sinh quadrature in
    u^(alpha/(alpha+1)), not SymPy's integral), in Python, NumPy and C."""
    py, npy = _namespace("theorem-4", "python"), _namespace("theorem-4", "numpy")
    lib = _library("theorem-4", c_folder)
    c_a, c_t = (_c_function(lib, f) for f in _formulas("theorem-4"))
    for a, S, r, lam in ((0.6, 1.0, 0.01, 1.0), (0.3, 2.0, 0.5, 0.2), (0.05, 1.0, 1e-4, 30.0), (3.0, 1.0, 0.3, 5.0)):
        want = float(constants.A_lambda(lam, alpha=a, S=S, r=r, dps=20))
        for got in (py["theorem_4_A_lambda"](a, S, r, lam), npy["theorem_4_A_lambda"](a, S, r, lam), c_a(a, S, r, lam)):
            assert got == pytest.approx(want, rel=RTOL)
        want_t = float(constants.A_T(alpha=a, S=S, r=r, eta=1.5, dps=20))
        for got in (py["theorem_4_A_T"](a, S, r, 1.5), npy["theorem_4_A_T"](a, S, r, 1.5), c_t(a, S, r, 1.5)):
            assert got == pytest.approx(want_t, rel=RTOL)
    assert py["theorem_4_A_lambda"](0.6, 1.0, 0.01, float("inf")) == pytest.approx(
        float(constants.A_lambda("inf", alpha="0.6", S=1, r="0.01", dps=20)), rel=RTOL)


def test_theorem_5_finite_n_form_is_eq_300():
    ns = _namespace("theorem-5", "python")
    for mu in (0.0, 0.5, 2.0):
        want = float(constants.data_bracket(alpha="0.6", S=1, r="0.01", mu=mu, dps=20))
        assert ns["theorem_5_finite_N"](0.6, 1.0, 0.01, mu) == pytest.approx(want, rel=RTOL)
    assert ns["theorem_5_finite_N"](0.6, 1.0, 0.01, 0.0) == pytest.approx(ns["theorem_5"](0.6, 1.0, 0.01), rel=RTOL)


# ------------------------------------------------------------------ LaTeX and JSON
@pytest.mark.parametrize("claim_id", IDS)
def test_latex_is_the_whole_statement(claim_id):
    text = _exported(claim_id, "latex")
    body = text.split("\n", 2)[2]
    assert body.strip() and body.strip() != "0"
    first = body.splitlines()[0]
    assert any(op in first for op in ("=", "<", r"\geq", r"\leq", ">")), first


def test_latex_keeps_left_sides_o_terms_and_both_results():
    assert _exported("theorem-5", "latex").splitlines()[2].startswith("A_{D} = ")
    assert r"O\left(N^{- \sigma}" in _exported("lemma-6", "latex")
    tex = _exported("eq-40", "latex")
    assert r"\tau^{(e)}_k = " in tex and r"\tau^{(s)}_k = " in tex
    assert r"\Phi" in _exported("lemma-2", "latex") and r"\frac{d}{d t}" in _exported("lemma-3", "latex")
    tex = _exported("corollary-5", "latex")
    assert r"A_{C} = \min_{\lambda_{C}}" in tex and r"\lambda^{*} = \operatorname*{arg\,min}" in tex


@pytest.mark.parametrize("claim_id", [cid for cid in IDS if (cid, "json") not in REFUSED])
def test_json_reads_back_the_statement(claim_id):
    import json

    text = _exported(claim_id, "json")
    assert str(read_json(text)) == str(_claim(claim_id).statement)
    record = json.loads(text)
    assert [r["name"] for r in record["results"]] == [f.name for f in _formulas(claim_id)]


# ------------------------------------------------------------------ JAX and PyTorch
def _smooth(formula, fmt):
    v = formula.value
    if formula.predicate or v.has(sp.Piecewise, sp.Max, sp.Min, sp.uppergamma):
        return False
    return not (fmt == "torch" and v.has(sp.zeta))        # torch.special.zeta has no derivative


def _derivative(formula, point, symbol):
    """SymPy's derivative at ``point`` (30 digits); where it holds zeta'(s), which SymPy cannot
    evaluate, mpmath's derivative of the lambdified formula at 30 digits."""
    params = parameters(formula)
    subs = {p.symbol: sp.Float(point[p.name], DPS) for p in params}
    d = sp.diff(formula.value, symbol).xreplace(subs).evalf(DPS)
    if d.is_Number:
        return float(d)
    law = sp.lambdify([p.symbol for p in params], formula.value, modules="mpmath")
    with mpmath.workdps(DPS):
        at = {p.symbol: mpmath.mpf(point[p.name]) for p in params}
        one = lambda x: law(*[x if p.symbol == symbol else at[p.symbol] for p in params])  # noqa: E731
        return float(mpmath.diff(one, at[symbol]))


def _jax_backend():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)

    def gradient(f, values):
        return jax.grad(f, argnums=tuple(range(len(values))))(*values)

    return gradient


def _torch_backend():
    torch = pytest.importorskip("torch")

    def gradient(f, values):
        xs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in values]
        return torch.autograd.grad(f(*xs), xs)

    return gradient


#: Each backend: its import (skipping where the library is missing), then its gradient of an
#: exported function at a point, one entry per parameter.
_BACKENDS = {"jax": _jax_backend, "torch": _torch_backend}


@pytest.mark.parametrize("fmt,claim_id", [pytest.param(fmt, cid, id=f"{fmt}-{cid}") for fmt in _BACKENDS
                                          for cid in IDS if (cid, fmt) not in REFUSED])
def test_jax_and_torch_exports_agree_and_differentiate(fmt, claim_id):
    gradient = _BACKENDS[fmt]()
    ns = _namespace(claim_id, fmt)
    for formula in _formulas(claim_id):
        points = _points(claim_id, formula)
        params = parameters(formula)
        for pt in points:
            got = ns[formula.name](**pt)
            assert _close(bool(got) if formula.predicate else float(got), _reference(claim_id, formula, pt)), formula.name
        if _smooth(formula, fmt):
            grads = gradient(ns[formula.name], [points[0][p.name] for p in params])
            for p, g in zip(params, grads):
                want = _derivative(formula, points[0], p.symbol)
                # RTOL relative, or 1e-12 absolute where the derivative is 0 or nearly (relative says nothing)
                assert _close(float(g), want) or abs(float(g) - want) < 1e-12, (formula.name, p.name, float(g), want)
        with pytest.raises(ValueError, match=rf"^{params[0].name} must be"):
            ns[formula.name](**{**points[0], params[0].name: -1.0 if (params[0].positive or params[0].nonnegative)
                                else float("nan")})


def test_a_wrong_factor_two_in_an_exported_result_is_caught():
    """The agreement test fails on a wrong formula: Eq. 40's emergence time doubled."""
    import dataclasses

    good = _claim("eq-40")
    bad = dataclasses.replace(good, results=tuple((name, sp.Eq(eq.lhs, 2 * eq.rhs)) for name, eq in good.results))
    ns = {}
    exec(export_claim(bad, "python"), ns)
    formula = _formulas("eq-40")[0]
    for pt in _points("eq-40", formula):
        assert not _close(ns["eq_40_emergence_time"](**pt), _reference("eq-40", formula, pt))
