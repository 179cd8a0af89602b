"""The hand-written MLP: gradients against finite differences, optimisers, bad input."""
import numpy as np
import pytest

from numeric_check.networks.mlp import MLP, SGD, Adam, augment, halving_schedule
from numeric_check.validation import ArgumentError


def _net(dtype=np.float64, width=7, n_in=5, seed=0):
    return MLP(n_in=n_in, width=width, init_std=0.5, rng=np.random.default_rng(seed), dtype=dtype)


def _batch(n=11, n_in=5, seed=1, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = (rng.random((n, n_in)) < 0.5).astype(float)
    return augment(x, dtype=dtype), rng.choice([-2.0, 2.0], n).astype(dtype)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_backward_matches_central_finite_differences_in_float64(seed):
    net = _net(seed=seed)
    xa, y = _batch(seed=seed + 10)
    net.backward(xa, y, chunk=4)  # several chunks, last one partial
    analytic = [g.copy() for g in net.gradients()]
    h = 1e-6
    for p, g in zip(net.parameters(), analytic):
        numeric = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + h
            up = net.loss(xa, y)
            p[idx] = old - h
            down = net.loss(xa, y)
            p[idx] = old
            numeric[idx] = (up - down) / (2 * h)
        # Central differences: truncation O(h^2) ~ 1e-12 and rounding ~ 1e-16/h ~ 1e-10 on O(1)
        # gradients; kinks of the ReLU are measure-zero for these random inputs. 1e-6 cannot be
        # met by a gradient missing a factor or a term.
        assert np.max(np.abs(numeric - g)) <= 1e-6 * max(1.0, np.max(np.abs(g)))


def test_a_wrong_gradient_would_be_caught():
    net = _net()
    xa, y = _batch()
    net.backward(xa, y)
    g = net.gW.copy()
    p = net.W
    old = p[0, 0]
    p[0, 0] = old + 1e-6
    up = net.loss(xa, y)
    p[0, 0] = old - 1e-6
    down = net.loss(xa, y)
    p[0, 0] = old
    assert abs((up - down) / 2e-6 - g[0, 0]) < 1e-6
    assert abs((up - down) / 2e-6 - 0.5 * g[0, 0]) > 1e-6 or abs(g[0, 0]) < 1e-5


def test_chunking_does_not_change_the_gradient():
    net = _net()
    xa, y = _batch(n=50)
    net.backward(xa, y, chunk=50)
    full = [g.copy() for g in net.gradients()]
    net.backward(xa, y, chunk=7)
    for a, b in zip(full, net.gradients()):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_float32_agrees_with_float64():
    n64, n32 = _net(np.float64), _net(np.float32)
    xa, y = _batch()
    l64, l32 = n64.backward(xa, y), n32.backward(xa.astype(np.float32), y.astype(np.float32))
    assert l32 == pytest.approx(l64, rel=1e-5)  # float32 rounding, 2^-24 per operation, O(10) operations
    for a, b in zip(n64.gradients(), n32.gradients()):
        np.testing.assert_allclose(b, a, rtol=1e-3, atol=1e-5)


def test_sgd_step_is_minus_lr_times_gradient():
    net = _net()
    xa, y = _batch()
    before = [p.copy() for p in net.parameters()]
    net.backward(xa, y)
    grads = [g.copy() for g in net.gradients()]
    SGD(lr=0.1).step(net, xa, y)
    for b, g, p in zip(before, grads, net.parameters()):
        np.testing.assert_allclose(p, b - 0.1 * g, rtol=1e-12)


def test_adam_first_step_moves_each_weight_by_lr():
    # With bias correction the first Adam step is lr * g / (|g| + eps) ~ lr * sign(g).
    net = _net()
    xa, y = _batch()
    before = [p.copy() for p in net.parameters()]
    net.backward(xa, y)
    grads = [g.copy() for g in net.gradients()]
    Adam(lr=0.01).step(net, xa, y)
    for b, g, p in zip(before, grads, net.parameters()):
        mask = np.abs(g) > 1e-4
        np.testing.assert_allclose((p - b)[mask], -0.01 * np.sign(g[mask]), rtol=1e-3)


def test_against_pytorch_sgd_and_adam():
    torch = pytest.importorskip("torch", reason="PyTorch (optional extra .[nn]) is not installed")
    for opt_name in ("sgd", "adam"):
        net = _net()
        xa, y = _batch(n=20)
        W1 = torch.tensor(net.W[:-1].T.copy(), requires_grad=True)
        b1 = torch.tensor(net.W[-1].copy(), requires_grad=True)
        w2 = torch.tensor(net.w2[None, :].copy(), requires_grad=True)
        b2 = torch.tensor(net.b2.copy(), requires_grad=True)
        params = [W1, b1, w2, b2]
        topt = (torch.optim.SGD(params, lr=0.05) if opt_name == "sgd"
                else torch.optim.Adam(params, lr=0.01, weight_decay=1e-3))
        ours = SGD(lr=0.05) if opt_name == "sgd" else Adam(lr=0.01, weight_decay=1e-3)
        xt, yt = torch.tensor(xa[:, :-1]), torch.tensor(y)
        for _ in range(5):
            topt.zero_grad()
            out = torch.relu(xt @ W1.T + b1) @ w2.T + b2
            loss = torch.nn.functional.mse_loss(out[:, 0], yt)
            loss.backward()
            topt.step()
            ours.step(net, xa, y)
        np.testing.assert_allclose(net.W[:-1], W1.detach().numpy().T, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(net.w2, w2.detach().numpy()[0], rtol=1e-9, atol=1e-12)


def test_halving_schedule():
    assert halving_schedule(0, lr=0.05, every=50000) == 0.05
    assert halving_schedule(100000, lr=0.05, every=50000) == 0.0125
    assert halving_schedule(10**6, lr=0.05, every=None) == 0.05


@pytest.mark.parametrize("kwargs, match", [
    (dict(width=0), "width"), (dict(n_in=0), "n_in"), (dict(init_std=0.0), "init_std"),
    (dict(init_std=float("nan")), "init_std"), (dict(dtype=np.int32), "dtype"), (dict(rng=1), "rng"),
])
def test_bad_network_arguments(kwargs, match):
    args = dict(n_in=3, width=2, init_std=0.1, rng=np.random.default_rng(0))
    args.update(kwargs)
    with pytest.raises(ArgumentError, match=match):
        MLP(**args)


def test_bad_optimiser_and_batch_arguments():
    for bad in (0, -1.0, float("inf")):
        with pytest.raises(ArgumentError, match="lr"):
            SGD(lr=bad)
        with pytest.raises(ArgumentError, match="lr"):
            Adam(lr=bad)
    with pytest.raises(ArgumentError, match="weight_decay"):
        Adam(lr=0.1, weight_decay=-1)
    with pytest.raises(ArgumentError, match="betas"):
        Adam(lr=0.1, betas=(1.0, 0.9))
    net = _net()
    xa, y = _batch()
    with pytest.raises(ArgumentError, match="xa"):
        net.backward(xa[:, :-1], y)
    with pytest.raises(ArgumentError, match="xa"):
        net.backward(xa.astype(np.float32), y)
    with pytest.raises(ArgumentError, match="y"):
        net.backward(xa, y[:-1])
    with pytest.raises(ArgumentError, match="chunk"):
        net.backward(xa, y, chunk=0)


def test_relu_is_z_times_mask_and_forward_blocks_agree():
    # forward_augmented against a direct NumPy evaluation with maximum(), in several block sizes.
    # float64, O(10) operations per output: 1e-12 relative is far above rounding and far below
    # any missing term (a dropped bias or a mask that keeps negative pre-activations).
    net = _net(width=40)
    xa, _ = _batch(n=300)
    direct = np.maximum(xa @ net.W, 0) @ net.w2 + net.b2[0]
    for chunk in (1, 7, 64, 512, 8192):
        np.testing.assert_allclose(net.forward_augmented(xa, chunk=chunk), direct, rtol=1e-12, atol=1e-12)
    leaky = np.where(xa @ net.W > 0, xa @ net.W, 0.1 * (xa @ net.W)) @ net.w2 + net.b2[0]
    assert np.max(np.abs(leaky - direct)) > 1e-6       # the comparison would see a wrong activation
    out = np.empty(300)
    assert net.forward_augmented(xa, out=out) is out
    with pytest.raises(ArgumentError, match="out"):
        net.forward_augmented(xa, out=np.empty(299))
    with pytest.raises(ArgumentError, match="chunk"):
        net.forward_augmented(xa, chunk=0)


def test_float32_blocks_of_512_and_8192_rows_give_the_same_bits():
    # The K.3 measurement moved from 8,192-row to 512-row blocks; with OpenBLAS, blocks of a
    # multiple of 32 rows round alike, so the paper runs measure the same R_k to the bit. Another
    # BLAS may round remainder rows differently: then the outputs agree to float32 rounding.
    net = MLP(n_in=37, width=1000, init_std=0.01, rng=np.random.default_rng(3), dtype=np.float32)
    x = (np.random.default_rng(4).random((20000, 37)) < 0.5)
    xa = augment(x, dtype=np.float32)
    a, b = net.forward_augmented(xa, chunk=512), net.forward_augmented(xa, chunk=8192)
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)   # float32: 2^-24 per operation, ~40 terms
    if "openblas" in str(np.__config__.CONFIG.get("Build Dependencies", {}).get("blas", {})).lower():
        assert np.array_equal(a.view(np.uint32), b.view(np.uint32))
