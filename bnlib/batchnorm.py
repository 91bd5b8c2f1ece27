"""Batch normalization as in Ioffe & Szegedy (2015): forward, backward twice, inference.

Statistics are taken over axis 0 (the batch) only, so `x` of shape (N, *F) gets one mean and
one variance per entry of F: per feature for (N, D), per timestep and feature for (N, T, D).
The variance that normalizes is the biased one (divide by N), as in the paper and PyTorch.
The layers run the same arithmetic through the private, faster kernels of `_kernels.py`.

The running update that inference's statistics come from, in PyTorch's convention:
    running_mean = (1 - momentum) * running_mean + momentum * batch_mean
    running_var  = (1 - momentum) * running_var  + momentum * batch_var * N / (N - 1)
(momentum = the weight on the new batch, 0.1). It is `update_running_stats`, imported below
from `running.py`, where it sits beside Keras' and CS231n's conventions, which share its one
blend.
"""

from typing import NamedTuple

import numpy as np

from bnlib._checks import (
    check_affine_and_running,
    check_batch,
    check_cache,
    check_dout,
    check_eps,
    check_param,
    check_variance,
    sum_to_shape,
    warn_if_batch_of_one,
)
from bnlib.running import update_running_stats  # noqa: F401 (the running update)


class BatchNormCache(NamedTuple):
    """What the backward passes need from the forward pass."""

    x_hat: np.ndarray  # (N, *F) normalized input
    x_centered: np.ndarray  # (N, *F) x - mu
    var: np.ndarray  # (*F,) biased batch variance
    inv_std: np.ndarray  # (*F,) 1 / sqrt(var + eps)
    gamma: np.ndarray  # broadcasts to F
    beta_shape: tuple
    eps: float


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    """Batch-normalize `x` with batch statistics, then scale by gamma and shift by beta.

    Inputs: x (N, *F); gamma, beta broadcastable to F; eps > 0 added to the variance.
    Returns: out (N, *F) = gamma * (x - mu_B) / sqrt(var_B + eps) + beta, and a cache.

    >>> out, _ = batchnorm_forward([[1.0], [2.0], [3.0], [4.0]], 1.0, 0.0, eps=1e-5)
    >>> np.round(out.ravel(), 4)
    array([-1.3416, -0.4472,  0.4472,  1.3416])
    """
    x = check_batch(x)
    gamma = check_param(gamma, "gamma", x.shape[1:], x.dtype)
    beta = check_param(beta, "beta", x.shape[1:], x.dtype)
    eps = check_eps(eps)
    warn_if_batch_of_one(len(x))  # the output would be just beta
    mu = x.mean(axis=0)  # (*F,) batch mean
    xc = x - mu  # (N, *F)
    with np.errstate(over="ignore", invalid="ignore"):
        var = (xc * xc).mean(axis=0)  # (*F,) biased batch variance
    check_variance(var, x)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = xc * inv_std  # (N, *F) zero mean, unit variance per feature
    out = gamma * x_hat + beta
    return out, BatchNormCache(x_hat, xc, var, inv_std, gamma, np.shape(beta), eps)


def batchnorm_backward_staged(dout, cache):
    """Backward pass of `batchnorm_forward`, one node of the computational graph at a time.

    Inputs: dout (N, *F) upstream gradient; cache from `batchnorm_forward`.
    Returns: dx (N, *F), dgamma shaped like gamma, dbeta shaped like beta; each line is one
    chain-rule step back through mu, xc = x - mu, var, std = sqrt(var + eps), x_hat = xc / std.

    >>> out, cache = batchnorm_forward([[1.0], [2.0], [4.0]], 2.0, 0.5)
    >>> staged = batchnorm_backward_staged([[1.0], [0.0], [-2.0]], cache)
    >>> fused = batchnorm_backward([[1.0], [0.0], [-2.0]], cache)
    >>> all(np.allclose(s, f) for s, f in zip(staged, fused))
    True
    """
    cache = check_cache(cache, BatchNormCache, "batchnorm_forward")
    dout = check_dout(dout, cache.x_hat.shape)
    n = dout.shape[0]
    x_hat, xc, inv_std = cache.x_hat, cache.x_centered, cache.inv_std
    dbeta = sum_to_shape(dout.sum(axis=0), cache.beta_shape)  # y = gamma * x_hat + beta
    dgamma = sum_to_shape(np.sum(dout * x_hat, axis=0), np.shape(cache.gamma))
    dx_hat = dout * cache.gamma
    dinv_std = np.sum(dx_hat * xc, axis=0)  # x_hat = xc * inv_std
    dxc = dx_hat * inv_std
    dstd = -dinv_std * inv_std**2  # inv_std = 1 / std
    dvar = dstd * 0.5 * inv_std  # std = sqrt(var + eps)
    dxc = dxc + dvar * 2.0 * xc / n  # var = mean(xc ** 2)
    dmu = -dxc.sum(axis=0)  # xc = x - mu
    dx = dxc + dmu / n  # mu = mean(x)
    return dx, dgamma, dbeta


def batchnorm_backward(dout, cache):
    """Closed-form backward pass of `batchnorm_forward`: the staged one, simplified by hand.

    Inputs: dout (N, *F) upstream gradient; cache from `batchnorm_forward`.
    Returns: dx (N, *F), dgamma shaped like gamma, dbeta shaped like beta, where (sums over
    the batch) dbeta = sum(dout), dgamma = sum(dout * x_hat) and
    dx = (gamma * inv_std / N) * (N * dout - dbeta - x_hat * dgamma).

    >>> out, cache = batchnorm_forward([[1.0], [2.0], [4.0]], 2.0, 0.0)
    >>> dx, dgamma, dbeta = batchnorm_backward(np.ones((3, 1)), cache)
    >>> bool(np.allclose(dx, 0.0)), float(dbeta)
    (True, 3.0)
    """
    cache = check_cache(cache, BatchNormCache, "batchnorm_forward")
    dout = check_dout(dout, cache.x_hat.shape)
    n, x_hat = dout.shape[0], cache.x_hat
    dbeta = dout.sum(axis=0)  # (*F,) before summing down to beta's shape
    dgamma = np.sum(dout * x_hat, axis=0)
    scale = cache.gamma * cache.inv_std / n  # gamma is per feature: it factors out of the sums
    dx = dout * (n * scale) - x_hat * (scale * dgamma) - scale * dbeta
    gamma_shape = np.shape(cache.gamma)
    return dx, sum_to_shape(dgamma, gamma_shape), sum_to_shape(dbeta, cache.beta_shape)


def batchnorm_inference(x, gamma, beta, running_mean, running_var, eps=1e-5):
    """Normalize with fixed (running/population) statistics: a per-feature affine map.

    Inputs: x (N, *F); gamma, beta, running_mean, running_var broadcastable to F.
    Returns: out (N, *F) = gamma * (x - running_mean) / sqrt(running_var + eps) + beta.
    Each sample's output depends on that sample alone, never on its batch mates.

    >>> batchnorm_inference([[3.0], [5.0]], 1.0, 0.0, [1.0], [4.0], eps=1e-12)
    array([[1.],
           [2.]])
    """
    x = check_batch(x)
    gamma, beta, running_mean, running_var = check_affine_and_running(
        gamma, beta, running_mean, running_var, x.shape[1:], x.dtype
    )
    x_hat = (x - running_mean) * (1.0 / np.sqrt(running_var + check_eps(eps)))
    return gamma * x_hat + beta
