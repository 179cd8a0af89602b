r"""What an export is made of: the results (:class:`Formula`), their parameters in the paper's
order with meanings and allowed ranges (:class:`Parameter`), and the two nodes a result may hold
that SymPy has no name for (:class:`Minimum`, :class:`ArgMin`).

The code writers (:mod:`symbolic.export_python`, :mod:`symbolic.export_c`) and
:func:`symbolic.printers.export_results` share these; nothing here prints code.

Examples
--------
>>> from symbolic.symbols import R0, S, epsilon, eta, p
>>> f = Formula("tau", sp.log(S / R0) / (eta * p), conditions=(R0 < epsilon * S,))
>>> [q.name for q in parameters(f)]
['S', 'R_0', 'eta', 'p']
>>> parameters(f)[0].rule
'> 0'
>>> applicable_conditions(f)
()
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from typing import Mapping

import sympy as sp

from numeric_check.validation import ArgumentError
from symbolic.symbols import MEANINGS

__all__ = ["Formula", "Parameter", "Minimum", "ArgMin", "PARAMETER_ORDER", "parameters", "applicable_conditions",
           "named_parameter", "order_key", "identifier", "regularise_integrals", "singular_power", "regularised", "check_name", "plain_text",
           "python_docstring", "c_comment", "statement_text"]

#: The order in which exported functions take their parameters: the paper's (time and resources,
#: skill index, exponent, target scale, initial strength, learning rate, frequency, samples, model
#: size, number of skills, threshold, then the constants of single results). Symbols not listed
#: follow, alphabetically.
PARAMETER_ORDER = (
    "t", "T", "tau", "C", "k", "q", "alpha", "sigma", "S", "R_0", "r", "r_q", "a_0", "b_0", "ab_0",
    "eta", "p", "d_k", "D", "D_c", "mu", "N", "N_c", "gamma_N", "lambda_T", "lambda_C", "n_s", "epsilon",
    "lambda", "A", "B", "L_C", "x", "s", "u", "kappa_3", "a_k", "B_k_norm2",
    "alpha_G", "beta_G", "gamma_G", "c_G",
)

_C_RESERVED = {"double", "int", "float", "return", "if", "else", "for", "while", "char", "long", "short", "const",
               "static", "struct", "union", "void", "switch", "case", "default", "break", "continue", "do", "goto",
               "signed", "unsigned", "sizeof", "typedef", "volatile", "register", "extern", "auto", "enum",
               "inline", "restrict", "exp", "log", "pow", "sqrt", "tgamma", "lgamma", "errno", "floor"}


class Minimum(sp.Function):
    """``Minimum(f, x, low, high)``: the minimum over ``x`` in ``(low, high)`` of ``f`` (kept
    unevaluated; exports compute it where the derivative of ``f`` changes sign once).

    ``x`` is a bound variable: it is not among the free symbols.
    """

    nargs = 4
    _latex_operator = r"\min"      # what LaTeX writes before the subscripted variable
    _word = "min"                  # what str() writes before "over"

    @property
    def free_symbols(self):
        f, x, low, high = self.args
        return (f.free_symbols - {x}) | low.free_symbols | high.free_symbols

    def _latex(self, printer, exp=None):
        f, x = self.args[:2]
        body = r"%s_{%s} %s" % (self._latex_operator, printer._print(x), printer.parenthesize(f, 60))
        return body if exp is None else r"\left(%s\right)^{%s}" % (body, exp)

    def _sympystr(self, printer):
        f, x, low, high = self.args
        return f"{self._word} over {printer._print(x)} in ({printer._print(low)}, {printer._print(high)}) of {printer._print(f)}"


class ArgMin(Minimum):
    """``ArgMin(f, x, low, high)``: where in ``(low, high)`` the minimum of :class:`Minimum` is
    (printed as :class:`Minimum` is, with ``arg min`` for ``min``)."""

    _latex_operator = r"\operatorname*{arg\,min}"
    _word = "argmin"


@dataclass(frozen=True)
class Formula:
    """One exported result: a function ``name`` returning ``value``.

    ``value`` is an expression, or a relation (the function is then a predicate: true where the
    relation holds). ``lhs`` says what the value is (the left side of the paper's equation, for
    docstrings and LaTeX); ``conditions`` are relations the parameters must satisfy beyond their
    symbols' assumptions (only those whose symbols are all parameters of ``value`` apply);
    ``note`` is a sentence for the docstring; ``meanings`` gives meanings of symbols the glossary
    (:data:`symbolic.symbols.MEANINGS`) lacks.
    """

    name: str
    value: sp.Basic
    lhs: sp.Basic | str | None = None
    conditions: tuple[sp.Basic, ...] = ()
    note: str = ""
    meanings: Mapping[str, str] = field(default_factory=dict)

    @property
    def predicate(self) -> bool:
        return isinstance(self.value, sp.core.relational.Relational)


@dataclass(frozen=True)
class Parameter:
    """A parameter of an exported function: its symbol, identifier, meaning and allowed range."""

    symbol: sp.Symbol
    name: str          # the identifier in code
    meaning: str
    positive: bool
    nonnegative: bool
    integer: bool

    @property
    def rule(self) -> str:
        """The allowed range in words: ``"> 0"``, ``">= 0"``, ``"an integer > 0"``, ``"real"``."""
        sign = "> 0" if self.positive else ">= 0" if self.nonnegative else ""
        if self.integer:
            return f"an integer {sign}".rstrip()
        return sign or "a real number (not NaN)"


def identifier(symbol: sp.Symbol) -> str:
    """A valid identifier in Python and C for ``symbol`` (``lambda`` becomes ``lambda_``)."""
    name = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in symbol.name)
    if not name or name[0].isdigit():
        name = "_" + name
    return name + "_" if keyword.iskeyword(name) or name in _C_RESERVED else name


def check_name(name: str) -> str:
    """``name`` if it is an ASCII identifier that is not a Python or C keyword (else ArgumentError)."""
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name) or name in _C_RESERVED \
            or not name.isascii():
        raise ArgumentError(f"name must be an ASCII identifier that is not a Python or C keyword; got {name!r}")
    return name


def order_key(symbol: sp.Symbol):
    """Sort key of a symbol in :data:`PARAMETER_ORDER` (unlisted names after, alphabetically)."""
    try:
        return (PARAMETER_ORDER.index(symbol.name), symbol.name)
    except ValueError:
        return (len(PARAMETER_ORDER), symbol.name)


def _free(expr) -> set:
    return set(expr.free_symbols) if isinstance(expr, sp.Basic) else set()


def parameters(formula: Formula) -> list[Parameter]:
    """The parameters of ``formula`` (the free symbols of its value) in :data:`PARAMETER_ORDER`."""
    meanings = {**MEANINGS, **dict(formula.meanings)}
    out = []
    for s in sorted(_free(formula.value), key=order_key):
        out.append(Parameter(s, identifier(s), plain_text(meanings.get(s.name, "")), bool(s.is_positive),
                             bool(s.is_nonnegative) and not s.is_positive, bool(s.is_integer)))
    return out


def applicable_conditions(formula: Formula) -> tuple[sp.Basic, ...]:
    """The conditions of ``formula`` whose symbols are all parameters of its value."""
    free = _free(formula.value)
    return tuple(c for c in formula.conditions if _free(c) <= free and c is not sp.true)


def named_parameter(condition: sp.Basic) -> sp.Symbol:
    """The parameter a violated ``condition`` is reported against: the first (in the paper's
    order) of its left side, else of the whole condition."""
    side = condition.lhs if isinstance(condition, sp.core.relational.Relational) else condition
    symbols = _free(side) or _free(condition)
    return sorted(symbols, key=order_key)[0]


def _nonnegative(expr) -> bool:
    """``expr >= 0`` as SymPy can tell, with ``zeta(s)`` positive where ``s > 1``."""
    zetas = {z for z in expr.atoms(sp.zeta) if len(z.args) == 1 and (z.args[0] - 1).is_positive}
    return bool(expr.xreplace({z: sp.Dummy(positive=True) for z in zetas}).is_nonnegative)


def singular_power(integral: sp.Integral):
    """``q`` in (0, 1) when ``integral`` is ``int_a^b x^(q-1) g(x) dx`` with ``a >= 0`` (an
    integrable singularity at 0 if ``a = 0``), else ``None``."""
    if len(integral.limits) != 1 or len(integral.limits[0]) != 3:
        return None
    x, a, b = integral.limits[0]
    f = integral.function
    factors = f.as_powers_dict() if isinstance(f, sp.Mul) else dict([f.as_base_exp()])
    e = sp.sympify(factors.get(x, 0))
    q = sp.simplify(1 + e)
    if e == 0 or e.has(x) or not (q.is_positive and (q - 1).is_negative and _nonnegative(a)):
        return None
    return q


def regularised(integral: sp.Integral, q, v: sp.Symbol):
    """``(g, lower, upper)``: ``integral`` in ``v = x^q`` (``q`` from :func:`singular_power`),
    ``int_{a^q}^{b^q} g(v^(1/q)) dv / q`` where ``f(x) = x^(q-1) g(x)``: the singular power is gone."""
    x, a, b = integral.limits[0]
    rest = sp.Mul(*[f for f in sp.Mul.make_args(integral.function) if f.as_base_exp()[0] != x])
    return rest.xreplace({x: v ** (1 / q)}) / q, a ** q, (b ** q if b != sp.oo else sp.oo)


def regularise_integrals(expr):
    """``expr`` with each integral of :func:`singular_power` written in ``v = x^q``, whose
    integrand has no singularity at 0 (quadrature of ``x^(q-1)`` near 0 loses digits: Theorem
    4's ``A_T`` lost eight at ``alpha = 0.3`` in mpmath's tanh-sinh).

    >>> from symbolic.symbols import alpha, u
    >>> regularise_integrals(sp.Integral(u ** (-1 / (alpha + 1)) * sp.exp(-u), (u, 0, sp.oo)))
    Integral((alpha + 1)*exp(-v_**((alpha + 1)/alpha))/alpha, (v_, 0, oo))
    """
    def fix(integral):
        q = singular_power(integral)
        if q is None:
            return integral
        v = sp.Symbol("v_", positive=True)
        g, lo, hi = regularised(integral, q, v)
        return sp.Integral(g, (v, lo, hi))

    return expr.replace(lambda e: isinstance(e, sp.Integral), fix) if isinstance(expr, sp.Basic) else expr


_LATEX_WORDS = [
    (re.compile(r"\\t?frac\{([^{}]*)\}\{([^{}]*)\}"), r"(\1)/(\2)"),
    (re.compile(r"\\tfrac(\d)(\d)"), r"\1/\2"),
    (re.compile(r"\\(?:mathcal|mathbb|mathrm|vec|text|operatorname|boldsymbol)\{([^{}]*)\}"), r"\1"),
    (re.compile(r"\\(?:left|right|big|Big)\b"), ""),
    (re.compile(r"\\(to)\b"), "->"),
    (re.compile(r"\\(le|leq)\b"), "<="),
    (re.compile(r"\\(ge|geq)\b"), ">="),
    (re.compile(r"\\(ne|neq)\b"), "!="),
    (re.compile(r"\\(ll)\b"), "<<"),
    (re.compile(r"\\(gg)\b"), ">>"),
    (re.compile(r"\\infty\b"), "inf"),
    (re.compile(r"\\([A-Za-z]+)"), r"\1"),
    (re.compile(r"\\[,;! ]|~"), " "),
    (re.compile(r"\\"), ""),
    (re.compile(r"[{}$]"), ""),
    (re.compile(r"[ \t]+"), " "),
]


def plain_text(text: str) -> str:
    r"""``text`` with its LaTeX markup dropped, for docstrings and comments.

    >>> plain_text(r"initial skill strength $\mathcal{R}_k(0)$, $0<r<S$, $T\to\infty$")
    'initial skill strength R_k(0), 0<r<S, T->inf'
    """
    for pattern, replacement in _LATEX_WORDS:
        text = pattern.sub(replacement, text)
    return text.strip()


def statement_text(statement) -> str:
    """``statement`` as one line of text: ``lhs = rhs`` (a tuple equation component by component,
    joined by ``;``), or SymPy's string of a relation.

    >>> from symbolic.symbols import S, eta
    >>> statement_text(sp.Eq(sp.Symbol("A"), S * eta))
    'A = S*eta'
    """
    if isinstance(statement, sp.Equality):
        lhs, rhs = statement.lhs, statement.rhs
        if isinstance(lhs, sp.Tuple) and isinstance(rhs, sp.Tuple) and len(lhs) == len(rhs):
            return "; ".join(f"{sp.sstr(a)} = {sp.sstr(b)}" for a, b in zip(lhs, rhs))
        return f"{sp.sstr(lhs)} = {sp.sstr(rhs)}"
    return sp.sstr(statement)


def python_docstring(text: str) -> str:
    """``text`` safe inside a triple-quoted (not raw) Python string."""
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def c_comment(text: str) -> str:
    """``text`` safe inside a C block comment."""
    return text.replace("*/", "* /").replace("/*", "/ *")
