"""Notebook 09's find-the-bug checker against its wrong-answer table (see checker_table.py),
and its review questions' format."""

import numpy as np
import pytest
from checker_table import Case, table_tests

from bncourse.answers import agrees
from bncourse.practice.checks import _ANSWERS, BUGS, FIXES, SCRIPTS, check_bug
from bncourse.review.checks import CHOICES, NUMBERS
from bnlib.running import update_running_stats

RIGHT = [Case(f"{s}-right", (s, bug), True) for s, (bug, _) in _ANSWERS.items()]
RIGHT += [
    Case(f"{s}-right-with-fix", (s, bug), True, kwargs={"fix": f})
    for s, (bug, f) in _ANSWERS.items()
]
WRONG = [
    Case(f"{s}-{name}", (s, name), False, f"not {name}")
    for s, (bug, _) in _ANSWERS.items()
    for name in BUGS
    if name != bug
]
OTHER = [
    Case("spaces and capitals", ("a", "Train Mode Eval"), True),
    Case("hyphens", ("d", "last-batch-of-one"), True),
    Case("wrong fix", ("a", "train_mode_eval"), False, "does not cure it", {"fix": "shuffle"}),
    Case(
        "wrong fix for the port",
        ("e", "momentum_convention"),
        False,
        "OLD value",
        {"fix": "carry_eps"},
    ),
    Case("unknown fix", ("a", "train_mode_eval"), False, "is not a fix", {"fix": "pray"}),
    Case("unknown bug", ("a", "typo"), False, "is not a bug name"),
    Case("unknown script", ("z", "train_mode_eval"), False, "no script"),
    Case("...", ("a", ...), False, "replace the ..."),
    Case("close but not it", ("b", "train_mode_eval"), False, "close"),
    Case("b's fix goes back to training", ("b", "val_updates_stats"), True, "then model.train()"),
    Case("fix=... is optional", ("b", "val_updates_stats"), True, kwargs={"fix": ...}),
    Case("a long wrong name is cut visibly", ("a", "not_a_bug_" * 6), False, "... is not a bug"),
]
TABLE = {check_bug: RIGHT + WRONG + OTHER}
test_table_cases, test_table_junk = table_tests(TABLE)


def test_every_script_has_an_answer_and_every_wrong_name_an_explanation():
    assert set(_ANSWERS) == set(SCRIPTS) and len(SCRIPTS) >= 4
    assert {bug for bug, _ in _ANSWERS.values()} <= set(BUGS)
    assert {fix for _, fix in _ANSWERS.values()} <= set(FIXES)


def test_the_scripts_compile():
    for text in SCRIPTS.values():
        compile(text, "<script>", "exec")


def test_the_review_asks_about_this_notebook():
    for key in ("keras_momentum_port", "no_grad_vs_eval"):
        q = CHOICES[key]
        assert set(q.why) == set(q.options) and q.answer in q.options
    q = NUMBERS["validation_share"]
    assert not any(agrees(v, q.answer, q.digits) for v, _ in q.mistakes)


def test_the_validation_share_is_what_update_running_stats_computes():
    mean = np.zeros(1)
    for _ in range(11):
        mean, _ = update_running_stats(mean, np.ones(1), np.ones(1), np.ones(1), n=32)
    assert mean[0] == pytest.approx(NUMBERS["validation_share"].answer, rel=1e-12)
