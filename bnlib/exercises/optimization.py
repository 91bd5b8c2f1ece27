"""Exercise checkers for notebook 09 (batch norm and the optimizer), and its review questions.

`REVIEW_QUESTIONS` holds this notebook's self-tests in the review's format (`review.Choice`
and `review.Number`), for the review notebook to add to its banks.
"""

import numpy as np

from ._feedback import Feedback, _as_number, _setting
from .review import Choice, Number


def _near(got, value):
    return bool(np.isclose(got, value, rtol=1e-3, atol=0.0))


def check_equilibrium_angle(answer, lr, weight_decay):
    """Check a prediction of the angle (radians) BN-preceded weights turn per step once
    plain SGD with this lr and weight decay has reached its equilibrium."""
    (lr, weight_decay), failed = _setting((lr, weight_decay), ("lr", "weight_decay"))
    if failed is not None:
        return failed
    got, failed = _as_number(answer)
    if failed is not None:
        return failed
    want = np.sqrt(2 * lr * weight_decay)
    if _near(got, want):
        return Feedback(
            True,
            f"sqrt(2 x {lr:g} x {weight_decay:g}) = {want:.4g} rad a step: at equilibrium the "
            "decay's shrinking of ||W||^2 (2 lr lambda ||W||^2) balances the gradient step's "
            "growth (lr^2 ||g||^2), so lr ||g|| / ||W|| = sqrt(2 lr lambda).",
        )
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
    for value, hint in hints:
        if _near(got, value):
            return Feedback(False, hint)
    return Feedback(False, f"{got:.4g} is off. Hint: the answer depends only on lr x lambda.")


def check_effective_lr(answer, lr, norm, growth):
    """Check the effective learning rate lr / ||W||^2 after ||W|| (= `norm` at the start)
    has grown by the factor `growth` under plain SGD with this lr."""
    (lr, norm, growth), failed = _setting((lr, norm, growth), ("lr", "norm", "growth"))
    if failed is not None:
        return failed
    got, failed = _as_number(answer)
    if failed is not None:
        return failed
    want = lr / (growth * norm) ** 2
    if _near(got, want):
        return Feedback(
            True,
            f"{lr:g} / ({growth:g} x {norm:g})^2 = {want:.4g}: the direction moves by lr ||g|| / "
            "||W||, and ||g|| itself shrinks like 1 / ||W||, hence the square.",
        )
    hints = [
        (
            lr / (growth * norm),
            "one factor of ||W|| is missing: the gradient also shrinks "
            "like 1 / ||W||, so the effective step is lr / ||W||^2.",
        ),
        (
            lr / norm**2,
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
    for value, hint in hints:
        if _near(got, value):
            return Feedback(False, hint)
    return Feedback(False, f"{got:.4g} is off. Hint: lr / ||W||^2 with the new ||W||.")


def check_depth_threshold(answer, rate, ratio):
    """Check the fewest extra hidden layers that make the first layer's gradient at least
    `ratio` times larger, when each layer multiplies it by `rate` (> 1)."""
    (rate, ratio), failed = _setting((rate, ratio), ("rate", "ratio"))
    if failed is not None:
        return failed
    if rate <= 1 or ratio <= 1:
        return Feedback(False, f"the checker needs rate > 1 and ratio > 1; got {rate}, {ratio}.")
    got, failed = _as_number(answer)
    if failed is not None:
        return failed
    exact = np.log(ratio) / np.log(rate)
    want = int(np.ceil(exact - 1e-9))
    if got == want:
        return Feedback(
            True,
            f"{rate:g}^{want} = {rate**want:.4g} >= {ratio:g} > {rate:g}^{want - 1} = "
            f"{rate ** (want - 1):.4g}: {want} layers. The growth compounds, so the count is "
            f"log(ratio) / log(rate) = {exact:.2f}, rounded up.",
        )
    if got != int(got):
        if _near(got, exact):
            return Feedback(
                False,
                "layers come in whole numbers: round log(ratio) / log(rate) "
                "up to the first depth that reaches the ratio.",
            )
        return Feedback(False, f"give a whole number of layers; got {got:g}.")
    hints = [
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
    for value, hint in hints:
        if value != want and got == value:
            return Feedback(False, hint)
    return Feedback(False, f"{got:g} is off. Hint: the smallest n with rate^n >= ratio.")


REVIEW_QUESTIONS = {
    "decay_with_bn": Choice(
        "A weight matrix W is followed by batch norm, so the loss does not change when W is "
        "scaled. What does weight decay on W do?",
        {
            "a": "nothing: the function cannot depend on ||W||, so neither can training",
            "b": "it regularizes the function, as L2 does in a network without BN",
            "c": "it keeps ||W|| from growing, which sets the effective learning rate "
            "lr / ||W||^2: W ends up turning about sqrt(2 lr lambda) radians a step",
            "d": "it makes the gradient larger in every direction",
        },
        "c",
        {
            "a": "the function does not depend on ||W||, but the step does: the same lr moves "
            "the direction of W by lr / ||W||^2 (notebook 09, section 1).",
            "b": "the function class is the same for every ||W||; decay changes the schedule, "
            "not the function (notebook 09, section 2).",
            "c": "measured in notebook 09, section 2: the angle per step settled at 88-97% of "
            "sqrt(2 lr lambda) in runs 4 to 20 times 1/(lr lambda) steps long.",
            "d": "the gradient of a scale-invariant loss shrinks as 1/||W||; decay keeps ||W|| "
            "small, which keeps the *relative* step large, not the gradient larger in "
            "every direction.",
        },
    ),
    "exclude_gamma": Choice(
        "Why do common recipes exclude BN's gamma and beta from weight decay?",
        {
            "a": "gamma and beta have no gradient",
            "b": "decay on gamma and beta changes the function: it shrinks gamma, the scale of "
            "every normalized unit, and the network fits the data less well",
            "c": "gamma and beta are too few parameters to matter",
            "d": "decay on gamma makes the network scale-invariant",
        },
        "b",
        {
            "a": "they are trained by gradient descent like any other parameter (notebook 02).",
            "b": "notebook 09, section 2: decaying gamma and beta too shrank the mean |gamma| "
            "from 1.23 to 0.38 and raised the training loss from 0.21-0.30 to 0.42-0.47 "
            "(3 seeds).",
            "c": "there are few of them, but each scales a whole unit's output: small in "
            "number, large in effect.",
            "d": "the weights before BN are scale-invariant already; gamma sets the output "
            "scale, which the loss does depend on.",
        },
    ),
    "deep_bn_init": Choice(
        "A 32-layer fully connected ReLU network with batch norm after every Linear layer "
        "and no skip connections is initialized. What happens to the first layer's gradient?",
        {
            "a": "it is about the same as in a 2-layer network: BN keeps every layer's scale",
            "b": "it vanishes, as in an unnormalized network",
            "c": "it explodes: about 1.2 times larger per extra layer, far larger at depth 32",
            "d": "it is exactly zero",
        },
        "c",
        {
            "a": "BN keeps the forward activations' scale, not the backward gradients' "
            "(Yang et al. 2019; notebook 09, section 3).",
            "b": "without BN a well-initialized net keeps its gradients roughly flat; with BN "
            "they grow (notebook 09, section 3).",
            "c": "notebook 09, section 3 measured 1.18-1.20 per layer (3 seeds), 195 times "
            "larger at depth 32 than at 2; a residual net with gamma 0 in each branch's last "
            "BN stays flat.",
            "d": "the gradient is nonzero; it is very large.",
        },
    ),
    "equilibrium_angle": Number(
        "Plain SGD, lr = 0.1, weight decay 5e-4 on weights followed by BN. At equilibrium, "
        "about how many radians does W turn per step?",
        0.01,
        "sqrt(2 x 0.1 x 5e-4) = 0.01 rad: decay and gradient growth balance there.",
        (
            (1e-4, "that is 2 lr lambda; take its square root."),
            (np.sqrt(0.1 * 5e-4), "the factor 2 is missing under the root."),
            (np.degrees(0.01), "that is in degrees; the question asks for radians."),
        ),
    ),
    "effective_lr_after_growth": Number(
        "BN-preceded weights start with ||W|| = 2 and lr = 0.4. Plain SGD has doubled ||W||. "
        "What is the effective learning rate lr / ||W||^2 now?",
        0.025,
        "0.4 / 4^2 = 0.025: a quarter of the 0.1 at the start.",
        (
            (0.1, "that is the effective rate at the start; ||W|| is now 4."),
            (0.05, "square the norm: 0.4 / 4^2."),
            (0.4, "0.4 is the nominal rate; the step that moves the direction is lr / ||W||^2."),
        ),
    ),
}
