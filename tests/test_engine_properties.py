"""Property tests (hypothesis) for the engine: what must hold for every small network."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bnlib import mlp, numerical_gradient, rel_error, softmax_cross_entropy, weight_scale_sweep

seeds = st.integers(0, 2**32 - 1)


@settings(max_examples=40, deadline=None)
@given(seed=seeds, n=st.integers(1, 20), c=st.integers(2, 8), shift=st.floats(-1e3, 1e3))
def test_cross_entropy_is_shift_invariant_and_its_gradient_rows_sum_to_zero(seed, n, c, shift):
    rng = np.random.default_rng(seed)
    logits, y = rng.normal(0, 5, size=(n, c)), rng.integers(0, c, size=n)
    loss, dlogits = softmax_cross_entropy(logits, y)
    moved, _ = softmax_cross_entropy(logits + shift, y)
    assert loss >= 0 and np.isclose(loss, moved, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(dlogits.sum(axis=1), 0.0, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    seed=seeds,
    hidden=st.lists(st.integers(2, 6), min_size=1, max_size=3),
    activation=st.sampled_from(["sigmoid", "tanh"]),
    batchnorm=st.booleans(),
)
def test_any_small_mlp_passes_the_gradient_check(seed, hidden, activation, batchnorm):
    rng = np.random.default_rng(seed)
    model = mlp([3, *hidden, 3], activation=activation, batchnorm=batchnorm, rng=rng)
    x, y = rng.normal(size=(6, 3)), rng.integers(0, 3, size=6)
    model.backward(softmax_cross_entropy(model.forward(x), y)[1])
    first = model[0]
    analytic = first.dW.copy()

    def loss_of(w):
        first.W = w
        return softmax_cross_entropy(model.forward(x), y)[0]

    numeric = numerical_gradient(loss_of, first.W.copy(), np.array(1.0))
    assert rel_error(analytic, numeric) < 1e-7


@settings(max_examples=25, deadline=None)
@given(seed=seeds, a=st.floats(0.5, 50.0))
def test_bn_networks_are_invariant_to_scaling_the_weights_before_bn(seed, a):
    rng = np.random.default_rng(seed)
    model = mlp([5, 8, 8, 3], batchnorm=True, rng=rng)
    x, y = rng.normal(size=(16, 5)), rng.integers(0, 3, size=16)
    losses, norms = weight_scale_sweep(model, 3, x, y, [1.0, a])  # the second hidden Linear
    # Exact but for eps (1e-5), which weighs more when a shrinks the variance before BN.
    assert np.isclose(losses[0], losses[1], rtol=1e-3)
    assert np.isclose(norms[0], a * norms[1], rtol=1e-2)
