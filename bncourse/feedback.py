"""Feedback, the verdict of every checker, and calling a learner's function safely."""

import inspect

import numpy as np


class Feedback:
    """The verdict of a checker: `passed` and a message (shown as the cell's output)."""

    def __init__(self, passed, message):
        self.passed, self.message = bool(passed), message

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return ("PASS: " if self.passed else "NOT YET: ") + self.message


def _call(fn, args, signature):
    """Call a learner's function on copies of `args`: (result, None), or (None, Feedback) saying
    why it could not be called or what it raised. `signature` names the arguments, "(x, eps)"."""
    if not callable(fn):
        return None, Feedback(False, f"pass your function itself, not {type(fn).__name__}.")
    try:
        inspect.signature(fn).bind(*args)
    except (TypeError, ValueError):  # ValueError: a builtin without a signature, such as int
        return None, Feedback(False, f"your function must take the arguments {signature}.")
    try:
        return fn(*(a.copy() if isinstance(a, np.ndarray) else a for a in args)), None
    except Exception as err:  # a learner's bug: report it instead of a traceback
        return None, Feedback(False, f"your function raised {type(err).__name__}: {err}")
