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


def uniform(shape, lo, hi):
    """A float64 array of `shape` with entries in [lo, hi] (lo > 0 gives positive factors)."""
    return arrays(np.float64, shape, elements=st.floats(lo, hi))


def agrees(analytic, numeric):
    """An analytic gradient agrees with a finite difference: relative error under 1e-7, or, when
    the gradient itself is nearly zero (a drawn dout close to 0), an absolute error under 1e-9
    (central differences with step 1e-5 carry ~1e-11 absolute noise per unit of output)."""
    from bnlib import rel_error

    return rel_error(analytic, numeric) < 1e-7 or np.abs(analytic - numeric).max() < 1e-9
