"""The training engine: stateful layers that call the math in `bnlib.norms`, models, training.

`layers` (Linear, BatchNorm1d, activations, ...), `model` (Sequential, mlp, losses, SGD) and
`training` (train -> History, evaluate, recorders). Imports `bnlib.norms` and `bnlib.data`.
"""

from .layers import BatchNorm1d, Linear, NoisyBatchNorm, ReLU, Sigmoid, Tanh
from .model import SGD, Sequential, forward_backward, mlp, mse_loss, softmax_cross_entropy
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
    "SGD",
    "BatchNorm1d",
    "History",
    "Linear",
    "NoisyBatchNorm",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "activation_input_percentiles",
    "evaluate",
    "fit_regression",
    "forward_backward",
    "grad_norms",
    "mlp",
    "mse_loss",
    "softmax_cross_entropy",
    "train",
]

from .inference import (
    bn_input,
    bn_statistics,
    calibrate,
    fold_model,
    predict_proba,
    train_mode_accuracy,
    train_mode_forward,
)
from .norm_layers import NORMS, BatchRenorm1d, GroupNorm, LayerNorm, default_groups, make_norm
from .small_batches import BatchSizeSweep, batch_size_sweep, renorm_for

__all__ += ["bn_input", "bn_statistics", "calibrate", "fold_model"]
__all__ += ["predict_proba", "train_mode_accuracy", "train_mode_forward"]
__all__ += ["NORMS", "BatchRenorm1d", "GroupNorm", "LayerNorm", "default_groups", "make_norm"]
__all__ += ["BatchSizeSweep", "batch_size_sweep", "renorm_for"]

from .rnn import RNN, LastStep  # noqa: E402
from .sequences import (  # noqa: E402
    digit_sequences,
    evidence_sequences,
    evidence_task,
    pad_sequences,
)

__all__ += ["RNN", "LastStep", "digit_sequences", "evidence_sequences", "evidence_task"]
__all__ += ["pad_sequences"]

__all__ += ["SweepResult", "sweep"]
