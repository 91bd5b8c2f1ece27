"""Gradient flow: how big the gradient is at each layer, and how BN makes it scale-free.

"Gradient flow" is an informal name for how the gradient's size changes as backpropagation
carries it from the loss back to the first layer. These functions measure it at one point,
on a copy of the model, so the model itself is never changed.
"""

import copy

import numpy as np

from .._blas import one_blas_thread
from .._checks import check_index
from ..engine.layers import Linear
from ..engine.model import forward_backward, softmax_cross_entropy
from .recorders import grad_norms


def layer_gradient_norms(model, x, y):
    """||dL/dW|| of every Linear layer, first to last, for the minibatch (x, y).

    Inputs: model a bnlib Sequential (its BN layers use batch statistics); x (N, D); y (N,).
    Returns: (L,) array, one norm per Linear layer.

    >>> from bnlib import mlp
    >>> gen = np.random.default_rng(0)
    >>> model = mlp([4, 8, 8, 3], rng=gen)
    >>> layer_gradient_norms(model, gen.normal(size=(16, 4)), gen.integers(0, 3, 16)).shape
    (3,)
    """
    work = copy.deepcopy(model).train()
    with one_blas_thread():
        forward_backward(work, x, y)
    return grad_norms(work, x, y)


def layer_input_gradient_norms(model, x, y):
    """||dL/d(input)|| arriving at every Linear layer's input, first to last, for (x, y).

    This is the gradient a layer passes further back. With BN after a Linear layer it does not
    depend on the scale of that layer's W (BN(aWx) = BN(Wx)), while the layer's own dW does
    (it scales like 1/a). Same inputs and outputs as `layer_gradient_norms`; the first entry
    is the gradient with respect to the data x.

    >>> from bnlib import mlp
    >>> gen = np.random.default_rng(0)
    >>> model = mlp([4, 8, 8, 3], batchnorm=True, rng=gen)
    >>> x, y = gen.normal(size=(16, 4)), gen.integers(0, 3, 16)
    >>> before = layer_input_gradient_norms(model, x, y)
    >>> model[0].W *= 10.0
    >>> bool(np.allclose(layer_input_gradient_norms(model, x, y)[1:], before[1:], rtol=1e-3))
    True
    """
    work = copy.deepcopy(model).train()
    norms = []
    with one_blas_thread():
        _, dout = softmax_cross_entropy(work.forward(x), y)
        for layer in reversed(work.layers):
            dout = layer.backward(dout)
            if isinstance(layer, Linear):
                norms.append(np.linalg.norm(dout))
    return np.array(norms[::-1])


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
