"""SymPy (and mpmath) layer: symbols, the models' losses, their gradient-flow equations and
solutions, asymptotics, constants and printers.

It may import :mod:`numeric_check.validation` (argument checks, standard library and NumPy
only) and nothing else from :mod:`numeric_check`.
"""
