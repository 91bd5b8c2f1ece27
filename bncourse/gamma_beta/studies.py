"""Notebook 02's study: fit gamma and beta by gradient descent (moved from `bnlib.training`)."""

import numpy as np

from bnlib._blas import one_blas_thread
from bnlib._checks import check_positive_int
from bnlib.model import SGD, mse_loss
from bnlib.training import History


def fit_regression(model, x, target, steps, lr, record=None):
    """Full-batch gradient descent on the mean squared error between model(x) and target.

    Inputs: model a Sequential; x (N, D); target shaped like the model's output; steps; lr > 0;
    record a dict name -> fn(model) called before every step and once after the last.
    Returns: History with `loss` per step (test fields empty) and records over steps 0..steps.

    >>> from bnlib.data import sigmoid_teacher
    >>> from bnlib import BatchNorm1d, Sigmoid
    >>> from bnlib import Sequential
    >>> task = sigmoid_teacher(200, 2.0, 1.0, np.random.default_rng(0))
    >>> model = Sequential([BatchNorm1d(1), Sigmoid()])
    >>> h = fit_regression(model, task.x, task.target, steps=300, lr=10.0)
    >>> bool(h.loss[-1] < 1e-3 * h.loss[0])
    True
    """
    steps = check_positive_int(steps, "steps")
    record = dict(record or {})
    optimizer = SGD(model, lr)
    model.train()
    losses, recorded = [], {name: [] for name in record}
    with one_blas_thread():
        for _ in range(steps + 1):
            for name, fn in record.items():
                recorded[name].append(fn(model))
            loss, dpred = mse_loss(model.forward(x), target)
            losses.append(loss)
            if len(losses) > steps:
                break
            model.backward(dpred)
            optimizer.step()
    empty = np.array([])
    return History(
        np.array(losses[:-1]),
        empty.astype(int),
        empty,
        empty,
        np.arange(steps + 1),
        {name: np.array(values) for name, values in recorded.items()},
    )
