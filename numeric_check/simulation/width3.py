"""The width-3 weight-shared ReLU network of Appendix G (Eqs. 112-119), in NumPy.

``f(x) = w^T relu(W x + b) + c`` with ``W``, ``b``, ``w`` built from four scalars
``alpha, beta, gamma, c`` (Eqs. 113-114), trained by gradient descent on the eight 3-bit inputs
(Eq. 112) with loss ``(1/2) sum_j (Y_j - f(X_j))^2``. The gradient is the chain rule through
the network (weight sharing makes each scalar appear in several entries), not the paper's
Eqs. 120-123. Mode ``q`` is neuron ``q``'s contribution ``w_q relu(z_q)`` and its strength is
``R^(q) = Y^T f^(q)(X) / (8 S^2)`` (Eq. 118, already divided by ``S``).

Examples
--------
>>> X, Y = inputs(), labels(1.0)
>>> X.shape, Y.tolist()
((8, 3), [1.0, -1.0, -1.0, 1.0, -1.0, 1.0, 1.0, -1.0])
>>> f = outputs(np.array([np.sqrt(2), np.sqrt(2), np.sqrt(2), -1.0]), X)
>>> bool(np.allclose(f, Y))
True
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from numeric_check.validation import ArgumentError, finite, integer, positive

__all__ = ["inputs", "labels", "outputs", "modes", "loss", "gradient", "simulate_width3", "Width3Run"]

# d W / d(alpha, beta, gamma), d b / d(...), d w / d(...): Eqs. 113-114 are linear in each scalar.
_W_PARTS = np.array([
    [[-1, 1, -1], [0, 0, 0], [0, 0, 0]],
    [[0, 0, 0], [-1, 1, -1], [0, 0, 0]],
    [[0, 0, 0], [0, 0, 0], [1, -1, 1]],
], dtype=np.float64)
_B_PARTS = np.array([[0, 0, 0], [0, 1, 0], [0, 0, -1]], dtype=np.float64)
_V_PARTS = np.array([[-2, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float64)


def inputs() -> np.ndarray:
    """The eight 3-bit inputs in binary order 000, 001, ..., 111 as rows (Eq. 112)."""
    codes = np.arange(8)
    return ((codes[:, None] >> np.array([2, 1, 0])) & 1).astype(np.float64)


def labels(S: float) -> np.ndarray:
    """``Y = S (-1)^(x1 + x2 + x3)`` on :func:`inputs` (Eq. 112)."""
    S = positive("S", S)
    return S * (1.0 - 2.0 * (inputs().sum(axis=1) % 2))


def _unpack(theta):
    theta = np.asarray(theta, dtype=np.float64)
    if theta.shape[-1] != 4 or not np.all(np.isfinite(theta)):
        raise ArgumentError("theta must hold finite (alpha, beta, gamma, c) in its last axis")
    scal = theta[..., :3]
    W = np.einsum("...p,pij->...ij", scal, _W_PARTS)
    b = np.einsum("...p,pi->...i", scal, _B_PARTS)
    v = np.einsum("...p,pi->...i", scal, _V_PARTS)
    return scal, W, b, v, theta[..., 3]


def modes(theta, X=None) -> np.ndarray:
    """Neuron contributions ``f^(q)(X_j) = w_q relu(z_q)``: shape (..., 8, 3)."""
    X = inputs() if X is None else X
    _, W, b, v, _ = _unpack(theta)
    z = np.einsum("...ij,nj->...ni", W, X) + b[..., None, :]
    return v[..., None, :] * np.maximum(z, 0.0)


def outputs(theta, X=None) -> np.ndarray:
    """Network outputs ``f(X_j)`` (Eqs. 113-114): shape (..., 8)."""
    return modes(theta, X).sum(axis=-1) + np.asarray(theta)[..., 3:4]


def loss(theta, S: float) -> np.ndarray:
    """``(1/2) sum_j (Y_j - f(X_j))^2`` over the eight inputs."""
    return 0.5 * ((labels(S) - outputs(theta)) ** 2).sum(axis=-1)


def gradient(theta, S: float) -> np.ndarray:
    """``d loss / d(alpha, beta, gamma, c)`` by the chain rule through the shared weights."""
    X = inputs()
    scal, W, b, v, c = _unpack(theta)
    z = np.einsum("...ij,nj->...ni", W, X) + b[..., None, :]          # (..., 8, 3)
    h = np.maximum(z, 0.0)
    on = (z > 0).astype(np.float64)
    residual = outputs(theta) - labels(S)                               # (..., 8)
    # df/dp = (dv/dp) . h + v . (relu'(z) * (dW/dp x + db/dp))
    dz = np.einsum("pij,nj->pni", _W_PARTS, X) + _B_PARTS[:, None, :]   # (3, 8, 3)
    df = (np.einsum("pi,...ni->...pn", _V_PARTS, h)
          + np.einsum("...i,...ni,pni->...pn", v, on, dz))            # (..., 3, 8)
    grad = np.empty(np.shape(theta))
    grad[..., :3] = np.einsum("...pn,...n->...p", df, residual)
    grad[..., 3] = residual.sum(axis=-1)
    return grad


@dataclass(frozen=True)
class Width3Run:
    """Trajectory: ``times`` (n,), ``theta`` (n, 4), ``mode_strength`` (n, 3) (Eq. 118) and
    ``strength`` (n,) = their sum (Eq. 119), both as ``R/S``."""

    times: np.ndarray
    theta: np.ndarray
    mode_strength: np.ndarray
    strength: np.ndarray


def simulate_width3(*, theta0, S: float, eta: float, steps: int, record_every: int = 1) -> Width3Run:
    """Gradient descent ``theta <- theta - eta * grad`` of the width-3 network from ``theta0``.

    Examples
    --------
    >>> run = simulate_width3(theta0=[0.1, 0.1, 0.1, 0.0], S=1.0, eta=0.01, steps=20000, record_every=1000)
    >>> np.round(run.theta[-1], 3).tolist()
    [1.414, 1.414, 1.414, -1.0]
    """
    theta = np.array(theta0, dtype=np.float64)
    _unpack(theta)
    S = positive("S", S)
    eta = positive("eta", eta)
    steps = integer("steps", steps, minimum=0)
    record_every = integer("record_every", record_every, minimum=1)
    Y = labels(S)
    thetas = [theta.copy()]
    for step in range(1, steps + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            theta = theta - eta * gradient(theta, S)
        if not np.all(np.isfinite(theta)) or np.max(np.abs(theta)) > 1e100:
            raise ArgumentError(f"eta={eta} is too large: gradient descent diverged at step {step}")
        if step % record_every == 0:
            thetas.append(theta.copy())
    thetas = np.array(thetas)
    ms = np.einsum("n,tnq->tq", Y, modes(thetas)) / (8.0 * S**2)
    times = eta * record_every * np.arange(len(thetas))
    return Width3Run(times, thetas, ms, ms.sum(axis=1))
