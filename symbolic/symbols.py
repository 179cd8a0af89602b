"""Every SymPy symbol of the toolkit, with its assumptions, its meaning and its LaTeX name.

Symbols carry the paper's letters (arXiv 2404.17563, Sec. 2-3 and the appendices that introduce
them). :data:`GLOSSARY` is one literal table; :data:`MEANINGS` (by name) and
:data:`LATEX_NAMES` (by symbol) are read off it when this module is imported, and no other
module adds to them, so the glossary does not depend on what else was imported.

Examples
--------
>>> eta.is_positive, t.is_nonnegative
(True, True)
>>> MEANINGS["eta"]
'learning rate'
>>> LATEX_NAMES[R0]
'\\\\mathcal{R}_k(0)'
"""
from __future__ import annotations

import sympy as sp

__all__ = [
    # the model and its dynamics (Sec. 2-3, Lemma 1)
    "t", "T", "tau", "eta", "S", "R0", "r", "p", "d_k", "D", "k", "alpha", "epsilon", "lam", "n_s", "N", "A",
    "a0", "b0", "ab0", "g_value", "a", "b", "R", "w",
    # scaling laws (App. E, J)
    "x", "s", "C", "L_C", "Lambda_E4", "F", "A_of_lambda", "u", "lam_T", "gamma_N", "kappa", "sigma",
    # extended models (Sec. 6, App. F, G, I)
    "Bc", "Dc", "Nc", "q", "r_q", "Rk", "R_inf", "expected_R", "alpha_G", "beta_G", "gamma_G", "c_G",
    "GLOSSARY", "MEANINGS", "LATEX_NAMES",
]

# ------------------------------------------------------------------ the model and its dynamics
t = sp.Symbol("t", nonnegative=True)
T = sp.Symbol("T", positive=True)
tau = sp.Symbol("tau", positive=True)
eta = sp.Symbol("eta", positive=True)
S = sp.Symbol("S", positive=True)
R0 = sp.Symbol("R_0", positive=True)
r = sp.Symbol("r", positive=True)
p = sp.Symbol("p", positive=True)
d_k = sp.Symbol("d_k", nonnegative=True, integer=True)
D = sp.Symbol("D", positive=True, integer=True)
k = sp.Symbol("k", positive=True, integer=True)
alpha = sp.Symbol("alpha", positive=True)
epsilon = sp.Symbol("epsilon", positive=True)
lam = sp.Symbol("lambda", positive=True)
n_s = sp.Symbol("n_s", positive=True, integer=True)
N = sp.Symbol("N", positive=True, integer=True)
A = sp.Symbol("A", positive=True)
a0 = sp.Symbol("a_0", positive=True)
b0 = sp.Symbol("b_0", positive=True)
ab0 = sp.Symbol("ab_0", positive=True)
g_value = sp.Symbol("g", real=True)

a = sp.Function("a")                            # a_k(t)
b = sp.Function("b")                            # b_k(t)
R = sp.Function("R")                            # R_k(t)
w = sp.Function("w")                            # w_k(t), linear model

# ------------------------------------------------------------------ scaling laws
x = sp.Symbol("x", positive=True)
s = sp.Symbol("s", positive=True)
C = sp.Symbol("C", positive=True)
L_C = sp.Symbol("L_C", positive=True)
Lambda_E4 = sp.Symbol("Lambda", positive=True)
F = sp.Function("F")                            # a skill loss as a function of k^-(alpha+1) T
A_of_lambda = sp.Function("A")                  # Theorem 4's time-law constant A(lambda), unevaluated
u = sp.Symbol("u", positive=True)
lam_T = sp.Symbol("lambda_T", positive=True)
gamma_N = sp.Symbol("gamma_N", nonnegative=True)
kappa = sp.Symbol("kappa_3", positive=True)
sigma = sp.Symbol("sigma", positive=True)

# ------------------------------------------------------------------ extended models
Bc = sp.Symbol("B", positive=True)
Dc = sp.Symbol("D_c", positive=True, integer=True)
Nc = sp.Symbol("N_c", positive=True, integer=True)
q = sp.Symbol("q", positive=True, integer=True)
r_q = sp.Symbol("r_q", positive=True, integer=True)
Rk = sp.Symbol("R_k", real=True)
R_inf = sp.Symbol("R_inf", real=True)
expected_R = sp.Symbol("ER_k", real=True)
alpha_G = sp.Symbol("alpha_G", positive=True)
beta_G = sp.Symbol("beta_G", positive=True)
gamma_G = sp.Symbol("gamma_G", positive=True)
c_G = sp.Symbol("c_G", real=True)

#: (symbol, meaning, LaTeX name or None for SymPy's own) for every symbol above.
GLOSSARY: tuple[tuple[sp.Symbol, str, str | None], ...] = (
    (t, "training time (gradient-flow units; SGD steps for networks)", None),
    (T, "training time", None),
    (tau, "emergence or saturation time", None),
    (eta, "learning rate", None),
    (S, "target scale: the target takes the values $+S$ and $-S$", None),
    (R0, r"initial skill strength $\mathcal{R}_k(0)$", r"\mathcal{R}_k(0)"),
    (r, "initial skill strength, equal for all skills", None),
    (p, r"frequency of skill $k$ in the training set, $d_k/D$ ($P_s(k)$ when $D$ is infinite)", None),
    (d_k, "number of training samples of skill $k$", "d_k"),
    (D, "number of training samples", None),
    (k, "skill index, ordered by frequency", None),
    (alpha, r"data exponent: $P_s(k) \propto k^{-(\alpha+1)}$", None),
    (epsilon, r"emergence threshold on $\mathcal{R}_k/S$", None),
    (lam, "singular value of the input-output correlation (Saxe et al.)", None),
    (n_s, "number of skills", "n_s"),
    (N, "number of skill basis functions in the model", None),
    (A, r"normalisation of the skill distribution, $P_s(k) = A k^{-(\alpha+1)}$", None),
    (a0, "initial value of $a_k$", "a_k(0)"),
    (b0, "initial value of $b_k$", "b_k(0)"),
    (ab0, "initial product $a_k(0) b_k(0)$ of a mode", "a_k(0)b_k(0)"),
    (g_value, r"value $\pm 1$ of $g_k(i, x)$ at a sample of skill $k$", None),
    (x, r"expansion variable $1/k$, or the substituted frequency $A k^{-(\alpha+1)}$", None),
    (s, r"data-law exponent $\alpha/(\alpha+1)$", None),
    (C, "compute $C = T N$", None),
    (L_C, "finite-$N$ correction constant of the time law (Eq. 56)", None),
    (Lambda_E4, r"Lagrange multiplier of App. E.4 (the paper's $\lambda$)", r"\Lambda"),
    (u, r"dimensionless skill time $\eta S T P_s(k)$", None),
    (lam_T, r"limit of $N/(\eta S T)^{1/(\alpha+1)}$ (Thm. 4)", r"\lambda"),
    (gamma_N, r"$\lim N/n_s$ in Thm. 1", r"\gamma"),
    (kappa, "constant of Thm. 3's lower bound", r"\kappa"),
    (sigma, "exponent of the partial sums of Lemma 6", r"\sigma"),
    (Bc, "calibration constant of the time-extended model (Eq. 13)", None),
    (Dc, "basis functions per skill, data-extended model (Eq. 15)", None),
    (Nc, "basis functions per skill, width-extended model (Eq. 18)", None),
    (q, "index of the partly represented skill (Eq. 19)", None),
    (r_q, "basis functions of skill $q$, the remainder in Eq. 19 (the paper's $r$)", "r"),
    (Rk, r"skill strength $\mathcal{R}_k$ (Eq. 7)", r"\mathcal{R}_k"),
    (R_inf, r"final skill strength $\mathcal{R}_k(\infty)$", r"\mathcal{R}_k(\infty)"),
    (expected_R, r"expected final strength $\mathbb{E}[\mathcal{R}_k(\infty)]$ over training sets",
     r"\mathbb{E}[\mathcal{R}_k(\infty)]"),
    (alpha_G, "first weight of the App. G network (Eq. 113)", r"\alpha"),
    (beta_G, "second weight of the App. G network (Eq. 113)", r"\beta"),
    (gamma_G, "third weight of the App. G network (Eq. 113)", r"\gamma"),
    (c_G, "output bias of the App. G network (Eq. 113)", "c"),
)

#: Meaning of each symbol, by name (exports list the parameters' meanings from it).
MEANINGS: dict[str, str] = {symbol.name: meaning for symbol, meaning, _ in GLOSSARY}
#: LaTeX names that differ from SymPy's default.
LATEX_NAMES: dict[sp.Symbol, str] = {symbol: name for symbol, _, name in GLOSSARY if name is not None}
