"""Slider panel for notebook 07: gamma_init and the gradient through time in a BN-RNN.

Cooijmans et al.'s Figure 1 at small scale: the norm of the loss gradient with respect to each
hidden state h_t, at initialization, on the digits read pixel by pixel (T = 64). Every slider
value is computed once when the panel is built; a slider move only looks it up and redraws.
"""

from bncourse.recurrent import plots
from bncourse.recurrent.studies import GAMMAS, digits_by_pixel, rnn_gradient_table
from bncourse.recurrent.views import describe_gradient_view, gradient_view
from bncourse.slider_panel import SliderPanel, selection_slider


def recurrent_gamma_panel(n=100, hidden_size=32, table=None, plain=None):
    """A slider over gamma_init for `rnn_gradient_flow` (plotted by
    `plots.gradient_through_time`). Every value is computed when the panel is built, unless
    `table` and `plain` (from `rnn_gradient_table`) are passed in."""
    if table is None or plain is None:
        table, plain = rnn_gradient_table(*digits_by_pixel(n), hidden_size)
    return SliderPanel.of_view(
        gradient_view,
        plots.gradient_through_time,
        describe_gradient_view,
        {"gamma_init": selection_slider(list(GAMMAS), 0.1, "initial γ")},
        figsize=(9.5, 3.4),
        table=table,
        plain=plain,
    )
