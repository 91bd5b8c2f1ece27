"""Property tests (hypothesis) for the engine: what must hold for every small network."""

import copy

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from strategies import agrees, array, floats

from bnlib.gradcheck import numerical_gradient
from bnlib.gradflow import weight_scale_sweep
from bnlib.model import forward_backward, mlp, softmax_cross_entropy

seeds = st.integers(0, 2**32 - 1)  # the network's initial weights only; the data is drawn


@st.composite
def labelled(draw, n, d, classes, bound=20.0):
    """Logits or inputs (n, d) in [-bound, bound] and integer labels (n,) in [0, classes)."""
    x = draw(array((n, d), bound))
    y = draw(arrays(np.int64, (n,), elements=st.integers(0, classes - 1)))
    return x, y


@settings(max_examples=40)
@given(data=st.data(), n=st.integers(1, 20), c=st.integers(2, 8), shift=floats(1e3))
def test_cross_entropy_is_shift_invariant_and_its_gradient_rows_sum_to_zero(data, n, c, shift):
    # Exact: softmax(z + s) = softmax(z). Rounding z + s moves z by at most ulp(1e3) ~ 1e-13.
    logits, y = data.draw(labelled(n, c, c))
    loss, dlogits = softmax_cross_entropy(logits, y)
    moved, _ = softmax_cross_entropy(logits + shift, y)
    assert loss >= 0 and np.isclose(loss, moved, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(dlogits.sum(axis=1), 0.0, atol=1e-12)


def well_spread(x):
    """The smallest singular value of the centered batch: every direction has spread."""
    return np.linalg.svd(x - x.mean(axis=0), compute_uv=False).min()


@settings(max_examples=25)
@given(
    data=st.data(),
    seed=seeds,
    hidden=st.lists(st.integers(2, 6), min_size=1, max_size=3),
    activation=st.sampled_from(["sigmoid", "tanh"]),
    batchnorm=st.booleans(),
)
def test_any_small_mlp_passes_the_gradient_check(data, seed, hidden, activation, batchnorm):
    # The drawn batch has spread in every direction (singular values of the centered x >= 0.5),
    # so the variance before the first BN, |w|^2 sigma^2 / N per unit, stays far above eps and
    # the finite-difference step: the check is well conditioned.
    x, y = data.draw(labelled(6, 3, 3, bound=3.0))
    assume(well_spread(x) >= 0.5)
    model = mlp(
        [3, *hidden, 3], activation=activation, batchnorm=batchnorm, rng=np.random.default_rng(seed)
    )
    model.backward(softmax_cross_entropy(model.forward(x), y)[1])
    first = model[0]
    analytic = first.dW.copy()

    def loss_of(w):
        first.W = w
        return softmax_cross_entropy(model.forward(x), y)[0]

    numeric = numerical_gradient(loss_of, first.W.copy(), np.array(1.0))
    assert agrees(analytic, numeric, loss_of(first.W.copy()), 1.0)


@settings(max_examples=25)
@given(data=st.data(), seed=seeds, a=st.floats(0.5, 50.0))
def test_bn_makes_the_loss_invariant_to_the_weight_scale_once_eps_scales_too(data, seed, a):
    # Exact identity: BN_eps(a W h) = BN_(eps / a^2)(W h), so scaling the weights before a BN by
    # a and its eps by a^2 leaves the loss unchanged and divides dL/dW by a, for every variance.
    x, y = data.draw(labelled(16, 5, 3, bound=3.0))
    model = mlp([5, 8, 8, 3], batchnorm=True, rng=np.random.default_rng(seed))
    scaled = copy.deepcopy(model)
    linear, bn = scaled[3], scaled[4]  # the second hidden Linear and its BN
    linear.W = a * linear.W
    bn.eps = bn.eps * a**2
    loss, loss_scaled = forward_backward(model, x, y), forward_backward(scaled, x, y)
    assert np.isclose(loss, loss_scaled, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(a * scaled[3].dW, model[3].dW, rtol=1e-6, atol=1e-12)


SPREAD_BATCH = 2.0 * np.random.default_rng(0).normal(size=(16, 5))
assert well_spread(SPREAD_BATCH) >= 3.6


def min_bn_input_variance(model, x):
    """The smallest per-unit batch variance entering any BatchNorm1d of `model` (inf if none)."""
    smallest, h = np.inf, np.asarray(x)
    for layer in copy.deepcopy(model):
        if type(layer).__name__ == "BatchNorm1d":
            smallest = min(smallest, h.var(axis=0).min())
        h = layer.forward(h)
    return smallest


def pre_bn_variance(model, index, x):
    """The per-unit batch variance of layer `index`'s output (the input of the BN after it)."""
    h = np.asarray(x)
    for layer in copy.deepcopy(model)[: index + 1]:
        h = layer.forward(h)
    return h.var(axis=0)


@settings(max_examples=25)
@given(data=st.data(), seed=seeds, a=st.floats(0.5, 50.0))
def test_bn_networks_are_invariant_to_scaling_the_weights_before_bn(data, seed, a):
    # With eps fixed, BN(aWx) = BN(Wx) holds only up to eps: each normalized value moves by a
    # factor sqrt((v + eps) / (v + eps / a^2)), at most eps |1 - 1/a^2| / (2 v) from 1 for a
    # unit of batch variance v (as 2 v <= (v + eps/a^2)(1 + sqrt(...))). The flaky version of
    # this test drew units with v ~ 1e-3 (a 1% change). Here the draw keeps v far above eps:
    # init_scale=10 puts the variance before the second BN near 4, and draws whose largest
    # relative change exceeds 1e-5 are rejected. Loss and gradient norm then move by that
    # change times how the later layers carry it; 100x the change is the margin allowed.
    # The batch must also have spread in every direction: a batch of equal rows but one (seed 6
    # found it) gives every BN the same normalized pattern whatever W is, so the gradient is
    # itself of the order of eps and no longer scales like 1/a. So the batch is a fixed
    # well-spread one (centered singular values >= 3.6) plus a drawn perturbation of spectral
    # norm <= 0.1 * 3 * sqrt(80) < 2.7: every draw keeps singular values >= 0.9.
    drawn, y = data.draw(labelled(16, 5, 3, bound=3.0))
    x = SPREAD_BATCH + 0.1 * drawn
    assert well_spread(x) >= 0.9
    model = mlp([5, 8, 8, 3], batchnorm=True, init_scale=10.0, rng=np.random.default_rng(seed))
    eps = model[4].eps
    variance = pre_bn_variance(model, 3, x).min()
    assume(variance > 0)  # a batch of equal rows
    change = eps * abs(1 - 1 / a**2) / (2 * variance)
    assume(change < 1e-5)
    losses, norms = weight_scale_sweep(model, 3, x, y, [1.0, a])  # the second hidden Linear
    assert np.isclose(losses[0], losses[1], rtol=100 * change, atol=1e-12)
    assert np.isclose(norms[0], a * norms[1], rtol=100 * change, atol=1e-12)
