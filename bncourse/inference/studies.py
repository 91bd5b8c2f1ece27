"""Notebook 05's studies: the train/eval gap (test accuracy with running statistics, after
calibration, in training mode), and the training run behind its panel (one BN unit's input over
training, and the batches of every size drawn from it: the moving target the running
statistics follow).

One training run per (batch size, seed) serves every momentum: each BN layer is trained with
momentum 1, so after every step its running statistics are exactly that batch's (mean,
unbiased variance); `running_average` then replays them with each momentum to be compared
(training mode never reads the running statistics, so the run itself does not depend on it).
"""

import copy
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from bncourse.inference.recorders import bn_input
from bnlib._checks import (
    as_float_array,
    check_finite,
    check_momentum,
    check_positive,
    check_positive_int,
)
from bnlib.data import load_digits
from bnlib.inference import calibrate, train_mode_accuracy
from bnlib.layers import BatchNorm1d
from bnlib.model import mlp
from bnlib.parallel import run_each
from bnlib.running import blend, weight_on_new
from bnlib.training import evaluate, train


@dataclass
class GapStudy:
    """accuracy[b, s, c, k]: batch size b, seed s, checkpoint c, kind k (see `kinds`)."""

    batch_sizes: tuple
    momenta: tuple
    seeds: tuple
    checkpoints: tuple
    kinds: tuple  # "running, momentum 0.1", ..., "calibrated", "training mode"
    accuracy: np.ndarray


def running_average(values, momentum=0.1, init=0.0):
    """The running statistic after each step, for batch statistics `values` (T, *F): the replay
    of a recorded run (moved from `bnlib.running`; `update_running_stats`'s blend).

    Inputs: values (T, *F) one batch statistic per step (for a variance: the unbiased one);
    momentum in [0, 1] (BN's weight on the new batch) or None (cumulative average); init, the
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
        current = out[t] = blend(current, value, weight_on_new(momentum, t + 1))
    return out


def _last_batch_stats(model, _x, _y):
    """Recorder: every BN layer's running (mean, var) = the last batch's, at momentum 1."""
    return np.array(
        [(model[i].running_mean, model[i].running_var) for i in model.find(BatchNorm1d)]
    )


def _score(model, recorded, data, batch_size, momenta, rng):
    """Accuracies at this point of training: one per momentum, calibrated, training mode."""
    _, _, x_test, y_test = data
    probe = copy.deepcopy(model)
    layers = probe.find(BatchNorm1d)
    scores = []
    for momentum in momenta:
        for k, i in enumerate(layers):
            probe[i].running_mean = running_average(recorded[:, k, 0], momentum, 0.0)[-1]
            probe[i].running_var = running_average(recorded[:, k, 1], momentum, 1.0)[-1]
        scores.append(evaluate(probe, x_test, y_test)[1])
    scores.append(evaluate(calibrate(probe, data[0]), x_test, y_test)[1])
    scores.append(train_mode_accuracy(model, x_test, y_test, batch_size, rng))
    return scores


def train_eval_gap(data, batch_sizes, momenta, seeds, checkpoints, lr, sizes, activation="sigmoid"):
    """Train one BN network per (batch size, seed) and score it at each checkpoint.

    Inputs: data a Digits-like (x_train, y_train, x_test, y_test); batch_sizes ints >= 2;
    momenta for the running statistics (None = cumulative); seeds ints (seed s builds and
    trains with default_rng(s), and draws the training-mode test batches with
    default_rng(1000 + s)); checkpoints increasing step counts; lr; sizes and activation for
    `mlp` (batchnorm=True). The training-mode accuracy uses test batches of the training size.
    Returns: GapStudy.

    >>> from bnlib.data import load_digits
    >>> g = train_eval_gap(load_digits(), (30,), (0.1,), (0,), (20,), 0.5, [64, 16, 10])
    >>> g.accuracy.shape, g.kinds
    ((1, 1, 1, 3), ('running, momentum 0.1', 'calibrated', 'training mode'))
    """
    batch_sizes = tuple(check_positive_int(m, "batch_size") for m in batch_sizes)
    if min(batch_sizes) < 2:
        raise ValueError(f"every batch size must be >= 2 to train with BN; got {batch_sizes}")
    checkpoints = tuple(check_positive_int(c, "checkpoint") for c in checkpoints)
    if list(checkpoints) != sorted(set(checkpoints)):
        raise ValueError(f"checkpoints must increase; got {checkpoints}")
    check_positive(lr, "lr")
    momenta, seeds = tuple(momenta), tuple(int(s) for s in seeds)
    kinds = (*(f"running, momentum {m}" for m in momenta), "calibrated", "training mode")
    acc = np.empty((len(batch_sizes), len(seeds), len(checkpoints), len(kinds)))

    def run(index):  # one (batch size, seed): its scores at every checkpoint
        m, seed = batch_sizes[index[0]], seeds[index[1]]
        rng, test_rng = np.random.default_rng(seed), np.random.default_rng(1000 + seed)
        model = mlp(sizes, activation=activation, batchnorm=True, rng=rng)
        for i in model.find(BatchNorm1d):
            model[i].momentum = 1.0
        recorded, done, scores = [], 0, []
        for step in checkpoints:
            h = train(
                model,
                data,
                step - done,
                m,
                lr,
                rng,
                eval_every=step - done,
                record={"stats": _last_batch_stats},
                record_every=1,
            )
            recorded.append(h.records["stats"])
            done = step
            scores.append(_score(model, np.concatenate(recorded), data, m, momenta, test_rng))
        return scores

    runs = list(np.ndindex(acc.shape[:2]))
    for index, scores in zip(runs, run_each(run, runs), strict=True):  # one run per core
        acc[index] = scores
    return GapStudy(batch_sizes, momenta, seeds, checkpoints, kinds, acc)


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
