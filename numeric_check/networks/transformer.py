"""Time emergence in a one-block decoder-only transformer (App. K.2, Figs. 4, 12).

The optional PyTorch extra (``pip install .[nn]``): this module imports without torch; torch is
imported inside the functions that need it, and they raise :class:`ArgumentError` with one line
when it is missing.

The network (K.2; the token layout, which the paper does not give, is the authors' public code's):

* one token per input bit (``n_s`` one-hot control bits, then ``n_b`` skill bits, ``L = n_s + n_b``
  tokens); token features = one-hot bit value (2) ⊕ one-hot position (``L``);
* an embedding layer ``Linear(2 + L, d_model)`` followed by ReLU;
* one pre-LayerNorm block: ``x + Attn(LN(x))`` with ``heads`` causal heads (query/key/value and
  output projections with biases), then ``x + MLP(LN(x))`` with a ReLU MLP of width
  ``4 d_model``; a final LayerNorm;
* the output is a linear map of the flattened final sequence (``L d_model -> 1``).

PyTorch's default initialisation. Training minimises the mean squared error **without** the ½
(``torch.nn.MSELoss``, as the authors' code; Eq. 5 has the ½, so ``lr`` corresponds to ``eta = 2 lr``),
with ``torch.optim.SGD(lr, momentum, weight_decay)`` on fresh samples every step (``D -> inf``).
Skill strength is measured as K.3: ``R_k`` = mean of ``f g_k`` over ``eval_samples`` fresh samples
of skill ``k`` drawn once per run, every ``eval_every`` steps; ``L_k = ½ mean (S g_k - f)^2``.

``tau_emerge(k)`` is the first step at which ``R_k/S`` reaches ``threshold`` (0.05 in the paper),
located between checkpoints by linear interpolation; :func:`analyse_transformer` fits
``log tau = c + p log k`` by least squares and compares ``p`` with ``alpha + 1`` (Fig. 4: the paper
finds ``tau_emerge(k) ∝ k^(alpha+1)``, i.e. ``∝ 1/P_s(k)``).

Files (one folder per experiment) are those of :mod:`numeric_check.networks.runner`: ``config.json``,
``runs/seed<s>.jsonl`` (one JSON line per checkpoint, written as measured) and
``runs/seed<s>.npz`` (parameters, momentum buffers and data-generator state to resume from). The
same command resumes a killed run, bit for bit (same thread count); nothing is overwritten
without ``force``.

Examples
--------
>>> spec = TRANSFORMER_PRESETS["paper"]
>>> spec.d_model, spec.heads, spec.batch, spec.lr, spec.alpha, spec.S
(512, 4, 5000, 5e-05, 0.9, 1.0)
>>> token_count(spec)
37
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from numeric_check.closed_forms.calibration import crossing
from numeric_check.networks.folder import FolderLock, read_config
from numeric_check.networks.runner import (MAX_RUN_BYTES, RunResult, Training, check_seeds, checkpoint_steps,
                                           fill_inputs, load_run_results, restore_rng, result_from_lines, rng_state,
                                           run_locked, train_resumable)
from numeric_check.simulation.data import SparseParity
from numeric_check.validation import ArgumentError, integer, open_interval, positive

__all__ = ["TransformerSpec", "TRANSFORMER_PRESETS", "token_count", "require_torch", "build_model",
           "tokens", "train_transformer_run", "run_transformer", "load_transformer_results",
           "emergence_steps", "fit_power", "analyse_transformer", "transformer_bytes"]

@dataclass(frozen=True)
class TransformerSpec:
    """Every parameter of one transformer time-emergence experiment (one run per seed)."""

    experiment: str = "transformer"
    n_s: int = 5
    n_b: int = 32
    m: int = 3
    alpha: float = 0.9
    S: float = 1.0
    d_model: int = 512
    heads: int = 4
    batch: int = 5000
    steps: int = 300000
    lr: float = 5e-5
    momentum: float = 0.9
    optimizer: str = "sgd"
    weight_decay: float = 1e-5
    eval_every: int = 100
    eval_samples: int = 20000
    threshold: float = 0.05
    seeds: tuple[int, ...] = tuple(range(5))

    def as_json(self) -> dict:
        out = asdict(self)
        out["seeds"] = list(self.seeds)
        return out


TRANSFORMER_PRESETS: dict[str, TransformerSpec] = {
    # K.2: embedding 512, 4 heads, batch 5000, S = 1, SGD lr 5e-5, momentum 0.9,
    # weight decay 1e-5, R_k every 100 steps on 20,000 samples per skill, 5 runs. n_b and the
    # number of steps are not stated: n_b = 32 as the MLP (and the authors' code default);
    # 3e5 steps (Fig. 4 runs to 1e6 on a log axis; tens of seconds per step on this CPU).
    "paper": TransformerSpec(),
    # Reduced scale for 2 CPU cores in <= 10 minutes (docs/networks.md): 16 skill bits (the least
    # that holds 5 disjoint 3-bit sets is 15), embedding 24 (> 2 + L = 23 token features), batch
    # 128, Adam lr 2e-3 with the paper's weight decay. SGD with momentum 0.9 at its stability limit
    # (lr L d ~ 1, as the paper's 5e-5 * 37 * 512) learned skill 1 in ~220 steps but no other skill
    # within 1500-4000 steps, too slow for the budget.
    "quick": TransformerSpec(n_b=16, d_model=24, batch=128, steps=16000, lr=2e-3, optimizer="adam",
                             eval_every=100, eval_samples=1000, seeds=(0, 1)),
}


def check_transformer_spec(spec: TransformerSpec) -> TransformerSpec:
    """Validate every field; raise ArgumentError with one line on the first bad one."""
    if spec.experiment != "transformer":
        raise ArgumentError(f"experiment must be 'transformer'; got {spec.experiment!r}")
    for name in ("d_model", "heads", "batch", "steps", "eval_every", "eval_samples", "n_b", "m", "n_s"):
        integer(name, getattr(spec, name), minimum=1)
    if spec.d_model % spec.heads:
        raise ArgumentError(f"d_model must be a multiple of heads ({spec.heads}); got {spec.d_model}")
    positive("lr", spec.lr)
    positive("alpha", spec.alpha)
    positive("S", spec.S)
    if spec.optimizer not in ("sgd", "adam"):
        raise ArgumentError(f"optimizer must be sgd or adam; got {spec.optimizer!r}")
    if not (0.0 <= spec.momentum < 1.0):
        raise ArgumentError(f"momentum must be in [0, 1); got {spec.momentum}")
    if not (np.isfinite(spec.weight_decay) and spec.weight_decay >= 0):
        raise ArgumentError(f"weight_decay must be a finite number >= 0; got {spec.weight_decay}")
    open_interval("threshold", spec.threshold, 0.0, 1.0)
    check_seeds(spec.seeds)
    checkpoint_steps(steps=spec.steps, eval_every=spec.eval_every)
    SparseParity(n_s=spec.n_s, n_b=spec.n_b, m=spec.m, alpha=spec.alpha, S=spec.S)
    need = transformer_bytes(spec)
    if need > MAX_RUN_BYTES:
        raise ArgumentError(f"a transformer run of embedding {spec.d_model}, batch {spec.batch} and "
                            f"{spec.eval_samples} measurement samples per skill needs about {need / 2**30:.3g} GiB, "
                            f"more than the {MAX_RUN_BYTES >> 30} GiB bound; use a smaller width or batch")
    return spec


def transformer_bytes(spec: TransformerSpec) -> int:
    """An upper estimate of the memory of one transformer run (bytes, float32).

    Parameters with gradients and optimiser state (4 copies of ~``12 d^2 + L d (2 + L)``), the
    activations of one batch (~``40 L d`` per sample, kept for the backward pass) and of a
    measurement chunk of 4,096 samples, and the token features of the measurement set.
    """
    L, d = token_count(spec), spec.d_model
    params = 12 * d * d + L * d * 4 + (2 + L) * d
    tokens_eval = spec.n_s * spec.eval_samples * L * (2 + L + 1)
    return int(4 * (4 * params + 40 * L * d * (spec.batch + 4096) + spec.batch * L * (2 + L) + tokens_eval))


def token_count(spec: TransformerSpec) -> int:
    """Sequence length ``L = n_s + n_b`` (one token per input bit)."""
    return spec.n_s + spec.n_b


def require_torch():
    """Import and return torch, or raise ArgumentError (one line) if the ``nn`` extra is missing."""
    try:
        import torch
    except ImportError:
        raise ArgumentError("the transformer needs PyTorch: pip install 'torch==2.13.0' "
                            "(the optional extra nn)") from None
    return torch


def build_model(*, n_tokens: int, d_model: int, heads: int):
    """The K.2 transformer as a ``torch.nn.Module`` mapping tokens (B, L, 2 + L) to (B,).

    Initialisation is PyTorch's default; seed it with ``torch.manual_seed`` before calling.

    Examples
    --------
    >>> torch = require_torch()
    >>> _ = torch.manual_seed(0)
    >>> net = build_model(n_tokens=6, d_model=8, heads=4)
    >>> x = tokens(torch.tensor([[1., 0, 0, 1, 1, 0]]))
    >>> tuple(x.shape), tuple(net(x).shape)
    ((1, 6, 8), (1,))
    """
    torch = require_torch()
    integer("n_tokens", n_tokens, minimum=1)
    integer("d_model", d_model, minimum=1)
    integer("heads", heads, minimum=1)
    if d_model % heads:
        raise ArgumentError(f"d_model must be a multiple of heads ({heads}); got {d_model}")
    nn = torch.nn
    F = torch.nn.functional

    class _Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv = nn.Linear(d_model, 3 * d_model)
            self.out = nn.Linear(d_model, d_model)

        def forward(self, x):
            B, L, C = x.shape
            q, k, v = self.qkv(x).view(B, L, 3, heads, C // heads).permute(2, 0, 3, 1, 4)
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            return self.out(y.transpose(1, 2).reshape(B, L, C))

    class _Transformer(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Linear(2 + n_tokens, d_model)
            self.ln1 = nn.LayerNorm(d_model)
            self.attn = _Attention()
            self.ln2 = nn.LayerNorm(d_model)
            self.mlp = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.ReLU(), nn.Linear(4 * d_model, d_model))
            self.ln_f = nn.LayerNorm(d_model)
            self.head = nn.Linear(n_tokens * d_model, 1)

        def forward(self, x):
            h = F.relu(self.embed(x))
            h = h + self.attn(self.ln1(h))
            h = h + self.mlp(self.ln2(h))
            return self.head(self.ln_f(h).flatten(1)).squeeze(-1)

    return _Transformer()


def tokens(bits):
    """Token features (B, L, 2 + L) of 0/1 inputs (B, L): one-hot bit value ⊕ one-hot position.

    Examples
    --------
    >>> torch = require_torch()
    >>> tokens(torch.tensor([[1., 0.]]))[0].tolist()
    [[0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 0.0, 1.0]]
    """
    torch = require_torch()
    B, L = bits.shape
    value = torch.stack((1 - bits, bits), dim=2)
    position = torch.eye(L, dtype=bits.dtype).expand(B, L, L)
    return torch.cat((value, position), dim=2)


# ------------------------------------------------------------------------- one run
def _as_result(spec: TransformerSpec, seed: int, lines: list[dict]) -> RunResult:
    return result_from_lines(f"seed{seed}", spec.n_s, seed, spec.d_model, None, lines)


def train_transformer_run(spec: TransformerSpec, seed: int, folder, *, log=None, progress=None) -> RunResult:
    """Train (or resume, or read back) the run of ``seed``, writing its measurements into ``folder``."""
    check_transformer_spec(spec)
    seed = integer("seed", seed, minimum=0)
    require_torch()
    lines = train_resumable(folder, f"seed{seed}", n_s=spec.n_s, steps=spec.steps, eval_every=spec.eval_every,
                            setup=lambda: _setup(spec, seed), log=log, progress=progress)
    return _as_result(spec, seed, lines)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _setup(spec: TransformerSpec, seed: int) -> Training:
    """The transformer of ``seed``, its optimiser and measurement set, as :func:`train_resumable` takes them."""
    torch = require_torch()
    task = SparseParity(n_s=spec.n_s, n_b=spec.n_b, m=spec.m, alpha=spec.alpha, S=spec.S)
    L = token_count(spec)
    torch.manual_seed(seed)
    net = build_model(n_tokens=L, d_model=spec.d_model, heads=spec.heads)
    if spec.optimizer == "sgd":
        opt = torch.optim.SGD(net.parameters(), lr=spec.lr, momentum=spec.momentum, weight_decay=spec.weight_decay)
    else:
        opt = torch.optim.Adam(net.parameters(), lr=spec.lr, weight_decay=spec.weight_decay)
    rng = np.random.default_rng([seed, 1])          # training batches
    eval_rng = np.random.default_rng([seed, 2])     # the fixed K.3 measurement set

    parts = [task.sample(spec.eval_samples, eval_rng, skill=k) for k in range(spec.n_s)]
    x_eval = np.empty((spec.n_s * spec.eval_samples, L + 1), np.float32)
    fill_inputs(task, np.concatenate([p.skill for p in parts]), np.concatenate([p.bits for p in parts]), x_eval)
    tok_eval = tokens(torch.from_numpy(x_eval[:, :L]))
    g_eval = np.concatenate([task.signs(p) for p in parts]).astype(np.float64).reshape(spec.n_s, -1)
    x = np.empty((spec.batch, L + 1), np.float32)
    y = np.empty(spec.batch, np.float32)
    params = list(net.parameters())
    loss_fn = torch.nn.MSELoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def load(state: dict) -> None:
        net.load_state_dict({k[2:]: torch.from_numpy(state[k]) for k in state if k.startswith("p:")})
        for key in state:
            if key.startswith("o:"):
                _, i, slot = key.split(":")
                opt.state[params[int(i)]][slot] = torch.from_numpy(state[key]).clone()
        restore_rng(rng, state["rng"])

    def measure(step: int):
        with torch.no_grad():
            f = torch.cat([net(chunk) for chunk in tok_eval.split(4096)]).double().numpy().reshape(spec.n_s, -1)
        R = (f * g_eval).mean(axis=1) / spec.S
        Lk = 0.5 * ((spec.S * g_eval - f) ** 2).mean(axis=1)
        arrays = {"step": np.array(step), "rng": rng_state(rng),
                  **{f"p:{k}": v.detach().numpy() for k, v in net.state_dict().items()}}
        for i, p in enumerate(params):
            for slot, value in opt.state.get(p, {}).items():
                if value is not None:
                    arrays[f"o:{i}:{slot}"] = value.numpy()
        return R, Lk, arrays

    def train(step: int) -> float:
        b = task.sample(spec.batch, rng)
        fill_inputs(task, b.skill, b.bits, x)
        np.multiply(task.signs(b), spec.S, out=y, casting="unsafe")
        opt.zero_grad(set_to_none=False)
        loss = loss_fn(net(tokens(xt[:, :L])), yt)
        loss.backward()
        opt.step()
        return loss.item()

    return Training(load=load, train=train, measure=measure,
                    load_errors=(KeyError, ValueError, TypeError, IndexError, RuntimeError), reason=_first_line)


# ------------------------------------------------------------------------- experiment
def _worker(args, progress=None):
    (spec, seed), folder = args
    require_torch().set_num_threads(1)
    train_transformer_run(spec, seed, folder, progress=progress)
    return f"seed{seed}"


def run_transformer(spec: TransformerSpec, folder, *, force: bool = False, jobs: int = 1, log=None,
                    lock: FolderLock | None = None, scheduler: str | None = None, progress: bool = False):
    """Run (or resume) every seed of ``spec`` into ``folder``: in this process (``jobs=1``), on a
    local Dask cluster of ``jobs`` single-thread workers, or on the cluster of ``scheduler``.

    Returns ``(spec, results)`` as :func:`load_transformer_results`. The folder's lock is taken
    and held throughout unless the caller passes the one it holds as ``lock``, as
    :func:`numeric_check.networks.experiments.run_experiment` (both through
    :func:`numeric_check.networks.runner.run_locked`).
    """
    check_transformer_spec(spec)
    jobs = integer("jobs", jobs, minimum=1)
    require_torch()
    return run_locked(spec, folder, force=force, jobs=jobs, log=log, lock=lock,
                      runs=[(spec, seed) for seed in spec.seeds],
                      train=lambda run, folder, log, progress: train_transformer_run(*run, folder, log=log,
                                                                                     progress=progress),
                      worker=_worker, name=lambda run: f"seed{run[1]}", load=load_transformer_results,
                      scheduler=scheduler, progress=progress, skills=lambda run: run[0].n_s)


def load_transformer_results(folder) -> tuple[TransformerSpec, list[RunResult]]:
    """The spec and the measured runs (complete or not) saved in ``folder``."""
    folder = Path(folder)
    spec = read_config(folder, lambda config: check_transformer_spec(
        TransformerSpec(**{**config, "seeds": tuple(config["seeds"])})), "emergence nn transformer")
    schedule = checkpoint_steps(steps=spec.steps, eval_every=spec.eval_every)
    return spec, load_run_results(folder, spec.seeds, schedule=schedule, name=lambda seed: f"seed{seed}",
                                  n_s=lambda seed: spec.n_s,
                                  result=lambda seed, lines: _as_result(spec, seed, lines))


# ------------------------------------------------------------------------- analysis
def emergence_steps(steps, R, *, threshold: float) -> np.ndarray:
    """``tau_emerge`` per skill: first step with ``R_k/S >= threshold`` (``nan`` if never).

    ``R`` is (checkpoints, n_s) of ``R/S``; the step is interpolated linearly between the last
    checkpoint below and the first at or above the threshold.

    Examples
    --------
    >>> emergence_steps([0, 100, 200], np.array([[0.0, 0.0], [0.1, 0.0], [0.2, 0.03]]), threshold=0.05)
    array([50., nan])
    """
    R = np.asarray(R, dtype=np.float64)
    return np.array([crossing(steps, R[:, k], threshold) for k in range(R.shape[1])])


def fit_power(k, tau) -> dict:
    """Least-squares fit of ``log tau = c + p log k``: exponent ``p``, its standard error (None
    with two points: no degree of freedom is left), ``c``.

    Examples
    --------
    >>> k = np.arange(1, 6.0)
    >>> fit = fit_power(k, 3 * k ** 1.9)
    >>> round(fit["exponent"], 6), round(fit["prefactor"], 6)
    (1.9, 3.0)
    """
    k = np.asarray(k, dtype=np.float64)
    tau = np.asarray(tau, dtype=np.float64)
    ok = np.isfinite(tau) & (tau > 0)
    if np.unique(k[ok]).size < 2:
        raise ArgumentError("fitting tau_emerge(k) needs emergence steps of at least two skills")
    X = np.column_stack([np.ones(ok.sum()), np.log(k[ok])])
    coef, *_ = np.linalg.lstsq(X, np.log(tau[ok]), rcond=None)
    resid = np.log(tau[ok]) - X @ coef
    dof = ok.sum() - 2
    se = float(np.sqrt(resid @ resid / dof * np.linalg.inv(X.T @ X)[1, 1])) if dof > 0 else None
    return {"exponent": float(coef[1]), "se": se, "prefactor": float(np.exp(coef[0])), "n_points": int(ok.sum())}


def analyse_transformer(spec: TransformerSpec, results) -> dict:
    """``tau_emerge(k)`` per seed, the power-law fit over all seeds and per seed, the emergence order.

    Returns a dict ready for strict JSON (None where a value does not exist): ``tau`` (seeds × n_s), ``tau_mean``/``tau_sd`` over seeds,
    ``fit`` (pooled least squares on every finite (k, tau) pair; ``se`` = the regression's
    standard error), ``exponent_per_seed`` with mean and sd, ``alpha_plus_1``, and whether every
    seed's skills pass the threshold in frequency order.
    """
    done = [r for r in results if r.done]
    out: dict = {"experiment": "transformer", "threshold": spec.threshold, "alpha_plus_1": spec.alpha + 1,
                 "seeds": [r.seed for r in done]}
    if not done:
        return {**out, "missing": "no finished transformer run"}
    tau = np.array([emergence_steps(r.steps, r.R, threshold=spec.threshold) for r in done])
    k = np.arange(1, spec.n_s + 1, dtype=np.float64)
    out["tau"] = [[None if not np.isfinite(v) else round(float(v), 2) for v in row] for row in tau]
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(tau).all(axis=0)
        out["tau_mean"] = [float(np.mean(tau[:, j])) if finite[j] else None for j in range(spec.n_s)]
        out["tau_sd"] = [float(np.std(tau[:, j])) if finite[j] else None for j in range(spec.n_s)]
    out["skills_emerged_all_seeds"] = [int(j) + 1 for j in np.flatnonzero(finite)]
    out["in_frequency_order"] = bool(all(np.all(np.isfinite(row)) and np.all(np.diff(row) > 0) for row in tau))
    try:
        out["fit"] = fit_power(np.tile(k, len(done)), tau.ravel())
    except ArgumentError as exc:
        out["fit"] = {"missing": str(exc)}
    per_seed = []
    for row in tau:
        try:
            per_seed.append(fit_power(k, row)["exponent"])
        except ArgumentError:
            pass
    out["exponent_per_seed"] = per_seed
    if per_seed:
        out["exponent_seed_mean"] = float(np.mean(per_seed))
        out["exponent_seed_sd"] = float(np.std(per_seed, ddof=1)) if len(per_seed) > 1 else None
    return out
