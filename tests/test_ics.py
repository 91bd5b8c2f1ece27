"""Internal covariate shift (Santurkar et al.'s gradient measure) and the layer-input recorders."""

import copy

import numpy as np
import pytest

from bncourse.covariate_shift.recorders import ics_recorder, layer_input_histograms
from bnlib.data import load_digits
from bnlib.ics import internal_covariate_shift
from bnlib.layers import BatchNorm1d, Linear, Sigmoid
from bnlib.model import Sequential, forward_backward, mlp
from bnlib.training import train


def _softmax_grad(logits, y):
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1.0
    return p / len(y)


def _two_layers(W1, b1, W2, b2):
    first, second = (
        Linear(2, 3, rng=np.random.default_rng(0)),
        Linear(3, 2, rng=np.random.default_rng(0)),
    )
    first.W, first.b, second.W, second.b = W1.copy(), b1.copy(), W2.copy(), b2.copy()
    return Sequential([first, second])


def test_two_linear_layers_by_hand():
    """x -> h = x W1 + b1 -> logits = h W2 + b2 -> softmax cross-entropy, written out in numpy."""
    x = np.array([[1.0, 2.0], [0.5, -1.0], [-2.0, 0.0], [0.0, 1.5]])
    y = np.array([0, 1, 1, 0])
    W1 = np.array([[0.5, -0.3, 0.8], [0.2, 0.7, -0.4]])
    b1 = np.array([0.1, 0.0, -0.2])
    W2 = np.array([[1.0, -1.0], [0.5, 0.3], [-0.6, 0.9]])
    b2 = np.array([0.0, 0.2])
    lr = 0.5
    h = x @ W1 + b1
    d = _softmax_grad(h @ W2 + b2, y)
    G = h.T @ d  # dL/dW2 at the current parameters
    dh = d @ W2.T
    W1_new, b1_new = W1 - lr * x.T @ dh, b1 - lr * dh.sum(axis=0)  # the layer below steps
    h_new = x @ W1_new + b1_new
    G_new = h_new.T @ _softmax_grad(h_new @ W2 + b2, y)  # W2 itself has not moved
    l2, cosine = internal_covariate_shift(_two_layers(W1, b1, W2, b2), x, y, lr)
    assert l2.shape == cosine.shape == (1,)
    assert l2[0] == pytest.approx(np.linalg.norm(G - G_new), rel=1e-12)
    want_cos = np.sum(G * G_new) / (np.linalg.norm(G) * np.linalg.norm(G_new))
    assert cosine[0] == pytest.approx(want_cos, rel=1e-12)
    assert l2[0] > 0.01 and cosine[0] < 0.999  # a real shift, not a trivially zero one


def _bn_model(seed=0):
    return mlp([6, 8, 8, 8, 4], batchnorm=True, rng=np.random.default_rng(seed))


def _batch(seed=1, n=20):
    gen = np.random.default_rng(seed)
    return gen.normal(size=(n, 6)), gen.integers(0, 4, n)


def _state(model):
    arrays = []
    for layer in model.layers:
        for name in (*layer.param_names, "running_mean", "running_var", "num_batches_tracked"):
            if hasattr(layer, name):
                arrays.append(np.copy(getattr(layer, name)))
    return arrays


def test_model_is_unchanged_including_running_statistics():
    model = _bn_model()
    model[-1].eval()  # a mode the measure must not reset either
    before = _state(model)
    l2, cosine = internal_covariate_shift(model, *_batch(), lr=0.3)
    assert l2.shape == cosine.shape == (3,)
    for a, b in zip(before, _state(model), strict=True):
        np.testing.assert_array_equal(a, b)
    assert model[-1].training is False and model[0].training is True


def test_noisy_bn_generator_is_not_advanced():
    model = mlp([6, 8, 8, 4], noisy_bn={"shift_noise": 1.0}, rng=np.random.default_rng(0))
    state = copy.deepcopy(model[1].rng.bit_generator.state)
    internal_covariate_shift(model, *_batch(), lr=0.1)
    assert model[1].rng.bit_generator.state == state


def test_layers_below_include_bn_parameters():
    """Moving only the BN gamma/beta below a layer changes its gradient: they are stepped too."""
    model = _bn_model()
    x, y = _batch()
    l2, _ = internal_covariate_shift(model, x, y, lr=0.2)
    frozen = copy.deepcopy(model)
    for layer in frozen.layers:  # freeze the Linear layers below: only gamma/beta can move
        if isinstance(layer, Linear):
            layer.param_names = ()
    l2_bn_only, _ = internal_covariate_shift(frozen, x, y, lr=0.2)
    assert np.all(l2_bn_only > 0) and not np.allclose(l2_bn_only, l2)


def test_shift_vanishes_linearly_with_the_step():
    model, (x, y) = _bn_model(), _batch()
    small, cos_small = internal_covariate_shift(model, x, y, lr=1e-6)
    smaller, _ = internal_covariate_shift(model, x, y, lr=1e-7)
    np.testing.assert_allclose(small / smaller, 10.0, rtol=1e-3)
    np.testing.assert_allclose(cos_small, 1.0, atol=1e-9)


def test_bn_layers_use_batch_statistics():
    """In eval mode the running statistics would be used; the measure uses the batch's."""
    model, (x, y) = _bn_model(), _batch()
    evaluated = copy.deepcopy(model).eval()
    np.testing.assert_array_equal(
        internal_covariate_shift(model, x, y, 0.1)[0],
        internal_covariate_shift(evaluated, x, y, 0.1)[0],
    )


def test_bad_input_is_named():
    model, (x, y) = _bn_model(), _batch()
    with pytest.raises(TypeError, match="model must be a bnlib Sequential"):
        internal_covariate_shift([model], x, y, 0.1)
    with pytest.raises(ValueError, match="at least 2 Linear layers"):
        internal_covariate_shift(
            Sequential([Linear(6, 4, rng=np.random.default_rng(0))]), x, y, 0.1
        )
    with pytest.raises(ValueError, match=r"x must be 2-D"):
        internal_covariate_shift(model, x[0], y, 0.1)
    with pytest.raises(ValueError, match="y must hold 20 integer labels"):
        internal_covariate_shift(model, x, y[:5], 0.1)
    with pytest.raises(ValueError, match="y must hold 20 integer labels"):
        internal_covariate_shift(model, x, y.astype(float), 0.1)
    with pytest.raises(ValueError, match="lr must be finite and > 0"):
        internal_covariate_shift(model, x, y, 0.0)
    with pytest.raises(TypeError, match="lr must be a real number"):
        internal_covariate_shift(model, x, y, "0.1")
    with pytest.raises(ValueError, match="x must be finite"):
        internal_covariate_shift(model, np.full_like(x, np.nan), y, 0.1)


def test_recorders_in_training():
    digits = load_digits()
    gen = np.random.default_rng(0)
    model = mlp([64, 16, 16, 10], batchnorm=True, rng=gen)
    edges = np.linspace(-4, 4, 9)
    record = {
        "ics": ics_recorder(0.5),
        "hist": layer_input_histograms(digits.x_train[:40], edges),
    }
    h = train(model, digits, 60, 30, 0.5, gen, record=record, record_every=20)
    assert h.records["ics"].shape == (3, 3, 2)  # steps, (l2, cosine, relative), layers 2-3
    assert np.all(h.records["ics"][:, 0] > 0) and np.all(np.abs(h.records["ics"][:, 1]) <= 1)
    assert np.all(h.records["ics"][:, 2] > 0)
    assert h.records["hist"].shape == (3, 2, 8)
    np.testing.assert_array_equal(h.records["hist"].sum(axis=2), 40 * 16)


def test_histograms_count_outside_values_in_the_end_bins():
    model = Sequential([BatchNorm1d(1), Sigmoid()])
    x = np.array([[-10.0], [0.0], [10.0]])  # normalized to about -1.22, 0, 1.22
    counts = layer_input_histograms(x, [-1.0, 0.5, 1.0])(model, None, None)
    np.testing.assert_array_equal(counts, [[2, 1]])
    with pytest.raises(ValueError, match="edges must be a 1-D increasing"):
        layer_input_histograms(x, [1.0, 0.0])
    with pytest.raises(ValueError, match="at least 1 activation layers"):
        layer_input_histograms(x, [0.0, 1.0])(Sequential([BatchNorm1d(1)]), None, None)


def test_relative_row_is_l2_over_the_norm_of_g_and_does_not_scale_with_the_loss():
    model, (x, y) = _bn_model(), _batch()
    rows = ics_recorder(0.3)(model, x, y)
    l2, cosine = internal_covariate_shift(model, x, y, lr=0.3)
    np.testing.assert_array_equal(rows[:2], [l2, cosine])
    work = copy.deepcopy(model)
    forward_backward(work, x, y)
    g_norms = [np.linalg.norm(work[i].dW) for i in work.find(Linear)[1:]]
    np.testing.assert_allclose(rows[2], l2 / np.array(g_norms), rtol=1e-12)
    assert np.all((rows[2] > 0) & (rows[2] < 2))


def _noisy_model(per_example):
    noise = {"scale_noise": 0.5, "shift_noise": 1.0, "per_example": per_example}
    return mlp([6, 8, 8, 8, 4], noisy_bn=noise, rng=np.random.default_rng(0))


@pytest.mark.parametrize("per_example", [False, True])
def test_fresh_noise_puts_the_injected_shift_into_the_measure(per_example):
    x, y = _batch()
    model = _noisy_model(per_example)
    state = model[1].rng.bit_generator.state
    same, _ = internal_covariate_shift(model, x, y, lr=1e-9)
    fresh, cos_fresh = internal_covariate_shift(model, x, y, lr=1e-9, fresh_noise=True)
    assert np.all(same < 1e-6)  # same noise, a tiny step: almost no shift
    assert np.all(fresh > 1e-3) and np.all(cos_fresh < 0.999)  # new noise alone moves G
    assert model[1].rng.bit_generator.state == state  # the model's generator is untouched
    # a model without noisy BN measures the same with or without fresh_noise
    plain, (x, y) = _bn_model(), _batch()
    np.testing.assert_array_equal(
        internal_covariate_shift(plain, x, y, 0.1, fresh_noise=True)[0],
        internal_covariate_shift(plain, x, y, 0.1)[0],
    )


def test_fresh_noise_must_be_a_bool():
    model, (x, y) = _bn_model(), _batch()
    with pytest.raises(TypeError, match="fresh_noise must be True or False; got 1"):
        internal_covariate_shift(model, x, y, 0.1, fresh_noise=1)
    with pytest.raises(TypeError, match="fresh_noise must be True or False"):
        ics_recorder(0.1, fresh_noise="no")
