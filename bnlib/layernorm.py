"""Layer normalization: statistics per sample over its D features (as torch.nn.LayerNorm(D)).

The arithmetic is batch normalization's applied to x.T, so it reuses `normalize`; what changes
is the axis. No statistic crosses samples, so training and inference compute the same thing and
a batch of one is fine.
"""

from typing import NamedTuple

import numpy as np

from bnlib._checks import check_batch, check_cache, check_dout, check_eps, check_param, sum_to_shape
from bnlib.batchnorm import normalize, normalize_backward


class LayerNormCache(NamedTuple):
    x_hat: np.ndarray  # (N, D)
    inv_std: np.ndarray  # (N,)
    gamma: np.ndarray  # (D,)
    beta_shape: tuple


def layernorm_forward(x, gamma, beta, eps=1e-5):
    """Normalize each sample over its features, then scale and shift per feature.

    Inputs: x (N, D); gamma, beta (D,); eps > 0.
    Returns: out (N, D) and a cache for `layernorm_backward`.

    >>> out, _ = layernorm_forward([[1.0, 2.0, 3.0]], np.ones(3), np.zeros(3))
    >>> np.round(out, 4)
    array([[-1.2247,  0.    ,  1.2247]])
    """
    x = check_batch(x, ndim=2, layout="(N, D)")
    features = x.shape[1:]
    gamma = check_param(gamma, "gamma", features, x.dtype)
    beta = check_param(beta, "beta", features, x.dtype)
    return ln_forward(x, gamma, beta, check_eps(eps))


def ln_forward(x, gamma, beta, eps):
    """`layernorm_forward` on arguments that were checked already (the layers' path)."""
    gamma, beta = np.asarray(gamma, dtype=x.dtype), np.asarray(beta, dtype=x.dtype)
    x_hat_t, _, _, inv_std = normalize(x.T, eps)
    x_hat = x_hat_t.T
    return gamma * x_hat + beta, LayerNormCache(x_hat, inv_std, gamma, np.shape(beta))


def layernorm_backward(dout, cache):
    """Backward pass of `layernorm_forward`.

    Inputs: dout (N, D); cache from the forward pass.
    Returns: dx (N, D), dgamma (D,), dbeta (D,).

    >>> _, cache = layernorm_forward([[1.0, 2.0, 4.0]], np.ones(3), np.zeros(3))
    >>> dx, dgamma, dbeta = layernorm_backward(np.ones((1, 3)), cache)
    >>> bool(np.allclose(dx, 0.0)), dbeta.tolist()
    (True, [1.0, 1.0, 1.0])
    """
    cache = check_cache(cache, LayerNormCache, "layernorm_forward")
    return ln_backward(check_dout(dout, cache.x_hat.shape), cache)


def ln_backward(dout, cache):
    """`layernorm_backward` on a dout and cache that were checked already (the layers' path)."""
    dgamma = sum_to_shape(np.sum(dout * cache.x_hat, axis=0), np.shape(cache.gamma))
    dbeta = sum_to_shape(dout.sum(axis=0), cache.beta_shape)
    dx_t = normalize_backward((dout * cache.gamma).T, cache.x_hat.T, cache.inv_std)
    return dx_t.T, dgamma, dbeta
