"""The engine's layers: BatchNorm1d with PyTorch's semantics in both modes, NoisyBatchNorm,
Linear and the activations; values, gradient checks (float64, rel error < 1e-7) and errors."""

import warnings

import numpy as np
import pytest

from bnlib._checks import BackwardBeforeForwardError
from bnlib.batchnorm import batchnorm_forward
from bnlib.gradcheck import numerical_gradient, rel_error
from bnlib.layers import BatchNorm1d, Linear, NoisyBatchNorm, ReLU, Sigmoid, Tanh

TOL = 1e-7


def _param_check(make, name, x, dout):
    """Analytic vs numerical gradient of sum(layer(x) * dout) w.r.t. one parameter."""
    layer = make()
    layer.forward(x)
    layer.backward(dout)
    analytic = getattr(layer, "d" + name)

    def f(p):
        fresh = make()
        setattr(fresh, name, p)
        return fresh.forward(x)

    return rel_error(analytic, numerical_gradient(f, getattr(layer, name), dout))


def _input_check(make, x, dout):
    layer = make()
    layer.forward(x)
    return rel_error(layer.backward(dout), numerical_gradient(lambda v: make().forward(v), x, dout))


@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    return rng.normal(size=(7, 4)), rng.normal(size=(7, 3))


def test_linear_values_and_init_scale():
    layer = Linear(2, 1, rng=np.random.default_rng(0))
    layer.W[:] = [[2.0], [-1.0]]
    layer.b[:] = 0.5
    np.testing.assert_allclose(layer.forward([[1.0, 3.0]]), [[-0.5]])
    big = Linear(400, 300, rng=np.random.default_rng(1), init_scale=3.0)
    assert abs(big.W.std() - 3.0 / 20.0) < 0.003  # Normal(0, s^2 / fan_in)
    assert Linear(3, 2, rng=np.random.default_rng(0), bias=False).param_names == ("W",)


def test_linear_gradients(batch):
    x, dout = batch

    def make():
        layer = Linear(4, 3, rng=np.random.default_rng(2))
        layer.b = np.array([0.1, -0.2, 0.3])
        return layer

    assert _input_check(make, x, dout) < TOL
    assert _param_check(make, "W", x, dout) < TOL
    assert _param_check(make, "b", x, dout) < TOL
    layer = make()
    layer.forward(x)
    assert layer.backward(dout, need_dx=False) is None and layer.dW.shape == (4, 3)


@pytest.mark.parametrize("cls", [Sigmoid, Tanh, ReLU])
def test_activation_gradients(cls):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(6, 5))
    x[np.abs(x) < 1e-3] = 0.5  # keep ReLU away from its kink
    assert _input_check(cls, x, rng.normal(size=(6, 5))) < TOL


def test_activation_values():
    z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_allclose(Sigmoid().forward(z), 1 / (1 + np.exp(-z)), rtol=1e-14)
    np.testing.assert_allclose(Tanh().forward(z), np.tanh(z))
    np.testing.assert_array_equal(ReLU().forward(z), [[0.0, 0.0, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning for huge inputs
        np.testing.assert_array_equal(Sigmoid().forward([[-1e308, 1e308]]), [[0.0, 1.0]])


def test_batchnorm_layer_gradients():
    rng = np.random.default_rng(4)
    x, dout = rng.normal(2.0, 3.0, size=(8, 3)), rng.normal(size=(8, 3))

    def make():
        bn = BatchNorm1d(3)
        bn.gamma, bn.beta = np.array([1.5, 0.5, 2.0]), np.array([0.1, -1.0, 3.0])
        return bn

    assert _input_check(make, x, dout) < TOL
    assert _param_check(make, "gamma", x, dout) < TOL
    assert _param_check(make, "beta", x, dout) < TOL


def test_noisy_batchnorm_gradients_with_the_noise_held_fixed():
    rng = np.random.default_rng(5)
    x, dout = rng.normal(size=(8, 3)), rng.normal(size=(8, 3))

    def make():  # the same seed draws the same noise on every call
        return NoisyBatchNorm(3, rng=np.random.default_rng(9), scale_noise=0.5, shift_noise=1.0)

    assert _input_check(make, x, dout) < TOL
    assert _param_check(make, "gamma", x, dout) < TOL
    assert _param_check(make, "beta", x, dout) < TOL


def test_per_example_noisy_batchnorm_gradients_with_the_noise_held_fixed():
    rng = np.random.default_rng(6)
    x, dout = rng.normal(size=(8, 3)), rng.normal(size=(8, 3))

    def make():
        return NoisyBatchNorm(
            3, rng=np.random.default_rng(9), scale_noise=0.5, shift_noise=1.0, per_example=True
        )

    assert _input_check(make, x, dout) < TOL
    assert _param_check(make, "gamma", x, dout) < TOL
    assert _param_check(make, "beta", x, dout) < TOL


def test_per_example_noise_differs_between_examples_shared_noise_does_not():
    x = np.random.default_rng(1).normal(size=(64, 5))
    clean = BatchNorm1d(5).forward(x)
    for per_example in (False, True):
        bn = NoisyBatchNorm(
            5,
            rng=np.random.default_rng(0),
            scale_noise=0.0,
            shift_noise=1.0,
            per_example=per_example,
        )
        shift = bn.forward(x) - clean  # (64, 5): the added c
        spread_over_examples = shift.std(axis=0).max()
        assert (spread_over_examples > 0.5) if per_example else (spread_over_examples < 1e-12)
    with pytest.raises(TypeError, match="per_example must be True or False; got 'yes'"):
        NoisyBatchNorm(2, rng=np.random.default_rng(0), per_example="yes")


def test_noisy_batchnorm_moves_the_distribution_each_step_but_not_in_eval():
    bn = NoisyBatchNorm(50, rng=np.random.default_rng(0), scale_noise=0.5, shift_noise=1.0)
    x = np.random.default_rng(1).normal(size=(64, 50))
    a, b = bn.forward(x), bn.forward(x)
    assert np.abs(a.mean(0) - b.mean(0)).mean() > 0.5  # a different shift every step
    clean = BatchNorm1d(50).forward(x)
    assert np.abs(a.mean(0)).mean() > 0.5 and np.abs(clean.mean(0)).max() < 1e-12
    bn.eval()
    np.testing.assert_array_equal(bn.forward(x), bn.forward(x))
    with pytest.raises(ValueError, match="scale_noise"):
        NoisyBatchNorm(2, rng=np.random.default_rng(0), scale_noise=1.0)
    with pytest.raises(TypeError, match="Generator"):
        NoisyBatchNorm(2, rng=0)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Linear(2, 2, rng=np.random.default_rng(0)),
        lambda: BatchNorm1d(2),
        Sigmoid,
        Tanh,
        ReLU,
    ],
)
def test_backward_before_forward(make):
    with pytest.raises(BackwardBeforeForwardError, match="before any forward"):
        make().backward(np.ones((2, 2)))


def test_bad_linear_input_and_arguments():
    layer = Linear(3, 2, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"Linear wants x of shape \(N, 3\); got \(4, 2\)"):
        layer.forward(np.ones((4, 2)))
    with pytest.raises(TypeError, match="Generator"):
        Linear(3, 2, rng=None)
    with pytest.raises(ValueError, match="init_scale"):
        Linear(3, 2, rng=np.random.default_rng(0), init_scale=0.0)
    with pytest.raises(TypeError, match="in_features must be an int"):
        Linear(3.0, 2, rng=np.random.default_rng(0))


def test_train_eval_switches_return_the_layer():
    layer = Sigmoid()
    assert layer.eval() is layer and layer.training is False
    assert layer.train() is layer and layer.training is True


def test_defaults_match_pytorch():
    bn = BatchNorm1d(3)
    assert (bn.eps, bn.momentum, bn.training, bn.num_batches_tracked) == (1e-5, 0.1, True, 0)
    np.testing.assert_array_equal(bn.gamma, np.ones(3))
    np.testing.assert_array_equal(bn.beta, np.zeros(3))
    np.testing.assert_array_equal(bn.running_mean, np.zeros(3))
    np.testing.assert_array_equal(bn.running_var, np.ones(3))


def test_training_step_uses_batch_stats_and_updates_running_ones():
    x = np.array([[1.0, 10.0], [3.0, 20.0], [5.0, 60.0]])
    bn = BatchNorm1d(2)
    out = bn.forward(x)
    np.testing.assert_allclose(out, batchnorm_forward(x, 1.0, 0.0)[0])
    np.testing.assert_allclose(bn.running_mean, 0.1 * x.mean(0))
    np.testing.assert_allclose(bn.running_var, 0.9 + 0.1 * x.var(0, ddof=1))
    assert bn.num_batches_tracked == 1


def test_eval_uses_running_stats_and_leaves_them_alone():
    bn = BatchNorm1d(1, momentum=None)
    rng = np.random.default_rng(0)
    batches = [rng.normal(5.0, 2.0, size=(10, 1)) for _ in range(4)]
    for b in batches:
        bn.forward(b)
    # Cumulative average: running_mean is the mean of the four batch means.
    np.testing.assert_allclose(bn.running_mean, np.mean([b.mean() for b in batches]))
    before = bn.running_mean.copy(), bn.running_var.copy()
    out = bn.eval().forward(np.array([[5.0], [7.0]]))
    np.testing.assert_allclose(
        out[:, 0], (np.array([5.0, 7.0]) - before[0]) / np.sqrt(before[1] + 1e-5)
    )
    np.testing.assert_array_equal(bn.running_mean, before[0])
    assert bn.num_batches_tracked == 4
    alone = bn.forward(np.array([[7.0]]))  # a batch of one is fine in eval mode
    np.testing.assert_allclose(alone, out[1:])


def test_eval_mode_gradients_treat_the_running_statistics_as_constants():
    rng = np.random.default_rng(1)
    x, dout = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))

    def make():
        bn = BatchNorm1d(3).eval()
        bn.gamma, bn.beta = np.array([1.0, 2.0, 0.5]), np.array([0.3, 0.0, -1.0])
        bn.running_mean, bn.running_var = np.array([0.5, -1.0, 2.0]), np.array([4.0, 0.25, 1.0])
        return bn

    assert _input_check(make, x, dout) < TOL
    assert _param_check(make, "gamma", x, dout) < TOL
    assert _param_check(make, "beta", x, dout) < TOL
    bn = make()
    bn.forward(x)
    np.testing.assert_allclose(bn.backward(dout), dout * bn.gamma / np.sqrt(bn.running_var + 1e-5))


def test_errors():
    bn = BatchNorm1d(2)
    with pytest.raises(ValueError, match="backward called before any forward on BatchNorm1d"):
        bn.backward(np.ones((3, 2)))  # a BackwardBeforeForwardError is also a ValueError
    with pytest.raises(ValueError, match=r"more than 1 value per feature.*\(1, 2\)"):
        bn.forward(np.ones((1, 2)))
    assert bn.num_batches_tracked == 0  # the failed call changed nothing
    with pytest.raises(ValueError, match=r"BatchNorm1d wants x of shape \(N, 2\); got \(4, 3\)"):
        bn.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"x must be 2-D"):
        bn.forward(np.ones((4, 2, 1)))
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\]"):
        BatchNorm1d(2, momentum=2)
    with pytest.raises(ValueError, match="eps must be finite and > 0"):
        BatchNorm1d(2, eps=0.0)
    with pytest.raises(TypeError, match="num_features must be an int"):
        BatchNorm1d(2.0)
