"""Typical mistakes get an error raised before any work, naming the argument, what it got and
what it wanted (issue 16, section 8): one test per mistake."""

import numpy as np
import pytest

import bncourse.gradients.landscape
import bnlib
from bncourse.covariate_shift import recorders
from bncourse.covariate_shift import views as covariate_shift_views
from bncourse.normalization import views as normalization_views
from bnlib.data import load_digits


@pytest.fixture(scope="module")
def model():
    return bnlib.mlp([4, 6, 3], batchnorm=True, rng=np.random.default_rng(0))


def test_batchnorm_forward_refuses_a_variance_that_overflows():
    x = np.random.default_rng(0).normal(size=(8, 3)) * 1e160
    with pytest.raises(
        ValueError, match=r"x is too large .* overflows \(largest \|x\| = 2.33e\+160\); wanted"
    ):
        bnlib.batchnorm_forward(x, 1.0, 0.0)


def test_mlp_refuses_a_fractional_size():
    with pytest.raises(TypeError, match=r"sizes\[0\] must be an int >= 1; got float 64.5"):
        bnlib.mlp([64.5, 10], rng=np.random.default_rng(0))


def test_numerical_gradient_refuses_a_dout_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"dout must have the shape of f\(x\), \(3,\); got \(2,\)"):
        bnlib.numerical_gradient(lambda v: v**2, np.ones(3), np.ones(2))


def test_numerical_gradient_refuses_an_f_returning_a_tuple():
    def f(x):
        return bnlib.batchnorm_forward(x, 1.0, 0.0)  # (out, cache)

    with pytest.raises(TypeError, match="f must return one array.*returned tuple.*not a cache"):
        bnlib.numerical_gradient(f, np.ones((4, 2)), np.ones((4, 2)))


def test_numerical_gradient_refuses_a_zero_step():
    with pytest.raises(ValueError, match="h must be finite and > 0; got 0"):
        bnlib.numerical_gradient(lambda v: v**2, np.ones(3), np.ones(3), h=0)


def test_weight_scale_sweep_refuses_an_index_past_the_model(model):
    x, y = np.ones((5, 4)), np.arange(5) % 3
    with pytest.raises(ValueError, match=r"index must be in \[-4, 4\) .*4 layers.*; got 99"):
        bnlib.weight_scale_sweep(model, 99, x, y, [1.0])
    with pytest.raises(ValueError, match="layer index 1 must be a Linear layer; it is BatchNorm1d"):
        bnlib.weight_scale_sweep(model, 1, x, y, [1.0])


def test_activation_input_percentiles_refuses_a_unit_past_the_layer(model):
    recorder = recorders.activation_input_percentiles(np.ones((5, 4)), units=[200])
    with pytest.raises(ValueError, match=r"units\[0\] must be in \[-6, 6\) .*units.*; got 200"):
        recorder(model, None, None)


def test_train_refuses_a_two_part_data_tuple(model):
    d = load_digits()
    with pytest.raises(ValueError, match=r"data must be a 4-tuple \(x_train, y_train, x_test"):
        bnlib.train(model, (d.x_train, d.y_train), 10, 8, 0.1, np.random.default_rng(0))


def test_layer_input_view_refuses_empty_runs():
    with pytest.raises(ValueError, match=r"runs must be a non-empty dict label -> History.*\{\}"):
        covariate_shift_views.layer_input_view({}, step=0, layer=1)


def test_summarize_landscape_refuses_an_unknown_record_name():
    h = bnlib.training.History(
        np.ones(1), np.zeros(1, int), np.ones(1), np.ones(1), np.zeros(1, int)
    )
    with pytest.raises(ValueError, match=r"name must be a key of history.records.*got 'lands'"):
        bncourse.gradients.landscape.summarize_landscape(h, name="lands")


def test_batch_spread_view_refuses_a_zero_std():
    with pytest.raises(ValueError, match="std must be finite and > 0; got 0"):
        normalization_views.batch_spread_view(4, std=0)


@pytest.mark.parametrize("feature_std", [0, -0.1])
def test_epsilon_view_refuses_a_feature_std_that_is_not_positive(feature_std):
    with pytest.raises(ValueError, match=f"feature_std must be finite and > 0; got {feature_std}"):
        normalization_views.epsilon_view(1e-5, feature_std=feature_std)


def test_keras_to_torch_momentum_refuses_none():
    with pytest.raises(TypeError, match=r"keras_momentum must be a number in \[0, 1\]; got None"):
        bnlib.keras_to_torch_momentum(None)
