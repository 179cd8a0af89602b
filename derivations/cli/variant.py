"""``emergence variant``: the theory re-derived for a model the user chooses (depth L, skill
frequencies) -- numbers, checks, a LaTeX document or exported formulas (``docs/variants.md``).

Usage::

    emergence variant --depth 3 --alpha 0.6 --S 1 --r 0.01 --eta 1 --json
    emergence variant --depth 4 --alpha 0.6 --S 1 --r 0.01 --eta 1 --check
    emergence variant --depth 3 --alpha 0.6 --S 1 --r 0.01 --eta 1 --latex out/variant.tex --pdf
    emergence variant --depth 3 --alpha 0.6 --S 1 --r 0.01 --eta 1 --export python
    emergence variant --depth 2 --frequencies cutoff --kc 20 --alpha 0.6 --S 1 --r 0.01 --eta 1 --json
    emergence variant --depth 2 --frequencies table.csv --alpha 0.6 --S 1 --r 0.01 --eta 1

Times are gradient-flow times with ``D -> infinity`` (``p = P_s(k)``) and the balanced start
``R_k(0) = r``.
"""
from __future__ import annotations

from derivations.cli.export import EXPORT_FORMATS

__all__ = ["add_parser", "run", "human_summary"]


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("variant", help="re-derive the theory for depth L and other skill frequencies",
                              description=__doc__.split("Usage::")[0].strip())
    p.add_argument("--depth", required=True, help="number of factors per skill L, an integer in [1, 64] "
                   "(1: linear model of App. H, 2: the paper's model)")
    p.add_argument("--frequencies", default="powerlaw", help="powerlaw (default, P_s(k) ∝ k^-(alpha+1)), cutoff "
                   "(times exp(-k/kc)) or a FILE.csv of rows 'k,P' or 'k,count'")
    p.add_argument("--kc", default=None, help="cutoff: k_c > 0")
    p.add_argument("--alpha", required=True, help="data exponent alpha > 0")
    p.add_argument("--S", required=True, help="target scale S > 0")
    p.add_argument("--r", required=True, help="initial strength R_k(0) = r in (0, S)")
    p.add_argument("--eta", required=True, help="learning rate eta > 0")
    p.add_argument("--epsilon", default="0.05", help="threshold of tau_e and tau_s, in (r/S, 1/2) (default 0.05)")
    p.add_argument("--skills", default="5", help="list times for k = 1..K, K in [1, 1000] (default 5)")
    p.add_argument("--dps", default="15", help="digits of the constants, integer in [5, 200] (default 15)")
    p.add_argument("--seed", default="0", help="seed of the checks' simulations (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--check", action="store_true", help="run the variant's symbolic and numeric checks")
    p.add_argument("--latex", default=None, metavar="FILE.tex", help="write the variant's document")
    p.add_argument("--pdf", action="store_true", help="with --latex: compile it with pdflatex")
    p.add_argument("--export", default=None, choices=list(EXPORT_FORMATS), help="print the variant's formulas")
    p.set_defaults(func=run)


def human_summary(out: dict) -> str:
    """The summary as text lines."""
    lines = [f"depth-{out['depth']} model: {out['ode']}; {out['frequencies']}",
             f"  I_e = {out['I_e']:.6g}, I_s = {out['I_s']:.6g} (times in units of {out['time_unit']}); "
             f"tau_s/tau_e = {out['sharpness_tau_s_over_tau_e']:.4g}",
             f"  exponents: " + ", ".join(f"{k}: {'-' if v is None else f'{v:.6g}'}" for k, v in out["exponents"].items())]
    if out.get("A_T") is not None:
        lines.append(f"  A_T = {out['A_T_digits']}, A_C = {out['A_C_digits']}, lambda* = {out['lambda_star_digits']}; "
                     f"stage-like (Eq. 41) for k < {out['stage_like_below_k']:.4g}")
    if out.get("skills_note"):
        lines.append(f"  note: {out['skills_note']}")
    lines.append(f"  {'k':>4} {'P_s(k)':>12} {'tau_e':>14} {'tau_s':>14}")
    for i, (pk, te, ts) in enumerate(zip(out["P_s"], out["tau_emerge"], out["tau_saturate"]), start=1):
        lines.append(f"  {i:>4} {pk:>12.6g} {te:>14.6g} {ts:>14.6g}")
    return "\n".join(lines) + "\n"


def run(args) -> int:
    from numeric_check.validation import ArgumentError, seed as checked_seed, strict_json, writable_path

    from derivations.variants import variant

    v = variant(depth=args.depth, alpha=args.alpha, S=args.S, r=args.r, eta=args.eta, epsilon=args.epsilon,
                skills=args.skills, dps=args.dps, frequencies=args.frequencies, kc=args.kc)
    seed = checked_seed("--seed", args.seed)
    if args.pdf and not args.latex:
        raise ArgumentError("--pdf needs --latex FILE.tex")
    if args.json and (args.latex or args.export):
        raise ArgumentError("--json cannot be combined with --latex or --export (they print a document, not the summary)")
    if args.export and (args.latex or args.check):
        raise ArgumentError("--export cannot be combined with --latex or --check (it prints only the formulas)")
    tex = None if args.latex is None else writable_path(args.latex, name="--latex")
    from symbolic.frequencies import frequency_law

    frequency_law(v.frequencies, alpha=v.alpha, kc=v.kc)          # a bad table is refused before any work
    if args.export:
        return _export(v, args.export)
    if tex is not None:
        return _latex(v, tex, args.pdf, seed)
    from derivations.claim import run_checks
    from derivations.variants import claims, summary
    from numeric_check.progress import on_terminal, progress_bar

    # a bar on standard error on a terminal only (none in a pipe or with --json): the summary,
    # then one unit per claim
    with progress_bar(total=1 + (5 if args.check else 0), desc="variant", unit="step",
                      enabled=not args.json and on_terminal(), leave=False) as bar:
        out = summary(v)
        bar.update()
        if args.check:
            results = []
            for c in claims(v):
                results.append(run_checks(c, seed))
                bar.update()
            out["checks"] = [r.as_json() for r in results]
            out["passed"] = all(r.passed for r in results)
    if args.json:
        print(strict_json(out, indent=1))
    else:
        print(human_summary(out), end="")
        for r in out.get("checks", []):
            print(f"  {r['id']:<28} symbolic {'ok' if r['symbolic'] else 'FAILED':<6} {r['method']:<22} "
                  f"error {r['numeric_error']:.3g} <= {r['tolerance']:.3g}: {'passed' if r['passed'] else 'FAILED'}")
    return 0 if out.get("passed", True) else 1


def _export(v, fmt: str) -> int:
    """The five claims' formulas as ONE document: for ``json`` an object keyed by claim id (each
    value what ``emergence export`` prints for that claim), for ``latex`` the claims' blocks one
    after another under ``% claim`` comment lines, for the code formats one module (one C
    translation unit) holding every claim's functions (their names start with the claim id)."""
    import json

    from derivations.cli.export import claim_formulas, export_claim
    from derivations.variants import claims
    from symbolic.printers import export_results

    cs = claims(v)
    if fmt == "json":
        print(json.dumps({c.id: json.loads(export_claim(c, fmt)) for c in cs}, indent=1))
    elif fmt == "latex":
        print("\n".join(f"% claim {c.id}: {c.title}\n{export_claim(c, fmt)}" for c in cs), end="")
    else:
        formulas = [f for c in cs for f in claim_formulas(c, fmt)]
        description = (f"The depth-{v.depth} variant's results (emergence variant; beyond Nam et al., NeurIPS 2024, "
                       f"arXiv 2404.17563): " + "; ".join(f"{c.id}: {c.title}" for c in cs))
        context = " ".join(dict.fromkeys(c.assumptions for c in cs if c.assumptions))
        print(export_results(formulas, fmt, name=f"variant_L{v.depth}", description=description, context=context),
              end="")
    return 0


def _latex(v, tex, pdf: bool, seed: int) -> int:
    from derivations.document.latex import compile_pdf, find_pdflatex
    from derivations.variants.document import DOCUMENT_STEPS, write_document
    from numeric_check.progress import on_terminal, progress_bar

    compile_it = pdf and find_pdflatex() is not None
    with progress_bar(total=DOCUMENT_STEPS + (1 if compile_it else 0), desc="variant document", unit="step",
                      enabled=on_terminal(), leave=False) as bar:
        write_document(v, tex, seed=seed, step=bar.update)
        bar.write(f"wrote {tex}")
        if compile_it:
            made = compile_pdf(tex)
            bar.update()
            bar.write(f"wrote {made}")
    if pdf and not compile_it:
        import sys

        print("emergence: pdflatex not found on PATH; wrote the .tex only", file=sys.stderr)
    return 0
