"""Batch normalization for images (N, C, H, W): one mean and variance per channel over (N, H, W).

A convolution applies the same filter at every position, so every position of a channel is
treated as one more sample of that channel's feature: the effective batch is N * H * W.
"""

from typing import NamedTuple

import numpy as np

from bnlib._checks import (
    check_batch,
    check_cache,
    check_dout,
    check_eps,
    check_param,
    sum_to_shape,
    warn_if_batch_of_one,
)
from bnlib._kernels import column, normalize3, normalize3_backward


class SpatialCache(NamedTuple):
    """What `spatial_batchnorm_backward` needs; arrays on the (N, C, H*W) view."""

    x_hat: np.ndarray  # (N, C, H*W)
    var: np.ndarray  # (C,) biased, over N * H * W values each
    inv_std: np.ndarray  # (1, C, 1)
    gamma: np.ndarray  # (C,) or broadcastable to it
    beta_shape: tuple
    shape: tuple  # (N, C, H, W)


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
    n, c, h, w = x.shape
    gamma = check_param(gamma, "gamma", (c,), x.dtype)
    beta = check_param(beta, "beta", (c,), x.dtype)
    eps = check_eps(eps)
    warn_if_batch_of_one(n * h * w)
    # View (not copy) as (N, C, H*W): the kernel reduces over axes 0 and 2, i.e. N, H and W.
    x_hat, _, var, inv_std = normalize3(x.reshape(n, c, h * w), eps)
    out = x_hat * column(gamma, (c,))
    out += column(beta, (c,))
    return out.reshape(x.shape), SpatialCache(x_hat, var, inv_std, gamma, np.shape(beta), x.shape)


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
    c = cache.shape[1]
    dx, dgamma, dbeta = normalize3_backward(
        dout.reshape(cache.x_hat.shape), cache.x_hat, cache.inv_std, column(cache.gamma, (c,))
    )
    return (
        dx.reshape(cache.shape),
        sum_to_shape(dgamma, np.shape(cache.gamma)),
        sum_to_shape(dbeta, cache.beta_shape),
    )
