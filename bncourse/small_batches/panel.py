"""Slider panel for notebook 08: batch size and eps for `views.small_batch_view`."""

from bncourse.slider_panel import SliderPanel, eps_slider, selection_slider
from bncourse.small_batches import plots
from bncourse.small_batches.views import BATCH_SIZES, describe_small_batch_view, small_batch_view


def small_batch_panel(n_batches=300, seed=0):
    """Sliders over batch size and eps for `small_batch_view` (`plots.small_batch_outputs`)."""
    sliders = {"batch_size": selection_slider(BATCH_SIZES, 4, "batch size"), "eps": eps_slider()}
    return SliderPanel.of_view(
        small_batch_view,
        plots.small_batch_outputs,
        describe_small_batch_view,
        sliders,
        figsize=(10, 3.4),
        try_values={"batch_size": (1, 2, 128), "eps": (1e-4, 1e-3, 1e-2, 1.0)},
        n_batches=n_batches,
        rng=seed,
    )
