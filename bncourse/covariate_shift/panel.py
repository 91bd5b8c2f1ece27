"""Slider panel for notebook 04: scrub through recorded training runs and watch what one
hidden layer's sigmoids receive, without BN and with BN side by side.

The runs are recorded once (by the notebook, or by `record_layer_inputs` when the panel is
built without them); a slider move only looks up a stored histogram and redraws.
"""

import ipywidgets as w

from bncourse.covariate_shift import plots
from bncourse.covariate_shift.studies import record_layer_inputs
from bncourse.covariate_shift.views import (
    _common_steps,
    describe_layer_input_view,
    layer_input_view,
)
from bncourse.slider_panel import SliderPanel, selection_slider


def covariate_shift_panel(runs=None, name="histograms"):
    """Sliders over training step and hidden layer for `layer_input_view` (plotted by
    `plots.layer_inputs`). `runs`: label -> History recorded with `layer_input_histograms`
    on `EDGES`; None records two short runs with `record_layer_inputs`."""
    runs = record_layer_inputs() if runs is None else dict(runs)
    steps = [int(s) for s in _common_steps(runs, name)]
    n_layers = next(iter(runs.values())).records[name].shape[1]
    sliders = {
        "step": selection_slider(steps, steps[-1], "step"),
        "layer": w.IntSlider(value=n_layers, min=1, max=n_layers, description="hidden layer"),
    }
    return SliderPanel.of_view(
        layer_input_view,
        plots.layer_inputs,
        describe_layer_input_view,
        sliders,
        figsize=(4.2 * len(runs), 3.2),
        ncols=len(runs),
        try_values={"step": [s for s in steps if s <= 500], "layer": (1, n_layers)},
        runs=runs,
        name=name,
    )
