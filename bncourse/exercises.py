"""Exercise checkers: run a learner's answer against bnlib and say what is wrong, in words.

Each `check_*` returns a `Feedback` (truthy when correct) whose text names the likely mistake,
found by comparing the answer with the outputs of the usual wrong implementations.
"""

from bncourse.covariate_shift.checks import (
    check_diverging_rates,
    check_ics_by_hand,
    check_percentiles,
)
from bncourse.feedback import Feedback
from bncourse.gamma_beta.checks import check_identity_params, check_steered_sigmoid
from bncourse.gradients.checks import check_batchnorm_backward, check_scaled_gradient
from bncourse.inference.checks import check_fold, check_momentum_choice, check_running_update
from bncourse.normalization.checks import (
    check_batchnorm_forward,
    check_channel_statistics,
    check_output_variance,
)
from bncourse.optimization.checks import (
    check_depth_threshold,
    check_effective_lr,
    check_equilibrium_angle,
)
from bncourse.practice.checks import BUGS, FIXES, SCRIPTS, check_bug
from bncourse.recurrent.checks import check_eval_row, check_tanh_slope, check_timestep_statistics
from bncourse.review.checks import CHOICES, NUMBERS, ask, check_choice, check_number
from bncourse.small_batches.checks import (
    SITUATIONS,
    check_group_statistics,
    check_groupnorm_backward,
    check_norm_choice,
    check_renorm_r_d,
)

__all__ = [
    "BUGS",
    "FIXES",
    "SCRIPTS",
    "check_bug",
    "CHOICES",
    "Feedback",
    "NUMBERS",
    "SITUATIONS",
    "ask",
    "check_batchnorm_backward",
    "check_batchnorm_forward",
    "check_channel_statistics",
    "check_choice",
    "check_depth_threshold",
    "check_effective_lr",
    "check_equilibrium_angle",
    "check_diverging_rates",
    "check_eval_row",
    "check_fold",
    "check_group_statistics",
    "check_groupnorm_backward",
    "check_ics_by_hand",
    "check_identity_params",
    "check_momentum_choice",
    "check_norm_choice",
    "check_number",
    "check_output_variance",
    "check_percentiles",
    "check_renorm_r_d",
    "check_running_update",
    "check_scaled_gradient",
    "check_steered_sigmoid",
    "check_tanh_slope",
    "check_timestep_statistics",
]

from bncourse.convolution.checks import (  # noqa: E402
    check_fold_conv,
    check_norm_axes,
    check_spatial_batchnorm_backward,
)

__all__ += ["check_fold_conv", "check_norm_axes", "check_spatial_batchnorm_backward"]
