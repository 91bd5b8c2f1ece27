"""The training run behind notebook 05's panel: one BN unit's input over training, and the
batches of every size drawn from it (the moving target the running statistics follow).
"""

from typing import NamedTuple

import numpy as np

from .._checks import as_float_array, check_positive_int
from ..data import load_digits
from ..engine.model import mlp
from ..engine.training import train
from ..probes.recorders import bn_input


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


def default_running_stream(steps=300, seed=0):
    """Train the digits network (batch 60, lr 0.5) and record unit 0 of its first BN layer."""
    steps = check_positive_int(steps, "steps")
    digits, rng = load_digits(), np.random.default_rng(seed)
    model = mlp([64, 100, 100, 100, 10], batchnorm=True, rng=rng)
    record = {"population": bn_input(1, digits.x_train, units=(0,))}
    h = train(model, digits, steps, 60, 0.5, rng, eval_every=steps, record=record, record_every=1)
    return running_stream(h.records["population"][:, :, 0], seed=seed)
