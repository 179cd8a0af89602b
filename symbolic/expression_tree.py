"""A SymPy expression as a plain JSON tree, and back, without evaluating any text.

``export(..., "json")`` writes :func:`to_tree`; :func:`from_tree` rebuilds the expression from
an allow-list of SymPy node types, so a file from anywhere can be read safely: nothing in it is
parsed as Python or passed to ``sympify``. Anything outside the allow-list, a malformed node, a
tree deeper than :data:`MAX_DEPTH` or larger than :data:`MAX_NODES`, or an integer longer than
:data:`MAX_DIGITS` is refused with one :class:`~numeric_check.validation.ArgumentError` line.
Nodes are rebuilt with ``evaluate=False`` (no arithmetic is done on the file's numbers).

Examples
--------
>>> from symbolic.symbols import S, eta, t
>>> expr = S / (1 + sp.exp(-2 * eta * S * t))
>>> from_tree(to_tree(expr)) == expr
True
>>> from_tree({"node": "Function", "name": "__import__", "args": []})
Traceback (most recent call last):
...
numeric_check.validation.ArgumentError: expression tree: unknown node type 'Function' (allowed: Add, Mul, Pow, ...)
"""
from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

from numeric_check.validation import ArgumentError

__all__ = ["to_tree", "from_tree", "MAX_DEPTH", "MAX_NODES", "MAX_DIGITS"]

MAX_DEPTH = 200
MAX_NODES = 100_000
MAX_DIGITS = 10_000

# Operators and functions rebuilt as cls(*args, evaluate=False): the allow-list.
_OPERATORS = {cls.__name__: cls for cls in (
    sp.Add, sp.Mul, sp.Pow, sp.Eq, sp.Ne, sp.Lt, sp.Le, sp.Gt, sp.Ge,
    sp.exp, sp.log, sp.sqrt, sp.Abs, sp.sign, sp.Max, sp.Min, sp.floor, sp.ceiling,
    sp.sin, sp.cos, sp.tan, sp.sinh, sp.cosh, sp.tanh, sp.asinh, sp.acosh, sp.atanh, sp.atan,
    sp.erf, sp.erfc, sp.gamma, sp.loggamma, sp.lowergamma, sp.uppergamma, sp.beta, sp.zeta, sp.polylog,
    sp.LambertW, sp.binomial, sp.factorial, sp.harmonic, sp.Heaviside, sp.DiracDelta,
)}
_OPERATORS.update({"StrictLessThan": sp.StrictLessThan, "LessThan": sp.LessThan,
                   "StrictGreaterThan": sp.StrictGreaterThan, "GreaterThan": sp.GreaterThan,
                   "Equality": sp.Equality, "Unequality": sp.Unequality})
_CONSTANTS = {"Pi": sp.pi, "Exp1": sp.E, "EulerGamma": sp.EulerGamma, "ImaginaryUnit": sp.I,
              "Infinity": sp.oo, "NegativeInfinity": -sp.oo, "ComplexInfinity": sp.zoo, "NaN": sp.nan,
              "Zero": sp.Integer(0), "One": sp.Integer(1), "NegativeOne": sp.Integer(-1), "Half": sp.Rational(1, 2),
              "BooleanTrue": sp.true, "BooleanFalse": sp.false}
_ASSUMPTIONS = {"positive", "negative", "nonnegative", "nonpositive", "real", "integer", "rational",
                "finite", "zero", "nonzero", "complex", "extended_real", "commutative", "odd", "even", "prime"}
_KINDS = sorted(_OPERATORS) + sorted(_CONSTANTS) + ["Symbol", "Integer", "Rational", "Float", "UndefinedFunction",
                                                    "Integral", "Sum", "Product", "Piecewise", "Tuple", "Order",
                                                    "Derivative", "Matrix", "ZeroMatrix", "Indexed"]


def _assumptions(symbol: sp.Symbol) -> dict:
    return {k: bool(v) for k, v in sorted(symbol._assumptions_orig.items()) if k in _ASSUMPTIONS and v is not None}


def to_tree(expr) -> dict:
    """``expr`` as nested dicts of JSON types (see :func:`from_tree`)."""
    expr = sp.sympify(expr) if not isinstance(expr, (sp.Basic, sp.MatrixBase, sp.MatrixExpr)) else expr
    if isinstance(expr, sp.ZeroMatrix):
        return {"node": "ZeroMatrix", "rows": to_tree(expr.rows), "cols": to_tree(expr.cols)}
    if isinstance(expr, sp.MatrixBase):
        return {"node": "Matrix", "rows": [[to_tree(expr[i, j]) for j in range(expr.cols)] for i in range(expr.rows)]}
    name = type(expr).__name__
    if name in _CONSTANTS:
        return {"node": name}
    if isinstance(expr, sp.Symbol):
        return {"node": "Symbol", "name": expr.name, "assumptions": _assumptions(expr)}
    if isinstance(expr, sp.Integer):
        return {"node": "Integer", "value": str(int(expr))}
    if isinstance(expr, sp.Rational):
        return {"node": "Rational", "p": str(expr.p), "q": str(expr.q)}
    if isinstance(expr, sp.Float):
        return {"node": "Float", "value": sp.srepr(expr).split("'")[1], "precision": int(expr._prec)}
    if isinstance(expr, AppliedUndef):
        return {"node": "UndefinedFunction", "name": type(expr).__name__, "args": [to_tree(a) for a in expr.args]}
    if isinstance(expr, (sp.Integral, sp.Sum, sp.Product)):
        return {"node": name, "function": to_tree(expr.function),
                "limits": [[to_tree(x) for x in limit] for limit in expr.limits]}
    if isinstance(expr, sp.Piecewise):
        return {"node": "Piecewise", "pieces": [[to_tree(e), to_tree(c)] for e, c in expr.args]}
    if isinstance(expr, sp.Order):
        return {"node": "Order", "expr": to_tree(expr.expr), "variables": [to_tree(v) for v in expr.variables],
                "point": [to_tree(p) for p in expr.point]}
    if isinstance(expr, sp.Derivative):
        return {"node": "Derivative", "expr": to_tree(expr.expr),
                "variables": [[to_tree(v), int(n)] for v, n in expr.variable_count]}
    if isinstance(expr, sp.Tuple):
        return {"node": "Tuple", "args": [to_tree(a) for a in expr.args]}
    if isinstance(expr, sp.Indexed):
        return {"node": "Indexed", "base": to_tree(expr.base.label), "indices": [to_tree(i) for i in expr.indices]}
    if name in _OPERATORS:
        return {"node": name, "args": [to_tree(a) for a in expr.args]}
    raise ArgumentError(f"expression tree: cannot write a {name} node")


class _Reader:
    def __init__(self):
        self.nodes = 0

    def fail(self, message: str):
        raise ArgumentError(f"expression tree: {message}")

    def integer(self, text) -> int:
        if not isinstance(text, str) or not text.lstrip("-").isdigit() or len(text) > MAX_DIGITS:
            self.fail(f"an integer must be a decimal string of at most {MAX_DIGITS} digits, got {str(text)[:40]!r}")
        return int(text)

    def items(self, value, what: str) -> list:
        if not isinstance(value, list):
            self.fail(f"{what} must be a list")
        return value

    def read(self, node, depth: int = 0):
        self.nodes += 1
        if depth > MAX_DEPTH or self.nodes > MAX_NODES:
            self.fail(f"deeper than {MAX_DEPTH} levels or larger than {MAX_NODES} nodes")
        if not isinstance(node, dict) or not isinstance(node.get("node"), str):
            self.fail("every node must be an object with a string 'node'")
        kind = node["node"]
        sub = lambda value: self.read(value, depth + 1)  # noqa: E731
        if kind in _CONSTANTS:
            return _CONSTANTS[kind]
        if kind == "Symbol":
            name, assumptions = node.get("name"), node.get("assumptions", {})
            if not isinstance(name, str) or not name or len(name) > 100:
                self.fail("a Symbol needs a name of 1-100 characters")
            if not isinstance(assumptions, dict) or not set(assumptions) <= _ASSUMPTIONS \
                    or not all(isinstance(v, bool) for v in assumptions.values()):
                self.fail(f"the assumptions of Symbol {name!r} must map names among {sorted(_ASSUMPTIONS)} to true/false")
            return sp.Symbol(name, **assumptions)
        if kind == "Integer":
            return sp.Integer(self.integer(node.get("value")))
        if kind == "Rational":
            p, q = self.integer(node.get("p")), self.integer(node.get("q"))
            if q == 0:
                self.fail("a Rational needs q != 0")
            return sp.Rational(p, q)
        if kind == "Float":
            value, precision = node.get("value"), node.get("precision", 53)
            if not isinstance(value, str) or len(value) > 1000 or not isinstance(precision, int) \
                    or not 1 <= precision <= 10_000:
                self.fail("a Float needs a decimal string value and a precision of 1-10000 bits")
            try:
                return sp.Float(value, precision=precision)
            except (ValueError, TypeError):
                self.fail(f"not a decimal number: {value[:40]!r}")
        if kind == "UndefinedFunction":
            name = node.get("name")
            if not isinstance(name, str) or not name.isidentifier():
                self.fail("an UndefinedFunction needs an identifier as name")
            return sp.Function(name)(*[sub(a) for a in self.items(node.get("args"), "args")])
        if kind in ("Integral", "Sum", "Product"):
            cls = {"Integral": sp.Integral, "Sum": sp.Sum, "Product": sp.Product}[kind]
            limits = [tuple(sub(x) for x in self.items(limit, "a limit")) for limit in self.items(node.get("limits"), "limits")]
            return cls(sub(node.get("function")), *limits)
        if kind == "Piecewise":
            pieces = [self.items(piece, "a piece") for piece in self.items(node.get("pieces"), "pieces")]
            if not all(len(piece) == 2 for piece in pieces):
                self.fail("each Piecewise piece is [expression, condition]")
            return sp.Piecewise(*[(sub(e), sub(c)) for e, c in pieces], evaluate=False)
        if kind == "Order":
            variables = [sub(v) for v in self.items(node.get("variables"), "variables")]
            point = [sub(p) for p in self.items(node.get("point"), "point")]
            return sp.Order(sub(node.get("expr")), *zip(variables, point))
        if kind == "Derivative":
            pairs = [self.items(pair, "a variable") for pair in self.items(node.get("variables"), "variables")]
            if not all(len(pair) == 2 and isinstance(pair[1], int) and 1 <= pair[1] <= 100 for pair in pairs):
                self.fail("each Derivative variable is [symbol, count 1-100]")
            return sp.Derivative(sub(node.get("expr")), *[(sub(v), n) for v, n in pairs], evaluate=False)
        if kind == "Tuple":
            return sp.Tuple(*[sub(a) for a in self.items(node.get("args"), "args")])
        if kind == "Indexed":
            label = sub(node.get("base"))
            if not isinstance(label, sp.Symbol):
                self.fail("an Indexed node's base must be a Symbol")
            indices = [sub(i) for i in self.items(node.get("indices"), "indices")]
            if not indices:
                self.fail("an Indexed node needs at least one index")
            return sp.IndexedBase(label)[tuple(indices)]
        if kind == "ZeroMatrix":
            return sp.ZeroMatrix(sub(node.get("rows")), sub(node.get("cols")))
        if kind == "Matrix":
            rows = [[sub(x) for x in self.items(row, "a row")] for row in self.items(node.get("rows"), "rows")]
            if len({len(row) for row in rows}) > 1:
                self.fail("every Matrix row must have the same length")
            return sp.ImmutableMatrix(rows)
        if kind in _OPERATORS:
            args = [sub(a) for a in self.items(node.get("args"), "args")]
            try:
                return _OPERATORS[kind](*args, evaluate=False)
            except (TypeError, ValueError) as exc:
                self.fail(f"{kind} cannot take these {len(args)} arguments ({str(exc).splitlines()[0][:80]})")
        self.fail(f"unknown node type {kind[:40]!r} (allowed: Add, Mul, Pow, ...)")


def from_tree(tree) -> sp.Basic:
    """Rebuild an expression from :func:`to_tree`'s output; refuse anything else (one line)."""
    return _Reader().read(tree)
