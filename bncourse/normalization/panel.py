"""Slider panels for notebook 01: batch size and epsilon."""

import ipywidgets as w

from bncourse.normalization import plots
from bncourse.normalization.views import (
    batch_spread_view,
    describe_batch_spread_view,
    describe_epsilon_view,
    epsilon_view,
)
from bncourse.slider_panel import SliderPanel

BATCH_SIZES = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 256)


def batch_size_panel(n_batches=500, seed=0):
    """Slider over batch size for `batch_spread_view` (plotted by `plots.batch_spread`)."""
    slider = w.SelectionSlider(
        options=BATCH_SIZES, value=8, description="batch size", continuous_update=True
    )
    return SliderPanel(
        lambda batch_size: batch_spread_view(batch_size, n_batches=n_batches, seed=seed),
        plots.batch_spread,
        {"batch_size": slider},
        ncols=3,
        figsize=(11, 3.2),
        describe=describe_batch_spread_view,
    )


def epsilon_panel(seed=0):
    """Sliders over eps and the feature's standard deviation for `epsilon_view`."""
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
        lambda eps, feature_std: epsilon_view(eps, feature_std, seed=seed),
        plots.epsilon_effect,
        sliders,
        ncols=2,
        figsize=(9, 3.2),
        describe=describe_epsilon_view,
        try_values={"eps": (1e-8, 1e-5, 1e-4, 1e-3), "feature_std": (1e-4, 1e-2)},
    )
