"""Studies for notebook 10: batch norm and the optimizer. Each trains or builds models on the
digits, one run per seed (a run takes `rng`; `runs.over_seeds` makes the generators), and
returns its results for `views` and `plots`; the weight-decay study is read by name
(`study.norms(lr=0.4, weight_decay=0.05)`).

- `rescaled_run`: weights before BN times c with their learning rate times c^2 is the same run;
- `weight_decay_run`: one digits net trained with decay on its BN-preceded weights, recording
  ||W|| and the angle W turns per step; `weight_decay_study`: that run over lr x decay x seed;
- `momentum_toy_study`: the same equilibrium on a toy with a steady gradient, with and without
  SGD momentum, long enough to see how soon each settles;
- `gamma_decay_study`: weight decay on gamma and beta (which do change the function) or not;
- `depth_study`: the first layer's gradient norm at initialization against depth;
- `batch_noise_study`: the train-test gap against batch and ghost-batch size, vs no BN;
- `diagnostics_study`: activation and gradient statistics at init, update-to-data ratios.
"""

import copy
from dataclasses import dataclass

import numpy as np

from bncourse.optimization.ghost import GhostBatchNorm1d
from bncourse.optimization.probes import (
    layer_statistics,
    scale_invariant_layers,
    update_to_data_recorder,
    weight_path_recorder,
)
from bncourse.optimization.scale_invariance import (
    equilibrium_angular_update,
    settling_step,
)
from bncourse.runs import digits_run, generators, over_seeds
from bnlib._blas import one_blas_thread
from bnlib._checks import check_positive, check_positive_int, check_rng
from bnlib.layers import BatchNorm1d, Linear, ReLU
from bnlib.model import SGD, Sequential, check_sgd_args, forward_backward, mlp
from bnlib.norm_layers import LayerNorm
from bnlib.residual import Residual
from bnlib.training import evaluate, train

RELU_NET = (64, 32, 32, 10)  # the digits net of sections 1-2: two BN-preceded hidden layers


def before_bn(layer, name):
    """A decay_filter for `bnlib.train`: decay the W of the Linear layers a batch norm follows,
    nothing else. In `mlp(..., batchnorm=True)` those are exactly the Linear layers built
    without a bias (BN's beta replaces it); the output layer keeps its bias, so is left out.

    >>> net = mlp([4, 8, 3], batchnorm=True, rng=np.random.default_rng(0))
    >>> [before_bn(layer, name) for layer, name in net.parameters()]
    [True, False, False, False, False]
    """
    return name == "W" and isinstance(layer, Linear) and layer.b is None


@dataclass
class RescaledRun:
    c: float
    loss: np.ndarray  # (steps,) training loss of the original run
    loss_rescaled: np.ndarray  # (steps,) the same batches, BN-preceded W x c, their lr x c^2
    weight_gap: float  # max |W_rescaled / c - W| over BN-preceded layers at the end
    other_gap: float  # max |p_rescaled - p| over every other parameter at the end


def rescaled_run(data, c, rng, steps=200, batch_size=32, lr=0.2, scale_eps=True):
    """Train one BN net twice on the same batches: as built, and with every BN-preceded W
    multiplied by c and its learning rate by c^2 (other parameters keep theirs). With
    `scale_eps` the BN eps is multiplied by c^2 too, which makes the runs identical in exact
    arithmetic (BN(cWx) with eps c^2 is BN(Wx) with eps); without it they differ by O(eps).
    rng draws the weights, then the batches.

    Returns: RescaledRun.

    >>> from bnlib import load_digits
    >>> r = rescaled_run(load_digits(), 10.0, np.random.default_rng(0), steps=20)
    >>> bool(np.max(np.abs(r.loss - r.loss_rescaled)) < 1e-10), r.weight_gap < 1e-10
    (True, True)
    """
    c = check_positive(c, "c")
    steps, batch_size = check_positive_int(steps, "steps"), check_positive_int(batch_size, "bs")
    x_train, y_train = data[0], data[1]
    model = mlp(RELU_NET, activation="relu", batchnorm=True, rng=rng)
    twin = copy.deepcopy(model)
    invariant = scale_invariant_layers(model)
    for i in invariant:
        twin[i].W *= c
        if scale_eps:
            twin[i + 1].eps *= c**2
    rest = [layer for layer in twin.layers if not any(layer is twin[i] for i in invariant)]
    optimizers = [
        SGD(model, lr),
        SGD(Sequential([twin[i] for i in invariant]), lr * c**2),
        SGD(Sequential(rest), lr),
    ]
    batches = rng.integers(0, len(x_train), (steps, batch_size))
    losses = np.empty((2, steps))
    with one_blas_thread():
        for t, idx in enumerate(batches):
            losses[0, t] = forward_backward(model, x_train[idx], y_train[idx])
            losses[1, t] = forward_backward(twin, x_train[idx], y_train[idx])
            for opt in optimizers:
                opt.step()
    weight_gap = max(np.max(np.abs(twin[i].W / c - model[i].W)) for i in invariant)
    other = [
        np.max(np.abs(getattr(a, n) - getattr(b, n)))
        for (a, n), (b, _) in zip(model.parameters(), twin.parameters(), strict=True)
        if not (n == "W" and any(a is model[i] for i in invariant))
    ]
    return RescaledRun(c, losses[0], losses[1], float(weight_gap), float(max(other)))


def _pick(value, name, options):
    """The index of `value` among a study's `options`, or a ValueError naming both."""
    if value not in options:
        raise ValueError(f"{name} must be one of the study's {options}; got {value!r}")
    return options.index(value)


@dataclass
class WeightDecayStudy:
    """Read a cell by name: study.norms(lr=0.4, weight_decay=0.05), study.angle(...)."""

    lrs: tuple
    decays: tuple
    seeds: tuple
    steps: int
    paths: np.ndarray  # (n_lr, n_decay, n_seed, steps, 2, L): ||W||, angle (NaN at step 0)
    accuracy: np.ndarray  # (n_lr, n_decay, n_seed) test accuracy at the end
    momentum: float = 0.0

    def _cell(self, lr, weight_decay):
        """(index of lr, index of weight_decay), or a ValueError naming the study's values."""
        return _pick(lr, "lr", self.lrs), _pick(weight_decay, "weight_decay", self.decays)

    def norms(self, lr, weight_decay):
        """(n_seed, steps, L) ||W|| of each BN-preceded layer at every step of this cell's runs."""
        return self.paths[self._cell(lr, weight_decay)][:, :, 0]

    def angles(self, lr, weight_decay):
        """(n_seed, steps, L) the angle (radians) W turned in the step before (NaN at step 0)."""
        return self.paths[self._cell(lr, weight_decay)][:, :, 1]

    def angle(self, lr, weight_decay, last=60):
        """(n_seed, L) the mean angle per step over the last `last` steps of this cell's runs."""
        return self.angles(lr, weight_decay)[:, -check_positive_int(last, "last") :].mean(axis=1)

    def test_accuracy(self, lr, weight_decay):
        """(n_seed,) this cell's test accuracy at the end of training."""
        return self.accuracy[self._cell(lr, weight_decay)]


def weight_decay_run(data, lr, weight_decay, rng, steps=250, batch_size=32, momentum=0.0):
    """One run of the digits net (RELU_NET, ReLU, BN before each activation) with SGD and weight
    decay on the BN-preceded weights only (`before_bn`), recording ||W|| and the angle W turns
    at every step (`probes.weight_path_recorder`): notebook 10's run in the open. Returns:
    bnlib's History, the path in records["path"] (steps, 2, L).

    >>> from bnlib import load_digits
    >>> h = weight_decay_run(load_digits(), 0.4, 0.05, np.random.default_rng(0), steps=5)
    >>> h.records["path"].shape
    (5, 2, 2)
    """
    _, history = digits_run(
        data, rng, RELU_NET, steps, batch_size, lr, momentum=momentum, eval_every=steps,
        record={"path": weight_path_recorder()}, record_every=1, weight_decay=weight_decay,
        decay_filter=before_bn,
    )  # fmt: skip
    return history


def weight_decay_study(
    data,
    lrs=(0.1, 0.4, 1.6),
    decays=(0.0, 0.01, 0.05),
    seeds=(0, 1, 2),
    steps=250,
    batch_size=32,
    momentum=0.0,
):
    """`weight_decay_run` for every lr x decay x seed (plain SGD, or with `momentum` in
    PyTorch's form): decay cannot change the set of functions the BN-preceded weights
    express, only how fast their direction moves.

    >>> from bnlib import load_digits
    >>> s = weight_decay_study(load_digits(), (0.1,), (0.0,), (0,), steps=5)
    >>> s.norms(lr=0.1, weight_decay=0.0).shape
    (1, 5, 2)
    """
    lrs, decays = tuple(float(v) for v in lrs), tuple(float(v) for v in decays)
    steps = check_positive_int(steps, "steps")
    for lr in lrs:
        for decay in decays:
            check_sgd_args(lr, momentum, decay)
    cells = [(lr, decay) for lr in lrs for decay in decays]

    def run(cell, rng):  # one (lr, decay, seed): ||W|| and the angle per step, final accuracy
        h = weight_decay_run(data, *cell, rng, steps, batch_size, momentum)
        return h.records["path"], h.final_accuracy

    runs = over_seeds(run, cells, seeds)
    paths = np.array([[path for path, _ in seeds_] for seeds_ in runs])
    accuracy = np.array([[acc for _, acc in seeds_] for seeds_ in runs])
    shape = (len(lrs), len(decays), len(runs[0]))
    return WeightDecayStudy(
        lrs,
        decays,
        tuple(seeds),
        steps,
        paths.reshape(shape + paths.shape[2:]),
        accuracy.reshape(shape),
        float(momentum),
    )


@dataclass
class MomentumToy:
    """Read by momentum: toy.norms(0.9), toy.angles(0.0), toy.settled(0.9, "norm")."""

    lr: float
    weight_decay: float
    momenta: tuple
    seeds: tuple
    norm_runs: np.ndarray  # (n_momentum, n_seed, steps + 1) ||W||, from the start
    angle_runs: np.ndarray  # (n_momentum, n_seed, steps) angle (radians) W turned in each step

    def norms(self, momentum):
        """(n_seed, steps + 1) ||W|| of the runs with this momentum, from the start."""
        return self.norm_runs[_pick(momentum, "momentum", self.momenta)]

    def angles(self, momentum):
        """(n_seed, steps) the angle (radians) W turned in each step, with this momentum."""
        return self.angle_runs[_pick(momentum, "momentum", self.momenta)]

    def settled(self, momentum, what="norm", tolerance=0.05, window=20, tail=0.25):
        """(n_seed,) the step from which the runs with this momentum stay settled, by one of
        two criteria: "norm": ||W|| within `tolerance` of its equilibrium (its mean over the
        last `tail` of the run); "angle": the angle per step, averaged over `window` steps,
        within `tolerance` of sqrt(2 lr lambda / (1 + mu)). None where a run never settled."""
        if what == "norm":
            series = self.norms(momentum)
            targets = series[:, -int(tail * series.shape[1]) :].mean(axis=1)
        elif what == "angle":
            kernel = np.ones(window) / window
            series = np.array([np.convolve(a, kernel, "valid") for a in self.angles(momentum)])
            targets = [equilibrium_angular_update(self.lr, self.weight_decay, momentum)]
            targets = targets * len(series)
        else:
            raise ValueError(f'what must be "norm" or "angle"; got {what!r}')
        return [settling_step(s, t, tolerance) for s, t in zip(series, targets, strict=True)]


def momentum_toy_study(
    lr=0.1, weight_decay=0.05, momenta=(0.0, 0.9), seeds=(0, 1, 2), steps=800, dim=300, init=5.0
):
    """SGD with weight decay on a toy scale-invariant weight vector, with and without momentum.

    The toy keeps what the equilibrium needs and nothing else: W (dim,) starts at norm `init`;
    each step's gradient points in a random direction orthogonal to W (drawn from the seed's
    Generator) with norm 1 / ||W||, as a scale-invariant loss's does with a steady gradient
    size; then PyTorch's update: v <- mu v + g + lambda W, W <- W - lr v. Every momentum of a
    seed sees the same start and the same random directions.
    Returns: MomentumToy.

    >>> toy = momentum_toy_study(seeds=(0,))  # time scales (1 - mu) / (lr lambda): 200 and 20
    >>> toy.settled(0.0), toy.settled(0.9)
    ([397], [62])
    """
    momenta = tuple(float(m) for m in momenta)
    for m in momenta:
        check_sgd_args(lr, m, weight_decay)
    steps, dim = check_positive_int(steps, "steps"), check_positive_int(dim, "dim")
    init = check_positive(init, "init")
    gens = generators(seeds)
    starts = np.array([g.normal(size=dim) for g in gens])
    draws = np.stack([g.normal(size=(steps, dim)) for g in gens], axis=1)  # (steps, seed, dim)
    mu = np.repeat(momenta, len(gens))[:, None]  # one row per (momentum, seed)
    w = np.tile(init * starts / np.linalg.norm(starts, axis=1, keepdims=True), (len(momenta), 1))
    v = np.zeros_like(w)
    norms, angles = np.empty((len(w), steps + 1)), np.empty((len(w), steps))
    norms[:, 0] = init
    for t in range(steps):
        z = np.tile(draws[t], (len(momenta), 1))
        sq = np.einsum("ij,ij->i", w, w)[:, None]
        z -= np.einsum("ij,ij->i", z, w)[:, None] / sq * w  # orthogonal to W
        v = mu * v + z / np.linalg.norm(z, axis=1, keepdims=True) / np.sqrt(sq) + weight_decay * w
        new = w - lr * v
        along = np.einsum("ij,ij->i", w, new) / np.sqrt(sq[:, 0])
        angles[:, t] = np.arctan2(
            np.linalg.norm(new - along[:, None] * w / np.sqrt(sq), axis=1), along
        )
        w = new
        norms[:, t + 1] = np.linalg.norm(w, axis=1)
    shape = (len(momenta), len(gens))
    return MomentumToy(
        float(lr),
        float(weight_decay),
        momenta,
        tuple(seeds),
        norms.reshape(*shape, -1),
        angles.reshape(*shape, -1),
    )


@dataclass
class GammaDecayStudy:
    labels: tuple  # what is decayed in each setting
    seeds: tuple
    test_accuracy: np.ndarray  # (S, n_seed)
    test_loss: np.ndarray  # (S, n_seed)
    train_loss: np.ndarray  # (S, n_seed) eval mode, on the whole training set
    gamma: np.ndarray  # (S, n_seed) mean |gamma| over every BN unit at the end


def gamma_decay_study(data, lr=0.2, decay=0.05, seeds=(0, 1, 2), steps=250, batch_size=32):
    """The same training with weight decay on every weight matrix W (common practice), or on
    every W and also on BN's gamma and beta: the two differ only in decaying gamma and beta.

    >>> from bnlib import load_digits
    >>> s = gamma_decay_study(load_digits(), seeds=(0,), steps=5)
    >>> s.gamma.shape
    (2, 1)
    """
    labels = ("every W, not gamma or beta", "every W, gamma and beta")
    filters = (lambda _, name: name == "W", lambda _, name: name in ("W", "gamma", "beta"))

    def run(keep, rng):  # one (filter, seed): test accuracy and loss, train loss, mean |gamma|
        model, h = digits_run(
            data, rng, RELU_NET, steps, batch_size, lr, eval_every=steps, weight_decay=decay,
            decay_filter=keep,
        )  # fmt: skip
        gammas = np.concatenate([model[i].gamma for i in model.find(BatchNorm1d)])
        train_loss = evaluate(model, data[0], data[1])[0]
        return h.test_accuracy[-1], h.test_loss[-1], train_loss, np.abs(gammas).mean()

    out = np.array(over_seeds(run, filters, seeds)).transpose(2, 0, 1)  # (4, S, n_seed)
    return GammaDecayStudy(labels, tuple(seeds), *out)


DEPTH_SETTINGS = (
    "batch norm",
    "batch norm, eps = 1",
    "batch norm, linear",
    "layer norm",
    "no norm (He init)",
    "residual, gamma 1",
    "residual, gamma 0",
)


def depth_net(setting, depth, width, rng):
    """The fully connected net of `depth_study`: `depth` hidden layers of `width` units.

    >>> depth_net("batch norm", 3, 8, np.random.default_rng(0)).find(Linear)
    [0, 3, 6, 9]
    """
    if setting not in DEPTH_SETTINGS:
        raise ValueError(f"setting must be one of {DEPTH_SETTINGS}; got {setting!r}")
    if setting.startswith("residual"):
        blocks = max(depth - 1, 0) // 2  # 1 + 2 * blocks hidden layers
        return residual_mlp(64, width, blocks, 10, rng, zero_init=setting.endswith("0"))
    layers, d_in = [], 64
    for _ in range(depth):
        if setting == "no norm (He init)":
            layers += [Linear(d_in, width, rng=rng, init_scale=np.sqrt(2.0)), ReLU()]
        elif setting == "layer norm":
            layers += [Linear(d_in, width, rng=rng), LayerNorm(width), ReLU()]
        else:
            bn = BatchNorm1d(width, eps=1.0 if "eps" in setting else 1e-5)
            layers += [Linear(d_in, width, rng=rng, bias=False), bn]
            layers += [] if "linear" in setting else [ReLU()]
        d_in = width
    return Sequential([*layers, Linear(d_in, 10, rng=rng)])


@dataclass
class DepthStudy:
    settings: tuple
    depths: tuple
    seeds: tuple
    first: np.ndarray  # (S, n_depth, n_seed) ||dL/dW|| of the first layer at initialization
    per_layer: dict  # (setting, depth) -> (n_seed, L) ||dL/dW|| of every Linear, first to last

    def rate(self):
        """(S, n_seed) growth of the first layer's gradient norm per extra hidden layer:
        exp of the least-squares slope of log norm against depth."""
        logs = np.log(self.first)
        slope = np.polyfit(
            np.array(self.depths, float), logs.transpose(1, 0, 2).reshape(len(self.depths), -1), 1
        )[0]
        return np.exp(slope).reshape(len(self.settings), len(self.seeds))


def depth_study(
    data,
    depths=(2, 4, 8, 16, 32),
    settings=DEPTH_SETTINGS,
    seeds=(0, 1, 2),
    width=64,
    batch_size=128,
):
    """Gradient norms of every Linear layer at initialization, for nets of each depth and
    setting, on one random training batch per seed (the same batch for every net of a seed).

    >>> from bnlib import load_digits
    >>> s = depth_study(load_digits(), (2, 4), ("batch norm",), (0,), width=8, batch_size=16)
    >>> s.first.shape, s.per_layer["batch norm", 4].shape
    ((1, 2, 1), (1, 5))
    """
    depths = tuple(check_positive_int(d, "depth") for d in depths)
    cells = [(setting, depth) for setting in settings for depth in depths]

    def run(cell, rng):  # one (setting, depth, seed): ||dL/dW|| of every Linear layer
        idx = rng.choice(len(data[0]), batch_size, replace=False)
        model = depth_net(*cell, width, rng)
        with one_blas_thread():
            forward_backward(model, data[0][idx], data[1][idx])
        # parameters() lists the W inside residual branches too, in forward order.
        return [np.linalg.norm(layer.dW) for layer, name in model.parameters() if name == "W"]

    norms = dict(zip(cells, over_seeds(run, cells, seeds), strict=True))
    per_layer = {cell: np.array(runs) for cell, runs in norms.items()}  # (n_seed, L) each
    first = np.array([[per_layer[s, d][:, 0] for d in depths] for s in settings])
    return DepthStudy(tuple(settings), depths, tuple(seeds), first, per_layer)


NOISE_SETTINGS = (
    ("no norm", 64, None),
    ("batch norm, batch 64", 64, None),
    ("ghost batches of 4", 64, 4),
    ("batch norm, full batch", None, None),
)


@dataclass
class NoiseStudy:
    labels: tuple
    seeds: tuple
    n_train: int
    steps: int
    train_accuracy: np.ndarray  # (S, n_seed) eval mode, on the training subset
    test_accuracy: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray

    def gap(self, what="accuracy"):
        """(S, n_seed) train minus test accuracy, or test minus train loss."""
        if what == "accuracy":
            return self.train_accuracy - self.test_accuracy
        return self.test_loss - self.train_loss


def batch_noise_study(
    data, settings=NOISE_SETTINGS, seeds=(0, 1, 2), n_train=256, steps=200, lr=0.1, width=64
):
    """Train on a small random subset of `n_train` digits until it is fitted, with BN at
    several batch and ghost-batch sizes (a batch size None is the whole subset: no sampling
    noise at all) or without BN; score train and test sets in eval mode.

    >>> from bnlib import load_digits
    >>> s = batch_noise_study(load_digits(), seeds=(0,), n_train=64, steps=3)
    >>> s.gap().shape
    (4, 1)
    """
    n_train = check_positive_int(n_train, "n_train")

    def run(setting, rng):  # one (setting, seed): train and test accuracy and loss, eval mode
        label, batch, ghost = setting
        idx = rng.choice(len(data[0]), n_train, replace=False)
        subset = (data[0][idx], data[1][idx], data[2], data[3])
        if label == "no norm":
            norm = None
        elif ghost is None:
            norm = "batch"
        else:
            norm = lambda d, g=ghost: GhostBatchNorm1d(d, ghost_size=g)  # noqa: E731
        sizes = (64, width, width, 10)
        model, _ = digits_run(subset, rng, sizes, steps, batch or n_train, lr, norm=norm,
                              eval_every=steps)  # fmt: skip
        tr_loss, tr_acc = evaluate(model, subset[0], subset[1])
        te_loss, te_acc = evaluate(model, subset[2], subset[3])
        return tr_acc, te_acc, tr_loss, te_loss

    out = np.array(over_seeds(run, settings, seeds)).transpose(2, 0, 1)  # (4, S, n_seed)
    return NoiseStudy(tuple(s[0] for s in settings), tuple(seeds), n_train, steps, *out)


@dataclass
class DiagnosticsStudy:
    labels: tuple  # ("without BN", "with BN")
    init: list  # per label, LayerStats at initialization
    steps: np.ndarray  # (T,) steps at which update-to-data ratios were recorded
    update_ratio: np.ndarray  # (2, T, L) ||lr dW|| / ||W|| per Linear layer


def diagnostics_study(
    data, depth=5, width=64, init_scale=2.0, lr=0.1, steps=300, seed=0, batch_size=32
):
    """A tanh net of `depth` hidden layers whose weights start `init_scale` times too large,
    without and with BN: layer statistics at initialization, then update-to-data ratios
    over training (every 5 steps).

    >>> from bnlib import load_digits
    >>> s = diagnostics_study(load_digits(), depth=2, steps=20)
    >>> s.update_ratio.shape
    (2, 4, 3)
    """
    sizes = (64,) + (width,) * check_positive_int(depth, "depth") + (10,)
    (gen,) = generators([seed])
    probe = gen.choice(len(data[0]), 256, replace=False)

    def run(norm, rng):  # one net: its statistics at initialization, then the recorded training
        model = mlp(sizes, activation="tanh", norm=norm, init_scale=init_scale, rng=rng)
        stats = layer_statistics(model, data[0][probe], data[1][probe])
        ratio = {"ratio": update_to_data_recorder(lr)}
        return stats, train(model, data, steps, batch_size, lr, rng, eval_every=steps,
                            record=ratio, record_every=5)  # fmt: skip

    [[(init_off, off)], [(init_on, h)]] = over_seeds(run, (None, "batch"), [seed])
    init, ratios = [init_off, init_on], [off.records["ratio"], h.records["ratio"]]
    return DiagnosticsStudy(("without BN", "with BN"), init, h.record_steps, np.array(ratios))


def residual_mlp(d_in, width, blocks, n_classes, rng, zero_init=True):
    """Linear -> BN -> ReLU, then `blocks` blocks ReLU(x + BN(Linear(ReLU(BN(Linear(x)))))),
        then a Linear to the logits: 1 + 2 * blocks hidden Linear layers, all of `width` units.
    Goyal et al. 2017 set the gamma of each branch's last batch norm to 0, so every block starts
    as the identity; `zero_init=True` does that.

        Inputs: d_in, width, n_classes ints >= 1; blocks int >= 0; rng a Generator; zero_init sets
        the gamma of each branch's last batch norm to 0 (Goyal et al. 2017), else 1.
        Returns: a Sequential.

        >>> gen = np.random.default_rng(0)
        >>> model = residual_mlp(64, 16, 2, 10, rng=gen)
        >>> model.forward(gen.normal(size=(5, 64))).shape, len(model.find(Residual))
        ((5, 10), 2)
    """
    d_in, width, n_classes = (
        check_positive_int(v, n)
        for v, n in ((d_in, "d_in"), (width, "width"), (n_classes, "n_classes"))
    )
    blocks = check_positive_int(blocks, "blocks", low=0)
    check_rng(rng)
    layers = [Linear(d_in, width, rng=rng, bias=False), BatchNorm1d(width), ReLU()]
    for _ in range(blocks):
        last = BatchNorm1d(width)
        if zero_init:
            last.gamma[:] = 0.0
        branch = Sequential(
            [
                Linear(width, width, rng=rng, bias=False),
                BatchNorm1d(width),
                ReLU(),
                Linear(width, width, rng=rng, bias=False),
                last,
            ]
        )
        layers += [Residual(branch), ReLU()]
    layers.append(Linear(width, n_classes, rng=rng))
    return Sequential(layers)
