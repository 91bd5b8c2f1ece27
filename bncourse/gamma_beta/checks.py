"""Exercise checkers for notebook 02: recovering the identity, steering a sigmoid."""

import numpy as np

from bncourse import answers as A
from bncourse.answers import COMMON_EPS
from bncourse.feedback import Feedback
from bncourse.gamma_beta.views import sigmoid_view


def _identity_variants(x, eps):
    """(gamma, beta) pairs of the usual mistakes, with what each got wrong."""
    mu, var = x.mean(0), x.var(0)
    return [
        (
            (np.sqrt(var) + eps, mu),
            "eps sits outside the square root: BN divided by sqrt(var + eps), so gamma must be "
            "sqrt(var + eps), not sqrt(var) + eps.",
        ),
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


def _identity_case(fn, loc, scale, n, eps):
    """The feedback for one batch: passes when batch norm with the answer returns x."""
    x = np.random.default_rng(3).normal(loc, scale, size=(n, len(loc)))
    d = x.shape[1]
    result, failed = A.call(fn, (x, eps), "(x, eps)")
    if failed is not None:
        return failed
    parts, failed = A.items(result, ("gamma", "beta"))
    if failed is not None:
        return failed
    got = []
    for name, part in zip(("gamma", "beta"), parts, strict=True):
        arr, failed = A.array(part, (d,), f"your {name}", keepdims=((1, d),))
        if failed is not None:
            failed.message += f" One value per feature: statistics over axis 0, shape ({d},)."
            return failed
        got.append(arr)
    want = (np.sqrt(x.var(0) + eps), x.mean(0))
    variants = _identity_variants(x, eps) + [
        (
            (np.sqrt(x.var(0) + other), x.mean(0)),
            f"your gamma uses eps = {other:g} although the function was called with "
            f"eps = {eps:g}: use the eps argument.",
        )
        for other in COMMON_EPS
        if other != eps
    ]
    return A.judge(tuple(got), want, variants, "right", "your (gamma, beta)", ("gamma", "beta"))


def check_identity_params(fn):
    """Check a learner's fn(x, eps) -> (gamma, beta) that makes batch norm return x unchanged.

    Two batches with two values of eps, so a hard-coded eps fails; in each, one feature has a
    variance close to eps, so forgetting eps shows."""
    for loc, scale, n, eps in (
        ([4.0, -2.0, 0.5], [3.0, 0.5, 0.01], 16, 1e-5),
        ([0.0, 7.0, -1.0, 2.0], [1.0, 2.0, 0.03, 0.2], 9, 1e-3),
    ):
        feedback = _identity_case(fn, loc, scale, n, eps)
        if not feedback:
            return feedback
    return Feedback(
        True,
        "batch norm now returns its input on two batches with two values of eps: "
        "gamma = sqrt(var + eps), beta = mean.",
    )


# "Still responsive": the output must vary. A std of 0.05 is a quarter of what gamma = 1,
# beta = 0 gives (0.21); below it the unit is close to a constant.
MIN_OUTPUT_STD = 0.05


def check_steered_sigmoid(gamma, beta, mean_range=(0.75, 0.85), max_saturated=0.05):
    """Check (gamma, beta) that make a sigmoid unit 'mostly on': mean output in `mean_range`,
    output std at least MIN_OUTPUT_STD (the unit still responds), and at most `max_saturated`
    of its inputs saturated. All three are judged at the learner's (gamma, beta)."""
    values = []
    for value, name in ((gamma, "gamma"), (beta, "beta")):
        if A.missing(value):
            return Feedback(False, "replace the ... with your two numbers (try the sliders first).")
        got, failed = A.number(value, name)
        if failed is not None:
            return failed
        values.append(got)
    gamma, beta = values
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
    spread = sigmoid_view(gamma, 0.0).saturated  # what gamma alone does, before beta moves it
    if spread > max_saturated:
        return Feedback(
            False,
            f"gamma = {gamma:g} is too large {got}: even with beta = 0, {100 * spread:.1f}% of "
            f"the inputs would sit on the flat parts (at most {100 * max_saturated:g}%). Reduce "
            "gamma first, then use beta to move the mean.",
        )
    if v.out_mean < low:
        return Feedback(False, f"the unit is not on often enough {got}: increase beta.")
    if v.out_mean > high:
        return Feedback(False, f"the unit is on too much {got}: decrease beta a little.")
    if v.out_std < MIN_OUTPUT_STD:
        return Feedback(
            False,
            f"the output barely varies {got}: a unit whose output is (nearly) constant passes "
            f"no information on, whatever its mean. The output std must be at least "
            f"{MIN_OUTPUT_STD}: increase |gamma| (then re-adjust beta).",
        )
    if v.saturated > max_saturated:
        return Feedback(
            False,
            f"the mean is right but too many inputs sit on the upper flat part {got}, more than "
            f"{100 * max_saturated:g}%: a smaller gamma narrows the inputs (then re-adjust beta).",
        )
    return Feedback(
        True,
        f"mean output {v.out_mean:.3f} (wanted {low:g} to {high:g}), output std {v.out_std:.3f} "
        f"(at least {MIN_OUTPUT_STD:g}), only {100 * v.saturated:.1f}% saturated (at most "
        f"{100 * max_saturated:g}%). With gamma = 1 and beta = 0 the mean would be stuck at 0.5: "
        "only beta can move it.",
    )
