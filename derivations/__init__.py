"""Where a symbolic result meets a simulation: one module per paper result (a Claim), the
registry of claims, the LaTeX document and the ``emergence`` command."""

__version__ = "0.1.0"
