"""Notebook 03's library parts: gradient flow, weight-scale sweeps, landscape summaries,
the checkers, and the plots (drawn headless)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from bncourse.gradients import plots as gradients_plots
from bncourse.gradients.gradient_norms import layer_gradient_norms
from bncourse.gradients.landscape import landscape_recorder, summarize_landscape
from bnlib.data import load_digits
from bnlib.gradflow import layer_input_spread, weight_scale_sweep
from bnlib.model import mlp
from bnlib.training import train

DIGITS = load_digits()
XB, YB = DIGITS.x_train[:60], DIGITS.y_train[:60]
SIZES = [64, 100, 100, 100, 10]


def test_bn_makes_the_gradient_scale_like_one_over_a():
    scales = np.array([0.3, 1.0, 3.0, 10.0])
    model = mlp(SIZES, batchnorm=True, rng=np.random.default_rng(1))
    losses, norms = weight_scale_sweep(model, 0, XB, YB, scales)
    assert np.ptp(losses) < 1e-4  # eps matters a little at a = 0.3
    np.testing.assert_allclose(norms * scales, norms[1], rtol=1e-3)
    plain = mlp(SIZES, rng=np.random.default_rng(1))
    _, plain_norms = weight_scale_sweep(plain, 0, XB, YB, scales)
    assert not np.allclose(plain_norms * scales, plain_norms[1], rtol=0.5)
    with pytest.raises(ValueError, match="must be a Linear layer"):
        weight_scale_sweep(model, 1, XB, YB, scales)


def test_sweep_and_norms_leave_the_model_alone():
    model = mlp(SIZES, batchnorm=True, rng=np.random.default_rng(1))
    W = model[0].W.copy()
    weight_scale_sweep(model, 0, XB, YB, [5.0])
    layer_gradient_norms(model, XB, YB)
    np.testing.assert_array_equal(model[0].W, W)
    assert model[0].dW is None and model[1].num_batches_tracked == 0


def test_gradients_vanish_through_sigmoids_without_bn_but_not_with_it():
    plain = layer_gradient_norms(mlp(SIZES, init_scale=0.3, rng=np.random.default_rng(3)), XB, YB)
    with_bn = layer_gradient_norms(
        mlp(SIZES, batchnorm=True, init_scale=0.3, rng=np.random.default_rng(3)), XB, YB
    )
    assert plain.shape == with_bn.shape == (4,)
    assert np.all(np.diff(plain) > 0) and plain[0] / plain[-1] < 1e-3
    assert with_bn[0] / with_bn[-1] > 0.3
    assert np.ptp(with_bn[:3]) < 0.2  # hidden layers about equal


def test_spread_shrinks_by_the_sigmoid_slope_without_bn_and_is_restored_with_it():
    probe = DIGITS.x_train[:200]
    spread = layer_input_spread(probe)
    plain = spread(mlp(SIZES, rng=np.random.default_rng(1)), None, None)
    assert plain.shape == (3, 3) and plain[0].max() == 0.0  # nothing saturated at scale 1
    assert np.all(plain[2] <= 0.25 * plain[1] + 1e-12)  # a sigmoid's slope is at most 1/4
    assert np.all(np.diff(plain[1]) < 0) and plain[2, -1] < 0.01  # shrinks layer by layer
    for scale in (0.3, 10.0):
        with_bn = spread(
            mlp(SIZES, batchnorm=True, init_scale=scale, rng=np.random.default_rng(1)), None, None
        )
        np.testing.assert_allclose(with_bn[1], 1.0, atol=3e-3)  # x_hat: 1 up to eps
    large = spread(mlp(SIZES, init_scale=10.0, rng=np.random.default_rng(1)), None, None)
    assert large[0].min() > 0.3 and large[2, -1] > 10 * plain[2, -1]


def test_spread_leaves_the_model_alone_and_refuses_bad_input():
    model = mlp(SIZES, batchnorm=True, rng=np.random.default_rng(1))
    W = model[0].W.copy()
    layer_input_spread(XB)(model, None, None)
    np.testing.assert_array_equal(model[0].W, W)
    assert model[1].num_batches_tracked == 0
    with pytest.raises(ValueError, match="at least 2 rows"):
        layer_input_spread(XB[:1])
    relu = mlp([64, 10, 10], activation="relu", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="at least 1 Sigmoid layer"):
        layer_input_spread(XB)(relu, None, None)


def test_summarize_reads_the_recorded_probes():
    gen = np.random.default_rng(0)
    model = mlp([64, 32, 10], activation="relu", batchnorm=True, rng=gen)
    h = train(
        model,
        DIGITS,
        50,
        30,
        0.1,
        gen,
        record={"landscape": landscape_recorder([0.05, 0.2])},
        record_every=25,
    )
    s = summarize_landscape(h)
    np.testing.assert_array_equal(s.steps, [0, 25])
    assert np.all(s.loss_low <= h.loss[s.steps]) and np.all(h.loss[s.steps] <= s.loss_high)
    assert np.all(s.grad_change > 0) and np.all(s.beta_smoothness > 0)


def test_plots_draw():
    scales = np.array([0.5, 1.0, 2.0])
    sweep = (np.ones(3), 1 / scales)
    assert len(gradients_plots.scale_invariance(scales, {"BN": sweep})) == 2
    s = summarize_landscape(
        train(
            mlp([64, 16, 10], batchnorm=True, rng=np.random.default_rng(0)),
            DIGITS,
            20,
            20,
            0.1,
            np.random.default_rng(0),
            record={"landscape": landscape_recorder([0.1])},
            record_every=10,
        )
    )
    assert len(gradients_plots.landscape({"BN": s})) == 3
    axes = gradients_plots.gradient_flow(
        {"no BN, x": np.ones(4), "BN, x": np.ones(4)}, {"BN": ([0, 1], [1, 2])}
    )
    assert len(axes) == 2
    plt.close("all")
