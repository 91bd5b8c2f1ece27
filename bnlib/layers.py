"""Layers: small stateful objects that hold parameters and call bnlib's pure functions.

The mathematics lives in the functions; a layer only keeps the bookkeeping (parameters,
running statistics, the cache between forward and backward, train/eval mode).

Every layer has `forward(x) -> out`, `backward(dout) -> dx`, `train()`/`eval()`, and a tuple
`param_names`: after `backward`, the gradient of parameter `p` is the attribute `d` + `p`
(Linear: W, b -> dW, db; BatchNorm1d: gamma, beta -> dgamma, dbeta).

Checks happen once, where data enters. A layer that keeps `_Layer`'s `forward` and `backward`
checks the argument (`_check_forward`, `_check_backward`: a finite float array of the right
shape) and then does the work in `_forward` / `_backward`. A `Sequential` checks what enters
it, and calls the inner layers' `_forward` / `_backward` directly (their inputs are its own
layers' outputs), which saves a scan for NaN per layer per step; a layer that overrides
`forward` or `backward` is always called through it.
"""

import numpy as np

from bnlib._checks import (
    BackwardBeforeForwardError,
    check_batch,
    check_batch_of_many,
    check_dout,
    check_eps,
    check_flag,
    check_momentum,
    check_positive,
    check_positive_int,
    check_rng,
    check_width,
)
from bnlib._kernels import (
    batchnorm_layer_backward,
    batchnorm_layer_forward,
    batchnorm_train_forward,
)
from bnlib._numerics import sigmoid
from bnlib.running import pytorch_update


class _Layer:
    """Shared bookkeeping: a train/eval flag, what the last forward saved for backward (and in
    which mode it ran: `_remember`, `_saved`, `_mode`), and the backward-before-forward guard."""

    param_names = ()
    training = True
    _cache = None
    _mode = None  # "train", "eval" or a layer's own name for how its last forward ran

    def train(self, mode=True):
        """Switch to training mode; returns self."""
        self.training = bool(mode)
        return self

    def eval(self):
        """Switch to eval mode; returns self."""
        return self.train(False)

    def forward(self, x):
        """Check x, then compute the layer's output."""
        return self._forward(self._check_forward(x))

    def backward(self, dout):
        """Check dout (shaped like the last output), then compute the gradient of the input."""
        return self._backward(self._check_backward(dout))

    def _remember(self, cache, mode=None):
        """Keep what backward needs, and the mode the forward that made it ran in."""
        self._cache, self._mode = cache, mode

    def _saved(self):
        if self._cache is None:
            name = type(self).__name__
            raise BackwardBeforeForwardError(f"backward called before any forward on {name}")
        return self._cache

    def _check_rows(self, x, width):
        """x must be a finite float batch (N, width); returns it as a float array."""
        x = check_batch(x, ndim=2, layout=f"(N, {width})")
        return check_width(x, width, type(self).__name__)


class BatchNorm1d(_Layer):
    """Batch normalization over (N, D) with PyTorch's semantics.

    In training mode `forward` normalizes with the batch statistics and blends them into
    `running_mean` / `running_var` (momentum = weight on the new batch; running variance
    unbiased; momentum=None = cumulative average). In eval mode it uses the running ones.

    >>> bn = BatchNorm1d(2)
    >>> out = bn.forward([[0.0, 10.0], [2.0, 30.0]])
    >>> bn.running_mean, bn.running_var
    (array([0.1, 2. ]), array([ 1.1, 20.9]))
    """

    param_names = ("gamma", "beta")  # trainable; their gradients are dgamma, dbeta

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

    def _check_forward(self, x):
        return check_batch(x, ndim=2, layout=f"(N, {self.num_features})")

    def _forward(self, x):
        """x (N, D) -> out (N, D); in training also updates the running statistics."""
        check_width(x, self.num_features, type(self).__name__)
        if not self.training:
            running = self.running_mean, self.running_var
            out, cache = batchnorm_layer_forward(x, self.gamma, self.beta, self.eps, running)
            self._remember(cache, "eval")
            return out
        check_batch_of_many(x, "call .eval() to use the running statistics instead")
        out, cache, mean = batchnorm_train_forward(x, self.gamma, self.beta, self.eps)
        self._update_running(mean, cache.var, n=x.shape[0])
        self._remember(cache, "train")
        return out

    def _update_running(self, batch_mean, batch_var, n):
        """Count one more batch and blend its mean and biased variance into the running
        statistics: `update_running_stats`'s arithmetic, PyTorch's convention (momentum the
        weight on the new batch), without its checks (`pytorch_update`)."""
        self.num_batches_tracked += 1
        self.running_mean, self.running_var = pytorch_update(
            self.running_mean,
            self.running_var,
            batch_mean,
            batch_var,
            n,
            check_momentum(self.momentum),  # an attribute a learner may have set
            self.num_batches_tracked,
        )

    def _check_backward(self, dout):
        return check_dout(dout, self._saved().x_hat.shape)

    def _backward(self, dout):
        """dout (N, D) -> dx (N, D); sets self.dgamma and self.dbeta (D,)."""
        dx, self.dgamma, self.dbeta = batchnorm_layer_backward(dout, self._saved(), self._mode)
        return dx

    def __repr__(self):
        return (
            f"BatchNorm1d({self.num_features}, eps={self.eps:g}, momentum={self.momentum}, "
            f"training={self.training})"
        )


class Linear(_Layer):
    """Fully connected layer out = x @ W + b, with W (D, H) drawn from Normal(0, s^2 / D).

    `init_scale` s multiplies the usual 1/sqrt(fan_in) standard deviation, so s = 1 keeps the
    output variance near the input's; sweep it to test sensitivity to initialization.
    `bias=False` drops b (a batch norm right after makes it redundant: its beta shifts instead).

    >>> layer = Linear(3, 2, rng=np.random.default_rng(0))
    >>> layer.forward(np.ones((4, 3))).shape, layer.backward(np.ones((4, 2))).shape
    ((4, 2), (4, 3))
    """

    def __init__(self, in_features, out_features, rng, init_scale=1.0, bias=True):
        self.in_features = check_positive_int(in_features, "in_features")
        self.out_features = check_positive_int(out_features, "out_features")
        check_rng(rng)
        check_positive(init_scale, "init_scale")
        std = init_scale / np.sqrt(self.in_features)
        self.W = std * rng.standard_normal((self.in_features, self.out_features))
        self.b = np.zeros(self.out_features) if bias else None
        self.param_names = ("W", "b") if bias else ("W",)
        self.dW = self.db = None

    def _check_forward(self, x):
        return self._check_rows(x, self.in_features)

    def _forward(self, x):
        """x (N, D) -> out (N, H)."""
        self._cache = check_width(x, self.in_features, type(self).__name__)
        out = x @ self.W
        return out if self.b is None else out + self.b

    def backward(self, dout, need_dx=True):
        """dout (N, H) -> dx (N, D) (None if not `need_dx`); sets dW (D, H) and db (H,)."""
        x = self._saved()
        self.dW = x.T @ dout
        if self.b is not None:
            self.db = dout.sum(axis=0)
        return dout @ self.W.T if need_dx else None

    def __repr__(self):
        return f"Linear({self.in_features}, {self.out_features}, bias={self.b is not None})"


class Sigmoid(_Layer):
    """Elementwise 1 / (1 + exp(-x)); its slope is at most 1/4, at x = 0.

    >>> Sigmoid().forward(np.array([[0.0, 1000.0, -1000.0]]))
    array([[0.5, 1. , 0. ]])
    """

    def forward(self, x):
        out = sigmoid(x)
        self._cache = out
        return out

    def backward(self, dout):
        out = self._saved()
        return dout * out * (1.0 - out)

    def __repr__(self):
        return "Sigmoid()"


class Tanh(_Layer):
    """Elementwise tanh(x); slope 1 at x = 0, vanishing for large |x|.

    >>> layer = Tanh()
    >>> _ = layer.forward(np.zeros((1, 2)))
    >>> layer.backward(np.ones((1, 2)))
    array([[1., 1.]])
    """

    def forward(self, x):
        out = np.tanh(np.asarray(x, dtype=np.float64))
        self._cache = out
        return out

    def backward(self, dout):
        out = self._saved()
        return dout * (1.0 - out * out)

    def __repr__(self):
        return "Tanh()"


class ReLU(_Layer):
    """Elementwise max(x, 0); gradient 1 where x > 0, else 0.

    >>> ReLU().forward(np.array([[-1.0, 2.0]]))
    array([[0., 2.]])
    """

    def forward(self, x):
        x = np.asarray(x, dtype=np.float64)
        self._cache = x > 0
        return np.maximum(x, 0.0)

    def backward(self, dout):
        return dout * self._saved()

    def __repr__(self):
        return "ReLU()"


class NoisyBatchNorm(BatchNorm1d):
    """BatchNorm1d followed, in training only, by a fresh random scale and shift every step.

    After normalizing, each feature j is mapped to a_j * y_j + c_j with a_j ~ Uniform(1 -
    scale_noise, 1 + scale_noise) and c_j ~ Normal(0, shift_noise^2), redrawn at every forward
    call: the distribution the next layer sees keeps moving. By default one a_j and one c_j
    are shared by the whole batch (a time-varying shift and scale of each feature); with
    `per_example=True` every example gets its own i.i.d. draws, a_ij and c_ij, perturbing each
    activation of each example as Santurkar et al. 2018 do. Unlike theirs, this noise always
    comes from the same zero-mean distributions: they draw the noise's mean and variance anew
    at every step, while here a batch of N examples averages its per-example shifts, so the
    batch's mean moves only by about shift_noise / sqrt(N) from step to step. Eval mode adds
    no noise.

    >>> bn = NoisyBatchNorm(2, rng=np.random.default_rng(0), shift_noise=1.0)
    >>> out = bn.forward(np.array([[0.0, 1.0], [2.0, 5.0]]))
    >>> bool(abs(out.mean()) > 0.1)
    True
    >>> each = NoisyBatchNorm(2, rng=np.random.default_rng(0), scale_noise=0.0, per_example=True)
    >>> bool(abs(each.forward(np.array([[0.0, 1.0], [2.0, 5.0]])).sum(axis=0)).max() > 0.1)
    True
    """

    def __init__(
        self, num_features, rng, scale_noise=0.5, shift_noise=0.5, per_example=False, **kwargs
    ):
        super().__init__(num_features, **kwargs)
        check_rng(rng)
        if not 0.0 <= scale_noise < 1.0:
            raise ValueError(f"scale_noise must be in [0, 1); got {scale_noise!r}")
        if not shift_noise >= 0.0:
            raise ValueError(f"shift_noise must be >= 0; got {shift_noise!r}")
        check_flag(per_example, "per_example")
        self.rng, self.scale_noise, self.shift_noise = rng, scale_noise, shift_noise
        self.per_example = per_example
        self._noise_scale = None

    def _forward(self, x):
        out = super()._forward(x)
        if not self.training:
            self._noise_scale = None
            return out
        shape = out.shape if self.per_example else self.num_features
        self._noise_scale = self.rng.uniform(1 - self.scale_noise, 1 + self.scale_noise, shape)
        return self._noise_scale * out + self.rng.normal(0.0, self.shift_noise, shape)

    def _backward(self, dout):
        if self._noise_scale is not None:
            dout = dout * self._noise_scale
        return super()._backward(dout)

    def __repr__(self):
        return (
            f"NoisyBatchNorm({self.num_features}, scale_noise={self.scale_noise}, "
            f"shift_noise={self.shift_noise}, per_example={self.per_example}, "
            f"training={self.training})"
        )
