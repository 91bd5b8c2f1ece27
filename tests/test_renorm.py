"""Batch Renormalization: r and d, the reduction to batch norm, gradients with r and d constant."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import array, uniform

from bnlib.batchnorm import batchnorm_backward, batchnorm_forward
from bnlib.gradcheck import numerical_gradient, rel_error
from bnlib.renorm import batch_renorm_backward, batch_renorm_forward, renorm_limits


def setup(seed=0, n=6, d=4):
    rng = np.random.default_rng(seed)
    x = rng.normal(rng.uniform(-3, 3, d), rng.uniform(0.5, 2, d), size=(n, d))
    params = rng.normal(size=d), rng.normal(size=d)
    running = rng.normal(size=d), rng.uniform(0.2, 3.0, size=d)
    return x, params, running, rng


def test_r_and_d_follow_the_paper():
    x, (gamma, beta), (rm, rv), _ = setup()
    eps = 1e-5
    out, cache = batch_renorm_forward(x, gamma, beta, rm, rv, r_max=3.0, d_max=5.0, eps=eps)
    s_b, s = np.sqrt(x.var(0) + eps), np.sqrt(rv + eps)
    r = np.clip(s_b / s, 1 / 3, 3)
    d = np.clip((x.mean(0) - rm) / s, -5, 5)
    np.testing.assert_allclose(cache.r, r, rtol=1e-12)
    np.testing.assert_allclose(cache.d, d, rtol=1e-12, atol=1e-15)
    expected = gamma * ((x - x.mean(0)) / s_b * r + d) + beta
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


def test_unclipped_it_is_the_inference_transform():
    x, (gamma, beta), (rm, rv), _ = setup(1)
    out, _ = batch_renorm_forward(x, gamma, beta, rm, rv, r_max=1e6, d_max=1e6)
    np.testing.assert_allclose(out, gamma * (x - rm) / np.sqrt(rv + 1e-5) + beta, rtol=1e-10)


def test_clipping_binds():
    x = np.array([[0.0], [20.0]])  # batch std 10, mean 10
    _, cache = batch_renorm_forward(x, 1.0, 0.0, [0.0], [1.0], r_max=2.0, d_max=1.5, eps=1e-12)
    assert cache.r[0] == 2.0 and cache.d[0] == 1.5
    _, cache = batch_renorm_forward(x * 1e-3, 1.0, 0.0, [5.0], [1.0], 2.0, 1.5, eps=1e-12)
    assert cache.r[0] == 0.5 and cache.d[0] == -1.5


@pytest.mark.parametrize("seed", range(3))
def test_r_max_1_d_max_0_is_exactly_batch_norm(seed):
    x, (gamma, beta), (rm, rv), rng = setup(seed)
    out, cache = batch_renorm_forward(x, gamma, beta, rm, rv, r_max=1.0, d_max=0.0)
    out_bn, cache_bn = batchnorm_forward(x, gamma, beta)
    np.testing.assert_array_equal(out, out_bn)
    dout = rng.normal(size=x.shape)
    for got, want in zip(
        batch_renorm_backward(dout, cache), batchnorm_backward(dout, cache_bn), strict=True
    ):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_backward_treats_r_and_d_as_constants():
    x, (gamma, beta), (rm, rv), rng = setup(2)
    _, cache = batch_renorm_forward(x, gamma, beta, rm, rv, 3.0, 5.0)
    dout = rng.normal(size=x.shape)
    dx, dgamma, dbeta = batch_renorm_backward(dout, cache)
    r, d = cache.r, cache.d

    # The same function with r and d frozen at their forward values.
    def frozen(v, g=gamma, b=beta):
        return g * ((v - v.mean(0)) / np.sqrt(v.var(0) + 1e-5) * r + d) + b

    assert rel_error(dx, numerical_gradient(frozen, x, dout)) < 1e-7
    assert rel_error(dgamma, numerical_gradient(lambda g: frozen(x, g=g), gamma, dout)) < 1e-7
    assert rel_error(dbeta, numerical_gradient(lambda b: frozen(x, b=b), beta, dout)) < 1e-7
    # ... which is batch norm's gradient scaled by r.
    _, cache_bn = batchnorm_forward(x, gamma * r, beta)
    np.testing.assert_allclose(dx, batchnorm_backward(dout, cache_bn)[0], rtol=1e-10)


def test_batch_of_one_gives_gamma_d_plus_beta():
    out, cache = batch_renorm_forward([[4.0]], [2.0], [1.0], [1.0], [3.0], 3.0, 5.0)
    np.testing.assert_allclose(cache.d, 3.0 / np.sqrt(3.0 + 1e-5))
    np.testing.assert_allclose(out, [[2.0 * cache.d[0] + 1.0]])


def test_limits_schedule():
    assert renorm_limits(1, 3.0, 5.0, warmup=100, ramp=400) == (1.0, 0.0)
    assert renorm_limits(300, 3.0, 5.0, warmup=100, ramp=400) == (2.0, 2.5)
    assert renorm_limits(10_000, 3.0, 5.0, warmup=100, ramp=400) == (3.0, 5.0)
    assert renorm_limits(5, 3.0, 5.0, warmup=0, ramp=0) == (3.0, 5.0)


def test_bad_input_is_named():
    x = np.ones((3, 2))
    ok = dict(gamma=np.ones(2), beta=np.zeros(2), running_mean=np.zeros(2), running_var=np.ones(2))
    with pytest.raises(ValueError, match="r_max must be finite and >= 1; got 0.5"):
        batch_renorm_forward(x, **ok, r_max=0.5, d_max=0.0)
    with pytest.raises(ValueError, match="d_max must be finite and >= 0; got -1"):
        batch_renorm_forward(x, **ok, r_max=1.0, d_max=-1)
    with pytest.raises(TypeError, match="r_max must be a real number"):
        batch_renorm_forward(x, **ok, r_max="3", d_max=0.0)
    with pytest.raises(ValueError, match="running_var must be >= 0"):
        batch_renorm_forward(x, **{**ok, "running_var": -np.ones(2)}, r_max=1.0, d_max=0.0)
    with pytest.raises(ValueError, match=r"running_mean must have the feature shape \(2,\)"):
        batch_renorm_forward(x, **{**ok, "running_mean": np.zeros(3)}, r_max=1.0, d_max=0.0)
    with pytest.raises(ValueError, match=r"x must be 2-D with shape \(N, D\)"):
        batch_renorm_forward(np.ones((2, 2, 2)), **ok, r_max=1.0, d_max=0.0)
    with pytest.raises(TypeError, match="cache must be the cache returned by batch_renorm"):
        batch_renorm_backward(x, object())


@settings(max_examples=40)
@given(data=st.data(), n=st.integers(2, 20), d=st.integers(1, 5))
def test_output_is_inside_the_clipping_band(data, n, d):
    # Per feature, the renormalized x_hat * r + d has mean d and standard deviation
    # r * sqrt(var / (var + eps)), with r in [1/r_max, r_max] and |d| <= d_max: exact for
    # every variance, zero included.
    x = data.draw(array((n, d), 10.0), label="x")
    rm = data.draw(array((d,)), label="running_mean")
    rv = data.draw(uniform((d,), 0.0, 10.0), label="running_var")
    out, cache = batch_renorm_forward(x, np.ones(d), np.zeros(d), rm, rv, 2.0, 0.5)
    assert np.all((cache.r >= 0.5) & (cache.r <= 2.0) & (np.abs(cache.d) <= 0.5))
    np.testing.assert_allclose(out.mean(0), cache.d, atol=1e-9)
    var = x.var(0)
    expected = cache.r * np.sqrt(var / (var + 1e-5))
    # Rounding of the batch mean (|x - mu| ~ 1e-15 for |x| <= 10) divided by sqrt(eps) ~ 3e-3 and
    # times r <= 2 stays below 1e-11: the absolute tolerance for a constant feature.
    np.testing.assert_allclose(out.std(0), expected, rtol=1e-7, atol=1e-10)
