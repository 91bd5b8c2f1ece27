"""Private: the fast, unchecked kernels the layers run at every training step.

Why they exist: speed, measured. `batchnorm.py` writes each formula the way the paper does and
checks its arguments; a training loop would repeat those checks (scans for NaN, shape checks)
at every layer of every step on arrays that its first layer checked already. Measured at the
notebooks' shapes (CPU time, one core, best of 5 interleaved rounds, a busy machine), readable
vs kernel, forward / backward in us: digits net (60, 100) 53.5 / 36.4 vs 36.7 / 33.7; RNN
timestep (60, 32) 40.2 / 25.9 vs 32.2 / 22.8; CNN rows (N H W, C) (2048, 8) 173.9 / 150.7 vs
124.3 / 114.6, (512, 16) 86.2 / 66.6 vs 57.9 / 52.9. The kernels use einsum for the sums of
products (no temporary product array) and a fused, in-place backward. (N, D) batches take a
2-D path with the same arithmetic in the same order, bit for bit (tested), without the views:
notebook 04 as a script on one core, 12.6 -> 11.6 s of CPU (three interleaved pairs). Each
kernel computes the numbers of its readable twin up to the order of a sum (tests/test_batchnorm.py
holds them together).
"""

from typing import NamedTuple

import numpy as np

from bnlib._checks import check_variance, sum_to_shape
from bnlib.batchnorm import BatchNormCache


def normalize3(x, eps):
    """The normalizing kernel on a 3-D view (A, F, B): statistics per F over axes 0 and 2.

    Flat batches (N, *F) are viewed as (N, F, 1), images (N, C, H, W) as (N, C, H*W), so one
    kernel serves both without copying. Returns x_hat, x_centered (A, F, B), var (F,) and
    inv_std (1, F, 1). Two passes (mean, then mean of squared deviations) keep the variance
    accurate when the mean is large; E[x^2] - E[x]^2 would cancel catastrophically.

    >>> x_hat, _, var, _ = normalize3(np.array([[[1.0]], [[3.0]]]), eps=1e-12)
    >>> x_hat.ravel(), var
    (array([-1.,  1.]), array([1.]))
    """
    m = x.shape[0] * x.shape[2]
    xc = x - x.mean(axis=(0, 2), keepdims=True)
    var = np.einsum("afb,afb->f", xc, xc) / m
    inv_std = (1.0 / np.sqrt(var + eps))[None, :, None]
    return xc * inv_std, xc, var, inv_std


def normalize3_backward(dout, x_hat, inv_std, gamma):
    """Fused backward of y = gamma * x_hat + beta through `normalize3`, on (A, F, B) views.

    gamma and inv_std are (1, F, 1). Returns dx (A, F, B), dgamma (F,), dbeta (F,): the
    closed form of `batchnorm.batchnorm_backward`, with m = A * B samples per feature.
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


def column(p, features):
    """A parameter broadcastable to `features` as a (1, F, 1) column for the 3-D views."""
    return np.broadcast_to(p, features).reshape(1, -1, 1)


def normalize(x, eps):
    """Normalize (N, *F) over axis 0: returns (x_hat, x_centered, var, inv_std), the last two
    of shape F.

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


def batchnorm_forward_unchecked(x, gamma, beta, eps):
    """`batchnorm.batchnorm_forward` for a float x (N, *F) checked already: (out, cache).

    A batch whose variance overflows still raises `VarianceOverflowError`: that is a result (a
    network diverging), not a check.
    """
    out, cache, _ = batchnorm_train_forward(x, gamma, beta, eps)
    return out, cache


def batchnorm_train_forward(x, gamma, beta, eps):
    """`batchnorm_forward_unchecked` that also returns the batch mean (*F,), for the running
    update: (out, cache, mean). For (N, D) the mean is the one the normalization subtracted
    (`x.mean(axis=0)`'s bits: numpy's mean is this sum divided by N), not a second pass."""
    gamma, beta = np.asarray(gamma, dtype=x.dtype), np.asarray(beta, dtype=x.dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        if x.ndim == 2:  # (N, D), most batches: `normalize3`'s arithmetic without the views
            n = x.shape[0]
            mean = np.add.reduce(x, axis=0) / n
            xc = x - mean
            var = np.einsum("nf,nf->f", xc, xc) / n
            inv_std = 1.0 / np.sqrt(var + eps)
            x_hat = xc * inv_std
        else:
            x_hat, xc, var, inv_std = normalize(x, eps)
            mean = x.mean(axis=0)
    check_variance(var, x)
    out = x_hat * gamma
    out += beta
    return out, BatchNormCache(x_hat, xc, var, inv_std, gamma, np.shape(beta), eps), mean


def batchnorm_backward_unchecked(dout, cache):
    """`batchnorm.batchnorm_backward` for a dout (N, *F) and cache checked already."""
    if dout.ndim == 2:  # (N, D): `normalize3_backward`'s arithmetic without the views
        n = dout.shape[0]
        dbeta = dout.sum(axis=0)
        dgamma = np.einsum("nf,nf->f", dout, cache.x_hat)
        scale = cache.gamma * cache.inv_std / n
        dx = cache.x_hat * (scale * -dgamma)
        dx += dout * (n * scale)
        dx -= scale * dbeta
        return (
            dx,
            sum_to_shape(dgamma, np.shape(cache.gamma)),
            sum_to_shape(dbeta, cache.beta_shape),
        )
    features = dout.shape[1:]
    dx, dgamma, dbeta = normalize3_backward(
        _view3(dout),
        _view3(cache.x_hat),
        cache.inv_std.reshape(1, -1, 1),
        column(cache.gamma, features),
    )
    return (
        dx.reshape(dout.shape),
        sum_to_shape(dgamma.reshape(features), np.shape(cache.gamma)),
        sum_to_shape(dbeta.reshape(features), cache.beta_shape),
    )


class InferenceCache(NamedTuple):
    """What eval-mode batch norm's backward needs from its forward."""

    x_hat: np.ndarray  # (N, *F) (x - running_mean) / sqrt(running_var + eps)
    inv_std: np.ndarray  # broadcasts to F: 1 / sqrt(running_var + eps)
    gamma: np.ndarray  # broadcasts to F
    beta_shape: tuple


def batchnorm_eval_forward_unchecked(x, gamma, beta, running_mean, running_var, eps):
    """`batchnorm.batchnorm_inference` that also returns a cache, on checked arguments."""
    gamma, beta = np.asarray(gamma, dtype=x.dtype), np.asarray(beta, dtype=x.dtype)
    running_mean = np.asarray(running_mean, dtype=x.dtype)
    running_var = np.asarray(running_var, dtype=x.dtype)
    inv_std = 1.0 / np.sqrt(running_var + eps)
    x_hat = (x - running_mean) * inv_std
    return gamma * x_hat + beta, InferenceCache(x_hat, inv_std, gamma, np.shape(beta))


def batchnorm_eval_backward_unchecked(dout, cache):
    """Backward of eval-mode batch norm, a fixed per-feature affine map: dx = dout * gamma *
    inv_std, no term through the statistics (they are constants here)."""
    dgamma = sum_to_shape(np.sum(dout * cache.x_hat, axis=0), np.shape(cache.gamma))
    dbeta = sum_to_shape(dout.sum(axis=0), cache.beta_shape)
    return dout * (cache.gamma * cache.inv_std), dgamma, dbeta


def batchnorm_layer_forward(x, gamma, beta, eps, running=None):
    """A BN layer's forward: with batch statistics (training, running=None) or with
    running=(running_mean, running_var) (eval mode). Returns (out, cache)."""
    if running is None:
        return batchnorm_forward_unchecked(x, gamma, beta, eps)
    return batchnorm_eval_forward_unchecked(x, gamma, beta, *running, eps)


def batchnorm_layer_backward(dout, cache, mode):
    """The backward of `batchnorm_layer_forward`, for the mode ("train" or "eval") it ran in."""
    if mode == "train":
        return batchnorm_backward_unchecked(dout, cache)
    return batchnorm_eval_backward_unchecked(dout, cache)


class LayerNormCache(NamedTuple):
    x_hat: np.ndarray  # (N, D)
    inv_std: np.ndarray  # (N,)
    gamma: np.ndarray  # (D,)
    beta_shape: tuple


def layernorm_forward_unchecked(x, gamma, beta, eps):
    """`layernorm.layernorm_forward` on checked arguments: batch norm's kernel on x.T."""
    gamma, beta = np.asarray(gamma, dtype=x.dtype), np.asarray(beta, dtype=x.dtype)
    x_hat_t, _, _, inv_std = normalize(x.T, eps)
    x_hat = x_hat_t.T
    return gamma * x_hat + beta, LayerNormCache(x_hat, inv_std, gamma, np.shape(beta))


def layernorm_backward_unchecked(dout, cache):
    """`layernorm.layernorm_backward` for a dout (N, D) and cache checked already."""
    dgamma = sum_to_shape(np.sum(dout * cache.x_hat, axis=0), np.shape(cache.gamma))
    dbeta = sum_to_shape(dout.sum(axis=0), cache.beta_shape)
    dx_t = normalize_backward((dout * cache.gamma).T, cache.x_hat.T, cache.inv_std)
    return dx_t.T, dgamma, dbeta
