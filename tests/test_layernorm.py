"""Unit tests for bnlib.layernorm: statistics per sample, the same at train and test time."""

import numpy as np
import pytest

from bnlib.layernorm import layernorm_backward, layernorm_forward


def test_layernorm_is_per_sample_and_fine_with_one_sample():
    x = np.array([[1.0, 2.0, 3.0], [10.0, 10.0, 40.0]])
    out, _ = layernorm_forward(x, np.ones(3), np.zeros(3), eps=1e-12)
    np.testing.assert_allclose(out[0], [-np.sqrt(1.5), 0, np.sqrt(1.5)])
    np.testing.assert_allclose(out[1], [-np.sqrt(0.5), -np.sqrt(0.5), np.sqrt(2)])
    alone, _ = layernorm_forward(x[1:], np.ones(3), np.zeros(3), eps=1e-12)
    np.testing.assert_allclose(alone, out[1:])  # no statistic crosses samples


def test_layernorm_gamma_beta_and_backward_shapes():
    x = np.random.default_rng(2).normal(size=(5, 4))
    gamma, beta = np.array([1.0, 2.0, 3.0, 4.0]), np.arange(4.0)
    out, cache = layernorm_forward(x, gamma, beta)
    np.testing.assert_allclose(((out - beta) / gamma).mean(axis=1), 0.0, atol=1e-12)
    dx, dgamma, dbeta = layernorm_backward(np.ones_like(x), cache)
    assert dx.shape == (5, 4) and dgamma.shape == (4,)
    np.testing.assert_allclose(dbeta, 5.0)


def test_layernorm_bad_input():
    with pytest.raises(
        ValueError, match=r"x must be 2-D with shape \(N, D\); got shape \(2, 3, 4\)"
    ):
        layernorm_forward(np.ones((2, 3, 4)), np.ones(4), np.zeros(4))
    with pytest.raises(TypeError, match="cache must be the cache returned by layernorm_forward"):
        layernorm_backward(np.ones((2, 3)), object())
