"""bnlib: the numpy library behind the Batch Normalization course.

One concept per module: `batchnorm` (the math), `spatial` (images), `layernorm`,
`running` (running statistics), `layers` (stateful layers), `gradcheck`, `plots`, `widgets`
(slider panels) and `exercises` (checkers). Conventions: PyTorch's (momentum = weight on the
new batch, biased variance to normalize, unbiased running variance, eps = 1e-5).
"""

from ._checks import BackwardBeforeForwardError
from .batchnorm import (
    batchnorm_backward,
    batchnorm_backward_staged,
    batchnorm_forward,
    batchnorm_inference,
)
from .gradcheck import numerical_gradient, rel_error
from .layernorm import layernorm_backward, layernorm_forward
from .layers import BatchNorm1d
from .running import keras_to_torch_momentum, update_running_stats
from .spatial import spatial_batchnorm_backward, spatial_batchnorm_forward

__all__ = [
    "BackwardBeforeForwardError",
    "BatchNorm1d",
    "batchnorm_backward",
    "batchnorm_backward_staged",
    "batchnorm_forward",
    "batchnorm_inference",
    "keras_to_torch_momentum",
    "layernorm_backward",
    "layernorm_forward",
    "numerical_gradient",
    "rel_error",
    "spatial_batchnorm_backward",
    "spatial_batchnorm_forward",
    "update_running_stats",
]
