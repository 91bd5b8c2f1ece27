"""Batch normalization for images (N, C, H, W): one mean and variance per channel over (N, H, W).

A convolution applies the same filter at every position, so every position of a channel is
treated as one more sample of that channel's feature: the effective batch is N * H * W.
"""

from typing import NamedTuple

from ._checks import check_batch, check_cache, check_dout, check_eps, check_param
from .batchnorm import batchnorm_backward, batchnorm_forward


class SpatialCache(NamedTuple):
    """The flat batchnorm cache plus the image shape to restore."""

    flat: object
    shape: tuple


def _to_rows(x):
    """(N, C, H, W) -> (N*H*W, C): each row is one position of one image."""
    n, c, h, w = x.shape
    return x.transpose(0, 2, 3, 1).reshape(n * h * w, c)


def _from_rows(rows, shape):
    n, c, h, w = shape
    return rows.reshape(n, h, w, c).transpose(0, 3, 1, 2)


def spatial_batchnorm_forward(x, gamma, beta, eps=1e-5):
    """Per-channel batch normalization of images.

    Inputs: x (N, C, H, W); gamma, beta (C,); eps > 0.
    Returns: out (N, C, H, W) and a cache for `spatial_batchnorm_backward`.

    >>> x = np.arange(16.0).reshape(2, 2, 2, 2)
    >>> out, _ = spatial_batchnorm_forward(x, np.ones(2), np.zeros(2))
    >>> np.round(out.mean(axis=(0, 2, 3)), 6) + 0.0, np.round(out.var(axis=(0, 2, 3)), 4)
    (array([0., 0.]), array([1., 1.]))
    """
    x = check_batch(x, ndim=4, layout="(N, C, H, W)")
    channels = x.shape[1:2]
    gamma = check_param(gamma, "gamma", channels, x.dtype)
    beta = check_param(beta, "beta", channels, x.dtype)
    eps = check_eps(eps)
    out, flat = batchnorm_forward(_to_rows(x), gamma, beta, eps)
    return _from_rows(out, x.shape), SpatialCache(flat, x.shape)


def spatial_batchnorm_backward(dout, cache):
    """Backward pass of `spatial_batchnorm_forward`.

    Inputs: dout (N, C, H, W); cache from the forward pass.
    Returns: dx (N, C, H, W), dgamma (C,), dbeta (C,).

    >>> x = np.random.default_rng(0).normal(size=(2, 3, 2, 2))
    >>> _, cache = spatial_batchnorm_forward(x, np.ones(3), np.zeros(3))
    >>> dx, dgamma, dbeta = spatial_batchnorm_backward(np.ones_like(x), cache)
    >>> dx.shape, dgamma.shape, dbeta.tolist()
    ((2, 3, 2, 2), (3,), [8.0, 8.0, 8.0])
    """
    cache = check_cache(cache, SpatialCache, "spatial_batchnorm_forward")
    dout = check_dout(dout, cache.shape)
    dx, dgamma, dbeta = batchnorm_backward(_to_rows(dout), cache.flat)
    return _from_rows(dx, cache.shape), dgamma, dbeta
