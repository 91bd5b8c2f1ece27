"""Folding batch norm into the linear layer before it, for deployment.

In eval mode batch norm is a fixed per-feature affine map,
    y = gamma * (z - running_mean) / sqrt(running_var + eps) + beta,   z = x @ W + b,
so Linear followed by BN is one Linear with
    W_folded = W * s,   b_folded = (b - running_mean) * s + beta,
where s = gamma / sqrt(running_var + eps) scales each output column of W.
In training mode the statistics change with every batch, so there is nothing fixed to fold.
"""

import numpy as np

from bnlib._checks import as_float_array, check_affine_and_running, check_eps, check_finite


def fold_batchnorm(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    """The single affine map equal to `x @ W + b` followed by batch norm in eval mode.

    Inputs: W (D, H) as `bnlib.Linear` stores it; b (H,) or None (no bias); gamma, beta,
    running_mean, running_var (H,) (or broadcastable to it), running_var >= 0; eps > 0.
    Returns: (W_folded (D, H), b_folded (H,)) with x @ W_folded + b_folded equal to the
    eval-mode output of BN(x @ W + b) for every x.

    >>> W_f, b_f = fold_batchnorm(np.array([[2.0]]), None, [3.0], [1.0], [4.0], [4.0], eps=1e-12)
    >>> W_f, b_f
    (array([[3.]]), array([-5.]))
    """
    W = as_float_array(W, "W")
    if W.ndim != 2:
        raise ValueError(
            f"W must be 2-D with shape (D, H) (in, out), as Linear stores it; got {W.shape}"
        )
    check_finite(W, "W")
    features = (W.shape[1],)
    if b is None:
        b = np.zeros(features, dtype=W.dtype)
    b = as_float_array(b, "b")
    if b.shape != features:
        raise ValueError(f"b must have shape (H,) = {features}, one per column of W; got {b.shape}")
    check_finite(b, "b")
    gamma, beta, running_mean, running_var = check_affine_and_running(
        gamma, beta, running_mean, running_var, features, W.dtype
    )
    eps = check_eps(eps)
    scale = gamma / np.sqrt(running_var + eps)  # (H,): one factor per output unit
    W_folded = W * scale  # broadcasting over rows scales each column
    b_folded = (b - running_mean) * scale + beta
    return W_folded, np.broadcast_to(b_folded, features).copy()
