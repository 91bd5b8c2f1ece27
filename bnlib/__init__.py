"""bnlib: batch normalization in numpy, small enough to read.

Start with `bnlib/batchnorm.py`: the forward pass, the staged and the closed-form backward,
inference with stored statistics and the running update, as in Ioffe & Szegedy (2015). The
layers run the same arithmetic through the private `_kernels` (unchecked and faster).
The other modules, one concept each:

- the math, pure functions: `batchnorm`, `spatial` (N, C, H, W), `layernorm`, `groupnorm`,
  `renorm` (Batch Renormalization), `running` (the running statistics and the frameworks'
  conventions), `folding`, `conv` (the convolution and conv + BN folding);
- the layers that hold parameters and call the math: `layers`, `norm_layers`, `conv_layers`,
  `rnn`, `dropout`, `residual`; models and SGD: `model`; the training loop: `training`;
  independent runs over seeds: `sweep`;
- eval-mode BN on a model (calibration, folding a model, train-mode prediction): `inference`;
- probes, measurements that never change a model: `gradcheck`, `gradflow`, `ics` (internal
  covariate shift), `recorders` (what `train` records), `diagnose` (a model's BN mistakes);
- data: `data` (the shipped 8x8 digits).

The names below are the whole public surface at the top level; everything else is reached
through its module (`bnlib.layers.Tanh`, `bnlib.running.CONVENTIONS`). Conventions are
PyTorch's: momentum is the weight on the new batch, the variance that normalizes is biased,
the stored running variance unbiased, eps = 1e-5. float64 throughout. bnlib never imports the
course package (`bncourse`), which holds the notebooks' studies, plots and slider panels.
"""

from .batchnorm import (
    batchnorm_backward,
    batchnorm_backward_staged,
    batchnorm_forward,
    batchnorm_inference,
)
from .conv import conv2d_backward, conv2d_forward, fold_conv_batchnorm
from .conv_layers import BatchNorm2d, Conv2d
from .data import load_digits
from .diagnose import diagnose_batchnorm
from .folding import fold_batchnorm
from .gradcheck import numerical_gradient, rel_error
from .gradflow import weight_scale_sweep
from .groupnorm import groupnorm_backward, groupnorm_forward
from .ics import internal_covariate_shift
from .inference import calibrate
from .layernorm import layernorm_backward, layernorm_forward
from .layers import BatchNorm1d, Linear, ReLU, Sigmoid
from .model import SGD, Sequential, mlp
from .renorm import batch_renorm_backward, batch_renorm_forward
from .rnn import RNN
from .running import keras_to_torch_momentum, update_running_stats
from .spatial import spatial_batchnorm_backward, spatial_batchnorm_forward
from .sweep import sweep
from .training import evaluate, train

__all__ = [
    # batch norm, as in the paper (batchnorm.py)
    "batchnorm_forward",
    "batchnorm_backward",
    "batchnorm_backward_staged",
    "batchnorm_inference",
    "update_running_stats",
    # the other normalizations and the convolution
    "spatial_batchnorm_forward",
    "spatial_batchnorm_backward",
    "layernorm_forward",
    "layernorm_backward",
    "groupnorm_forward",
    "groupnorm_backward",
    "batch_renorm_forward",
    "batch_renorm_backward",
    "conv2d_forward",
    "conv2d_backward",
    # deployment: folding BN into the layer before it, re-estimating statistics
    "fold_batchnorm",
    "fold_conv_batchnorm",
    "calibrate",
    # layers
    "Linear",
    "Conv2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "ReLU",
    "Sigmoid",
    "RNN",
    # models, training, runs over seeds
    "Sequential",
    "mlp",
    "SGD",
    "train",
    "evaluate",
    "sweep",
    # data
    "load_digits",
    # gradient checking and probes
    "numerical_gradient",
    "rel_error",
    "weight_scale_sweep",
    "internal_covariate_shift",
    "diagnose_batchnorm",
    # conventions
    "keras_to_torch_momentum",
]
