"""View for notebook 05's panel: the running mean and variance for one batch size and momentum,
following a recorded stream (`bnlib.experiments.running_stream`).
"""

from typing import NamedTuple

import numpy as np

from bncourse.inference.studies import running_average
from bnlib._checks import check_momentum, check_positive_int


class RunningEstimate(NamedTuple):
    batch_size: int
    momentum: float
    batch_means: np.ndarray  # (T,)
    batch_vars: np.ndarray  # (T,) unbiased; empty for a batch of one
    running_mean: np.ndarray  # (T,) after each step's update
    running_var: np.ndarray
    true_mean: np.ndarray
    true_var: np.ndarray
    mean_limits: tuple
    var_limits: tuple
    final_mean_error: float  # running - true, after the last step
    final_var_error: float  # (running - true) / true
    updates: bool  # False for a batch of one: BN cannot train on it


def running_estimate_view(batch_size, momentum, stream):
    """The running mean and variance over the steps of `stream`, for one batch size and momentum.

    A batch of one cannot be normalized in training (bnlib and PyTorch raise), so with
    batch_size=1 nothing updates and the running statistics keep their initial (0, 1).

    >>> from bncourse.inference.studies import running_stream
    >>> s = running_stream(np.tile(np.arange(10.0), (3, 1)), max_batch=4)
    >>> e = running_estimate_view(4, 1.0, s)
    >>> bool(np.allclose(e.running_mean, e.batch_means))
    True
    """
    m = check_positive_int(batch_size, "batch_size")
    if m > stream.sums.shape[1]:
        raise ValueError(f"batch_size must be <= {stream.sums.shape[1]}; got {m}")
    momentum = check_momentum(momentum)
    means = stream.sums[:, m - 1] / m
    steps = len(means)
    if m == 1:
        variances = np.empty(0)
        run_mean, run_var = np.zeros(steps), np.ones(steps)
    else:
        # sum (x - mu_true)^2 = sum (x - mean)^2 + m (mean - mu_true)^2, exact in any order
        ss = stream.square_sums[:, m - 1] - m * (means - stream.true_mean) ** 2
        variances = np.maximum(ss, 0.0) / (m - 1)
        run_mean = running_average(means, momentum, 0.0)
        run_var = running_average(variances, momentum, 1.0)
    return RunningEstimate(
        m,
        momentum,
        means,
        variances,
        run_mean,
        run_var,
        stream.true_mean,
        stream.true_var,
        stream.mean_limits,
        stream.var_limits,
        float(run_mean[-1] - stream.true_mean[-1]),
        float((run_var[-1] - stream.true_var[-1]) / stream.true_var[-1]),
        m > 1,
    )


def describe_running_estimate_view(e):
    head = f"batch size {e.batch_size}, momentum {e.momentum:g}: "
    if not e.updates:
        return head + (
            "a batch of one cannot be normalized in training (bnlib and PyTorch raise), so "
            "the running statistics are never updated: they stay at mean 0, variance 1."
        )
    if e.momentum == 0:
        return head + (
            "momentum 0 puts no weight on new batches: the running statistics never move "
            "from their initial mean 0, variance 1."
        )
    return head + (
        f"after {len(e.true_mean)} steps the running mean is off by {e.final_mean_error:+.3f} "
        f"(true {e.true_mean[-1]:.3f}), the running variance by {100 * e.final_var_error:+.1f}% "
        f"(true {e.true_var[-1]:.3f})."
    )
