"""Property tests (hypothesis) for the normalization math: what must hold for every input."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bnlib import (
    batchnorm_backward,
    batchnorm_backward_staged,
    batchnorm_forward,
    layernorm_backward,
    layernorm_forward,
    numerical_gradient,
    rel_error,
    spatial_batchnorm_backward,
    spatial_batchnorm_forward,
)

seeds = st.integers(0, 2**32 - 1)


def batch(seed, n, d, spread=True):
    """A float64 (n, d) batch whose features have very different means and scales."""
    rng = np.random.default_rng(seed)
    scale = 10.0 ** rng.uniform(-2, 2, size=d) if spread else np.ones(d)
    return rng.normal(rng.uniform(-50, 50, size=d), scale, size=(n, d)), rng


@settings(max_examples=60, deadline=None)
@given(seed=seeds, n=st.integers(2, 40), d=st.integers(1, 6), log_eps=st.floats(-8, 0))
def test_output_mean_zero_and_variance_shrunk_by_eps(seed, n, d, log_eps):
    x, _ = batch(seed, n, d)
    eps = 10.0**log_eps
    out, cache = batchnorm_forward(x, np.ones(d), np.zeros(d), eps)
    var = x.var(axis=0)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-9)
    np.testing.assert_allclose(out.var(axis=0), var / (var + eps), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(cache.var, var, rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(seed=seeds, n=st.integers(2, 30), d=st.integers(1, 5), log_a=st.floats(-1, 2))
def test_invariant_to_per_feature_affine_map(seed, n, d, log_a):
    # BN(a*x + b) = BN(x) for a > 0, except that eps weighs differently against a^2 var.
    x, rng = batch(seed, n, d)
    a, b = 10.0**log_a * rng.uniform(0.5, 2.0, size=d), rng.uniform(-100, 100, size=d)
    eps = 1e-5
    out, _ = batchnorm_forward(x, np.ones(d), np.zeros(d), eps)
    out_ab, _ = batchnorm_forward(a * x + b, np.ones(d), np.zeros(d), eps)
    var = x.var(axis=0)
    # Exact relation: out_ab = out * sqrt(var + eps) / sqrt(var + eps / a^2).
    np.testing.assert_allclose(out_ab, out * np.sqrt((var + eps) / (var + eps / a**2)), atol=1e-7)
    # So the difference is at most ~ |out| * eps * |1/a^2 - 1| / (2 var): tiny unless var ~ eps.
    bound = np.abs(out) * eps * np.abs(1 / a**2 - 1) / (2 * var) + 1e-9
    assert np.all(np.abs(out_ab - out) <= 1.01 * bound)


@settings(max_examples=25, deadline=None)
@given(seed=seeds, n=st.integers(3, 8), d=st.integers(1, 4), extra=st.integers(0, 1))
def test_backward_matches_numerical_gradient(seed, n, d, extra):
    # n >= 3: with n = 2 the output is +-sqrt(var / (var + eps)) ~ +-1 whatever x is, so dx is
    # O(eps) and finite-difference noise dominates a relative error (see the test below).
    shape = (n, d) if not extra else (n, 2, d)
    rng = np.random.default_rng(seed)
    x, dout = rng.normal(size=shape), rng.normal(size=shape)
    gamma, beta = rng.normal(size=shape[1:]), rng.normal(size=shape[1:])
    _, cache = batchnorm_forward(x, gamma, beta)
    num = numerical_gradient(lambda v: batchnorm_forward(v, gamma, beta)[0], x, dout)
    for backward in (batchnorm_backward, batchnorm_backward_staged):
        dx, _, _ = backward(dout, cache)
        assert rel_error(dx, num) < 1e-7


@settings(max_examples=20, deadline=None)
@given(seed=seeds, d=st.integers(1, 4))
def test_batch_of_two_has_the_closed_form_gradient(seed, d):
    # With two samples x_hat = -+delta / sqrt(delta^2 + eps), delta = (x1 - x0) / 2, so
    # |dx| = |gamma (dout1 - dout0)| * eps / (2 (delta^2 + eps)^1.5): zero but for eps.
    rng = np.random.default_rng(seed)
    x, dout, gamma = rng.normal(size=(2, d)), rng.normal(size=(2, d)), rng.normal(size=d)
    _, cache = batchnorm_forward(x, gamma, np.zeros(d))
    dx, _, _ = batchnorm_backward(dout, cache)
    delta, eps = (x[1] - x[0]) / 2, 1e-5
    expected = np.abs(gamma * (dout[1] - dout[0])) * eps / (2 * (delta**2 + eps) ** 1.5)
    # dx is a difference of O(|gamma * dout|) terms, so its absolute error is ~1e-16 of those.
    atol = 1e-14 * np.abs(gamma * dout).max()
    np.testing.assert_allclose(np.abs(dx), np.vstack([expected, expected]), rtol=1e-6, atol=atol)


@settings(max_examples=20, deadline=None)
@given(seed=seeds, n=st.integers(1, 3), c=st.integers(1, 3), hw=st.integers(2, 3))
def test_spatial_backward_matches_numerical_gradient(seed, n, c, hw):
    rng = np.random.default_rng(seed)
    shape = (n, c, hw, hw + 1)
    x, dout, gamma, beta = rng.normal(size=shape), rng.normal(size=shape), *rng.normal(size=(2, c))
    _, cache = spatial_batchnorm_forward(x, gamma, beta)
    dx, dgamma, _ = spatial_batchnorm_backward(dout, cache)
    num = numerical_gradient(lambda v: spatial_batchnorm_forward(v, gamma, beta)[0], x, dout)
    num_g = numerical_gradient(lambda g: spatial_batchnorm_forward(x, g, beta)[0], gamma, dout)
    assert rel_error(dx, num) < 1e-7
    assert rel_error(dgamma, num_g) < 1e-7


@settings(max_examples=20, deadline=None)
@given(seed=seeds, n=st.integers(1, 5), d=st.integers(3, 6))
def test_layernorm_backward_matches_numerical_gradient(seed, n, d):
    rng = np.random.default_rng(seed)
    x, dout, gamma, beta = (
        rng.normal(size=(n, d)),
        rng.normal(size=(n, d)),
        *rng.normal(size=(2, d)),
    )
    _, cache = layernorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = layernorm_backward(dout, cache)
    assert (
        rel_error(dx, numerical_gradient(lambda v: layernorm_forward(v, gamma, beta)[0], x, dout))
        < 1e-7
    )
    assert (
        rel_error(
            dgamma, numerical_gradient(lambda g: layernorm_forward(x, g, beta)[0], gamma, dout)
        )
        < 1e-7
    )
    assert rel_error(dbeta, dout.sum(axis=0)) < 1e-12
