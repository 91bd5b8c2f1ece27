"""Notebook 07's checkers: right answers pass, each usual mistake is named, junk never passes."""

import numpy as np
from checker_table import Case, table_tests

from bnlib.exercises import check_group_statistics, check_norm_choice, check_renorm_r_d


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


def std_not_var(x, g):
    m, v = right(x, g)
    return m, np.sqrt(v)


def only_two_groups(x, g):
    return right(x, 2)


def as_float32(x, g):
    return tuple(a.astype(np.float32) for a in right(x.astype(np.float32), g))


RD = (1.0, 0.5, -3.0, 2.0, 3.0, 5.0)  # mu_B, sigma_B, mu, sigma, r_max, d_max: r = 1/3, d = 2
RD2 = (0.0, 6.0, 1.0, 1.5, 2.0, 0.25)  # r = 2 (clipped from 4), d = -0.25 (clipped from -2/3)

TABLE = {
    check_group_statistics: [
        Case("right", (right,), True),
        Case("keepdims", (right_keepdims,), True),
        Case("float32", (as_float32,), True),
        Case("list pair", (lambda x, g: list(right(x, g)),), True),
        Case("interleaved groups", (interleaved,), False, says="consecutive channels"),
        Case("ddof=1", (ddof1,), False, says="ddof=1"),
        Case("per channel", (per_channel,), False, says="instance norm"),
        Case("pooled over the batch", (over_batch,), False, says="never pools samples"),
        Case("per position", (per_position,), False, says="every position"),
        Case("std instead of var", (std_not_var,), False, says="standard deviation"),
        Case("hard-coded 2 groups", (only_two_groups,), False, says="num_groups = 3"),
        Case("returns None", (lambda x, g: None,), False, says="returned None"),
        Case("one array", (lambda x, g: right(x, g)[0],), False, says="pair"),
        Case(
            "off by a little",
            (lambda x, g: (right(x, g)[0] + 0.01, right(x, g)[1]),),
            False,
            says="your mean is off",
        ),
        Case("wrong arguments", (lambda x: x,), False, says="(x, num_groups)"),
    ],
    check_renorm_r_d: [
        Case("right", ((1 / 3, 2.0), *RD), True),
        Case("right, list, rounded", ([0.3333, 2], *RD), True),
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
        Case("one number", (0.5, *RD), False, says="pair (r, d)"),
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
            False,
            says="a: not layer",
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
            "unknown name",
            ({"a": "instance", "b": "layer", "c": "batch", "d": "renorm"},),
            False,
            says="situation a",
        ),
        Case("list", (["group", "layer", "batch", "renorm"],), False, says="dict"),
    ],
}

test_table_cases, test_table_junk = table_tests(TABLE)
