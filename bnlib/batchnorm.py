"""Batch normalization as pure functions: forward, two backward passes, and inference.

Statistics are taken over axis 0 (the batch) only, so `x` of shape (N, *F) gets one mean and
one variance per entry of F: per feature for (N, D), per timestep and feature for (N, T, D).
The variance used for normalizing is the biased one (divide by N), as in the paper and PyTorch.
"""

import warnings
from typing import NamedTuple

import numpy as np

from bnlib._checks import (
    VarianceOverflowError,
    check_affine_and_running,
    check_batch,
    check_cache,
    check_dout,
    check_eps,
    check_param,
    sum_to_shape,
)


class BatchNormCache(NamedTuple):
    """What the backward passes need from the forward pass."""

    x_hat: np.ndarray  # (N, *F) normalized input
    x_centered: np.ndarray  # (N, *F) x - mu
    var: np.ndarray  # (*F,) biased batch variance
    inv_std: np.ndarray  # (*F,) 1 / sqrt(var + eps)
    gamma: np.ndarray  # broadcasts to F
    beta_shape: tuple
    eps: float


def normalize3(x, eps):
    """The normalizing kernel on a 3-D view (A, F, B): statistics per F over axes 0 and 2.

    Flat batches (N, *F) are viewed as (N, F, 1), images (N, C, H, W) as (N, C, H*W), so one
    kernel serves both without copying. Returns x_hat, x_centered (A, F, B), var (F,) and
    inv_std (1, F, 1). Two passes (mean, then mean of squared deviations) keep the variance
    accurate when the mean is large; E[x^2] - E[x]^2 would cancel catastrophically. On large
    batches the time is memory traffic, so sums of products use einsum (no product array).
    """
    m = x.shape[0] * x.shape[2]
    xc = x - x.mean(axis=(0, 2), keepdims=True)
    var = np.einsum("afb,afb->f", xc, xc) / m
    inv_std = (1.0 / np.sqrt(var + eps))[None, :, None]
    return xc * inv_std, xc, var, inv_std


def normalize3_backward(dout, x_hat, inv_std, gamma):
    """Fused backward of y = gamma * x_hat + beta through `normalize3`, on (A, F, B) views.

    gamma and inv_std are (1, F, 1). Returns dx (A, F, B), dgamma (F,), dbeta (F,). With
    m = A * B samples per feature and g = dout * gamma,
    dx = (inv_std / m) * (m * g - sum(g) - x_hat * sum(g * x_hat)); gamma is per feature, so it
    factors out of both sums, which are dbeta and dgamma.
    """
    m = dout.shape[0] * dout.shape[2]
    dbeta = dout.sum(axis=(0, 2))
    dgamma = np.einsum("afb,afb->f", dout, x_hat)
    scale = gamma * inv_std / m  # (1, F, 1)
    dx = x_hat * (scale * -dgamma[:, None])
    dx += dout * (m * scale)
    dx -= scale * dbeta[:, None]
    return dx, dgamma, dbeta


def _view3(a):
    """(N, *F) -> (N, F, 1) without copying."""
    return a.reshape(a.shape[0], -1, 1)


def _column(p, features):
    """A parameter broadcastable to `features`, as a (1, F, 1) column for the 3-D views."""
    return np.broadcast_to(p, features).reshape(1, -1, 1)


def warn_if_one_sample(m):
    """Warn when every statistic comes from a single value (output = beta)."""
    if m == 1:
        warnings.warn(
            "batch of one sample: every batch variance is 0 and x - mean is 0, "
            "so the output is just beta (it carries no information about x)",
            RuntimeWarning,
            stacklevel=3,
        )


def normalize(x, eps):
    """Normalize (N, *F) over axis 0 with no checks: returns (x_hat, x_centered, var, inv_std),
    the last two of shape F.

    >>> x_hat, _, var, _ = normalize(np.array([[1.0], [3.0]]), eps=1e-12)
    >>> x_hat.ravel(), var
    (array([-1.,  1.]), array([1.]))
    """
    x_hat, xc, var, inv_std = normalize3(_view3(x), eps)
    return (
        x_hat.reshape(x.shape),
        xc.reshape(x.shape),
        var.reshape(x.shape[1:]),
        inv_std.reshape(x.shape[1:]),
    )


def normalize_backward(dx_hat, x_hat, inv_std):
    """Gradient through `normalize` (statistics over axis 0) of an upstream dx_hat."""
    dx, _, _ = normalize3_backward(_view3(dx_hat), _view3(x_hat), inv_std.reshape(1, -1, 1), 1.0)
    return dx.reshape(dx_hat.shape)


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    """Batch-normalize `x` with batch statistics, then scale by gamma and shift by beta.

    Inputs: x (N, *F); gamma, beta broadcastable to F; eps > 0 added to the variance.
    Returns: out (N, *F) = gamma * (x - mu_B) / sqrt(var_B + eps) + beta, and a cache.

    >>> out, _ = batchnorm_forward([[1.0], [2.0], [3.0], [4.0]], 1.0, 0.0, eps=1e-5)
    >>> np.round(out.ravel(), 4)
    array([-1.3416, -0.4472,  0.4472,  1.3416])
    """
    x = check_batch(x)
    features = x.shape[1:]
    gamma = check_param(gamma, "gamma", features, x.dtype)
    beta = check_param(beta, "beta", features, x.dtype)
    eps = check_eps(eps)
    warn_if_one_sample(x.shape[0])
    return train_forward(x, gamma, beta, eps)


def train_forward(x, gamma, beta, eps):
    """`batchnorm_forward` on arguments that were checked already (the layers' path).

    x is a float array (N, *F) a layer has validated once; gamma and beta broadcast to F;
    eps > 0. The same arithmetic, in the same order, as `batchnorm_forward`, without the scans
    for NaN that a training loop would otherwise repeat at every layer of every step. A batch
    whose variance overflows still raises `VarianceOverflowError`: that is a result (a network
    diverging), not a check.
    """
    gamma, beta = np.asarray(gamma, dtype=x.dtype), np.asarray(beta, dtype=x.dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        x_hat, xc, var, inv_std = normalize(x, eps)
    if not np.isfinite(var).all():
        raise VarianceOverflowError(
            f"x is too large to normalize in {x.dtype}: its batch variance overflows (largest "
            f"|x| = {np.abs(x).max():.3g}); wanted |x - batch mean| well below "
            f"sqrt({np.finfo(x.dtype).max:.3g}) = {np.sqrt(np.finfo(x.dtype).max):.3g}: rescale x"
        )
    out = x_hat * gamma
    out += beta
    return out, BatchNormCache(x_hat, xc, var, inv_std, gamma, np.shape(beta), eps)


def batchnorm_backward(dout, cache):
    """Fused closed-form backward pass of `batchnorm_forward`.

    Inputs: dout (N, *F) upstream gradient; cache from `batchnorm_forward`.
    Returns: dx (N, *F), dgamma shaped like gamma, dbeta shaped like beta.

    dx = (1/N) * inv_std * (N*g - sum(g) - x_hat * sum(g * x_hat)), with g = dout * gamma.

    >>> out, cache = batchnorm_forward([[1.0], [2.0], [4.0]], 2.0, 0.0)
    >>> dx, dgamma, dbeta = batchnorm_backward(np.ones((3, 1)), cache)
    >>> bool(np.allclose(dx, 0.0)), float(dbeta)
    (True, 3.0)
    """
    cache = check_cache(cache, BatchNormCache, "batchnorm_forward")
    return train_backward(check_dout(dout, cache.x_hat.shape), cache)


def train_backward(dout, cache):
    """`batchnorm_backward` on a dout and cache that were checked already (the layers' path)."""
    features = dout.shape[1:]
    dx, dgamma, dbeta = normalize3_backward(
        _view3(dout),
        _view3(cache.x_hat),
        cache.inv_std.reshape(1, -1, 1),
        _column(cache.gamma, features),
    )
    return (
        dx.reshape(dout.shape),
        sum_to_shape(dgamma.reshape(features), np.shape(cache.gamma)),
        sum_to_shape(dbeta.reshape(features), cache.beta_shape),
    )


def batchnorm_backward_staged(dout, cache):
    """Backward pass of `batchnorm_forward`, one node of the computational graph at a time.

    Same inputs and outputs as `batchnorm_backward`; slower, but each line is one chain-rule step:
    mu = mean(x); xc = x - mu; var = mean(xc**2); std = sqrt(var + eps); x_hat = xc / std.

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


def batchnorm_inference(x, gamma, beta, running_mean, running_var, eps=1e-5):
    """Normalize with fixed (running/population) statistics: a per-feature affine map.

    Inputs: x (N, *F); gamma, beta, running_mean, running_var broadcastable to F.
    Returns: out (N, *F) = gamma * (x - running_mean) / sqrt(running_var + eps) + beta.
    Each sample's output depends on that sample alone, never on its batch mates.

    >>> batchnorm_inference([[3.0], [5.0]], 1.0, 0.0, [1.0], [4.0], eps=1e-12)
    array([[1.],
           [2.]])
    """
    out, _ = batchnorm_inference_forward(x, gamma, beta, running_mean, running_var, eps)
    return out


class InferenceCache(NamedTuple):
    """What `batchnorm_inference_backward` needs from `batchnorm_inference_forward`."""

    x_hat: np.ndarray  # (N, *F) (x - running_mean) / sqrt(running_var + eps)
    inv_std: np.ndarray  # broadcasts to F: 1 / sqrt(running_var + eps)
    gamma: np.ndarray  # broadcasts to F
    beta_shape: tuple


def batchnorm_inference_forward(x, gamma, beta, running_mean, running_var, eps=1e-5):
    """`batchnorm_inference` that also returns a cache for its backward pass (eval-mode BN).

    Inputs as `batchnorm_inference`. Returns: out (N, *F), and a cache for
    `batchnorm_inference_backward`. x is normalized once: out = gamma * x_hat + beta.

    >>> out, cache = batchnorm_inference_forward([[3.0], [5.0]], 2.0, 0.0, [1.0], [4.0], 1e-12)
    >>> out.ravel(), cache.x_hat.ravel()
    (array([2., 4.]), array([1., 2.]))
    """
    x = check_batch(x)
    features = x.shape[1:]
    gamma, beta, running_mean, running_var = check_affine_and_running(
        gamma, beta, running_mean, running_var, features, x.dtype
    )
    return inference_forward(x, gamma, beta, running_mean, running_var, check_eps(eps))


def inference_forward(x, gamma, beta, running_mean, running_var, eps):
    """`batchnorm_inference_forward` on arguments that were checked already (the layers' path)."""
    gamma, beta = np.asarray(gamma, dtype=x.dtype), np.asarray(beta, dtype=x.dtype)
    running_mean = np.asarray(running_mean, dtype=x.dtype)
    running_var = np.asarray(running_var, dtype=x.dtype)
    inv_std = 1.0 / np.sqrt(running_var + eps)
    x_hat = (x - running_mean) * inv_std
    return gamma * x_hat + beta, InferenceCache(x_hat, inv_std, gamma, np.shape(beta))


def batchnorm_inference_backward(dout, cache):
    """Backward pass of eval-mode batch norm, a fixed per-feature affine map of x.

    Inputs: dout (N, *F); cache from `batchnorm_inference_forward`.
    Returns: dx (N, *F) = dout * gamma / sqrt(running_var + eps), dgamma shaped like gamma,
    dbeta shaped like beta. No term through the statistics: they are constants here.

    >>> _, cache = batchnorm_inference_forward([[3.0], [5.0]], 2.0, 0.0, [1.0], [4.0], 1e-12)
    >>> dx, dgamma, dbeta = batchnorm_inference_backward(np.ones((2, 1)), cache)
    >>> dx.ravel(), round(float(dgamma), 6), float(dbeta)
    (array([1., 1.]), 3.0, 2.0)
    """
    cache = check_cache(cache, InferenceCache, "batchnorm_inference_forward")
    return inference_backward(check_dout(dout, cache.x_hat.shape), cache)


def inference_backward(dout, cache):
    """`batchnorm_inference_backward` on a dout and cache checked already (the layers' path)."""
    dgamma = sum_to_shape(np.sum(dout * cache.x_hat, axis=0), np.shape(cache.gamma))
    dbeta = sum_to_shape(dout.sum(axis=0), cache.beta_shape)
    return dout * (cache.gamma * cache.inv_std), dgamma, dbeta
