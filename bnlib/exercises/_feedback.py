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


# A float32 answer carries about 7 significant digits: judged at a tolerance it can meet.
TOLERANCE = {np.dtype(np.float32): (1e-4, 1e-5), np.dtype(np.float64): (1e-6, 1e-8)}


def _judge(result, reference, variants, success, name="your output"):
    """The verdict on a learner's array: shape, then the named mistakes, then the error size."""
    answer, problem = _as_answer(result, reference.shape)
    if problem is None:
        rtol, atol = TOLERANCE.get(np.asarray(_first(result)).dtype, TOLERANCE[np.dtype("f8")])
        problem = _diagnose(answer, reference, variants, rtol, atol)
    if problem is not None:
        return Feedback(False, problem.replace("your output", name))
    return Feedback(True, f"{success} (max error {np.max(np.abs(answer - reference)):.1e}).")


def _as_number(answer):
    """A learner's numeric answer: (float, None), or (None, Feedback) when it is not a number."""
    if answer is None or answer is Ellipsis:
        return None, Feedback(False, "replace the ... with your number.")
    if isinstance(answer, (str, bytes, complex)):
        return None, Feedback(
            False, f"give a real number (not {type(answer).__name__}); got {answer!r:.40}."
        )
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return None, Feedback(False, f"give a number; got {answer!r:.60}.")
    if not np.isfinite(value):
        return None, Feedback(False, f"give a finite number; got {value}.")
    return value, None


def _first(result):
    """Accept `out` or `(out, ...)`, as learners return either."""
    return result[0] if isinstance(result, tuple) and result else result


def _as_array(value):
    """value as a float64 array, or None if it is not a rectangular array of real numbers."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):  # ragged nested lists
        return None
    if arr.dtype.kind not in "biuf":
        return None
    return arr.astype(np.float64)


def _as_answer(result, shape):
    """Return (array, None) or (None, message) when the answer is missing or misshapen."""
    if result is None or result is Ellipsis:
        return None, "your function returned None: fill in its body and return your output."
    if isinstance(result, tuple) and result:
        first = _as_array(result[0])
        if first is None or first.shape != shape:
            for k, item in enumerate(result[1:], start=1):
                other = _as_array(item)
                if other is not None and other.shape == shape:
                    return None, (
                        f"your function returned a tuple of {len(result)} whose item {k}, not "
                        "item 0, has the output's shape: return the output alone or first, "
                        "as (out, cache)."
                    )
    arr = _as_array(_first(result))
    if arr is None:
        return None, (
            f"your function returned {type(_first(result)).__name__}; expected an array of "
            f"numbers of shape {shape}."
        )
    if arr.shape != shape:
        return None, f"your output has shape {arr.shape}; expected {shape}, the shape of x."
    bad = int(np.size(arr) - np.isfinite(arr).sum())
    if bad:
        return None, (
            f"your output has {bad} NaN or infinite value(s) out of {arr.size}: look for a "
            "division by zero (a variance without eps?) or an overflow."
        )
    return arr, None


def _diagnose(answer, reference, suspects, rtol=1e-6, atol=1e-8):
    """Name the first wrong variant the answer matches, else report the size of the error."""
    if np.allclose(answer, reference, rtol=rtol, atol=atol):
        return None
    for variant, hint in suspects:
        if np.allclose(answer, variant, rtol=rtol, atol=atol):
            return hint
    worst = tuple(
        int(i) for i in np.unravel_index(np.argmax(np.abs(answer - reference)), answer.shape)
    )
    gave, want = _distinct(answer[worst], reference[worst])
    return (
        f"your output differs from the reference; the worst entry is at index {worst}: "
        f"you gave {gave}, expected {want}."
    )


def _distinct(a, b):
    """a and b printed with just enough significant digits to tell them apart."""
    for digits in range(6, 18):
        left, right = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if left != right:
            return left, right
    return f"{a!r}", f"{b!r}"


def _setting(values, names):
    """The numbers a notebook passes to a checker (not the learner's answer): each must be a
    finite number > 0. Returns (floats, None), or (None, Feedback) naming the bad one."""
    out = []
    for value, name in zip(values, names, strict=True):
        number, failed = _as_number(value)
        if failed is not None or number <= 0:
            return (None,) * len(names), Feedback(
                False, f"the checker's {name} must be a finite number > 0; got {value!r:.40}."
            )
        out.append(number)
    return tuple(out), None
