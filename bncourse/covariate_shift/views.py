"""View for notebook 04's panel: what one hidden layer's sigmoids receive at one training step,
looked up in recorded runs (`bnlib.experiments.record_layer_inputs`).
"""

from typing import NamedTuple

import numpy as np

from bncourse.covariate_shift.studies import EDGES
from bnlib._numerics import SATURATED_AT


class LayerInputView(NamedTuple):
    step: int
    layer: int  # 1 = the first hidden layer
    edges: np.ndarray  # (B + 1,)
    fractions: dict  # label -> (B,) fraction of the layer's inputs in each bin at `step`
    start: dict  # label -> (B,) the same at step 0
    mean: dict  # label -> float, from the bin centres
    std: dict  # label -> float
    saturated: dict  # label -> fraction of inputs with |y| > SATURATED_AT (exact on EDGES)
    ymax: float  # a fixed height for every step, so heights compare across steps


def _common_steps(runs, name):
    """The record steps every run has (a run that diverged stopped recording early)."""
    if not isinstance(runs, dict) or not runs:
        raise ValueError(
            "runs must be a non-empty dict label -> History (e.g. record_layer_inputs()); "
            f"got {runs!r:.60}"
        )
    missing = [label for label, h in runs.items() if name not in getattr(h, "records", {})]
    if missing:
        raise ValueError(
            f"name must be a recorder every run has; runs {missing} have no record {name!r}"
        )
    steps = [h.record_steps[: len(h.records[name])] for h in runs.values()]
    n = min(len(s) for s in steps)
    if n == 0:
        raise ValueError("every run needs at least one recorded step")
    if any(not np.array_equal(s[:n], steps[0][:n]) for s in steps):
        raise ValueError("the runs must be recorded at the same steps")
    return steps[0][:n]


def layer_input_view(runs, step, layer, name="histograms", edges=EDGES):
    """What `layer`'s sigmoids receive at training `step`, for every run (label -> History
    recorded with `layer_input_histograms` under `name`, on `edges`).

    >>> from bncourse.covariate_shift.studies import record_layer_inputs
    >>> runs = record_layer_inputs(steps=40, record_every=20)
    >>> v = layer_input_view(runs, 20, 3)
    >>> sorted(v.fractions), round(float(v.fractions["BN"].sum()), 6)
    (['BN', 'no BN'], 1.0)
    """
    steps = _common_steps(runs, name)
    index = int(np.clip(np.searchsorted(steps, step), 0, len(steps) - 1))
    first = next(iter(runs.values())).records[name]
    layer = int(np.clip(layer, 1, first.shape[1]))
    centres = 0.5 * (edges[1:] + edges[:-1])
    # bins wholly beyond +-SATURATED_AT: exact when those are edges, as on EDGES
    outside = (edges[:-1] >= SATURATED_AT - 1e-9) | (edges[1:] <= -SATURATED_AT + 1e-9)
    fractions, start, mean, std, saturated = {}, {}, {}, {}, {}
    for label, h in runs.items():
        counts = h.records[name][:, layer - 1].astype(np.float64)
        total = counts[0].sum()
        fractions[label], start[label] = counts[index] / total, counts[0] / total
        mean[label] = float(fractions[label] @ centres)
        std[label] = float(np.sqrt(fractions[label] @ (centres - mean[label]) ** 2))
        saturated[label] = float(fractions[label][outside].sum())
    ymax = 1.05 * max(
        h.records[name][:, layer - 1].max() / h.records[name][0, layer - 1].sum()
        for h in runs.values()
    )
    return LayerInputView(
        int(steps[index]), layer, edges, fractions, start, mean, std, saturated, ymax
    )


def layer_input_stats(v, label):
    """One run's line of a view, as the readout and the figure's description both say it:
    "mean +0.12, std 1.30, 4.2% saturated"."""
    return (
        f"mean {v.mean[label]:+.2f}, std {v.std[label]:.2f}, "
        f"{100 * v.saturated[label]:.1f}% saturated"
    )


def describe_layer_input_view(v):
    parts = [f"{label}: {layer_input_stats(v, label)}" for label in v.fractions]
    return f"step {v.step}, hidden layer {v.layer}: " + "; ".join(parts)
