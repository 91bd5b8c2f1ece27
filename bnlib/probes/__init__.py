"""Probes: measurements of a function or a model, never changing it.

`gradcheck` (numerical gradients, relative error), `landscape` (Santurkar et al.'s smoothness
probes) and `gradflow` (gradient norms per layer, weight-scale sweeps). Imports the engine.
"""

from .gradcheck import numerical_gradient, rel_error
from .gradflow import layer_gradient_norms, layer_input_gradient_norms, weight_scale_sweep
from .landscape import LandscapeProbe, LandscapeSummary, landscape_recorder, probe, summarize
from .optimizer import (
    TANH_SATURATED,
    LayerStats,
    layer_statistics,
    scale_invariant_layers,
    update_to_data_recorder,
    weight_path_recorder,
)
from .train_eval_gap import GapStudy, train_eval_gap

__all__ = [
    "LandscapeProbe",
    "LandscapeSummary",
    "landscape_recorder",
    "layer_gradient_norms",
    "layer_input_gradient_norms",
    "numerical_gradient",
    "probe",
    "rel_error",
    "summarize",
    "weight_scale_sweep",
]
from .ics import ics_recorder, internal_covariate_shift, layer_input_histograms

__all__ += ["ics_recorder", "internal_covariate_shift", "layer_input_histograms"]

__all__ += ["GapStudy", "train_eval_gap"]

__all__ += [
    "TANH_SATURATED",
    "LayerStats",
    "layer_statistics",
    "scale_invariant_layers",
    "update_to_data_recorder",
    "weight_path_recorder",
]
