"""Plots for the course: each takes precomputed data and optional axes, and returns the axes.

Nothing heavy is computed here; the numbers come from bnlib's pure functions (the compute
functions behind the slider panels live in `bnlib.widgets`). One module per notebook topic.
"""

from .covariate_shift import ics_over_training, layer_inputs, percentile_figure, sweep_accuracy
from .gamma_beta import learned_gamma_beta, sigmoid_regime
from .gradients import gradient_flow, landscape, scale_invariance
from .inference import batch_mates, running_estimate, running_lag, train_eval_gap
from .normalization import batch_spread, before_after, channel_stats, epsilon_effect
from .training import accuracy_curves

__all__ = ["batch_spread", "before_after", "channel_stats", "epsilon_effect"]
__all__ += ["accuracy_curves", "learned_gamma_beta", "sigmoid_regime"]
__all__ += ["gradient_flow", "landscape", "scale_invariance"]

__all__ += ["batch_mates", "running_estimate", "running_lag", "train_eval_gap"]

from .recurrent import (  # noqa: E402
    gradient_through_time,
    length_generalization,
    seed_accuracy_curves,
    timestep_statistics,
)

__all__ += ["gradient_through_time", "length_generalization", "seed_accuracy_curves"]
__all__ += ["timestep_statistics"]

__all__ += ["ics_over_training", "layer_inputs", "percentile_figure", "sweep_accuracy"]

from .small_batches import error_vs_batch_size, small_batch_view  # noqa: E402

__all__ += ["error_vs_batch_size", "small_batch_view"]
