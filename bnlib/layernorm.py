"""Layer normalization: statistics per sample over its D features (as torch.nn.LayerNorm(D)).

The arithmetic is batch normalization's applied to x.T (the kernels in `_kernels` do exactly
that); what changes is the axis. No statistic crosses samples, so training and inference
compute the same thing and a batch of one is fine.
"""

from bnlib._checks import check_batch, check_cache, check_dout, check_eps, check_param
from bnlib._kernels import (
    LayerNormCache,
    layernorm_backward_unchecked,
    layernorm_forward_unchecked,
)


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
    return layernorm_forward_unchecked(x, gamma, beta, check_eps(eps))


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
    return layernorm_backward_unchecked(check_dout(dout, cache.x_hat.shape), cache)
