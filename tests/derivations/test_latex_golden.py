"""The LaTeX of each foundation claim (statement and derivation, without the run-dependent
verification numbers) is pinned by a golden file in tests/golden/.

Re-record on purpose, and read the diff by eye:  EMERGENCE_RECORD_GOLDEN=1 pytest tests/derivations/test_latex_golden.py
"""
import os
from pathlib import Path

import pytest

from derivations.latex import claim_latex
from derivations.registry import get

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
PINNED = ["lemma-1", "corollary-1", "corollary-2", "eq-25", "eq-40", "eq-41", "eq-125"]


@pytest.mark.parametrize("claim_id", PINNED)
def test_claim_latex_matches_golden(claim_id):
    text = claim_latex(get(claim_id), None)
    path = GOLDEN / f"{claim_id}.tex"
    if os.environ.get("EMERGENCE_RECORD_GOLDEN"):
        path.write_text(text)
    assert path.exists(), f"no golden file {path}; record it with EMERGENCE_RECORD_GOLDEN=1"
    assert text == path.read_text()
