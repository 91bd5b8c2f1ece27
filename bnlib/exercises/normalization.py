"""Exercise checkers for notebook 01: batch-norm forward, channel statistics, eps."""

import numpy as np

from ..norms.batchnorm import batchnorm_forward
from ._feedback import (
    Feedback,
    _as_answer,
    _as_array,
    _as_number,
    _call,
    _judge,
    _setting,
)


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
    result, failed = _call(fn, (x, gamma, beta, eps), "(x, gamma, beta, eps)")
    if failed is not None:
        return failed, result
    reference, _ = batchnorm_forward(x, gamma, beta, eps)
    success = (
        "matches bnlib.batchnorm_forward on two batches (8 x 3 and 11 x 4) with features on very "
        "different scales and two values of eps"
    )
    return _judge(result, reference, _bn_variants(x, gamma, beta, eps), success), result


def check_batchnorm_forward(fn):
    """Check a learner's fn(x, gamma, beta, eps) -> out (or (out, ...)) for x of shape (N, D)."""
    first, _ = _judge_forward(fn, _FORWARD_CASES[0])
    if not first:
        return first
    second, result = _judge_forward(fn, _FORWARD_CASES[1])
    if second:
        return second
    x, gamma, beta, eps = _forward_inputs(_FORWARD_CASES[1])
    answer, _ = _as_answer(result, x.shape)
    if answer is not None:
        with_first_eps, _ = batchnorm_forward(x, gamma, beta, _FORWARD_CASES[0][-1])
        if np.allclose(answer, with_first_eps, rtol=1e-6, atol=1e-8):
            return Feedback(
                False,
                "your function ignores its eps argument: it gave the output for eps = 1e-4 "
                "when called with eps = 0.01. Use the eps it is given.",
            )
    return Feedback(
        False,
        "right on the first batch (8 x 3, eps = 1e-4) but not on a second (11 x 4, eps = "
        f"0.01): is something fixed that should come from the arguments? {second.message}",
    )


def _pair(result, channels):
    """(mean, var) arrays from what a learner returned, or (None, message)."""
    if isinstance(result, np.ndarray) and result.ndim >= 1 and result.shape[0] == 2:
        result = tuple(result)  # a stacked array of the two
    if isinstance(result, list):
        result = tuple(result)
    if not (isinstance(result, tuple) and len(result) == 2):
        return None, "return a pair (mean, var), each of shape (C,)."
    pair = []
    for name, value in zip(("mean", "var"), result, strict=True):
        arr = _as_array(value)
        if arr is None:
            return None, f"your {name} is {type(value).__name__}; return an array of numbers."
        if arr.size == channels and arr.ndim == 4:  # keepdims=True: (1, C, 1, 1) is fine
            arr = arr.reshape(channels)
        if not np.isfinite(arr).all():
            return None, f"your {name} holds NaN or infinite values."
        pair.append(arr)
    return tuple(pair), None


def _judge_channels(fn, x):
    n, c = x.shape[:2]
    result, failed = _call(fn, (x,), "(x)")
    if failed is not None:
        return failed
    if result is None or result is Ellipsis:
        return Feedback(
            False, "your function returned None: fill in its body and return mean, var."
        )
    pair, problem = _pair(result, c)
    if problem is not None:
        return Feedback(False, problem)
    mean, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
    m = x[:, 0].size  # values per channel
    got_mean, got_var = pair
    if got_mean.shape == got_var.shape == (c,):
        if np.allclose(got_mean, var) and np.allclose(got_var, mean):
            return Feedback(False, "mean and var are swapped: return (mean, var), in that order.")
    for name, got, want in zip(("mean", "var"), pair, (mean, var), strict=True):
        if got.shape == (n,):
            return Feedback(
                False,
                f"your {name} has one value per image; batch norm wants one "
                "per channel, pooling the batch AND every pixel: axis=(0, 2, 3).",
            )
        if got.shape[:1] == (n,) and got.shape != (c,):
            return Feedback(
                False,
                f"your {name} has shape {got.shape}, one value per image and more: pool the "
                f"batch axis too. Expected (C,) = ({c},): axis=(0, 2, 3).",
            )
        if got.shape != (c,):
            return Feedback(
                False,
                f"your {name} has shape {got.shape}; expected (C,) = ({c},): average over "
                "axis=(0, 2, 3).",
            )
        if np.allclose(got, want):
            continue
        if name == "var" and np.allclose(got, want * m / (m - 1)):
            hint = "you used ddof=1; normalizing uses the biased variance (np.var's default)"
        elif name == "var" and np.allclose(got, np.sqrt(want)):
            hint = "that is the standard deviation; BN's statistic is the variance (square it)"
        elif np.allclose(
            got, (x.mean(axis=(2, 3)) if name == "mean" else x.var(axis=(2, 3))).mean(0)
        ):
            hint = (
                "you averaged per-image statistics: for the variance that misses the spread "
                "between images; pool all N*H*W values at once"
            )
        else:
            hint = "check the axes: (0, 2, 3) are N, H and W"
        return Feedback(
            False, f"your {name} is {np.round(got, 3)}, expected {np.round(want, 3)} ({hint})."
        )
    return Feedback(True, "one mean and one variance per channel, pooled over N, H and W.")


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


def check_output_variance(answer, var, eps):
    """Check a predicted output variance of a feature with batch variance `var` after BN."""
    (var, eps), failed = _setting((var, eps), ("var", "eps"))
    if failed is not None:
        return failed
    want = var / (var + eps)
    got, failed = _as_number(answer)
    if failed is not None:
        return failed
    if np.isclose(got, want, rtol=1e-3):
        return Feedback(
            True,
            f"var / (var + eps) = {want:.4f}: eps shrinks the output variance "
            "most for features whose own variance is small.",
        )
    if np.isclose(got, 1.0):
        return Feedback(
            False,
            "not quite 1: x_hat = (x - mu) / sqrt(var + eps), so its variance "
            f"is var / (var + eps) = {var:g} / {var + eps:g}, below 1 when eps is not negligible.",
        )
    if np.isclose(got, np.sqrt(want), rtol=1e-3):
        return Feedback(False, "that is the output's standard deviation; square it.")
    if np.isclose(got, want, rtol=0.05):
        return Feedback(False, f"close ({got:.4g}), but compute it exactly: var / (var + eps).")
    return Feedback(False, f"{got:.4g} is off; the variance of x_hat is var / (var + eps).")
