"""The LaTeX of the scaling-law claims (statement and derivation, without run-dependent numbers)
pinned by golden files in tests/golden/ (re-record on purpose with EMERGENCE_RECORD_GOLDEN=1)."""
import os
from pathlib import Path

import pytest

from derivations.latex import claim_latex
from derivations.registry import get

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
PINNED = ["eq-46", "appendix-e1", "appendix-e2", "appendix-e3", "appendix-e4", "theorem-1", "theorem-4",
          "theorem-5", "corollary-5", "proposition-3", "proposition-5", "proposition-7", "proposition-8", "lemma-7"]


@pytest.mark.parametrize("claim_id", PINNED)
def test_scaling_claim_latex_matches_golden(claim_id):
    text = claim_latex(get(claim_id), None)
    path = GOLDEN / f"{claim_id}.tex"
    if os.environ.get("EMERGENCE_RECORD_GOLDEN"):
        path.write_text(text)
    assert path.exists(), f"no golden file {path}; record it with EMERGENCE_RECORD_GOLDEN=1"
    assert text == path.read_text()
