"""How far batch statistics stray from the truth, by batch size: the measurement behind
notebook 01's batch-size panel and notebook 08's first step (shared by both folders' views).
"""

from typing import NamedTuple

import numpy as np

from bncourse.runs import generator
from bnlib._checks import check_eps, check_positive, check_positive_int
from bnlib._kernels import normalize

# The eps the course's panels explore (the eps sliders of notebooks 01 and 08, the eps axis of
# 08's view): log10(eps) from -8 to 0 in steps of 0.25. `eps_grid` lists them.
EPS_EXPONENTS = (-8.0, 0.0, 0.25)


def eps_grid():
    """Every eps of `EPS_EXPONENTS`: (33,) from 1e-8 to 1.

    >>> g = eps_grid()
    >>> len(g), float(g[0]), float(g[-1])
    (33, 1e-08, 1.0)
    """
    low, high, step = EPS_EXPONENTS
    return 10.0 ** np.arange(low, high + 0.01, step)


class BatchSpread(NamedTuple):
    batch_size: int
    mean: float
    std: float
    batch_means: np.ndarray  # (n_batches,)
    batch_vars: np.ndarray  # (n_batches,) biased
    expected_batch_var: float  # (m - 1) / m * std**2
    example: float  # one fixed input value, normalized inside every batch
    x_hat_example: np.ndarray  # (n_batches,)
    x_hat_ideal: float  # (example - mean) / std


def batch_spread_view(batch_size, n_batches=500, mean=2.0, std=3.0, eps=1e-5, rng=0):
    """How much the batch mean, batch variance and one example's normalized value vary from
    batch to batch, for batches of `batch_size` drawn from Normal(mean, std**2) by `rng` (a
    Generator, or an int seed: the same batches on every call).

    >>> s = batch_spread_view(64, n_batches=2000)
    >>> bool(abs(s.batch_means.std() - 3.0 / 8) < 0.03)
    True
    """
    m = check_positive_int(batch_size, "batch_size")
    std = check_positive(std, "std")
    eps = check_eps(eps)
    batches = generator(rng).normal(mean, std, size=(m, n_batches))  # one column per batch
    _, _, batch_vars, _ = normalize(batches, eps)
    example = mean + std
    with_example = np.vstack([np.full((1, n_batches), example), batches[1:]])
    x_hat, _, _, _ = normalize(with_example, eps)
    return BatchSpread(
        m,
        mean,
        std,
        batches.mean(axis=0),
        batch_vars,
        (m - 1) / m * std**2,
        example,
        x_hat[0],
        (example - mean) / std,
    )


def describe_batch_spread_view(s):
    return (
        f"batch size {s.batch_size}: batch means vary by ±{s.batch_means.std():.3f} "
        f"(σ/√m = {s.std / np.sqrt(s.batch_size):.3f}); batch variances average "
        f"{s.batch_vars.mean():.2f} (true {s.std**2:g}); the example's x̂ varies by "
        f"±{s.x_hat_example.std():.3f} around {s.x_hat_example.mean():.3f} "
        f"(ideal {s.x_hat_ideal:g})"
    )
