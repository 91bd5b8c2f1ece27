"""Exercise checkers for notebook 02: recovering the identity, steering a sigmoid."""

import numpy as np

from ..norms.batchnorm import batchnorm_forward
from ..views.gamma_beta import sigmoid_view
from ._feedback import Feedback, _as_array, _as_number, _call


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


def _pair_of_arrays(result, d):
    """(gamma, beta) float arrays of shape (d,) from a learner's result, or (None, Feedback)."""
    if result is None or result is Ellipsis:
        return None, Feedback(False, "your function returned None: return the pair (gamma, beta).")
    if not (isinstance(result, tuple | list) and len(result) == 2):
        return None, Feedback(False, "return a pair (gamma, beta), each of shape (D,).")
    gamma, beta = (_as_array(v) for v in result)
    if gamma is None or beta is None:
        return None, Feedback(False, "gamma and beta must be arrays of numbers.")
    if gamma.shape != (d,) or beta.shape != (d,):
        return None, Feedback(
            False,
            f"gamma and beta need one value per feature, shape ({d},); got {gamma.shape} and "
            f"{beta.shape}. Take the statistics over axis 0.",
        )
    if not (np.isfinite(gamma).all() and np.isfinite(beta).all()):
        return None, Feedback(False, "your gamma or beta holds NaN or infinite values.")
    return (gamma, beta), None


def _identity_case(fn, loc, scale, n, eps):
    """The feedback for one batch; None when batch norm with the answer returns x."""
    x = np.random.default_rng(3).normal(loc, scale, size=(n, len(loc)))
    result, failed = _call(fn, (x, eps), "(x, eps)")
    if failed is not None:
        return failed
    pair, failed = _pair_of_arrays(result, x.shape[1])
    if failed is not None:
        return failed
    gamma, beta = pair
    out, _ = batchnorm_forward(x, gamma, beta, eps)
    if np.allclose(out, x, rtol=1e-9, atol=1e-12):
        return None
    for (g, b), hint in _identity_variants(x, eps):
        if np.allclose(gamma, g, rtol=1e-9) and np.allclose(beta, b, rtol=1e-9):
            return Feedback(False, hint)
    if np.allclose(gamma, np.sqrt(x.var(0) + 1e-5), rtol=1e-9) and eps != 1e-5:
        return Feedback(
            False,
            f"your gamma uses eps = 1e-5 although the function was called with eps = {eps:g}: "
            "use the eps argument.",
        )
    worst = np.abs(out - x).max()
    return Feedback(False, f"batch norm with your gamma and beta changes x by up to {worst:.3g}.")


def check_identity_params(fn):
    """Check a learner's fn(x, eps) -> (gamma, beta) that makes batch norm return x unchanged.

    Two batches with two values of eps, so a hard-coded eps fails; in each, one feature has a
    variance close to eps, so forgetting eps shows."""
    for loc, scale, n, eps in (
        ([4.0, -2.0, 0.5], [3.0, 0.5, 0.01], 16, 1e-5),
        ([0.0, 7.0, -1.0, 2.0], [1.0, 2.0, 0.03, 0.2], 9, 1e-3),
    ):
        failed = _identity_case(fn, loc, scale, n, eps)
        if failed is not None:
            return failed
    return Feedback(
        True,
        "batch norm now returns its input on two batches with two values of eps: "
        "gamma = sqrt(var + eps), beta = mean.",
    )


# "Still responsive": the output must vary. A std of 0.05 is a tenth of what gamma = 1,
# beta = 0 gives (0.21); below it the unit is close to a constant.
MIN_OUTPUT_STD = 0.05


def check_steered_sigmoid(gamma, beta, mean_range=(0.75, 0.85), max_saturated=0.05):
    """Check (gamma, beta) that make a sigmoid unit 'mostly on' (mean output in `mean_range`)
    while keeping it responsive: its output varies (std >= MIN_OUTPUT_STD) and at most
    `max_saturated` of its inputs are saturated."""
    if gamma is Ellipsis or beta is Ellipsis or gamma is None or beta is None:
        return Feedback(False, "replace the ... with your two numbers (try the sliders first).")
    (gamma, beta), failed = _numbers((gamma, beta), ("gamma", "beta"))
    if failed is not None:
        return failed
    if max(abs(gamma), abs(beta)) > 1e6:
        return Feedback(
            False,
            f"gamma = {gamma:g}, beta = {beta:g} put almost every input far out on a flat part "
            "of the sigmoid: the unit is a fixed switch. Use numbers of order 1.",
        )
    v = sigmoid_view(gamma, beta)
    low, high = mean_range
    got = (
        f"(mean output {v.out_mean:.3f}, output std {v.out_std:.3f}, "
        f"{100 * v.saturated:.1f}% saturated)"
    )
    centred = sigmoid_view(gamma, 0.0)  # what gamma alone does, before beta moves the mean
    if centred.out_std < MIN_OUTPUT_STD:
        return Feedback(
            False,
            f"the output barely varies {got}: with |gamma| = {abs(gamma):g} every input is "
            "nearly the same number, and a unit whose output is (nearly) constant passes no "
            f"information on, whatever its mean. Increase |gamma| (output std at least "
            f"{MIN_OUTPUT_STD}).",
        )
    spread = centred.saturated
    if spread > max_saturated:
        return Feedback(
            False,
            f"gamma = {gamma:g} is too large {got}: even with beta = 0, "
            f"{100 * spread:.0f}% of the inputs would sit on the flat parts. Reduce gamma first, "
            "then use beta to move the mean.",
        )
    if v.out_mean < low:
        return Feedback(False, f"the unit is not on often enough {got}: increase beta.")
    if v.out_mean > high:
        return Feedback(False, f"the unit is on too much {got}: decrease beta a little.")
    if v.saturated > max_saturated:
        return Feedback(
            False,
            f"the mean is right but too many inputs sit on the upper flat part {got}: a smaller "
            "gamma narrows the inputs (then re-adjust beta).",
        )
    return Feedback(
        True,
        f"mean output {v.out_mean:.3f}, output std {v.out_std:.3f}, only "
        f"{100 * v.saturated:.1f}% saturated. With gamma = 1 and beta = 0 the mean would be stuck "
        "at 0.5: only beta can move it.",
    )


def _numbers(values, names):
    """Real finite numbers from a learner's answers, or (Nones, Feedback)."""
    out = []
    for value, name in zip(values, names, strict=True):
        number, failed = _as_number(value)
        if failed is not None:
            return (None,) * len(names), Feedback(False, f"{name}: {failed.message}")
        out.append(number)
    return tuple(out), None
