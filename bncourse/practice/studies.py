"""Notebook 09's studies: the batch-norm mistakes practitioners make, each run on the digits.

Every study trains small networks, one generator per seed (`runs.generators`; nothing is
cached between calls), and returns its numbers; the notebook prints them beside its claims.
Shared pieces: `epoch_batches` (how a loop cuts an epoch), `sgd_on_batches` (a training loop
over given batches, optionally with the batch-norm layers frozen in eval mode or their
gamma/beta frozen) and `stats_distance`.
"""

import copy
from dataclasses import dataclass

import numpy as np

from bncourse.runs import digits_run, generators, over_seeds
from bnlib._blas import one_blas_thread
from bnlib._checks import check_batch, check_positive, check_positive_int, check_rng
from bnlib.diagnose import diagnose_batchnorm
from bnlib.dropout import Dropout
from bnlib.inference import calibrate, train_mode_accuracy
from bnlib.layers import BatchNorm1d, Linear, ReLU
from bnlib.model import SGD, Sequential, forward_backward, mlp
from bnlib.norm_layers import renorm_for
from bnlib.training import evaluate, train

ENGINE_NET = (64, 32, 10)  # the digits engine's small network: 32 hidden units


def _check_model(model):
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a bnlib Sequential; got {type(model).__name__}")


def _check_study(data, seeds):
    """data must be Digits-like (x_train (N, 64), y_train, x_test, y_test); returns one
    generator per seed (a non-empty list of ints >= 0)."""
    if not (isinstance(data, tuple) and len(data) == 4):
        raise TypeError(
            f"data must be a Digits-like 4-tuple (bnlib.load_digits()); got {data!r:.60}"
        )
    if np.ndim(data[0]) != 2 or np.shape(data[0])[1] != ENGINE_NET[0]:
        raise ValueError(f"data.x_train must be (N, {ENGINE_NET[0]}); got {np.shape(data[0])}")
    return generators(seeds)


def epoch_batches(n, batch_size, rng, last="keep"):
    """Index arrays of one shuffled epoch of n examples, cut into batches of `batch_size`.

    last: "keep" (a short last batch of n mod batch_size, as PyTorch's DataLoader by default),
    "drop" (drop_last=True) or "even" (ceil(n / batch_size) batches of nearly equal size).

    >>> [len(b) for b in epoch_batches(10, 3, np.random.default_rng(0))]
    [3, 3, 3, 1]
    >>> [len(b) for b in epoch_batches(10, 3, np.random.default_rng(0), last="even")]
    [3, 3, 2, 2]
    """
    n, batch_size = check_positive_int(n, "n"), check_positive_int(batch_size, "batch_size")
    check_rng(rng)
    if last not in ("keep", "drop", "even"):
        raise ValueError(f'last must be "keep", "drop" or "even"; got {last!r}')
    order = rng.permutation(n)
    if last == "even":
        return np.array_split(order, -(-n // batch_size))
    batches = [order[k : k + batch_size] for k in range(0, n, batch_size)]
    return batches[:-1] if last == "drop" and n % batch_size else batches


def sgd_on_batches(model, x, y, batches, lr, freeze_bn=None):
    """Plain SGD on x[b], y[b] for each index array b in turn; returns the losses (len(batches),).

    The model is put in training mode (every layer, as PyTorch's model.train()). freeze_bn:
    None (BN trains as usual); "eval": every BatchNorm1d stays in eval mode (its running
    statistics normalize and are never updated; gamma and beta still train); "params": gamma
    and beta are not updated (PyTorch's requires_grad=False) but BN stays in training mode, so
    it still normalizes with batch statistics and still updates its running statistics.
    Inputs: x (N, D), y (N,) labels, batches a list of index arrays, lr > 0.

    >>> model = mlp([4, 3], rng=np.random.default_rng(0))
    >>> sgd_on_batches(model, np.eye(4), np.arange(4) % 3, [[0, 1], [2, 3]], lr=0.1).shape
    (2,)
    """
    _check_model(model)
    check_positive(lr, "lr")
    if freeze_bn not in (None, "eval", "params"):
        raise ValueError(f'freeze_bn must be None, "eval" or "params"; got {freeze_bn!r}')
    x = check_batch(x, ndim=2, layout="(N, D)")
    y = np.asarray(y)
    if y.shape != (len(x),):
        raise ValueError(f"y must have shape ({len(x)},), one label per row of x; got {y.shape}")
    model.train()
    bns = [model[i] for i in model.find(BatchNorm1d)]
    if freeze_bn == "eval":
        for bn in bns:
            bn.eval()
    optimizer, losses = SGD(model, lr), []
    with one_blas_thread():
        for b in batches:
            losses.append(forward_backward(model, x[b], y[b]))
            if freeze_bn == "params":  # plain SGD: a zero gradient leaves the parameter as it is
                for bn in bns:
                    bn.dgamma, bn.dbeta = np.zeros_like(bn.gamma), np.zeros_like(bn.beta)
            optimizer.step()
    return np.array(losses)


def stats_distance(model, x):
    """Median over features of |running mean - mean| / std of each BN layer's input over x (eval).

    Returns (L,), one number per BatchNorm1d: 0 = the stored statistics describe x exactly.

    >>> model = mlp([2, 3, 2], batchnorm=True, rng=np.random.default_rng(0))
    >>> x = np.random.default_rng(1).normal(size=(50, 2))
    >>> stats_distance(calibrate(model, x), x)
    array([0.])
    """
    _check_model(model)
    x = check_batch(x, ndim=2, layout="(N, D)")
    probe = copy.deepcopy(model).eval()
    out = []
    for i in probe.find(BatchNorm1d):
        h = probe.forward(x, upto=i)
        bn = probe[i]
        out.append(np.median(np.abs(bn.running_mean - h.mean(0)) / np.sqrt(h.var(0) + bn.eps)))
    return np.array(out)


def _trained(data, rng, steps=200, batch_size=32, lr=0.5):
    """The digits engine's small BN network trained from rng, in eval mode."""
    model, _ = digits_run(data, rng, ENGINE_NET, steps, batch_size, lr)
    return model.eval()


@dataclass
class TrainModeEval:
    """Mistake 1: accuracy of the same models in eval mode and left in training mode."""

    batch_sizes: tuple
    eval_accuracy: np.ndarray  # (S,) one per seed
    train_mode_accuracy: np.ndarray  # (S, B)


def train_mode_evaluation(data, batch_sizes=(2, 4, 16, 64), seeds=(0, 1, 2)):
    """One model per seed: test accuracy in eval mode, and in training mode at each batch size.

    Inputs: data a Digits-like 4-tuple; batch_sizes ints >= 2; seeds ints. Returns TrainModeEval.

    >>> from bnlib.data import load_digits
    >>> study = train_mode_evaluation(load_digits(), batch_sizes=(2,), seeds=(0,))
    >>> bool(study.train_mode_accuracy[0, 0] < study.eval_accuracy[0] - 0.2)
    True
    """
    evals, trains = [], []
    for gen in _check_study(data, seeds):
        model = _trained(data, gen)
        evals.append(evaluate(model, data.x_test, data.y_test)[1])
        trains.append(
            [train_mode_accuracy(model, data.x_test, data.y_test, b, gen) for b in batch_sizes]
        )
    return TrainModeEval(tuple(batch_sizes), np.array(evals), np.array(trains))


@dataclass
class ValidationDrift:
    """Mistake 2: a validation pass in training mode, per seed (arrays of shape (S,))."""

    batches_seen: int  # how many validation batches went through in training mode
    weight_on_validation: float  # 1 - 0.9 ** batches_seen: their share of the running statistics
    distance_before: np.ndarray  # stats_distance to the validation data, first BN layer
    distance_after: np.ndarray
    accuracy_before: np.ndarray  # eval accuracy on the (unshifted) test set
    accuracy_after: np.ndarray


def validation_drift(data, contrast=0.5, batch_size=32, seeds=(0, 1, 2)):
    """A validation pass (the test digits at `contrast`) through a trained model in training mode,
    with no optimizer step: how far its stored statistics and its accuracy move. Per seed.

    >>> from bnlib.data import load_digits
    >>> study = validation_drift(load_digits(), seeds=(0,))
    >>> study.batches_seen, bool(study.distance_after[0] < study.distance_before[0])
    (11, True)
    """
    gens = _check_study(data, seeds)
    val = data.x_test * contrast
    n_batches = len(val) // batch_size
    out = []
    for gen in gens:
        model = _trained(data, gen)
        before = (stats_distance(model, val)[0], evaluate(model, data.x_test, data.y_test)[1])
        model.train()
        for k in range(n_batches):
            model.forward(val[k * batch_size : (k + 1) * batch_size])
        model.eval()
        out.append((*before, stats_distance(model, val)[0], evaluate(model, *data[2:])[1]))
    d0, a0, d1, a1 = np.array(out).T
    return ValidationDrift(n_batches, 1 - 0.9**n_batches, d0, d1, a0, a1)


def _dropout_model(gen, p, where):
    """Linear-BN-ReLU twice, then the output Linear; dropout before the second BN or after it."""
    layers = [Linear(64, 64, rng=gen, bias=False), BatchNorm1d(64), ReLU()]
    drop = [Dropout(p, rng=gen)] if p > 0 else []
    second = [Linear(64, 32, rng=gen, bias=False), BatchNorm1d(32), ReLU()]
    layers += drop + second if where == "before" else second + drop
    return Sequential([*layers, Linear(32, 10, rng=gen)])


@dataclass
class DropoutShift:
    """Mistake 7, per variant and seed: variants ("before", "after", "before + calibrated")."""

    variants: tuple
    var_ratio: np.ndarray  # (V, S) median running var / eval-time var of the last BN's input
    accuracy: np.ndarray  # (V, S) test accuracy in eval mode


def dropout_shift(data, p=0.5, steps=300, seeds=(0, 1, 2)):
    """Dropout before the last BN vs after it (Li et al. 2019), and the first re-calibrated.

    >>> from bnlib.data import load_digits
    >>> study = dropout_shift(load_digits(), steps=100, seeds=(0,))
    >>> study.var_ratio.shape, bool(study.var_ratio[0, 0] > study.var_ratio[1, 0])
    ((3, 1), True)
    """
    _check_study(data, seeds)

    def run(where, rng):  # one placement and seed: variance ratio and accuracy of each model
        model = _dropout_model(rng, p, where)
        train(model, data, steps=steps, batch_size=32, lr=0.2, rng=rng)
        models = [model.eval()]
        if where == "before":
            models.append(calibrate(copy.deepcopy(model), data.x_train))
        out = []
        for m in models:
            i = m.find(BatchNorm1d)[-1]
            h = m.forward(data.x_test, upto=i)
            out.append((np.median(m[i].running_var / h.var(0, ddof=1)), evaluate(m, *data[2:])[1]))
        return out

    before, after = over_seeds(run, ("before", "after"), seeds)
    # (3 variants, seeds, 2): before, after, before + calibrated
    scores = np.array([[b[0] for b in before], [a[0] for a in after], [b[1] for b in before]])
    ratios, accs = scores[..., 0], scores[..., 1]
    variants = ("before", "after", "before + calibrated")
    return DropoutShift(variants, ratios, accs)


@dataclass
class NonIID:
    """Mistake 8, per ordering and seed: shuffled, one class per batch (BN, Batch Renorm, and
    no normalization at all: the control for what BN adds to the one-class stream)."""

    orderings: tuple
    eval_accuracy: np.ndarray  # (O, S)
    train_mode_accuracy: np.ndarray  # (O, S), test set in shuffled batches of 32
    train_loss: np.ndarray  # (O, S) mean training loss over the last epoch (training mode)


def _class_batches(y, batch_size, rng):
    """Batches of one class each, classes in random order (the worst non-i.i.d. stream)."""
    batches = []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        batches += [
            idx[k : k + batch_size] for k in range(0, len(idx) - batch_size + 1, batch_size)
        ]
    return [batches[k] for k in rng.permutation(len(batches))]


def non_iid_batches(data, epochs=4, batch_size=32, lr=0.5, seeds=(0, 1, 2)):
    """Train on shuffled batches vs one class per batch (BN, Batch Renorm, no BN); score both ways.

    >>> from bnlib.data import load_digits
    >>> study = non_iid_batches(load_digits(), epochs=1, seeds=(0,))
    >>> bool(study.eval_accuracy[0, 0] > 0.8 > study.eval_accuracy[1, 0])
    True
    >>> bool(study.train_loss[1, 0] > 1.0 > study.train_loss[0, 0])
    True
    """
    _check_study(data, seeds)
    orderings = (
        "shuffled",
        "one class per batch",
        "one class per batch, renorm",
        "one class per batch, no BN",
    )
    steps_per_epoch = len(data.y_train) // batch_size

    def run(name, rng):  # one ordering and seed: last epoch's loss, eval and train-mode accuracy
        norm = {"renorm": renorm_for(epochs * steps_per_epoch), "no BN": None}.get(
            name.rsplit(", ", 1)[-1], "batch"
        )
        model = mlp(list(ENGINE_NET), activation="relu", norm=norm, rng=rng)
        for _ in range(epochs):
            if name == "shuffled":
                batches = epoch_batches(len(data.y_train), batch_size, rng, last="drop")
            else:
                batches = _class_batches(data.y_train, batch_size, rng)
            last = sgd_on_batches(model, data.x_train, data.y_train, batches, lr)
        return (
            last.mean(),
            evaluate(model, data.x_test, data.y_test)[1],
            train_mode_accuracy(model, data.x_test, data.y_test, batch_size, rng),
        )

    losses, evals, trains = np.array(over_seeds(run, orderings, seeds)).transpose(2, 0, 1)
    return NonIID(orderings, evals, trains, losses)


@dataclass
class FineTune:
    """Mistake 9, per variant and seed: pretrained, then fine-tuned at a small batch size."""

    batch_size: int
    variants: tuple  # see small_batch_finetune's FINETUNE_VARIANTS
    accuracy: np.ndarray  # (V, S) eval-mode test accuracy
    loss: np.ndarray  # (V, S) eval-mode test cross-entropy (a second metric)
    distance: np.ndarray  # (V, S) stats_distance of the first BN to the training data
    weight_change: np.ndarray  # (V, S) ||W - W_pretrained|| / ||W_pretrained||, first Linear
    flagged: np.ndarray  # (V, S) bool: diagnose_batchnorm on the training set finds stale stats


FINETUNE_VARIANTS = (
    "pretrained",
    "fine-tuned, BN training",
    "fine-tuned, BN training, then calibrated",
    "fine-tuned, gamma/beta frozen, BN training",
    "fine-tuned, BN frozen (eval mode)",
)


def small_batch_finetune(data, batch_size=2, steps=300, lr=0.01, seeds=(0, 1, 2)):
    """Pretrain with batch 64, then fine-tune with batches of `batch_size`, per seed, four ways
    on the same batches: BN training; the same, then its statistics re-estimated on the training
    set (bnlib.calibrate); gamma and beta frozen but BN in training mode (PyTorch's
    requires_grad=False); BN frozen in eval mode. Returns FineTune (variants FINETUNE_VARIANTS).

    >>> from bnlib.data import load_digits
    >>> study = small_batch_finetune(load_digits(), steps=100, seeds=(0,))
    >>> study.accuracy.shape, float(study.weight_change[0, 0])
    ((5, 1), 0.0)
    """
    scores, dists, moves, flags = [], [], [], []
    for gen in _check_study(data, seeds):
        model = _trained(data, gen, steps=300, batch_size=64)
        batches = [gen.choice(len(data.y_train), batch_size, replace=False) for _ in range(steps)]
        tuned = {"pretrained": model}
        for name, freeze in (
            ("fine-tuned, BN training", None),
            ("fine-tuned, gamma/beta frozen, BN training", "params"),
            ("fine-tuned, BN frozen (eval mode)", "eval"),
        ):
            tuned[name] = copy.deepcopy(model)
            sgd_on_batches(tuned[name], data.x_train, data.y_train, batches, lr, freeze_bn=freeze)
            tuned[name].eval()
        tuned["fine-tuned, BN training, then calibrated"] = calibrate(
            copy.deepcopy(tuned["fine-tuned, BN training"]), data.x_train
        )
        w0 = model[0].W
        scores.append([evaluate(tuned[v], data.x_test, data.y_test) for v in FINETUNE_VARIANTS])
        dists.append([stats_distance(tuned[v], data.x_train)[0] for v in FINETUNE_VARIANTS])
        flags.append(
            [
                any(
                    f.kind == "stale statistics" for f in diagnose_batchnorm(tuned[v], data.x_train)
                )
                for v in FINETUNE_VARIANTS
            ]
        )
        moves.append(
            [np.linalg.norm(tuned[v][0].W - w0) / np.linalg.norm(w0) for v in FINETUNE_VARIANTS]
        )
    loss, acc = np.array(scores).transpose(2, 1, 0)
    return FineTune(
        batch_size,
        FINETUNE_VARIANTS,
        acc,
        loss,
        np.array(dists).T,
        np.array(moves).T,
        np.array(flags).T,
    )


def device_statistics(h, devices):
    """Per-device batch statistics of one global batch h (N, D) split into `devices` equal parts.

    Returns (means (devices, D), biased vars (devices, D)): what unsynchronized data-parallel BN
    normalizes each device's examples with (ghost batches of N / devices do the same on purpose);
    synchronized BN uses h.mean(0), h.var(0) for every device.

    >>> m, v = device_statistics(np.arange(8.0)[:, None], 2)
    >>> m.ravel(), v.ravel()
    (array([1.5, 5.5]), array([1.25, 1.25]))
    """
    h = np.asarray(h, dtype=np.float64)
    devices = check_positive_int(devices, "devices")
    if h.ndim != 2 or len(h) % devices or len(h) // devices < 2:
        raise ValueError(
            f"h must be (N, D) with N a multiple of devices = {devices} and at least 2 rows per "
            f"device; got shape {h.shape}"
        )
    parts = h.reshape(devices, len(h) // devices, h.shape[1])
    return parts.mean(axis=1), parts.var(axis=1)
