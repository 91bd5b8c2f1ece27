"""Exercise checkers for notebook 01: batch-norm forward, channel statistics, eps."""

import numpy as np

from ..norms.batchnorm import batchnorm_forward
from ._feedback import Feedback, _as_number, _call, _judge


def _bn_variants(x, gamma, beta, eps):
    """Outputs of the usual wrong batch-norm implementations, with what each one got wrong."""
    mu, var = x.mean(0), x.var(0)
    return [
        (
            gamma * (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + eps) + beta,
            "you normalized each row (one sample across its features). Batch norm takes the "
            "statistics down each column: mean and variance over axis=0, the batch.",
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
            gamma * (x - mu) / (var + eps) + beta,
            "you divided by the variance; divide by the standard deviation sqrt(var + eps).",
        ),
        (
            (x - mu) / np.sqrt(var + eps),
            "the normalization is right, but gamma and beta are not applied: "
            "out = gamma * x_hat + beta.",
        ),
        (
            beta * (x - mu) / np.sqrt(var + eps) + gamma,
            "gamma and beta are swapped: gamma scales, beta shifts (out = gamma * x_hat + beta).",
        ),
    ]


def check_batchnorm_forward(fn):
    """Check a learner's fn(x, gamma, beta, eps) -> out (or (out, ...)) for x of shape (N, D)."""
    rng = np.random.default_rng(1)
    # Three features on different scales; the last has variance ~1e-4, comparable to eps.
    x = rng.normal([5.0, -3.0, 0.2], [2.0, 0.5, 0.01], size=(8, 3))
    gamma, beta, eps = np.array([1.5, 0.5, 2.0]), np.array([0.1, -1.0, 3.0]), 1e-4
    result, failed = _call(fn, (x, gamma, beta, eps), "(x, gamma, beta, eps)")
    if failed is not None:
        return failed
    reference, _ = batchnorm_forward(x, gamma, beta, eps)
    return _judge(
        result,
        reference,
        _bn_variants(x, gamma, beta, eps),
        "matches bnlib.batchnorm_forward on a batch of 8 with three features on very "
        "different scales",
    )


def check_channel_statistics(fn):
    """Check fn(x) -> (mean, var) per channel for images x of shape (N, C, H, W)."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 3, 5, 6)) * np.array([1.0, 2.0, 3.0])[:, None, None] + 10
    result, failed = _call(fn, (x,), "(x)")
    if failed is not None:
        return failed
    if result is None or result is Ellipsis:
        return Feedback(
            False, "your function returned None: fill in its body and return mean, var."
        )
    if not (isinstance(result, tuple) and len(result) == 2):
        return Feedback(False, "return a pair (mean, var), each of shape (C,).")
    reference = (x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3)))
    for name, got, want in zip(("mean", "var"), result, reference, strict=True):
        arr = np.asarray(got, dtype=np.float64)
        if arr.size == x.shape[0] or arr.shape[:1] == (x.shape[0],):
            return Feedback(
                False,
                f"your {name} has one value per image; batch norm wants one "
                "per channel, pooling the batch AND every pixel: axis=(0, 2, 3).",
            )
        if arr.shape != (x.shape[1],):
            return Feedback(
                False,
                f"your {name} has shape {arr.shape}; expected (C,) = "
                f"({x.shape[1]},): average over axis=(0, 2, 3).",
            )
        if not np.allclose(arr, want):
            hint = (
                " (did you use ddof=1? normalizing uses the biased variance)"
                if name == "var" and np.allclose(arr, want * x[:, 0].size / (x[:, 0].size - 1))
                else " (check the axes: (0, 2, 3) are N, H and W)"
            )
            return Feedback(
                False, f"your {name} is {np.round(arr, 3)}, expected {np.round(want, 3)}{hint}."
            )
    return Feedback(True, "one mean and one variance per channel, pooled over N, H and W.")


def check_output_variance(answer, var, eps):
    """Check a predicted output variance of a feature with batch variance `var` after BN."""
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
            "is var / (var + eps), below 1 when eps is not negligible.",
        )
    if np.isclose(got, np.sqrt(want), rtol=1e-3):
        return Feedback(False, "that is the output's standard deviation; square it.")
    if np.isclose(got, want, rtol=0.05):
        return Feedback(False, f"close ({got:.4g}), but compute it exactly: var / (var + eps).")
    return Feedback(False, f"{got:.4g} is off; the variance of x_hat is var / (var + eps).")
