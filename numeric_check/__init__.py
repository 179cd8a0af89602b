"""NumPy-only simulations of the multitask sparse parity problem and its models.

This package never imports sympy or mpmath, so a simulation cannot borrow the formula it
checks (``tests/numeric_check/test_independence.py`` enforces it).
"""
