"""View for notebook 07's panel: the gradient through time for one gamma_init, beside the plain
RNN and every other slider value (from `bnlib.experiments.rnn_gradient_table`).
"""

from typing import NamedTuple

from bncourse.recurrent.studies import GradientFlow


class GradientView(NamedTuple):
    current: GradientFlow  # the slider's gamma_init
    plain: GradientFlow
    table: dict  # gamma -> GradientFlow, every slider value (drawn faintly)


def describe_gradient_view(v):
    c, p, r8 = v.current, v.plain, v.current.ratio(8)
    return (
        f"&gamma;<sub>init</sub> = {c.gamma_init:.1f}: per step from t = 63 back to 8 the gradient "
        f"is multiplied by {c.step_gain:.3f} (seeds {c.step_gains.min():.3f} to "
        f"{c.step_gains.max():.3f}; plain RNN {p.step_gain:.3f}), so at t = 8 it is "
        f"{r8.mean():.2g} &times; the one at t = 63 (seeds {r8.min():.2g} to {r8.max():.2g}). "
        f"RMS tanh slope {c.rms_slope:.2f} &times; &gamma;/&sigma; of the recurrent term "
        f"{c.recurrent_gain:.2f} = {c.rms_slope * c.recurrent_gain:.3f}; mean tanh slope (the "
        f"paper's factor) {c.tanh_slope:.2f}. Before t = 8 the blank first pixels blow the "
        "gradient up: an artefact of their tiny batch variance"
    )


def gradient_view(gamma_init, table, plain):
    """The panel's view for one `gamma_init`: a GradientView of `table[gamma_init]` beside
    the plain RNN and the whole table (all from `bnlib.experiments.rnn_gradient_table`)."""
    if gamma_init not in table:
        raise ValueError(f"gamma_init must be one of {sorted(table)}; got {gamma_init!r}")
    return GradientView(table[gamma_init], plain, table)
