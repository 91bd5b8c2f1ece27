"""Loss-landscape probes (Santurkar et al. 2018): how far can you trust the gradient?

At a point theta of training, with g the gradient of the minibatch loss L, step along -g with
a range of step sizes eta and measure, on the same minibatch:
- the loss L(theta - eta g): a narrow range means the loss changes gently in that direction;
- the gradient change ||grad L(theta - eta g) - g||: small means the gradient stays
  "predictive" (what it says at theta still holds a step later);
- the "effective beta-smoothness": the largest gradient change per unit of distance moved,
  max over eta of ||grad L(theta - eta g) - g|| / (eta ||g||).
The probes work on a copy of the model, so the model being trained is never touched.
"""

import copy
from typing import NamedTuple

import numpy as np

from bnlib._blas import one_blas_thread
from bnlib.model import forward_backward


class LandscapeProbe(NamedTuple):
    step_sizes: np.ndarray  # (K,) eta
    loss: np.ndarray  # (K,) L(theta - eta g) on the probe_landscape batch
    grad_change: np.ndarray  # (K,) ||grad L(theta - eta g) - g||
    base_loss: float  # L(theta)
    grad_norm: float  # ||g||

    @property
    def loss_range(self):
        """Largest minus smallest loss seen along the gradient direction (theta included)."""
        losses = np.append(self.loss, self.base_loss)
        return float(losses.max() - losses.min())

    @property
    def beta_smoothness(self):
        """max over eta of ||grad change|| / (eta ||g||): gradient change per distance moved."""
        return float(np.max(self.grad_change / (self.step_sizes * self.grad_norm)))


def _norm(arrays):
    """The Euclidean norm of several arrays taken together as one vector."""
    return float(np.sqrt(sum(np.sum(a * a) for a in arrays)))


def _gradient(model):
    return [getattr(layer, "d" + name).copy() for layer, name in model.parameters()]


def probe_landscape(model, x, y, step_sizes):
    """Probe the loss landscape of `model` at its current parameters along -gradient.

    Inputs: model (a bnlib Sequential, in training mode: batch statistics); x (N, D), y (N,)
    the probe_landscape minibatch; step_sizes (K,) positive etas. Returns: LandscapeProbe.

    >>> from bnlib import mlp
    >>> gen = np.random.default_rng(0)
    >>> model = mlp([4, 8, 3], rng=gen)
    >>> p = probe_landscape(model, gen.normal(size=(16, 4)), gen.integers(0, 3, 16), [0.01, 0.1])
    >>> bool(p.loss[0] < p.base_loss), p.grad_change.shape
    (True, (2,))
    """
    step_sizes = np.asarray(step_sizes, dtype=np.float64)
    if step_sizes.ndim != 1 or not np.all(step_sizes > 0):
        raise ValueError(f"step_sizes must be a 1-D array of positive numbers; got {step_sizes}")
    work = copy.deepcopy(model).train()
    params = work.parameters()
    start = [getattr(layer, name).copy() for layer, name in params]
    with one_blas_thread(), np.errstate(over="ignore", invalid="ignore"):
        base_loss = forward_backward(work, x, y)
        g = _gradient(work)
        losses, changes = [], []
        for eta in step_sizes:
            for (layer, name), p0, gp in zip(params, start, g, strict=True):
                setattr(layer, name, p0 - eta * gp)
            losses.append(forward_backward(work, x, y))
            moved = _gradient(work)
            changes.append(_norm([a - b for a, b in zip(moved, g, strict=True)]))
    grad_norm = _norm(g)
    return LandscapeProbe(step_sizes, np.array(losses), np.array(changes), base_loss, grad_norm)


def landscape_recorder(step_sizes):
    """Recorder for `bnlib.train`: probes each record step's own minibatch.

    The recorder returns an array (3, K): rows loss, gradient change, and step_size * ||g||
    (the distance moved), so History.records[name] is (record steps, 3, K).
    """

    def recorder(model, x, y):
        p = probe_landscape(model, x, y, step_sizes)
        return np.stack([p.loss, p.grad_change, p.step_sizes * p.grad_norm])

    return recorder


class LandscapeSummary(NamedTuple):
    """One training run's probes, one number per probe step (see `summarize_landscape`)."""

    steps: np.ndarray  # (R,) the record steps
    loss_low: np.ndarray  # (R,) lowest loss seen along -g (theta included)
    loss_high: np.ndarray  # (R,) highest
    grad_change: np.ndarray  # (R,) largest ||grad L(theta - eta g) - g|| over eta
    beta_smoothness: np.ndarray  # (R,) largest gradient change per distance moved


def summarize_landscape(history, name="landscape"):
    """Reduce a History recorded with `landscape_recorder` (under `name`) to a summary.

    The loss at theta itself is the training loss of that step (same batch, same parameters).
    """
    if name not in history.records:
        raise ValueError(
            f"name must be a key of history.records (a recorder given to train), one of "
            f"{sorted(history.records)}; got {name!r}"
        )
    probes = history.records[name]  # (R, 3, K): loss, grad change, distance moved
    base = history.loss[history.record_steps]
    return LandscapeSummary(
        history.record_steps,
        np.minimum(probes[:, 0].min(axis=1), base),
        np.maximum(probes[:, 0].max(axis=1), base),
        probes[:, 1].max(axis=1),
        (probes[:, 1] / probes[:, 2]).max(axis=1),
    )


LANDSCAPE_MEASURES = ("loss range", "gradient change", "beta-smoothness", "||g||")


def landscape_medians(history, step_sizes, name="landscape"):
    """The medians over a run's record steps after step 0 of the four landscape measures
    (`LANDSCAPE_MEASURES`): loss range, gradient change, beta-smoothness and ||g||, the last
    being the distance moved at the smallest step size divided by that step size.

    Inputs: history recorded with `landscape_recorder(step_sizes)` under `name`; step_sizes as
    given to it (smallest first). Returns: (4,) array.

    >>> from bnlib import load_digits, mlp, train
    >>> digits, gen = load_digits(), np.random.default_rng(0)
    >>> h = train(mlp([64, 16, 10], rng=gen), digits, 4, 32, 0.1, gen,
    ...           record={"landscape": landscape_recorder([0.1, 1.0])}, record_every=2)
    >>> landscape_medians(h, [0.1, 1.0]).shape
    (4,)
    """
    summary = summarize_landscape(history, name)
    g_norm = history.records[name][1:, 2, 0] / step_sizes[0]  # distance moved / step size
    parts = [
        (summary.loss_high - summary.loss_low)[1:],
        summary.grad_change[1:],
        summary.beta_smoothness[1:],
        g_norm,
    ]
    return np.median(parts, axis=1)
