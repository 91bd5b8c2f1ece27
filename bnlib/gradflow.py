"""Gradient flow: how big the gradient is at each layer, and how BN makes it scale-free.

"Gradient flow" is an informal name for how the gradient's size changes as backpropagation
carries it from the loss back to the first layer. These functions measure it at one point,
on a copy of the model, so the model itself is never changed.
"""

import copy

import numpy as np

from bnlib._blas import one_blas_thread
from bnlib._checks import check_batch, check_index
from bnlib._numerics import SATURATED_AT
from bnlib.layers import Linear, Sigmoid
from bnlib.model import forward_backward


def layer_input_spread(x):
    """Recorder factory: how saturated each sigmoid layer is, and how much its input and output
    still differ from one image to the next, on fixed probe inputs.

    Two things can starve a sigmoid network of signal. Saturation: inputs beyond
    +-SATURATED_AT, where the slope is below a fifth of its peak. Or shrinkage: the slope is at
    most 1/4, so with small weights every layer multiplies the differences between images by
    a small factor, and the last layers see nearly the same vector for every image. This
    measures both, per sigmoid layer, first to last.

    Input: x (N, D) fixed probe inputs, sent through a copy of the model in training mode
    (batch statistics over x). The recorder (fn(model, x_batch, y_batch), as `bnlib.train`
    calls it) returns an array (3, A), one column per Sigmoid layer, first to last; rows: the
    fraction of inputs with |y| > SATURATED_AT; the median over units of the standard
    deviation of a unit's input across the N images; the same for its output.

    >>> from bnlib import mlp
    >>> gen = np.random.default_rng(0)
    >>> x = gen.normal(size=(50, 4))
    >>> small = layer_input_spread(x)(mlp([4, 8, 8, 3], init_scale=0.1, rng=gen), None, None)
    >>> small.shape, bool(small[2, -1] < small[2, 0] < 0.05), float(small[0].max())
    ((3, 2), True, 0.0)
    """
    x = check_batch(x, ndim=2, layout="(N, D)")
    if x.shape[0] < 2:
        raise ValueError(f"x must have at least 2 rows to measure a spread; got shape {x.shape}")

    def recorder(model, _x_batch, _y_batch):
        work = copy.deepcopy(model).train()
        columns, h = [], x
        with one_blas_thread(), np.errstate(over="ignore", invalid="ignore"):
            for layer in work.layers:
                out = layer.forward(h)
                if isinstance(layer, Sigmoid):
                    saturated = np.mean(np.abs(h) > SATURATED_AT)
                    spread_in, spread_out = np.median(h.std(axis=0)), np.median(out.std(axis=0))
                    columns.append((saturated, spread_in, spread_out))
                h = out
        if not columns:
            raise ValueError("model must have at least 1 Sigmoid layer; it has 0")
        return np.array(columns).T

    return recorder


def weight_scale_sweep(model, index, x, y, scales):
    """Multiply layer `index`'s weights W by each factor a in `scales`; return the loss and
    ||dL/d(aW)|| at each. Followed by batch norm, the loss should not change and the
    gradient should shrink like 1/a (BN(aWx) = BN(Wx)).

    Returns: losses (S,), grad_norms (S,).

    >>> from bnlib import mlp
    >>> gen = np.random.default_rng(0)
    >>> model = mlp([4, 8, 3], batchnorm=True, rng=gen)
    >>> x, y = gen.normal(size=(16, 4)), gen.integers(0, 3, 16)
    >>> losses, norms = weight_scale_sweep(model, 0, x, y, [1.0, 10.0])
    >>> bool(abs(losses[0] - losses[1]) < 1e-6), round(float(norms[0] / norms[1]), 3)
    (True, 10.0)
    """
    index = check_index(index, "index", len(model), "layers in the model")
    if not isinstance(model[index], Linear):
        raise ValueError(
            f"layer index {index} must be a Linear layer; it is {type(model[index]).__name__}"
        )
    work = copy.deepcopy(model).train()
    layer = work[index]
    original = layer.W.copy()
    losses, norms = [], []
    with one_blas_thread():
        for a in np.asarray(scales, dtype=np.float64):
            layer.W = a * original
            losses.append(forward_backward(work, x, y))
            norms.append(np.linalg.norm(layer.dW))
    return np.array(losses), np.array(norms)
