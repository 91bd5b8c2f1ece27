"""Slider panels: each wires ipywidgets sliders to a `bnlib.views` function and a `bnlib.plots`
function. Only the wiring lives here: the computations are the views (tested without a
browser), the recorded runs are `bnlib.experiments`. `PANELS` lists every panel factory, and
`SliderPanel.slider_values` every value each slider can take, so tests and benchmarks can
sweep them all.
"""

from ._panel import SliderPanel, slider_values
from .conv import channel_noise_panel
from .covariate_shift import covariate_shift_panel
from .gamma_beta import gamma_beta_panel
from .inference import running_estimate_panel
from .normalization import batch_size_panel, epsilon_panel
from .optimization import weight_decay_panel
from .recurrent import recurrent_gamma_panel
from .small_batches import small_batch_panel

PANELS = {
    "batch_size_panel": batch_size_panel,
    "epsilon_panel": epsilon_panel,
    "gamma_beta_panel": gamma_beta_panel,
    "running_estimate_panel": running_estimate_panel,
    "channel_noise_panel": channel_noise_panel,
    "recurrent_gamma_panel": recurrent_gamma_panel,
    "covariate_shift_panel": covariate_shift_panel,
    "small_batch_panel": small_batch_panel,
    "weight_decay_panel": weight_decay_panel,
}
__all__ = [
    "PANELS",
    "SliderPanel",
    "batch_size_panel",
    "channel_noise_panel",
    "covariate_shift_panel",
    "epsilon_panel",
    "gamma_beta_panel",
    "recurrent_gamma_panel",
    "running_estimate_panel",
    "slider_values",
    "small_batch_panel",
]

__all__ += ["weight_decay_panel"]
