"""Notebook 01's checkers against their wrong-answer table (see checker_table.py)."""

import numpy as np
from checker_table import Case, table_tests

from bncourse.normalization.checks import (
    check_batchnorm_forward,
    check_channel_statistics,
    check_output_variance,
)


def bn(x, g, b, e, axis=0, ddof=0):
    mu, var = x.mean(axis, keepdims=True), x.var(axis, ddof=ddof, keepdims=True)
    return g * (x - mu) / np.sqrt(var + e) + b


def x_hat(x, e):
    return (x - x.mean(0)) / np.sqrt(x.var(0) + e)


def std_bn(x, g, b, e, root):
    return g * (x - x.mean(0)) / root(x.var(0), e) + b


FORWARD = [
    Case("right", (bn,), True, "matches bnlib.batchnorm_forward"),
    Case("right, as (out, cache)", (lambda *a: (bn(*a), "cache"),), True),
    Case("right, in float32", (lambda x, g, b, e: bn(x, g, b, e).astype(np.float32),), True),
    Case("right, as nested lists", (lambda *a: bn(*a).tolist(),), True),
    Case("each row", (lambda x, g, b, e: bn(x, g, b, e, axis=1),), False, "each row"),
    Case("axis=None", (lambda x, g, b, e: bn(x, g, b, e, axis=None),), False, "axis=None"),
    Case("ddof=1", (lambda x, g, b, e: bn(x, g, b, e, ddof=1),), False, "ddof=1"),
    Case(
        "no eps",
        (lambda x, g, b, e: std_bn(x, g, b, e, lambda v, e: np.sqrt(v)),),
        False,
        "eps is missing",
    ),
    Case(
        "eps outside the root",
        (lambda x, g, b, e: std_bn(x, g, b, e, lambda v, e: np.sqrt(v) + e),),
        False,
        "inside the square root",
    ),
    Case(
        "sqrt(var) + sqrt(eps)",
        (lambda x, g, b, e: std_bn(x, g, b, e, lambda v, e: np.sqrt(v) + np.sqrt(e)),),
        False,
        "does not split",
    ),
    Case(
        "divided by the variance",
        (lambda x, g, b, e: std_bn(x, g, b, e, lambda v, e: v + e),),
        False,
        "divided by the variance",
    ),
    Case("no gamma, no beta", (lambda x, g, b, e: x_hat(x, e),), False, "not applied"),
    Case("no gamma", (lambda x, g, b, e: x_hat(x, e) + b,), False, "gamma is missing"),
    Case("no beta", (lambda x, g, b, e: g * x_hat(x, e),), False, "beta is missing"),
    Case("gamma * (x_hat + beta)", (lambda x, g, b, e: g * (x_hat(x, e) + b),), False, "brackets"),
    Case("swapped", (lambda x, g, b, e: b * x_hat(x, e) + g,), False, "swapped"),
    Case("eps hard-coded", (lambda x, g, b, e: bn(x, g, b, 1e-4),), False, "ignores its eps"),
    Case(
        "eps squared (1e-4 squared is 1e-8)",
        (lambda x, g, b, e: bn(x, g, b, e**2),),
        False,
        "you squared eps",
    ),
    Case(
        "first batch hard-coded",
        (lambda x, g, b, e: bn(x, g, b, e) if len(x) == 8 else x,),
        False,
        "second",
    ),
    Case(
        "(mean, var, out)",
        (lambda x, g, b, e: (x.mean(0), x.var(0), bn(x, g, b, e)),),
        False,
        "item 2",
    ),
    Case("transposed", (lambda x, g, b, e: bn(x, g, b, e).T,), False, "shape"),
    Case("NaN output", (lambda x, g, b, e: bn(x, g, b, e) * np.nan,), False, "NaN"),
    Case("off by a little", (lambda x, g, b, e: bn(x, g, b, e) + 0.01,), False, "you gave"),
    Case(
        "float32, wrong",
        (lambda x, g, b, e: (bn(x, g, b, e) * 1.001).astype(np.float32),),
        False,
        "differs from the reference",
    ),
    Case(
        "computed in float32, returned as float64",
        (lambda x, g, b, e: bn(x.astype(np.float32), g, b, np.float32(e)).astype(np.float64),),
        True,
    ),
    Case(
        "eps added to the output",
        (lambda x, g, b, e: bn(x, g, b, e) + 1e-5,),
        False,
        "did you add eps",
    ),
    Case(
        "eps hard-coded 1e-5 (the likeliest)",
        (lambda x, g, b, e: bn(x, g, b, 1e-5),),
        False,
        "ignores its eps argument",
    ),
    Case("int, not a function of four arguments", (int,), False, "must take the arguments"),
    Case("returns None", (lambda x, g, b, e: None,), False, "returned None"),
    Case("raises", (lambda x, g, b, e: 1 / 0,), False, "ZeroDivisionError"),
    Case("wrong signature", (lambda x: x,), False, "the arguments (x, gamma, beta, eps)"),
]


def stats(x, axes=(0, 2, 3), ddof=0, keepdims=False):
    return x.mean(axes, keepdims=keepdims), x.var(axes, ddof=ddof, keepdims=keepdims)


CHANNELS = [
    Case("right", (stats,), True, "one mean and one variance per channel"),
    Case("right, keepdims=True", (lambda x: stats(x, keepdims=True),), True),
    Case("right, as a list", (lambda x: list(stats(x)),), True),
    Case("right, stacked array", (lambda x: np.stack(stats(x)),), True),
    Case("right, float32", (lambda x: tuple(s.astype(np.float32) for s in stats(x)),), True),
    Case("per image", (lambda x: stats(x, (1, 2, 3)),), False, "one value per image"),
    Case("N left out", (lambda x: stats(x, (2, 3)),), False, "Expected (C,)"),
    Case(
        "mean of per-image variances",
        (lambda x: (x.mean((0, 2, 3)), x.var((2, 3)).mean(0)),),
        False,
        "per-image",
    ),
    Case("ddof=1", (lambda x: stats(x, ddof=1),), False, "ddof=1"),
    Case(
        "std instead of var",
        (lambda x: (x.mean((0, 2, 3)), x.std((0, 2, 3))),),
        False,
        "standard deviation",
    ),
    Case("swapped", (lambda x: stats(x)[::-1],), False, "swapped"),
    Case(
        "first shape hard-coded",
        (lambda x: stats(x) if x.shape[1] == 3 else stats(x[:, :3]),),
        False,
        "hard-code",
    ),
    Case("(mean, 'var')", (lambda x: (x.mean((0, 2, 3)), "var"),), False, "array of real numbers"),
    Case("ragged", (lambda x: ([1.0, 2.0], [[1.0], [2.0, 3.0]]),), False, "shape"),
    Case(
        "var + eps",
        (lambda x: (stats(x)[0], stats(x)[1] + 1e-5),),
        False,
        "your var is the right one plus 1.0e-05",
    ),
    Case(
        "var = E[x^2]",
        (lambda x: (x.mean((0, 2, 3)), (x**2).mean((0, 2, 3))),),
        False,
        "not centred",
    ),
    Case(
        "one (2,) array",
        (lambda x: np.array([x.mean(), x.var()]),),
        False,
        "one array of shape (2,)",
    ),
    Case("(C, 1)", (lambda x: tuple(s[:, None] for s in stats(x)),), False, "has shape (3, 1)"),
    Case("one number", (lambda x: x.mean(),), False, "pair"),
    Case("NaN", (lambda x: (x.mean((0, 2, 3)) * np.nan, x.var((0, 2, 3))),), False, "NaN"),
    Case("returns None", (lambda x: None,), False, "returned None"),
]

VARIANCE = [
    Case("right", (1e-4 / (1e-4 + 1e-5), 1e-4, 1e-5), True, "var / (var + eps)"),
    Case("right, as numpy float32", (np.float32(1 / 1.1), 1e-4, 1e-5), True),
    Case("one", (1.0, 1e-4, 1e-5), False, "not quite 1"),
    Case("the std", (np.sqrt(1 / 1.1), 1e-4, 1e-5), False, "standard deviation"),
    Case("rounded", (0.9, 1e-4, 1e-5), False, "close"),
    Case("far off", (0.5, 1e-4, 1e-5), False, "off"),
    Case("a numeric string", ("0.909", 1e-4, 1e-5), False, "real number"),
    Case("a list", ([1, 2], 1e-4, 1e-5), False, "must be a number"),
    Case("eps squared", (0.01 / (0.01 + 0.01), 0.01, 0.1), False, "you squared eps"),
    Case("eps squared, close to 1", (4e-3 / (4e-3 + 1e-6), 4e-3, 1e-3), False, "Squaring eps"),
    Case("a 0-d array", (np.array(1e-4 / (1e-4 + 1e-5)), 1e-4, 1e-5), True),
    Case("...", (..., 1e-4, 1e-5), False, "replace the ..."),
    Case("NaN", (float("nan"), 1e-4, 1e-5), False, "finite"),
    Case("notebook: right", (0.8, 4e-3, 1e-3), True),
    Case("notebook: a one-element list", ([0.8], 4e-3, 1e-3), True),
    Case("notebook: a percentage", (80, 4e-3, 1e-3), False, "looks like a percentage"),
    Case("notebook: 2 figures off", (0.81, 4e-3, 1e-3), False, "close: you gave 0.81; give 3"),
    Case("notebook: the share of eps", (0.2, 4e-3, 1e-3), False, "share eps takes"),
]

TABLE = {
    check_batchnorm_forward: FORWARD,
    check_channel_statistics: CHANNELS,
    check_output_variance: VARIANCE,
}
test_table_cases, test_table_junk = table_tests(TABLE)
