"""Layers for small convolutional networks on (N, C, H, W) images.

`Conv2d` holds filters and calls `conv2d_forward` / `conv2d_backward`; `BatchNorm2d` is
`BatchNorm1d` applied to every position as one more sample of its channel (statistics per
channel over N, H and W, so a batch of N images gives N H W values per channel); `GlobalAvgPool2d`
and `Flatten` turn feature maps into the (N, D) rows a `Linear` classifier takes. `small_cnn`
stacks them into the course's small CNN for the 8x8 digits (`digit_images`), with batch, group,
layer or no normalization after each convolution.
"""

import numpy as np

from bnlib._checks import (
    check_batch,
    check_batch_of_many,
    check_dout,
    check_one_of,
    check_positive,
    check_positive_int,
    check_rng,
    check_width,
)
from bnlib.conv import conv2d_backward, conv2d_forward
from bnlib.layers import BatchNorm1d, Linear, ReLU, _Layer
from bnlib.model import Sequential
from bnlib.norm_layers import GroupNorm

CNN_NORMS = ("none", "batch", "group", "layer")
CNN_HEADS = ("average", "flatten")


class Conv2d(_Layer):
    """2-D convolution with F = out_channels filters W (F, C, KH, KW) and bias b (F,).

    W is drawn from Normal(0, init_scale^2 / (C KH KW)): fan-in scaling, as `Linear` does.
    `bias=False` drops b (a batch norm right after makes it redundant).

    >>> conv = Conv2d(1, 4, 3, rng=np.random.default_rng(0), padding=1)
    >>> out = conv.forward(np.ones((2, 1, 8, 8)))
    >>> out.shape, conv.backward(np.ones_like(out)).shape, conv.dW.shape
    ((2, 4, 8, 8), (2, 1, 8, 8), (4, 1, 3, 3))
    """

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        rng,
        stride=1,
        padding=0,
        init_scale=1.0,
        bias=True,
    ):
        self.in_channels = check_positive_int(in_channels, "in_channels")
        self.out_channels = check_positive_int(out_channels, "out_channels")
        self.kernel_size = check_positive_int(kernel_size, "kernel_size")
        self.stride = check_positive_int(stride, "stride")
        self.padding = check_positive_int(padding, "padding", low=0)
        check_rng(rng)
        check_positive(init_scale, "init_scale")
        k = self.kernel_size
        std = init_scale / np.sqrt(self.in_channels * k * k)
        self.W = std * rng.standard_normal((self.out_channels, self.in_channels, k, k))
        self.b = np.zeros(self.out_channels) if bias else None
        self.param_names = ("W", "b") if bias else ("W",)
        self.dW = self.db = None

    def _check_forward(self, x):
        layout = f"(N, {self.in_channels}, H, W)"
        x = check_batch(x, ndim=4, layout=layout)
        return check_width(x, self.in_channels, "Conv2d", layout, "channels", ndim=4)

    def _forward(self, x):
        """x (N, C, H, W) -> out (N, F, H', W')."""
        out, self._cache = conv2d_forward(x, self.W, self.b, self.stride, self.padding)
        return out

    def _check_backward(self, dout):
        return dout  # conv2d_backward checks dout against the cached shapes

    def _backward(self, dout):
        """dout (N, F, H', W') -> dx (N, C, H, W); sets dW and db."""
        dx, self.dW, self.db = conv2d_backward(dout, self._saved())
        return dx

    def __repr__(self):
        return (
            f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding}, bias={self.b is not None})"
        )


class BatchNorm2d(BatchNorm1d):
    """Batch normalization over (N, C, H, W) with PyTorch's `BatchNorm2d` semantics.

    One mean and variance per channel over (N, H, W): the image batch is read as N H W rows of
    C features and normalized as `BatchNorm1d` does (biased variance to normalize; running
    variance unbiased over n = N H W; momentum = weight on the new batch, None = cumulative
    average; eval mode uses the running statistics).

    >>> bn = BatchNorm2d(1)
    >>> out = bn.forward(np.arange(8.0).reshape(2, 1, 2, 2))
    >>> float(np.round(out.mean(), 12)) + 0.0, bn.running_mean, np.round(bn.running_var, 4)
    (0.0, array([0.35]), array([1.5]))
    """

    def _check_forward(self, x):
        return check_batch(x, ndim=4, layout=f"(N, {self.num_features}, H, W)")

    def _forward(self, x):
        """x (N, C, H, W) -> out (N, C, H, W): BatchNorm1d on the (N H W, C) rows, so training
        also blends the rows' mean and unbiased variance (n = N H W) into the running ones."""
        layout = f"(N, {self.num_features}, H, W)"
        check_width(x, self.num_features, "BatchNorm2d", layout, "channels", ndim=4)
        n, c, h, w = x.shape
        if self.training:
            hint = "call .eval() to use the running statistics instead"
            check_batch_of_many(x, hint, values=n * h * w, per="channel")
        rows = x.transpose(0, 2, 3, 1).reshape(n * h * w, c)  # every position: one row of C
        out = super()._forward(rows)
        self._shape = x.shape
        return out.reshape(n, h, w, c).transpose(0, 3, 1, 2)

    def _check_backward(self, dout):
        self._saved()
        return check_dout(dout, self._shape)

    def _backward(self, dout):
        """dout (N, C, H, W) -> dx (N, C, H, W); sets dgamma and dbeta (C,)."""
        n, c, h, w = self._shape
        dx = super()._backward(dout.transpose(0, 2, 3, 1).reshape(n * h * w, c))
        return dx.reshape(n, h, w, c).transpose(0, 3, 1, 2)

    def __repr__(self):
        return (
            f"BatchNorm2d({self.num_features}, eps={self.eps:g}, momentum={self.momentum}, "
            f"training={self.training})"
        )


class GlobalAvgPool2d(_Layer):
    """The mean of each channel over its positions: (N, C, H, W) -> (N, C).

    >>> pool = GlobalAvgPool2d()
    >>> pool.forward(np.arange(8.0).reshape(1, 2, 2, 2)), pool.backward(np.ones((1, 2))).shape
    (array([[1.5, 5.5]]), (1, 2, 2, 2))
    """

    def _check_forward(self, x):
        return check_batch(x, ndim=4, layout="(N, C, H, W)")

    def _forward(self, x):
        self._cache = x.shape
        return x.mean(axis=(2, 3))

    def _check_backward(self, dout):
        return check_dout(dout, self._saved()[:2])

    def _backward(self, dout):
        n, c, h, w = self._saved()
        return np.broadcast_to(dout[:, :, None, None] / (h * w), (n, c, h, w)).copy()

    def __repr__(self):
        return "GlobalAvgPool2d()"


class Flatten(_Layer):
    """(N, C, H, W) -> (N, C H W), channel-major as PyTorch's `flatten(1)`.

    >>> Flatten().forward(np.zeros((2, 3, 4, 4))).shape
    (2, 48)
    """

    def _check_forward(self, x):
        return check_batch(x, min_ndim=2)

    def _forward(self, x):
        self._cache = x.shape
        return x.reshape(x.shape[0], -1)

    def _check_backward(self, dout):
        shape = self._saved()
        return check_dout(dout, (shape[0], int(np.prod(shape[1:]))))

    def _backward(self, dout):
        return dout.reshape(self._saved())

    def __repr__(self):
        return "Flatten()"


def digit_images(x):
    """The 8x8 digits as images: x (N, 64) -> (N, 1, 8, 8), one channel.

    >>> digit_images(np.zeros((3, 64))).shape
    (3, 1, 8, 8)
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != 64:
        raise ValueError(f"x must be digits of shape (N, 64); got {x.shape}")
    return x.reshape(-1, 1, 8, 8)


def _norm(norm, channels, groups):
    if norm == "batch":
        return [BatchNorm2d(channels)]
    if norm == "group":
        return [GroupNorm(channels, num_groups=groups)]
    if norm == "layer":
        return [GroupNorm(channels, num_groups=1)]  # one group: every channel and position
    return []


def small_cnn(
    rng, norm="batch", channels=(8, 16), init_scale=1.0, groups=4, head="average", image_size=8
):
    """conv 3x3 -> norm -> ReLU -> conv 3x3 stride 2 -> norm -> ReLU -> head -> Linear.

    Inputs: rng a Generator; norm one of CNN_NORMS: "none", "batch" (`BatchNorm2d`), "group"
    (`GroupNorm` with `groups` groups of channels), "layer" (group norm with one group);
    channels (C1, C2); init_scale for every layer's weights; head "average" (global average
    pooling: C2 features) or "flatten" (every position kept: C2 (S/2)^2 features, S =
    image_size). The convolutions have no bias when a norm follows (its beta does that job).
    Returns: a Sequential mapping (N, 1, S, S) images to (N, 10) logits.

    >>> model = small_cnn(np.random.default_rng(0), norm="group", head="flatten")
    >>> model.forward(np.zeros((2, 1, 8, 8))).shape, model.layers[-1].W.shape
    ((2, 10), (256, 10))
    """
    check_one_of(norm, "norm", CNN_NORMS)
    check_one_of(head, "head", CNN_HEADS)
    if len(channels) != 2:
        raise ValueError(f"channels must be a pair (C1, C2); got {channels!r}")
    c1, c2 = (check_positive_int(c, "channels") for c in channels)
    side = (check_positive_int(image_size, "image_size") - 1) // 2 + 1  # after the stride-2 conv
    bias = norm == "none"
    pooled = [GlobalAvgPool2d()] if head == "average" else [Flatten()]
    features = c2 if head == "average" else c2 * side * side
    return Sequential(
        [Conv2d(1, c1, 3, rng=rng, padding=1, init_scale=init_scale, bias=bias)]
        + _norm(norm, c1, groups)
        + [ReLU()]
        + [Conv2d(c1, c2, 3, rng=rng, stride=2, padding=1, init_scale=init_scale, bias=bias)]
        + _norm(norm, c2, groups)
        + [ReLU()]
        + pooled
        + [Linear(features, 10, rng=rng, init_scale=init_scale)]
    )
