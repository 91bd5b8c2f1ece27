"""Recorders for `train`: measure a model at a training step and never change it.

Each is fn(model, x_batch, y_batch) -> array. The notebooks' own recorders live in their
folders (`bncourse.covariate_shift.recorders`, `bncourse.inference.recorders`).
"""

import numpy as np


def grad_norms(model, x, y):
    """Recorder: the Frobenius norm of dW for every Linear layer, first to last."""
    return np.array([np.linalg.norm(layer.dW) for layer in model.layers if hasattr(layer, "dW")])


def weight_norms(model, x, y):
    """Recorder: the Frobenius norm ||W|| of every Linear layer, first to last, (L,).

    With BN after a layer, the effective learning rate of its W is lr / ||W||^2 (the loss does
    not change along W), so this shows how the effective step moves during training.

    >>> from bnlib import mlp
    >>> model = mlp([4, 8, 3], rng=np.random.default_rng(0))
    >>> norms = weight_norms(model, None, None)
    >>> norms.shape, bool(np.isclose(norms[0], np.linalg.norm(model[0].W)))
    ((2,), True)
    """
    return np.array([np.linalg.norm(layer.W) for layer in model.layers if hasattr(layer, "dW")])
