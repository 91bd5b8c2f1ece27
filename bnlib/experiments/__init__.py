"""Experiments: studies that train (or build and run) models and return what they measured.

`sweep` (accuracy over settings and seeds), `batch_size_sweep` (error vs batch size per
normalization), `train_eval_gap` (training- vs eval-mode accuracy over training), and the runs
behind the slider panels: `record_layer_inputs` (notebook 04), `running_stream` (05) and
`rnn_gradient_table` (07); `practice`: notebook 09's studies of the mistakes practitioners
make. Imports `probes`, `engine`, `norms` and `data`; never `views`,
`plots` or `widgets`.
"""

from .batch_size import BatchSizeSweep, batch_size_sweep
from .layer_inputs import EDGES, record_layer_inputs
from .optimization import (
    DEPTH_SETTINGS,
    NOISE_SETTINGS,
    DepthStudy,
    DiagnosticsStudy,
    GammaDecayStudy,
    MomentumToy,
    NoiseStudy,
    RescaledRun,
    WeightDecayStudy,
    batch_noise_study,
    depth_net,
    depth_study,
    diagnostics_study,
    gamma_decay_study,
    momentum_toy_study,
    rescaled_run,
    weight_decay_study,
)
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
from .rnn_gradients import (
    GAMMAS,
    GradientFlow,
    digits_by_pixel,
    rnn_gradient_flow,
    rnn_gradient_table,
)
from .running_stats import RunningStream, default_running_stream, running_stream
from .sweep import SweepResult, sweep
from .train_eval_gap import GapStudy, train_eval_gap

__all__ = [
    "EDGES",
    "GAMMAS",
    "BatchSizeSweep",
    "GapStudy",
    "GradientFlow",
    "RunningStream",
    "SweepResult",
    "batch_size_sweep",
    "default_running_stream",
    "digits_by_pixel",
    "record_layer_inputs",
    "rnn_gradient_flow",
    "rnn_gradient_table",
    "running_stream",
    "sweep",
    "train_eval_gap",
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
__all__ += [
    "DEPTH_SETTINGS",
    "NOISE_SETTINGS",
    "DepthStudy",
    "DiagnosticsStudy",
    "GammaDecayStudy",
    "MomentumToy",
    "NoiseStudy",
    "RescaledRun",
    "WeightDecayStudy",
    "batch_noise_study",
    "depth_net",
    "depth_study",
    "diagnostics_study",
    "gamma_decay_study",
    "momentum_toy_study",
    "rescaled_run",
    "weight_decay_study",
]
