"""Notebook 06's checkers (convolutional networks): right answers in several forms, the named
mistakes."""

import numpy as np
from checker_table import Case, table_tests

from bncourse.convolution.checks import (
    check_fold_conv,
    check_norm_axes,
    check_spatial_batchnorm_backward,
)
from bnlib.batchnorm import batchnorm_backward, batchnorm_forward
from bnlib.conv import fold_conv_batchnorm


def _via_rows(dout, x, gamma, eps, transpose=True):
    n, c, h, w = x.shape
    if transpose:
        rows, drows = (
            x.transpose(0, 2, 3, 1).reshape(-1, c),
            dout.transpose(0, 2, 3, 1).reshape(-1, c),
        )
    else:
        rows, drows = x.reshape(-1, c), dout.reshape(-1, c)
    _, cache = batchnorm_forward(rows, gamma, np.zeros(c), eps)
    dx, dgamma, dbeta = batchnorm_backward(drows, cache)
    dx = dx.reshape(n, h, w, c).transpose(0, 3, 1, 2) if transpose else dx.reshape(x.shape)
    return dx, dgamma, dbeta


def _per_position(dout, x, gamma, eps):
    n, c, h, w = x.shape
    _, cache = batchnorm_forward(
        x.reshape(n, -1), np.repeat(gamma, h * w), np.zeros(c * h * w), eps
    )
    dx, dg, db = batchnorm_backward(dout.reshape(n, -1), cache)
    return dx.reshape(x.shape), dg.reshape(c, h, w).sum((1, 2)), db.reshape(c, h, w).sum((1, 2))


BACKWARD = [
    (_via_rows, True, "matches bnlib.spatial_batchnorm_backward"),
    (
        lambda d, x, g, e: tuple(np.asarray(a).tolist() for a in _via_rows(d, x, g, e)),
        True,
        "matches",
    ),
    (lambda d, x, g, e: _via_rows(d, x, g, e, transpose=False), False, "transpose to (N, H, W, C)"),
    (_per_position, False, "every position as its own feature"),
    (lambda d, x, g, e: _via_rows(d, x, g, e)[0], False, "return all three gradients"),
    (lambda d, x, g, e: None, False, "returned None"),
    (lambda d, x, g, e: 1 / 0, False, "raised ZeroDivisionError"),
    (lambda d, x: d, False, "must take the arguments"),
]


def _scale(g, v, e):
    return (g / np.sqrt(v + e))[:, None, None, None]


FOLD = [
    (fold_conv_batchnorm, True, "one convolution now does conv + eval-mode BN"),
    (
        lambda w, b, g, be, m, v, e: (w * _scale(g, v, 0), (b - m) * g / np.sqrt(v) + be),
        False,
        "eps",
    ),
    (
        lambda w, b, g, be, m, v, e: (w * _scale(g, v, e), b * _scale(g, v, e).ravel() + be),
        False,
        "running mean",
    ),
    (
        lambda w, b, g, be, m, v, e: (w * _scale(g, v, e), (b - m) * _scale(g, v, e).ravel()),
        False,
        "beta is missing",
    ),
    (
        lambda w, b, g, be, m, v, e: (w * (g / np.sqrt(v + e))[None, :, None, None], b),
        False,
        "on axis 0",
    ),
    (lambda w, b, g, be, m, v, e: w, False, "w_folded"),
]


AXES = [
    ({"batch": (0, 2, 3), "layer": (1, 2, 3), "instance": (2, 3)}, True, "mixes images"),
    ({"batch": [0, 2, 3], "layer": [-3, -2, -1], "instance": (-2, -1)}, True, "mixes images"),
    ({"batch": (0,), "layer": (1, 2, 3), "instance": (2, 3)}, False, "BatchNorm1d on flat"),
    ({"batch": (0, 2, 3), "layer": (1,), "instance": (2, 3)}, False, "every non-batch axis"),
    ({"batch": (0, 2, 3), "layer": (0, 2, 3), "instance": (2, 3)}, False, "never averages over"),
    (
        {"batch": (0, 2, 3), "layer": (1, 2, 3), "instance": (1, 2, 3)},
        False,
        "keeps channels apart",
    ),
    ({"batch": (0, 2, 3), "layer": (1, 2, 3)}, False, 'needs a "instance" entry'),
    ({"batch": (0, 2, 3), "layer": (1, 2, 3), "instance": "hw"}, False, "tuple of ints"),
    ({"batch": (0, 2, 3), "layer": (1, 2, 3), "instance": (2, 2, 3)}, False, "tuple of ints"),
    ((0, 2, 3), False, "give a dict"),
    (..., False, "give a dict"),
]


def _cases(rows):
    """(answer, passes, fragment) rows as Cases, labelled by position."""
    return [
        Case(f"{k}: {says}", (answer,), passes, says)
        for k, (answer, passes, says) in enumerate(rows)
    ]


TABLE = {
    check_spatial_batchnorm_backward: _cases(BACKWARD),
    check_fold_conv: _cases(FOLD),
    check_norm_axes: _cases(AXES),
}
test_table_cases, test_table_junk = table_tests(TABLE)
