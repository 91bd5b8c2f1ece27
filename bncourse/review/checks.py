"""Self-tests for the review notebook: multiple choice and numbers, each wrong answer explained.

`CHOICES` and `NUMBERS` are the question banks, read from the data file review.json (shipped as
package data): the notebook prints a question with `ask(question)` and checks an answer with
`check_choice` or `check_number`. Every wrong option and every usual wrong number carries its own
explanation and the notebook that shows why. To add a question, add an entry to review.json.
"""

import json
from importlib import resources
from typing import NamedTuple

from bncourse import answers as A
from bncourse.feedback import Feedback


class Choice(NamedTuple):
    prompt: str
    options: dict  # letter -> text
    answer: str  # the right letter
    why: dict  # letter -> explanation (the right letter's is the confirmation)


class Number(NamedTuple):
    prompt: str
    answer: float
    why: str  # shown when right
    mistakes: tuple  # ((value, explanation), ...) for the usual wrong numbers
    digits: int  # the significant figures the prompt asks for (A.typed judges at them)
    fraction: bool = False  # a share from 0 to 1: a percentage typed for it is named


def _load():
    data = json.loads(resources.files(__package__).joinpath("review.json").read_text("utf-8"))
    choices = {k: Choice(**v) for k, v in data["choices"].items()}
    numbers = {
        k: Number(**{**v, "mistakes": tuple((m, why) for m, why in v["mistakes"])})
        for k, v in data["numbers"].items()
    }
    return choices, numbers


CHOICES, NUMBERS = _load()


def ask(question):
    """The text of a question from CHOICES or NUMBERS, with its options.

    >>> print(ask("running_mean_update").split(".")[0])
    A running mean is 2
    """
    if question in CHOICES:
        q = CHOICES[question]
        return "\n".join([q.prompt, *(f"  {k}) {v}" for k, v in q.options.items())])
    if question in NUMBERS:
        return NUMBERS[question].prompt
    raise KeyError(f"no question {question!r}; known: {sorted(CHOICES) + sorted(NUMBERS)}")


def _known(question, bank):
    if isinstance(question, str) and question in bank:
        return None
    return Feedback(False, f"no such question {A.shown(question)}; pick one of {sorted(bank)}.")


def check_choice(question, answer):
    """Check a multiple-choice answer ("b", "B", "b)" or "(b)") to CHOICES[question]."""
    unknown = _known(question, CHOICES)
    if unknown is not None:
        return unknown
    q = CHOICES[question]
    letter, failed = A.letter(answer, q.options)
    if failed is not None:
        return failed
    if letter == q.answer:
        return Feedback(True, f"({letter}) {q.why[letter]}")
    return Feedback(False, f"not ({letter}): {q.why[letter]}")


def check_number(question, answer):
    """Check a numeric answer to NUMBERS[question], naming the usual mistakes."""
    unknown = _known(question, NUMBERS)
    if unknown is not None:
        return unknown
    q = NUMBERS[question]
    return A.typed(
        answer,
        q.answer,
        q.digits,
        q.mistakes,
        success=q.why,
        off="Work it out step by step (the formula is in the answer above this exercise).",
        fraction=q.fraction,
    )
