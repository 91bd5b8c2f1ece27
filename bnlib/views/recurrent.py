"""View for notebook 06's panel: the gradient through time for one gamma_init, beside the plain
RNN and every other slider value (from `bnlib.experiments.rnn_gradient_table`).
"""

from typing import NamedTuple

from ..experiments.rnn_gradients import GradientFlow


class GradientView(NamedTuple):
    current: GradientFlow  # the slider's gamma_init
    plain: GradientFlow
    table: dict  # gamma -> GradientFlow, every slider value (drawn faintly)


def describe_gradient_view(v):
    c, p = v.current, v.plain
    r0, r8, rp = c.ratio(0), c.ratio(8), p.ratio(0)
    return (
        f"&gamma;<sub>init</sub> = {c.gamma_init:.1f}: gradient at t = 0 is {r0.mean():.2g} "
        f"&times; the one at t = 63 (seeds {r0.min():.2g} to {r0.max():.2g}); at t = 8, "
        f"{r8.mean():.2g} &times;. Plain RNN at t = 0: {rp.mean():.2g} &times;. "
        f"Per step from t = 63 back to 8 the gradient is multiplied by {c.step_gain:.3f} on "
        f"average (plain RNN {p.step_gain:.3f}); mean tanh slope {c.tanh_slope:.2f}, "
        f"&gamma;/&sigma; of the recurrent term {c.recurrent_gain:.2f}"
    )


def gradient_view(gamma_init, table, plain):
    """The panel's view for one `gamma_init`: a GradientView of `table[gamma_init]` beside
    the plain RNN and the whole table (all from `bnlib.experiments.rnn_gradient_table`)."""
    if gamma_init not in table:
        raise ValueError(f"gamma_init must be one of {sorted(table)}; got {gamma_init!r}")
    return GradientView(table[gamma_init], plain, table)
