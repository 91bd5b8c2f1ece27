"""Notebook 11's self-tests (the review) against their wrong-answer table (see checker_table.py)."""

import numpy as np
import pytest
from checker_table import Case, table_tests

from bncourse.answers import agrees
from bncourse.review.checks import CHOICES, NUMBERS, ask, check_choice, check_number

CHOICE_CASES = [Case(f"{q}-right", (q, c.answer), True) for q, c in CHOICES.items()]
CHOICE_CASES += [
    Case(f"{q}-{letter}", (q, letter), False, f"not ({letter})")
    for q, c in CHOICES.items()
    for letter in c.options
    if letter != c.answer
]
CHOICE_CASES += [
    Case("upper case with a bracket", ("placement", "B)"), True),
    Case("in brackets", ("placement", "(b)"), True),
    Case("with spaces", ("placement", " b "), True),
    Case("with a full stop", ("placement", "b."), True),
    Case("the letter quoted with its text", ("placement", "b) before the nonlinearity"), True),
    Case("the option's text itself", ("placement", CHOICES["placement"].options["b"]), True),
    Case("two letters", ("placement", "b or c"), False, "one of the letters"),
    Case("not a letter", ("placement", "e"), False, "one of the letters"),
    Case("...", ("placement", ...), False, "replace the ..."),
    Case("unknown question", ("nope", "a"), False, "no such question"),
]

NUMBER_CASES = [Case(f"{q}-right", (q, n.answer), True) for q, n in NUMBERS.items()]
NUMBER_CASES += [
    Case(f"{q}-{value:.4g}", (q, value), False, hint[:20])
    for q, n in NUMBERS.items()
    for value, hint in n.mistakes
]
NUMBER_CASES += [
    Case("numpy float", ("running_mean_update", np.float32(2.1)), True),
    Case("a string", ("running_mean_update", "2.1"), False, "real number"),
    Case("a 0-d array", ("running_mean_update", np.array(2.1)), True),
    Case(
        "flipped, unbiased",
        ("running_var_update", 0.1 * 1.0 + 0.9 * 2.5),
        False,
        "weight on the new",
    ),
    Case("far off", ("running_mean_update", 7.0), False, "is off"),
    Case("validation share as 09 prints it", ("validation_share", 0.69), True),
    Case("a one-element nested list", ("validation_share", [[0.69]]), True),
    Case("a Decimal", ("x_hat_of_4", __import__("decimal").Decimal("1.29")), True),
    Case("validation share as a percentage", ("validation_share", 68.6), False, "percentage"),
    Case("validation share, 69%", ("validation_share", 69), False, "percentage"),
    Case("x_hat to 2 figures", ("x_hat_of_4", 1.3), False, "close: you gave 1.3; give 3"),
    Case("x_hat to 3 figures", ("x_hat_of_4", [1.29]), True),
    Case("angle 9% low", ("equilibrium_angle", 0.0091), False, "is off"),
    Case("angle 9% high", ("equilibrium_angle", 0.0109), False, "is off"),
    Case("effective lr 2.4% off", ("effective_lr_after_growth", 0.0244), False, "not right"),
    Case("effective lr 0.1", ("effective_lr_after_growth", 0.1), False, "both the effective"),
    Case("unknown question", ("nope", 1.0), False, "no such question"),
]

TABLE = {check_choice: CHOICE_CASES, check_number: NUMBER_CASES}
test_table_cases, test_table_junk = table_tests(TABLE)


def test_every_wrong_option_is_explained_and_every_question_can_be_asked():
    for name, q in CHOICES.items():
        assert set(q.why) == set(q.options) and q.answer in q.options
        assert all(f"{k}) " in ask(name) for k in q.options)
    for name, n in NUMBERS.items():
        assert ask(name) == n.prompt
        assert not any(agrees(v, n.answer, n.digits) for v, _ in n.mistakes)
        assert f"{n.digits} significant figures" in n.prompt, name
    with pytest.raises(KeyError, match="no question"):
        ask("nope")
