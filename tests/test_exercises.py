"""Every exercise checker has a wrong-answer table, and Feedback reads as a verdict."""

import importlib
from pathlib import Path

import numpy as np
import pytest

from bncourse import exercises
from bncourse.feedback import Feedback

TABLE_MODULES = sorted(p.stem for p in Path(__file__).parent.glob("test_exercises_*.py"))


def test_every_checker_has_a_wrong_answer_table():
    covered = set()
    for name in TABLE_MODULES:
        covered |= {checker.__name__ for checker in importlib.import_module(name).TABLE}
    checkers = {name for name in exercises.__all__ if name.startswith("check_")}
    assert checkers, "no checkers found"
    missing = sorted(checkers - covered)
    assert not missing, f"checkers without a table in tests/test_exercises_NN.py: {missing}"


def test_every_table_lists_right_and_wrong_answers():
    for name in TABLE_MODULES:
        for checker, cases in importlib.import_module(name).TABLE.items():
            verdicts = {case.passes for case in cases}
            assert verdicts == {True, False}, f"{checker.__name__}: needs both kinds of answer"
            named = [case for case in cases if not case.passes and case.says]
            assert len(named) >= 3, f"{checker.__name__}: name at least 3 mistakes"


def test_feedback_reads_as_a_verdict():
    assert repr(Feedback(True, "ok")) == "PASS: ok" and Feedback(True, "ok")
    assert repr(Feedback(False, "no")) == "NOT YET: no" and not Feedback(False, "no")


# The two rules every checker keeps, present and future: generic, over every table's first
# right answer that is a function (the checkers whose answer is a statistic or an array).
def _array_checkers():
    for name in TABLE_MODULES:
        for checker, cases in importlib.import_module(name).TABLE.items():
            right = next(case for case in cases if case.passes)
            if callable(right.args[0]):
                yield pytest.param(checker, right, id=checker.__name__)


def _map_arrays(result, change):
    """`change` applied to the array(s) a learner's function returned: each array of a tuple
    (numbers in a tuple are read as one array), or the single array."""
    if isinstance(result, tuple) and any(np.ndim(item) >= 1 for item in result):
        return tuple(change(np.asarray(item, dtype=float)) for item in result)
    return change(np.asarray(result, dtype=float))


def _wrapped(case, change):
    fn = case.args[0]
    return (lambda *a, **k: _map_arrays(fn(*a, **k), change), *case.args[1:])


# (D, 1) for a (D,) answer is never keepdims (the reduced axis comes first); for a 2-D answer a
# trailing axis may be (group norm's (N, G, 1)), so there it is flattened instead.
RESHAPES = {
    "(D, 1) for (D,)": lambda a: a.reshape(-1, 1) if a.ndim <= 1 else a.ravel(),
    "flattened": lambda a: a.ravel() if a.ndim >= 2 else a.reshape(-1, 1),
    "transposed": lambda a: a.T if a.ndim >= 2 else a.reshape(-1, 1),
}


@pytest.mark.parametrize("checker, right", list(_array_checkers()))
@pytest.mark.parametrize("reshape", sorted(RESHAPES))
def test_a_wrong_shape_never_passes_by_being_reshaped(checker, right, reshape):
    feedback = checker(*_wrapped(right, RESHAPES[reshape]), **right.kwargs)
    assert not feedback, f"{reshape} passed: {feedback!r}"
    assert "shape" in feedback.message or "return" in feedback.message, feedback.message


@pytest.mark.parametrize("checker, right", list(_array_checkers()))
def test_keepdims_of_the_same_values_is_accepted_or_named(checker, right):
    """(1, D) for a (D,) part: accepted where it is keepdims of the checker's reduction, else
    refused naming the shape; never a crash."""
    feedback = checker(*_wrapped(right, lambda a: a[None] if a.ndim == 1 else a), **right.kwargs)
    assert feedback or "shape" in feedback.message, feedback.message


@pytest.mark.parametrize("checker, right", list(_array_checkers()))
# 1e-8 is below what float32 resolves (a float32 answer must pass), so it is not among them.
@pytest.mark.parametrize("eps", [1e-5, 1e-3])
@pytest.mark.parametrize("where", ["everywhere", "in the last part"])
def test_an_eps_added_is_named_never_passed(checker, right, eps, where):
    def add(result):
        if where == "everywhere" or not isinstance(result, tuple):
            return _map_arrays(result, lambda a: a + eps)
        return (*result[:-1], np.asarray(result[-1], dtype=float) + eps)

    fn = right.args[0]
    args = (lambda *a, **k: add(fn(*a, **k)), *right.args[1:])
    feedback = checker(*args, **right.kwargs)
    assert not feedback, f"eps {eps:g} added {where} passed: {feedback!r}"
    assert "eps" in feedback.message, feedback.message
