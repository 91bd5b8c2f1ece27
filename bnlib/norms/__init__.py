"""The normalization math: pure functions over numpy arrays, forward and backward side by side.

`batchnorm` (flat batches), `spatial` (images, per channel), `layernorm` (per example) and
`running` (running statistics with PyTorch's momentum convention). Imports only `bnlib._checks`.
"""

from .batchnorm import (
    batchnorm_backward,
    batchnorm_backward_staged,
    batchnorm_forward,
    batchnorm_inference,
    batchnorm_inference_backward,
    batchnorm_inference_forward,
)
from .layernorm import layernorm_backward, layernorm_forward
from .replay import running_average
from .running import (
    CONVENTIONS,
    DEFAULT_EPS,
    DEFAULT_MOMENTUM,
    carry_eps,
    keras_to_torch_momentum,
    update_running_stats,
    update_running_std,
)
from .scale_invariance import (
    angle_between,
    effective_lr,
    equilibrium_angular_update,
    equilibrium_steps,
)
from .spatial import spatial_batchnorm_backward, spatial_batchnorm_forward

__all__ = [
    "batchnorm_backward",
    "batchnorm_backward_staged",
    "batchnorm_forward",
    "batchnorm_inference",
    "batchnorm_inference_backward",
    "batchnorm_inference_forward",
    "keras_to_torch_momentum",
    "layernorm_backward",
    "layernorm_forward",
    "spatial_batchnorm_backward",
    "spatial_batchnorm_forward",
    "update_running_stats",
]

from .folding import fold_batchnorm
from .groupnorm import groupnorm_backward, groupnorm_forward
from .renorm import batch_renorm_backward, batch_renorm_forward, renorm_limits

__all__ += ["fold_batchnorm"]

__all__ += ["groupnorm_backward", "groupnorm_forward"]
__all__ += ["batch_renorm_backward", "batch_renorm_forward", "renorm_limits"]

__all__ += ["running_average"]

__all__ += ["CONVENTIONS", "DEFAULT_EPS", "DEFAULT_MOMENTUM", "carry_eps", "update_running_std"]
__all__ += ["angle_between", "effective_lr", "equilibrium_angular_update", "equilibrium_steps"]

from .conv import conv2d_backward, conv2d_forward, fold_conv_batchnorm  # noqa: E402

__all__ += ["conv2d_backward", "conv2d_forward", "fold_conv_batchnorm"]
