r"""When a derivation step is *typed*: its maths was written by hand rather than computed by SymPy.

A :class:`~derivations.claim.Step` is typed when

* its right side, or a non-empty left side, is a ``str`` (LaTeX text, not a SymPy object); or
* its right side contains a ``sp.Symbol`` whose name is a formula rather than a name: it holds
  a LaTeX command that stands for an operation (:data:`FORMULA_COMMANDS`: ``\frac``, ``\sum``,
  ``\int``, ``\min``, ``\mathbb{E}``, ...) or a relation or operator sign between two operands
  (:data:`FORMULA_SIGNS`: ``a + b``, ``x < 1``; not a sign alone or in a sub- or superscript,
  such as ``E_{1}^{+}`` or ``\tau_{k+1}``); or
* its left side is a compound expression (not a lone symbol) that contains such a symbol.

A lone symbol on the left is the *name* of what the right side computes
(``\min_{NT=C}\mathcal{L}``, ``\mathcal{L}_2``): it is not counted. An empty left side (``""``)
means "no left side" and is not counted either.

Examples
--------
>>> import sympy as sp
>>> from derivations.claim import Step
>>> typed_reason(Step(sp.Symbol(r"\mathcal{L}_2"), sp.Symbol("x") ** 2, "computed"))
''
>>> typed_reason(Step(sp.Symbol("L"), sp.Symbol(r"\frac{S^2}{2}\int_1^N dk"), "typed"))
'the right side holds the formula symbol \\frac{S^2}{2}\\int_1^N dk'
>>> typed_reason(Step("", "x + 1", "typed"))
'the right side is LaTeX text'
"""
from __future__ import annotations

import re

import sympy as sp

__all__ = ["FORMULA_COMMANDS", "FORMULA_SIGNS", "typed_reason", "is_typed", "typed_steps"]

#: LaTeX commands that stand for an operation or a formula, not for a name.
FORMULA_COMMANDS = (r"\frac", r"\tfrac", r"\dfrac", r"\sum", r"\int", r"\prod", r"\min", r"\max",
                    r"\inf", r"\sup", r"\lim", r"\mathbb{E}", r"\log", r"\ln", r"\exp", r"\sqrt",
                    r"\left", r"\right", r"\big", r"\Big", r"\partial", r"\Theta", r"\Gamma",
                    r"\zeta", r"\le", r"\ge", r"\in", r"\cdot", r"\times", r"\quad")
#: Relation and operator signs: a symbol name holding one of them between two operands is an
#: equation or a sum (a name that is the sign alone, such as a ``+`` label, is not).
FORMULA_SIGNS = ("=", "<", ">", "+", "-")
_BETWEEN = re.compile(r"[^\s{(_^]\s*(?:" + "|".join(re.escape(c) for c in FORMULA_SIGNS) + r")\s*[^\s})]")


def _is_formula_name(name: str) -> bool:
    if any(c in name for c in FORMULA_COMMANDS):
        return True
    bare = name
    while True:        # drop sub- and superscript groups, innermost first: an index k+1 is part of a name
        stripped = re.sub(r"[_^]\{[^{}]*\}", "", bare)
        if stripped == bare:
            return bool(_BETWEEN.search(bare))
        bare = stripped


def _formula_symbol(expr) -> str:
    atoms = sp.sympify(expr).atoms(sp.Symbol) if isinstance(expr, sp.Basic) else ()
    return next((s.name for s in sorted(atoms, key=lambda s: s.name) if _is_formula_name(s.name)), "")


def typed_reason(step) -> str:
    """Why ``step`` counts as typed (one phrase), or ``""`` when SymPy computed it."""
    if isinstance(step.rhs, str):
        return "the right side is LaTeX text"
    if isinstance(step.lhs, str) and step.lhs != "":
        return "the left side is LaTeX text"
    name = _formula_symbol(step.rhs)
    if name:
        return f"the right side holds the formula symbol {name}"
    if not isinstance(step.lhs, sp.Symbol):
        name = _formula_symbol(step.lhs)
        if name:
            return f"the left side holds the formula symbol {name}"
    return ""


def is_typed(step) -> bool:
    """Whether ``step`` is typed (see the module docstring)."""
    return bool(typed_reason(step))


def typed_steps(claim) -> tuple:
    """The typed steps of ``claim``, in order."""
    return tuple(s for s in claim.steps if is_typed(s))
