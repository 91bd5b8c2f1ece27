"""Exercise checkers for notebook 03: the backward pass, and gradients under weight scaling."""

import numpy as np

from bncourse import answers as A
from bncourse.answers import COMMON_EPS
from bnlib.batchnorm import batchnorm_backward, batchnorm_forward


def _backward_variants(dout, x, gamma, eps):
    """dx of the usual wrong backward passes, with what each one got wrong."""
    n = x.shape[0]
    mu, var = x.mean(0), x.var(0)
    inv_std = 1 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    g = dout * gamma

    def fused(s):  # the right formula with 1/sigma replaced by s (in x_hat as well)
        xh = (x - mu) * s
        return s / n * (n * g - g.sum(0) - xh * (g * xh).sum(0))

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
        (
            fused(1 / (np.sqrt(var) + eps)),
            "eps belongs inside the square root: 1 / sqrt(var + eps), not 1 / (sqrt(var) + eps).",
        ),
        (
            fused(1 / np.sqrt(var)),
            "eps is missing: the forward pass divided by sqrt(var + eps), so the backward pass "
            "must too.",
        ),
        (
            inv_std / n * (n * g - g.sum(0) - (x - mu) * (g * (x - mu)).sum(0)),
            "you used x - mu where the formula has x_hat = (x - mu) / sqrt(var + eps): the "
            "projection term is x_hat * sum(g * x_hat).",
        ),
        (
            (n * g - g.sum(0) - x_hat * (g * x_hat).sum(0)) / n,
            "the factor 1 / sqrt(var + eps) in front is missing: dx_hat/dx carries it.",
        ),
    ]


def _backward_case(fn, seed, n, eps):
    """The feedback on one batch."""
    rng = np.random.default_rng(seed)
    # The last feature's variance (about 1e-4 or 4e-4) is close to eps, so eps mistakes show.
    x = rng.normal([3.0, -1.0, 0.0], [2.0, 0.5, 0.01 * seed / 2], size=(n, 3))
    dout, gamma = rng.normal(size=(n, 3)), np.array([1.5, 0.5, -2.0])
    result, failed = A.call(fn, (dout, x, gamma, eps), "(dout, x, gamma, eps)")
    if failed is not None:
        return failed
    got, failed = A.gradients(
        result,
        (n, 3),
        (3,),
        ((1, 3),),
        lambda name, shape: (
            f"your {name} has shape {shape}, one value per example: sum over the batch, axis=0, "
            "for one value per feature, shape (3,)."
            if shape == (n,)
            else None
        ),
    )
    if failed is not None:
        return failed
    out, cache = batchnorm_forward(x, gamma, np.zeros(3), eps)
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)
    x_hat = out / gamma
    variants = _backward_variants(dout, x, gamma, eps) + [
        (
            batchnorm_backward(dout, batchnorm_forward(x, gamma, np.zeros(3), other)[1])[0],
            f"your function ignores its eps argument: called with eps = {eps:g}, it returned "
            f"the dx for eps = {other:g}. Use the eps it is given.",
        )
        for other in COMMON_EPS
        if other != eps
    ]
    dgamma_variants = [
        (
            dout.sum(0),
            "your dgamma is sum(dout): gamma multiplies x_hat, so dgamma = sum(dout * x_hat, "
            "axis=0).",
        ),
        (
            (dout * x).sum(0),
            "your dgamma uses x; gamma multiplies x_hat, so dgamma = sum(dout * x_hat, axis=0).",
        ),
        ((dout * x_hat).mean(0), "your dgamma is a mean; sum over the batch, axis=0."),
        ((dout * x_hat * gamma).sum(0), "dgamma = sum(dout * x_hat): no gamma in it."),
    ]
    dbeta_variants = [
        (dout.mean(0), "your dbeta is the mean of dout; beta is added to every row: sum it."),
        ((dout * gamma).sum(0), "dbeta = sum(dout, axis=0): beta is not scaled by gamma."),
    ]
    return A.judge_gradients(
        got,
        (dx, dgamma, dbeta),
        {"dx": variants, "dgamma": dgamma_variants, "dbeta": dbeta_variants},
        "matches bnlib.batchnorm_backward (dx, dgamma, dbeta) on two batches with two values of "
        "eps; note that each column of dx sums to 0",
    )


def check_batchnorm_backward(fn):
    """Check a learner's fn(dout, x, gamma, eps) -> (dx, dgamma, dbeta) for x of shape (N, D)."""
    first = _backward_case(fn, seed=4, n=6, eps=1e-5)
    if not first:
        return first
    second = _backward_case(fn, seed=2, n=9, eps=1e-3)
    if second or "eps argument" in second.message:
        return second
    second.message = (
        "right on the first batch (6 x 3, eps = 1e-5) but not on a second (9 x 3, eps = 1e-3): "
        f"is something fixed that should come from the arguments? {second.message}"
    )
    return second


SCALED_GRADIENT_DIGITS = 3  # the precision the prompt asks for


def check_scaled_gradient(answer, scale, norm):
    """Check a prediction of ||dL/dW|| after W (followed by BN) is multiplied by `scale`,
    given ||dL/dW|| = `norm` before, to SCALED_GRADIENT_DIGITS significant figures."""
    (scale, norm), failed = A.setting((scale, norm), ("scale", "norm"))
    if failed is not None:
        return failed
    want = norm / scale
    named = [
        (norm * scale, "the other way round: bigger weights get *smaller* gradients."),
        (
            norm,
            "the loss is unchanged, but the gradient is not: the same change of the loss is "
            f"now spread over weights that are {scale:g} times larger.",
        ),
        (
            norm / scale**2,
            "that is 1/a^2: it describes the relative update ||dW|| / ||W||, not ||dW|| itself.",
        ),
    ]
    return A.typed(
        answer,
        want,
        SCALED_GRADIENT_DIGITS,
        named,
        success=f"{norm:g} / {scale:g} = {want:.4g}: the loss does not change when W grows, so "
        "the gradient with respect to W must shrink by the same factor.",
        off="Hint: BN(a W x) = BN(W x) for any a > 0.",
    )
