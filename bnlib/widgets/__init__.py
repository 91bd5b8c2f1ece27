"""Slider panels: each wires sliders to a pure compute function and a `bnlib.plots` function.

The compute functions are ordinary functions, importable and tested without a browser; every
slider value they can receive is valid, so moving a slider never raises. `PANELS` lists every
panel factory, so tests and benchmarks can sweep them all.
"""

from ._panel import SliderPanel
from .covariate_shift import (
    covariate_shift_panel,
    describe_layer_input_view,
    layer_input_view,
    record_layer_inputs,
)
from .gamma_beta import describe_sigmoid_view, gamma_beta_panel, sigmoid_view
from .inference import (
    default_running_stream,
    describe_running_estimate,
    running_estimate,
    running_estimate_panel,
    running_stream,
)
from .normalization import (
    batch_size_panel,
    batch_spread,
    describe_batch_spread,
    describe_epsilon_effect,
    epsilon_effect,
    epsilon_panel,
)

PANELS = {
    "batch_size_panel": batch_size_panel,
    "epsilon_panel": epsilon_panel,
}
PANELS["gamma_beta_panel"] = gamma_beta_panel

__all__ = [
    "PANELS",
    "SliderPanel",
    "batch_size_panel",
    "batch_spread",
    "describe_batch_spread",
    "describe_epsilon_effect",
    "epsilon_effect",
    "epsilon_panel",
]
__all__ += ["describe_sigmoid_view", "gamma_beta_panel", "sigmoid_view"]

PANELS["running_estimate_panel"] = running_estimate_panel
__all__ += [
    "default_running_stream",
    "describe_running_estimate",
    "running_estimate",
    "running_estimate_panel",
    "running_stream",
]

from .recurrent import (  # noqa: E402
    GAMMAS,
    GradientFlow,
    GradientView,
    describe_gradient_view,
    digits_by_pixel,
    gradient_table,
    gradient_through_time,
    recurrent_gamma_panel,
)

PANELS["recurrent_gamma_panel"] = recurrent_gamma_panel
__all__ += ["GAMMAS", "GradientFlow", "GradientView", "describe_gradient_view"]
__all__ += ["digits_by_pixel", "gradient_table", "gradient_through_time", "recurrent_gamma_panel"]

PANELS["covariate_shift_panel"] = covariate_shift_panel
__all__ += [
    "covariate_shift_panel",
    "describe_layer_input_view",
    "layer_input_view",
    "record_layer_inputs",
]

from .small_batches import (  # noqa: E402
    SmallBatchView,
    describe_small_batch_view,
    small_batch_panel,
    small_batch_view,
)

PANELS["small_batch_panel"] = small_batch_panel
__all__ += ["SmallBatchView", "describe_small_batch_view", "small_batch_panel", "small_batch_view"]
