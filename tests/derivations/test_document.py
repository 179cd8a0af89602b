"""What the document and the JSON report say about each claim's checks: the method of the
numeric check, the sentence on the symbolic check, the abstract's counts, and the notes on
the paper (also docs/paper-notes.md)."""
import json
from pathlib import Path

import pytest

from derivations.claim import run_checks, valid_method
from derivations.cli import main
from derivations.document.latex import claim_latex, methods_sentence, needs_rerun
from derivations.document.notes import notes_latex, notes_markdown
from derivations.registry import REGISTRY, claims, get

ROOT = Path(__file__).resolve().parents[2]


def test_check_json_carries_method_and_symbolic_check(capsys):
    assert main(["check", "lemma-1", "appendix-e2", "--json"]) == 0
    for record in json.loads(capsys.readouterr().out):
        assert valid_method(record["method"])
        assert len(record["symbolic_check"]) > 20


def test_every_claim_has_its_own_symbolic_sentence_and_at_least_three_methods_are_used():
    built = [get(i) for i in REGISTRY]
    sentences = [c.symbolic_check for c in built]
    assert len(set(sentences)) == len(sentences), "two claims share a generic symbolic_check sentence"
    methods = {m for c in built for m in run_checks(c, seed=0).agreement.methods}
    assert len(methods) >= 3, methods


def test_the_abstract_counts_the_methods_of_the_checks_it_ran():
    results = [run_checks(get(i), seed=0) for i in ("lemma-1", "appendix-e2", "theorem-1")]
    sentence = methods_sentence(results)
    assert sentence.startswith("Of the 3 numeric checks, ")
    for method in {r.agreement.method for r in results}:
        assert method.split()[0] in sentence or {"simulation": "gradient descent"}[method] in sentence


def test_a_claim_section_names_its_symbolic_check_and_numeric_method():
    claim = get("lemma-1")
    text = claim_latex(claim, run_checks(claim, seed=0))
    assert "Numeric, by gradient descent of the model on sampled data" in text
    assert "Symbolic (passed): " in text


def test_docs_paper_notes_is_generated_from_the_claims():
    # re-record: emergence notes -o docs/paper-notes.md
    assert (ROOT / "docs" / "paper-notes.md").read_text() == notes_markdown(claims())


def test_latex_and_markdown_notes_are_the_same_notes():
    every = list(claims())
    n = sum(len(c.notes) for c in every)
    assert notes_latex(every).count("\\paragraph{") == n
    assert notes_markdown(every).count("\n## ") == n


def test_no_reference_to_a_file_the_user_lacks():
    tracked = [p for p in ROOT.rglob("*") if p.is_file() and p.suffix in (".py", ".md", ".tex", ".toml", ".txt")
               and not {".venv", ".git", "build", ".pytest_cache", ".hypothesis"} & set(p.relative_to(ROOT).parts)
               and not p.name.endswith(".egg-info")]
    needle = "SP" + "EC"          # spelled apart, so that this file does not match itself
    offenders = [p.relative_to(ROOT).as_posix() for p in tracked if needle in p.read_text(errors="replace")]
    assert not offenders, f"cite the paper's numbers, not {needle}: {offenders}"


def test_without_pdflatex_the_main_job_still_writes_the_tex_and_exits_0(tmp_path, monkeypatch, capsys):
    import derivations.document.latex as latex_module

    monkeypatch.setattr(latex_module, "find_pdflatex", lambda: None)
    tex = tmp_path / "out" / "derivations.tex"
    assert main(["latex", "-o", str(tex), "--no-figures"]) == 0
    out = capsys.readouterr().out
    assert tex.exists() and "\\begin{document}" in tex.read_text()
    assert [line for line in out.splitlines() if line.startswith("PDF not built")] and "apt-get install" in out
    assert not tex.with_suffix(".pdf").exists()


def test_the_document_has_no_resizebox_and_asks_for_no_rerun(tmp_path, capsys):
    import shutil

    tex = tmp_path / "derivations.tex"
    code = main(["latex", "-o", str(tex), "--no-figures"])
    assert code == 0
    assert "resizebox" not in tex.read_text()
    if shutil.which("pdflatex"):
        log = tex.with_suffix(".log").read_text(errors="replace")
        assert not needs_rerun(log) and tex.with_suffix(".pdf").exists()


def test_a_claim_and_its_result_show_themselves_in_a_notebook():
    claim = get("eq-40")
    shown = claim._repr_latex_()
    assert shown.startswith("$\\displaystyle ") and "\\tau^{(e)}_k" in shown
    table = run_checks(get("appendix-e3"), seed=0)._repr_markdown_()
    assert table.splitlines()[0].startswith("| claim | symbolic | numeric method")
    assert "| `appendix-e3` | yes | exact sum + simulation |" in table
