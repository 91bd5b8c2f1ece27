"""A 2-D convolution written to be read, and folding batch norm into it.

`conv2d_forward` is cross-correlation with zero padding, as PyTorch's `conv2d` computes it:

    out[n, f, i, j] = b[f] + sum over c, p, q of  w[f, c, p, q] * x_pad[n, c, s*i + p, s*j + q]

The loop it replaces (N, F, H', W', C, KH, KW nested) is one `tensordot` over a strided view of
the padded input that holds every KH x KW window (no copy until the product needs one).
"""

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

    x_pad: np.ndarray  # (N, C, H + 2 padding, W + 2 padding)
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
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = _windows(x_pad, w.shape, stride)  # (N, C, H', W', KH, KW), a view
    # Sum over c, p, q: (N, C, H', W', KH, KW) . (F, C, KH, KW) -> (N, H', W', F).
    out = np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2)
    if b is not None:
        out = out + b[:, None, None]
    return np.ascontiguousarray(out), ConvCache(x_pad, w, b is not None, stride, padding)


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
    x_pad, w, s, pad = cache.x_pad, cache.w, cache.stride, cache.padding
    kh, kw = w.shape[2:]
    h_out = (x_pad.shape[2] - kh) // s + 1
    w_out = (x_pad.shape[3] - kw) // s + 1
    dout = check_dout(dout, (x_pad.shape[0], w.shape[0], h_out, w_out))
    db = dout.sum(axis=(0, 2, 3)) if cache.has_bias else None
    # dw[f, c, p, q] = sum over n, i, j of dout[n, f, i, j] * window[n, c, i, j, p, q].
    dw = np.tensordot(dout, _windows(x_pad, w.shape, s), axes=([0, 2, 3], [0, 2, 3]))
    # The gradient of every window entry, (N, C, KH, KW, H', W'): one product over f ...
    dwindows = np.tensordot(w, dout, axes=([0], [1])).transpose(3, 0, 1, 2, 4, 5)
    # ... then each kernel offset (p, q) adds its share back to the pixels it read.
    dx_pad = np.zeros_like(x_pad)
    for p in range(kh):
        for q in range(kw):
            rows = slice(p, p + s * (h_out - 1) + 1, s)
            cols = slice(q, q + s * (w_out - 1) + 1, s)
            dx_pad[:, :, rows, cols] += dwindows[:, :, p, q]
    dx = dx_pad[:, :, pad : x_pad.shape[2] - pad, pad : x_pad.shape[3] - pad]
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


def _windows(x_pad, w_shape, stride):
    """Every KH x KW window of x_pad, strided: a view of shape (N, C, H', W', KH, KW)."""
    view = sliding_window_view(x_pad, w_shape[2:], axis=(2, 3))
    return view[:, :, ::stride, ::stride]


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
