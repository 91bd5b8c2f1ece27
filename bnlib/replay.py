"""Replaying a running average over a recorded sequence of batch statistics.

In training mode the running statistics never feed back into the forward pass, so a run
recorded once (its batch means and unbiased batch variances) tells what the running
statistics would have been for any momentum: the same update as `update_running_stats`,
    running_t = (1 - momentum) * running_{t-1} + momentum * batch_t,
with momentum=None giving the cumulative average (weight 1/t on batch t).
"""

import numpy as np

from bnlib._checks import as_float_array, check_finite, check_momentum


def running_average(values, momentum=0.1, init=0.0):
    """The running statistic after each step, for batch statistics `values` (T, *F).

    Inputs: values (T, *F) one batch statistic per step (for a variance: the unbiased one);
    momentum in [0, 1] (weight on the new batch) or None (cumulative average); init, the
    starting value, broadcastable to F (BatchNorm1d starts at mean 0, variance 1).
    Returns: (T, *F), row t the running value after step t.

    >>> running_average([[2.0], [4.0]], momentum=0.5)
    array([[1. ],
           [2.5]])
    """
    values = as_float_array(values, "values")
    if values.ndim < 1 or len(values) == 0:
        raise ValueError(f"values must have shape (T, *F) with T >= 1; got {values.shape}")
    check_finite(values, "values")
    momentum = check_momentum(momentum)
    init = as_float_array(init, "init")
    check_finite(init, "init")
    out = np.empty(np.broadcast_shapes(values.shape, (1, *init.shape)), dtype=np.float64)
    current = np.broadcast_to(init, out.shape[1:]).astype(np.float64)
    for t, value in enumerate(values):
        w = 1.0 / (t + 1) if momentum is None else momentum
        current = (1.0 - w) * current + w * value
        out[t] = current
    return out
