"""A worked example: take a claim, substitute numbers, export it as code, run its checks.

Run it with ``python docs/example.py`` (or paste the cells into a notebook: a Claim shows its
statement as LaTeX there, and a check result as a table).
"""
import numpy as np
import sympy as sp

from derivations.claim import run_checks
from derivations.registry import REGISTRY, get
from symbolic.printers import export
from symbolic.symbols import R0, S, eta, p, t

# 1. A claim (in a notebook, the last line of a cell `claim` shows it as LaTeX) of the paper: Lemma 1's sigmoid R_k(t) (Eqs. 26-35), derived by SymPy from the loss.
print(REGISTRY["lemma-1"].title, "- Eqs.", ", ".join(REGISTRY["lemma-1"].equations))
claim = get("lemma-1")
print("statement:", claim.statement)
print("LaTeX:    ", sp.latex(claim.statement))

# 2. Substitute the paper's numbers: S = 5, R_k(0) = 0.01 S, eta = 0.05, p = P_s(1) at alpha = 0.6, n_s = 5.
P1 = 1 / sum(k ** -1.6 for k in range(1, 6))
strength = claim.statement.rhs.subs({S: 5, R0: 0.05, eta: 0.05, p: P1})
for time in (0, 50, 100, 200):
    print(f"R_1({time}) = {float(strength.subs(t, time)):.4f}")

# 3. Export it as code and use it (NumPy: arrays in, arrays out).
source = export(claim.main_formula, "numpy", name="strength")
namespace = {}
exec(source, namespace)                                   # or save it to a file and import it
print(source.splitlines()[0])
times = np.linspace(0, 200, 5)
print(namespace["strength"](t=times, S=5.0, R_0=0.05, eta=0.05, p=P1))

# 4. Run both checks, as in your own tests: symbolic (second route) and numeric (simulation).
result = run_checks(claim, seed=0)
print(f"symbolic: {result.symbolic} ({claim.symbolic_check})")
print(f"numeric ({result.agreement.method}): error {result.agreement.error:.3g} <= {result.agreement.tolerance:.3g}")
assert result.passed
