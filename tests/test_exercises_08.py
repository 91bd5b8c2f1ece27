"""Notebook 08's checkers: right answers pass, each usual mistake is named, junk never passes."""

import numpy as np
import pytest
from checker_table import Case, table_tests

from bncourse.small_batches.checks import (
    check_group_statistics,
    check_groupnorm_backward,
    check_norm_choice,
    check_renorm_r_d,
)
from bnlib.gradcheck import numerical_gradient, rel_error
from bnlib.groupnorm import groupnorm_backward, groupnorm_forward


def right(x, g):
    grouped = x.reshape(x.shape[0], g, -1)
    return grouped.mean(axis=2), grouped.var(axis=2)


def right_keepdims(x, g):
    grouped = x.reshape(x.shape[0], g, x.shape[1] // g, *x.shape[2:])
    axes = tuple(range(2, grouped.ndim))
    return grouped.mean(axis=axes, keepdims=True), grouped.var(axis=axes, keepdims=True)


def interleaved(x, g):
    grouped = (
        x.reshape(x.shape[0], x.shape[1] // g, g, -1).swapaxes(1, 2).reshape(x.shape[0], g, -1)
    )
    return grouped.mean(axis=2), grouped.var(axis=2)


def ddof1(x, g):
    grouped = x.reshape(x.shape[0], g, -1)
    return grouped.mean(axis=2), grouped.var(axis=2, ddof=1)


def per_channel(x, g):
    return x.mean(axis=(2, 3)), x.var(axis=(2, 3))


def over_batch(x, g):
    grouped = x.reshape(x.shape[0], g, -1).swapaxes(0, 1).reshape(g, -1)
    return grouped.mean(axis=1), grouped.var(axis=1)


def per_position(x, g):
    grouped = x.reshape(x.shape[0], g, x.shape[1] // g, *x.shape[2:])
    return grouped.mean(axis=2), grouped.var(axis=2)


def stats_bn(x):
    return x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))


def std_not_var(x, g):
    m, v = right(x, g)
    return m, np.sqrt(v)


def only_two_groups(x, g):
    return right(x, 2)


def as_float32(x, g):
    return tuple(a.astype(np.float32) for a in right(x.astype(np.float32), g))


def gn_backward(dout, x, gamma, g, eps, groups=None, dgamma_axes=(0, 2, 3)):
    """Group norm's (dx, dgamma, dbeta) by hand, with optional mistakes."""
    n, c = x.shape[:2]
    groups = g if groups is None else groups
    v = x.reshape(n, groups, -1)
    mu, var = v.mean(2, keepdims=True), v.var(2, keepdims=True)
    x_hat = ((v - mu) / np.sqrt(var + eps)).reshape(x.shape)
    dx_hat = (dout * gamma[:, None, None]).reshape(n, groups, -1)
    xh = x_hat.reshape(n, groups, -1)
    m = v.shape[2]
    dx = m * dx_hat - dx_hat.sum(2, keepdims=True) - xh * (dx_hat * xh).sum(2, keepdims=True)
    dx = (dx / (m * np.sqrt(var + eps))).reshape(x.shape)
    return dx, (dout * x_hat).sum(dgamma_axes), dout.sum((0, 2, 3))


def bn_axes_backward(dout, x, gamma, g, eps):
    """Statistics over (N, H, W) per channel: batch norm's backward on images."""
    m = x.shape[0] * x[0, 0].size
    mu, var = x.mean((0, 2, 3), keepdims=True), x.var((0, 2, 3), keepdims=True)
    x_hat = (x - mu) / np.sqrt(var + eps)
    d = dout * gamma[:, None, None]
    dx = m * d - d.sum((0, 2, 3), keepdims=True) - x_hat * (d * x_hat).sum((0, 2, 3), keepdims=True)
    return dx / (m * np.sqrt(var + eps)), (dout * x_hat).sum((0, 2, 3)), dout.sum((0, 2, 3))


def gamma_per_group(dout, x, gamma, g, eps):
    dx, dgamma, dbeta = gn_backward(dout, x, gamma, g, eps)
    return dx, dgamma.reshape(g, -1).sum(1), dbeta


GN_BACKWARD = [
    Case("right", (gn_backward,), True, "matches bnlib.groupnorm_backward"),
    Case(
        "right, float32", (lambda *a: tuple(p.astype(np.float32) for p in gn_backward(*a)),), True
    ),
    Case("right, as a list", (lambda *a: list(gn_backward(*a)),), True),
    Case(
        "instance norm's axes",
        (lambda d, x, gm, g, e: gn_backward(d, x, gm, g, e, groups=x.shape[1]),),
        False,
        "per channel (instance norm)",
    ),
    Case(
        "layer norm's axes",
        (lambda d, x, gm, g, e: gn_backward(d, x, gm, g, e, groups=1),),
        False,
        "layer norm",
    ),
    Case("batch norm's axes", (bn_axes_backward,), False, "over the batch per channel"),
    Case("gamma per group", (gamma_per_group,), False, "per CHANNEL"),
    Case(
        "dgamma without x_hat",
        (
            lambda d, x, gm, g, e: (
                gn_backward(d, x, gm, g, e)[0],
                d.sum((0, 2, 3)),
                d.sum((0, 2, 3)),
            ),
        ),
        False,
        "dgamma is sum(dout)",
    ),
    Case(
        "dbeta over the wrong axes",
        (lambda *a: (*gn_backward(*a)[:2], a[0].sum((0, 1))),),
        False,
        "sum over every axis but the channels",
    ),
    Case("swapped order", (lambda *a: gn_backward(*a)[::-1],), False, "order (dx, dgamma, dbeta)"),
    Case(
        "dgamma and dbeta swapped",
        (lambda *a: (gn_backward(*a)[0], gn_backward(*a)[2], gn_backward(*a)[1]),),
        False,
        "swapped",
    ),
    Case(
        "eps hard-coded",
        (lambda d, x, gm, g, e: gn_backward(d, x, gm, g, 1e-5),),
        False,
        "ignores its eps",
    ),
    Case(
        "2 groups hard-coded",
        (lambda d, x, gm, g, e: gn_backward(d, x, gm, 2, e),),
        False,
        "num_groups = 3",
    ),
    Case("dx only", (lambda *a: gn_backward(*a)[0],), False, "all three"),
    Case("returns None", (lambda *a: None,), False, "returned None"),
    Case("wrong signature", (lambda d, x: d,), False, "(dout, x, gamma, num_groups, eps)"),
]


@pytest.mark.parametrize(("seed", "g", "eps"), [(0, 2, 1e-5), (1, 3, 1e-2)])
def test_the_group_norm_reference_is_gradient_checked(seed, g, eps):
    """bnlib.groupnorm_backward, the checker's reference, against finite differences on the
    checker's own inputs."""
    from bncourse.small_batches.checks import _gn_inputs

    dout, x, gamma, g, eps = _gn_inputs(seed, g, eps)
    beta = np.zeros_like(gamma)
    dx, dgamma, _ = groupnorm_backward(dout, groupnorm_forward(x, gamma, beta, g, eps)[1])
    fx = lambda a: groupnorm_forward(a, gamma, beta, g, eps)[0]  # noqa: E731
    fg = lambda a: groupnorm_forward(x, a, beta, g, eps)[0]  # noqa: E731
    assert rel_error(dx, numerical_gradient(fx, x.copy(), dout)) < 1e-5
    assert rel_error(dgamma, numerical_gradient(fg, gamma.copy(), dout)) < 1e-6


RD = (1.0, 0.5, -3.0, 2.0, 3.0, 5.0)  # mu_B, sigma_B, mu, sigma, r_max, d_max: r = 1/3, d = 2
RD2 = (0.0, 6.0, 1.0, 1.5, 2.0, 0.25)  # r = 2 (clipped from 4), d = -0.25 (clipped from -2/3)

TABLE = {
    check_groupnorm_backward: GN_BACKWARD,
    check_group_statistics: [
        Case("right", (right,), True),
        Case("keepdims", (right_keepdims,), True),
        Case("float32", (as_float32,), True),
        Case("list pair", (lambda x, g: list(right(x, g)),), True),
        Case("interleaved groups", (interleaved,), False, says="consecutive channels"),
        Case("ddof=1", (ddof1,), False, says="ddof=1"),
        Case("per channel", (per_channel,), False, says="instance norm"),
        Case("pooled over the batch", (over_batch,), False, says="never pools samples"),
        Case(
            "layer norm's statistics (N,)",
            (lambda x, g: (x.mean(axis=(1, 2, 3)), x.var(axis=(1, 2, 3))),),
            False,
            says="layer norm's statistics",
        ),
        Case("per position", (per_position,), False, says="every position"),
        Case("std instead of var", (std_not_var,), False, says="standard deviation"),
        Case("hard-coded 2 groups", (only_two_groups,), False, says="num_groups = 3"),
        Case("returns None", (lambda x, g: None,), False, says="returned None"),
        Case("one array", (lambda x, g: right(x, g)[0],), False, says="pair"),
        Case(
            "off by a little",
            (lambda x, g: (right(x, g)[0] * 1.01, right(x, g)[1]),),
            False,
            says="your mean differs",
        ),
        Case(
            "var + eps",
            (lambda x, g: (right(x, g)[0], right(x, g)[1] + 1e-5),),
            False,
            says="plus 1.0e-05",
        ),
        Case(
            "batch norm's per-channel statistics",
            (lambda x, g: stats_bn(x),),
            False,
            says="batch norm's statistics",
        ),
        Case(
            "transposed", (lambda x, g: tuple(a.T for a in right(x, g)),), False, says="transposed"
        ),
        Case("swapped", (lambda x, g: right(x, g)[::-1],), False, says="swapped"),
        Case("wrong arguments", (lambda x: x,), False, says="(x, num_groups)"),
    ],
    check_renorm_r_d: [
        Case("right", ((1 / 3, 2.0), *RD), True),
        Case("right, list, rounded", ([0.3333, 2], *RD), True),
        Case("right, numpy array", (np.array([1 / 3, 2]), *RD), True),
        Case("right, two digits", ((0.33, 2.0), *RD), True),
        Case("wrong, two digits", ((0.31, 2.0), *RD), False, says="r: 0.31 is off"),
        Case("right, second problem", ((2.0, -0.25), *RD2), True),
        Case("hard-coded first answer", ((1 / 3, 2.0), *RD2), False),
        Case("r unclipped", ((0.25, 2.0), *RD), False, says="clip it to [1/r_max, r_max]"),
        Case("r inverted", ((3.0, 2.0), *RD), False, says="not the inverse"),
        Case("d unclipped", ((2.0, -2 / 3), *RD2), False, says="clip it to [-d_max, d_max]"),
        Case("d sign", ((1 / 3, -2.0), *RD), False, says="wrong sign"),
        Case("d not divided", ((1 / 3, 4.0), *RD), False, says="divide by sigma"),
        Case("d by sigma_B", ((2.0, -1 / 6), *RD2), False, says="not the batch's sigma_B"),
        Case("d by batch std", ((1 / 3, 5.0), *RD), False, says="not the batch's sigma_B"),
        Case("swapped", ((2.0, 1 / 3), *RD), False, says="swapped"),
        Case("batch norm's own (1, 0)", ((1, 0), *RD), False, says="batch norm's own values"),
        Case("inverse ratio, unclipped (4, 2)", ((4, 2), *RD), False, says="not the inverse"),
        Case("ratio of variances (0.0625, 2)", ((0.0625, 2), *RD), False, says="not of variances"),
        Case("sigma_B itself (0.5, 2)", ((0.5, 2), *RD), False, says="sigma_B itself"),
        Case("within 5%: more figures", ((0.34, 2), *RD), False, says="r: close"),
        Case("one number", (0.5, *RD), False, says="pair (r, d)"),
        Case("...", (..., *RD), False, says="replace the ..."),
        Case("nan", ((float("nan"), 2.0), *RD), False, says="finite"),
    ],
    check_norm_choice: [
        Case("right", ({"a": "group", "b": "layer", "c": "batch", "d": "renorm"},), True),
        Case(
            "right, other spellings",
            ({"a": "GroupNorm", "b": "LN", "c": "batch norm", "d": "Batch Renormalization"},),
            True,
        ),
        Case(
            "layer for detection",
            ({"a": "layer", "b": "layer", "c": "batch", "d": "renorm"},),
            True,
            says="a: layer is accepted",
        ),
        Case(
            "right, full names",
            (
                {
                    "a": "group normalization",
                    "b": "layer normalization",
                    "c": "BatchNorm2d",
                    "d": "batch renorm",
                },
            ),
            True,
        ),
        Case(
            "renorm for cheap inference",
            ({"a": "group", "b": "layer", "c": "renorm", "d": "renorm"},),
            True,
            says="c: renorm is accepted",
        ),
        Case(
            "frozen batch norm for the fine-tune",
            ({"a": "group", "b": "layer", "c": "batch", "d": "batch"},),
            True,
            says="d: batch is accepted",
        ),
        Case(
            "batch for detection",
            ({"a": "batch", "b": "layer", "c": "batch", "d": "renorm"},),
            False,
            says="a: not batch",
        ),
        Case(
            "batch for the RNN",
            ({"a": "group", "b": "batch", "c": "batch", "d": "renorm"},),
            False,
            says="any length",
        ),
        Case(
            "group for cheap inference",
            ({"a": "group", "b": "layer", "c": "group", "d": "renorm"},),
            False,
            says="folds",
        ),
        Case(
            "group for the fine-tune",
            ({"a": "group", "b": "layer", "c": "batch", "d": "group"},),
            False,
            says="running statistics",
        ),
        Case("missing", ({"a": "group"},), False, says="missing: b, c, d"),
        Case(
            "placeholders",
            ({"a": ..., "b": ..., "c": ..., "d": ...},),
            False,
            says="situation a: replace the ...",
        ),
        Case(
            "unknown name",
            ({"a": "instance", "b": "layer", "c": "batch", "d": "renorm"},),
            False,
            says="situation a",
        ),
        Case("list", (["group", "layer", "batch", "renorm"],), False, says="dict"),
    ],
}

test_table_cases, test_table_junk = table_tests(TABLE)
