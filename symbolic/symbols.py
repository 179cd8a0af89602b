"""Every SymPy symbol of the toolkit, with assumptions and a one-line meaning.

Symbols carry the paper's letters (SPEC.md §1). ``MEANINGS`` maps a symbol's name to what it
means; exports and the LaTeX glossary read it.

Examples
--------
>>> eta.is_positive, t.is_nonnegative
(True, True)
>>> MEANINGS["eta"]
'learning rate'
"""
from __future__ import annotations

import sympy as sp

__all__ = [
    "t", "T", "eta", "S", "R0", "r", "p", "d_k", "D", "k", "alpha", "epsilon",
    "a", "b", "R", "w", "a0", "b0", "lam", "n_s", "N", "A", "tau",
    "MEANINGS", "LATEX_NAMES", "describe",
]

t = sp.Symbol("t", nonnegative=True)            # gradient-flow time
T = sp.Symbol("T", positive=True)               # training time in statements
tau = sp.Symbol("tau", positive=True)           # an emergence / saturation time
eta = sp.Symbol("eta", positive=True)           # learning rate
S = sp.Symbol("S", positive=True)               # target scale
R0 = sp.Symbol("R_0", positive=True)            # initial skill strength R_k(0)
r = sp.Symbol("r", positive=True)               # common initial strength
p = sp.Symbol("p", positive=True)               # skill frequency d_k / D (or P_s(k))
d_k = sp.Symbol("d_k", nonnegative=True, integer=True)  # samples of skill k
D = sp.Symbol("D", positive=True, integer=True)  # training-set size
k = sp.Symbol("k", positive=True, integer=True)  # skill index
alpha = sp.Symbol("alpha", positive=True)       # data exponent
epsilon = sp.Symbol("epsilon", positive=True)   # emergence threshold
lam = sp.Symbol("lambda", positive=True)        # Saxe singular value lambda_k
n_s = sp.Symbol("n_s", positive=True, integer=True)
N = sp.Symbol("N", positive=True, integer=True)
A = sp.Symbol("A", positive=True)               # normalisation of P_s
a0 = sp.Symbol("a_0", positive=True)
b0 = sp.Symbol("b_0", positive=True)

a = sp.Function("a")                            # a_k(t)
b = sp.Function("b")                            # b_k(t)
R = sp.Function("R")                            # R_k(t)
w = sp.Function("w")                            # w_k(t), linear model

MEANINGS: dict[str, str] = {
    "t": "training time (gradient-flow units; SGD steps for networks)",
    "T": "training time",
    "tau": "emergence or saturation time",
    "eta": "learning rate",
    "S": "target scale: the target takes the values +S and -S",
    "R_0": "initial skill strength R_k(0)",
    "r": "initial skill strength, equal for all skills",
    "p": "frequency of skill k in the training set, d_k/D (P_s(k) when D is infinite)",
    "d_k": "number of training samples of skill k",
    "D": "number of training samples",
    "k": "skill index, ordered by frequency",
    "alpha": "data exponent: P_s(k) is proportional to k^-(alpha+1)",
    "epsilon": "emergence threshold on R_k/S",
    "lambda": "singular value of the input-output correlation (Saxe et al.)",
    "n_s": "number of skills",
    "N": "number of skill basis functions in the model",
    "A": "normalisation of the skill distribution, P_s(k) = A k^-(alpha+1)",
    "a_0": "initial value of a_k",
    "b_0": "initial value of b_k",
}

LATEX_NAMES: dict[sp.Symbol, str] = {
    R0: r"\mathcal{R}_k(0)",
    d_k: "d_k",
    n_s: "n_s",
    a0: "a_k(0)",
    b0: "b_k(0)",
}


def describe(symbol: sp.Symbol, meaning: str, latex_name: str | None = None) -> sp.Symbol:
    """Record the meaning (and optionally the LaTeX name) of a symbol defined elsewhere.

    Modules that introduce their own symbols call this once at import, so exports and the
    LaTeX glossary can explain them. Returns ``symbol`` for convenience.
    """
    MEANINGS.setdefault(symbol.name, meaning)
    if latex_name is not None:
        LATEX_NAMES.setdefault(symbol, latex_name)
    return symbol
