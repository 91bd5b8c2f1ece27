"""Layers: small stateful objects that hold parameters and call bnlib's pure functions.

The mathematics lives in the functions; a layer only keeps the bookkeeping (parameters,
running statistics, the cache between forward and backward, train/eval mode).
"""

import numpy as np

from ._checks import (
    BackwardBeforeForwardError,
    check_batch,
    check_dout,
    check_eps,
    check_momentum,
    check_positive_int,
)
from .batchnorm import batchnorm_backward, batchnorm_forward, batchnorm_inference
from .running import update_running_stats


class BatchNorm1d:
    """Batch normalization over (N, D) with PyTorch's semantics.

    In training mode `forward` normalizes with the batch statistics and blends them into
    `running_mean` / `running_var` (momentum = weight on the new batch; running variance
    unbiased; momentum=None = cumulative average). In eval mode it uses the running ones.

    >>> bn = BatchNorm1d(2)
    >>> out = bn.forward([[0.0, 10.0], [2.0, 30.0]])
    >>> bn.running_mean, bn.running_var
    (array([0.1, 2. ]), array([ 1.1, 20.9]))
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        self.num_features = check_positive_int(num_features, "num_features")
        self.eps = check_eps(eps)
        self.momentum = check_momentum(momentum)
        self.gamma = np.ones(self.num_features)
        self.beta = np.zeros(self.num_features)
        self.running_mean = np.zeros(self.num_features)
        self.running_var = np.ones(self.num_features)
        self.num_batches_tracked = 0
        self.training = True
        self.dgamma = self.dbeta = None
        self._cache = None

    def train(self, mode=True):
        """Switch to training mode (batch statistics); returns self."""
        self.training = bool(mode)
        return self

    def eval(self):
        """Switch to eval mode (running statistics); returns self."""
        return self.train(False)

    def forward(self, x):
        """x (N, D) -> out (N, D); in training also updates the running statistics."""
        x = check_batch(x, ndim=2, layout=f"(N, {self.num_features})")
        if x.shape[1] != self.num_features:
            raise ValueError(
                f"x must have shape (N, {self.num_features}); got {x.shape} "
                f"(this layer was built for {self.num_features} features)"
            )
        if not self.training:
            out = batchnorm_inference(
                x, self.gamma, self.beta, self.running_mean, self.running_var, self.eps
            )
            x_hat = (x - self.running_mean) / np.sqrt(self.running_var + self.eps)
            self._cache = ("eval", x_hat)
            return out
        if x.shape[0] == 1:
            raise ValueError(
                f"expected more than 1 value per feature when training; got x of shape {x.shape}. "
                "A batch of one has zero variance, so normalizing it erases the input "
                "(call .eval() to use the running statistics instead)"
            )
        out, cache = batchnorm_forward(x, self.gamma, self.beta, self.eps)
        self.num_batches_tracked += 1
        self.running_mean, self.running_var = update_running_stats(
            self.running_mean,
            self.running_var,
            x.mean(axis=0),
            cache.var,
            n=x.shape[0],
            momentum=self.momentum,
            num_batches_tracked=self.num_batches_tracked,
        )
        self._cache = ("train", cache)
        return out

    def backward(self, dout):
        """dout (N, D) -> dx (N, D); sets self.dgamma and self.dbeta (D,)."""
        if self._cache is None:
            raise BackwardBeforeForwardError("backward called before any forward on BatchNorm1d")
        mode, saved = self._cache
        if mode == "train":
            dx, self.dgamma, self.dbeta = batchnorm_backward(dout, saved)
            return dx
        # In eval mode the layer is a fixed per-feature affine map of x, so the gradient is too.
        dout = check_dout(dout, saved.shape)
        self.dgamma = np.sum(dout * saved, axis=0)
        self.dbeta = dout.sum(axis=0)
        return dout * self.gamma / np.sqrt(self.running_var + self.eps)

    def __repr__(self):
        return (
            f"BatchNorm1d({self.num_features}, eps={self.eps:g}, momentum={self.momentum}, "
            f"training={self.training})"
        )
