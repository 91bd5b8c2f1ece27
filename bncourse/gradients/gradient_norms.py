"""Notebook 03's gradient probes (moved from `bnlib.gradflow`): the size of the gradient at each
Linear layer, its weights' and its input's, on a copy of the model (never changed).
"""

import copy

import numpy as np

from bnlib._blas import one_blas_thread
from bnlib.layers import Linear
from bnlib.model import forward_backward, softmax_cross_entropy
from bnlib.recorders import grad_norms


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
