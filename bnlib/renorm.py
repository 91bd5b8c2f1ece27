"""Batch Renormalization (Ioffe 2017): batch norm corrected towards the running statistics.

With s_B = sqrt(var_B + eps) from the batch and s = sqrt(running_var + eps) from the running
statistics, each feature gets
    r = clip(s_B / s, 1 / r_max, r_max),   d = clip((mu_B - running_mean) / s, -d_max, d_max),
    y = gamma * ((x - mu_B) / s_B * r + d) + beta.
Unclipped, (x - mu_B) / s_B * r + d = (x - running_mean) / s: the output a network sees in
training is the one it will see at inference. r and d are constants in backprop (the paper's
choice), so the gradient is batch norm's, scaled by r. r_max = 1, d_max = 0 is batch norm.
On a batch of one, s_B = sqrt(eps), so r is clipped to 1 / r_max; that is harmless, since r
multiplies x_hat = 0 there, and the output is gamma d + beta (inference's, while d is unclipped).
"""

from typing import NamedTuple

import numpy as np

from bnlib._checks import (
    check_affine_and_running,
    check_batch,
    check_cache,
    check_dout,
    check_eps,
    check_real,
    sum_to_shape,
)
from bnlib._kernels import normalize, normalize_backward


class RenormCache(NamedTuple):
    x_hat: np.ndarray  # (N, D) batch-normalized input, (x - mu_B) / s_B
    inv_std: np.ndarray  # (D,) 1 / s_B
    r: np.ndarray  # (D,) clipped s_B / s
    d: np.ndarray  # (D,) clipped (mu_B - running_mean) / s
    mean: np.ndarray  # (D,) batch mean mu_B
    var: np.ndarray  # (D,) biased batch variance var_B
    gamma: np.ndarray
    beta_shape: tuple


def renorm_correction(batch_mean, batch_var, running_mean, running_var, r_max, d_max, eps):
    """Batch Renorm's r and d from batch and running statistics (no input checks: the kernel
    of `batch_renorm_forward`, which checks them). All inputs broadcast together.

    r = clip(sqrt(batch_var + eps) / s, 1 / r_max, r_max), d = clip((batch_mean - running_mean)
    / s, -d_max, d_max), with s = sqrt(running_var + eps). Returns (r, d), broadcast shapes.

    >>> renorm_correction(1.0, 1.0, 0.0, 4.0, 3.0, 5.0, eps=0.0)
    (np.float64(0.5), np.float64(0.5))
    """
    s = np.sqrt(running_var + eps)
    inv_std = 1.0 / np.sqrt(batch_var + eps)  # as `normalize` computes it, bit for bit
    r = np.clip(1.0 / (inv_std * s), 1.0 / r_max, r_max)
    d = np.clip((batch_mean - running_mean) / s, -d_max, d_max)
    return r, d


def batch_renorm_forward(x, gamma, beta, running_mean, running_var, r_max, d_max, eps=1e-5):
    """Batch Renormalization's training-time forward pass for x (N, D).

    Inputs: x (N, D); gamma, beta, running_mean, running_var (D,) (running_var >= 0);
    r_max >= 1 and d_max >= 0, the clipping limits; eps > 0.
    Returns: out (N, D) and a cache (holding r, d and the batch mean and biased variance).
    A batch of one has x_hat = 0, so its output is gamma * d + beta.

    >>> x = np.array([[0.0], [2.0]])  # batch mean 1, batch std 1
    >>> out, cache = batch_renorm_forward(x, 1.0, 0.0, [0.0], [4.0], 3.0, 5.0, eps=1e-12)
    >>> cache.r, cache.d, out.ravel()
    (array([0.5]), array([0.5]), array([0., 1.]))
    """
    x = check_batch(x, ndim=2, layout="(N, D)")
    features = x.shape[1:]
    gamma, beta, running_mean, running_var = check_affine_and_running(
        gamma, beta, running_mean, running_var, features, x.dtype
    )
    r_max = check_real(r_max, "r_max", 1)
    d_max = check_real(d_max, "d_max", 0)
    eps = check_eps(eps)
    x_hat, _, var, inv_std = normalize(x, eps)
    mean = x.mean(axis=0)
    r, d = renorm_correction(mean, var, running_mean, running_var, r_max, d_max, eps)
    out = x_hat * r
    out += d
    out *= gamma
    out += beta
    return out, RenormCache(x_hat, inv_std, r, d, mean, var, gamma, np.shape(beta))


def batch_renorm_backward(dout, cache):
    """Backward pass of `batch_renorm_forward`, with r and d held constant.

    Inputs: dout (N, D); cache from the forward pass.
    Returns: dx (N, D), dgamma shaped like gamma, dbeta shaped like beta.

    >>> x = np.array([[0.0], [2.0], [7.0]])
    >>> _, cache = batch_renorm_forward(x, 2.0, 0.0, [0.0], [1.0], 3.0, 5.0)
    >>> dx, dgamma, dbeta = batch_renorm_backward(np.ones((3, 1)), cache)
    >>> bool(np.allclose(dx, 0.0)), dbeta.tolist()
    (True, 3.0)
    """
    cache = check_cache(cache, RenormCache, "batch_renorm_forward")
    dout = check_dout(dout, cache.x_hat.shape)
    dbeta = sum_to_shape(dout.sum(axis=0), cache.beta_shape)
    dgamma = np.sum(dout * (cache.x_hat * cache.r + cache.d), axis=0)
    dx = normalize_backward(dout * (cache.gamma * cache.r), cache.x_hat, cache.inv_std)
    return dx, sum_to_shape(dgamma, np.shape(cache.gamma)), dbeta


def renorm_limits(step, r_max, d_max, warmup, ramp):
    """The (r_max, d_max) in force at training step `step` (counting from 1).

    Batch norm (1, 0) for the first `warmup` steps, while the running statistics settle; then
    both limits grow linearly to (r_max, d_max) over `ramp` steps, as Ioffe 2017 relaxes them.

    >>> [renorm_limits(t, 3.0, 5.0, warmup=10, ramp=20) for t in (5, 20, 40)]
    [(1.0, 0.0), (2.0, 2.5), (3.0, 5.0)]
    """
    r_max, d_max = check_real(r_max, "r_max", 1), check_real(d_max, "d_max", 0)
    frac = float(np.clip((step - warmup) / max(ramp, 1), 0.0, 1.0))
    return 1.0 + (r_max - 1.0) * frac, d_max * frac
