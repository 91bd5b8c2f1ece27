"""Exercise checkers for notebook 10 (batch norm and the optimizer).

Its questions for the review (notebook 11) live with the others in review.json.
"""

import numpy as np

from bncourse import answers as A
from bncourse.feedback import Feedback
from bncourse.optimization.scale_invariance import effective_lr, equilibrium_angular_update

# The precision each typed answer is asked for (the prompts say it): two significant figures
# tell every named mistake apart from the answer.
ANGLE_DIGITS = 2
EFFECTIVE_LR_DIGITS = 2
DEPTH_DIGITS = 3  # a whole number; a fraction of a layer is matched at 3 figures


def check_equilibrium_angle(answer, lr, weight_decay):
    """Check a prediction of the angle (radians) BN-preceded weights turn per step once
    plain SGD with this lr and weight decay has reached its equilibrium."""
    (lr, weight_decay), failed = A.setting((lr, weight_decay), ("lr", "weight_decay"))
    if failed is not None:
        return failed
    got, failed = A.number(answer)
    if failed is not None:
        return failed
    want = equilibrium_angular_update(lr, weight_decay)
    hints = [
        (
            2 * lr * weight_decay,
            "that is 2 lr lambda: take its square root (the balance fixes the squared angle).",
        ),
        (
            np.sqrt(lr * weight_decay),
            "the factor 2 is missing: decay shrinks ||W||^2 by "
            "(1 - lr lambda)^2, about 1 - 2 lr lambda.",
        ),
        (np.degrees(want), "that is the angle in degrees; give it in radians."),
        (
            lr * weight_decay,
            "lr lambda is the fraction decay removes from ||W|| per step, not "
            "the angle; the angle is sqrt(2 lr lambda).",
        ),
        (
            np.sqrt(2 * lr / weight_decay),
            "lambda belongs in the numerator with lr: more decay "
            "means a smaller ||W||, so a larger angle.",
        ),
    ]
    return A.typed(
        answer,
        want,
        ANGLE_DIGITS,
        hints,
        success=f"sqrt(2 x {lr:g} x {weight_decay:g}) = {want:.4g} rad a step: at equilibrium "
        "the decay's shrinking of ||W||^2 (2 lr lambda ||W||^2) balances the gradient step's "
        "growth (lr^2 ||g||^2), so lr ||g|| / ||W|| = sqrt(2 lr lambda).",
        off="Hint: the answer depends only on lr x lambda.",
    )


def check_effective_lr(answer, lr, norm, growth):
    """Check the effective learning rate lr / ||W||^2 after ||W|| (= `norm` at the start)
    has grown by the factor `growth` under plain SGD with this lr."""
    (lr, norm, growth), failed = A.setting((lr, norm, growth), ("lr", "norm", "growth"))
    if failed is not None:
        return failed
    got, failed = A.number(answer)
    if failed is not None:
        return failed
    want = effective_lr(lr, growth * norm)
    start = effective_lr(lr, norm)
    hints = [
        (
            lr / (growth * norm),
            "one factor of ||W|| is missing: the gradient also shrinks "
            "like 1 / ||W||, so the effective step is lr / ||W||^2.",
        ),
        (
            start,
            f"that is the effective rate before the growth; ||W|| is now {growth:g} times larger.",
        ),
        (
            lr * growth**2 / norm**2,
            "the other way round: a larger ||W|| makes the effective step smaller.",
        ),
        (
            lr / growth**2,
            "divide by the new ||W|| squared, (growth x norm)^2, not by the growth alone.",
        ),
        (lr, "lr is the nominal rate; with BN the direction moves at lr / ||W||^2."),
    ]
    if A.agrees(start, lr / (growth * norm), EFFECTIVE_LR_DIGITS):  # one number, two mistakes
        hints[:2] = [
            (
                start,
                f"that is both the effective rate at the start (lr / ||W||^2 with ||W|| = "
                f"{norm:g}) and lr / ||W|| with the new norm ({growth * norm:g}): square the "
                "new norm.",
            )
        ]
    return A.typed(
        answer,
        want,
        EFFECTIVE_LR_DIGITS,
        hints,
        success=f"{lr:g} / ({growth:g} x {norm:g})^2 = {want:.4g}: the direction moves by lr "
        "||g|| / ||W||, and ||g|| itself shrinks like 1 / ||W||, hence the square.",
        off="Hint: lr / ||W||^2 with the new ||W||.",
    )


def check_depth_threshold(answer, rate, ratio):
    """Check the fewest extra hidden layers that make the first layer's gradient at least
    `ratio` times larger, when each layer multiplies it by `rate` (> 1)."""
    (rate, ratio), failed = A.setting((rate, ratio), ("rate", "ratio"))
    if failed is not None:
        return failed
    if rate <= 1 or ratio <= 1:
        return Feedback(False, f"the checker needs rate > 1 and ratio > 1; got {rate}, {ratio}.")
    exact = np.log(ratio) / np.log(rate)
    want = int(np.ceil(exact - 1e-9))
    hints = [
        (
            exact,
            "layers come in whole numbers: round log(ratio) / log(rate) "
            "up to the first depth that reaches the ratio.",
        ),
        (
            want - 1,
            f"{rate:g}^{want - 1} = {rate ** (want - 1):.4g} is still below {ratio:g}: "
            "round up, not down.",
        ),
        (
            round((ratio - 1) / (rate - 1)),
            "the growth compounds (multiplies), it does not add: use logarithms.",
        ),
        (
            int(np.ceil(np.log10(ratio) / np.log(rate))),
            "mixed logarithms: use the same base for ratio and rate.",
        ),
    ]
    return A.typed(
        answer,
        want,
        DEPTH_DIGITS,
        [(value, hint) for value, hint in hints if value != want],
        success=f"{rate:g}^{want} = {rate**want:.4g} >= {ratio:g} > {rate:g}^{want - 1} = "
        f"{rate ** (want - 1):.4g}: {want} layers. The growth compounds, so the count is "
        f"log(ratio) / log(rate) = {exact:.2f}, rounded up.",
        off="Hint: the smallest n with rate^n >= ratio.",
        whole=True,
    )
