"""Slider panel for notebook 08: batch size and eps for `bnlib.views.small_batch_view`."""

import ipywidgets as w

from bncourse.slider_panel import SliderPanel
from bncourse.small_batches import plots
from bncourse.small_batches.views import BATCH_SIZES, describe_small_batch_view, small_batch_view


def small_batch_panel(n_batches=300, seed=0):
    """Sliders over batch size and eps for `small_batch_view` (`plots.small_batch_outputs`)."""
    sliders = {
        "batch_size": w.SelectionSlider(
            options=BATCH_SIZES, value=4, description="batch size", continuous_update=True
        ),
        "eps": w.FloatLogSlider(
            value=1e-5, base=10, min=-8, max=0, step=0.25, description="eps", readout_format=".1e"
        ),
    }
    return SliderPanel(
        lambda batch_size, eps: small_batch_view(batch_size, eps, n_batches, seed),
        plots.small_batch_outputs,
        sliders,
        ncols=2,
        figsize=(10, 3.4),
        describe=describe_small_batch_view,
        try_values={"batch_size": (1, 2, 128), "eps": (1e-4, 1e-3, 1e-2, 1.0)},
    )
