"""The worked example in docs/example.py runs as a user would run it."""
import runpy
from pathlib import Path


def test_the_worked_example_runs(capsys):
    runpy.run_path(str(Path(__file__).resolve().parents[1] / "docs" / "example.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "R_1(200) = 5.0000" in out and "numeric (simulation)" in out
