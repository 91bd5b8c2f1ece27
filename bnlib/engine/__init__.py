"""The training engine: stateful layers that call the math in `bnlib.norms`, models, training.

`layers` (Linear, BatchNorm1d, activations, ...), `model` (Sequential, mlp, losses, SGD) and
`training` (train -> History, evaluate, recorders). Imports `bnlib.norms` and `bnlib.data`.
"""

from .ghost import GhostBatchNorm1d
from .inference import (
    bn_input,
    bn_statistics,
    calibrate,
    fold_model,
    predict_proba,
    train_mode_accuracy,
    train_mode_forward,
)
from .layers import BatchNorm1d, Linear, NoisyBatchNorm, ReLU, Sigmoid, Tanh
from .model import SGD, Sequential, forward_backward, mlp, mse_loss, softmax_cross_entropy
from .norm_layers import NORMS, BatchRenorm1d, GroupNorm, LayerNorm, default_groups, make_norm
from .residual import Residual, residual_mlp
from .rnn import RNN, LastStep
from .sequences import digit_sequences, evidence_sequences, evidence_task, pad_sequences
from .small_batches import BatchSizeSweep, batch_size_sweep, renorm_for
from .sweep import SweepResult, sweep
from .training import (
    History,
    activation_input_percentiles,
    evaluate,
    fit_regression,
    grad_norms,
    train,
)

__all__ = [
    "BatchNorm1d",
    "BatchRenorm1d",
    "BatchSizeSweep",
    "GroupNorm",
    "History",
    "LastStep",
    "LayerNorm",
    "Linear",
    "NORMS",
    "NoisyBatchNorm",
    "RNN",
    "ReLU",
    "SGD",
    "Sequential",
    "Sigmoid",
    "SweepResult",
    "Tanh",
    "activation_input_percentiles",
    "batch_size_sweep",
    "bn_input",
    "bn_statistics",
    "calibrate",
    "default_groups",
    "digit_sequences",
    "evaluate",
    "evidence_sequences",
    "evidence_task",
    "fit_regression",
    "fold_model",
    "forward_backward",
    "grad_norms",
    "make_norm",
    "mlp",
    "mse_loss",
    "pad_sequences",
    "predict_proba",
    "renorm_for",
    "softmax_cross_entropy",
    "sweep",
    "train",
    "train_mode_accuracy",
    "train_mode_forward",
]

__all__ += ["GhostBatchNorm1d", "Residual", "residual_mlp"]
