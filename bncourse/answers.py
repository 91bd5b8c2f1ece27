"""Reading a learner's answer: one parser, one policy for arrays and one for typed numbers.

Every checker turns what a learner typed or returned into numbers here, and judges numbers here,
so the same answer gets the same treatment everywhere: an array a learner's function computes is
judged at RTOL of the task's scale (`close`, `judge`), a number a learner types at the
significant figures its exercise asks for (`typed`), never by a checker's own tolerance.

- `number(value, name)`: a real finite number (Python, numpy and Decimal scalars, 0-d and
  1-element arrays, 1-element lists and tuples); strings, complex numbers, bools, None and ...
  are refused with their own message.
- `array(value, shape, name, keepdims=())`: a finite real array of exactly `shape`. Lists, tuples
  and any real dtype are read as float64; complex, object, ragged, string and NaN answers are
  refused. A wrong shape is never reshaped: only the shapes listed in `keepdims` (the same values
  with kept reduced axes, e.g. (1, D) for (D,)) are accepted, squeezed to `shape`; (D, 1) never.
- `items(value, names)`: a pair or tuple of answers (tuple, list, or an array stacked along axis
  0) as a list of len(names) raw items, or a Feedback saying what to return.
- `letter(value, options)`: a multiple-choice letter from "b", "B", "b)", "(b)", "b.", " b ".
- `close(got, want)`: the tolerance for arrays a learner's function computes, `RTOL` relative to
  the task's scale (the largest |want|, at least 1), whatever the dtype: a float32 computation
  passes, a wrong formula does not.
- `typed(answer, want, digits, mistakes, ...)`: THE verdict on a number a learner types, judged at
  the precision the exercise asks for (`agrees`: `digits` significant figures, relative to
  |want|). A near miss at one digit less is told "close: give N significant figures", a
  percentage typed for a fraction is named, a one-element list reads like a one-element array;
  each named mistake is matched at the same precision and only after the answer itself.
- `judge(got, want, variants, success, name)`: the verdict on an array of numbers: a constant
  small offset (an eps added somewhere) is named first, then closeness, then the usual mistakes
  `variants` [(array, hint), ...], then the worst entry. Eps mistakes that are not a constant
  offset are told apart by running the learner's code a second time at a large eps.
- `gradients(result, x_shape, p_shape, keepdims, shape_hint)` and `judge_gradients(...)`: a
  backward pass's (dx, dgamma, dbeta), parsed and judged (order, swaps, each part's mistakes).
- `setting(values, names)`: the numbers a notebook passes to a checker, each finite and > 0.
- `call(fn, args, signature)` (from _feedback): the learner's function on copies of `args`,
  catching anything it raises (a builtin without a signature, such as `int`, included).

Each parser returns `(value, None)` or `(None, Feedback)`: a checker returns the Feedback as it
is. A new checker (notebooks 09, 10: practice.py, optimization.py) moves onto this module by
replacing its own parsing with these calls, in this order:

    result, failed = call(fn, args, "(x, eps)")        # the learner's function, safely
    value, failed = array(result, shape, "your mean", keepdims=((1, D),))   # or number/items
    return judge(value, reference, [(mistake, "hint"), ...], "what is right")

Its wrong-answer table in tests/test_exercises_NN.py then inherits the two generic rules of
tests/test_exercises.py (a reshaped answer never passes; an eps added is named). Example:

>>> from bncourse.answers import array, number
>>> number(np.array(0.5))
(0.5, None)
>>> array([[1.0, 2.0]], (2,), "your mean", keepdims=((1, 2),))[0]
array([1., 2.])
>>> bool(array([[1.0], [2.0]], (2,), "your mean", keepdims=((1, 2),))[1])
False
"""

import decimal
import numbers
import re

import numpy as np

from bncourse.feedback import Feedback, _call

COMMON_EPS = (1e-5, 1e-3, 1e-4, 1e-8, 1e-2)  # the eps values a learner is likely to have used
RTOL = 1e-5  # the array tolerance (a learner's function): relative to the task's scale
EPS_LIKE = (1e-9, 1.1e-3)  # a constant offset in this range looks like an eps added somewhere

call = _call


def missing(value):
    """True for the placeholders a learner has not replaced yet: None and ..."""
    return value is None or value is Ellipsis


def _what(value):
    return f"{type(value).__name__} {shown(value)}"


def shown(value, width=40):
    """repr(value), cut to `width` characters with "..." where it was cut (never mid-quote
    without saying so)."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def number(value, name="your answer"):
    """A real finite number (a one-element list, tuple or array too): (float, None) or
    (None, Feedback)."""
    if missing(value):
        return None, Feedback(False, "replace the ... with your number.")
    while isinstance(value, (list, tuple)) and len(value) == 1:  # [x], (x,), [[x]]
        value = value[0]
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, (str, bytes, complex, np.complexfloating, bool, np.bool_)):
        return None, Feedback(False, f"{name} must be a real number; got {_what(value)}.")
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        value = value.reshape(())[()]
    if not isinstance(value, (numbers.Real, np.integer, np.floating)):
        return None, Feedback(False, f"{name} must be a number; got {_what(value)}.")
    value = float(value)
    if not np.isfinite(value):
        return None, Feedback(False, f"{name} must be a finite number; got {value}.")
    return value, None


def _real(value):
    """value as a float64 array, or None when it is not a rectangular array of real numbers."""
    if missing(value) or isinstance(value, (str, bytes, dict, set)):
        return None
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):  # ragged nested lists
        return None
    if arr.dtype.kind not in "biuf" or arr.dtype.kind == "b":
        return None
    return arr.astype(np.float64)


def array(value, shape, name="your output", keepdims=()):
    """A finite real array of exactly `shape` (or one of the `keepdims` shapes, squeezed)."""
    if missing(value):
        return None, Feedback(False, f"{name} is None: fill in the code and return it.")
    arr = _real(value)
    if arr is None:
        return None, Feedback(
            False, f"{name} must be an array of real numbers of shape {shape}; got {_what(value)}."
        )
    shape = tuple(shape)
    if arr.shape in {tuple(k) for k in keepdims}:
        arr = arr.reshape(shape)
    if arr.shape != shape:
        return None, Feedback(False, f"{name} has shape {arr.shape}; expected {shape}.")
    bad = int(arr.size - np.isfinite(arr).sum())
    if bad:
        return None, Feedback(
            False,
            f"{name} has {bad} NaN or infinite value(s) out of {arr.size}: look for a division "
            "by zero (a variance without eps?) or an overflow.",
        )
    return arr, None


def items(value, names):
    """The parts of a tuple answer: a tuple, a list or a stacked array with len(names) items."""
    want = "(" + ", ".join(names) + ")"
    if missing(value):
        return None, Feedback(False, f"your function returned None: return {want}.")
    what = "a pair" if len(names) == 2 else f"{len(names)} things,"
    if isinstance(value, np.ndarray) and value.ndim >= 2 and len(value) != len(names):
        return None, Feedback(False, f"return {what} {want}; got one array of shape {value.shape}.")
    if isinstance(value, np.ndarray) and value.ndim == 1 and len(value) != len(names):
        return None, Feedback(False, f"return {what} {want}; got one array of shape {value.shape}.")
    if isinstance(value, np.ndarray) and value.ndim >= 1 and value.dtype.kind in "iuf":
        value = tuple(value)  # an array stacking the parts along axis 0
    if not (isinstance(value, (tuple, list)) and len(value) == len(names)):
        got = f"{len(value)} items" if isinstance(value, (tuple, list)) else type(value).__name__
        return None, Feedback(False, f"return {what} {want}; got {got}.")
    return list(value), None


def statistics(result, shape, label, hint=lambda name, got: None, keepdims=()):
    """A learner's (mean, var), each of `shape`, as one (2, *shape) array, or (None, Feedback).
    `label` names the shape in words ("(T, H) = (5, 3)"); `hint(name, got)` returns the
    message for a shape `got` that shows a known mistake (the statistics over the wrong
    axes), or None."""
    parts, failed = items(result, ("mean", "var"))
    if failed is not None:
        failed.message += f" Each of shape {label}."
        return None, failed
    got = []
    for name, part in zip(("mean", "var"), parts, strict=True):
        message = hint(name, np.shape(part) if _real(part) is not None else None)
        if message is not None:
            return None, Feedback(False, message)
        arr, failed = array(part, shape, f"your {name}", keepdims=keepdims)
        if failed is not None:
            return None, failed
        got.append(arr)
    return np.stack(got), None


def letter(value, options):
    """The option letter in "b", "B", "b)", "(b)", "b.", "b) its text", or the text of an option
    itself (when `options` maps letters to texts); (letter, None) or (None, Feedback)."""
    listed = ", ".join(options)
    if missing(value):
        return None, Feedback(False, f"replace the ... with one letter: {listed}.")
    text = value.strip().lower() if isinstance(value, str) else None
    if text is not None:
        # "b", "(b)", "b.", or the letter quoted with its text: "b) before the nonlinearity"
        quoted = re.match(r"^\(?([a-z])\)?[.:]?$|^\(?([a-z])[).:]\s+\S", text)
        texts = options.items() if isinstance(options, dict) else ()
        same = [k for k, v in texts if text.rstrip(". ") == v.lower().rstrip(". ")]
        text = same[0] if same else (quoted.group(1) or quoted.group(2) if quoted else text)
    if text not in options:
        return None, Feedback(
            False, f"answer with one of the letters {listed}; got {shown(value)}."
        )
    return text, None


def scale(want):
    """The task's scale: the largest |want|, at least 1."""
    return max(1.0, float(np.max(np.abs(want)))) if np.size(want) else 1.0


def close(got, want, rtol=RTOL):
    """Equal at the one tolerance: |got - want| <= rtol * scale(want), entry by entry."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    return got.shape == want.shape and bool(np.all(np.abs(got - want) <= rtol * scale(want)))


def agrees(got, want, digits):
    """True when `got` equals `want` to `digits` significant figures: within half a unit of the
    last asked digit of |want| (a tie counts as agreeing). Only want = 0 has no digits to
    count: there got must be 0.

    >>> agrees(0.0141, 0.014142, 3), agrees(0.0091, 0.01, 2), agrees(0.69, 0.68619, 2)
    (True, False, True)
    """
    got, want = float(got), float(want)
    if want == 0:
        return got == 0
    unit = 10.0 ** (np.floor(np.log10(abs(want))) - digits + 1)
    return bool(abs(got - want) <= 0.5 * unit * (1 + 1e-9))


NEAR = 0.05  # a near miss is within 5% of the answer


def near(got, want):
    """Within NEAR of |want|: right at a lower precision (5% is inside half a unit of the first
    figure of any number), where "give more figures" is advice rather than a guess."""
    return abs(float(got) - float(want)) <= NEAR * abs(float(want))


def given(value):
    """How many significant figures a typed float carries (its shortest repr): 0.0244 -> 3."""
    mantissa = repr(abs(float(value))).split("e")[0].replace(".", "")
    return max(1, len(mantissa.strip("0")))


def figures(digits):
    """'3 significant figures' (the wording every prompt and message uses)."""
    return f"{digits} significant figure{'s' * (digits != 1)}"


def typed(answer, want, digits, mistakes=(), success="right", off="", fraction=False, whole=False):
    """The verdict on a number a learner types, at the precision the exercise asks for.

    `want` is right when `answer` agrees with it to `digits` significant figures (`agrees`);
    `whole=True` asks for an exact whole number instead (a count, a row; whole mistakes are
    matched exactly too, others at `digits`). Then, in this order: a named mistake `mistakes`
    [(value, hint), ...] that agrees at the same precision; for a `fraction`, a percentage
    (68.6 for 0.686, or within 5% of it); a near miss (`near`: within NEAR of |want|, so right
    at a lower precision) is told "close: give N significant figures" (or, when it carries that
    many figures already, to check its arithmetic); a near miss of a named mistake; a non-whole
    number where a whole one is asked; else `off` after "<answer> is off". Returns a Feedback.

    >>> typed(1.3, 1.2909944, 3, [(1.3416, "eps is missing.")]).message
    'close: you gave 1.3; give 3 significant figures.'
    >>> typed(68.6, 0.6861894, 2, fraction=True).message
    '68.6 looks like a percentage; give the fraction, 68.6% = 0.686.'
    """
    got, failed = number(answer)
    if failed is not None:
        return failed
    exact = whole and float(want).is_integer()

    def same(value, figures):  # a whole value is matched exactly, others at `figures`
        if exact and float(value).is_integer():
            return got == value
        return agrees(got, value, figures)

    if same(want, digits):
        return Feedback(True, success)
    for value, hint in mistakes:
        if same(value, digits) and not agrees(value, want, digits):
            return Feedback(False, hint)
    if fraction and 1 < abs(got) <= 100 and near(got / 100, want):
        return Feedback(
            False,
            f"{got:g} looks like a percentage; give the fraction, {got:g}% = {got / 100:.3g}.",
        )
    if not exact and near(got, want):
        if given(got) < digits:
            return Feedback(False, f"close: you gave {got:g}; give {figures(digits)}.")
        return Feedback(
            False,
            f"close ({got:g}), but not right to {figures(digits)}: check the last steps of "
            "your arithmetic.",
        )
    for value, hint in mistakes:
        whole_value = exact and float(value).is_integer()
        if not whole_value and near(got, value) and not near(value, want):
            return Feedback(False, hint)
    if exact and not got.is_integer():
        return Feedback(False, f"give a whole number; got {got:g}.")
    return Feedback(False, f"{got:.4g} is off. {off}".strip())


def offset(got, want):
    """The constant c when got = want + c for a small eps-like c, else None."""
    diff = np.asarray(got, dtype=np.float64) - np.asarray(want, dtype=np.float64)
    if diff.size == 0:
        return None
    c = float(np.median(diff))
    if not EPS_LIKE[0] <= abs(c) <= EPS_LIKE[1]:
        return None
    noise = 1e-6 * scale(want) if diff.size == 1 else 1e-9 * scale(want)
    if abs(c) <= noise or np.max(np.abs(diff - c)) > 0.01 * abs(c):
        return None
    return c


def eps_hint(c, name="your output"):
    """The message for a constant offset c."""
    return (
        f"{name} is the right one {'plus' if c > 0 else 'minus'} {abs(c):.1e} everywhere: did you "
        "add eps (or another small constant)? eps belongs only inside sqrt(var + eps)."
    )


def distinct(a, b):
    """a and b printed with just enough significant digits to tell them apart."""
    for digits in range(6, 18):
        left, right = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if left != right:
            return left, right
    return f"{a!r}", f"{b!r}"


def _flat(value):
    if isinstance(value, (tuple, list)):
        return np.concatenate([np.ravel(np.asarray(v, dtype=np.float64)) for v in value])
    return np.asarray(value, dtype=np.float64)


def _offset_hint(got, want, name, parts):
    """The eps message when got is want plus a constant, whole or in one of its parts."""
    c = offset(_flat(got), _flat(want))
    if c is not None:
        return eps_hint(c, name)
    if parts is None:
        return None
    for k, part in enumerate(parts):
        others = [close(g, w) for i, (g, w) in enumerate(zip(got, want, strict=True)) if i != k]
        c = offset(got[k], want[k])
        if c is not None and all(others):
            return eps_hint(c, f"your {part}")
    return None


def judge(got, want, variants=(), success="right", name="your output", parts=None):
    """The verdict on a parsed answer `got` against `want`: an eps offset (of the whole or of one
    part), closeness, the nearest of the named mistakes `variants` [(value, hint)] within the
    tolerance, else the worst entry.

    got, want and each variant's value are an array, or a tuple of arrays whose names are
    `parts` (e.g. ("mean", "var")), so an eps added to one part only is named too.
    """
    hint = _offset_hint(got, want, name, parts)
    if hint is not None:
        return Feedback(False, hint)
    flat_got, flat_want = _flat(got), _flat(want)
    if close(flat_got, flat_want):
        err = float(np.max(np.abs(flat_got - flat_want))) if flat_want.size else 0.0
        return Feedback(True, f"{success} (max error {err:.1e}).")
    named = [
        (float(np.max(np.abs(flat_got - _flat(variant)), initial=0.0)), k, hint)
        for k, (variant, hint) in enumerate(variants)
        if close(flat_got, _flat(variant))
    ]
    if named:  # the nearest named mistake (two may lie within the tolerance of each other)
        return Feedback(False, min(named)[2].replace("your output", name))
    if parts is not None:
        k = next(i for i, (g, w) in enumerate(zip(got, want, strict=True)) if not close(g, w))
        got, want, name = np.asarray(got[k], float), np.asarray(want[k], float), f"your {parts[k]}"
    worst = np.unravel_index(np.argmax(np.abs(got - want)), np.shape(want))
    index = tuple(int(i) for i in worst)
    gave, expected = distinct(float(got[index]), float(want[index]))
    where = f" at index {index}" if index else ""
    return Feedback(
        False, f"{name} differs from the reference{where}: you gave {gave}, expected {expected}."
    )


def setting(values, names):
    """The numbers a notebook passes to a checker (not the learner's answer): each a finite
    number > 0. Returns (floats, None), or (Nones, Feedback) naming the bad one."""
    out = []
    for value, name in zip(values, names, strict=True):
        got, failed = number(value)
        if failed is not None or got <= 0:
            return (None,) * len(names), Feedback(
                False, f"the checker's {name} must be a finite number > 0; got {shown(value)}."
            )
        out.append(got)
    return tuple(out), None


def output(result, shape, name="your output", order="(out, cache)"):
    """The array a function returned alone or first in a tuple, of `shape`."""
    if isinstance(result, tuple) and result:
        first = _real(result[0])
        if first is None or first.shape != tuple(shape):
            for k, item in enumerate(result[1:], start=1):
                other = _real(item)
                if other is not None and other.shape == tuple(shape):
                    return None, Feedback(
                        False,
                        f"your function returned a tuple of {len(result)} whose item {k}, not "
                        f"item 0, has the output's shape: return {order}.",
                    )
        result = result[0]
    if missing(result):
        return None, Feedback(
            False, f"your function returned None: fill in its body and return {name}."
        )
    return array(result, shape, name)


GRADIENTS = ("dx", "dgamma", "dbeta")


def gradients(result, x_shape, p_shape, keepdims=(), shape_hint=None):
    """A backward pass's (dx, dgamma, dbeta): dx of `x_shape`, the others of `p_shape` (or a
    `keepdims` shape). `shape_hint(name, shape)` may name a wrong parameter-gradient shape."""
    x_shape, p_shape = tuple(x_shape), tuple(p_shape)
    if isinstance(result, np.ndarray) and result.shape == x_shape:
        return None, Feedback(
            False, "you returned one array; return all three gradients as (dx, dgamma, dbeta)."
        )
    parts, failed = items(result, GRADIENTS)
    if failed is not None:
        return None, failed
    shapes = [np.shape(p) if _real(p) is not None else None for p in parts]
    if shapes[0] != x_shape and x_shape in shapes[1:]:
        return None, Feedback(
            False,
            f"your item {shapes.index(x_shape)} has dx's shape {x_shape}: return the three in "
            "the order (dx, dgamma, dbeta).",
        )
    got = []
    for k, (name, part) in enumerate(zip(GRADIENTS, parts, strict=True)):
        allowed = (x_shape,) if k == 0 else (p_shape, *map(tuple, keepdims))
        hint = None
        if k and shape_hint is not None and shapes[k] is not None and shapes[k] not in allowed:
            hint = shape_hint(name, shapes[k])
        if hint is not None:
            return None, Feedback(False, hint)
        arr, failed = array(part, allowed[0], f"your {name}", keepdims=allowed[1:])
        if failed is not None:
            return None, failed
        got.append(arr)
    return got, None


def judge_gradients(got, want, variants, success):
    """The verdict on parsed (dx, dgamma, dbeta): dx, then a swap of dgamma and dbeta, then each
    parameter gradient, each with its named mistakes `variants[name]`, then all three."""
    for k, name in enumerate(GRADIENTS):
        if k == 1 and close(got[1], want[2]) and close(got[2], want[1]):
            return Feedback(False, "dgamma and dbeta are swapped: return (dx, dgamma, dbeta).")
        feedback = judge(got[k], want[k], variants.get(name, ()), name, f"your {name}")
        if not feedback:
            return feedback
    return judge(tuple(got), tuple(want), (), success, "your gradients", GRADIENTS)
