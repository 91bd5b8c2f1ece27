"""Experiments: studies that build and train models over seeds and settings, returning arrays.

Imports the engine and the probes; `plots` and `views` turn their results into figures.
"""

from .optimization import (
    DEPTH_SETTINGS,
    NOISE_SETTINGS,
    DepthStudy,
    DiagnosticsStudy,
    GammaDecayStudy,
    NoiseStudy,
    RescaledRun,
    WeightDecayStudy,
    batch_noise_study,
    depth_net,
    depth_study,
    diagnostics_study,
    gamma_decay_study,
    rescaled_run,
    weight_decay_study,
)

__all__ = [
    "DEPTH_SETTINGS",
    "NOISE_SETTINGS",
    "DepthStudy",
    "DiagnosticsStudy",
    "GammaDecayStudy",
    "NoiseStudy",
    "RescaledRun",
    "WeightDecayStudy",
    "batch_noise_study",
    "depth_net",
    "depth_study",
    "diagnostics_study",
    "gamma_decay_study",
    "rescaled_run",
    "weight_decay_study",
]
