"""Notebook 02's checkers against their wrong-answer table (see checker_table.py)."""

import numpy as np
from checker_table import Case, table_tests

from bncourse.gamma_beta.checks import check_identity_params, check_steered_sigmoid


def right(x, eps):
    return np.sqrt(x.var(0) + eps), x.mean(0)


IDENTITY = [
    Case("right", (right,), True, "returns its input"),
    Case("right, as a list", (lambda x, e: list(right(x, e)),), True),
    Case("right, float32-free lists", (lambda x, e: tuple(v.tolist() for v in right(x, e)),), True),
    Case("no eps", (lambda x, e: (x.std(0), x.mean(0)),), False, "eps is missing"),
    Case(
        "eps outside the root",
        (lambda x, e: (x.std(0) + e, x.mean(0)),),
        False,
        "outside the square",
    ),
    Case("ddof=1", (lambda x, e: (np.sqrt(x.var(0, ddof=1) + e), x.mean(0)),), False, "biased"),
    Case("variance", (lambda x, e: (x.var(0) + e, x.mean(0)),), False, "not the variance"),
    Case(
        "upside down", (lambda x, e: (1 / np.sqrt(x.var(0) + e), x.mean(0)),), False, "upside down"
    ),
    Case("swapped", (lambda x, e: right(x, e)[::-1],), False, "swapped"),
    Case("no shift", (lambda x, e: (right(x, e)[0], 0 * x.mean(0)),), False, "shift back"),
    Case("eps hard-coded", (lambda x, e: right(x, 1e-5),), False, "use the eps argument"),
    Case(
        "whole-array statistics",
        (lambda x, e: (np.sqrt(x.var() + e), x.mean()),),
        False,
        "shape (3,)",
    ),
    Case("NaN", (lambda x, e: (right(x, e)[0] * np.nan, x.mean(0)),), False, "NaN"),
    Case(
        "(gamma, 'beta')", (lambda x, e: (right(x, e)[0], "beta"),), False, "array of real numbers"
    ),
    Case(
        "right, keepdims (1, D)",
        (lambda x, e: (np.sqrt(x.var(0, keepdims=True) + e), x.mean(0, keepdims=True)),),
        True,
    ),
    Case("right, np.stack([g, b])", (lambda x, e: np.stack(right(x, e)),), True),
    Case(
        "right, computed in float32",
        (
            lambda x, e: tuple(
                v.astype(np.float32) for v in right(x.astype(np.float32), np.float32(e))
            ),
        ),
        True,
    ),
    Case(
        "(D, 1)", (lambda x, e: tuple(v[:, None] for v in right(x, e)),), False, "has shape (3, 1)"
    ),
    Case(
        "beta + eps",
        (lambda x, e: (right(x, e)[0], x.mean(0) + e),),
        False,
        "your beta is the right one plus",
    ),
    Case("three values", (lambda x, e: (*right(x, e), 0),), False, "pair"),
    Case("returns None", (lambda x, e: ...,), False, "returned None"),
    Case("raises", (lambda x, e: 1 / 0,), False, "ZeroDivisionError"),
    Case("wrong signature", (lambda x: x,), False, "the arguments (x, eps)"),
]

STEERED = [
    Case("right", (0.8, 1.5), True, "mean output 0.79"),
    Case("right, negative gamma", (-0.8, 1.5), True),
    Case("right, numpy numbers", (np.float32(0.8), np.float64(1.5)), True),
    Case("the default", (1.0, 0.0), False, "increase beta"),
    Case("too far on", (1.0, 4.0), False, "decrease beta"),
    Case("mean right, output std 0.032", (0.2, 1.4), False, "output std must be at least 0.05"),
    Case("mean right, output std 0.040", (0.25, 1.4), False, "output std must be at least 0.05"),
    Case("mean right, output std 0.035", (0.22, 1.38), False, "output std must be at least 0.05"),
    Case("5.4% saturated", (1.5, 1.8), False, "5.4%"),
    Case("too wide", (3.0, 3.0), False, "Reduce gamma"),
    Case("dead unit, gamma 0", (0.0, 1.5), False, "barely varies"),
    Case("dead unit, gamma 1e-6", (1e-6, 1.5), False, "barely varies"),
    Case("dead unit, gamma 0.05", (0.05, 1.5), False, "barely varies"),
    Case("huge gamma", (1e300, 1.5), False, "fixed switch"),
    Case("wide, mean right", (2.0, 3.0), False, "Reduce gamma"),
    Case("saturated on top", (1.4, 2.0), False, "upper flat part"),
    Case("...", (..., ...), False, "replace the ..."),
    Case("a string", ("a", 1), False, "real number"),
    Case("NaN", (float("nan"), 1.0), False, "finite"),
]

TABLE = {check_identity_params: IDENTITY, check_steered_sigmoid: STEERED}
test_table_cases, test_table_junk = table_tests(TABLE)
