"""Notebook 02's study: a toy task whose targets need gamma and beta (moved from `bnlib.data`),
fitted by gradient descent (moved from `bnlib.training`)."""

from typing import NamedTuple

import numpy as np

from bnlib._blas import one_blas_thread
from bnlib._checks import check_at_least_two, check_positive_int
from bnlib._numerics import sigmoid
from bnlib.model import SGD, mse_loss
from bnlib.training import History


class TeacherTask(NamedTuple):
    """A toy regression whose targets need a shifted and scaled sigmoid input."""

    x: np.ndarray  # (N, D) raw features, on arbitrary scales
    target: np.ndarray  # (N, D) sigmoid(scale * x_hat + shift), x_hat standardized per feature
    scale: np.ndarray  # (D,) the gamma that fits exactly (up to eps)
    shift: np.ndarray  # (D,) the beta that fits exactly


def sigmoid_teacher(n, scale, shift, rng, loc=5.0, spread=3.0):
    """Toy task for learning gamma and beta: targets are sigmoid(scale * x_hat + shift).

    Inputs: n samples; scale, shift (D,) (or scalars: D = 1); rng a Generator; loc, spread the
    mean and std of the raw features (deliberately far from 0 and 1, so normalizing matters).
    Returns: TeacherTask(x (n, D), target (n, D), scale (D,), shift (D,)). x_hat uses this
    sample's own mean and (biased) std, so batch norm over the full sample can fit exactly.

    >>> task = sigmoid_teacher(100, 3.0, -1.0, np.random.default_rng(0))
    >>> task.x.shape, round(float(task.target.mean()), 3)
    ((100, 1), 0.386)
    """
    n = check_at_least_two(check_positive_int(n, "n"), "n", "so a feature has a spread")
    scale, shift = np.atleast_1d(np.asarray(scale, float)), np.atleast_1d(np.asarray(shift, float))
    if scale.shape != shift.shape or scale.ndim != 1:
        raise ValueError(
            f"scale and shift must be scalars or 1-D of equal length; got shapes "
            f"{scale.shape} and {shift.shape}"
        )
    x = rng.normal(loc, spread, size=(n, scale.size))
    x_hat = (x - x.mean(axis=0)) / x.std(axis=0)
    target = sigmoid(scale * x_hat + shift)
    return TeacherTask(x, target, scale, shift)


def fit_regression(model, x, target, steps, lr, record=None):
    """Full-batch gradient descent on the mean squared error between model(x) and target.

    Inputs: model a Sequential; x (N, D); target shaped like the model's output; steps; lr > 0;
    record a dict name -> fn(model) called before every step and once after the last.
    Returns: History with `loss` per step (test fields empty) and records over steps 0..steps.

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
