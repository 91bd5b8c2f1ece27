"""The wrong-answer table every exercise checker is tested against (shared by test_exercises_*).

A notebook's checker tests declare `TABLE = {checker: [Case, ...]}` and call `table_tests`:
- every Case's verdict is asserted (`passes`), and a failing Case must name its mistake
  (`says`, a fragment of the message) where the mistake is known;
- every Case's message is checked for self-contradiction ("you gave 2.2, expected 2.2");
- every checker is fed junk in an argument position (None, ..., NaN, inf, strings, lists,
  ragged lists, objects, functions that raise or return junk), drawn by hypothesis: one
  property test per checker; it must answer with Feedback, never raise, and never pass.
`test_exercises.py` asserts that every checker `bnlib.exercises` exports has a table.
"""

import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bncourse.feedback import Feedback


@dataclass
class Case:
    """One answer to one checker: the arguments, whether it must pass, what the message says."""

    label: str  # what the answer is, e.g. "ddof=1", "float32", "keepdims=True"
    args: tuple
    passes: bool
    says: str | None = None  # a fragment the message must contain (failing cases: the mistake)
    kwargs: dict = field(default_factory=dict)


def _raises(*_args, **_kwargs):
    raise RuntimeError("a learner's bug")


# Answers that are wrong in form rather than in substance. As a function they are returned
# by a learner's function; as a value they are the answer itself.
JUNK_VALUES = {
    "None": None,
    "Ellipsis": ...,
    "nan": float("nan"),
    "inf": float("inf"),
    "-inf": float("-inf"),
    "string": "0.5",
    "list": [1.0, 2.0],
    "ragged": [[1.0, 2.0], [3.0]],
    "object": object(),
    "nan-array": np.full(3, np.nan),
    "empty": np.array([]),
    "tuple-of-junk": (None, "var"),
    "dict": {"mean": 1.0},
    "complex": 1 + 2j,
}
JUNK = {**JUNK_VALUES, "raises": _raises}


def _returning(value):
    return lambda *_args, **_kwargs: value


JUNK.update({f"returns {name}": _returning(value) for name, value in JUNK_VALUES.items()})

# "you gave 2.22311, expected 2.22311": two equal printed numbers offered as a difference.
_GAVE_EXPECTED = re.compile(r"gave ([-+0-9.eE]+)[^0-9]{1,30}expected ([-+0-9.eE]+)")


def _verdict(checker, args, kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a checker's numpy warning is a bug, too
        feedback = checker(*args, **kwargs)
    assert isinstance(feedback, Feedback), f"{checker.__name__} returned {feedback!r}"
    assert feedback.message, f"{checker.__name__} gave an empty message"
    match = _GAVE_EXPECTED.search(feedback.message)
    assert not (match and match.group(1) == match.group(2)), feedback.message
    return feedback


def table_tests(table):
    """Two test functions for `table`: the cases (one per row), and junk (one per checker).

    The junk test is a property test: hypothesis draws an argument position and a junk value
    (from JUNK) and puts it into the checker's first passing answer; the checker must answer
    with Feedback, never raise, never warn and never pass.
    """
    cases = [
        pytest.param(checker, case, id=f"{checker.__name__}-{case.label}")
        for checker, rows in table.items()
        for case in rows
    ]

    @pytest.mark.parametrize(("checker", "case"), cases)
    def test_case(checker, case):
        feedback = _verdict(checker, case.args, case.kwargs)
        assert bool(feedback) is case.passes, f"{case.label}: {feedback!r}"
        if case.says is not None:
            assert case.says in feedback.message, f"{case.label}: {feedback!r}"

    checkers = [pytest.param(checker, id=checker.__name__) for checker in table]

    @pytest.mark.parametrize("checker", checkers)
    @settings(max_examples=2 * len(JUNK))
    @given(data=st.data())
    def test_junk(checker, data):
        base = next(case for case in table[checker] if case.passes)
        args = list(base.args)
        position = data.draw(st.integers(0, len(args) - 1), label="argument position")
        name = data.draw(st.sampled_from(sorted(JUNK)), label="junk")
        args[position] = JUNK[name]
        feedback = _verdict(checker, tuple(args), base.kwargs)
        assert not feedback, f"junk passed: {feedback!r}"

    return test_case, test_junk
