"""Group normalization (Wu & He 2018): statistics per sample over groups of channels.

The C channels of x (N, C, *S) are split into `num_groups` groups of C / num_groups channels;
each sample gets one mean and one variance per group, over the group's channels and every
spatial position. No statistic crosses samples, so training and inference compute the same
thing and the batch size does not matter. One group is layer norm over all non-batch axes;
C groups (one channel each) is instance norm. Matches torch.nn.functional.group_norm.

The arithmetic is `normalize3`'s on the view (1, N * G, C / G * S): statistics per middle entry
(one per sample and group) over the last axis.
"""

from typing import NamedTuple

import numpy as np

from bnlib._checks import (
    check_batch,
    check_cache,
    check_dout,
    check_eps,
    check_param,
    check_positive_int,
    sum_to_shape,
)
from bnlib._kernels import normalize3, normalize3_backward


class GroupNormCache(NamedTuple):
    x_hat: np.ndarray  # (N, C, *S) normalized input
    inv_std: np.ndarray  # (1, N * G, 1): one per sample and group
    gamma: np.ndarray  # (C,) or broadcastable to it
    beta_shape: tuple
    num_groups: int


def _groups_view(a, num_groups):
    """(N, C, *S) -> (1, N * G, C / G * prod(S)), without copying a contiguous array."""
    return a.reshape(1, a.shape[0] * num_groups, -1)


def _per_channel(p, x):
    """A (C,) parameter shaped (1, C, 1, ..., 1) to broadcast against x (N, C, *S)."""
    return np.broadcast_to(p, (x.shape[1],)).reshape((1, -1) + (1,) * (x.ndim - 2))


def check_groups(num_groups, channels):
    """num_groups must be an int >= 1 that divides the number of channels."""
    num_groups = check_positive_int(num_groups, "num_groups")
    if channels % num_groups:
        raise ValueError(
            f"num_groups must divide the number of channels C = {channels}; got num_groups = "
            f"{num_groups} (C / num_groups = {channels / num_groups:g})"
        )
    return num_groups


def groupnorm_forward(x, gamma, beta, num_groups, eps=1e-5):
    """Normalize each sample over groups of channels, then scale and shift per channel.

    Inputs: x (N, C, *S) with any number of spatial axes S (none for (N, C)); gamma, beta (C,);
    num_groups G, a divisor of C; eps > 0 added to each group's biased variance.
    Returns: out (N, C, *S) and a cache for `groupnorm_backward`.
    A group holding one value (C / G = 1 and no spatial axes) has variance 0: its output is beta.

    >>> x = np.array([[1.0, 3.0, 10.0, 30.0]])
    >>> out, _ = groupnorm_forward(x, np.ones(4), np.zeros(4), num_groups=2, eps=1e-12)
    >>> out
    array([[-1.,  1., -1.,  1.]])
    """
    x = check_batch(x, layout="(N, C, *S)")
    c = x.shape[1]
    gamma = check_param(gamma, "gamma", (c,), x.dtype)
    beta = check_param(beta, "beta", (c,), x.dtype)
    num_groups = check_groups(num_groups, c)
    eps = check_eps(eps)
    x_hat, _, _, inv_std = normalize3(_groups_view(x, num_groups), eps)
    x_hat = x_hat.reshape(x.shape)
    out = x_hat * _per_channel(gamma, x)
    out += _per_channel(beta, x)
    return out, GroupNormCache(x_hat, inv_std, gamma, np.shape(beta), num_groups)


def groupnorm_backward(dout, cache):
    """Backward pass of `groupnorm_forward`.

    Inputs: dout (N, C, *S); cache from the forward pass.
    Returns: dx (N, C, *S), dgamma shaped like gamma, dbeta shaped like beta.

    >>> x = np.random.default_rng(0).normal(size=(2, 4, 3))
    >>> _, cache = groupnorm_forward(x, np.ones(4), np.zeros(4), num_groups=2)
    >>> dx, dgamma, dbeta = groupnorm_backward(np.ones_like(x), cache)
    >>> bool(np.allclose(dx, 0.0)), dbeta.tolist()
    (True, [6.0, 6.0, 6.0, 6.0])
    """
    cache = check_cache(cache, GroupNormCache, "groupnorm_forward")
    dout = check_dout(dout, cache.x_hat.shape)
    axes = (0, *range(2, dout.ndim))  # everything but the channel axis
    dbeta = dout.sum(axis=axes)
    dgamma = np.sum(dout * cache.x_hat, axis=axes)
    dx_hat = dout * _per_channel(cache.gamma, dout)
    g = cache.num_groups
    dx, _, _ = normalize3_backward(
        _groups_view(dx_hat, g), _groups_view(cache.x_hat, g), cache.inv_std, 1.0
    )
    return (
        dx.reshape(dout.shape),
        sum_to_shape(dgamma, np.shape(cache.gamma)),
        sum_to_shape(dbeta, cache.beta_shape),
    )
