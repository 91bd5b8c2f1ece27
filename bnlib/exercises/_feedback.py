"""Feedback and the shared diagnosis helpers used by every checker."""

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
    except TypeError:
        return None, Feedback(False, f"your function must take the arguments {signature}.")
    try:
        return fn(*(a.copy() if isinstance(a, np.ndarray) else a for a in args)), None
    except Exception as err:  # a learner's bug: report it instead of a traceback
        return None, Feedback(False, f"your function raised {type(err).__name__}: {err}")


def _judge(result, reference, variants, success, name="your output"):
    """The verdict on a learner's array: shape, then the named mistakes, then the error size."""
    answer, problem = _as_answer(_first(result), reference.shape)
    if problem is None:
        problem = _diagnose(answer, reference, variants)
    if problem is not None:
        return Feedback(False, problem.replace("your output", name))
    return Feedback(True, f"{success} (max error {np.max(np.abs(answer - reference)):.1e}).")


def _as_number(answer):
    """A learner's numeric answer: (float, None), or (None, Feedback) when it is not a number."""
    if answer is None or answer is Ellipsis:
        return None, Feedback(False, "replace the ... with your number.")
    try:
        return float(answer), None
    except (TypeError, ValueError):
        return None, Feedback(False, f"give a number; got {answer!r}.")


def _first(result):
    """Accept `out` or `(out, ...)`, as learners return either."""
    return result[0] if isinstance(result, tuple) and result else result


def _as_answer(result, shape):
    """Return (array, None) or (None, message) when the answer is missing or misshapen."""
    if result is None or result is Ellipsis:
        return None, "your function returned None: fill in its body and return your output."
    try:
        arr = np.asarray(result, dtype=np.float64)
    except (TypeError, ValueError):
        return None, f"your function returned {type(result).__name__}; expected an array."
    if arr.shape != shape:
        return None, f"your output has shape {arr.shape}; expected {shape}, the shape of x."
    return arr, None


def _diagnose(answer, reference, suspects):
    """Name the first wrong variant the answer matches, else report the size of the error."""
    if np.allclose(answer, reference, rtol=1e-6, atol=1e-8):
        return None
    for variant, hint in suspects:
        if np.allclose(answer, variant, rtol=1e-6, atol=1e-8):
            return hint
    worst = np.unravel_index(np.argmax(np.abs(answer - reference)), answer.shape)
    return (
        f"your output differs from the reference; the worst entry is {worst}: "
        f"you gave {answer[worst]:.6g}, expected {reference[worst]:.6g}."
    )
