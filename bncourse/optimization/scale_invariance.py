"""Scale invariance and the optimizer: the effective learning rate and weight decay's equilibrium.

For weights W followed by batch norm the loss depends only on W / ||W||, so the gradient is
orthogonal to W and shrinks like 1 / ||W||. A step of size lr then turns W by about
lr ||g_1|| / ||W||^2 (g_1 the gradient at unit norm): lr / ||W||^2 is the step that matters.
With weight decay lambda, plain SGD reaches an equilibrium where the angle W turns per step is
sqrt(2 lr lambda) (van Laarhoven 2017; Wan et al. 2021), after about 1 / (lr lambda) steps.
With SGD momentum mu (PyTorch's form) the angle is sqrt(2 lr lambda / (1 + mu)) and the time
scale (1 - mu) / (lr lambda): about 10 times shorter at mu = 0.9. The time scale holds for one
learning rate: each learning-rate decay starts a new, longer approach.
"""

import numpy as np

from bnlib._checks import as_float_array, check_positive
from bnlib.model import check_sgd_args


def effective_lr(lr, weight_norm):
    """The step size that moves the direction of scale-invariant weights: lr / ||W||^2.

    Inputs: lr > 0; weight_norm, ||W||, a number or an array of them (each > 0).
    Returns: lr / weight_norm**2, shaped like weight_norm.

    >>> effective_lr(0.1, 2.0)
    0.025
    """
    check_positive(lr, "lr")
    norm = as_float_array(weight_norm, "weight_norm")
    if not np.all(np.isfinite(norm)) or np.any(norm <= 0):
        raise ValueError(f"weight_norm must be finite and > 0; got {weight_norm!r:.60}")
    out = lr / norm**2
    return float(out) if out.ndim == 0 else out


def equilibrium_angular_update(lr, weight_decay, momentum=0.0):
    """The angle (radians) scale-invariant weights turn per step once their norm has settled.

    Balance: decay shrinks ||W||^2 by about 2 lr lambda ||W||^2 a step, the orthogonal
    gradient step grows it by lr^2 ||g||^2, so lr ||g|| / ||W|| = sqrt(2 lr lambda); with
    momentum mu (PyTorch's form) it is sqrt(2 lr lambda / (1 + mu)) (Wan et al. 2021).
    Inputs: lr > 0; weight_decay >= 0; momentum in [0, 1). Returns: a float (0 without decay).

    >>> round(equilibrium_angular_update(0.1, 5e-4), 5)
    0.01
    """
    check_sgd_args(lr, momentum, weight_decay)
    return float(np.sqrt(2.0 * lr * weight_decay / (1.0 + momentum)))


def equilibrium_steps(lr, weight_decay, momentum=0.0):
    """About how many steps the norm needs to settle: (1 - momentum) / (lr lambda).

    Near the balance ||W||^4 relaxes like exp(-4 lr lambda t) (for a steady gradient size), so
    after 1 / (lr lambda) steps 98% of its initial distance from equilibrium is gone. Momentum mu
    makes every step act like lr / (1 - mu), so the time scale shrinks by 1 - mu (Wan et al.
    2021). A learning-rate decay lengthens it by the same factor as it cuts lr.
    Inputs: lr > 0; weight_decay >= 0; momentum in [0, 1). Returns: a float (inf without decay).

    >>> equilibrium_steps(0.1, 0.01), round(equilibrium_steps(0.1, 0.01, momentum=0.9), 6)
    (1000.0, 100.0)
    """
    check_sgd_args(lr, momentum, weight_decay)
    return float("inf") if weight_decay == 0 else (1.0 - momentum) / (lr * weight_decay)


def settling_step(values, target, tolerance):
    """The first step from which `values` stays within `tolerance` (relative) of `target`.

    Inputs: values (T,) a recorded series, e.g. ||W|| per step; target > 0, e.g. its equilibrium;
    tolerance > 0, e.g. 0.05 for 5%. Returns: an int in [0, T), or None if the last value is
    still outside (the series never settled within the record).

    >>> settling_step([4.0, 2.5, 2.1, 1.9, 2.05, 2.0], 2.0, 0.06)
    2
    """
    values = as_float_array(values, "values")
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"values must be a non-empty 1-D series; got shape {values.shape}")
    check_positive(target, "target")
    check_positive(tolerance, "tolerance")
    outside = np.flatnonzero(np.abs(values / target - 1.0) > tolerance)
    if outside.size == 0:
        return 0
    return None if outside[-1] == values.size - 1 else int(outside[-1] + 1)


def angle_between(a, b):
    """The angle (radians, in [0, pi]) between two arrays seen as flat vectors.

    Inputs: a, b of the same shape, neither all zeros. Returns: a float.

    >>> round(angle_between([1.0, 0.0], [1.0, 1.0]), 4)
    0.7854
    """
    a, b = as_float_array(a, "a").ravel(), as_float_array(b, "b").ravel()
    if a.shape != b.shape:
        raise ValueError(f"b must have a's size {a.size}; got {b.size}")
    na = np.linalg.norm(a)
    if na == 0 or not np.any(b):
        raise ValueError("a and b must not be all zeros: a zero vector has no direction")
    # arctan2 of b's parts across and along a stays exact for tiny angles (arccos does not).
    along = float(a @ b) / na
    across = np.linalg.norm(b - (along / na) * a)
    return float(np.arctan2(across, along))
