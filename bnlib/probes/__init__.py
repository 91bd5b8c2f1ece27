"""Probes: measurements of a function or a model, never changing it (they work on copies).

`gradcheck` (numerical gradients, relative error), `landscape` (Santurkar et al.'s smoothness
probes), `gradflow` (gradient norms per layer, weight-scale sweeps), `ics` (internal covariate
shift) and `recorders` (what `train` records at a step: gradient norms, activation inputs, a
BN layer's statistics and input). Imports `engine`, `norms` and `data`; never `experiments`.
"""

from .diagnose import Finding, diagnose_batchnorm
from .gradcheck import numerical_gradient, rel_error
from .gradflow import (
    layer_gradient_norms,
    layer_input_gradient_norms,
    layer_input_spread,
    weight_scale_sweep,
)
from .ics import ics_medians, ics_recorder, internal_covariate_shift, layer_input_histograms
from .landscape import (
    LANDSCAPE_MEASURES,
    LandscapeProbe,
    LandscapeSummary,
    landscape_medians,
    landscape_recorder,
    probe_landscape,
    summarize_landscape,
)
from .optimizer import (
    TANH_SATURATED,
    LayerStats,
    layer_statistics,
    scale_invariant_layers,
    update_to_data_recorder,
    weight_path_recorder,
)
from .recorders import (
    activation_input_percentiles,
    bn_input,
    bn_statistics,
    grad_norms,
    weight_norms,
)

__all__ = [
    "Finding",
    "diagnose_batchnorm",
    "LandscapeProbe",
    "LandscapeSummary",
    "activation_input_percentiles",
    "bn_input",
    "bn_statistics",
    "grad_norms",
    "weight_norms",
    "ics_medians",
    "ics_recorder",
    "internal_covariate_shift",
    "LANDSCAPE_MEASURES",
    "landscape_medians",
    "landscape_recorder",
    "layer_gradient_norms",
    "layer_input_gradient_norms",
    "layer_input_histograms",
    "layer_input_spread",
    "numerical_gradient",
    "probe_landscape",
    "rel_error",
    "summarize_landscape",
    "weight_scale_sweep",
]
__all__ += [
    "TANH_SATURATED",
    "LayerStats",
    "layer_statistics",
    "scale_invariant_layers",
    "update_to_data_recorder",
    "weight_path_recorder",
]
