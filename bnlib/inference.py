"""Inference with batch norm: calibration, folding a model, and the training-mode pitfall.

`calibrate` replaces the running statistics by population statistics of a data set,
`fold_model` merges every Linear -> BatchNorm1d pair into one Linear for deployment,
`train_mode_forward` / `train_mode_accuracy` show what a model does when it is (wrongly) left
in training mode at test time. None of them changes the modes (train/eval) of the model it
is given.
"""

import copy

import numpy as np

from bnlib._checks import check_batch, check_labels, check_positive_int, check_rng, check_width
from bnlib.conv import fold_conv_batchnorm
from bnlib.conv_layers import Conv2d
from bnlib.folding import fold_batchnorm
from bnlib.layers import BatchNorm1d, Linear
from bnlib.model import Sequential, check_sequential, modes_restored


def _bn_indices(model, what):
    indices = check_sequential(model).find(BatchNorm1d)
    if not indices:
        raise ValueError(f"model has no BatchNorm1d layer: nothing to {what}")
    return indices


def _check_model_input(model, x):
    """x must be a finite batch (N, D), D the width of the model's first layer (if it has one)."""
    x = check_batch(x, ndim=2, layout="(N, D)")
    first = model.layers[0]
    width = getattr(first, "in_features", None) or getattr(first, "num_features", None)
    return x if width is None else check_width(x, width, f"this model ({first!r} first)")


def _batches(x, batch_size):
    """Consecutive batches of exactly `batch_size` rows; the last N mod batch_size are left out."""
    n_batches = len(x) // batch_size
    return x[: n_batches * batch_size].reshape(n_batches, batch_size, *x.shape[1:])


def calibrate(model, x, batch_size=None):
    """Set every BatchNorm1d's running statistics to population statistics of `x`; returns model.

    Layer by layer in order: each BN layer's statistics are taken over its input, computed with
    the whole model in eval mode and the earlier BN layers already calibrated. With
    batch_size=None: the mean and the unbiased variance (ddof=1) over all N rows (N >= 2).
    With batch_size = m (2 <= m <= N): x is cut into consecutive batches of m rows (the last
    N mod m rows are left out), and the statistics are the mean of the batch means and
    m / (m - 1) times the mean of the (biased) batch variances, Ioffe & Szegedy's inference
    formula. Every layer is left in the mode it was in; num_batches_tracked is not changed.

    Inputs: model a Sequential with at least one BatchNorm1d; x (N, D).

    >>> from bnlib import mlp
    >>> model = mlp([2, 3, 2], batchnorm=True, rng=np.random.default_rng(0))
    >>> x = np.random.default_rng(1).normal(size=(50, 2))
    >>> bn = calibrate(model, x)[1]
    >>> np.allclose(bn.running_var, (x @ model[0].W).var(axis=0, ddof=1)), bn.training
    (True, True)
    """
    indices = _bn_indices(model, "calibrate")
    x = _check_model_input(model, x)
    if batch_size is None:
        if len(x) < 2:
            raise ValueError(
                f"x must hold at least 2 samples for an unbiased variance; got {len(x)}"
            )
    else:
        batch_size = check_positive_int(batch_size, "batch_size")
        if not 2 <= batch_size <= len(x):
            raise ValueError(
                f"batch_size must be in [2, {len(x)}] (a batch of one has no variance, and x "
                f"holds {len(x)} samples); got {batch_size}"
            )
    with modes_restored(model):
        model.eval()
        h = x
        for i, layer in enumerate(model.layers):
            if i in indices:
                if batch_size is None:
                    mean, var = h.mean(axis=0), h.var(axis=0, ddof=1)
                else:
                    batches = _batches(h, batch_size)
                    mean = batches.mean(axis=1).mean(axis=0)
                    var = batches.var(axis=1).mean(axis=0) * batch_size / (batch_size - 1)
                layer.running_mean, layer.running_var = mean, var
            if i < indices[-1]:
                h = layer.forward(h)
    return model


def fold_model(model):
    """A new Sequential with every Linear -> BatchNorm1d (or Conv2d -> BatchNorm2d) pair merged
    into one Linear (or Conv2d).

    The folded model computes the eval-mode output of `model` with fewer layers; the other
    layers are copied. `model` itself is not changed. Every batch norm must follow a Linear or
    a Conv2d.

    >>> from bnlib import mlp
    >>> model = mlp([2, 3, 2], batchnorm=True, rng=np.random.default_rng(0))
    >>> len(model), len(fold_model(model))
    (4, 3)
    """
    indices = _bn_indices(model, "fold")
    for i in indices:
        if i == 0 or not isinstance(model.layers[i - 1], Linear | Conv2d):
            before = "nothing" if i == 0 else type(model.layers[i - 1]).__name__
            name = type(model.layers[i]).__name__
            raise ValueError(
                f"layer {i} ({name}) must follow a Linear or a Conv2d to fold; it follows {before}"
            )
    layers = []
    for i, layer in enumerate(model.layers):
        if i in indices:
            continue
        folded = copy.deepcopy(layer)
        if i + 1 in indices:
            bn = model.layers[i + 1]
            fold = fold_conv_batchnorm if isinstance(layer, Conv2d) else fold_batchnorm
            folded.W, folded.b = fold(
                layer.W, layer.b, bn.gamma, bn.beta, bn.running_mean, bn.running_var, bn.eps
            )
            folded.param_names = ("W", "b")
        layers.append(folded)
    return Sequential(layers)


def train_mode_forward(model, x):
    """The output of `model` in training mode (batch statistics of x), leaving `model` unchanged.

    x (N, D) -> output; runs on a copy, so the model's running statistics and modes stay as
    they were. Raises (as BatchNorm1d does) for a batch of one.

    >>> from bnlib import mlp
    >>> model = mlp([2, 3, 2], batchnorm=True, rng=np.random.default_rng(0))
    >>> out = train_mode_forward(model, np.eye(2))
    >>> out.shape, model[1].num_batches_tracked
    ((2, 2), 0)
    """
    x = _check_model_input(model, x)
    return copy.deepcopy(model).train().forward(x)


def train_mode_accuracy(model, x, y, batch_size, rng):
    """Accuracy of `model` left in training mode, scored in random batches of `batch_size`.

    The rows of x (N, D) are shuffled with `rng` and cut into batches of `batch_size`; a last
    batch of one row joins the batch before it (a batch of one cannot be normalized). Each
    batch is normalized with its own statistics, as a model that was never put in eval mode
    does at test time. Returns: the fraction of the N labels y (N,) predicted correctly.

    >>> from bnlib import mlp
    >>> model = mlp([2, 3, 2], batchnorm=True, rng=np.random.default_rng(0))
    >>> x, y = np.eye(2).repeat(5, axis=0), np.arange(10) % 2
    >>> acc = train_mode_accuracy(model, x, y, batch_size=4, rng=np.random.default_rng(0))
    >>> 0.0 <= acc <= 1.0
    True
    """
    x = _check_model_input(model, x)
    batch_size = check_positive_int(batch_size, "batch_size")
    check_rng(rng)
    y = check_labels(y, len(x))
    if not 2 <= batch_size <= len(x):
        raise ValueError(f"batch_size must be in [2, {len(x)}]; got {batch_size}")
    starts = list(range(0, len(x), batch_size))
    if len(x) - starts[-1] == 1:
        starts.pop()
    order = rng.permutation(len(x))
    runner = copy.deepcopy(model).train()
    correct = 0
    for start, stop in zip(starts, [*starts[1:], len(x)], strict=True):
        idx = order[start:stop]
        correct += int(np.sum(runner.forward(x[idx]).argmax(axis=1) == y[idx]))
    return correct / len(x)


def predict_proba(model, x, train_mode=False):
    """Class probabilities softmax(model(x)) (N, C), in eval mode or (train_mode=True) in
    training mode with the batch statistics of x; runs on a copy, the model is not changed.

    >>> from bnlib import mlp
    >>> model = mlp([2, 3, 4], batchnorm=True, rng=np.random.default_rng(0))
    >>> p = predict_proba(model, np.eye(2))
    >>> p.shape, bool(np.allclose(p.sum(axis=1), 1.0)), model[1].training
    ((2, 4), True, True)
    """
    x = _check_model_input(model, x)
    runner = copy.deepcopy(model)
    logits = (runner.train() if train_mode else runner.eval()).forward(x)
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)
