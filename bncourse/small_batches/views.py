"""View for notebook 08's panel: one example through four normalizations, batch size and eps.

A layer has 8 features: features 0-3 have a small standard deviation (0.03, variance 9e-4),
features 4-7 a unit one. One fixed example sits one standard deviation above the mean in every
feature; it is normalized together with batch_size - 1 random batch mates, in many batches.
Batch norm and Batch Renorm (whose running statistics are taken to be the population's, as
after long training; r_max = 3, d_max = 5) depend on the batch mates; layer norm (over the 8
features) and group norm (2 groups of 4) depend on the example alone.
"""

from functools import lru_cache
from typing import NamedTuple

import numpy as np

from bncourse.batch_statistics import (  # noqa: F401 (batch_spread_view: step 1 of notebook 08)
    batch_spread_view,
    eps_grid,
)
from bncourse.runs import generator
from bnlib._checks import check_eps, check_positive_int
from bnlib._kernels import normalize
from bnlib.groupnorm import groupnorm_forward
from bnlib.renorm import renorm_correction

METHODS = ("batch norm", "batch renorm", "layer norm", "group norm")


MEANS = np.array([0.1, -0.05, 0.0, 0.05, 2.0, -1.0, 0.5, 1.0])


STDS = np.array([0.03] * 4 + [1.0] * 4)


EXAMPLE = MEANS + STDS  # one standard deviation above the mean in every feature


R_MAX, D_MAX = 3.0, 5.0


EPS_GRID = eps_grid()  # the eps slider's values


BATCH_SIZES = (1, 2, 3, 4, 8, 16, 32, 64, 128)


class SmallBatchView(NamedTuple):
    batch_size: int
    eps: float
    outputs: np.ndarray  # (4, n_batches) the example's feature-0 output, per method and batch
    ideal: float  # (x - mu) / sqrt(var + eps) with the population's mu and var: about 1
    eps_grid: np.ndarray  # (E,)
    curves: np.ndarray  # (4, E) share var / (var + eps) of the variance each divides by


@lru_cache(maxsize=4)
def _mates(n_batches, rng):
    """(max batch size - 1, n_batches, 8) random batch mates drawn from the population by
    `rng` (cached per int seed)."""
    mates = MEANS + STDS * generator(rng).standard_normal((max(BATCH_SIZES) - 1, n_batches, 8))
    mates.flags.writeable = False
    return mates


def small_batch_view(batch_size, eps, n_batches=300, rng=0):
    """Feature 0 of one fixed example, normalized by each method in `n_batches` random batches
    of `batch_size` (the example and batch_size - 1 mates), with this `eps`. The mates are
    drawn by `rng` (a Generator, or an int seed: the same mates on every call).

    >>> v = small_batch_view(2, 1e-5)
    >>> v.outputs.shape, [round(float(np.std(o)), 3) for o in v.outputs[2:]]
    ((4, 300), [0.0, 0.0])
    """
    m = check_positive_int(batch_size, "batch_size")
    eps = check_eps(eps)
    if m > max(BATCH_SIZES):
        raise ValueError(f"batch_size must be <= {max(BATCH_SIZES)}; got {m}")
    mates = (_mates if isinstance(rng, int) else _mates.__wrapped__)(n_batches, rng)
    mates = mates[: m - 1, :, :1]  # feature 0 only
    batches = np.concatenate([np.full((1, n_batches, 1), EXAMPLE[0]), mates])
    _, xc, var, _ = normalize(batches, eps)  # statistics per batch over its m rows
    xc0, var = xc[0, :, 0], var[:, 0]  # the example's x - mu_B, and var_B, per batch
    grid = np.union1d(EPS_GRID, [eps])
    eps_column = grid[:, None]  # (E, 1) against (n_batches,): (E, n_batches)
    r, d = renorm_correction(
        EXAMPLE[0] - xc0, var, MEANS[0], STDS[0] ** 2, R_MAX, D_MAX, eps_column
    )
    bn = xc0 / np.sqrt(var + eps_column)
    renorm = bn * r + d
    per_sample = np.array([[_groups(e, g) for e in grid] for g in (1, 2)])  # (2, E)
    # The variance each method divides by, and the share var / (var + eps) of it that is kept.
    divided_by = [var[None, :], STDS[0] ** 2, EXAMPLE.var(), EXAMPLE[:4].var()]
    curves = np.array([np.mean(v / (v + grid[:, None]), axis=-1) for v in divided_by])
    k = int(np.searchsorted(grid, eps))
    outputs = np.vstack([bn[k], renorm[k], np.repeat(per_sample[:, k : k + 1], n_batches, 1)])
    return SmallBatchView(m, eps, outputs, STDS[0] / np.sqrt(STDS[0] ** 2 + eps), grid, curves)


def _groups(eps, num_groups):
    """Feature 0 of the example after group norm (1 group: layer norm over the 8 features)."""
    out, _ = groupnorm_forward(EXAMPLE[None], 1.0, 0.0, num_groups, eps)
    return out[0, 0]


def describe_small_batch_view(v):
    parts = [
        f"{name}: {o.mean():.2f} ± {o.std():.2f}"
        for name, o in zip(METHODS, v.outputs, strict=True)
    ]
    text = (
        f"batch size {v.batch_size}, eps {v.eps:.1e}. The example's feature 0 after each method "
        f"(mean ± spread over {v.outputs.shape[1]} batches): " + "; ".join(parts) + "."
    )
    if v.batch_size == 1:
        text += (
            " Batch of one: x - mu_B = 0, so batch norm gives 0 (just beta) whatever x is;"
            " Batch Renorm gives d = (x - running mean) / s (the inference value, if not"
            " clipped); layer and group norm do not notice."
        )
    return text
