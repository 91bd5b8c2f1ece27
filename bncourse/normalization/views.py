"""Views for notebook 01's panels: how batch size spreads the normalized output, how eps
shrinks a small-variance feature. Pure functions of the slider values.
"""

from typing import NamedTuple

import numpy as np

from bncourse.batch_statistics import (  # noqa: F401 (this notebook's panel and 01 use them)
    BatchSpread,
    batch_spread_view,
    describe_batch_spread_view,
)
from bncourse.runs import generator
from bnlib._checks import check_eps, check_positive, check_positive_int
from bnlib._kernels import normalize


class EpsilonEffect(NamedTuple):
    eps: float
    feature_std: float
    x_hat: np.ndarray  # (n,) normalized with eps
    x_hat_no_eps: np.ndarray  # (n,) normalized with eps -> 0
    output_var: float  # measured variance of x_hat
    predicted_var: float  # var_B / (var_B + eps)
    eps_grid: np.ndarray
    curve: np.ndarray  # var_B / (var_B + eps_grid)
    curve_unit: np.ndarray  # 1 / (1 + eps_grid)


def epsilon_view(eps, feature_std=0.01, n=512, rng=0):
    """Normalize one feature of standard deviation `feature_std` with a given eps (its n values
    drawn by `rng`, a Generator or an int seed: the same sample on every call).

    The output variance is var_B / (var_B + eps): close to 1 when var_B >> eps, shrunk towards 0
    when the feature's own variance is comparable to eps or smaller.

    >>> e = epsilon_view(1e-4, feature_std=0.01)
    >>> round(e.output_var, 2), round(e.predicted_var, 2)
    (0.5, 0.5)
    """
    eps = check_eps(eps)
    feature_std = check_positive(feature_std, "feature_std")
    n = check_positive_int(n, "n")
    z = generator(rng).standard_normal((n, 1))
    x = feature_std * (z - z.mean()) / z.std()  # batch variance exactly feature_std**2
    x_hat, _, var, _ = normalize(x, eps)
    x_hat0 = (x - x.mean()) / x.std()
    grid = np.logspace(-9, 1, 121)
    var = float(var[0])
    return EpsilonEffect(
        eps,
        feature_std,
        x_hat[:, 0],
        x_hat0[:, 0],
        float(x_hat.var()),
        var / (var + eps),
        grid,
        var / (var + grid),
        1 / (1 + grid),
    )


def describe_epsilon_view(e):
    return (
        f"feature variance {e.feature_std**2:.1e}, eps {e.eps:.1e}: output variance "
        f"{e.output_var:.4f} (predicted var/(var+eps) = {e.predicted_var:.4f})"
    )
