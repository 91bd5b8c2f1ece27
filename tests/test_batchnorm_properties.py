"""Property tests (hypothesis) for the normalization math: what must hold for every input."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import agrees, array, centering_noise, spread, uniform

from bnlib.batchnorm import batchnorm_backward, batchnorm_backward_staged, batchnorm_forward
from bnlib.gradcheck import numerical_gradient
from bnlib.layernorm import layernorm_backward, layernorm_forward
from bnlib.spatial import spatial_batchnorm_backward, spatial_batchnorm_forward


@st.composite
def batches(draw, n, d, bound=100.0):
    """An (n, d) batch, n and d drawn from the given ranges, entries in [-bound, bound]."""
    shape = (draw(st.integers(*n)), draw(st.integers(*d)))
    return draw(array(shape, bound))


@settings(max_examples=60)
@given(x=batches((2, 40), (1, 6)), log_eps=st.floats(-8, 0))
def test_output_mean_zero_and_variance_shrunk_by_eps(x, log_eps):
    # Exact for every variance, zero included: var(out) = var / (var + eps).
    d = x.shape[1]
    eps = 10.0**log_eps
    out, cache = batchnorm_forward(x, np.ones(d), np.zeros(d), eps)
    var = x.var(axis=0)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=centering_noise(x, eps))
    np.testing.assert_allclose(out.var(axis=0), var / (var + eps), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(cache.var, var, rtol=1e-9, atol=1e-12)


@settings(max_examples=60)
@given(
    x=batches((2, 30), (1, 5)),
    log_a=st.floats(-1, 2),
    a_b=st.data(),
)
def test_invariant_to_per_feature_affine_map(x, log_a, a_b):
    # BN(a*x + b) = BN(x) for a > 0 holds only up to eps, which weighs against a^2 var instead
    # of var. The exact relation, from x_hat = (x - mu) / sqrt(var + eps):
    #   out_ab = out * sqrt(var + eps) / sqrt(var + eps / a^2)
    # so the tolerance of the invariance follows from eps and the variance (bound below).
    d = x.shape[1]
    a = 10.0**log_a * a_b.draw(uniform((d,), 0.5, 2.0), label="a factor")
    b = a_b.draw(array((d,), 100.0), label="b")
    eps = 1e-5
    out, _ = batchnorm_forward(x, np.ones(d), np.zeros(d), eps)
    out_ab, _ = batchnorm_forward(a * x + b, np.ones(d), np.zeros(d), eps)
    var = x.var(axis=0)
    # Rounding: of a*x + b, and of each batch mean (a constant feature is all rounding).
    atol = centering_noise(np.abs(a * x) + np.abs(b), eps) + centering_noise(x, eps)
    np.testing.assert_allclose(out_ab, out * np.sqrt((var + eps) / (var + eps / a**2)), atol=atol)
    # |sqrt(r) - 1| with r = (var + eps) / (var + eps / a^2) is at most eps |1 - 1/a^2| / (2 var)
    # (since (var + eps/a^2)(1 + sqrt(r)) >= 2 var): tiny unless var ~ eps.
    # Multiplied out by 2 var, so that var = 0 (then out = out_ab = 0) needs no special case.
    change = np.abs(out_ab - out) * 2 * var
    assert np.all(change <= np.abs(out) * eps * np.abs(1 / a**2 - 1) + 2 * var * atol)


@settings(max_examples=25)
@given(data=st.data(), n=st.integers(3, 8), d=st.integers(1, 4), extra=st.integers(0, 1))
def test_backward_matches_numerical_gradient(data, n, d, extra):
    # n >= 3: with n = 2 the output is +-sqrt(var / (var + eps)) ~ +-1 whatever x is, so dx is
    # O(eps) and finite-difference noise dominates a relative error (see the test below).
    # The draw keeps each feature's variance >= 0.1, far above eps (1e-5) and the step (1e-5).
    shape = (n, d) if not extra else (n, 2, d)
    x = data.draw(spread(shape, axes=0), label="x")
    dout = data.draw(array(shape), label="dout")
    gamma, beta = data.draw(array(shape[1:]), label="gamma"), data.draw(array(shape[1:]))
    out, cache = batchnorm_forward(x, gamma, beta)
    num = numerical_gradient(lambda v: batchnorm_forward(v, gamma, beta)[0], x, dout)
    for backward in (batchnorm_backward, batchnorm_backward_staged):
        dx, _, _ = backward(dout, cache)
        assert agrees(dx, num, out, dout)


@settings(max_examples=20)
@given(data=st.data(), d=st.integers(1, 4))
def test_batch_of_two_has_the_closed_form_gradient(data, d):
    # With two samples x_hat = -+delta / sqrt(delta^2 + eps), delta = (x1 - x0) / 2, so
    # |dx| = |gamma (dout1 - dout0)| * eps / (2 (delta^2 + eps)^1.5): zero but for eps.
    # Exact for every delta, zero included.
    x, dout = data.draw(array((2, d), 10.0), label="x"), data.draw(array((2, d)), label="dout")
    gamma = data.draw(array((d,)), label="gamma")
    _, cache = batchnorm_forward(x, gamma, np.zeros(d))
    dx, _, _ = batchnorm_backward(dout, cache)
    delta, eps = (x[1] - x[0]) / 2, 1e-5
    expected = np.abs(gamma * (dout[1] - dout[0])) * eps / (2 * (delta**2 + eps) ** 1.5)
    # dx is a difference of O(|gamma * dout| / sqrt(delta^2 + eps)) terms, so its absolute error
    # is ~1e-16 of those (at most 1e-16 / sqrt(eps) ~ 3e-14 of |gamma * dout|).
    atol = 1e-13 * np.abs(gamma * dout).max()
    np.testing.assert_allclose(np.abs(dx), np.vstack([expected, expected]), rtol=1e-6, atol=atol)


@settings(max_examples=20)
@given(data=st.data(), n=st.integers(1, 3), c=st.integers(1, 3), hw=st.integers(2, 3))
def test_spatial_backward_matches_numerical_gradient(data, n, c, hw):
    # Each channel's variance over (N, H, W) is kept >= 0.1, far above eps and the step.
    shape = (n, c, hw, hw + 1)
    x = data.draw(spread(shape, axes=(0, 2, 3)), label="x")
    dout = data.draw(array(shape), label="dout")
    gamma, beta = data.draw(array((c,)), label="gamma"), data.draw(array((c,)), label="beta")
    out, cache = spatial_batchnorm_forward(x, gamma, beta)
    dx, dgamma, _ = spatial_batchnorm_backward(dout, cache)
    num = numerical_gradient(lambda v: spatial_batchnorm_forward(v, gamma, beta)[0], x, dout)
    num_g = numerical_gradient(lambda g: spatial_batchnorm_forward(x, g, beta)[0], gamma, dout)
    assert agrees(dx, num, out, dout)
    assert agrees(dgamma, num_g, out, dout)


@settings(max_examples=20)
@given(data=st.data(), n=st.integers(1, 5), d=st.integers(3, 6))
def test_layernorm_backward_matches_numerical_gradient(data, n, d):
    # Each sample's variance over its features is kept >= 0.1, far above eps and the step.
    x = data.draw(spread((n, d), axes=1), label="x")
    dout = data.draw(array((n, d)), label="dout")
    gamma, beta = data.draw(array((d,)), label="gamma"), data.draw(array((d,)), label="beta")
    out, cache = layernorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = layernorm_backward(dout, cache)
    num = numerical_gradient(lambda v: layernorm_forward(v, gamma, beta)[0], x, dout)
    num_g = numerical_gradient(lambda g: layernorm_forward(x, g, beta)[0], gamma, dout)
    assert agrees(dx, num, out, dout)
    assert agrees(dgamma, num_g, out, dout)
    np.testing.assert_allclose(dbeta, dout.sum(axis=0), rtol=1e-12, atol=1e-12)
