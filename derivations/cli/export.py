"""``emergence export``: a claim's results as code (one function each), LaTeX or JSON, through
SymPy's printers (``docs/export.md``)."""
from __future__ import annotations

__all__ = ["add_parser", "run", "claim_formulas", "export_claim", "EXPORT_FORMATS"]

#: The ``--to`` choices (``symbolic.printers.FORMATS``, listed here so ``--help`` imports no SymPy).
EXPORT_FORMATS = ("python", "numpy", "c", "latex", "json", "jax", "torch")


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "export", help="a claim's results as code, LaTeX or JSON",
        description="Write a claim's results: one function per result (parameters in the paper's order, "
                    "documented, refusing values outside their range), the whole statement as LaTeX, or a "
                    "JSON tree. jax and torch exports import those libraries; C exports of zeta, incomplete "
                    "gamma or integrals need GSL (-lgsl -lgslcblas -lm).")
    p.add_argument("id", help="claim id (see 'emergence list')")
    p.add_argument("--to", required=True, choices=list(EXPORT_FORMATS))
    p.set_defaults(func=run)


def _defined(value, definitions):
    """``value`` with each unevaluated function ``f(y)`` replaced by its definition ``f(x) = rhs``."""
    import sympy as sp

    for func, statement in definitions:
        lhs, rhs = statement.lhs, statement.rhs
        value = value.replace(lambda e, f=func: isinstance(e, sp.core.function.AppliedUndef) and e.func == f,
                              lambda e, lhs=lhs, rhs=rhs: rhs.xreplace(dict(zip(lhs.args, e.args))))
    return value


def _default_results(claim, fmt: str, code: bool) -> tuple:
    """(name, equation or relation, note) for a claim without ``results``."""
    import sympy as sp
    from numeric_check.validation import ArgumentError

    st = claim.statement
    if isinstance(st, sp.Equality) and isinstance(st.lhs, (sp.Tuple, sp.MatrixBase)):
        return tuple((str(i + 1), sp.Eq(a, b, evaluate=False), "") for i, (a, b) in enumerate(zip(st.lhs, st.rhs)))
    if isinstance(st, sp.Equality):
        rhs = st.rhs
        if rhs == 0 or isinstance(rhs, sp.ZeroMatrix):
            if code:
                raise ArgumentError(f"--to {fmt}: {claim.id} states an identity, {sp.sstr(st.lhs)} = 0, with nothing "
                                    "to compute; use --to latex or --to json")
            return ()
        main = claim.main_formula
        if main == rhs:
            return (("", st, ""),)
        if isinstance(rhs, sp.Add) and rhs.getO() is not None and main == rhs.removeO():
            return (("", sp.Eq(st.lhs, main, evaluate=False), f"Computes the statement without its {rhs.getO()} term."),)
        return (("", main, f"The statement: {sp.sstr(st)}."),)
    if isinstance(st, (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan)):
        kind = "upper" if isinstance(st, (sp.StrictLessThan, sp.LessThan)) else "lower"
        return (("", sp.Eq(sp.Symbol(f"{kind} bound on {sp.sstr(st.lhs)}"), st.rhs, evaluate=False),
                 f"The {kind} bound of the statement {sp.sstr(st)}."),)
    return (("", claim.main_formula, ""),)


def claim_formulas(claim, fmt: str = "python") -> tuple:
    """The :class:`~symbolic.export_model.Formula` records a claim exports to ``fmt``
    (``Claim.results``, or its main formula, or the bound of an inequality). For a code format
    unevaluated functions are replaced by their definitions (``Claim.defined_by``), and a claim
    that states an identity ``... = 0`` is refused with one line."""
    import sympy as sp
    from derivations.registry import get
    from symbolic.export_model import Formula
    from symbolic.printers import CODE_FORMATS

    code = fmt in CODE_FORMATS

    base = claim.id.replace("-", "_")
    definitions = [(func, get(cid).statement) for func, cid in claim.defined_by] if code else []
    entries = claim.results or _default_results(claim, fmt, code)
    out = []
    for entry in entries:
        name, eq, note = (tuple(entry) + ("",))[:3]
        if isinstance(eq, sp.Equality):
            lhs, value = eq.lhs, eq.rhs
            if isinstance(lhs, sp.Symbol) and " " in lhs.name:
                lhs = lhs.name                       # words ("upper bound on ...") stay words
        else:
            lhs, value = None, eq
        out.append(Formula(base + (f"_{name}" if name else ""), _defined(value, definitions), lhs=lhs,
                           conditions=tuple(claim.domain), note=note, meanings=dict(claim.meanings)))
    return tuple(out)


def export_claim(claim, fmt: str) -> str:
    """The text ``emergence export <claim.id> --to <fmt>`` prints."""
    from symbolic.printers import export_results

    eqs = claim.equations
    where = f"Eq. {eqs[0]}" if len(eqs) == 1 else f"Eqs. {', '.join(eqs)}"
    description = f"{claim.title} ({where}; Nam et al., NeurIPS 2024, arXiv 2404.17563)"
    return export_results(claim_formulas(claim, fmt), fmt, name=claim.id.replace("-", "_"),
                          description=description, statement=claim.statement, context=claim.assumptions)


def run(args) -> int:
    from derivations.registry import get

    print(export_claim(get(args.id), args.to), end="")
    return 0
