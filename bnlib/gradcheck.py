"""Gradient checking: centred finite differences and the relative error used to compare."""

import numbers

import numpy as np

from bnlib._checks import as_float_array, check_positive


def numerical_gradient(f, x, dout, h=1e-5):
    """Numerical gradient of sum(f(x) * dout) with respect to x, by centred differences.

    Inputs: f a function of one array; x the point (any shape, float64 for accuracy);
    dout shaped like f(x); h the step. Returns: an array shaped like x. x is left unchanged.

    >>> numerical_gradient(lambda x: x**2, np.array([3.0]), np.array([1.0])).round(6)
    array([6.])
    """
    if not callable(f):
        raise TypeError(f"f must be a function of one array; got {type(f).__name__}")
    h = check_positive(h, "h")
    x = np.array(as_float_array(x, "x"), dtype=np.float64)
    dout = as_float_array(dout, "dout")
    out = f(x.copy())
    if not isinstance(out, np.ndarray | numbers.Real) or isinstance(out, bool):
        raise TypeError(
            f"f must return one array (the output to differentiate); it returned "
            f"{type(out).__name__}"
            + (" (return only the output, not a cache)" if isinstance(out, tuple) else "")
        )
    if np.shape(out) != dout.shape:
        raise ValueError(f"dout must have the shape of f(x), {np.shape(out)}; got {dout.shape}")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = np.sum(f(x) * dout)
        x[i] = old - h
        minus = np.sum(f(x) * dout)
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def rel_error(a, b):
    """Relative error of two arrays as a whole: ||a - b|| / max(1e-8, ||a|| + ||b||).

    Norm-wise, not entry by entry: an entry that is nearly zero has few correct digits in a
    finite difference, and would make an element-wise ratio look bad for a correct gradient.
    In float64 a correct analytic gradient agrees with `numerical_gradient` to about 1e-9;
    1e-7 is the course's pass mark, and 1e-2 or worse means a bug.

    >>> print(f"{rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 3e-9])):.1e}")
    6.7e-10
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got {a.shape} and {b.shape}")
    return float(np.linalg.norm(a - b) / max(1e-8, np.linalg.norm(a) + np.linalg.norm(b)))
