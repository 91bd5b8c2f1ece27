"""Internal covariate shift, measured two ways, on copies of a model (the model is never changed).

1. As a distribution: histograms of what each activation layer receives, recorded over
   training (`layer_input_histograms`), the picture Ioffe and Szegedy had in mind.
2. As Santurkar et al. (2018) defined it, through gradients. For weight layer i on a batch
   (x, y): G is the gradient of the loss with respect to W_i at the current parameters; G' is
   the same gradient after every parameter of the layers *below* i (weights, biases, BN gammas
   and betas) has taken its SGD step of size lr computed on that batch. If the layers below
   change what layer i receives, G' differs from G: the shift is ||G - G'|| and cos(G, G').
   ||G - G'|| grows with the size of the gradients; ||G - G'|| / ||G|| and the cosine do not.

Batch norm layers use batch statistics (training mode), as in the training step being measured;
their running statistics are updated only in the copies. A `NoisyBatchNorm` draws the same
noise in every pass by default (each pass starts from a copy of the model's generator), so the
noise it injects is not part of the measured shift; `fresh_noise=True` draws new noise for the
G' pass, as a next training step would.
"""

import copy

import numpy as np

from bnlib._blas import one_blas_thread
from bnlib._checks import check_batch, check_flag, check_labels, check_positive
from bnlib.layers import Linear, NoisyBatchNorm, ReLU, Sigmoid, Tanh
from bnlib.model import Sequential, forward_backward

ACTIVATION_LAYERS = (Sigmoid, Tanh, ReLU)


def _check_model(model, kind, at_least, what):
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a bnlib Sequential; got {type(model).__name__}")
    found = model.find(kind)
    if len(found) < at_least:
        raise ValueError(f"model must have at least {at_least} {what}; it has {len(found)}")
    return found


def _check_fresh_noise(fresh_noise):
    check_flag(fresh_noise, "fresh_noise")
    return fresh_noise


def _shift(model, x, y, lr, fresh_noise):
    """(l2, cosine, ||G||), each (L - 1,): the work of `internal_covariate_shift`."""
    linear = _check_model(model, Linear, 2, "Linear layers")
    x = check_batch(x, ndim=2, layout="(N, D)")
    y = check_labels(y, x.shape[0])
    lr = check_positive(lr, "lr")
    _check_fresh_noise(fresh_noise)
    l2, cosine, g_norm = [], [], []
    with one_blas_thread():
        base = copy.deepcopy(model).train()
        forward_backward(base, x, y)
        steps = [
            [(name, lr * getattr(layer, "d" + name)) for name in layer.param_names]
            for layer in base.layers
        ]
        for i in linear[1:]:
            g = base[i].dW
            moved = copy.deepcopy(model).train()
            if fresh_noise:  # continue the generators the G pass used: new draws, same stream
                for k in moved.find(NoisyBatchNorm):
                    moved[k].rng = base[k].rng
            for layer, updates in zip(moved.layers[:i], steps[:i], strict=True):
                for name, delta in updates:
                    setattr(layer, name, getattr(layer, name) - delta)
            forward_backward(moved, x, y)
            g_after = moved[i].dW
            l2.append(np.linalg.norm(g - g_after))
            g_norm.append(np.linalg.norm(g))
            norms = g_norm[-1] * np.linalg.norm(g_after)
            cosine.append(np.sum(g * g_after) / norms if norms > 0 else np.nan)
    return np.array(l2), np.array(cosine), np.array(g_norm)


def internal_covariate_shift(model, x, y, lr, fresh_noise=False):
    """Santurkar et al.'s gradient measure of internal covariate shift, one value per weight
    layer after the first.

    Inputs: model a bnlib Sequential with at least two Linear layers; x (N, D) a batch and y
    (N,) its integer labels; lr > 0 the SGD step the layers below take; fresh_noise: if True,
    each `NoisyBatchNorm` draws new noise for the G' pass (default: the same noise as for G).
    Returns: l2 (L - 1,) ||G - G'|| and cosine (L - 1,) cos(G, G') for the 2nd..L-th Linear
    layer (L = number of Linear layers); cosine is NaN where G or G' is exactly zero.
    For the scale-free ||G - G'|| / ||G||, use `ics_recorder` (its third row).

    >>> from bnlib import mlp
    >>> gen = np.random.default_rng(0)
    >>> model = mlp([4, 8, 8, 3], rng=gen)
    >>> l2, cosine = internal_covariate_shift(model, gen.normal(size=(16, 4)),
    ...                                       gen.integers(0, 3, 16), lr=0.1)
    >>> l2.shape, bool(np.all(cosine > 0.9))
    ((2,), True)
    """
    l2, cosine, _ = _shift(model, x, y, lr, fresh_noise)
    return l2, cosine


def ics_recorder(lr, fresh_noise=False):
    """Recorder for `bnlib.train`: `internal_covariate_shift` on each record step's minibatch,
    with the training learning rate `lr` (and `fresh_noise` as there).

    The recorder returns (3, L - 1): rows ||G - G'||, cos(G, G') and the scale-free
    ||G - G'|| / ||G|| (NaN where G is zero), so History.records[name] is (record steps, 3, L - 1).

    >>> from bnlib import mlp
    >>> gen = np.random.default_rng(0)
    >>> model = mlp([4, 8, 8, 3], rng=gen)
    >>> rows = ics_recorder(0.1)(model, gen.normal(size=(16, 4)), gen.integers(0, 3, 16))
    >>> rows.shape, bool(np.all(rows[2] < 1))
    ((3, 2), True)
    """
    lr = check_positive(lr, "lr")
    _check_fresh_noise(fresh_noise)

    def recorder(model, x, y):
        l2, cosine, g_norm = _shift(model, x, y, lr, fresh_noise)
        with np.errstate(divide="ignore", invalid="ignore"):
            relative = np.where(g_norm > 0, l2 / g_norm, np.nan)
        return np.stack([l2, cosine, relative])

    return recorder


def ics_medians(records):
    """Medians over record steps of `ics_recorder`'s rows, with ||G|| added as a fourth row.

    Input: records (R, 3, L - 1) (rows ||G - G'||, cos(G, G'), ||G - G'|| / ||G||).
    Returns: (4, L - 1): the medians of those three rows and of ||G|| = row 0 / row 2.

    >>> rows = np.array([[[0.2], [0.9], [0.5]], [[0.4], [0.7], [0.5]]])
    >>> ics_medians(rows).ravel().round(3).tolist()
    [0.3, 0.8, 0.5, 0.6]
    """
    records = np.asarray(records, dtype=np.float64)
    return np.median(np.concatenate([records, records[:, :1] / records[:, 2:]], axis=1), axis=0)


def layer_input_histograms(x, edges):
    """Recorder factory: histograms of what every activation layer receives, all units pooled.

    Inputs: x (N, D) fixed probe inputs (sent through a copy of the model in training mode:
    batch statistics over x); edges (B + 1,) increasing bin edges. Values outside the edges
    are counted in the first or last bin, so every count adds up to N * units.
    The recorder returns an array (A, B), one row per activation layer, first to last.

    >>> from bnlib import mlp
    >>> gen = np.random.default_rng(0)
    >>> model = mlp([4, 8, 8, 3], batchnorm=True, rng=gen)
    >>> record = layer_input_histograms(gen.normal(size=(50, 4)), np.linspace(-3, 3, 7))
    >>> counts = record(model, None, None)
    >>> counts.shape, counts.sum(axis=1)
    ((2, 6), array([400, 400]))
    """
    x = check_batch(x, ndim=2, layout="(N, D)")
    edges = np.asarray(edges, dtype=np.float64)
    if edges.ndim != 1 or edges.size < 2 or not np.all(np.diff(edges) > 0):
        raise ValueError(f"edges must be a 1-D increasing array of >= 2 numbers; got {edges!r:.80}")
    inner = edges[1:-1]

    def recorder(model, _x_batch, _y_batch):
        work = copy.deepcopy(model).train()
        with one_blas_thread(), np.errstate(over="ignore", invalid="ignore"):
            acts = set(_check_model(work, ACTIVATION_LAYERS, 1, "activation layers"))
            rows, h = [], x
            for k, layer in enumerate(work.layers[: max(acts) + 1]):
                if k in acts:
                    bins = np.searchsorted(inner, h.ravel(), side="right")
                    rows.append(np.bincount(bins, minlength=len(edges) - 1))
                h = layer.forward(h)
        return np.array(rows)

    return recorder
