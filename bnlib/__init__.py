"""bnlib: the numpy library behind the Batch Normalization course.

The folders are its layers, each importing only from the ones above it in this list:
- `data` (the shipped digits, seeded toy tasks) and the private `_checks` (input validation);
- `norms`: the normalization math, pure functions (batch, spatial, layer norm, running stats);
- `engine`: layers that hold parameters and call `norms`, models, SGD, the training loop;
- `probes`: measurements of a model (gradient checks, landscape, gradient flow, ...);
- `experiments`: studies that train models and return their numbers;
- `plots`, `widgets` (slider panels) and `exercises` (checkers): one module per notebook.

Every public name is importable from `bnlib` directly. Conventions: PyTorch's (momentum =
weight on the new batch, biased variance to normalize, unbiased running variance, eps = 1e-5).
"""

from . import engine, norms, probes
from ._checks import BackwardBeforeForwardError
from .data import load_digits, sigmoid_teacher
from .engine import *  # noqa: F403
from .norms import *  # noqa: F403
from .probes import *  # noqa: F403

__all__ = ["BackwardBeforeForwardError", "load_digits", "sigmoid_teacher"]
__all__ += engine.__all__ + norms.__all__ + probes.__all__

from . import experiments  # noqa: E402
from .experiments import *  # noqa: E402, F403

__all__ += experiments.__all__
