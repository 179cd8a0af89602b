"""Small typesetting helpers shared by the document's parts: plain text escaped for LaTeX and
measured numbers as the document prints them.

Examples
--------
>>> escape("A_N: 50%")
'A\\\\_N: 50\\\\%'
>>> number(0.000123456), number(0.5)
('1.23e-04', '0.5')
>>> text_or_latex("error $O(t)$")
'error $O(t)$'
"""
from __future__ import annotations

__all__ = ["escape", "number", "text_or_latex"]


def escape(text: str) -> str:
    """Escape plain text for LaTeX."""
    table = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
             "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}",
             "|": r"\textbar{}", "<": r"\textless{}", ">": r"\textgreater{}"}
    return "".join(table.get(ch, ch) for ch in text)


def number(x: float) -> str:
    """A measured number with 3 significant digits (exponent form outside [1e-3, 1e4))."""
    if x == 0:
        return "0"
    return f"{x:.3g}" if 1e-3 <= abs(x) < 1e4 else f"{x:.2e}"


def text_or_latex(text: str) -> str:
    """``text`` as it goes into the document: a sentence written with LaTeX maths (it holds a
    ``$``) as it is, plain text escaped."""
    return text if "$" in text else escape(text)

