"""Notebook 03's checkers against their wrong-answer table (see checker_table.py)."""

import numpy as np
from checker_table import Case, table_tests

from bnlib.exercises import check_batchnorm_backward, check_scaled_gradient


def backward(dout, x, gamma, eps, inv=None, centre=None, scale=None, sign=1.0):
    """The fused formula, with optional mistakes: another 1/sigma, x_c for x_hat, no prefactor."""
    n = x.shape[0]
    s = 1 / np.sqrt(x.var(0) + eps) if inv is None else inv(x.var(0), eps)
    x_hat = (x - x.mean(0)) * s if centre is None else x - x.mean(0)
    g = dout * gamma
    prefactor = s / n if scale is None else scale(n)
    return sign * prefactor * (n * g - g.sum(0) - x_hat * (g * x_hat).sum(0))


def case(label, passes, says=None, **mistake):
    return Case(label, (lambda d, x, g, e: backward(d, x, g, e, **mistake),), passes, says)


def parts(d, x, g, e):
    """The staged pieces (direct, through the mean, through the variance), for the path cases."""
    s = 1 / np.sqrt(x.var(0) + e)
    x_hat, gg = (x - x.mean(0)) * s, d * g
    return s, x_hat, gg


BACKWARD = [
    case("right", True, "matches bnlib.batchnorm_backward"),
    Case("right, as (dx, dgamma, dbeta)", (lambda *a: (backward(*a), 0, 0),), True),
    Case("right, float32", (lambda *a: backward(*a).astype(np.float32),), True),
    Case(
        "direct path only",
        (lambda d, x, g, e: (lambda s, xh, gg: gg * s)(*parts(d, x, g, e)),),
        False,
        "only kept the direct path",
    ),
    Case(
        "no variance path",
        (lambda d, x, g, e: (lambda s, xh, gg: s * (gg - gg.mean(0)))(*parts(d, x, g, e)),),
        False,
        "variance is missing",
    ),
    Case(
        "no mean path",
        (
            lambda d, x, g, e: (lambda s, xh, gg: s * (gg - xh * (gg * xh).mean(0)))(
                *parts(d, x, g, e)
            ),
        ),
        False,
        "mean is missing",
    ),
    Case(
        "no gamma",
        (lambda d, x, g, e: backward(d, x, np.ones_like(g), e),),
        False,
        "gamma is missing",
    ),
    case("sign flipped", False, "sign is flipped", sign=-1.0),
    Case(
        "N - 1",
        (lambda d, x, g, e: backward(d, x, g, e) * x.shape[0] / (x.shape[0] - 1),),
        False,
        "N - 1",
    ),
    case(
        "eps outside the root",
        False,
        "inside the square root",
        inv=lambda v, e: 1 / (np.sqrt(v) + e),
    ),
    case("no eps", False, "eps is missing", inv=lambda v, e: 1 / np.sqrt(v)),
    case("x_c for x_hat", False, "x - mu", centre=True),
    Case(
        "no 1/sigma factor",
        (lambda d, x, g, e: backward(d, x, g, e) * np.sqrt(x.var(0) + e),),
        False,
        "1 / sqrt(var + eps) in front",
    ),
    Case("eps hard-coded", (lambda d, x, g, e: backward(d, x, g, 1e-5),), False, "ignores its eps"),
    Case("rows cut", (lambda *a: backward(*a)[:2],), False, "shape"),
    Case("NaN", (lambda *a: backward(*a) * np.nan,), False, "NaN"),
    Case("off by a little", (lambda *a: backward(*a) + 1e-3,), False, "worst entry"),
    Case("returns None", (lambda *a: None,), False, "returned None"),
    Case("wrong signature", (lambda dout: dout,), False, "the arguments (dout, x, gamma, eps)"),
]

SCALED = [
    Case("right", (0.16, 5.0, 0.8), True, "0.16"),
    Case("right, numpy", (np.float32(0.16), 5.0, 0.8), True),
    Case("times a", (4.0, 5.0, 0.8), False, "other way"),
    Case("unchanged", (0.8, 5.0, 0.8), False, "5 times larger"),
    Case("1/a^2", (0.032, 5.0, 0.8), False, "1/a^2"),
    Case("far off", (1.0, 5.0, 0.8), False, "off"),
    Case("...", (..., 5.0, 0.8), False, "replace"),
    Case("a string", ("x", 5.0, 0.8), False, "number"),
]

TABLE = {check_batchnorm_backward: BACKWARD, check_scaled_gradient: SCALED}
test_table_cases, test_table_junk = table_tests(TABLE)
