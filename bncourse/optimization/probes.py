"""Probes of training dynamics: weight norms, angular updates, update-to-data ratios, and
per-layer activation and gradient statistics. Each measures the model, never changes it.

Recorders follow `bnlib.train`'s protocol, fn(model, x_batch, y_batch), called after the
backward pass and before the update; the stateful ones compare with their previous call, so
use them with record_every=1 to get per-step values.
"""

import copy
from typing import NamedTuple

import numpy as np

from bncourse.optimization.scale_invariance import angle_between
from bnlib._blas import one_blas_thread
from bnlib._numerics import TANH_SATURATED
from bnlib.layers import BatchNorm1d, Linear, ReLU, Sigmoid, Tanh
from bnlib.model import softmax_cross_entropy


def scale_invariant_layers(model):
    """Indices of the Linear layers followed directly by a batch norm: the loss depends only
    on their W / ||W||, so they are the weights whose effective learning rate is lr / ||W||^2.

    >>> from bnlib import mlp
    >>> scale_invariant_layers(mlp([4, 8, 8, 3], batchnorm=True, rng=np.random.default_rng(0)))
    [0, 3]
    """
    layers = model.layers
    return [
        i
        for i, layer in enumerate(layers[:-1])
        if isinstance(layer, Linear) and layer.b is None and isinstance(layers[i + 1], BatchNorm1d)
    ]


def weight_path_recorder(indices=None):
    """Recorder factory: per call, ||W|| of each layer in `indices` (None: the model's
    `scale_invariant_layers`, found at the first call) and the angle (radians) W turned since
    the previous call (NaN at the first call). Returns an array (2, len(indices)).

    >>> from bnlib import mlp
    >>> model = mlp([4, 8, 3], batchnorm=True, rng=np.random.default_rng(0))
    >>> rec = weight_path_recorder()
    >>> first = rec(model, None, None)
    >>> model[0].W[0, 0] += 0.1
    >>> bool(np.isnan(first[1, 0])), bool(rec(model, None, None)[1, 0] > 0)
    (True, True)
    """
    chosen = None if indices is None else list(indices)
    previous = {}

    def recorder(model, _x, _y):
        nonlocal chosen
        if chosen is None:
            chosen = scale_invariant_layers(model)
        out = np.full((2, len(chosen)), np.nan)
        for k, i in enumerate(chosen):
            w = model[i].W
            out[0, k] = np.linalg.norm(w)
            if i in previous:
                out[1, k] = angle_between(previous[i], w)
            previous[i] = w.copy()
        return out

    return recorder


def update_to_data_recorder(lr):
    """Recorder factory: ||lr dW|| / ||W|| for every Linear layer, first to last (the update the
    gradient alone asks for, relative to the weights; about 1e-3 is the usual rule of thumb).

    >>> from bnlib import mlp
    >>> from bnlib.model import forward_backward
    >>> model = mlp([4, 3], rng=np.random.default_rng(0))
    >>> _ = forward_backward(model, np.ones((2, 4)), np.array([0, 1]))
    >>> update_to_data_recorder(0.1)(model, None, None).shape
    (1,)
    """

    def recorder(model, _x, _y):
        return np.array(
            [
                lr * np.linalg.norm(layer.dW) / np.linalg.norm(layer.W)
                for layer in model.layers
                if isinstance(layer, Linear)
            ]
        )

    return recorder


class LayerStats(NamedTuple):
    activations: list  # per activation layer, its output (N, H)
    gradients: list  # per activation layer, dL/d(output) (N, H)
    saturated: np.ndarray  # (L,) fraction of tanh outputs with |t| > TANH_SATURATED (else NaN)
    dead: np.ndarray  # (L,) fraction of units that are 0 for every example (ReLU; else NaN)


def layer_statistics(model, x, y):
    """What each activation layer outputs, and the gradient it receives, on one batch (x, y),
    computed on a copy of the model in training mode (batch statistics).

    Inputs: model a bnlib Sequential; x (N, D); y (N,). Returns: LayerStats.

    >>> from bnlib import mlp
    >>> gen = np.random.default_rng(0)
    >>> s = layer_statistics(mlp([4, 8, 8, 3], activation="tanh", rng=gen),
    ...                      gen.normal(size=(16, 4)), gen.integers(0, 3, 16))
    >>> len(s.activations), s.gradients[0].shape, s.saturated.shape
    (2, (16, 8), (2,))
    """
    work = copy.deepcopy(model).train()
    acts = (Tanh, ReLU, Sigmoid)
    outputs = []
    with one_blas_thread():
        out = x
        for layer in work.layers:
            out = layer.forward(out)
            if isinstance(layer, acts):
                outputs.append((layer, out))
        _, dout = softmax_cross_entropy(out, y)
        grads = {}
        for layer in reversed(work.layers):
            if isinstance(layer, acts):
                grads[id(layer)] = dout
            dout = layer.backward(dout)
    saturated = np.array(
        [np.mean(np.abs(o) > TANH_SATURATED) if isinstance(a, Tanh) else np.nan for a, o in outputs]
    )
    dead = np.array(
        [np.mean(np.all(o == 0, axis=0)) if isinstance(a, ReLU) else np.nan for a, o in outputs]
    )
    return LayerStats([o for _, o in outputs], [grads[id(a)] for a, _ in outputs], saturated, dead)
