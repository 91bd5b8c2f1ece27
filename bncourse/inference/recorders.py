"""Notebook 05's recorders for `bnlib.train` (moved from `bnlib.recorders`): one BN layer's
batch and running statistics at each step, and its input over a fixed data set. What needs a
forward pass runs on a copy, so the model's running statistics and modes stay as they were.
"""

import copy

import numpy as np

from bnlib._checks import check_batch
from bnlib.layers import BatchNorm1d, Linear
from bnlib.model import Sequential


def bn_statistics(index, units=(0,)):
    """Recorder factory for `train`: one BN layer's batch and running statistics at each step.

    `index` is the BN layer's position in the model; the recorder returns an array
    (4, len(units)): the batch mean, the unbiased batch variance, and the running mean and
    running variance after this batch's update. The batch statistics are recomputed from the
    layer's input (earlier layers run on a copy, so nothing in the model changes).
    """
    units = list(units)

    def recorder(model, x_batch, _y_batch):
        bn = model.layers[index]
        if not isinstance(bn, BatchNorm1d):
            raise ValueError(f"layer {index} is {type(bn).__name__}, not a BatchNorm1d")
        prefix = Sequential(model.layers[:index])
        if prefix.find(BatchNorm1d):
            prefix = copy.deepcopy(prefix)  # its BN layers would update their running stats
        h = prefix.forward(x_batch)[:, units]
        return np.array(
            [h.mean(axis=0), h.var(axis=0, ddof=1), bn.running_mean[units], bn.running_var[units]]
        )

    return recorder


def bn_input(index, x, units=(0,)):
    """Recorder factory for `train`: the input of BN layer `index` over a fixed set `x` (N, D).

    Returns, at each recorded step, an array (N, len(units)): what the layer would receive for
    every row of x with the current weights (earlier BN layers normalizing over all of x, on a
    copy). Its mean and variance over N are the "true" statistics the running ones estimate.
    """
    units = list(units)
    x = check_batch(x, ndim=2, layout="(N, D)")

    def recorder(model, _x_batch, _y_batch):
        prefix = Sequential(model.layers[:index])
        if prefix.find(BatchNorm1d):
            prefix = copy.deepcopy(prefix)
        if len(prefix) == 1 and isinstance(prefix[0], Linear):  # skip the units not asked for
            first = prefix[0]
            return x @ first.W[:, units] + (0.0 if first.b is None else first.b[units])
        return prefix.forward(x)[:, units]

    return recorder
