"""Unit tests for bnlib.spatial: one mean and variance per channel over (N, H, W)."""

import numpy as np
import pytest

from bnlib.batchnorm import batchnorm_forward
from bnlib.spatial import spatial_batchnorm_backward, spatial_batchnorm_forward


def test_spatial_statistics_are_per_channel_over_n_h_w():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3, 5, 6)) * np.array([1.0, 5.0, 0.1])[:, None, None] + 7.0
    gamma, beta = np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, -1.0])
    out, cache = spatial_batchnorm_forward(x, gamma, beta)
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), beta, atol=1e-12)
    var = x.var(axis=(0, 2, 3))
    np.testing.assert_allclose(cache.var, var, rtol=1e-12)
    np.testing.assert_allclose(out.std(axis=(0, 2, 3)), gamma * np.sqrt(var / (var + 1e-5)))
    # The same as flattening every pixel into the batch by hand.
    rows = x.transpose(0, 2, 3, 1).reshape(-1, 3)
    flat, _ = batchnorm_forward(rows, gamma, beta)
    np.testing.assert_allclose(out, flat.reshape(4, 5, 6, 3).transpose(0, 3, 1, 2))


def test_spatial_backward_shapes_and_dbeta():
    x = np.random.default_rng(1).normal(size=(2, 3, 4, 4))
    _, cache = spatial_batchnorm_forward(x, np.ones(3), np.zeros(3))
    dx, dgamma, dbeta = spatial_batchnorm_backward(np.ones_like(x), cache)
    assert dx.shape == x.shape and dgamma.shape == (3,)
    np.testing.assert_allclose(dbeta, [32.0, 32.0, 32.0])
    np.testing.assert_allclose(dx, 0.0, atol=1e-12)


@pytest.mark.parametrize(
    "x, gamma, match",
    [
        (np.ones((2, 3, 4)), np.ones(3), r"x must be 4-D with shape \(N, C, H, W\); got shape"),
        (np.ones((2, 3, 4, 4)), np.ones(4), r"gamma must have the feature shape \(3,\)"),
        (np.ones((0, 3, 4, 4)), np.ones(3), r"at least one sample"),
    ],
)
def test_spatial_bad_input(x, gamma, match):
    with pytest.raises(ValueError, match=match):
        spatial_batchnorm_forward(x, gamma, np.zeros(3))
