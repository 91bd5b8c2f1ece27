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
from .optimization import default_weight_decay_study, weight_decay_panel
from .recurrent import (
    GAMMAS,
    GradientFlow,
    GradientView,
    describe_gradient_view,
    digits_by_pixel,
    gradient_table,
    gradient_through_time,
    recurrent_gamma_panel,
)
from .small_batches import (
    SmallBatchView,
    describe_small_batch_view,
    small_batch_panel,
    small_batch_view,
)

PANELS = {
    "batch_size_panel": batch_size_panel,
    "epsilon_panel": epsilon_panel,
    "gamma_beta_panel": gamma_beta_panel,
    "running_estimate_panel": running_estimate_panel,
    "recurrent_gamma_panel": recurrent_gamma_panel,
    "covariate_shift_panel": covariate_shift_panel,
    "small_batch_panel": small_batch_panel,
    "weight_decay_panel": weight_decay_panel,
}

__all__ = [
    "GAMMAS",
    "GradientFlow",
    "GradientView",
    "PANELS",
    "SliderPanel",
    "SmallBatchView",
    "batch_size_panel",
    "batch_spread",
    "covariate_shift_panel",
    "default_running_stream",
    "describe_batch_spread",
    "describe_epsilon_effect",
    "describe_gradient_view",
    "describe_layer_input_view",
    "describe_running_estimate",
    "describe_sigmoid_view",
    "describe_small_batch_view",
    "digits_by_pixel",
    "epsilon_effect",
    "epsilon_panel",
    "gamma_beta_panel",
    "gradient_table",
    "gradient_through_time",
    "layer_input_view",
    "record_layer_inputs",
    "recurrent_gamma_panel",
    "running_estimate",
    "running_estimate_panel",
    "running_stream",
    "sigmoid_view",
    "small_batch_panel",
    "small_batch_view",
]

__all__ += ["default_weight_decay_study", "weight_decay_panel"]
