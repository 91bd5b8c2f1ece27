"""Notebook 03's checkers against their wrong-answer table (see checker_table.py)."""

import numpy as np
import pytest
from checker_table import Case, table_tests

from bncourse.gradients.checks import check_batchnorm_backward, check_scaled_gradient
from bnlib.batchnorm import batchnorm_backward, batchnorm_forward
from bnlib.gradcheck import numerical_gradient, rel_error


def backward(dout, x, gamma, eps, inv=None, centre=None, scale=None, sign=1.0):
    """The fused formula, with optional mistakes: another 1/sigma, x_c for x_hat, no prefactor."""
    n = x.shape[0]
    s = 1 / np.sqrt(x.var(0) + eps) if inv is None else inv(x.var(0), eps)
    x_hat = (x - x.mean(0)) * s if centre is None else x - x.mean(0)
    g = dout * gamma
    prefactor = s / n if scale is None else scale(n)
    return sign * prefactor * (n * g - g.sum(0) - x_hat * (g * x_hat).sum(0))


def three(d, x, g, e, dx=None):
    """(dx, dgamma, dbeta): the learner's dx with the right dgamma and dbeta."""
    x_hat = (x - x.mean(0)) / np.sqrt(x.var(0) + e)
    return backward(d, x, g, e) if dx is None else dx, (d * x_hat).sum(0), d.sum(0)


def grads(fn):
    """A dx-only function returning (dx, dgamma, dbeta)."""
    return lambda d, x, g, e: three(d, x, g, e, fn(d, x, g, e))


def case(label, passes, says=None, **mistake):
    return Case(label, (grads(lambda d, x, g, e: backward(d, x, g, e, **mistake)),), passes, says)


def parts(d, x, g, e):
    """The staged pieces (direct, through the mean, through the variance), for the path cases."""
    s = 1 / np.sqrt(x.var(0) + e)
    x_hat, gg = (x - x.mean(0)) * s, d * g
    return s, x_hat, gg


BACKWARD = [
    case("right", True, "matches bnlib.batchnorm_backward"),
    Case("right, float32", (lambda *a: tuple(p.astype(np.float32) for p in three(*a)),), True),
    Case("right, as a list", (lambda *a: list(three(*a)),), True),
    Case(
        "right, keepdims dgamma and dbeta",
        (lambda *a: (three(*a)[0], three(*a)[1][None], three(*a)[2][None]),),
        True,
    ),
    Case("dx only", (backward,), False, "return all three gradients"),
    Case(
        "(dgamma, dbeta, dx)",
        (lambda *a: (*three(*a)[1:], three(*a)[0]),),
        False,
        "(dx, dgamma, dbeta)",
    ),
    Case(
        "dgamma without x_hat",
        (lambda d, x, g, e: (three(d, x, g, e)[0], d.sum(0), d.sum(0)),),
        False,
        "dgamma is sum(dout)",
    ),
    Case(
        "dgamma with x, not x_hat",
        (lambda d, x, g, e: (three(d, x, g, e)[0], (d * x).sum(0), d.sum(0)),),
        False,
        "dgamma uses x",
    ),
    Case(
        "dbeta over the wrong axis",
        (lambda d, x, g, e: (*three(d, x, g, e)[:2], d.sum(1)),),
        False,
        "sum over the batch, axis=0",
    ),
    Case(
        "dbeta a mean", (lambda d, x, g, e: (*three(d, x, g, e)[:2], d.mean(0)),), False, "sum it"
    ),
    Case(
        "dgamma and dbeta swapped",
        (lambda *a: (three(*a)[0], three(*a)[2], three(*a)[1]),),
        False,
        "swapped",
    ),
    Case(
        "direct path only",
        (grads(lambda d, x, g, e: (lambda s, xh, gg: gg * s)(*parts(d, x, g, e))),),
        False,
        "only kept the direct path",
    ),
    Case(
        "no variance path",
        (grads(lambda d, x, g, e: (lambda s, xh, gg: s * (gg - gg.mean(0)))(*parts(d, x, g, e))),),
        False,
        "variance is missing",
    ),
    Case(
        "no mean path",
        (
            grads(
                lambda d, x, g, e: (lambda s, xh, gg: s * (gg - xh * (gg * xh).mean(0)))(
                    *parts(d, x, g, e)
                )
            ),
        ),
        False,
        "mean is missing",
    ),
    Case(
        "no gamma",
        (grads(lambda d, x, g, e: backward(d, x, np.ones_like(g), e)),),
        False,
        "gamma is missing",
    ),
    case("sign flipped", False, "sign is flipped", sign=-1.0),
    Case(
        "N - 1",
        (grads(lambda d, x, g, e: backward(d, x, g, e) * x.shape[0] / (x.shape[0] - 1)),),
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
        (grads(lambda d, x, g, e: backward(d, x, g, e) * np.sqrt(x.var(0) + e)),),
        False,
        "1 / sqrt(var + eps) in front",
    ),
    Case("eps hard-coded", (lambda d, x, g, e: three(d, x, g, 1e-5),), False, "ignores its eps"),
    Case("rows cut", (lambda *a: (three(*a)[0][:2], *three(*a)[1:]),), False, "shape"),
    Case("NaN", (lambda *a: (three(*a)[0] * np.nan, *three(*a)[1:]),), False, "NaN"),
    Case("off by a little", (lambda *a: (three(*a)[0] + 0.01, *three(*a)[1:]),), False, "you gave"),
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


@pytest.mark.parametrize(("seed", "n", "eps"), [(4, 6, 1e-5), (2, 9, 1e-3)])
def test_the_reference_is_gradient_checked(seed, n, eps):
    """bnlib.batchnorm_backward, the checker's reference, against finite differences."""
    rng = np.random.default_rng(seed)
    x = rng.normal([3.0, -1.0, 0.0], [2.0, 0.5, 0.01 * seed / 2], size=(n, 3))
    dout, gamma = rng.normal(size=(n, 3)), np.array([1.5, 0.5, -2.0])
    dx, dgamma, dbeta = batchnorm_backward(dout, batchnorm_forward(x, gamma, np.zeros(3), eps)[1])
    fx = lambda a: batchnorm_forward(a, gamma, np.zeros(3), eps)[0]  # noqa: E731
    fg = lambda a: batchnorm_forward(x, a, np.zeros(3), eps)[0]  # noqa: E731
    assert rel_error(dx, numerical_gradient(fx, x.copy(), dout, h=1e-6)) < 1e-4
    assert rel_error(dgamma, numerical_gradient(fg, gamma.copy(), dout)) < 1e-6
    assert np.allclose(dbeta, dout.sum(0))


TABLE = {check_batchnorm_backward: BACKWARD, check_scaled_gradient: SCALED}
test_table_cases, test_table_junk = table_tests(TABLE)
