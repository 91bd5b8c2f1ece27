"""Plots for the course: each takes precomputed data and optional axes, and returns the axes.

Nothing heavy is computed here; the numbers come from bnlib's pure functions (the views behind
the slider panels live in `bnlib.views`). A plot is named after the figure it draws (a panel's
plot draws that panel's view). One module per notebook topic.
"""

from .covariate_shift import ics_over_training, layer_inputs, percentile_figure, sweep_accuracy
from .gamma_beta import learned_gamma_beta, sigmoid_regime
from .gradients import gradient_flow, landscape, scale_invariance
from .inference import batch_mates, gap_study, running_estimate, running_lag
from .normalization import batch_spread, before_after, channel_stats, epsilon_effect
from .optimization import (
    activation_histograms,
    depth_gradients,
    effective_lr_curves,
    equilibrium,
    gradient_histograms,
    seed_points,
    update_ratios,
    weight_decay_figure,
)
from .recurrent import (
    gradient_through_time,
    length_generalization,
    seed_accuracy_curves,
    timestep_statistics,
)
from .small_batches import error_vs_batch_size, small_batch_outputs
from .training import accuracy_curves

__all__ = [
    "accuracy_curves",
    "batch_mates",
    "batch_spread",
    "before_after",
    "channel_stats",
    "epsilon_effect",
    "error_vs_batch_size",
    "gap_study",
    "gradient_flow",
    "gradient_through_time",
    "ics_over_training",
    "landscape",
    "layer_inputs",
    "learned_gamma_beta",
    "length_generalization",
    "percentile_figure",
    "running_estimate",
    "running_lag",
    "scale_invariance",
    "seed_accuracy_curves",
    "sigmoid_regime",
    "small_batch_outputs",
    "sweep_accuracy",
    "timestep_statistics",
]

from .practice import conventions, seed_ranges  # noqa: E402

__all__ += ["conventions", "seed_ranges"]
__all__ += [
    "activation_histograms",
    "depth_gradients",
    "effective_lr_curves",
    "equilibrium",
    "gradient_histograms",
    "seed_points",
    "update_ratios",
    "weight_decay_figure",
]

from .conv import (  # noqa: E402
    channel_noise_hist,
    channel_noise_plot,
    cnn_curves,
    lr_sweep_plot,
    residual_signal_plot,
)

__all__ += ["channel_noise_hist", "channel_noise_plot", "cnn_curves", "lr_sweep_plot"]
__all__ += ["residual_signal_plot"]
