"""The layers' import rules (docs/architecture.md), checked on the source and in a fresh
interpreter, so that breaking one fails here with the module and the import named.

* ``numeric_check`` never imports sympy or mpmath (a simulation cannot borrow the formula it checks);
* ``symbolic`` imports nothing from ``numeric_check`` but ``numeric_check.validation``;
* no claim module imports another claim module;
* no module imports another module's ``_private`` names;
* ``emergence list`` and ``emergence --help`` import no SymPy (the registry answers at once).
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from derivations.registry import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("symbolic", "numeric_check", "derivations")


def _modules(package: str) -> list[str]:
    out = []
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        out.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return out


def _imports(module: str) -> list[tuple[str, tuple[str, ...], int]]:
    """(imported module, imported names, line) for every import statement of ``module``."""
    path = ROOT / Path(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, (), node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, tuple(alias.name for alias in node.names), node.lineno))
    return found


def _fresh(code: str) -> dict:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _loaded_after(imports: list[str], call: str = "") -> list[str]:
    code = ("import importlib, json, sys\n"
            f"for name in {imports!r}: importlib.import_module(name)\n"
            f"{call}\n"
            "print(json.dumps(sorted(sys.modules)))")
    return _fresh(code)


def test_numeric_check_never_imports_sympy_or_mpmath():
    loaded = _loaded_after(_modules("numeric_check"))
    assert not [m for m in loaded if m.split(".")[0] in ("sympy", "mpmath")]
    for module in _modules("numeric_check"):
        for name, _, line in _imports(module):
            assert name.split(".")[0] not in ("sympy", "mpmath"), f"{module}:{line} imports {name}"


def test_symbolic_imports_only_validation_from_numeric_check():
    for module in _modules("symbolic"):
        for name, names, line in _imports(module):
            if name.split(".")[0] == "numeric_check":
                assert name == "numeric_check.validation", f"{module}:{line} imports {name}"
            assert name.split(".")[0] != "derivations", f"{module}:{line} imports {name}"
    loaded = _loaded_after(_modules("symbolic"))
    assert {m for m in loaded if m.startswith("numeric_check")} <= {"numeric_check", "numeric_check.validation"}


def test_numeric_check_imports_no_derivations():
    for module in _modules("numeric_check"):
        for name, _, line in _imports(module):
            assert name.split(".")[0] not in ("derivations", "symbolic"), f"{module}:{line} imports {name}"


@pytest.mark.parametrize("claim_id", list(REGISTRY))
def test_no_claim_imports_another_claim(claim_id):
    module = REGISTRY[claim_id].module
    others = {info.module for info in REGISTRY.values()} - {module}
    for name, names, line in _imports(module):
        targets = {name} | {f"{name}.{n}" for n in names}
        assert not targets & others, f"{module}:{line} imports the claim module {sorted(targets & others)}"


def test_no_module_imports_another_modules_private_names():
    for package in PACKAGES:
        for module in _modules(package):
            for name, names, line in _imports(module):
                if name.split(".")[0] in PACKAGES:
                    private = [n for n in names if n.startswith("_") and not n.startswith("__")]
                    assert not private, f"{module}:{line} imports private {private} from {name}"


@pytest.mark.parametrize("argv", [["list"], ["--help"]])
def test_listing_and_help_import_no_sympy(argv):
    call = ("import contextlib, io\nfrom derivations.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    try:\n        main({argv!r})\n    except SystemExit:\n        pass")
    loaded = _loaded_after([], call)
    assert "sympy" not in loaded and "mpmath" not in loaded
    assert not [m for m in loaded if m.startswith(tuple(f"{info.module}" for info in REGISTRY.values()))]
