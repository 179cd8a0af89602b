"""The LaTeX of the rigorous scaling-law claims (statement and derivation, without run-dependent
numbers) pinned by golden files in tests/golden/ (re-record on purpose with EMERGENCE_RECORD_GOLDEN=1)."""
import os
from pathlib import Path

import pytest

from derivations.latex import claim_latex
from derivations.registry import get

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
PINNED = ["lemma-6", "proposition-4", "theorem-3", "corollary-3", "corollary-4"]


@pytest.mark.parametrize("claim_id", PINNED)
def test_rigorous_claim_latex_matches_golden(claim_id):
    text = claim_latex(get(claim_id), None)
    path = GOLDEN / f"{claim_id}.tex"
    if os.environ.get("EMERGENCE_RECORD_GOLDEN"):
        path.write_text(text)
    assert path.exists(), f"no golden file {path}; record it with EMERGENCE_RECORD_GOLDEN=1"
    assert text == path.read_text()
