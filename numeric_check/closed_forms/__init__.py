"""NumPy closed forms used for speed: the loss curves over many skills, the emergence curves of
the extended models, the direct loss sums of App. J and the calibration of the network fits.

Each derived formula is written here once; a test compares it with ``sympy.lambdify`` of the
SymPy result it comes from."""
