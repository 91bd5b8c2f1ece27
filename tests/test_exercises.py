"""Every exercise checker has a wrong-answer table, and Feedback reads as a verdict."""

import importlib
from pathlib import Path

from bnlib import exercises
from bnlib.exercises import Feedback

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
