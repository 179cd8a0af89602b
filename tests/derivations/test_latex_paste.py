"""Every statement and step of every claim, as the document prints it, compiles with the real
pdflatex in an article that loads only amsmath and amssymb (what a reader pastes it into), and
no display is wider than the document's text (16.6 cm at 11 pt) by more than a hair."""
import re
import shutil
import subprocess

import pytest

from derivations.document.display import display
from derivations.registry import REGISTRY, get

PDFLATEX = shutil.which("pdflatex")
pytestmark = pytest.mark.skipif(PDFLATEX is None, reason="pdflatex is not installed (.ci/run installs it)")

# 11 pt with the document's 2.2 cm margins on A4/letter: about 16.6 cm of text
PREAMBLE = (r"\documentclass[11pt]{article}" "\n" r"\usepackage{amsmath,amssymb}" "\n"
            r"\setlength{\textwidth}{16.6cm}\setlength{\oddsidemargin}{-0.4cm}\hbadness=10000" "\n"
            r"\begin{document}" "\n")
OVERFULL_PT = 3.0          # TeX reports boxes overfull by a fraction of a point for tight lines


def _pieces(claim):
    yield "statement", "".join(display(None, s) for s in claim.statement) \
        if isinstance(claim.statement, (list, tuple)) else display(None, claim.statement)
    for i, step in enumerate(claim.steps, 1):
        yield f"step {i}", step.because + "\n" + display(step.lhs if step.lhs != "" else None, step.rhs, step.relation)


@pytest.mark.parametrize("claim_id", list(REGISTRY))
def test_statement_and_steps_compile_in_a_plain_amsmath_article(claim_id, tmp_path):
    claim = get(claim_id)
    body = "".join(f"\\paragraph{{{name}}}\n{text}\n" for name, text in _pieces(claim))
    (tmp_path / "paste.tex").write_text(PREAMBLE + body + "\\end{document}\n")
    proc = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "paste.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, "\n".join(proc.stdout.splitlines()[-20:])
    log = (tmp_path / "paste.log").read_text(errors="replace")
    # displays only ("detected at line"); prose ("in paragraph") may run long where inline maths cannot break
    overfull = [float(x) for x in re.findall(r"Overfull \\hbox \(([0-9.]+)pt too wide\) detected at line", log)]
    assert not [x for x in overfull if x > OVERFULL_PT], f"{claim_id}: displays wider than the text by {overfull} pt"
