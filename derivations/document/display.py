r"""Displayed equations that fit the page at the body size: long expressions are broken over
lines instead of being shrunk.

:func:`display` typesets ``lhs <relation> rhs``. When it is wider than :data:`WIDTH` visual
characters it is broken, using only amsmath (``align*``), so every display pastes into an
article that loads ``amsmath`` and ``amssymb``:

* a sum is split between its terms, as many per line as fit;
* a matrix is written component by component;
* a term that is still too wide gets its widest inner sum replaced by a named
  sub-expression :math:`X_1, X_2, \dots`, defined in a "where" list below (each definition
  broken the same way).

Examples
--------
>>> import sympy as sp
>>> x, y = sp.symbols("x y")
>>> display("f", x + y)
'\\[f = x + y\\]\n'
>>> long = sum(sp.Symbol(f"a_{i}") * x**i for i in range(40))
>>> text = display("f", long)
>>> text.startswith("\\begin{align*}") and "\\\\" in text and "resizebox" not in text
True
"""
from __future__ import annotations

import re

import sympy as sp

from symbolic.printers import latex

__all__ = ["display", "visual_width", "WIDTH"]

#: Visual characters of maths that fit the text width at 11 pt (16.6 cm of text).
WIDTH = 74

_RELATIONS = {sp.Equality: "=", sp.StrictLessThan: "<", sp.LessThan: r"\leq", sp.StrictGreaterThan: ">",
              sp.GreaterThan: r"\geq", sp.Unequality: r"\neq"}


def _group(tex: str, start: int) -> tuple[str, int]:
    """The brace group starting at ``tex[start] == "{"`` and the index after it."""
    depth = 0
    for i in range(start, len(tex)):
        depth += {"{": 1, "}": -1}.get(tex[i], 0)
        if depth == 0:
            return tex[start + 1:i], i + 1
    return tex[start + 1:], len(tex)


def visual_width(tex: str) -> float:
    """Roughly how many characters wide ``tex`` prints (a fraction counts its wider part,
    scripts count 0.7, a command such as ``\\eta`` one character).

    Examples
    --------
    >>> visual_width(r"\\frac{a + b}{c}") == visual_width("a + b") + 0.5
    True
    """
    out = 0.0
    i = 0
    while i < len(tex):
        if tex.startswith(r"\frac", i) or tex.startswith(r"\dfrac", i) or tex.startswith(r"\tfrac", i):
            j = tex.index("{", i)
            num, j = _group(tex, j)
            den, j = _group(tex, j) if j < len(tex) and tex[j] == "{" else ("", j)
            out += max(visual_width(num), visual_width(den)) + 0.5
            i = j
        elif tex[i] in "^_":
            if i + 1 < len(tex) and tex[i + 1] == "{":
                body, i = _group(tex, i + 1)
            else:
                body, i = tex[i + 1:i + 2], i + 2
            out += 0.7 * visual_width(body)
        elif tex[i] == "\\":
            m = re.match(r"\\([a-zA-Z]+|.)", tex[i:], re.S)
            if m is None:               # a trailing backslash
                break
            name = m.group(1)
            i += len(m.group(0))
            if name in ("left", "right", "mathcal", "mathrm", "operatorname", "mathbb", "vec", "dot",
                        "hat", "tilde", "bar", "displaystyle", "begin", "end", "limits", "boldsymbol"):
                if name in ("begin", "end") and i < len(tex) and tex[i] == "{":
                    _, i = _group(tex, i)
                continue
            out += {"quad": 2, "qquad": 4, ",": 0.3, ";": 0.4, "!": 0, " ": 0.3}.get(name, 1)
        elif tex[i] in "{}":
            i += 1
        elif tex[i] == " ":
            out += 0.25
            i += 1
        else:
            out += 1
            i += 1
    return out


class _Breaker:
    """Breaks one display; collects the named sub-expressions it introduces."""

    def __init__(self, width: float):
        self.width = width
        self.names: list[tuple[sp.Symbol, sp.Expr]] = []

    def name(self, expr: sp.Expr) -> sp.Symbol:
        symbol = sp.Symbol(f"X_{{{len(self.names) + 1}}}")
        self.names.append((symbol, expr))
        return symbol

    def common(self, expr):
        """``expr`` with each wide sum that occurs more than once named (the widest first)."""
        from collections import Counter

        parts = list(expr) if isinstance(expr, sp.MatrixBase) else [expr]
        counts = Counter(sub for part in parts for sub in sp.preorder_traversal(part)
                         if isinstance(sub, sp.Add) and len(sub.args) > 1)
        repeated = [sub for sub, n in counts.items() if n > 1 and visual_width(latex(sub)) >= 20]
        for sub in sorted(repeated, key=lambda s: -visual_width(latex(s))):
            if any(sub in sp.preorder_traversal(part) for part in parts):
                symbol = self.name(sub)
                parts = [part.xreplace({sub: symbol}) for part in parts]
        return sp.ImmutableMatrix(expr.rows, expr.cols, parts) if isinstance(expr, sp.MatrixBase) else parts[0]

    def shorten(self, expr: sp.Expr, budget: float) -> sp.Expr:
        """``expr`` with its widest inner sums named until it prints within ``budget``."""
        while visual_width(latex(expr)) > budget:
            inner = [sub for sub in sp.preorder_traversal(expr)
                     if sub is not expr and isinstance(sub, sp.Add) and len(sub.args) > 1]
            if not inner:
                break
            widest = max(inner, key=lambda sub: visual_width(latex(sub)))
            expr = expr.xreplace({widest: self.name(widest)})
        return expr

    def lines(self, expr) -> list[str]:
        """``expr`` (a sum or anything else) as lines of at most the width."""
        if isinstance(expr, sp.Add):
            pieces = []
            for term in expr.as_ordered_terms():
                text = latex(term)
                if visual_width(text) > self.width:
                    core = -term if text.startswith("-") else term
                    text = ("-" if text.startswith("-") else "") + latex(self.shorten(core, self.width - 4))
                pieces.append(("- " + text[1:].lstrip()) if text.startswith("-") else ("+ " + text))
            lines, current = [], ""
            for piece in pieces:
                if current and visual_width(current + piece) > self.width:
                    lines.append(current)
                    current = ""
                current += (" " if current else "") + piece
            lines.append(current)
            first = lines[0][2:] if lines[0].startswith("+ ") else lines[0]
            return [first] + lines[1:]
        return [latex(self.shorten(expr, self.width))]


def _align(lhs: str, relation: str, lines: list[str]) -> list[str]:
    out = [f"{lhs} &{relation} {lines[0]}"]
    out += [f"&\\quad {line}" for line in lines[1:]]
    return out


def display(lhs, rhs, relation: str = "=", *, width: float = WIDTH) -> str:
    """``lhs relation rhs`` as a display (``\\[...\\]`` or ``align*``) that fits ``width``.

    ``lhs`` and ``rhs`` may be SymPy objects or LaTeX strings; strings are never broken.
    A SymPy relation may be given as ``rhs`` with ``lhs=None``.
    """
    if lhs is None and isinstance(rhs, tuple(_RELATIONS)):
        lhs, relation, rhs = rhs.lhs, _RELATIONS[type(rhs)], rhs.rhs
    left = "" if lhs is None else (lhs if isinstance(lhs, str) else latex(lhs))
    right = rhs if isinstance(rhs, str) else latex(rhs)
    whole = f"{left} {relation} {right}" if left else right
    if visual_width(whole) <= width or isinstance(rhs, str):
        return "\\[" + whole + "\\]\n"
    breaker = _Breaker(width - visual_width(left) * 0.4 - 4)
    rhs = breaker.common(rhs)
    rows: list[str] = []
    if isinstance(rhs, sp.MatrixBase) and isinstance(lhs, sp.MatrixBase) and lhs.shape == rhs.shape:
        for i in range(rhs.rows * rhs.cols):
            rows += _align(latex(lhs[i]), relation, breaker.lines(rhs[i]))
    elif isinstance(rhs, sp.MatrixBase):
        entries = [(i, j) for i in range(rhs.rows) for j in range(rhs.cols)]
        for i, j in entries:
            index = f"{i * rhs.cols + j + 1}" if 1 in rhs.shape else f"{i + 1}{j + 1}"
            label = f"\\left({left}\\right)_{{{index}}}" if left else f"[\\,\\cdot\\,]_{{{index}}}"
            rows += _align(label, relation, breaker.lines(rhs[i, j]))
    else:
        rows += _align(left, relation, breaker.lines(rhs))
    out = ["\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}\n"]
    definitions: list[str] = []
    done = 0
    while done < len(breaker.names):             # definitions may name further sub-expressions
        symbol, expr = breaker.names[done]
        done += 1
        definitions += _align(latex(symbol), "=", breaker.lines(expr))
    if definitions:
        out.append("where\n\\begin{align*}\n" + " \\\\\n".join(definitions) + "\n\\end{align*}\n")
    return "".join(out)
