"""The LaTeX of every claim (statement and derivation, without the run-dependent verification
numbers) is pinned by a golden file in tests/golden/<id>.tex.

Re-record on purpose, and read the diff by eye:
    EMERGENCE_RECORD_GOLDEN=1 python -m pytest tests/derivations/test_latex_golden.py
"""
import os
from pathlib import Path

import pytest

from derivations.document.latex import claim_latex
from derivations.registry import REGISTRY, get

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


@pytest.mark.parametrize("claim_id", list(REGISTRY))
def test_claim_latex_matches_golden(claim_id):
    text = claim_latex(get(claim_id), None)
    path = GOLDEN / f"{claim_id}.tex"
    if os.environ.get("EMERGENCE_RECORD_GOLDEN"):
        path.write_text(text)
    assert path.exists(), f"no golden file {path}; record it with EMERGENCE_RECORD_GOLDEN=1"
    assert text == path.read_text()


def test_no_stale_golden_files():
    assert {p.stem for p in GOLDEN.glob("*.tex")} <= set(REGISTRY)
