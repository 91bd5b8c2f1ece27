"""Slider panel for notebook 05: how the running mean and variance follow a moving target.

The target is real: one unit of the first BN layer of the digits network, recorded at every
step of one training run (batch 60), over all 1,438 training images. At each step the panel
draws a batch of the slider's size from those images, and the running statistics follow the
batches with the slider's momentum (PyTorch's convention, weight on the new batch).
"""

from typing import NamedTuple

import ipywidgets as w
import numpy as np

from .. import plots
from .._checks import as_float_array, check_momentum, check_positive_int
from ..data import load_digits
from ..engine.inference import bn_input
from ..engine.model import mlp
from ..engine.training import train
from ..norms.replay import running_average
from ._panel import SliderPanel

BATCH_SIZES = (1, 2, 4, 8, 16, 32, 60, 128, 256)
# Both ends are legal momenta in bnlib and PyTorch, and both are failures worth seeing:
# 0 never updates (the initial mean 0, variance 1 stay forever), 1 keeps only the last batch.
MOMENTA = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


class RunningStream(NamedTuple):
    true_mean: np.ndarray  # (T,) the unit's mean over all images, at each step
    true_var: np.ndarray  # (T,) unbiased variance over all images
    sums: np.ndarray  # (T, M) cumulative sums of the first m draws of each step's batch
    square_sums: np.ndarray  # (T, M) the same for squared deviations from the true mean
    mean_limits: tuple  # fixed y-limits, so views at different sliders compare
    var_limits: tuple


def running_stream(population, max_batch=256, seed=0):
    """Precompute the batches for every batch size from `population` (T, N): step t's values.

    Step t's batch of size m is the first m of `max_batch` rows drawn without replacement
    (one fixed draw per step, so a larger batch contains the smaller ones).

    >>> s = running_stream(np.arange(20.0).reshape(2, 10), max_batch=4)
    >>> s.sums.shape, float(s.true_mean[0])
    ((2, 4), 4.5)
    """
    population = as_float_array(population, "population")
    if population.ndim != 2 or population.shape[1] < max_batch:
        raise ValueError(
            f"population must have shape (T, N) with N >= {max_batch}; got {population.shape}"
        )
    rng = np.random.default_rng(seed)
    t = population.shape[0]
    rows = np.array([rng.choice(population.shape[1], max_batch, replace=False) for _ in range(t)])
    drawn = np.take_along_axis(population, rows, axis=1)
    true_mean = population.mean(axis=1)
    sd = np.sqrt(population.var(axis=1, ddof=1))
    low, high = min(true_mean.min(), 0.0), max(true_mean.max(), 0.0)
    return RunningStream(
        true_mean,
        sd**2,
        np.cumsum(drawn, axis=1),
        np.cumsum((drawn - true_mean[:, None]) ** 2, axis=1),
        (low - 1.2 * sd.max(), high + 1.2 * sd.max()),
        (0.05 * (sd**2).min(), max(3.0 * (sd**2).max(), 2.0)),  # for a log scale
    )


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


def running_estimate(batch_size, momentum, stream):
    """The running mean and variance over the steps of `stream`, for one batch size and momentum.

    A batch of one cannot be normalized in training (bnlib and PyTorch raise), so with
    batch_size=1 nothing updates and the running statistics keep their initial (0, 1).

    >>> s = running_stream(np.tile(np.arange(10.0), (3, 1)), max_batch=4)
    >>> e = running_estimate(4, 1.0, s)
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


def describe_running_estimate(e):
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


def default_running_stream(steps=300, seed=0):
    """Train the digits network (batch 60, lr 0.5) and record unit 0 of its first BN layer."""
    steps = check_positive_int(steps, "steps")
    digits, rng = load_digits(), np.random.default_rng(seed)
    model = mlp([64, 100, 100, 100, 10], batchnorm=True, rng=rng)
    record = {"population": bn_input(1, digits.x_train, units=(0,))}
    h = train(model, digits, steps, 60, 0.5, rng, eval_every=steps, record=record, record_every=1)
    return running_stream(h.records["population"][:, :, 0], seed=seed)


def running_estimate_panel(stream=None):
    """Sliders over batch size and momentum for `running_estimate` (`plots.running_estimate`).

    Pass the stream the notebook built; without it the panel records its own (about 0.5 s)."""
    stream = default_running_stream() if stream is None else stream
    sliders = {
        "batch_size": w.SelectionSlider(
            options=BATCH_SIZES, value=60, description="batch size", continuous_update=True
        ),
        "momentum": w.SelectionSlider(
            options=MOMENTA, value=0.1, description="momentum", continuous_update=True
        ),
    }
    return SliderPanel(
        lambda batch_size, momentum: running_estimate(batch_size, momentum, stream),
        plots.running_estimate,
        sliders,
        ncols=2,
        figsize=(10, 3.4),
        describe=describe_running_estimate,
    )
