"""NumPy closed forms used for speed: Lemma 1's logistic and the skill loss (``logistic``), the
loss curves over many skills (``curves``, with its Euler-Maclaurin band sums in ``euler_maclaurin``),
the emergence curves of the extended models
(``emergence``), the direct loss sums of App. J (``loss_sums``) and the calibration of the
network fits (``calibration``).

Each derived formula is written here once; ``tests/numeric_check/test_closed_forms_lambdify.py``
compares it with ``sympy.lambdify`` of the SymPy result it comes from."""
