"""Notebook 10's checkers: right answers pass, each usual mistake is named, junk never passes."""

import numpy as np
from checker_table import Case, table_tests

from bncourse.answers import agrees
from bncourse.optimization.checks import (
    check_depth_threshold,
    check_effective_lr,
    check_equilibrium_angle,
)
from bncourse.review.checks import CHOICES, NUMBERS

TABLE = {
    check_equilibrium_angle: [
        Case("right", (np.sqrt(2 * 0.4 * 0.05), 0.4, 0.05), True),
        Case("right, rounded", (0.2, 0.4, 0.05), True),
        Case("numpy float", (np.float32(0.1), 0.1, 0.05), True),
        Case("notebook, 3 figures", (0.0141, 0.2, 5e-4), True),
        Case("notebook, 2 figures", (0.014, 0.2, 5e-4), True),
        Case("notebook, one-element list", ([0.0141], 0.2, 5e-4), True),
        Case("notebook, 9% off", (0.0129, 0.2, 5e-4), False, says="is off"),
        Case("no square root", (0.04, 0.4, 0.05), False, says="square root"),
        Case("no factor 2", (np.sqrt(0.02), 0.4, 0.05), False, says="factor 2"),
        Case("degrees", (np.degrees(0.2), 0.4, 0.05), False, says="degrees"),
        Case("lr times lambda", (0.02, 0.4, 0.05), False, says="fraction decay removes"),
        Case("lambda inverted", (4.0, 0.4, 0.05), False, says="numerator"),
        Case("far off", (0.5, 0.4, 0.05), False, says="lr x lambda"),
        Case("missing", (..., 0.4, 0.05), False, says="replace the ..."),
        Case("bad setting", (0.2, -0.4, 0.05), False, says="checker's lr"),
    ],
    check_effective_lr: [
        Case("right", (0.025, 0.4, 2.0, 2.0), True),
        Case("right, other numbers", (0.4 / 36, 0.4, 2.0, 3.0), True),
        Case("notebook, rounded as a learner would", (0.0032, 0.4, 5.6, 2.0), True),
        Case("notebook, 3% off", (0.0031, 0.4, 5.6, 2.0), False, says="but not right to 2"),
        Case("start = lr / new norm", (0.1, 0.4, 2.0, 2.0), False, says="both the effective rate"),
        Case("no square", (0.4 / 6, 0.4, 2.0, 3.0), False, says="one factor of ||W||"),
        Case("before the growth", (0.1, 0.4, 2.0, 3.0), False, says="before the growth"),
        Case("nominal", (0.4, 0.4, 2.0, 3.0), False, says="nominal"),
        Case("inverse", (0.4 * 9 / 4, 0.4, 2.0, 3.0), False, says="other way round"),
        Case("growth only", (0.4 / 9, 0.4, 2.0, 3.0), False, says="growth alone"),
        Case("far off", (3.0, 0.4, 2.0, 2.0), False, says="new ||W||"),
        Case("string", ("0.025", 0.4, 2.0, 2.0), False, says="real number"),
    ],
    check_depth_threshold: [
        Case("right", (13, 1.2, 10.0), True),
        Case("right as float", (13.0, 1.2, 10.0), True),
        Case("right, other rate", (7, 1.5, 14.0), True),
        Case("rounded down", (12, 1.2, 10.0), False, says="round up"),
        Case("not an integer", (np.log(10) / np.log(1.2), 1.2, 10.0), False, says="whole"),
        Case("additive", (45, 1.2, 10.0), False, says="compounds"),
        Case("mixed logs", (6, 1.2, 10.0), False, says="mixed logarithms"),
        Case("far off", (100, 1.2, 10.0), False, says="smallest n"),
        Case("fraction", (2.5, 1.2, 10.0), False, says="whole number"),
        Case("rate below one", (13, 0.9, 10.0), False, says="rate > 1"),
    ],
}

test_case, test_junk = table_tests(TABLE)


def test_the_review_asks_about_this_notebook():
    for key in ("decay_with_bn", "exclude_gamma", "deep_bn_init"):
        q = CHOICES[key]
        assert q.answer in q.options and set(q.why) == set(q.options), key
    for key in ("equilibrium_angle", "effective_lr_after_growth"):
        q = NUMBERS[key]
        wrong = [value for value, _ in q.mistakes]
        assert not any(agrees(v, q.answer, q.digits) for v in wrong), key
