"""Notebook 07's checkers against their wrong-answer table (see checker_table.py)."""

import numpy as np
from checker_table import Case, table_tests

from bncourse.recurrent.checks import check_eval_row, check_tanh_slope, check_timestep_statistics


def stats(a, axis=0, ddof=0, keepdims=False):
    return a.mean(axis, keepdims=keepdims), a.var(axis, ddof=ddof, keepdims=keepdims)


def tanh_slope(var, n=200_000):
    z = np.random.default_rng(0).normal(0.0, np.sqrt(var), n)
    return float(np.mean(1 - np.tanh(z) ** 2))


FIRST = stats(
    np.random.default_rng(6).normal(np.arange(5)[:, None] * 0.7, 1 + np.arange(3), (8, 5, 3))
)
STATISTICS = [
    Case("right", (stats,), True, "per timestep and unit"),
    Case("right, keepdims", (lambda a: stats(a, keepdims=True),), True),
    Case("right, float32", (lambda a: tuple(s.astype(np.float32) for s in stats(a)),), True),
    Case("right, as lists", (lambda a: tuple(s.tolist() for s in stats(a)),), True),
    Case("pooled over time", (lambda a: stats(a, axis=(0, 1)),), False, "pooled over the batch"),
    Case(
        "pooled over time, keepdims (1, 1, H)",
        (lambda a: stats(a, axis=(0, 1), keepdims=True),),
        False,
        "pooled over the batch",
    ),
    Case(
        "pooled, repeated per timestep",
        (lambda a: tuple(np.broadcast_to(s, a.shape[1:]) for s in stats(a, axis=(0, 1))),),
        False,
        "repeated them",
    ),
    Case("over time", (lambda a: stats(a, axis=1),), False, "averaged over time"),
    Case("ddof=1", (lambda a: stats(a, ddof=1),), False, "ddof=1"),
    Case("swapped", (lambda a: stats(a)[::-1],), False, "swapped"),
    Case("std", (lambda a: (a.mean(0), a.std(0)),), False, "standard deviation"),
    Case("axis=None", (lambda a: stats(a, axis=None),), False, "shape ()"),
    Case("only the mean", (lambda a: a.mean(0),), False, "pair (mean, var)"),
    Case("returns None", (lambda a: None,), False, "returned None"),
    Case("off a little", (lambda a: (a.mean(0) * 1.001, a.var(0)),), False, "timestep"),
    Case(
        "var + eps",
        (lambda a: (a.mean(0), a.var(0) + 1e-5),),
        False,
        "your var is the right one plus",
    ),
    Case(
        "(T, H, 1)",
        (lambda a: tuple(s[..., None] for s in stats(a)),),
        False,
        "has shape (5, 3, 1)",
    ),
    Case("hard-coded first batch", (lambda a: FIRST,), False, "shape"),
    Case("NaN variance", (lambda a: (a.mean(0), a.var(0) * np.nan),), False, "NaN"),
    Case("wrong signature", (lambda a, b: stats(a),), False, "arguments (a)"),
]

EVAL_ROW = [
    Case("beyond T_max", (7, 12, 8), True, "reuses T_max"),
    Case("within T_max", (3, 3, 8), True, "of its own"),
    Case("last trained step", (7, 7, 8), True),
    Case("as a float", (7.0, 12, 8), True),
    Case("T_max, 1-based", (8, 12, 8), False, "rows count from 0"),
    Case("t itself", (12, 12, 8), False, "there is no row 12"),
    Case("wrap around", (4, 12, 8), False, "do not wrap around"),
    Case("row 0", (0, 12, 8), False, "first timestep"),
    Case("hard-coded 7, another T_max", (7, 30, 20), False, "Rows run from 0 to"),
    Case("last row for a timestep within T_max", (7, 3, 8), False, "timestep 3 has its own row, 3"),
    Case("other setting", (19, 30, 20), True),
    Case("-1, numpy's last row", (-1, 12, 8), True, "numpy's last row"),
    Case("-1 within T_max", (-1, 3, 8), False, "statistics of its own"),
    Case("negative", (-2, 12, 8), False, "Rows run from 0"),
]

SLOPE = [
    Case("gamma 1", (tanh_slope(2.0), 1.0), True, "saturated"),
    Case("gamma 0.1", (tanh_slope(0.02), 0.1), True, "nearly linear"),
    Case("gamma 0.5", (tanh_slope(0.5), 0.5), True),
    Case("one term only", (tanh_slope(1.0), 1.0), False, "ONE normalized term"),
    Case("slope at gamma", (1 - np.tanh(1.0) ** 2, 1.0), False, "slope at one point"),
    Case("slope at 0", (1.0, 1.0), False, "slope at one point"),
    Case("slope at 0, gamma 0.1", (1.0, 0.1), False, "slope at one point"),
    Case("06's measured slope at gamma 0.7", (0.63, 0.7), False, "notebook 07 measured"),
    Case("one point at gamma 0.7", (0.6347, 0.7), False, "slope at one point, z = gamma"),
    Case("idealised at gamma 0.7", (0.609, 0.7), True),
    Case("variance 2 gamma", (tanh_slope(1.0), 0.5), False, "not gamma"),
    Case("rough", (tanh_slope(2.0) * 1.03, 1.0), False, "but not right to 2 significant"),
    Case("rounded to 1 figure, 3% off", (0.5, 1.0), False, "close: you gave 0.5; give 2"),
    Case("6% off", (tanh_slope(2.0) * 1.06, 1.0), False, "is off"),
    Case("hard-coded gamma 1 answer", (tanh_slope(2.0), 0.3), False, "is off"),
    Case("junk setting", (0.5, -1.0), False, "gamma_init must be"),
]

TABLE = {
    check_timestep_statistics: STATISTICS,
    check_eval_row: EVAL_ROW,
    check_tanh_slope: SLOPE,
}
test_table_cases, test_table_junk = table_tests(TABLE)
