"""What every study over seeds shares: one generator per seed, a digits net trained from a
generator, and the seeds' spread as the course prints it, "mean [min-max]".

A run function takes `rng` (the house style: randomness enters as an argument); a study over
`seeds` turns them into generators here, in one place (`generators`), so the same seed gives
the same run whether a notebook calls the run in the open or the study calls it in a sweep.
"""

import numbers

import numpy as np

from bnlib._checks import check_seeds
from bnlib.model import mlp
from bnlib.parallel import run_each
from bnlib.training import train


def generators(seeds):
    """One numpy Generator per seed, in order: np.random.default_rng(seed) for each.

    Inputs: seeds a non-empty list of ints >= 0. Returns: a list of Generators.

    >>> [int(g.integers(10)) for g in generators([0, 1])]
    [8, 4]
    """
    return [np.random.default_rng(seed) for seed in check_seeds(seeds)]


def generator(rng, name="rng"):
    """The numpy Generator a function draws from: `rng` itself when it is one, else a fresh
    np.random.default_rng(rng) for an int seed >= 0, the same numbers on every call (a slider
    view redrawn at every move draws the same sample). The one place a course view seeds
    (moved from `bnlib._checks`).

    >>> float(generator(3).random()) == float(generator(3).random())
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral) or rng < 0:
        raise TypeError(f"{name} must be a numpy Generator or an int seed >= 0; got {rng!r:.60}")
    return np.random.default_rng(rng)


def digits_run(
    data, rng, sizes, steps, batch_size, lr, activation="relu", norm="batch", init_scale=1.0, **kw
):
    """Train one digits net from `rng`: `bnlib.mlp(sizes, ...)` draws its weights from rng, then
    `bnlib.train` draws its minibatches from the same rng.

    Inputs: data a Digits-like 4-tuple; rng a Generator; sizes [64, H1, ..., 10]; steps,
    batch_size, lr for `bnlib.train`; activation, norm (None: no normalization) and init_scale
    for `bnlib.mlp`; any other keyword (weight_decay, record, eval_every, ...) for
    `bnlib.train`. Returns: (model, History).

    >>> from bnlib import load_digits
    >>> model, h = digits_run(load_digits(), np.random.default_rng(0), (64, 16, 10), 20, 32, 0.2)
    >>> h.steps_done, len(model.layers)
    (20, 4)
    """
    model = mlp(sizes, activation=activation, norm=norm, init_scale=init_scale, rng=rng)
    return model, train(model, data, steps, batch_size, lr, rng, **kw)


def over_seeds(run, settings, seeds):
    """run(setting, rng) for every setting and seed, each run with a fresh generator from its
    seed (so every setting of a seed sees the same draws), on every core (`run_each`).

    Inputs: run fn(setting, rng) -> result; settings a list; seeds a non-empty list of ints.
    Returns: a list (one per setting) of lists (one per seed) of results.

    >>> over_seeds(lambda s, rng: s + int(rng.integers(10)), [0, 100], [0, 1])
    [[8, 4], [108, 104]]
    """
    settings = list(settings)
    items = [(setting, rng) for setting in settings for rng in generators(seeds)]
    results = run_each(lambda item: run(*item), items)
    n = len(items) // max(len(settings), 1)
    return [results[k * n : (k + 1) * n] for k in range(len(settings))]


def spread(values, spec=".3g"):
    """ "mean [min-max]" of the seeds' values: how the course prints a measurement over seeds.

    Inputs: values, any array of numbers (flattened: e.g. (seed,) or (seed, layer)); spec a
    format spec ("0.2f", ".1%") or a function number -> str (`style.fmt` in figure descriptions).
    Returns: a str.

    >>> spread([0.21, 0.40, 0.29], ".2f"), spread([0.518, 0.565], ".1%")
    ('0.30 [0.21-0.40]', '54.1% [51.8%-56.5%]')
    """
    values = np.asarray(values, dtype=float).ravel()
    if values.size == 0:
        raise ValueError("values must hold at least one number (one per seed); got none")
    show = spec if callable(spec) else lambda v: format(v, spec)
    return f"{show(values.mean())} [{show(values.min())}-{show(values.max())}]"
