"""Slider panels: each wires ipywidgets sliders to a view function of its notebook's folder and
a plot function. Only the wiring lives in a folder's `panel.py`: the computations are the views
(tested without a browser), the recorded runs are the folder's studies. `PANELS` lists every
panel factory, and `SliderPanel.slider_values` every value each slider can take, so tests and
benchmarks can sweep them all.
"""

from bncourse.convolution.panel import channel_noise_panel
from bncourse.covariate_shift.panel import covariate_shift_panel
from bncourse.gamma_beta.panel import gamma_beta_panel
from bncourse.inference.panel import running_estimate_panel
from bncourse.normalization.panel import batch_size_panel, epsilon_panel
from bncourse.optimization.panel import weight_decay_panel
from bncourse.recurrent.panel import recurrent_gamma_panel
from bncourse.slider_panel import SliderPanel, slider_values
from bncourse.small_batches.panel import small_batch_panel

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
__all__ = ["PANELS", "SliderPanel", "slider_values", *PANELS]
