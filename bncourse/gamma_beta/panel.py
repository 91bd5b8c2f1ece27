"""Slider panel for notebook 02: gamma and beta move a normalized activation through a sigmoid."""

import ipywidgets as w

from bncourse.gamma_beta import plots
from bncourse.gamma_beta.views import describe_sigmoid_view, sigmoid_view
from bncourse.slider_panel import SliderPanel


def gamma_beta_panel(seed=0):
    """Sliders over gamma and beta for `sigmoid_view` (plotted by `plots.sigmoid_regime`)."""
    sliders = {
        "gamma": w.FloatSlider(value=1.0, min=0.0, max=5.0, step=0.1, description="gamma"),
        "beta": w.FloatSlider(value=0.0, min=-5.0, max=5.0, step=0.1, description="beta"),
    }
    return SliderPanel.of_view(
        sigmoid_view,
        plots.sigmoid_regime,
        describe_sigmoid_view,
        sliders,
        figsize=(9, 3.2),
        try_values={"gamma": (0.0, 0.3, 1.0, 3.0, 5.0), "beta": (0.0, 2.0, 5.0)},
        rng=seed,
    )
