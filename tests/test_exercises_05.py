"""Notebook 05's checkers against their wrong-answer tables (see tests/checker_table.py)."""

import numpy as np
from checker_table import Case, table_tests

from bncourse.inference.checks import check_fold, check_momentum_choice, check_running_update


def running_right(rm, rv, x, m):
    return (1 - m) * rm + m * x.mean(0), (1 - m) * rv + m * x.var(0, ddof=1)


def fold_right(w, b, gamma, beta, mean, var, eps):
    s = gamma / np.sqrt(var + eps)
    return w * s, (b - mean) * s + beta


def fold_no_eps(w, b, gamma, beta, mean, var, eps):
    s = gamma / np.sqrt(var)
    return w * s, (b - mean) * s + beta


def _fold(scale, bias):
    """A folding answer built from scale(g, v, e) and bias(b, mean, s, beta)."""

    def fn(w, b, gamma, beta, mean, var, eps):
        s = scale(gamma, var, eps)
        return w * s, bias(b, mean, s, beta)

    return fn


S = lambda g, v, e: g / np.sqrt(v + e)  # noqa: E731
BEST = 1 - 0.01 ** (1 / 200)

TABLE = {
    check_running_update: [
        Case("right", (running_right,), True, says="unbiased variance"),
        Case(
            "float32",
            (
                lambda rm, rv, x, m: tuple(
                    a.astype(np.float32) for a in running_right(rm, rv, x, m)
                ),
            ),
            True,
        ),
        Case("lists", (lambda *a: tuple(v.tolist() for v in running_right(*a)),), True),
        Case(
            "biased variance",
            (lambda rm, rv, x, m: ((1 - m) * rm + m * x.mean(0), (1 - m) * rv + m * x.var(0)),),
            False,
            says="UNBIASED",
        ),
        Case(
            "keras convention",
            (
                lambda rm, rv, x, m: (
                    m * rm + (1 - m) * x.mean(0),
                    m * rv + (1 - m) * x.var(0, ddof=1),
                ),
            ),
            False,
            says="Keras",
        ),
        Case(
            "batch statistics only",
            (lambda rm, rv, x, m: (x.mean(0), x.var(0, ddof=1)),),
            False,
            says="batch statistics",
        ),
        Case(
            "whole-array statistics",
            (lambda rm, rv, x, m: ((1 - m) * rm + m * x.mean(), (1 - m) * rv + m * x.var(ddof=1)),),
            False,
            says="axis 0",
        ),
        Case(
            "standard deviation",
            (
                lambda rm, rv, x, m: (
                    (1 - m) * rm + m * x.mean(0),
                    (1 - m) * rv + m * x.std(0, ddof=1),
                ),
            ),
            False,
            says="not the standard deviation",
        ),
        Case(
            "hard-coded momentum 0.1",
            (lambda rm, rv, x, m: running_right(rm, rv, x, 0.1),),
            False,
            says="not (1 - momentum)",
        ),
        Case(
            "axis=1 shape",
            (lambda rm, rv, x, m: (x.mean(1), x.var(1)),),
            False,
            says="has shape (5,)",
        ),
        Case("one array", (lambda rm, rv, x, m: x.mean(0),), False, says="pair"),
        Case("wrong arguments", (lambda rm, rv, x: None,), False, says="must take the arguments"),
    ],
    check_fold: [
        Case("right", (fold_right,), True, says="equals Linear -> BN"),
        Case(
            "bias as a 1-element array",
            (lambda *a: (fold_right(*a)[0], np.array([fold_right(*a)[1]])),),
            True,
        ),
        Case(
            "float32",
            (lambda *a: tuple(np.float32(v) for v in fold_right(*a)),),
            True,
        ),
        Case("eps missing", (fold_no_eps,), False, says="eps is missing"),
        Case(
            "variance",
            (_fold(lambda g, v, e: g / (v + e), lambda b, m, s, be: (b - m) * s + be),),
            False,
            says="not the variance",
        ),
        Case(
            "mean not subtracted",
            (_fold(S, lambda b, m, s, be: b * s + be),),
            False,
            says="subtract the running mean",
        ),
        Case(
            "beta missing",
            (_fold(S, lambda b, m, s, be: (b - m) * s),),
            False,
            says="beta is missing",
        ),
        Case(
            "bias not scaled",
            (_fold(S, lambda b, m, s, be: b - m + be),),
            False,
            says="scale the bias",
        ),
        Case(
            "weights not scaled",
            (lambda w, b, g, be, m, v, e: (w, (b - m) * S(g, v, e) + be),),
            False,
            says="scale the weights",
        ),
        Case(
            "upside down",
            (_fold(lambda g, v, e: np.sqrt(v + e) / g, lambda b, m, s, be: (b - m) * s + be),),
            False,
            says="upside down",
        ),
        Case(
            "hard-coded first unit",
            (
                lambda *a: fold_right(
                    *__import__("bncourse.inference.checks", fromlist=["x"])._fold_inputs(0)
                ),
            ),
            False,
            says="does not reproduce",
        ),
        Case(
            "bias per weight",
            (lambda *a: (fold_right(*a)[0], np.full(4, fold_right(*a)[1])),),
            False,
            says="has shape (4,)",
        ),
        Case(
            "(D, 1) weights",
            (lambda *a: (fold_right(*a)[0][:, None], fold_right(*a)[1]),),
            False,
            says="has shape (4, 1)",
        ),
        Case("(1, D) weights", (lambda *a: (fold_right(*a)[0][None], fold_right(*a)[1]),), True),
    ],
    check_momentum_choice: [
        Case("smallest", (BEST, 200, 0.01), True, says="Any momentum from"),
        Case("0.05", (0.05, 200, 0.01), True, says="trade-off"),
        Case(
            "PyTorch's default 0.1", (0.1, 200, 0.01), True, says="tracked the moving target best"
        ),
        Case("0.2", (0.2, 200, 0.01), True),
        Case("keras 0.99", (0.99, 200, 0.01), False, says="Keras' convention"),
        Case("keras 0.9", (0.9, 200, 0.01), False, says="1 - 0.9 = 0.1"),
        Case("0.7: about two batches", (0.7, 200, 0.01), False, says="average of about 2 batches"),
        Case("0-d array", (np.array(0.05), 200, 0.01), True),
        Case("a little larger", (0.025, 200, 0.01), True),
        Case("numpy float", (np.float64(0.03), 200, 0.01), True),
        Case("string number", ("0.025", 200, 0.01), False, says="real number"),
        Case("keras", (1 - BEST, 200, 0.01), False, says="Keras"),
        Case("one over steps", (1 / 200, 200, 0.01), False, says="too small"),
        Case("pytorch default for 20 steps", (0.1, 20, 0.01), False, says="too small"),
        Case("needlessly large", (0.5, 200, 0.01), False, says="noisier"),
        Case("zero", (0.0, 200, 0.01), False, says="too small"),
        Case("above one", (1.5, 200, 0.01), False, says="between 0 and 1"),
        Case("hard-coded for 200 steps, asked 50", (BEST, 50, 0.01), False, says="too small"),
        Case("right for 50 steps", (1 - 0.01 ** (1 / 50), 50, 0.01), True),
    ],
}

test_table_cases, test_table_junk = table_tests(TABLE)
