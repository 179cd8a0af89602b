"""The time law against an actual SGD run of the multilinear model on sampled data (issue 3)."""
import mpmath
import numpy as np
import pytest

from numeric_check.closed_forms.curves import time_curve
from numeric_check.simulation.data import SparseParity, skill_probabilities
from numeric_check.simulation.multilinear import simulate
from symbolic import constants as c


@pytest.mark.parametrize("seed", [0, 1])
def test_sgd_follows_the_exact_curve_and_the_time_law(seed):
    a, n_s, eta, S, r = 0.6, 100, 0.05, 1.0, 0.01
    task = SparseParity(n_s=n_s, n_b=3 * n_s, m=3, alpha=a, S=S)
    record = np.unique(np.round(np.geomspace(1, 4000, 25))).astype(int)
    run = simulate(task, n_features=n_s, eta=eta, steps=4000, record=record, a0=0.1, b0=0.1,
                   rng=np.random.default_rng(seed), batch_size=1000, n_eval=200)
    P = skill_probabilities(a, n_s)
    loss_sgd = 0.5 * ((S - run.strength) ** 2 * P).sum(axis=1)          # Eqs. 6, 10 from measured R_k
    loss_exact = time_curve(run.steps.astype(float), alpha=a, S=S, r=r, eta=eta, n_s=n_s)
    # Euler steps vs gradient flow: |Delta R_k| <= S ln(S/r-1) c_k/8 with c_k = 2 eta P_k S (derivations.checking),
    # so |Delta L| <= sum_k P_k S |Delta R_k| = S^3 ln(S/r-1) eta sum P_k^2 / 4 (about 0.016 here)
    euler_bound = S**3 * np.log(S / r - 1) * eta * np.sum(P**2) / 4
    assert np.max(np.abs(loss_sgd - loss_exact)) < euler_bound
    # the law with the finite-n_s prefactor and L_C (Eq. 56, Eq. 169) once a few skills are learned
    A = 1 / float(c.normalisation(alpha=a, n_s=n_s))
    law = ((A * float(mpmath.zeta(a + 1))) ** (1 / (a + 1)) * float(c.A_T(alpha=a, S=S, r=r, eta=eta))
           * run.steps ** (-a / (a + 1)) - S**2 * A * n_s**-a / (2 * a))
    late = eta * S * run.steps >= 25          # emergence index (eta S T)^(1/(alpha+1)) >= 7.5: stage bumps < 1%
    assert np.max(np.abs(loss_sgd[late] / law[late] - 1)) < 2e-2
    assert np.max(np.abs(loss_exact[late] / law[late] - 1)) < 2e-2
