"""Input checks shared by every bnlib function: fail early, name the argument, say what was wanted.

Every check runs before any arithmetic, so a bad call never leaves half-updated state behind.
"""

import numbers
import warnings

import numpy as np


class BackwardBeforeForwardError(RuntimeError, ValueError):
    """`backward` was called before any `forward`.

    A RuntimeError (wrong order of calls) that is also a ValueError, so `except ValueError`
    catches every bad-input error bnlib raises.
    """


class VarianceOverflowError(ValueError):
    """A batch's variance overflowed the float type: x is on a scale that cannot be normalized.

    In training this is what a diverging network's activations do, so `train` reports it as
    divergence; for a learner's own x it is bad input (a ValueError) to rescale.
    """


def as_float_array(x, name="x"):
    """Return `x` as a float ndarray (float32 stays float32, everything else becomes float64)."""
    try:
        arr = np.asarray(x)
    except ValueError as err:  # ragged nested lists
        raise TypeError(f"{name} must be a rectangular array of numbers; got {x!r:.60}") from err
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold real numbers (ints or floats); got dtype {arr.dtype} "
            f"(e.g. {arr.flat[0]!r:.40})"
            if arr.size
            else f"{name} has dtype {arr.dtype}"
        )
    if arr.dtype != np.float32:
        arr = arr.astype(np.float64, copy=False)  # no copy when it already is float64
    return arr


def check_finite(arr, name="x"):
    """Raise ValueError if `arr` holds NaN or Inf, saying how many."""
    if not np.isfinite(arr).all():
        raise ValueError(
            f"{name} must be finite; it has {int(np.isnan(arr).sum())} NaN and "
            f"{int(np.isinf(arr).sum())} Inf value(s) out of {arr.size}"
        )


def check_batch(x, name="x", ndim=None, min_ndim=2, layout="(N, *F)"):
    """Validate a batch: numeric, the right number of dims, N >= 1, finite. Returns float array."""
    arr = as_float_array(x, name)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D with shape {layout}; got shape {arr.shape}")
    if arr.ndim < min_ndim:
        hint = " (for one feature, pass x[:, None])" if arr.ndim == 1 else ""
        raise ValueError(
            f"{name} must have shape {layout} with at least {min_ndim} dims; "
            f"got shape {arr.shape}{hint}"
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one sample (N >= 1); got shape {arr.shape}")
    check_finite(arr, name)
    return arr


def check_param(p, name, feature_shape, dtype):
    """Validate gamma/beta/running statistics: numeric, finite, broadcastable to `feature_shape`."""
    arr = as_float_array(p, name).astype(dtype, copy=False)
    try:
        ok = np.broadcast_shapes(arr.shape, feature_shape) == tuple(feature_shape)
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(
            f"{name} must have the feature shape {tuple(feature_shape)} (or broadcast to it); "
            f"got shape {arr.shape}"
        )
    check_finite(arr, name)
    return arr


def check_affine_and_running(gamma, beta, running_mean, running_var, feature_shape, dtype):
    """The four per-feature arrays of an inference-time BN (gamma, beta, running mean and
    variance), each checked as `check_param` does, the variance also >= 0."""
    arrays = [
        check_param(value, name, feature_shape, dtype)
        for value, name in (
            (gamma, "gamma"),
            (beta, "beta"),
            (running_mean, "running_mean"),
            (running_var, "running_var"),
        )
    ]
    if np.any(arrays[3] < 0):
        raise ValueError(f"running_var must be >= 0; its minimum is {arrays[3].min()!r}")
    return arrays


def check_type(value, name, kind, wanted):
    """value must be an instance of `kind` (numbers.Real, numbers.Integral), never a bool."""
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(f"{name} must be {wanted}; got {type(value).__name__} {value!r:.60}")
    return value


def check_real(value, name, low, strict=False):
    """value must be a finite real number > low (strict) or >= low; returns it as a float."""
    wanted = f"{'>' if strict else '>='} {low:g}"
    check_type(value, name, numbers.Real, f"a real number {wanted}")
    if not np.isfinite(value) or value < low or (strict and value == low):
        raise ValueError(f"{name} must be finite and {wanted}; got {value!r}")
    return float(value)


def check_positive(value, name):
    """value must be a finite real number > 0 (eps, a learning rate, a scale)."""
    return check_real(value, name, 0, strict=True)


def check_one_of(value, name, choices):
    """value must be one of `choices` (compared with ==; None may be one of them)."""
    if not any(value is c or (c is not None and value == c) for c in choices):
        wanted = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {wanted}; got {value!r:.60}")
    return value


def check_seeds(seeds):
    """seeds must be a non-empty list of ints >= 0 (one run each); returns it as a list."""
    try:
        seeds = list(seeds)
    except TypeError as err:
        raise TypeError(f"seeds must be a list of ints >= 0; got {seeds!r:.60}") from err
    if not seeds or not all(
        isinstance(s, numbers.Integral) and not isinstance(s, bool) and s >= 0 for s in seeds
    ):
        raise ValueError(f"seeds must be a non-empty list of ints >= 0; got {seeds!r:.60}")
    return seeds


def check_labels(y, n, classes=None):
    """y must hold n integer labels (one per row of x), each in [0, classes) if given."""
    y = np.asarray(y)
    wanted = f"{n} integer labels" + (f" in [0, {classes})" if classes else "") + ", one per row"
    ok = y.shape == (n,) and y.dtype.kind in "iu"
    if ok and classes and n and (y.min() < 0 or y.max() >= classes):
        ok = False
    if not ok:
        got = f"shape {y.shape}, dtype {y.dtype}"
        if y.shape == (n,) and y.dtype.kind in "iu" and n:
            got += f", values {y.min()}..{y.max()}"
        raise ValueError(f"y must hold {wanted}; got {got}")
    return y


def check_split(data, name="data"):
    """data must be a train/test split (x_train, y_train, x_test, y_test), e.g. load_digits()."""
    try:
        parts = tuple(data)
    except TypeError as err:
        raise TypeError(
            f"{name} must be (x_train, y_train, x_test, y_test), e.g. load_digits(); "
            f"got {type(data).__name__}"
        ) from err
    if len(parts) != 4:
        raise ValueError(
            f"{name} must be a 4-tuple (x_train, y_train, x_test, y_test), e.g. load_digits(); "
            f"got a {type(data).__name__} of {len(parts)}"
            + (" (pass test data too: (x, y, x_test, y_test))" if len(parts) == 2 else "")
        )
    return parts


# "A batch of one": every statistic over a single value has zero variance, so x - mean is 0
# and normalizing erases the input. The rule is written here once, in its three forms.
def check_at_least_two(n, name, why):
    """n (an int) must be >= 2, a count of values a variance is taken over; returns n."""
    if n < 2:
        raise ValueError(f"{name} must be >= 2 {why}; got {n}")
    return n


def check_batch_of_many(x, hint, values=None, per="feature"):
    """Training-mode batch statistics need more than one value (default: x's N rows) per
    feature; raises as PyTorch does, with a hint of what to do instead."""
    if (x.shape[0] if values is None else values) == 1:
        raise ValueError(
            f"expected more than 1 value per {per} when training; got x of shape {x.shape}. "
            f"A batch of one has zero variance, so normalizing it erases the input ({hint})"
        )
    return x


def warn_if_batch_of_one(values):
    """The pure functions compute a batch of one (and warn): the output is just beta."""
    if values == 1:
        warnings.warn(
            "batch of one sample: every batch variance is 0 and x - mean is 0, "
            "so the output is just beta (it carries no information about x)",
            RuntimeWarning,
            stacklevel=3,
        )


def check_variance(var, x):
    """Raise `VarianceOverflowError` if a batch variance of x overflowed its float type."""
    if not np.isfinite(var).all():
        raise VarianceOverflowError(
            f"x is too large to normalize in {x.dtype}: its batch variance overflows (largest "
            f"|x| = {np.abs(x).max():.3g}); wanted |x - batch mean| well below "
            f"sqrt({np.finfo(x.dtype).max:.3g}) = {np.sqrt(np.finfo(x.dtype).max):.3g}: rescale x"
        )


def check_width(x, width, owner, layout=None, what="features", ndim=2, axis=1):
    """The one width check of the layers: x must be `ndim`-D (any, if None) with `width`
    entries on `axis`; `owner` names the layer ("Linear"), `layout` the shape it wants."""
    if (ndim is not None and x.ndim != ndim) or x.ndim <= axis or x.shape[axis] != width:
        raise ValueError(
            f"{owner} wants x of shape {layout or f'(N, {width})'}; got {x.shape} "
            f"(it was built for {width} {what})"
        )
    return x


def check_eps(eps):
    """eps must be a finite real number > 0."""
    return check_positive(eps, "eps")


def check_rng(rng):
    """rng must be a numpy Generator: randomness enters as an argument, never as global state."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy Generator (np.random.default_rng(seed)); got {type(rng).__name__}"
        )
    return rng


def check_momentum(
    momentum, name="momentum", allow_none=True, meaning="the weight on the new batch"
):
    """momentum must be a real number in [0, 1], or None (cumulative average) if allowed."""
    if momentum is None and allow_none:
        return None
    wanted = "a number in [0, 1]" + (" or None" if allow_none else "")
    check_type(momentum, name, numbers.Real, wanted)
    if not 0.0 <= momentum <= 1.0:
        raise ValueError(f"{name} must be in [0, 1] ({meaning}); got {momentum!r}")
    return float(momentum)


def check_index(index, name, length, what):
    """index must be an int in [-length, length): a position in a sequence of `length` `what`."""
    check_type(index, name, numbers.Integral, "an int")
    if not -length <= index < length:
        raise ValueError(
            f"{name} must be in [{-length}, {length}) (there are {length} {what}); got {index}"
        )
    return int(index)


def check_positive_int(value, name, low=1):
    """value must be an int >= low, 1 unless said (not a bool)."""
    check_type(value, name, numbers.Integral, f"an int >= {low}")
    if value < low:
        raise ValueError(f"{name} must be >= {low}; got {value!r}")
    return int(value)


def check_flag(value, name):
    """value must be True or False (not 1, not "yes")."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False; got {value!r:.40}")
    return value


def check_cache(cache, cls, producer):
    """`cache` must be what `producer` returned."""
    if not isinstance(cache, cls):
        raise TypeError(
            f"cache must be the cache returned by {producer}; got {type(cache).__name__}"
        )
    return cache


def check_dout(dout, shape):
    """dout must be a finite float array shaped like the forward output."""
    arr = as_float_array(dout, "dout")
    if arr.shape != tuple(shape):
        raise ValueError(
            f"dout must have the forward output's shape {tuple(shape)}; got {arr.shape}"
        )
    check_finite(arr, "dout")
    return arr


def sum_to_shape(a, shape):
    """Sum `a` down to `shape`, the inverse of broadcasting (used for dgamma/dbeta)."""
    shape = tuple(shape)
    lead = a.ndim - len(shape)
    a = a.sum(axis=tuple(range(lead))) if lead else a
    axes = tuple(i for i, s in enumerate(shape) if s == 1 and a.shape[i] != 1)
    return a.sum(axis=axes, keepdims=True) if axes else a
