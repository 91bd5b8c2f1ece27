"""Exercise checkers for notebook 02: recovering the identity, steering a sigmoid."""

import numpy as np

from ..norms.batchnorm import batchnorm_forward
from ..widgets.gamma_beta import sigmoid_view
from ._feedback import Feedback, _call


def _identity_variants(x, eps):
    """(gamma, beta) pairs of the usual mistakes, with what each got wrong."""
    mu, var = x.mean(0), x.var(0)
    return [
        (
            (np.sqrt(var), mu),
            "close, but eps is missing: BN divided by sqrt(var + eps), so gamma must be "
            "sqrt(var + eps) to undo it exactly (look at the low-variance feature).",
        ),
        (
            (np.sqrt(x.var(0, ddof=1) + eps), mu),
            "use the biased variance (ddof=0, np.var's default): that is what BN divided by.",
        ),
        (
            (var + eps, mu),
            "gamma must be the standard deviation sqrt(var + eps), not the variance.",
        ),
        (
            (1 / np.sqrt(var + eps), mu),
            "gamma is upside down: BN divided by sqrt(var + eps), so multiply by it.",
        ),
        ((mu, np.sqrt(var + eps)), "gamma and beta are swapped: gamma scales, beta shifts."),
        (
            (np.sqrt(var + eps), np.zeros_like(mu)),
            "the scale is right; now shift back by the mean: beta = the batch mean.",
        ),
    ]


def check_identity_params(fn):
    """Check a learner's fn(x, eps) -> (gamma, beta) that makes batch norm return x unchanged."""
    rng = np.random.default_rng(3)
    # The last feature has variance 1e-4, only ten times eps: forgetting eps shows.
    x = rng.normal([4.0, -2.0, 0.5], [3.0, 0.5, 0.01], size=(16, 3))
    eps = 1e-5
    result, failed = _call(fn, (x, eps), "(x, eps)")
    if failed is not None:
        return failed
    if result is None or result is Ellipsis:
        return Feedback(False, "your function returned None: return the pair (gamma, beta).")
    if not (isinstance(result, tuple) and len(result) == 2):
        return Feedback(False, "return a pair (gamma, beta), each of shape (D,).")
    try:
        gamma, beta = (np.asarray(v, dtype=np.float64) for v in result)
    except (TypeError, ValueError):
        return Feedback(False, "gamma and beta must be arrays of numbers.")
    if gamma.shape != (3,) or beta.shape != (3,):
        return Feedback(
            False,
            f"gamma and beta need one value per feature, shape (3,); got {gamma.shape} and "
            f"{beta.shape}. Take the statistics over axis 0.",
        )
    out, _ = batchnorm_forward(x, gamma, beta, eps)
    if np.allclose(out, x, rtol=1e-9, atol=1e-12):
        return Feedback(
            True,
            "batch norm now returns its input (largest difference "
            f"{np.abs(out - x).max():.1e}): gamma = sqrt(var + eps), beta = mean.",
        )
    for (g, b), hint in _identity_variants(x, eps):
        if np.allclose(gamma, g, rtol=1e-9) and np.allclose(beta, b, rtol=1e-9):
            return Feedback(False, hint)
    worst = np.abs(out - x).max()
    return Feedback(False, f"batch norm with your gamma and beta changes x by up to {worst:.3g}.")


def check_steered_sigmoid(gamma, beta, mean_range=(0.75, 0.85), max_saturated=0.05):
    """Check (gamma, beta) that make a sigmoid unit 'mostly on' (mean output in `mean_range`)
    while keeping it responsive (at most `max_saturated` of its inputs saturated)."""
    if gamma is Ellipsis or beta is Ellipsis or gamma is None or beta is None:
        return Feedback(False, "replace the ... with your two numbers (try the sliders first).")
    try:
        gamma, beta = float(gamma), float(beta)
    except (TypeError, ValueError):
        return Feedback(False, f"give two numbers; got {gamma!r} and {beta!r}.")
    if not (np.isfinite(gamma) and np.isfinite(beta)):
        return Feedback(False, "gamma and beta must be finite numbers.")
    v = sigmoid_view(gamma, beta)
    low, high = mean_range
    got = f"(mean output {v.out_mean:.3f}, {100 * v.saturated:.1f}% saturated)"
    if v.out_mean < low:
        return Feedback(False, f"the unit is not on often enough {got}: increase beta.")
    if v.out_mean > high:
        return Feedback(False, f"the unit is on too much {got}: decrease beta a little.")
    if v.saturated > max_saturated:
        return Feedback(
            False,
            f"the mean is right but too many inputs sit on a flat part {got}: a smaller gamma "
            "narrows the inputs (then re-adjust beta).",
        )
    return Feedback(
        True,
        f"mean output {v.out_mean:.3f} and only {100 * v.saturated:.1f}% saturated. With "
        "gamma = 1 and beta = 0 the mean would be stuck at 0.5: only beta can move it.",
    )
