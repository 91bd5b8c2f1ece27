"""Experiments: studies that train models and return their numbers (one module per notebook).

`practice` (notebook 08: the batch-norm mistakes practitioners make). Imports engine and probes.
"""

from .practice import (
    DropoutShift,
    FineTune,
    NonIID,
    TrainModeEval,
    ValidationDrift,
    device_statistics,
    dropout_shift,
    epoch_batches,
    non_iid_batches,
    sgd_on_batches,
    small_batch_finetune,
    stats_distance,
    train_mode_evaluation,
    validation_drift,
)

__all__ = [
    "DropoutShift",
    "FineTune",
    "NonIID",
    "TrainModeEval",
    "ValidationDrift",
    "device_statistics",
    "dropout_shift",
    "epoch_batches",
    "non_iid_batches",
    "sgd_on_batches",
    "small_batch_finetune",
    "stats_distance",
    "train_mode_evaluation",
    "validation_drift",
]
