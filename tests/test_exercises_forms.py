"""Broad answer sets for every checker of a typed answer (notebooks 01-11 and the review), built by
rule rather than by example, so that the policy is tested and not the cases:

- every right value passes in every form a learner may type it: exact, rounded to the asked
  significant figures (and more), numpy scalars, 0-d and one-element arrays, one-element lists
  and tuples, and an int where the answer is whole;
- rounded to one figure less, it is told "close: give N significant figures" (when that rounding
  is a near miss, within 5%), and a percentage typed for a fraction is named;
- every named mistake, exact and rounded to the asked figures, gets its own hint, never a PASS;
- far-off values (the negative, ten times larger or smaller) say "is off" or name a mistake.

The cases run through checker_table's `test_case` (verdict, fragment, no self-contradiction);
the junk property tests of each checker live in its notebook's table.
"""

import numpy as np
from checker_table import Case, table_tests

from bncourse.answers import agrees
from bncourse.gamma_beta.checks import check_steered_sigmoid
from bncourse.gradients.checks import check_scaled_gradient
from bncourse.inference.checks import check_momentum_choice
from bncourse.normalization.checks import check_output_variance
from bncourse.optimization.checks import (
    check_depth_threshold,
    check_effective_lr,
    check_equilibrium_angle,
)
from bncourse.practice.checks import _ANSWERS, check_bug
from bncourse.recurrent.checks import _mean_tanh_slope, check_eval_row, check_tanh_slope
from bncourse.review.checks import CHOICES, NUMBERS, check_choice, check_number
from bncourse.small_batches.checks import check_norm_choice, check_renorm_r_d


def sig(x, digits):
    """x rounded to `digits` significant figures, as a learner types it."""
    return float(f"{x:.{digits - 1}e}")


def forms(value):
    """The ways a learner may type one number."""
    return {
        "float": float(value),
        "numpy float64": np.float64(value),
        "numpy float32": np.float32(value),
        "0-d array": np.array(value),
        "1-element array": np.array([value]),
        "1-element list": [value],
        "1-element tuple": (value,),
    }


def typed_cases(name, want, digits, mistakes, call, fraction=False):
    """Cases for one typed-number exercise: `call(answer)` gives the checker's args."""
    cases = []
    for label, value in forms(sig(want, digits)).items():
        cases.append(Case(f"{name}: {digits} figures, {label}", call(value), True))
    for d in (digits + 1, digits + 2, 17):
        cases.append(Case(f"{name}: {d} figures", call(sig(want, d)), True))
    if float(want).is_integer():
        cases.append(Case(f"{name}: an int", call(int(want)), True))
    lower = sig(want, digits - 1)
    if not agrees(lower, want, digits) and abs(lower - want) <= 0.05 * abs(want):
        named = [v for v, _ in mistakes if agrees(lower, v, digits)]
        says = None if named else f"give {digits} significant figures"
        cases.append(Case(f"{name}: {digits - 1} figures", call(lower), False, says))
    if fraction:
        for d in (digits, digits + 1):
            percent = sig(100 * want, d)
            cases.append(Case(f"{name}: percent {percent:g}", call(percent), False, "percentage"))
    for k, (value, hint) in enumerate(mistakes):
        if agrees(value, want, digits):
            continue
        for d in (digits, 10):
            cases.append(
                Case(f"{name}: mistake {k}, {d} figures", call(sig(value, d)), False, hint[:25])
            )
    for label, value in (("negative", -want), ("x 10", 10 * want), ("/ 10", want / 10)):
        if not any(agrees(value, v, digits) for v, _ in mistakes) and value != want:
            cases.append(Case(f"{name}: {label}", call(value), False, "is off"))
    return cases


def _slope(value):
    return (value, 0.7)


SLOPE = _mean_tanh_slope(2 * 0.7**2)
TYPED = []
TYPED += typed_cases(
    "output variance",
    1.25 / 1.3,
    3,
    [(1.0, "not quite 1"), (np.sqrt(1.25 / 1.3), "standard deviation")],
    lambda a: (a, 1.25, 0.05),
    fraction=True,
)
TYPED += typed_cases(
    "scaled gradient",
    0.7 / 3,
    3,
    [(2.1, "the other way round"), (0.7, "the loss is unchanged"), (0.7 / 9, "1/a^2")],
    lambda a: (a, 3.0, 0.7),
)
TYPED += typed_cases(
    "equilibrium angle",
    np.sqrt(2 * 0.2 * 5e-4),
    2,
    [
        (2 * 0.2 * 5e-4, "that is 2 lr lambda"),
        (np.sqrt(0.2 * 5e-4), "the factor 2 is missing"),
        (np.degrees(np.sqrt(2e-4)), "in degrees"),
        (1e-4, "lr lambda is the fraction"),
    ],
    lambda a: (a, 0.2, 5e-4),
)
TYPED += typed_cases(
    "effective lr",
    0.4 / 11.2**2,
    2,
    [
        (0.4 / 11.2, "one factor of ||W||"),
        (0.4 / 5.6**2, "before the growth"),
        (0.4 / 4, "growth alone"),
        (0.4, "nominal rate"),
    ],
    lambda a: (a, 0.4, 5.6, 2.0),
)
TYPED += typed_cases(
    "tanh slope",
    SLOPE,
    2,
    [(1.0, "slope at one point, z = 0"), (_mean_tanh_slope(0.49), "ONE normalized term")],
    _slope,
)
for key, q in NUMBERS.items():
    TYPED += typed_cases(
        f"review {key}",
        q.answer,
        q.digits,
        list(q.mistakes),
        lambda a, key=key: (key, a),
        fraction=q.fraction,
    )

EVAL_ROW = [
    Case(f"eval row 7, {label}", (value, 12, 8), True)
    for label, value in {**forms(7), "int": 7, "numpy int64": np.int64(7)}.items()
] + [
    Case("eval row: 7 for t = 3", (7, 3, 8), False, "timestep 3 has its own row, 3"),
    Case("eval row: 7.5", (7.5, 12, 8), False, "whole number"),
    Case("eval row: 12, t itself", ([12], 12, 8), False, "there is no row 12"),
]
DEPTH = [
    Case(f"depth 26, {label}", (value, 1.2, 100.0), True)
    for label, value in {**forms(26), "int": 26, "numpy int64": np.int64(26)}.items()
] + [
    Case("depth: log ratio, 3 figures", (25.3, 1.2, 100.0), False, "whole numbers"),
    Case("depth: log ratio, exact", (np.log(100) / np.log(1.2), 1.2, 100.0), False, "whole"),
    Case("depth: rounded down", ([25], 1.2, 100.0), False, "round up"),
    Case("depth: 26.5", (26.5, 1.2, 100.0), False, "whole number"),
]

MOMENTUM_BEST = 1 - 0.01 ** (1 / 200)
MOMENTUM = [
    Case(f"momentum smallest, {d} figures, {label}", (value, 200, 0.01), True)
    for d in (3, 4, 5, 10)
    for label, value in forms(sig(MOMENTUM_BEST, d)).items()
] + [
    Case("momentum: the smallest rounded as printed", (0.02276, 200, 0.01), True, "smallest"),
    Case("momentum: 0.0228 says a larger one", (0.0228, 200, 0.01), True, "a larger one"),
    Case("momentum: 0.05 names a smaller one", (0.05, 200, 0.01), True, "between 0.0228"),
    Case("momentum: 2 figures, below", (0.022, 200, 0.01), False, "= 0.0117, more than 0.01"),
    Case("momentum: percent", (5.0, 200, 0.01), False, "percentage"),
    Case("momentum: percent of the smallest", (2.28, 200, 0.01), False, "percentage"),
    Case("momentum: truncated", (0.0227, 200, 0.01), False, "too small"),
]
RD = (1.0, 0.5, -3.0, 2.0, 3.0, 5.0)
RENORM = [
    Case(f"renorm right, {label}", (pair, *RD), True)
    for label, pair in {
        "tuple": (1 / 3, 2.0),
        "list": [1 / 3, 2],
        "2 figures": (0.33, 2.0),
        "3 figures": (0.333, 2.00),
        "ints and floats": (0.33, 2),
        "array": np.array([0.333, 2.0]),
        "numpy scalars": (np.float32(1 / 3), np.int64(2)),
        "1-element lists": ([0.33], [2.0]),
    }.items()
] + [
    Case("renorm: batch norm's values", ((1, 0), *RD), False, "batch norm's own values"),
    Case("renorm: inverse ratio, unclipped", ((4, 2), *RD), False, "not the inverse"),
    Case("renorm: ratio of variances", ((0.0625, 2), *RD), False, "not of variances"),
    Case("renorm: sigma_B itself", ((0.5, 2), *RD), False, "sigma_B itself"),
    Case("renorm: one figure, 10% off", ((0.3, 2), *RD), False, "r: 0.3 is off"),
    Case("renorm: d 3.5% off", ((0.33, 1.93), *RD), False, "d: close (1.93), but not right to 2"),
    Case("renorm: 0.34", ((0.34, 2), *RD), False, "r: close"),
]
NAMES = {
    "group": [
        "group",
        "Group",
        "GN",
        "gn",
        "group norm",
        "Group normalization",
        "GroupNorm",
        "group-norm",
        "groupnorm",
        "group normalisation",
    ],
    "layer": ["layer", "LN", "layer norm", "Layer normalization", "LayerNorm", "layernorm"],
    "batch": [
        "batch",
        "BN",
        "batch norm",
        "Batch normalization",
        "BatchNorm2d",
        "BatchNorm1d",
        "batchnorm",
    ],
    "renorm": ["renorm", "Batch Renorm", "batch renormalization", "BRN", "BatchReNorm"],
}
RIGHT = {"a": "group", "b": "layer", "c": "batch", "d": "renorm"}
NORM_CHOICE = [
    Case(f"norm choice: {k} as {name!r}", ({**RIGHT, k: name},), True)
    for k, kind in RIGHT.items()
    for name in NAMES[kind]
] + [
    Case("norm choice: instance norm", ({**RIGHT, "a": "instance norm"},), False, "full names"),
    Case("norm choice: batch for b", ({**RIGHT, "b": "BatchNorm1d"},), False, "b: not batch"),
    Case(
        "norm choice: group for c", ({**RIGHT, "c": "Group normalization"},), False, "c: not group"
    ),
]

CHOICE = [
    Case(f"choice {q}: {form!r}", (q, form), True)
    for q, c in CHOICES.items()
    for form in (c.answer.upper(), f"({c.answer})", f" {c.answer}. ")
] + [
    Case(f"choice {q}: wrong {x!r}", (q, f"{x}."), False, f"not ({x})")
    for q, c in list(CHOICES.items())[:3]
    for x in c.options
    if x != c.answer
]

BUG = (
    [
        Case(f"bug {s}: {form!r}", (s, form), True)
        for s, (bug, _) in _ANSWERS.items()
        for form in (bug.upper().replace("_", " "), f" {bug.replace('_', '-')} ")
    ]
    + [
        Case(f"bug {s}: with fix {form!r}", (s, bug, form), True)
        for s, (bug, fix) in _ANSWERS.items()
        for form in (..., fix.replace("_", " "))
    ]
    + [
        Case("bug b: then model.train()", ("b", "val_updates_stats"), True, "then model.train()"),
        Case("bug: a long wrong name is cut with ...", ("a", "x" * 60), False, "..."),
        Case("bug: unknown script", ("z", "x"), False, "no script"),
        Case("bug a: the validation one", ("a", "val updates stats"), False, "no validation pass"),
        Case("bug b: train mode", ("b", "Train-Mode-Eval"), False, "close: the validation pass"),
        Case(
            "bug g: wrong fix", ("g", "small_batch_finetune", "call eval"), False, "does not cure"
        ),
    ]
)
STEERED = [
    Case(f"steered sigmoid: {label}", (g, b), True)
    for label, (g, b) in {
        "floats": (0.8, 1.5),
        "numpy": (np.float32(0.8), np.float64(1.5)),
        "0-d arrays": (np.array(0.8), np.array(1.5)),
        "1-element lists": ([0.8], [1.5]),
    }.items()
] + [
    Case("steered sigmoid: the default", (1.0, 0.0), False, "increase beta"),
    Case("steered sigmoid: too wide", ([5.0], 2.0), False, "too large"),
    Case("steered sigmoid: too high", (0.8, np.array(3.0)), False, "on too much"),
]

TABLE = {
    check_output_variance: [c for c in TYPED if c.label.startswith("output variance")],
    check_scaled_gradient: [c for c in TYPED if c.label.startswith("scaled gradient")],
    check_equilibrium_angle: [c for c in TYPED if c.label.startswith("equilibrium angle")],
    check_effective_lr: [c for c in TYPED if c.label.startswith("effective lr")],
    check_tanh_slope: [c for c in TYPED if c.label.startswith("tanh slope")],
    check_number: [c for c in TYPED if c.label.startswith("review")],
    check_eval_row: EVAL_ROW,
    check_depth_threshold: DEPTH,
    check_momentum_choice: MOMENTUM,
    check_renorm_r_d: RENORM,
    check_norm_choice: NORM_CHOICE,
    check_choice: CHOICE,
    check_bug: BUG,
    check_steered_sigmoid: STEERED,
}
test_forms, _junk = table_tests(TABLE)  # the junk properties run in each notebook's table
del _junk
