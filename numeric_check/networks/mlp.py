"""A hand-written two-layer ReLU network for multitask sparse parity (App. K.1).

``f(x) = w2 . relu(W1^T x + b1) + b2`` with a scalar output. Training minimises the mean
squared error **without** the factor 1/2, ``L = mean((f - y)^2)``, as the authors' code does
(PyTorch ``MSELoss``; the paper does not say); the multilinear model's Eq. 5 carries the 1/2, so a network
trained with learning rate ``lr`` corresponds to gradient flow with ``eta = 2 lr`` in Eq. 14.

One training step is one fused pass over preallocated buffers (``benchmarks/bench_mlp.py``
times it; ``docs/networks.md`` has the numbers):

* the input carries a trailing constant column 1, so ``b1`` is the last row of the
  ``(n_in + 1, width)`` matrix ``W`` and ``Z = X W`` is one matrix product;
* the first-layer gradient factors as ``dW[i, j] = w2[j] * sum_n X[n, i] df[n] [Z[n, j] > 0]``,
  i.e. ``(X * df)^T M`` scaled column-wise by ``w2``, with ``M`` the 0/1 ReLU mask — the
  second matrix product; no ``(batch, width)`` product of ``df`` and ``w2`` is formed;
* ``relu(Z) = Z * M``: the mask is needed for the backward pass anyway, and a product is
  three times faster than NumPy's float32 ``maximum``.

All weights and biases start Gaussian with the same standard deviation (K.1). Optimisers: plain
SGD (no momentum, no weight decay) and Adam with L2 weight decay added to the gradient
(PyTorch's ``Adam(weight_decay=...)`` convention, not AdamW).

Examples
--------
>>> rng = np.random.default_rng(0)
>>> net = MLP(n_in=3, width=4, init_std=0.5, rng=rng, dtype=np.float64)
>>> x = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
>>> net.forward(x).shape
(2,)
>>> opt = SGD(lr=0.1)
>>> xa = augment(x, dtype=np.float64); y = np.array([1.0, -1.0])
>>> before = net.loss(xa, y)
>>> for _ in range(50):
...     _ = opt.step(net, xa, y)
>>> bool(net.loss(xa, y) < before)
True
"""
from __future__ import annotations

import numpy as np

from numeric_check.validation import ArgumentError, finite, integer, positive

__all__ = ["MLP", "SGD", "Adam", "augment", "halving_schedule"]

_DTYPES = {np.dtype(np.float32), np.dtype(np.float64)}


def _dtype(dtype) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise ArgumentError(f"dtype must be float32 or float64, got {dtype!r}") from None
    if dt not in _DTYPES:
        raise ArgumentError(f"dtype must be float32 or float64, got {dt}")
    return dt


def augment(x: np.ndarray, *, dtype=np.float32) -> np.ndarray:
    """Inputs ``x`` (n, n_in) with a trailing column of ones (the bias input): (n, n_in + 1).

    Examples
    --------
    >>> augment(np.zeros((1, 2)), dtype=np.float64)
    array([[0., 0., 1.]])
    """
    x = np.asarray(x)
    if x.ndim != 2:
        raise ArgumentError(f"x must be a 2-d array (samples, inputs), got shape {x.shape}")
    out = np.empty((x.shape[0], x.shape[1] + 1), dtype=_dtype(dtype))
    out[:, :-1] = x
    out[:, -1] = 1
    return out


def halving_schedule(step: int, *, lr: float, every: int | None) -> float:
    """Learning rate ``lr * 2^-(step // every)`` (K.1 data runs); constant if ``every`` is None.

    Examples
    --------
    >>> halving_schedule(120, lr=0.05, every=50)
    0.0125
    """
    lr = positive("lr", lr)
    step = integer("step", step, minimum=0)
    if every is None:
        return lr
    every = integer("every", every, minimum=1)
    return lr * 0.5 ** (step // every)


class MLP:
    """Two-layer ReLU network ``R^n_in -> R`` with hand-written forward and backward passes.

    Parameters
    ----------
    n_in, width : int
        Input dimension (``n_s + n_b`` for sparse parity) and hidden width (>= 1).
    init_std : float
        Standard deviation of the Gaussian initialisation of every weight and bias (> 0).
    rng : numpy.random.Generator
        Source of the initial parameters.
    dtype : float32 (default) or float64.

    Attributes
    ----------
    W : (n_in + 1, width) array; rows ``:n_in`` are ``W1``, the last row is ``b1``.
    w2 : (width,) array; b2 : (1,) array.
    """

    def __init__(self, *, n_in: int, width: int, init_std: float, rng: np.random.Generator, dtype=np.float32):
        self.n_in = integer("n_in", n_in, minimum=1)
        self.width = integer("width", width, minimum=1)
        self.init_std = positive("init_std", init_std)
        if not isinstance(rng, np.random.Generator):
            raise ArgumentError("rng must be a numpy.random.Generator")
        self.dtype = _dtype(dtype)
        # Drawn in float64 and rounded, so float32 and float64 nets of one seed start alike.
        self.W = (self.init_std * rng.standard_normal((self.n_in + 1, self.width))).astype(self.dtype)
        self.w2 = (self.init_std * rng.standard_normal(self.width)).astype(self.dtype)
        self.b2 = (self.init_std * rng.standard_normal(1)).astype(self.dtype)
        self._buffers: dict[int, tuple[np.ndarray, ...]] = {}
        self._gT: np.ndarray | None = None
        self.gW = np.zeros_like(self.W)
        self.gw2 = np.zeros_like(self.w2)
        self.gb2 = np.zeros_like(self.b2)

    # --------------------------------------------------------------- parameters
    @property
    def W1(self) -> np.ndarray:
        return self.W[:-1]

    @property
    def b1(self) -> np.ndarray:
        return self.W[-1]

    def parameters(self) -> list[np.ndarray]:
        """The trainable arrays ``[W, w2, b2]`` (updated in place by the optimisers)."""
        return [self.W, self.w2, self.b2]

    def gradients(self) -> list[np.ndarray]:
        """Gradients of the last :meth:`backward` call, in the order of :meth:`parameters`."""
        return [self.gW, self.gw2, self.gb2]

    def state(self) -> dict[str, np.ndarray]:
        return {"W": self.W.copy(), "w2": self.w2.copy(), "b2": self.b2.copy()}

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        for name in ("W", "w2", "b2"):
            value = np.asarray(state[name])
            target = getattr(self, name)
            if value.shape != target.shape:
                raise ArgumentError(f"saved {name} has shape {value.shape}, the network needs {target.shape}")
            target[...] = value

    # --------------------------------------------------------------- passes
    def _workspace(self, n: int):
        if n not in self._buffers:
            if len(self._buffers) > 4:
                self._buffers.clear()
            self._buffers[n] = (np.empty((n, self.width), self.dtype),   # Z, then relu(Z) = H
                                np.empty((n, self.width), self.dtype),   # M, the 0/1 mask
                                np.empty(n, self.dtype),                 # f, then df
                                np.empty((n, self.n_in + 1), self.dtype))  # X * df
        return self._buffers[n]

    def _check(self, xa: np.ndarray) -> None:
        if xa.ndim != 2 or xa.shape[1] != self.n_in + 1 or xa.dtype != self.dtype:
            raise ArgumentError(f"xa must be a {self.dtype} array of shape (n, {self.n_in + 1}) "
                                f"(inputs plus the bias column), got {xa.dtype} {xa.shape}")

    def forward_augmented(self, xa: np.ndarray, *, chunk: int = 512, out: np.ndarray | None = None) -> np.ndarray:
        """Outputs ``f`` for augmented inputs ``xa`` (see :func:`augment`), in row blocks of ``chunk``.

        The blocks reuse the workspace of :meth:`backward` (512 rows: its ``(512, width)``
        intermediates stay in the cache; 8,192-row blocks made the K.3 measurement of the paper's
        time runs twice as slow). ``out`` (an array of the network's dtype, shape ``(n,)``)
        receives the outputs if given. A row's output does not depend on the other rows of its
        block, but BLAS may round a block's remainder rows differently: with OpenBLAS blocks of a
        multiple of 32 rows (512 here, 8,192 before) give the same outputs bit for bit, other
        sizes may change the last bit (``tests/numeric_check/test_mlp.py``).
        """
        self._check(xa)
        n = xa.shape[0]
        chunk = integer("chunk", chunk, minimum=1)
        if out is None:
            out = np.empty(n, self.dtype)
        elif out.shape != (n,) or out.dtype != self.dtype:
            raise ArgumentError(f"out must be a {self.dtype} array of shape ({n},), got {out.dtype} {out.shape}")
        c = min(chunk, max(n, 1))
        H, M = self._workspace(c)[:2]
        for start in range(0, n, c):
            part = xa[start:start + c]
            h, m = H[:part.shape[0]], M[:part.shape[0]]
            self._relu(part, h, m)
            np.matmul(h, self.w2, out=out[start:start + c])
        out += self.b2[0]
        return out

    def _relu(self, x: np.ndarray, h: np.ndarray, m: np.ndarray) -> None:
        """``h = relu(x W)`` and the 0/1 mask ``m = [x W > 0]``, in place.

        ``relu(Z) = Z * [Z > 0]``: one comparison and one product, each a vectorised pass (NumPy's
        ``maximum`` of float32 is about 3 times slower than either, as it propagates NaN). The product
        gives ``-0.0`` where ``maximum`` gives ``0.0``; every sum of these values is the same.
        """
        np.matmul(x, self.W, out=h)                   # Z = X W (bias row included)
        np.greater(h, 0, out=m)                       # M = [Z > 0] as 0/1 floats
        np.multiply(h, m, out=h)                      # H = relu(Z)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Outputs ``f(x)`` for raw inputs ``x`` of shape (n, n_in)."""
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != self.n_in:
            raise ArgumentError(f"x must have shape (n, {self.n_in}), got {x.shape}")
        return self.forward_augmented(augment(x, dtype=self.dtype))

    def loss(self, xa: np.ndarray, y: np.ndarray) -> float:
        """``mean((f - y)^2)`` (no factor 1/2; see the module docstring)."""
        f = self.forward_augmented(xa).astype(np.float64)
        return float(np.mean((f - np.asarray(y, dtype=np.float64)) ** 2))

    def backward(self, xa: np.ndarray, y: np.ndarray, *, chunk: int = 512) -> float:
        """Loss on the batch and its gradients (stored in ``gW, gw2, gb2``): one fused pass.

        The batch is processed in row blocks of ``chunk`` samples so that the (chunk, width)
        intermediates stay in cache; every block's gradient only needs its own outputs.
        """
        self._check(xa)
        n = xa.shape[0]
        y = np.asarray(y)
        if y.shape != (n,):
            raise ArgumentError(f"y must have shape ({n},), got {y.shape}")
        c = min(integer("chunk", chunk, minimum=1), n)
        H, M, f, Xd = self._workspace(c)
        gT = self._gT if getattr(self, "_gT", None) is not None else np.empty_like(self.W)
        self._gT = gT
        self.gW[...] = 0
        self.gw2[...] = 0
        loss = 0.0
        total_df = 0.0
        scale = self.dtype.type(2.0 / n)
        for start in range(0, n, c):
            x = xa[start:start + c]
            rows = x.shape[0]
            h, m, r, xd = H[:rows], M[:rows], f[:rows], Xd[:rows]
            self._relu(x, h, m)                       # H = relu(X W), M = [X W > 0]
            np.matmul(h, self.w2, out=r)
            np.add(r, self.b2[0], out=r)
            np.subtract(r, y[start:start + c], out=r)  # residual f - y
            loss += float(np.dot(r, r))
            np.multiply(r, scale, out=r)              # dL/df
            total_df += float(r.sum())
            self.gw2 += r @ h                         # dL/dw2 = H^T df
            np.multiply(x, r[:, None], out=xd)        # X * df
            np.matmul(xd.T, m, out=gT)                # (X * df)^T M
            self.gW += gT
        self.gW *= self.w2                            # ... times w2 column-wise = dL/dW
        self.gb2[0] = total_df
        return loss / n


class SGD:
    """Plain stochastic gradient descent (no momentum, no weight decay; K.1).

    ``step(net, xa, y, lr=None)`` computes the gradient of one batch, updates the parameters
    in place and returns the batch loss; ``lr`` overrides the base rate (learning-rate schedules).
    """

    def __init__(self, *, lr: float):
        self.lr = positive("lr", lr)

    def step(self, net: MLP, xa: np.ndarray, y: np.ndarray, *, lr: float | None = None) -> float:
        loss = net.backward(xa, y)
        rate = net.dtype.type(self.lr if lr is None else lr)
        for p, g in zip(net.parameters(), net.gradients()):
            p -= rate * g
        return loss


class Adam:
    """Adam with L2 weight decay added to the gradient (PyTorch ``Adam(weight_decay=...)``).

    Paper setting for parameter emergence: ``lr=1e-3``, ``weight_decay=5e-5`` (K.1).
    """

    def __init__(self, *, lr: float, weight_decay: float = 0.0, betas=(0.9, 0.999), eps: float = 1e-8):
        self.lr = positive("lr", lr)
        self.weight_decay = finite("weight_decay", weight_decay)
        if self.weight_decay < 0:
            raise ArgumentError(f"weight_decay must be a finite number >= 0, got {weight_decay!r}")
        b1, b2 = (finite("betas", b) for b in betas)
        if not (0 <= b1 < 1 and 0 <= b2 < 1):
            raise ArgumentError(f"betas must lie in [0, 1), got {betas!r}")
        self.betas = (b1, b2)
        self.eps = positive("eps", eps)
        self.t = 0
        self._m: list[np.ndarray] | None = None
        self._v: list[np.ndarray] | None = None

    def state(self) -> dict[str, np.ndarray]:
        out = {"adam_t": np.array(self.t)}
        for i, (m, v) in enumerate(zip(self._m or [], self._v or [])):
            out[f"adam_m{i}"], out[f"adam_v{i}"] = m.copy(), v.copy()
        return out

    def load_state(self, state, net: MLP) -> None:
        self.t = int(state["adam_t"])
        if self.t:
            self._m = [np.array(state[f"adam_m{i}"], dtype=net.dtype) for i in range(3)]
            self._v = [np.array(state[f"adam_v{i}"], dtype=net.dtype) for i in range(3)]

    def step(self, net: MLP, xa: np.ndarray, y: np.ndarray, *, lr: float | None = None) -> float:
        loss = net.backward(xa, y)
        if self._m is None:
            self._m = [np.zeros_like(p) for p in net.parameters()]
            self._v = [np.zeros_like(p) for p in net.parameters()]
        self.t += 1
        b1, b2 = self.betas
        rate = self.lr if lr is None else lr
        step_size = rate * np.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t)
        eps_hat = self.eps * np.sqrt(1 - b2 ** self.t)
        for p, g, m, v in zip(net.parameters(), net.gradients(), self._m, self._v):
            if self.weight_decay:
                g += net.dtype.type(self.weight_decay) * p
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            p -= net.dtype.type(step_size) * m / (np.sqrt(v) + net.dtype.type(eps_hat))
        return loss
