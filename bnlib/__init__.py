"""bnlib: the numpy library behind the Batch Normalization course.

One concept per module: `batchnorm` (the math), `spatial` (images), `layernorm`,
`running` (running statistics), `layers` (stateful layers), `gradcheck`, `plots`, `widgets`
(slider panels) and `exercises` (checkers). Conventions: PyTorch's (momentum = weight on the
new batch, biased variance to normalize, unbiased running variance, eps = 1e-5).
The training engine: `data` (the shipped digits, toy tasks), `model` (Sequential, mlp, losses,
SGD), `training` (train -> History), `landscape` and `gradflow` (probes of a model).
"""

from ._checks import BackwardBeforeForwardError
from .batchnorm import (
    batchnorm_backward,
    batchnorm_backward_staged,
    batchnorm_forward,
    batchnorm_inference,
)
from .data import load_digits, sigmoid_teacher
from .gradcheck import numerical_gradient, rel_error
from .layernorm import layernorm_backward, layernorm_forward
from .layers import BatchNorm1d, Linear, NoisyBatchNorm, ReLU, Sigmoid, Tanh
from .model import SGD, Sequential, mlp, mse_loss, softmax_cross_entropy
from .running import keras_to_torch_momentum, update_running_stats
from .spatial import spatial_batchnorm_backward, spatial_batchnorm_forward
from .training import History, train

__all__ = [
    "BackwardBeforeForwardError",
    "BatchNorm1d",
    "History",
    "Linear",
    "NoisyBatchNorm",
    "ReLU",
    "SGD",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "batchnorm_backward",
    "batchnorm_backward_staged",
    "batchnorm_forward",
    "batchnorm_inference",
    "keras_to_torch_momentum",
    "layernorm_backward",
    "layernorm_forward",
    "load_digits",
    "mlp",
    "mse_loss",
    "numerical_gradient",
    "rel_error",
    "sigmoid_teacher",
    "softmax_cross_entropy",
    "spatial_batchnorm_backward",
    "spatial_batchnorm_forward",
    "train",
    "update_running_stats",
]
