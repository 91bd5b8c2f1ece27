"""Sweeps: many short training runs (settings x seeds), reduced to a few numbers each.

A sweep answers "which settings train, and how reliably?" without keeping every History: per
run it keeps the final test accuracy, the training loss at the start and at the end, and
whether the run stopped being finite. A run counts as *diverged* when its loss stopped being
finite or ended more than `DIVERGED_FACTOR` times above where it started: with sigmoid units
nothing overflows, but a loss that climbs from 2.3 to thousands has left training behind.
"""

from typing import NamedTuple

import numpy as np

from bnlib._checks import check_positive_int, check_seeds
from bnlib.model import mlp
from bnlib.parallel import run_each
from bnlib.recorders import weight_norms
from bnlib.training import train

DIVERGED_FACTOR = 2.0
DEFAULTS = {"lr": None, "init_scale": 1.0, "batchnorm": False, "noisy_bn": None}


class SweepResult(NamedTuple):
    """K settings x S seeds. `settings[k]` is a dict with every key of `DEFAULTS`."""

    settings: tuple  # (K,) dicts: lr, init_scale, batchnorm, noisy_bn
    seeds: np.ndarray  # (S,)
    steps: int
    accuracy: np.ndarray  # (K, S) final test accuracy (NaN where the loss stopped being finite)
    start_loss: np.ndarray  # (K, S) training loss of the first step (at the initial weights)
    end_loss: np.ndarray  # (K, S) mean of the last 10 steps (inf if it stopped being finite)
    start_norms: np.ndarray | None = None  # (K, S, L) ||W|| of every Linear layer at the start
    end_norms: np.ndarray | None = None  # (K, S, L) the same after the run

    @property
    def diverged(self):
        """(K, S) bool: the loss stopped being finite or ended above DIVERGED_FACTOR x start."""
        return ~(self.end_loss <= DIVERGED_FACTOR * self.start_loss)

    def where(self, **match):
        """The settings whose values equal every `match` item (e.g. init_scale=3.0), in order."""
        unknown = set(match) - set(DEFAULTS)
        if unknown:
            raise ValueError(
                f"where() keys must be among {sorted(DEFAULTS)}; got {sorted(unknown)}"
            )
        keep = [k for k, s in enumerate(self.settings) if all(s[n] == v for n, v in match.items())]
        if not keep:
            raise ValueError(f"no setting matches {match}")
        return self._replace(
            settings=tuple(self.settings[k] for k in keep),
            accuracy=self.accuracy[keep],
            start_loss=self.start_loss[keep],
            end_loss=self.end_loss[keep],
            start_norms=None if self.start_norms is None else self.start_norms[keep],
            end_norms=None if self.end_norms is None else self.end_norms[keep],
        )

    def summary(self):
        """Per setting, over the seeds that did not diverge: (mean, min, max) accuracy (K,) each
        (NaN where every seed diverged), and the number of diverged seeds (K,)."""
        acc = np.where(self.diverged, np.nan, self.accuracy)
        n_div = self.diverged.sum(axis=1)
        ok = n_div < acc.shape[1]
        mean, low, high = (np.full(len(acc), np.nan) for _ in range(3))
        mean[ok] = np.nanmean(acc[ok], axis=1)
        low[ok], high[ok] = np.nanmin(acc[ok], axis=1), np.nanmax(acc[ok], axis=1)
        return mean, low, high, n_div


def seeded(seed):
    """The Generator of one independent run (initial weights, then minibatches) from its seed:
    the one place where bnlib turns a seed into randomness.

    >>> float(seeded(0).random()) == float(np.random.default_rng(0).random())
    True
    """
    return np.random.default_rng(seed)


def _setting(raw):
    if not isinstance(raw, dict):
        raise TypeError(f"each setting must be a dict; got {type(raw).__name__} {raw!r:.60}")
    unknown = set(raw) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"setting keys must be among {sorted(DEFAULTS)}; got {sorted(unknown)}")
    if "lr" not in raw:
        raise ValueError(f"every setting needs an lr; got {raw}")
    return {**DEFAULTS, **raw}


def sweep(data, sizes, settings, seeds=(0, 1, 2), steps=150, batch_size=60, activation="sigmoid"):
    """Train `mlp(sizes, ...)` once per (setting, seed) and keep a few numbers per run.

    Inputs: data a Digits-like 4-tuple; sizes [D, ..., C]; settings a list of dicts with keys
    lr (required), init_scale, batchnorm, noisy_bn (as in `mlp`); seeds ints, each seeding one
    Generator that draws the initial weights and then the minibatches (so BN and no BN with the
    same seed start from the same weights); steps per run; batch_size; activation.
    Returns: SweepResult, with every Linear layer's ||W|| at the start and the end of each run
    (with BN after a layer, its effective learning rate is lr / ||W||^2).

    >>> from bnlib.data import load_digits
    >>> r = sweep(load_digits(), [64, 16, 10], [{"lr": 0.5}, {"lr": 1e4}], seeds=(0, 1), steps=30)
    >>> r.accuracy.shape, r.diverged.tolist(), r.end_norms.shape
    ((2, 2), [[False, False], [True, True]], (2, 2, 2))
    """
    settings = tuple(_setting(s) for s in settings)
    if not settings:
        raise ValueError("settings must list at least one setting")
    seeds = check_seeds(seeds)
    steps = check_positive_int(steps, "steps")
    shape = (len(settings), len(seeds))
    accuracy, start, end = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.inf)
    norms = np.full((2, *shape, len(sizes) - 1), np.nan)  # start, end

    def run(i):  # run i = setting i // S, seed i % S; returns what the sweep keeps of it
        s, rng = settings[i // len(seeds)], seeded(seeds[i % len(seeds)])
        model = mlp(
            sizes,
            activation,
            batchnorm=s["batchnorm"],
            init_scale=s["init_scale"],
            rng=rng,
            noisy_bn=s["noisy_bn"],
        )
        first = weight_norms(model, None, None)
        h = train(model, data, steps, batch_size, s["lr"], rng, eval_every=steps)
        return h, first, weight_norms(model, None, None)

    for i, (h, first, last) in enumerate(run_each(run, range(accuracy.size))):  # one run per core
        k, j = divmod(i, len(seeds))
        norms[:, k, j] = first, last
        if len(h.loss):
            start[k, j] = h.loss[0]
        if not h.diverged:
            accuracy[k, j], end[k, j] = h.final_accuracy, h.loss[-min(10, steps) :].mean()
    seeds = np.array(seeds, dtype=int)
    return SweepResult(settings, seeds, steps, accuracy, start, end, norms[0], norms[1])
