"""Views: the pure compute behind the slider panels (no ipywidgets), importable and tested
without a browser. Imports the experiments, probes, engine and norms below it."""

from .optimization import (
    WINDOW,
    WeightDecayView,
    describe_weight_decay_view,
    moving_average,
    weight_decay_view,
)

__all__ = [
    "WINDOW",
    "WeightDecayView",
    "describe_weight_decay_view",
    "moving_average",
    "weight_decay_view",
]
