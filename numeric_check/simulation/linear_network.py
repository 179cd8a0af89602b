"""Direct simulation of a two-layer linear network ``f(x) = W2 W1 x`` (Saxe et al.; App. B.2,
Eqs. 22-25) by gradient descent on the halved MSE over a whitened input set.

Examples
--------
>>> sigma = np.diag([1.0, 0.5])
>>> w1, w2 = 0.1 * np.eye(2), 0.1 * np.eye(2)
>>> run = simulate_linear_network(sigma, w1, w2, eta=0.1, steps=2000, record=[0, 2000])
>>> np.round(np.diag(run[-1]), 3).tolist()
[1.0, 0.5]
"""
from __future__ import annotations

import numpy as np

from numeric_check.validation import ArgumentError, integer, positive

__all__ = ["simulate_linear_network", "random_orthogonal"]


def random_orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    """A Haar-random orthogonal ``n x n`` matrix (QR of a Gaussian matrix, signs fixed)."""
    n = integer("n", n, minimum=1)
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def simulate_linear_network(sigma: np.ndarray, w1: np.ndarray, w2: np.ndarray, *, eta: float, steps: int,
                            record) -> np.ndarray:
    """Train ``W2 W1`` on the inputs ``x_i = sqrt(d1) e_i`` (so ``E[x x^T] = I``) with targets
    ``y = Sigma x``; return the product ``W2 W1`` at the recorded steps, shape (len(record), d3, d1).

    The gradient is computed from the samples: residuals ``E = Y - W2 W1 X`` and
    ``dL/dW2 = -E (W1 X)^T / n``, ``dL/dW1 = -W2^T E X^T / n``.
    """
    sigma = np.asarray(sigma, dtype=np.float64)
    d3, d1 = sigma.shape
    w1 = np.array(w1, dtype=np.float64)
    w2 = np.array(w2, dtype=np.float64)
    if w1.shape[1] != d1 or w2.shape[0] != d3 or w2.shape[1] != w1.shape[0]:
        raise ArgumentError("W1 must be (d2, d1) and W2 (d3, d2) for Sigma of shape (d3, d1)")
    eta = positive("eta", eta)
    steps = integer("steps", steps, minimum=0)
    record = set(int(s) for s in record)
    X = np.sqrt(d1) * np.eye(d1)
    Y = sigma @ X
    n = X.shape[1]
    out = []
    for step in range(steps + 1):
        if step in record:
            out.append(w2 @ w1)
        if step == steps:
            break
        hidden = w1 @ X
        E = Y - w2 @ hidden
        g2 = -E @ hidden.T / n
        g1 = -w2.T @ E @ X.T / n
        w2 -= eta * g2
        w1 -= eta * g1
    return np.array(out)
