"""The pure compute behind notebook 10's panel: one (lr, weight decay) cell of a
`WeightDecayStudy`, against the equilibrium the theory predicts. No ipywidgets here."""

from typing import NamedTuple

import numpy as np

from bncourse.optimization.scale_invariance import equilibrium_angular_update, equilibrium_steps
from bncourse.runs import spread

LAYER = 1  # the panel follows the second hidden layer's W (32 x 32)
WINDOW = 15  # steps in the moving average of the per-step angle (one step's angle is noisy)


def moving_average(x, window=WINDOW):
    """Mean of each `window` consecutive entries along the last axis ("valid" part only).

    Inputs: x (..., T) with T >= window. Returns: (..., T - window + 1).

    >>> moving_average(np.array([1.0, 2.0, 3.0, 4.0]), 2)
    array([1.5, 2.5, 3.5])
    """
    x = np.asarray(x, dtype=np.float64)
    if not 1 <= window <= x.shape[-1]:
        raise ValueError(f"window must be in [1, {x.shape[-1]}]; got {window!r}")
    c = np.cumsum(np.concatenate([np.zeros(x.shape[:-1] + (1,)), x], axis=-1), axis=-1)
    return (c[..., window:] - c[..., :-window]) / window


class WeightDecayView(NamedTuple):
    lr: float
    weight_decay: float
    steps: np.ndarray  # (T - 1,) steps 1..T-1 (an angle needs a previous step)
    norms: np.ndarray  # (n_seed, T - 1) ||W||
    angle_steps: np.ndarray  # (T - WINDOW,) the last step of each moving-average window
    angles: np.ndarray  # (n_seed, T - WINDOW) angle W turns per step, radians, moving average
    predicted: float  # sqrt(2 lr lambda), 0 without decay
    settle: float  # 1 / (lr lambda) steps, inf without decay
    late_angle: np.ndarray  # (n_seed,) mean angle over the last quarter of the run
    test_accuracy: np.ndarray  # (n_seed,)
    limits: tuple  # (largest ||W||, largest averaged angle) over the whole study: fixed axes


def weight_decay_view(study, lr, weight_decay, layer=LAYER):
    """The runs of `study` (a WeightDecayStudy) at this lr and weight decay, for one layer.

    Inputs: lr and weight_decay must be among study.lrs and study.decays (else a ValueError
    naming the study's values). Returns: the view.

    >>> from bnlib import load_digits
    >>> from bncourse.optimization.studies import weight_decay_study
    >>> s = weight_decay_study(load_digits(), (0.4,), (0.05,), (0,), steps=20)
    >>> v = weight_decay_view(s, 0.4, 0.05)
    >>> v.norms.shape, round(v.predicted, 3), round(v.settle)
    ((1, 19), 0.2, 50)
    """
    norms = study.norms(lr, weight_decay)[:, 1:, layer]
    angles = study.angles(lr, weight_decay)[:, 1:, layer]
    quarter = max(angles.shape[1] // 4, 1)
    cells = [(a, b) for a in study.lrs for b in study.decays]  # every cell: the panel's fixed axes
    top_norm = max(study.norms(*cell)[..., layer].max() for cell in cells)
    top_angle = max(moving_average(study.angles(*cell)[:, 1:, layer]).max() for cell in cells)
    return WeightDecayView(
        float(lr),
        float(weight_decay),
        np.arange(1, study.steps),
        norms,
        np.arange(WINDOW, study.steps),
        moving_average(angles),
        equilibrium_angular_update(lr, weight_decay),
        equilibrium_steps(lr, weight_decay),
        angles[:, -quarter:].mean(axis=1),
        study.test_accuracy(lr, weight_decay),
        (float(top_norm), float(top_angle)),
    )


def describe_weight_decay_view(v):
    """The panel's readout: the late angular update against the prediction, and the clock."""
    head = f"lr = {v.lr:g}, weight decay = {v.weight_decay:g}: "
    head += f"over the last quarter W turns {spread(v.late_angle, '.3f')} rad a step"
    acc = f"; test accuracy {spread(v.test_accuracy, '.3f')}"
    if v.weight_decay == 0:
        return head + (
            ". Without decay nothing stops ||W|| from growing, so the angle per step keeps "
            "shrinking (no equilibrium)" + acc
        )
    n = len(v.steps) + 1
    clock = f"the run is {n / v.settle:.1f} times 1/(lr λ) = {v.settle:.0f} steps long" + (
        ", too short to settle" if n < v.settle else ""
    )
    return (
        head
        + f"; predicted sqrt(2 lr λ) = {v.predicted:.3f} "
        + f"({100 * v.late_angle.mean() / v.predicted:.0f}% of it); "
        + clock
        + acc
    )
