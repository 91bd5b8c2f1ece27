"""A 2-D convolution written to be read, and folding batch norm into it.

`conv2d_forward` is cross-correlation with zero padding, as PyTorch's `conv2d` computes it:

    out[n, f, i, j] = b[f] + sum over c, p, q of  w[f, c, p, q] * x_pad[n, c, s*i + p, s*j + q]

The loop it replaces (N, F, H', W', C, KH, KW nested) is "im2col" and one matrix product: every
KH x KW window of the padded input is copied into one row, (N H' W', C KH KW), and the rows meet
the filters (F, C KH KW) in a single matmul. Which pixel each window entry reads depends only on
the shapes, so it is worked out once per geometry (`_window_index`, from numpy's
`sliding_window_view`) and the copy is one `np.take`. The backward pass runs the same index the
other way: `np.bincount` adds every window entry's gradient back to the pixel it read.
"""

from functools import lru_cache
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from bnlib._checks import (
    as_float_array,
    check_affine_and_running,
    check_batch,
    check_cache,
    check_dout,
    check_eps,
    check_finite,
    check_positive_int,
)


class ConvCache(NamedTuple):
    """What `conv2d_backward` needs."""

    cols: np.ndarray  # (N H' W', C KH KW): every window of the padded input, one row each
    x_shape: tuple  # (N, C, H, W)
    w: np.ndarray  # (F, C, KH, KW)
    has_bias: bool
    stride: int
    padding: int


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    """Cross-correlate a batch of images with F filters (PyTorch's `conv2d`).

    Inputs: x (N, C, H, W); w (F, C, KH, KW); b (F,) or None; stride >= 1; padding >= 0
    (zeros on every side). Returns: out (N, F, H', W') with
    H' = (H + 2 padding - KH) // stride + 1 (W' alike), and a cache for `conv2d_backward`.

    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> out, _ = conv2d_forward(x, np.ones((1, 1, 2, 2)), stride=2)
    >>> out[0, 0]
    array([[10., 18.],
           [42., 50.]])
    """
    x = check_batch(x, ndim=4, layout="(N, C, H, W)")
    w = _check_weight(w, x.shape[1])
    b = _check_bias(b, w.shape[0])
    stride, padding = _check_geometry(x.shape, w.shape, stride, padding)
    n, _, h, w_in = x.shape
    f, c, kh, kw = w.shape
    h_out, w_out = (h + 2 * padding - kh) // stride + 1, (w_in + 2 * padding - kw) // stride + 1
    x_pad = _padded(x, padding)
    cols = _im2col(x_pad, kh, kw, stride)  # (N H' W', C KH KW)
    # Sum over c, p, q: one row of cols times one filter, for every position and filter.
    out = (cols @ w.reshape(f, c * kh * kw).T).reshape(n, h_out, w_out, f).transpose(0, 3, 1, 2)
    if b is not None:
        out = out + b[:, None, None]
    cache = ConvCache(cols, x.shape, w, b is not None, stride, padding)
    return np.ascontiguousarray(out), cache


def conv2d_backward(dout, cache):
    """Gradients of sum(out * dout) for `conv2d_forward`.

    Inputs: dout (N, F, H', W'); cache from the forward pass.
    Returns: dx (N, C, H, W), dw (F, C, KH, KW), db (F,) (None when the forward had no b).

    >>> x = np.ones((1, 1, 3, 3))
    >>> out, cache = conv2d_forward(x, np.ones((1, 1, 2, 2)), b=np.zeros(1))
    >>> dx, dw, db = conv2d_backward(np.ones_like(out), cache)
    >>> dx[0, 0], dw[0, 0], db
    (array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]]), array([[4., 4.],
           [4., 4.]]), array([4.]))
    """
    cache = check_cache(cache, ConvCache, "conv2d_forward")
    w, s, pad = cache.w, cache.stride, cache.padding
    n, c, h, w_in = cache.x_shape
    f, _, kh, kw = w.shape
    h_out, w_out = (h + 2 * pad - kh) // s + 1, (w_in + 2 * pad - kw) // s + 1
    dout = check_dout(dout, (n, f, h_out, w_out))
    db = dout.sum(axis=(0, 2, 3)) if cache.has_bias else None
    per_filter = dout.transpose(1, 0, 2, 3).reshape(f, n * h_out * w_out)  # (F, N H' W')
    # dw[f, c, p, q] = sum over n, i, j of dout[n, f, i, j] * window[n, c, i, j, p, q].
    dw = (per_filter @ cache.cols).reshape(w.shape)
    # The gradient of every window entry, one product over f, laid out (C, KH, KW, N, H', W') ...
    dwindows = w.reshape(f, c * kh * kw).T @ per_filter
    # ... then each entry's gradient is added to the pixel it read: for every (p, q) in turn,
    # dx_pad[n, c, s*i + p, s*j + q] += dwindows[c, p, q, n, i, j].
    hp, wp = h + 2 * pad, w_in + 2 * pad
    pixel = _gradient_index(n, c, hp, wp, kh, kw, s)
    dx_pad = np.bincount(pixel, weights=dwindows.ravel(), minlength=n * c * hp * wp)
    dx = dx_pad.reshape(n, c, hp, wp)[:, :, pad : pad + h, pad : pad + w_in]
    return np.ascontiguousarray(dx), dw, db


def fold_conv_batchnorm(w, b, gamma, beta, running_mean, running_var, eps=1e-5):
    """The one convolution equal to `conv2d(x, w, b)` followed by eval-mode batch norm.

    Eval-mode BN is a fixed affine map per output channel f: y = s_f (z - mean_f) + beta_f with
    s_f = gamma_f / sqrt(var_f + eps); so filter f is scaled by s_f and its bias moved.

    Inputs: w (F, C, KH, KW); b (F,) or None; gamma, beta, running_mean, running_var (F,),
    running_var >= 0; eps > 0. Returns: (w_folded (F, C, KH, KW), b_folded (F,)).

    >>> w, gamma, beta, mean, var = np.ones((1, 1, 1, 1)), [2.0], [1.0], [3.0], [4.0]
    >>> w_f, b_f = fold_conv_batchnorm(w, None, gamma, beta, mean, var, eps=1e-12)
    >>> w_f.ravel(), b_f
    (array([1.]), array([-2.]))
    """
    w = _check_weight(w)
    channels = (w.shape[0],)
    b = np.zeros(channels, dtype=w.dtype) if b is None else _check_bias(b, w.shape[0])
    gamma, beta, running_mean, running_var = check_affine_and_running(
        gamma, beta, running_mean, running_var, channels, w.dtype
    )
    scale = gamma / np.sqrt(running_var + check_eps(eps))  # (F,): one factor per filter
    b_folded = (b - running_mean) * scale + beta
    return w * scale[:, None, None, None], np.broadcast_to(b_folded, channels).copy()


def _padded(x, padding):
    """x (N, C, H, W) with `padding` zeros on every side (np.pad's result, without its overhead)."""
    if padding == 0:
        return x
    n, c, h, w = x.shape
    x_pad = np.zeros((n, c, h + 2 * padding, w + 2 * padding), dtype=x.dtype)
    x_pad[:, :, padding : padding + h, padding : padding + w] = x
    return x_pad


def _im2col(x_pad, kh, kw, stride):
    """Every KH x KW window of x_pad (N, C, H, W) at the given stride, one row per output position:
    (N H' W', C KH KW), rows in (n, i, j) order and columns in (c, p, q) order."""
    n, c, h, w = x_pad.shape
    index = _window_index(c, h, w, kh, kw, stride)  # (H' W', C KH KW)
    return np.take(x_pad.reshape(n, c * h * w), index, axis=1).reshape(-1, index.shape[1])


@lru_cache(maxsize=64)
def _window_index(c, h, w, kh, kw, stride):
    """Which pixel of one flattened (C, H, W) image each window entry reads: (H' W', C KH KW),
    entry [i W' + j, (c KH + p) KW + q] = (c H + stride i + p) W + stride j + q. Read-only."""
    pixels = np.arange(c * h * w).reshape(c, h, w)
    windows = sliding_window_view(pixels, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]
    h_out, w_out = windows.shape[1:3]  # windows: (C, H', W', KH, KW)
    index = windows.transpose(1, 2, 0, 3, 4).reshape(h_out * w_out, c * kh * kw)
    index.flags.writeable = False
    return index


@lru_cache(maxsize=16)
def _gradient_index(n, c, h, w, kh, kw, stride):
    """The flat pixel of the padded batch (N, C, H, W) that each window entry read, in the order
    (C, KH, KW, N, H', W') of `conv2d_backward`'s window gradients, as one read-only vector."""
    index = _window_index(c, h, w, kh, kw, stride)  # (H' W', C KH KW), one image
    per_image = index.T.reshape(c, kh * kw, 1, -1)  # (C, KH KW, 1, H' W')
    offsets = (np.arange(n) * (c * h * w))[:, None]  # (N, 1): where each image starts
    pixel = (per_image + offsets).ravel()
    pixel.flags.writeable = False
    return pixel


def _check_weight(w, channels=None):
    w = as_float_array(w, "w")
    if w.ndim != 4:
        raise ValueError(f"w must be 4-D with shape (F, C, KH, KW); got shape {w.shape}")
    if channels is not None and w.shape[1] != channels:
        raise ValueError(
            f"w must have x's {channels} input channels on axis 1, shape (F, {channels}, KH, KW); "
            f"got shape {w.shape}"
        )
    if 0 in w.shape:
        raise ValueError(f"w must have no empty axis; got shape {w.shape}")
    check_finite(w, "w")
    return w


def _check_bias(b, filters):
    if b is None:
        return None
    b = as_float_array(b, "b")
    if b.shape != (filters,):
        raise ValueError(f"b must have shape (F,) = ({filters},), one per filter; got {b.shape}")
    check_finite(b, "b")
    return b


def _check_geometry(x_shape, w_shape, stride, padding):
    stride = check_positive_int(stride, "stride")
    padding = check_positive_int(padding, "padding", low=0)
    h, w = x_shape[2] + 2 * padding, x_shape[3] + 2 * padding
    if w_shape[2] > h or w_shape[3] > w:
        raise ValueError(
            f"the kernel {w_shape[2]}x{w_shape[3]} is larger than the padded input {h}x{w} "
            f"(x is {x_shape[2]}x{x_shape[3]}, padding {padding})"
        )
    return stride, padding
