"""Slider panels for notebook 01: batch size and epsilon."""

from typing import NamedTuple

import ipywidgets as w
import numpy as np

from .. import plots
from .._checks import check_eps, check_positive_int
from ..norms.batchnorm import normalize
from ._panel import SliderPanel

BATCH_SIZES = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 256)


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


def batch_spread(batch_size, n_batches=500, mean=2.0, std=3.0, eps=1e-5, seed=0):
    """How much the batch mean, batch variance and one example's normalized value vary from
    batch to batch, for batches of `batch_size` drawn from Normal(mean, std**2).

    >>> s = batch_spread(64, n_batches=2000)
    >>> bool(abs(s.batch_means.std() - 3.0 / 8) < 0.03)
    True
    """
    m = check_positive_int(batch_size, "batch_size")
    eps = check_eps(eps)
    rng = np.random.default_rng(seed)
    batches = rng.normal(mean, std, size=(m, n_batches))  # one column per batch
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


def describe_batch_spread(s):
    return (
        f"batch size {s.batch_size}: batch means vary by ±{s.batch_means.std():.3f} "
        f"(σ/√m = {s.std / np.sqrt(s.batch_size):.3f}); batch variances average "
        f"{s.batch_vars.mean():.2f} (true {s.std**2:g}); the example's x̂ varies by "
        f"±{s.x_hat_example.std():.3f} around {s.x_hat_example.mean():.3f} "
        f"(ideal {s.x_hat_ideal:g})"
    )


def batch_size_panel(n_batches=500, seed=0):
    """Slider over batch size for `batch_spread` (plotted by `plots.batch_spread`)."""
    slider = w.SelectionSlider(
        options=BATCH_SIZES, value=8, description="batch size", continuous_update=True
    )
    return SliderPanel(
        lambda batch_size: batch_spread(batch_size, n_batches=n_batches, seed=seed),
        plots.batch_spread,
        {"batch_size": slider},
        ncols=3,
        figsize=(11, 3.2),
        describe=describe_batch_spread,
    )


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


def epsilon_effect(eps, feature_std=0.01, n=512, seed=0):
    """Normalize one feature of standard deviation `feature_std` with a given eps.

    The output variance is var_B / (var_B + eps): close to 1 when var_B >> eps, shrunk towards 0
    when the feature's own variance is comparable to eps or smaller.

    >>> e = epsilon_effect(1e-4, feature_std=0.01)
    >>> round(e.output_var, 2), round(e.predicted_var, 2)
    (0.5, 0.5)
    """
    eps = check_eps(eps)
    n = check_positive_int(n, "n")
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, 1))
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


def describe_epsilon_effect(e):
    return (
        f"feature variance {e.feature_std**2:.1e}, eps {e.eps:.1e}: output variance "
        f"{e.output_var:.4f} (predicted var/(var+eps) = {e.predicted_var:.4f})"
    )


def epsilon_panel(seed=0):
    """Sliders over eps and the feature's standard deviation for `epsilon_effect`."""
    sliders = {
        "eps": w.FloatLogSlider(
            value=1e-5, base=10, min=-8, max=0, step=0.25, description="eps", readout_format=".1e"
        ),
        "feature_std": w.FloatLogSlider(
            value=0.01,
            base=10,
            min=-4,
            max=1,
            step=0.25,
            description="feature std",
            readout_format=".1e",
        ),
    }
    return SliderPanel(
        lambda eps, feature_std: epsilon_effect(eps, feature_std, seed=seed),
        plots.epsilon_effect,
        sliders,
        ncols=2,
        figsize=(9, 3.2),
        describe=describe_epsilon_effect,
        try_values={"eps": (1e-8, 1e-5, 1e-4, 1e-3), "feature_std": (1e-4, 1e-2)},
    )
