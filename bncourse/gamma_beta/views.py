"""View for notebook 02's panel: gamma and beta move a normalized activation through a sigmoid."""

from typing import NamedTuple

import numpy as np

from bncourse.runs import generator
from bnlib._checks import check_at_least_two, check_positive_int
from bnlib._numerics import SATURATION_SLOPE, sigmoid


class SigmoidView(NamedTuple):
    gamma: float
    beta: float
    y: np.ndarray  # (n,) sigmoid input gamma * x_hat + beta, x_hat exactly mean 0, variance 1
    s: np.ndarray  # (n,) sigmoid output
    linearity: float  # R^2 of the best straight line through (y, s): 1 = perfectly linear;
    # nan when the output is constant (gamma = 0), where "linear" means nothing
    saturated: float  # fraction of inputs where the slope s(1 - s) < SATURATION_SLOPE
    mean_slope: float  # average s(1 - s), at most 0.25
    gain: float  # |gamma| * mean slope: how much of dL/ds reaches x_hat (the backward gain)
    out_mean: float
    out_std: float

    @property
    def constant(self):
        """True when every input is the same number (gamma = 0): the output carries nothing."""
        return self.out_std == 0.0


def sigmoid_view(gamma=1.0, beta=0.0, n=4000, rng=0):
    """A normalized activation x_hat (mean 0, variance 1) scaled by gamma, shifted by beta and
    passed through a sigmoid, with how linear and how saturated the result is. x_hat is drawn
    by `rng` (a Generator, or an int seed: the same sample on every call).

    >>> v = sigmoid_view(1.0, 0.0)
    >>> round(v.linearity, 3), round(v.saturated, 3), round(v.out_mean, 3)
    (0.985, 0.004, 0.499)
    """
    n = check_at_least_two(check_positive_int(n, "n"), "n", "(one value has no spread)")
    gamma, beta = float(gamma), float(beta)
    z = generator(rng).standard_normal(n)
    x_hat = (z - z.mean()) / z.std()
    y = gamma * x_hat + beta
    s = sigmoid(y)
    slope = s * (1.0 - s)
    # Identical inputs give identical outputs, bit for bit: test that, not a rounded std > 0.
    constant = np.ptp(s) == 0.0
    linearity = float("nan") if constant else float(np.corrcoef(y, s)[0, 1] ** 2)
    return SigmoidView(
        gamma,
        beta,
        y,
        s,
        linearity,
        float(np.mean(slope < SATURATION_SLOPE)),
        float(slope.mean()),
        abs(gamma) * float(slope.mean()),
        float(s.mean()),
        0.0 if constant else float(s.std()),
    )


def regime_facts(v):
    """How linear the output is and how many inputs are saturated, as the readout and the
    figure's description both say it (for a view whose output is not constant)."""
    return (
        f"a straight line explains {100 * v.linearity:.1f}% of the output's variance",
        f"{100 * v.saturated:.1f}% of inputs are saturated",
    )


def describe_sigmoid_view(v):
    """The panel's readout: how linear, how saturated, how much gradient gets back to x_hat."""
    head = f"&gamma; = {v.gamma:.2f}, &beta; = {v.beta:.2f}: "
    if v.constant:
        return head + (
            f"every input is the same number ({v.beta:.2f}), so the output is the constant "
            f"{v.out_mean:.3f}: the unit carries no information and passes no gradient back "
            "to x&#770; (gain 0)"
        )
    return head + (
        "; ".join(regime_facts(v))
        + f"; mean slope {v.mean_slope:.3f} (at most 0.25); gain from x&#770; |&gamma;| "
        f"&times; mean slope {v.gain:.3f}; output mean {v.out_mean:.3f}, std {v.out_std:.3f}"
    )
