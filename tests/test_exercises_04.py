"""Notebook 04's checkers against their wrong-answer table (see checker_table.py)."""

import numpy as np
from checker_table import Case, table_tests

from bncourse.covariate_shift.checks import (
    check_diverging_rates,
    check_ics_by_hand,
    check_percentiles,
)
from bnlib.sweep import SweepResult


def pct(q=(15, 50, 85), **kw):
    return lambda inputs: np.percentile(inputs, q, axis=1, **kw).T


def by_sorting(inputs):
    """Nearest rank on the sorted rows: a right, unusual answer."""
    s = np.sort(inputs, axis=1)
    return s[:, [round(f * (s.shape[1] - 1)) for f in (0.15, 0.5, 0.85)]]


def by_sorting_weibull(inputs):
    """Rank p (N + 1) on the sorted rows, interpolated (Excel's PERCENTILE.EXC, SPSS, Minitab)."""
    s = np.sort(inputs, axis=1)
    n = s.shape[1]
    out = []
    for p in (0.15, 0.5, 0.85):
        r = p * (n + 1) - 1  # 0-based rank
        lo = int(np.floor(r))
        out.append(s[:, lo] + (r - lo) * (s[:, lo + 1] - s[:, lo]))
    return np.stack(out, axis=1)


PERCENTILES = [
    Case("right", (pct(),), True, "15th, 50th and 85th"),
    Case("np.quantile with fractions", (lambda v: np.quantile(v, [0.15, 0.5, 0.85], 1).T,), True),
    Case("by sorting (nearest rank)", (by_sorting,), True),
    Case("method=lower", (pct(method="lower"),), True),
    Case("method=higher", (pct(method="higher"),), True),
    Case("float32", (lambda v: pct()(v).astype(np.float32),), True),
    Case("list of lists", (lambda v: pct()(v).tolist(),), True),
    Case("not transposed", (lambda v: np.percentile(v, (15, 50, 85), axis=1),), False, "(3, T)"),
    Case(
        "over steps (axis 0)",
        (lambda v: np.percentile(v, (15, 50, 85), axis=0),),
        False,
        "over the steps",
    ),
    Case("whole array", (lambda v: np.percentile(v, (15, 50, 85)),), False, "expected (7, 3)"),
    Case("5/50/95", (pct((5, 50, 95)),), False, "5th/50th/95th"),
    Case("quartiles", (pct((25, 50, 75)),), False, "quartiles"),
    Case("fractions to np.percentile", (pct((0.15, 0.5, 0.85)),), False, "in percent"),
    Case(
        "mean and std",
        (lambda v: np.stack([v.mean(1) - v.std(1), v.mean(1), v.mean(1) + v.std(1)], 1),),
        False,
        "mean - std",
    ),
    Case(
        "median and std",
        (lambda v: np.stack([v.mean(1) - v.std(1), np.median(v, 1), v.mean(1) + v.std(1)], 1),),
        False,
        "mean -/+ std",
    ),
    Case(
        "hard-coded",
        (
            lambda v: pct()(
                np.random.default_rng(0).gamma(2.0, 1.0, size=(7, 90))
                * np.linspace(0.5, 2.0, 7)[:, None]
                - 1.5
            ),
        ),
        False,
        "expected",
    ),
    Case("off a little", (lambda v: pct()(v) + 0.01,), False, "you gave"),
    Case("NaN inside", (lambda v: np.where(v[:, :3] > 0, np.nan, 0.0),), False, "NaN"),
    Case("returns None", (lambda v: None,), False, "returned None"),
    *[
        Case(f"method={m}", (pct(method=m),), True)
        for m in (
            "weibull",
            "interpolated_inverted_cdf",
            "median_unbiased",
            "normal_unbiased",
            "hazen",
            "nearest",
        )
    ],
    Case("by sorting, rank p(N + 1)", (by_sorting_weibull,), True),
    Case("complex", (lambda v: pct()(v) + 0j,), False, "real numbers"),
    Case("object array of None", (lambda v: np.full((7, 3), None),), False, "real numbers"),
    Case("eps added", (lambda v: pct()(v) + 1e-5,), False, "did you add eps"),
    Case("wrong signature", (lambda a, b: a,), False, "(inputs)"),
]


def sweep_result(plain_div=(False, False, True, True), bn_div=(False, False, False, True)):
    """A hand-made learning-rate sweep over 4 rates, 3 seeds: which runs diverged is given."""
    lrs = (0.1, 1.0, 10.0, 100.0)
    settings = tuple(
        {"lr": lr, "init_scale": 3.0, "batchnorm": bn, "noisy_bn": None}
        for bn in (False, True)
        for lr in lrs
    )
    div = np.repeat(np.array([*plain_div, *bn_div])[:, None], 3, axis=1)
    start = np.full(div.shape, 2.3)
    end = np.where(div, 50.0, 0.5)
    return SweepResult(settings, np.arange(3), 150, np.where(div, np.nan, 0.9), start, end)


SWEEP = sweep_result()
MIXED = sweep_result(plain_div=(False, True, True, True))

RATES = [
    Case("right", ([10, 100], SWEEP), True, "every seed diverged at [10, 100]"),
    Case("right, as a set of floats", ({10.0, 100.0}, SWEEP), True),
    Case("right, numpy array", (np.array([100.0, 10.0]), SWEEP), True),
    Case("right on another sweep", ([1, 10, 100], MIXED), True),
    Case("hard-coded on another sweep", ([10, 100], MIXED), False, "[10, 100] is right; also [1]"),
    Case("one missing", ([10], SWEEP), False, "[10] is right; also [100]"),
    Case("one too many", ([1, 10, 100], SWEEP), False, "not [1]"),
    Case("the rates with BN", ([100], SWEEP), False, "*with* BN"),
    Case("not a swept rate", ([5, 100], SWEEP), False, "choose among"),
    Case("negative", ([-10], SWEEP), False, "choose among"),
    Case("empty", ([], SWEEP), False, "look for the x"),
    Case("a string", ("10, 100", SWEEP), False, "list of numbers"),
    Case("strings in a list", (["10", "100"], SWEEP), False, "real number"),
    Case("the rates with BN, one missing", ([100], SWEEP), False, "Also [10]"),
    Case("no sweep", ([10, 100], {"lr": 10}), False, "pass the sweep result"),
]


def ics(W1, W2, x, y, lr, mistake=None):
    """Santurkar's measure for layer 2 of logits = x W1 W2, with optional mistakes."""

    def grads(A, B):
        h = x @ A
        z = h @ B
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        p[np.arange(len(y)), y] -= 1
        d = p / (1 if mistake == "sum" else len(y))
        return x.T @ (d @ B.T), h.T @ d

    d1, d2 = grads(W1, W2)
    sign = -1 if mistake == "uphill" else 1
    moved_W2 = W2 - lr * d2 if mistake == "both move" else W2
    e1, e2 = grads(W1 - sign * lr * d1, moved_W2)
    g, g2 = (d1, e1) if mistake == "layer 1" else (d2, e2)
    l2 = np.linalg.norm(g - g2)
    cos = np.sum(g * g2) / (np.linalg.norm(g) * np.linalg.norm(g2))
    if mistake == "squared":
        l2 = l2**2
    if mistake == "relative":
        l2 = l2 / np.linalg.norm(g)
    return (cos, l2) if mistake == "swapped" else (l2, cos)


def ics_case(label, passes, says=None, mistake=None, post=None):
    def fn(W1, W2, x, y, lr):
        out = ics(W1, W2, x, y, lr, mistake)
        return out if post is None else post(out)

    return Case(label, (fn,), passes, says)


ICS = [
    ics_case("right", True, "matches bnlib.internal_covariate_shift"),
    ics_case("right, as a list", True, post=list),
    ics_case("right, float32", True, post=lambda o: np.array(o, dtype=np.float32)),
    ics_case("swapped", False, "swapped", "swapped"),
    ics_case("squared distance", False, "squared distance", "squared"),
    ics_case("relative", False, "divided by ||G||", "relative"),
    ics_case("no step", False, "G' equals G", post=lambda o: (0.0, 1.0)),
    ics_case("uphill", False, "uphill", "uphill"),
    ics_case("both layers move", False, "only the layers *below*", "both move"),
    ics_case("layer 1's gradient", False, "layer 1's gradients", "layer 1"),
    ics_case("sum instead of mean", False, "*mean*", "sum"),
    ics_case("off", False, "expected", post=lambda o: (o[0] * 1.1, o[1])),
    ics_case("three numbers", False, "has shape (3,)", post=lambda o: (*o, 0.0)),
    ics_case("NaN", False, "NaN", post=lambda o: (np.nan, o[1])),
    Case(
        "lr hard-coded",
        (lambda W1, W2, x, y, lr: ics(W1, W2, x, y, 0.5),),
        False,
        "ignores its lr argument",
    ),
    ics_case("hard-coded", False, "expected", post=lambda o: (0.05, 0.99)),
    Case("wrong signature", (lambda W1, W2: 0,), False, "(W1, W2, x, y, lr)"),
]

TABLE = {check_percentiles: PERCENTILES, check_diverging_rates: RATES, check_ics_by_hand: ICS}
test_table_cases, test_table_junk = table_tests(TABLE)
