"""Figure set ``scaling``: the paper's Fig. 2 (time, data and parameter laws), Fig. 3 (compute law)
and Fig. 7 (finite-N correction of the time law).

Solid lines are the model's exact loss (``numeric_check.closed_forms.curves``); dotted lines are the power laws
with the prefactors computed in ``symbolic.constants`` (A_T, A_D, A_N of Theorem 1, A_C of
Corollary 5); Fig. 2(c) also shows the paper's A_N = S^2/2 (Eq. 327) dashed in grey; Fig. 7's
dashed lines are the Eq. 56-corrected law ``(A zeta)^(1/(alpha+1)) A_T T^-alpha/(alpha+1) - L_C``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from derivations.document.figures import TEXT_WIDTH_IN, FigureSet, save
from numeric_check.closed_forms import curves
from symbolic import constants

__all__ = ["figure_set"]

_ALPHAS = (0.3, 0.6, 0.9)
_FIG3_N = (10, 20, 50, 70, 100, 200, 500, 700, 1000, 2000, 5000, 10000)


def _colors(n):
    import matplotlib.pyplot as plt

    return plt.get_cmap("viridis")(np.linspace(0.0, 0.85, n))


def _zeta(a: float) -> float:
    import mpmath

    return float(mpmath.zeta(a + 1))


def _fig2(folder: Path):
    import matplotlib.pyplot as plt

    n_s, S, r, eta = 10**5, 1.0, 0.01, 1.0
    T, D, N = np.arange(1, 10_000.0), np.arange(1, 1000.0), np.arange(1, 100.0)
    fig, axes = plt.subplots(1, 3, figsize=(TEXT_WIDTH_IN, 2.75))
    for a, color in zip(_ALPHAS, _colors(3)):
        A_T = float(constants.A_T(alpha=a, S=S, r=r, eta=eta))
        A_D = float(constants.A_D(alpha=a, S=S, r=r))
        A_N = float(constants.A_N(alpha=a, S=S))
        s = a / (a + 1)
        axes[0].loglog(T, curves.time_curve(T, alpha=a, S=S, r=r, eta=eta, n_s=n_s), color=color,
                       label=rf"$\alpha={a}$")
        axes[0].loglog(T, A_T * T**-s, ":", color=color, lw=2, label=rf"$A_T={A_T:.3f}$")
        axes[1].loglog(D, curves.data_curve(D, alpha=a, S=S, r=r, n_s=n_s), color=color)
        axes[1].loglog(D, A_D * D**-s, ":", color=color, lw=2, label=rf"$A_D={A_D:.3f}$")
        axes[2].loglog(N, curves.parameter_curve(N, alpha=a, S=S, n_s=n_s), color=color)
        axes[2].loglog(N, A_N * N**-a, ":", color=color, lw=2, label=rf"$A_N={A_N:.3f}$")
        axes[2].loglog(N, S**2 / 2 * N**-a, "--", color="0.6", lw=1, label="Eq. 327" if a == _ALPHAS[-1] else None)
    titles = ("(a) time, $D,N\\to\\infty$\n" r"$\mathcal{L}=A_TT^{-\alpha/(\alpha+1)}$",
              "(b) data, $N,T\\to\\infty$\n" r"$\mathcal{L}=A_DD^{-\alpha/(\alpha+1)}$",
              "(c) parameters, $T,D\\to\\infty$\n" r"$\mathcal{L}=A_NN^{-\alpha}$")
    for ax, title, xlabel in zip(axes, titles, ("training time $T$", "training samples $D$", "model size $N$")):
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.grid(True, which="major", alpha=0.3)
        handles, labels = ax.get_legend_handles_labels()
        keep = [i for i, text in enumerate(labels) if text.startswith(("$A", "Eq"))]
        ax.legend([handles[i] for i in keep], [labels[i] for i in keep], loc="lower left")
    axes[0].set_ylabel(r"loss $\mathcal{L}$")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.tight_layout()
    fig.legend(handles[0::2], labels[0::2], loc="lower center", ncol=3, bbox_to_anchor=(0.5, 1.0),
               title="solid: exact loss; dotted: power law with the prefactor computed here")
    return save(fig, folder, "scaling_fig2", r"Fig.~2: scaling laws of the multilinear model ($n_s=10^5$, $S=1$, $r=0.01$, "
                r"$\eta=1$). Solid: exact loss (Eqs.~319, 274, 325); dotted: power laws with the prefactors computed here "
                r"($A_T$ Eq.~321, $A_D$ Eq.~302 with $(S-r)^2$, $A_N$ Theorem~1); grey dashed: the paper's $A_N=S^2/2$ (Eq.~327).")


def _fig3(folder: Path):
    import matplotlib.pyplot as plt

    n_s, S, r, eta = 5 * 10**4, 5.0, 0.01, 1.0
    T = np.geomspace(10.0, 1e8, 1000)
    fig, axes = plt.subplots(1, 3, figsize=(TEXT_WIDTH_IN, 2.6), sharey=True)
    colors = _colors(len(_FIG3_N))
    for ax, a in zip(axes, _ALPHAS):
        for n, color in zip(_FIG3_N, colors):
            L = curves.compute_curve(T, np.full(T.shape, n), alpha=a, S=S, r=r, eta=eta, n_s=n_s)
            ax.loglog(T * n, L, color=color, lw=1, label=f"N={n}")
        comp = constants.compute_constant(alpha=a, S=S, r=r, eta=eta)
        A_C = float(comp.A_C)
        C = np.geomspace(1e2, 1e12, 50)
        ax.loglog(C, A_C * C ** (-a / (a + 2)), "k:", lw=2, label=r"$A_CC^{-\alpha/(\alpha+2)}$")
        ax.set_title(rf"$\alpha={a}$: $A_C={A_C:.3f}$, $\lambda^*={float(comp.lambda_star):.3f}$")
        ax.set_xlabel(r"compute $C=TN$")
        ax.set_ylim(1e-3, 20)
        ax.grid(True, which="major", alpha=0.3)
    axes[0].set_ylabel(r"loss $\mathcal{L}$")
    handles, labels = axes[-1].get_legend_handles_labels()
    fig.tight_layout()
    fig.legend(handles, labels, loc="upper center", ncol=7, bbox_to_anchor=(0.5, 0.0), columnspacing=1.0)
    return save(fig, folder, "scaling_fig3", r"Fig.~3: compute-optimal law ($n_s=5\times10^4$, $S=5$, $r=0.01$, $\eta=1$, "
                r"$T\in[10,10^8]$ as in the authors' code). Solid: exact loss Eq.~328 (tail with $S^2/2$) for twelve $N$; "
                r"dotted: $A_CC^{-\alpha/(\alpha+2)}$ with $A_C$ of Corollary~5 minimised numerically. For $\alpha=0.3$ the "
                r"finite $n_s$ (missing tail, Eq.~56) bends the envelope below the law at large $C$.")


def _fig7(folder: Path):
    import matplotlib.pyplot as plt

    n_s, S, r, eta = 50_000, 5.0, 0.01, 1.0
    T = np.geomspace(1.0, 1e3, 200)
    fig, ax = plt.subplots(figsize=(0.7 * TEXT_WIDTH_IN, 3.2))
    for a, color in zip((0.1, 0.3, 0.5, 0.7), _colors(4)):
        s = a / (a + 1)
        L = curves.time_curve(T, alpha=a, S=S, r=r, eta=eta, n_s=n_s)
        A_T = float(constants.A_T(alpha=a, S=S, r=r, eta=eta))
        A_norm = 1.0 / float(constants.normalisation(alpha=a, n_s=n_s))
        L_C = S**2 * A_norm * n_s**-a / (2 * a)
        # finite n_s: P_s = A k^-(alpha+1) with A zeta > 1 rescales the law (Eq. 169): A_T -> (A zeta)^(1/(alpha+1)) A_T
        A_T_n = A_T * (A_norm * float(_zeta(a))) ** (1 / (a + 1))
        ax.loglog(T, L, color=color, label=rf"model, $\alpha={a}$")
        ax.loglog(T, A_T * T**-s, ":", color=color, lw=2)
        ax.loglog(T, A_T_n * T**-s - L_C, "--", color=color, lw=1.2)
    ax.plot([], [], "k:", lw=2, label=r"$A_TT^{-\alpha/(\alpha+1)}$")
    ax.plot([], [], "k--", lw=1.2, label=r"$(A\zeta)^{\frac{1}{\alpha+1}}A_TT^{-\alpha/(\alpha+1)}-L_C$ (Eq. 56)")
    ax.set_xlabel("training time $T$")
    ax.set_ylabel(r"loss $\mathcal{L}$")
    ax.set_ylim(0.3, 15)
    ax.legend()
    ax.grid(True, which="major", alpha=0.3)
    fig.tight_layout()
    return save(fig, folder, "scaling_fig7", r"Fig.~7: time law at finite $N=n_s=5\times10^4$ ($S=5$, $r=0.01$, $\eta=1$). "
                r"Solid: exact loss; dotted: $A_TT^{-\alpha/(\alpha+1)}$; dashed: with the finite-$N$ correction "
                r"$L_C=S^2AN^{-\alpha}/(2\alpha)$ of Eq.~56 and the exact normalisation $A$ (which rescales $P_s$ by $A\zeta(\alpha+1)$, "
                r"Eq.~169, hence the factor $(A\zeta)^{1/(\alpha+1)}$), which matters for small $\alpha$.")


def _make(folder: Path):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [_fig2(folder), _fig3(folder), _fig7(folder)]


def figure_set() -> FigureSet:
    return FigureSet(name="scaling", section="Scaling laws: prefactors and rigorous results", make=_make)
