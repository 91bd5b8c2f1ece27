"""Notebook 03's library parts: gradient flow, weight-scale sweeps, landscape summaries,
the checkers, and the plots (drawn headless)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from bnlib import (
    exercises,
    landscape_recorder,
    layer_gradient_norms,
    load_digits,
    mlp,
    plots,
    summarize,
    train,
    weight_scale_sweep,
)

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
    s = summarize(h)
    np.testing.assert_array_equal(s.steps, [0, 25])
    assert np.all(s.loss_low <= h.loss[s.steps]) and np.all(h.loss[s.steps] <= s.loss_high)
    assert np.all(s.grad_change > 0) and np.all(s.beta_smoothness > 0)


@pytest.mark.parametrize(
    ("body", "passed", "phrase"),
    [
        ("fused", True, "matches bnlib"),
        ("direct", False, "only kept the direct path"),
        ("no_var", False, "variance is missing"),
        ("no_mean", False, "mean is missing"),
        ("no_gamma", False, "gamma is missing"),
        ("sign", False, "sign is flipped"),
        ("n_minus_1", False, "N - 1"),
        ("none", False, "returned None"),
        ("shape", False, "shape"),
    ],
)
def test_backward_checker(body, passed, phrase):
    def fn(dout, x, gamma, eps):
        n, s = x.shape[0], 1 / np.sqrt(x.var(0) + eps)
        x_hat, g = (x - x.mean(0)) * s, dout * gamma
        full = n * g - g.sum(0) - x_hat * (g * x_hat).sum(0)
        return {
            "fused": s / n * full,
            "direct": g * s,
            "no_var": s * (g - g.mean(0)),
            "no_mean": s * (g - x_hat * (g * x_hat).mean(0)),
            "no_gamma": s / n * (n * dout - dout.sum(0) - x_hat * (dout * x_hat).sum(0)),
            "sign": -s / n * full,
            "n_minus_1": s / (n - 1) * full,
            "none": None,
            "shape": full[:2],
        }[body]

    feedback = exercises.check_batchnorm_backward(fn)
    assert bool(feedback) is passed and phrase in feedback.message


@pytest.mark.parametrize(
    ("answer", "passed", "phrase"),
    [
        (0.16, True, "0.16"),
        (4.0, False, "other way"),
        (0.8, False, "not"),
        (0.032, False, "1/a^2"),
        (..., False, "replace"),
        ("x", False, "number"),
        (1.0, False, "off"),
    ],
)
def test_scaled_gradient_checker(answer, passed, phrase):
    feedback = exercises.check_scaled_gradient(answer, scale=5.0, norm=0.8)
    assert bool(feedback) is passed and phrase in feedback.message


def test_plots_draw():
    scales = np.array([0.5, 1.0, 2.0])
    sweep = (np.ones(3), 1 / scales)
    assert len(plots.scale_invariance(scales, {"BN": sweep})) == 2
    s = summarize(
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
    assert len(plots.landscape({"BN": s})) == 3
    axes = plots.gradient_flow(
        {"no BN, x": np.ones(4), "BN, x": np.ones(4)}, {"BN": ([0, 1], [1, 2])}
    )
    assert len(axes) == 2
    plt.close("all")
