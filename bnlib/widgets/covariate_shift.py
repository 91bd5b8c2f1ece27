"""Slider panel for notebook 04: scrub through recorded training runs and watch what one
hidden layer's sigmoids receive, without BN and with BN side by side.

The runs are recorded once (by the notebook, or by `record_layer_inputs` when the panel is
built without them); a slider move only looks up a stored histogram and redraws.
"""

from typing import NamedTuple

import ipywidgets as w
import numpy as np

from .. import plots
from .._checks import check_positive_int
from ..data import load_digits
from ..engine.model import mlp
from ..engine.training import train
from ..probes.ics import layer_input_histograms
from ._panel import SliderPanel

EDGES = np.linspace(-10, 10, 81)  # bins of 0.25; values beyond +-10 fall in the end bins
SATURATED_AT = 2.887  # |y| where the sigmoid's slope falls to 0.05, a fifth of its peak
SIZES = [64, 100, 100, 100, 10]


class LayerInputView(NamedTuple):
    step: int
    layer: int  # 1 = the first hidden layer
    edges: np.ndarray  # (B + 1,)
    fractions: dict  # label -> (B,) fraction of the layer's inputs in each bin at `step`
    start: dict  # label -> (B,) the same at step 0
    mean: dict  # label -> float, from the bin centres
    std: dict  # label -> float
    saturated: dict  # label -> fraction of inputs with |y| > SATURATED_AT (bin centres)
    ymax: float  # a fixed height for every step, so heights compare across steps


def record_layer_inputs(steps=400, lr=1.0, seed=1, record_every=20, n_probe=300):
    """Train the digits network without and with BN (same seed, same initial weights),
    recording `layer_input_histograms` on `n_probe` training images every `record_every` steps.
    Returns {"no BN": History, "BN": History} with records["histograms"] (R, 3, B) on EDGES.
    """
    steps, n_probe = check_positive_int(steps, "steps"), check_positive_int(n_probe, "n_probe")
    digits = load_digits()
    record = {"histograms": layer_input_histograms(digits.x_train[:n_probe], EDGES)}
    runs = {}
    for label, bn in (("no BN", False), ("BN", True)):
        rng = np.random.default_rng(seed)
        model = mlp(SIZES, batchnorm=bn, rng=rng)
        runs[label] = train(
            model,
            digits,
            steps,
            60,
            lr,
            rng,
            eval_every=steps,
            record=record,
            record_every=record_every,
        )
    return runs


def _common_steps(runs, name):
    """The record steps every run has (a run that diverged stopped recording early)."""
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
    fractions, start, mean, std, saturated = {}, {}, {}, {}, {}
    for label, h in runs.items():
        counts = h.records[name][:, layer - 1].astype(np.float64)
        total = counts[0].sum()
        fractions[label], start[label] = counts[index] / total, counts[0] / total
        mean[label] = float(fractions[label] @ centres)
        std[label] = float(np.sqrt(fractions[label] @ (centres - mean[label]) ** 2))
        saturated[label] = float(fractions[label][np.abs(centres) > SATURATED_AT].sum())
    ymax = 1.05 * max(
        h.records[name][:, layer - 1].max() / h.records[name][0, layer - 1].sum()
        for h in runs.values()
    )
    return LayerInputView(
        int(steps[index]), layer, edges, fractions, start, mean, std, saturated, ymax
    )


def describe_layer_input_view(v):
    parts = [
        f"{label}: mean {v.mean[label]:+.2f}, std {v.std[label]:.2f}, "
        f"{100 * v.saturated[label]:.0f}% saturated"
        for label in v.fractions
    ]
    return f"step {v.step}, hidden layer {v.layer}: " + "; ".join(parts)


def covariate_shift_panel(runs=None, name="histograms"):
    """Sliders over training step and hidden layer for `layer_input_view` (plotted by
    `plots.layer_inputs`). `runs`: label -> History recorded with `layer_input_histograms`
    on `EDGES`; None records two short runs with `record_layer_inputs`."""
    runs = record_layer_inputs() if runs is None else dict(runs)
    steps = [int(s) for s in _common_steps(runs, name)]
    n_layers = next(iter(runs.values())).records[name].shape[1]
    sliders = {
        "step": w.SelectionSlider(options=steps, value=steps[-1], description="step"),
        "layer": w.IntSlider(value=n_layers, min=1, max=n_layers, description="hidden layer"),
    }
    return SliderPanel(
        lambda step, layer: layer_input_view(runs, step, layer, name),
        plots.layer_inputs,
        sliders,
        ncols=len(runs),
        figsize=(4.2 * len(runs), 3.2),
        describe=describe_layer_input_view,
        try_values={"step": [s for s in steps if s <= 500], "layer": (1, n_layers)},
    )
