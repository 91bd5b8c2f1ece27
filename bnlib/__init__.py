"""bnlib: the numpy library behind the Batch Normalization course.

The folders are its layers, bottom to top; a module imports only from its own layer or lower:
- `_checks` (input validation), `_numerics` (the sigmoid, saturation), `_blas`, `_parallel`
  (independent runs on every core: `run_each`) and `data` (the shipped digits, seeded toy
  tasks, sequences);
- `norms`: the normalization math, pure functions (batch, spatial, layer, group norm, Batch
  Renorm, running statistics, eval-mode BN, folding);
- `engine`: layers that hold parameters and call `norms`, models, SGD, the training loop, the RNN;
- `probes`: measurements of a model that never change it (gradient checks, landscape, gradient
  flow, internal covariate shift, the recorders `train` calls);
- `experiments`: studies that train models (sweeps, the batch-size sweep, the train/eval gap,
  the runs the slider panels look up);
- `views`: the pure computations behind the slider panels (no ipywidgets);
- `plots` (draw data on axes), then `widgets` (slider panels wiring views to plots);
- `exercises` (checkers) sits above `views` and never imports `widgets` or ipywidgets.

The names learners and notebooks use are importable from `bnlib` directly; the rest live in the
subpackages (`bnlib.views`, `bnlib.experiments`, `bnlib.plots`, ...). Conventions: PyTorch's
(momentum = weight on the new batch, biased variance to normalize, unbiased running variance,
eps = 1e-5).
"""

from . import data, engine, experiments, norms, probes, views  # noqa: F401 (subpackages)
from ._checks import BackwardBeforeForwardError
from ._parallel import run_each
from .data import load_digits, sigmoid_teacher
from .data.sequences import digit_sequences, evidence_sequences, evidence_task, pad_sequences
from .engine import *  # noqa: F403
from .experiments import SweepResult, batch_size_sweep, sweep, train_eval_gap
from .norms import *  # noqa: F403
from .probes import *  # noqa: F403

# Kept in their subpackage only: result types, kernels the layers use, and helpers for mlp.
_SUBPACKAGE_ONLY = {
    "LandscapeProbe",
    "LandscapeSummary",
    "batchnorm_inference_backward",
    "batchnorm_inference_forward",
    "make_norm",
}
for _name in _SUBPACKAGE_ONLY:
    globals().pop(_name, None)

__all__ = ["BackwardBeforeForwardError", "load_digits", "run_each", "sigmoid_teacher"]
__all__ += ["digit_sequences", "evidence_sequences", "evidence_task", "pad_sequences"]
__all__ += ["SweepResult", "batch_size_sweep", "sweep", "train_eval_gap"]
__all__ += [n for n in engine.__all__ + norms.__all__ + probes.__all__ if n not in _SUBPACKAGE_ONLY]
