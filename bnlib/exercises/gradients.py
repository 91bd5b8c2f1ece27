"""Exercise checkers for notebook 03: the backward pass, and gradients under weight scaling."""

import numpy as np

from ..norms.batchnorm import batchnorm_backward, batchnorm_forward
from ._feedback import Feedback, _as_number, _call, _judge


def _backward_variants(dout, x, gamma, eps):
    """dx of the usual wrong backward passes, with what each one got wrong."""
    n = x.shape[0]
    mu, var = x.mean(0), x.var(0)
    inv_std = 1 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    g = dout * gamma
    return [
        (
            g * inv_std,
            "you only kept the direct path, g / sqrt(var + eps). mu and var depend on x too: "
            "subtract the mean of g and the part of g along x_hat.",
        ),
        (
            inv_std * (g - g.mean(0)),
            "the path through the mean is there, the path through the variance is missing: "
            "also subtract x_hat * mean(g * x_hat).",
        ),
        (
            inv_std * (g - x_hat * (g * x_hat).mean(0)),
            "the path through the variance is there, the path through the mean is missing: "
            "also subtract mean(g).",
        ),
        (
            inv_std / n * (n * dout - dout.sum(0) - x_hat * (dout * x_hat).sum(0)),
            "the shape of the formula is right but gamma is missing: start from g = dout * gamma.",
        ),
        (
            -inv_std / n * (n * g - g.sum(0) - x_hat * (g * x_hat).sum(0)),
            "the sign is flipped: dx = (1/N) inv_std (N g - sum(g) - x_hat sum(g x_hat)).",
        ),
        (
            inv_std / (n - 1) * (n * g - g.sum(0) - x_hat * (g * x_hat).sum(0)),
            "divide by N, not N - 1: the forward pass used the biased variance.",
        ),
    ]


def check_batchnorm_backward(fn):
    """Check a learner's fn(dout, x, gamma, eps) -> dx (or (dx, ...)) for x of shape (N, D)."""
    rng = np.random.default_rng(4)
    x = rng.normal([3.0, -1.0, 0.0], [2.0, 0.5, 1.0], size=(6, 3))
    dout, gamma, eps = rng.normal(size=(6, 3)), np.array([1.5, 0.5, -2.0]), 1e-5
    result, failed = _call(fn, (dout, x, gamma, eps), "(dout, x, gamma, eps)")
    if failed is not None:
        return failed
    _, cache = batchnorm_forward(x, gamma, 0.0, eps)
    reference, _, _ = batchnorm_backward(dout, cache)
    return _judge(
        result,
        reference,
        _backward_variants(dout, x, gamma, eps),
        "matches bnlib.batchnorm_backward; note that each column of dx sums to 0",
        name="your dx",
    )


def check_scaled_gradient(answer, scale, norm):
    """Check a prediction of ||dL/dW|| after W (followed by BN) is multiplied by `scale`,
    given ||dL/dW|| = `norm` before."""
    got, failed = _as_number(answer)
    if failed is not None:
        return failed
    want = norm / scale
    if np.isclose(got, want, rtol=1e-3):
        return Feedback(
            True,
            f"{norm:g} / {scale:g} = {want:.4g}: the loss does not change when W grows, so the "
            "gradient with respect to W must shrink by the same factor.",
        )
    if np.isclose(got, norm * scale, rtol=1e-3):
        return Feedback(False, "the other way round: bigger weights get *smaller* gradients.")
    if np.isclose(got, norm, rtol=1e-3):
        return Feedback(
            False,
            "the loss is unchanged, but the gradient is not: the same change of the loss is "
            "now spread over weights that are `scale` times larger.",
        )
    if np.isclose(got, norm / scale**2, rtol=1e-3):
        return Feedback(
            False,
            "that is 1/a^2: it describes the relative update ||dW|| / ||W||, not ||dW|| itself.",
        )
    return Feedback(False, f"{got:.4g} is off. Hint: BN(a W x) = BN(W x) for any a > 0.")
