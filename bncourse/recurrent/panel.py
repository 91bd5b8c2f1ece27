"""Slider panel for notebook 07: gamma_init and the gradient through time in a BN-RNN.

Cooijmans et al.'s Figure 1 at small scale: the norm of the loss gradient with respect to each
hidden state h_t, at initialization, on the digits read pixel by pixel (T = 64). Every slider
value is computed once when the panel is built; a slider move only looks it up and redraws.
"""

import ipywidgets as w

from bncourse.recurrent import plots
from bncourse.recurrent.studies import GAMMAS, digits_by_pixel, rnn_gradient_table
from bncourse.recurrent.views import describe_gradient_view, gradient_view
from bncourse.slider_panel import SliderPanel


def recurrent_gamma_panel(n=100, hidden_size=32, table=None, plain=None):
    """A slider over gamma_init for `rnn_gradient_flow` (plotted by
    `plots.gradient_through_time`). Every value is computed when the panel is built, unless
    `table` and `plain` (from `rnn_gradient_table`) are passed in."""
    if table is None or plain is None:
        table, plain = rnn_gradient_table(*digits_by_pixel(n), hidden_size)
    slider = w.SelectionSlider(options=list(GAMMAS), value=0.1, description="initial γ")
    return SliderPanel(
        lambda gamma_init: gradient_view(gamma_init, table, plain),
        plots.gradient_through_time,
        {"gamma_init": slider},
        ncols=2,
        figsize=(9.5, 3.4),
        describe=describe_gradient_view,
    )
