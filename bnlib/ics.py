"""Internal covariate shift, measured two ways, on copies of a model (the model is never changed).

1. As a distribution: what each activation layer receives, recorded over training, the picture
   Ioffe and Szegedy had in mind (notebook 04's recorders, in `bncourse.covariate_shift`).
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
from bnlib.model import check_sequential, forward_backward

ACTIVATION_LAYERS = (Sigmoid, Tanh, ReLU)


def check_model(model, kind, at_least, what):
    """The positions of `model`'s layers of `kind`, at least `at_least` of them (`what`)."""
    found = check_sequential(model).find(kind)
    if len(found) < at_least:
        raise ValueError(f"model must have at least {at_least} {what}; it has {len(found)}")
    return found


def gradient_shift(model, x, y, lr, fresh_noise=False):
    """(l2, cosine, ||G||), each (L - 1,): `internal_covariate_shift` with ||G|| as well."""
    linear = check_model(model, Linear, 2, "Linear layers")
    x = check_batch(x, ndim=2, layout="(N, D)")
    y = check_labels(y, x.shape[0])
    lr = check_positive(lr, "lr")
    check_flag(fresh_noise, "fresh_noise")
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
    For the scale-free ||G - G'|| / ||G||, `gradient_shift` returns ||G|| too.

    >>> from bnlib import mlp
    >>> gen = np.random.default_rng(0)
    >>> model = mlp([4, 8, 8, 3], rng=gen)
    >>> l2, cosine = internal_covariate_shift(model, gen.normal(size=(16, 4)),
    ...                                       gen.integers(0, 3, 16), lr=0.1)
    >>> l2.shape, bool(np.all(cosine > 0.9))
    ((2,), True)
    """
    l2, cosine, _ = gradient_shift(model, x, y, lr, fresh_noise)
    return l2, cosine
