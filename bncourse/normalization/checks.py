"""Exercise checkers for notebook 01: batch-norm forward, channel statistics, eps."""

import numpy as np

from bncourse import answers as A
from bncourse.answers import COMMON_EPS
from bncourse.feedback import Feedback
from bnlib.batchnorm import batchnorm_forward

# eps values a learner may hard-code instead of using the argument


def _bn_variants(x, gamma, beta, eps):
    """Outputs of the usual wrong batch-norm implementations, with what each one got wrong."""
    mu, var = x.mean(0), x.var(0)
    x_hat = (x - mu) / np.sqrt(var + eps)
    return [
        (
            gamma * (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + eps) + beta,
            "you normalized each row (one sample across its features). Batch norm takes the "
            "statistics down each column: mean and variance over axis=0, the batch.",
        ),
        (
            gamma * (x - x.mean()) / np.sqrt(x.var() + eps) + beta,
            "you took one mean and one variance over the whole array (no axis, or axis=None). "
            "Batch norm keeps one per feature: mean and variance over axis=0.",
        ),
        (
            gamma * (x - mu) / np.sqrt(x.var(0, ddof=1) + eps) + beta,
            "you used the unbiased variance (ddof=1). Normalizing uses the biased batch variance, "
            "dividing by N (np.var's default).",
        ),
        (
            gamma * (x - mu) / np.sqrt(var) + beta,
            "eps is missing: divide by sqrt(var + eps), not sqrt(var). Look at the feature with "
            "tiny variance: without eps it is blown up to unit variance.",
        ),
        (
            gamma * (x - mu) / (np.sqrt(var) + eps) + beta,
            "eps belongs inside the square root: sqrt(var + eps), not sqrt(var) + eps.",
        ),
        (
            gamma * (x - mu) / (np.sqrt(var) + np.sqrt(eps)) + beta,
            "sqrt(var) + sqrt(eps) is not sqrt(var + eps): a square root does not split over a "
            "sum. Add eps to the variance first, then take the root.",
        ),
        (
            gamma * (x - mu) / (var + eps) + beta,
            "you divided by the variance; divide by the standard deviation sqrt(var + eps).",
        ),
        (
            x_hat,
            "the normalization is right, but gamma and beta are not applied: "
            "out = gamma * x_hat + beta.",
        ),
        (x_hat + beta, "beta is added, but gamma is missing: out = gamma * x_hat + beta."),
        (gamma * x_hat, "gamma is applied, but beta is missing: out = gamma * x_hat + beta."),
        (
            gamma * (x_hat + beta),
            "the brackets are off: gamma * (x_hat + beta) also scales beta. The shift comes "
            "after the scale: out = gamma * x_hat + beta.",
        ),
        (
            beta * x_hat + gamma,
            "gamma and beta are swapped: gamma scales, beta shifts (out = gamma * x_hat + beta).",
        ),
    ]


# Two batches, so that an answer with a constant baked in (eps, a shape) fails the second. In
# both, the last feature's variance is close to eps, so every eps mistake shows.
_FORWARD_CASES = (
    ((8, 3), [5.0, -3.0, 0.2], [2.0, 0.5, 0.01], [1.5, 0.5, 2.0], [0.1, -1.0, 3.0], 1e-4),
    (
        (11, 4),
        [0.0, 9.0, -4.0, 1.0],
        [1.0, 3.0, 0.2, 0.05],
        [0.7, 2.0, -1.0, 1.2],
        [2.0, 0.0, 0.5, -0.3],
        1e-2,
    ),
)


def _forward_inputs(case):
    shape, loc, scale, gamma, beta, eps = case
    x = np.random.default_rng(1).normal(loc, scale, size=shape)
    return x, np.array(gamma), np.array(beta), eps


def _judge_forward(fn, case):
    x, gamma, beta, eps = _forward_inputs(case)
    result, failed = A.call(fn, (x, gamma, beta, eps), "(x, gamma, beta, eps)")
    if failed is not None:
        return failed
    answer, failed = A.output(result, x.shape)
    if failed is not None:
        return failed
    reference, _ = batchnorm_forward(x, gamma, beta, eps)
    # eps squared is named before the hard-coded eps values (1e-4 squared is their 1e-8), on
    # the first batch only: a function that squares eps never gets past it.
    squared = [
        (
            batchnorm_forward(x, gamma, beta, eps**2)[0],
            f"you squared eps: the output is the one for eps = {eps**2:g}. eps is added to the "
            "variance as it is, sqrt(var + eps).",
        )
    ]
    ignored = [
        (
            batchnorm_forward(x, gamma, beta, other)[0],
            f"your function ignores its eps argument: it gave the output for eps = {other:g} "
            f"when called with eps = {eps:g}. Use the eps it is given.",
        )
        for other in COMMON_EPS
        if other != eps
    ]
    first = case is _FORWARD_CASES[0]
    variants = _bn_variants(x, gamma, beta, eps) + (squared if first else []) + ignored
    success = (
        "matches bnlib.batchnorm_forward on two batches (8 x 3 and 11 x 4) with features on very "
        "different scales and two values of eps"
    )
    return A.judge(answer, reference, variants, success)


def check_batchnorm_forward(fn):
    """Check a learner's fn(x, gamma, beta, eps) -> out (or (out, ...)) for x of shape (N, D)."""
    first = _judge_forward(fn, _FORWARD_CASES[0])
    if not first:
        return first
    second = _judge_forward(fn, _FORWARD_CASES[1])
    if second or "eps argument" in second.message:
        return second
    return Feedback(
        False,
        "right on the first batch (8 x 3, eps = 1e-4) but not on a second (11 x 4, eps = "
        f"0.01): is something fixed that should come from the arguments? {second.message}",
    )


def _channel_pair(result, x):
    """The learner's (mean, var) as a (2, C) array, or (None, Feedback) naming what is off."""
    n, c = x.shape[:2]
    if isinstance(result, np.ndarray) and result.ndim == 1:
        return None, Feedback(
            False,
            f"you returned one array of shape {result.shape}; return a pair (mean, var), each "
            f"of shape (C,) = ({c},): one mean and one variance per channel, axis=(0, 2, 3).",
        )
    parts, failed = A.items(result, ("mean", "var"))
    if failed is not None:
        return None, failed
    got = []
    for name, part in zip(("mean", "var"), parts, strict=True):
        shape = np.shape(part) if A._real(part) is not None else None
        if shape == (n,):
            return None, Feedback(
                False,
                f"your {name} has one value per image; batch norm wants one per channel, "
                "pooling the batch AND every pixel: axis=(0, 2, 3).",
            )
        if shape is not None and shape[:1] == (n,) and len(shape) > 1 and shape != (c,):
            return None, Feedback(
                False,
                f"your {name} has shape {shape}, one value per image and more: pool the batch "
                f"axis too. Expected (C,) = ({c},): axis=(0, 2, 3).",
            )
        arr, failed = A.array(part, (c,), f"your {name}", keepdims=((1, c, 1, 1),))
        if failed is not None:
            failed.message += " Average over axis=(0, 2, 3) (keepdims=True is fine)."
            return None, failed
        got.append(arr)
    return np.stack(got), None


def _judge_channels(fn, x):
    result, failed = A.call(fn, (x,), "(x)")
    if failed is not None:
        return failed
    got, failed = _channel_pair(result, x)
    if failed is not None:
        return failed
    m = x[:, 0].size  # values per channel
    mean, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
    per_image = (x.mean(axis=(2, 3)).mean(0), x.var(axis=(2, 3)).mean(0))
    variants = [
        (np.stack([var, mean]), "mean and var are swapped: return (mean, var), in that order."),
        (
            np.stack([mean, var * m / (m - 1)]),
            "your var used ddof=1; normalizing uses the biased variance (np.var's default).",
        ),
        (
            np.stack([mean, np.sqrt(var)]),
            "your var is the standard deviation; BN's statistic is the variance (square it).",
        ),
        (
            np.stack(per_image),
            "you averaged per-image statistics: for the variance that misses the spread between "
            "images; pool all N*H*W values at once.",
        ),
        (
            np.stack([mean, (x**2).mean(axis=(0, 2, 3))]),
            "your var is E[x^2], not centred: subtract the mean first, E[(x - mean)^2] "
            "(np.var does).",
        ),
    ]
    return A.judge(
        tuple(got),
        (mean, var),
        [(tuple(v), hint) for v, hint in variants],
        "one mean and one variance per channel, pooled over N, H and W",
        "your (mean, var)",
        parts=("mean", "var"),
    )


def check_channel_statistics(fn):
    """Check fn(x) -> (mean, var) per channel for images x of shape (N, C, H, W)."""
    rng = np.random.default_rng(2)
    first = rng.normal(size=(4, 3, 5, 6)) * np.array([1.0, 2.0, 3.0])[:, None, None] + 10
    second = rng.normal(size=(2, 5, 3, 4)) * np.arange(1.0, 6.0)[:, None, None] - 2
    feedback = _judge_channels(fn, first)
    if feedback:
        feedback = _judge_channels(fn, second)
        if not feedback:
            feedback.message = (
                "right for images of shape (4, 3, 5, 6) but not for (2, 5, 3, 4): does your "
                f"function hard-code a size or a number? {feedback.message}"
            )
    return feedback


# The precision a typed answer is asked for (the prompt says it): one home for each exercise.
OUTPUT_VARIANCE_DIGITS = 3


def check_output_variance(answer, var, eps):
    """Check a predicted output variance of a feature with batch variance `var` after BN, to
    OUTPUT_VARIANCE_DIGITS significant figures."""
    (var, eps), failed = A.setting((var, eps), ("var", "eps"))
    if failed is not None:
        return failed
    digits = OUTPUT_VARIANCE_DIGITS
    want = var / (var + eps)
    squared = var / (var + eps**2)
    also = (
        " (Squaring eps gives nearly 1 too: eps enters once, inside sqrt(var + eps).)"
        if A.agrees(squared, 1.0, digits)
        else ""
    )
    named = [
        (
            1.0,
            "not quite 1: x_hat = (x - mu) / sqrt(var + eps), so its variance is var / (var + "
            f"eps) = {var:g} / {var + eps:g}, below 1 when eps is not negligible.{also}",
        ),
        (np.sqrt(want), "that is the output's standard deviation; square it."),
        (
            squared,
            "you squared eps: x_hat divides by sqrt(var + eps), so its variance is "
            "var / (var + eps), with eps itself.",
        ),
        (
            var / (np.sqrt(var) + eps) ** 2,
            "eps sits inside the square root: the variance of x_hat is var / (var + eps).",
        ),
        (
            eps / (var + eps),
            "that is the share eps takes; the variance of x_hat is var / (var + eps).",
        ),
    ]
    return A.typed(
        answer,
        want,
        digits,
        named,
        success=f"var / (var + eps) = {want:.4f}: eps shrinks the output variance "
        "most for features whose own variance is small.",
        off="The variance of x_hat is var / (var + eps).",
        fraction=True,
    )
