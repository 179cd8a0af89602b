"""The numerical side of the project: what is simulated, the closed forms needed for speed, and
the neural networks of App. K.

* ``numeric_check.simulation``: the multitask sparse parity data and gradient descent of the
  models written from their loss (multilinear, extended, width-3 and two-layer linear networks);
  a simulation never uses the formula it checks.
* ``numeric_check.closed_forms``: derived formulas evaluated in NumPy (Lemma 1's logistic, the
  loss curves and sums, the extended models' emergence curves, the calibration), each written
  once and compared with ``sympy.lambdify`` of its SymPy derivation in
  ``tests/numeric_check/test_closed_forms_lambdify.py``.
* ``numeric_check.networks``: the two-layer ReLU MLP, its time/data/parameter experiments and
  the optional K.2 transformer, sharing one runner (``networks.runner``).
* ``numeric_check.validation``: argument checks, the error type and atomic file output.

NumPy and the standard library only: nothing here imports sympy or mpmath, so a simulation
cannot borrow the formula it checks (``tests/test_import_rules.py`` enforces it). The one
exception is the optional transformer, which imports PyTorch lazily, inside the functions that
need it.
"""
