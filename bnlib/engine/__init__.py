"""The training engine: stateful layers that call the math in `bnlib.norms`, models, training.

`layers` (Linear, BatchNorm1d, activations, ...), `norm_layers` (LayerNorm, GroupNorm,
BatchRenorm1d), `rnn` (RNN, LastStep), `model` (Sequential, mlp, losses, SGD), `training`
(train -> History, evaluate) and `inference` (calibrate, fold_model, training-mode pitfalls).
Imports `bnlib.norms` and `bnlib.data`.
"""

from .ghost import GhostBatchNorm1d
from .inference import (
    calibrate,
    fold_model,
    predict_proba,
    train_mode_accuracy,
    train_mode_forward,
)
from .layers import BatchNorm1d, Linear, NoisyBatchNorm, ReLU, Sigmoid, Tanh
from .model import SGD, Sequential, forward_backward, mlp, mse_loss, softmax_cross_entropy
from .norm_layers import BatchRenorm1d, GroupNorm, LayerNorm, make_norm
from .residual import Residual, residual_mlp
from .rnn import RNN, LastStep
from .training import History, evaluate, fit_regression, train

__all__ = [
    "BatchNorm1d",
    "BatchRenorm1d",
    "GroupNorm",
    "History",
    "LastStep",
    "LayerNorm",
    "Linear",
    "NoisyBatchNorm",
    "RNN",
    "ReLU",
    "SGD",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "calibrate",
    "evaluate",
    "fit_regression",
    "fold_model",
    "forward_backward",
    "make_norm",
    "mlp",
    "mse_loss",
    "predict_proba",
    "softmax_cross_entropy",
    "train",
    "train_mode_accuracy",
    "train_mode_forward",
]

from .dropout import Dropout  # noqa: E402

__all__ += ["Dropout"]
__all__ += ["GhostBatchNorm1d", "Residual", "residual_mlp"]

from .conv_layers import BatchNorm2d, Conv2d, Flatten, GlobalAvgPool2d  # noqa: E402

__all__ += ["BatchNorm2d", "Conv2d", "Flatten", "GlobalAvgPool2d"]
