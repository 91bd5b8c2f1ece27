"""Group normalization: per sample and group of channels; layer norm and instance norm as limits."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import agrees, array

from bnlib.gradcheck import numerical_gradient, rel_error
from bnlib.groupnorm import groupnorm_backward, groupnorm_forward
from bnlib.layernorm import layernorm_forward


def by_hand(x, gamma, beta, g, eps):
    """The definition, written independently: reshape to (N, G, -1), normalize the last axis."""
    n, c = x.shape[:2]
    grouped = x.reshape(n, g, -1)
    mu = grouped.mean(axis=2, keepdims=True)
    var = grouped.var(axis=2, keepdims=True)
    x_hat = ((grouped - mu) / np.sqrt(var + eps)).reshape(x.shape)
    shape = (1, c) + (1,) * (x.ndim - 2)
    return gamma.reshape(shape) * x_hat + beta.reshape(shape)


@pytest.mark.parametrize("shape", [(3, 6), (2, 6, 5), (2, 4, 3, 2), (1, 8, 2, 2, 2)])
@pytest.mark.parametrize("groups_of", [1, 2, "all"])
def test_matches_the_definition_for_any_number_of_spatial_axes(shape, groups_of):
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, size=shape)
    c = shape[1]
    g = c if groups_of == "all" else c // groups_of
    gamma, beta = rng.normal(size=c), rng.normal(size=c)
    out, cache = groupnorm_forward(x, gamma, beta, g, eps=1e-5)
    np.testing.assert_allclose(out, by_hand(x, gamma, beta, g, 1e-5), rtol=1e-12, atol=1e-12)
    assert out.shape == x.shape and cache.num_groups == g


def test_batch_independence_one_sample_is_fine():
    x = np.random.default_rng(1).normal(size=(5, 4, 3))
    out, _ = groupnorm_forward(x, np.ones(4), np.zeros(4), num_groups=2)
    alone, _ = groupnorm_forward(x[2:3], np.ones(4), np.zeros(4), num_groups=2)
    np.testing.assert_array_equal(alone, out[2:3])


def test_group_of_one_value_gives_beta():
    out, _ = groupnorm_forward(np.array([[1.0, 5.0]]), np.ones(2), np.array([0.5, -1.0]), 2)
    np.testing.assert_array_equal(out, [[0.5, -1.0]])


def test_float32_stays_float32():
    x = np.random.default_rng(2).normal(size=(2, 4, 3)).astype(np.float32)
    out, cache = groupnorm_forward(x, np.ones(4), np.zeros(4), 2)
    dx, _, _ = groupnorm_backward(np.ones_like(x), cache)
    assert out.dtype == np.float32 and dx.dtype == np.float32


@pytest.mark.parametrize("shape", [(4, 6), (3, 4, 3), (2, 6, 2, 2)])
def test_backward_matches_numerical_gradient(shape):
    rng = np.random.default_rng(3)
    x = rng.normal(size=shape)
    c = shape[1]
    gamma, beta, dout = rng.normal(size=c), rng.normal(size=c), rng.normal(size=shape)
    g = 2
    _, cache = groupnorm_forward(x, gamma, beta, g)
    dx, dgamma, dbeta = groupnorm_backward(dout, cache)

    def f_x(v):
        return groupnorm_forward(v, gamma, beta, g)[0]

    def f_gamma(v):
        return groupnorm_forward(x, v, beta, g)[0]

    def f_beta(v):
        return groupnorm_forward(x, gamma, v, g)[0]

    assert rel_error(dx, numerical_gradient(f_x, x, dout)) < 1e-7
    assert rel_error(dgamma, numerical_gradient(f_gamma, gamma, dout)) < 1e-7
    assert rel_error(dbeta, numerical_gradient(f_beta, beta, dout)) < 1e-7


def test_bad_input_is_named():
    x = np.ones((2, 6, 3))
    with pytest.raises(ValueError, match=r"num_groups must divide .* C = 6; got num_groups = 4"):
        groupnorm_forward(x, np.ones(6), np.zeros(6), 4)
    with pytest.raises(ValueError, match="num_groups must be >= 1"):
        groupnorm_forward(x, np.ones(6), np.zeros(6), 0)
    with pytest.raises(TypeError, match="num_groups must be an int"):
        groupnorm_forward(x, np.ones(6), np.zeros(6), 2.0)
    with pytest.raises(ValueError, match=r"gamma must have the feature shape \(6,\)"):
        groupnorm_forward(x, np.ones(3), np.zeros(6), 3)
    with pytest.raises(ValueError, match="at least 2 dims"):
        groupnorm_forward(np.ones(6), np.ones(6), np.zeros(6), 3)
    with pytest.raises(TypeError, match="cache must be the cache returned by groupnorm_forward"):
        groupnorm_backward(x, object())
    _, cache = groupnorm_forward(x, np.ones(6), np.zeros(6), 3)
    with pytest.raises(ValueError, match="dout must have the forward output's shape"):
        groupnorm_backward(np.ones((2, 6)), cache)


@st.composite
def grouped(draw, n, c, s):
    """An (n, c, *s) batch, n, c and the spatial sizes drawn from the given strategies."""
    shape = (draw(n), draw(c), *draw(s))
    return draw(array(shape, 20.0))


@settings(max_examples=40)
@given(x=grouped(st.integers(1, 5), st.integers(1, 6), st.lists(st.integers(1, 3), max_size=2)))
def test_one_group_is_layer_norm_over_all_non_batch_axes(x):
    # The same formula over the same values: exact up to rounding, for every variance.
    n, c = x.shape[:2]
    out, _ = groupnorm_forward(x, np.ones(c), np.zeros(c), num_groups=1)
    flat, _ = layernorm_forward(x.reshape(n, -1), 1.0, 0.0)
    np.testing.assert_allclose(out, flat.reshape(x.shape), rtol=1e-9, atol=1e-9)


@settings(max_examples=40)
@given(
    x=grouped(
        st.integers(1, 5), st.integers(1, 6), st.lists(st.integers(1, 4), min_size=1, max_size=2)
    ),
    data=st.data(),
)
def test_c_groups_is_instance_norm(x, data):
    # Instance norm written out independently: exact up to rounding, for every variance.
    c = x.shape[1]
    gamma, beta = data.draw(array((c,)), label="gamma"), data.draw(array((c,)), label="beta")
    out, _ = groupnorm_forward(x, gamma, beta, num_groups=c, eps=1e-5)
    axes = tuple(range(2, x.ndim))  # each sample and channel over its own positions
    x_hat = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(x.var(axis=axes, keepdims=True) + 1e-5)
    shape = (1, c) + (1,) * (x.ndim - 2)
    expected = gamma.reshape(shape) * x_hat + beta.reshape(shape)
    np.testing.assert_allclose(out, expected, rtol=1e-9, atol=1e-9)


@settings(max_examples=20)
@given(
    data=st.data(),
    n=st.integers(1, 4),
    groups=st.integers(1, 3),
    per=st.integers(1, 3),
    s=st.integers(1, 3),
)
def test_backward_matches_numerical_gradient_for_any_grouping(data, n, groups, per, s):
    c = groups * per
    shape = (n, c, s)
    # Each group's variance is kept >= 0.1 (far above eps and the step), except a group of one
    # value, whose variance is always 0: x_hat = 0 there and so is the gradient.
    x = data.draw(array(shape), label="x")
    if per * s > 1:
        assume(x.reshape(n, groups, -1).var(axis=2).min() >= 0.1)
    dout = data.draw(array(shape), label="dout")
    gamma, beta = data.draw(array((c,)), label="gamma"), data.draw(array((c,)), label="beta")
    out, cache = groupnorm_forward(x, gamma, beta, groups)
    dx, _, _ = groupnorm_backward(dout, cache)
    numeric = numerical_gradient(lambda v: groupnorm_forward(v, gamma, beta, groups)[0], x, dout)
    assert agrees(dx, numeric, out, dout)
