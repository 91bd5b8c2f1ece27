"""Hypothesis strategies shared by the property tests: bounded arrays of bounded shapes.

Data is drawn as arrays (`hypothesis.extra.numpy.arrays`), not as integer seeds, so a failure
shrinks to a small, readable example.
"""

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays


def floats(bound):
    """Finite float64 values in [-bound, bound], no subnormals."""
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def array(shape, bound=3.0):
    """A float64 array of `shape` (a tuple or a strategy of tuples), entries in [-bound, bound]."""
    return arrays(np.float64, shape, elements=floats(bound))


@st.composite
def spread(draw, shape, axes, bound=3.0, min_var=0.1):
    """An array whose variance over `axes` is at least `min_var` for every slice.

    Gradient checks by finite differences (step 1e-5) are meaningful only where the normalized
    value is not ill-conditioned: a variance far above eps (1e-5) and above the step.
    """
    x = draw(array(shape, bound))
    assume(x.var(axis=axes).min() >= min_var)
    return x


def centering_noise(x, eps):
    """The absolute rounding error of a normalized value (x - mean) / sqrt(var + eps): the mean
    of up to ~64 values is off by a few ulps of max |x| (64 allowed), divided by sqrt(eps).
    It matters for a feature of (near-)equal values, where x - mean is that rounding alone."""
    return 64 * np.finfo(np.float64).eps * np.abs(x).max() / np.sqrt(eps)


def uniform(shape, lo, hi):
    """A float64 array of `shape` with entries in [lo, hi] (lo > 0 gives positive factors)."""
    return arrays(np.float64, shape, elements=st.floats(lo, hi))


def agrees(analytic, numeric, out, dout):
    """An analytic gradient agrees with a central difference (step h = 1e-5) of
    f = sum(out * dout): relative error under 1e-7, or, where the gradient itself is near zero,
    an absolute error within the difference's rounding noise, about 1e-16 |f| / h per entry,
    with |f| near the point bounded by sum |dout| * (max |out| + 1); 10x that is allowed."""
    from bnlib.gradcheck import rel_error

    size = np.abs(dout).sum() * (np.abs(out).max() + 1)
    noise = 10 * np.finfo(np.float64).eps * size / 1e-5
    return rel_error(analytic, numeric) < 1e-7 or np.abs(analytic - numeric).max() <= noise
