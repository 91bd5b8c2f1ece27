"""Numerical rules shared across layers: the sigmoid, and what "saturated" means (the one home
of both criteria the course uses: the sigmoid's and the tanh's).

The lowest layer, next to `_checks`: everything above imports these instead of restating them.
"""

import numpy as np

# The sigmoid's slope s(1 - s) peaks at 1/4 (at y = 0); below 0.05, a fifth of the peak, a
# unit is called saturated. That happens for |y| > SATURATED_AT: s(1 - s) = 0.05 at
# s = (1 - sqrt(1 - 4 * 0.05)) / 2, i.e. y = log((1 - s) / s) = 2.8873 (rounded to 3 places).
SATURATION_SLOPE = 0.05
_S = (1.0 - np.sqrt(1.0 - 4.0 * SATURATION_SLOPE)) / 2.0
SATURATED_AT = round(float(np.log((1.0 - _S) / _S)), 3)

# A tanh unit is called saturated when |tanh| > TANH_SATURATED, Karpathy's makemore lecture's
# rule: its slope 1 - t^2 is then below 0.06, about a seventeenth of its peak of 1. A stricter
# rule than the sigmoid's fifth; notebook 10's measurements were made with it, so it stays.
TANH_SATURATED = 0.97


def sigmoid(x):
    """Elementwise 1 / (1 + exp(-x)), computed as 0.5 * (1 + tanh(x / 2)): no overflow.

    Input: x, any shape. Returns: a float64 array of the same shape, in [0, 1].

    >>> sigmoid(np.array([0.0, 1000.0, -1000.0]))
    array([0.5, 1. , 0. ])
    """
    out = np.tanh(0.5 * np.asarray(x, dtype=np.float64))
    out += 1.0
    out *= 0.5
    return out
