"""Slider panels for notebook 01: batch size and epsilon."""

import ipywidgets as w

from bncourse.normalization import plots
from bncourse.normalization.views import (
    batch_spread_view,
    describe_batch_spread_view,
    describe_epsilon_view,
    epsilon_view,
)
from bncourse.slider_panel import SliderPanel, eps_slider, selection_slider

BATCH_SIZES = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 256)


def batch_size_panel(n_batches=500, seed=0):
    """Slider over batch size for `batch_spread_view` (plotted by `plots.batch_spread`)."""
    return SliderPanel.of_view(
        batch_spread_view,
        plots.batch_spread,
        describe_batch_spread_view,
        {"batch_size": selection_slider(BATCH_SIZES, 8, "batch size")},
        figsize=(11, 3.2),
        ncols=3,
        n_batches=n_batches,
        rng=seed,
    )


def epsilon_panel(seed=0):
    """Sliders over eps and the feature's standard deviation for `epsilon_view`."""
    sliders = {
        "eps": eps_slider(),
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
    return SliderPanel.of_view(
        epsilon_view,
        plots.epsilon_effect,
        describe_epsilon_view,
        sliders,
        figsize=(9, 3.2),
        try_values={"eps": (1e-8, 1e-5, 1e-4, 1e-3), "feature_std": (1e-4, 1e-2)},
        rng=seed,
    )
