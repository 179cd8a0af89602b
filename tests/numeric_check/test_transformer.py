"""The K.2 transformer (optional torch extra): shapes, a tiny run that learns, determinism, resume,
bad input; the tau_emerge analysis; and a clear error when torch is absent."""
import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from numeric_check.networks.transformer import (TRANSFORMER_PRESETS, TransformerSpec, analyse_transformer,
                                       check_transformer_spec, emergence_steps, fit_power)
from numeric_check.validation import ArgumentError

# One skill, 3 skill bits (a 3-bit parity of 8 patterns), embedding 16: small enough for a second.
TINY = TransformerSpec(n_s=1, n_b=3, m=3, d_model=16, heads=4, batch=64, steps=150, lr=3e-3, optimizer="adam",
                       weight_decay=0.0, eval_every=50, eval_samples=256, seeds=(0,))


def _torch():
    return pytest.importorskip("torch", reason="the transformer needs the optional extra nn (torch)")


@pytest.fixture(autouse=True)
def _one_thread():
    """One torch thread: on a shared 2-core machine two threads are several times slower for these
    tiny networks (and the bit-for-bit comparisons assume a fixed thread count)."""
    try:
        import torch
    except ImportError:
        yield
        return
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_forward_and_backward_shapes():
    torch = _torch()
    from numeric_check.networks.transformer import build_model, tokens

    torch.manual_seed(0)
    net = build_model(n_tokens=7, d_model=8, heads=4)
    bits = (torch.rand(5, 7) > 0.5).float()
    x = tokens(bits)
    assert x.shape == (5, 7, 2 + 7)
    # token features: one-hot bit value, then one-hot position
    assert torch.equal(x[:, :, 1], bits) and torch.equal(x[:, :, 0], 1 - bits)
    assert torch.equal(x[0, :, 2:], torch.eye(7))
    out = net(x)
    assert out.shape == (5,)
    out.sum().backward()
    assert all(p.grad is not None and p.grad.shape == p.shape for p in net.parameters())
    # causal attention: changing the last bit changes no token before it, so only the output moves
    with torch.no_grad():
        h1 = net.attn(net.ln1(torch.relu(net.embed(x))))
        bits2 = bits.clone()
        bits2[:, -1] = 1 - bits2[:, -1]
        h2 = net.attn(net.ln1(torch.relu(net.embed(tokens(bits2)))))
    assert torch.allclose(h1[:, :-1], h2[:, :-1], atol=1e-6)
    assert not torch.allclose(h1[:, -1], h2[:, -1])


def test_a_tiny_run_learns_and_is_deterministic(tmp_path):
    _torch()
    from numeric_check.networks.transformer import train_transformer_run

    a = train_transformer_run(TINY, 0, tmp_path / "a")
    assert a.done and a.steps[-1] == 150 and a.R.shape == (4, 1)
    # 150 Adam steps on a 3-bit parity of 8 patterns: the per-skill loss L_1 = 1/2 E(S g - f)^2 starts
    # near 1/2 (f ~ 0) and falls well below it (seeds 0-4 reach < 0.02); 0.25 allows for other BLAS builds.
    assert a.L[0, 0] > 0.4 and a.L[-1, 0] < 0.25 and a.R[-1, 0] > 0.5
    b = train_transformer_run(TINY, 0, tmp_path / "b")
    np.testing.assert_array_equal(a.R, b.R)
    assert (tmp_path / "a" / "runs" / "seed0.jsonl").read_text() == (tmp_path / "b" / "runs" / "seed0.jsonl").read_text()


def test_resume_after_a_kill_is_bit_for_bit(tmp_path, kill_log):
    torch = _torch()
    from numeric_check.networks.transformer import train_transformer_run

    spec = replace(TINY, steps=100, optimizer="sgd", lr=0.01, weight_decay=1e-5)   # momentum buffers resumed
    whole = train_transformer_run(spec, 1, tmp_path / "a")

    with pytest.raises(kill_log.Killed):
        train_transformer_run(spec, 1, tmp_path / "b", log=kill_log(50))
    log = tmp_path / "b" / "runs" / "seed1.jsonl"
    with open(log, "a") as fh:
        fh.write('{"step": 75, "R": [0.')   # a line cut by the kill
    resumed = train_transformer_run(spec, 1, tmp_path / "b")
    assert resumed.done and torch.get_num_threads() == 1
    np.testing.assert_array_equal(resumed.steps, whole.steps)
    np.testing.assert_array_equal(resumed.R, whole.R)
    before = log.read_text()
    train_transformer_run(spec, 1, tmp_path / "b")        # finished: reads back, trains nothing
    assert log.read_text() == before


def test_run_transformer_refuses_another_configuration(tmp_path):
    _torch()
    from numeric_check.networks.transformer import load_transformer_results, run_transformer

    spec = replace(TINY, steps=20, eval_every=10)
    loaded, results = run_transformer(spec, tmp_path)
    assert loaded == spec and [r.seed for r in results] == [0]
    saved = (tmp_path / "config.json").read_text()
    with pytest.raises(ArgumentError, match="different configuration.*steps"):
        run_transformer(replace(spec, steps=30), tmp_path)
    assert (tmp_path / "config.json").read_text() == saved
    assert load_transformer_results(tmp_path)[1][0].steps.tolist() == [0, 10, 20]


@pytest.mark.parametrize("change, match", [
    ({"d_model": 6}, "d_model"), ({"heads": 0}, "heads"), ({"batch": 0}, "batch"), ({"steps": 0}, "steps"),
    ({"lr": 0.0}, "lr"), ({"momentum": 1.0}, "momentum"), ({"optimizer": "lbfgs"}, "optimizer"),
    ({"threshold": 1.5}, "threshold"), ({"seeds": ()}, "seeds"), ({"n_b": 10}, "n_b"),
    ({"weight_decay": -1.0}, "weight_decay"),
])
def test_bad_specs(change, match):
    with pytest.raises(ArgumentError, match=match):
        check_transformer_spec(replace(TRANSFORMER_PRESETS["quick"], **change))


def test_tau_emerge_and_power_fit():
    steps = np.arange(0, 1001, 100)
    R = np.clip((steps[:, None] - np.array([100, 400])) / 1000, 0, 1)
    np.testing.assert_allclose(emergence_steps(steps, R, threshold=0.05), [150, 450])
    k = np.arange(1, 6.0)
    rng = np.random.default_rng(0)
    tau = 200 * k ** 1.9 * np.exp(rng.normal(0, 0.05, (20, 5)))
    fit = fit_power(np.tile(k, 20), tau.ravel())
    # 100 points with 5% log-noise: the standard error is ~0.01; the estimate lies within 4 se.
    assert abs(fit["exponent"] - 1.9) < 4 * fit["se"] and 0.005 < fit["se"] < 0.03
    with pytest.raises(ArgumentError, match="two skills"):
        fit_power(k, [100, np.nan, np.nan, np.nan, np.nan])


def test_analyse_reports_exponent_and_order():
    from numeric_check.networks.runner import RunResult

    spec = replace(TRANSFORMER_PRESETS["quick"], steps=1000)
    steps = np.arange(0, 100001, 100)
    results = []
    for seed, scale in enumerate((1.0, 1.1, 0.9)):
        onset = scale * 300 * np.arange(1, 6) ** 1.9
        R = np.clip((steps[:, None] - onset) / 2000, 0, 1)
        results.append(RunResult(f"seed{seed}", 5, seed, 64, None, steps, R, R, steps * 0.0, True))
    out = analyse_transformer(spec, results)
    assert out["in_frequency_order"] and out["skills_emerged_all_seeds"] == [1, 2, 3, 4, 5]
    # onset + 100 steps (R/S = 0.05 on a 2000-step ramp) bends the power law slightly below 1.9
    assert 1.7 < out["fit"]["exponent"] < 1.9 and out["alpha_plus_1"] == pytest.approx(1.9)
    json.dumps(out)


def test_without_torch_a_one_line_error(tmp_path):
    code = ("import sys; sys.modules['torch'] = None\n"
            "from numeric_check.networks.transformer import run_transformer, TRANSFORMER_PRESETS\n"
            "from numeric_check.validation import ArgumentError\n"
            "try:\n"
            f"    run_transformer(TRANSFORMER_PRESETS['quick'], {str(tmp_path / 'x')!r})\n"
            "except ArgumentError as e:\n"
            "    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "PyTorch" in out and len(out.strip().splitlines()) == 1
    cli = ("import sys; sys.modules['torch'] = None\n"
           "from derivations.cli import main\n"
           f"sys.exit(main(['nn', 'transformer', '--steps', '5', '-o', {str(tmp_path / 'y')!r}]))\n")
    proc = subprocess.run([sys.executable, "-c", cli], capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.startswith("emergence: error:") and "PyTorch" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "y" / "runs").exists()
