"""Notebook 02's library parts: the sigmoid view, its checkers, and learning gamma and beta."""

import numpy as np
import pytest

from bnlib import (
    BatchNorm1d,
    Sequential,
    Sigmoid,
    exercises,
    fit_regression,
    sigmoid_teacher,
    widgets,
)


def test_sigmoid_view_at_gamma_1_beta_0_is_nearly_linear():
    v = widgets.sigmoid_view(1.0, 0.0)
    assert v.y.mean() == pytest.approx(0.0, abs=1e-12) and v.y.std() == pytest.approx(1.0)
    assert v.linearity == pytest.approx(0.985, abs=0.003)
    assert v.saturated < 0.01 and v.out_mean == pytest.approx(0.5, abs=0.01)
    assert 0.2 < v.mean_slope < 0.25


def test_gamma_spreads_beta_shifts():
    wide, shifted = widgets.sigmoid_view(3.0, 0.0), widgets.sigmoid_view(1.0, 2.0)
    assert wide.saturated == pytest.approx(0.34, abs=0.02)  # |3 z| > 2.89: P(|z| > 0.96)
    assert wide.linearity < 0.9 and wide.out_mean == pytest.approx(0.5, abs=0.01)
    assert shifted.out_mean == pytest.approx(0.845, abs=0.01)
    assert shifted.mean_slope < widgets.sigmoid_view(1.0, 0.0).mean_slope


def test_sigmoid_view_edges_do_not_raise():
    flat = widgets.sigmoid_view(0.0, 5.0)
    assert flat.linearity == 1.0 and flat.saturated == 1.0 and flat.out_std == 0.0
    assert np.isfinite(widgets.sigmoid_view(-2.0, -5.0).linearity)
    with pytest.raises(ValueError, match="n must be >= 2"):
        widgets.sigmoid_view(1.0, 0.0, n=1)


def test_describe_mentions_the_numbers():
    text = widgets.describe_sigmoid_view(widgets.sigmoid_view(1.0, 0.0))
    assert "98.5%" in text and "0.4%" in text


@pytest.mark.parametrize(
    ("fn", "passed", "phrase"),
    [
        (lambda x, eps: (np.sqrt(x.var(0) + eps), x.mean(0)), True, "returns its input"),
        (lambda x, eps: (x.std(0), x.mean(0)), False, "eps is missing"),
        (lambda x, eps: (np.sqrt(x.var(0, ddof=1) + eps), x.mean(0)), False, "biased"),
        (lambda x, eps: (x.var(0) + eps, x.mean(0)), False, "not the variance"),
        (lambda x, eps: (1 / np.sqrt(x.var(0) + eps), x.mean(0)), False, "upside down"),
        (lambda x, eps: (x.mean(0), np.sqrt(x.var(0) + eps)), False, "swapped"),
        (lambda x, eps: (np.sqrt(x.var(0) + eps), 0 * x.mean(0)), False, "shift back"),
        (lambda x, eps: (np.sqrt(x.var() + eps), x.mean()), False, "shape (3,)"),
        (lambda x, eps: ..., False, "returned None"),
        (lambda x, eps: 1 / 0, False, "ZeroDivisionError"),
        (lambda x: x, False, "the arguments (x, eps)"),
    ],
)
def test_identity_checker_diagnoses(fn, passed, phrase):
    feedback = exercises.check_identity_params(fn)
    assert bool(feedback) is passed and phrase in feedback.message


@pytest.mark.parametrize(
    ("gamma", "beta", "passed", "phrase"),
    [
        (0.8, 1.5, True, "mean output 0.79"),
        (1.0, 0.0, False, "increase beta"),
        (1.0, 4.0, False, "decrease beta"),
        (3.0, 3.0, False, "smaller gamma"),
        (..., ..., False, "replace the ..."),
        ("a", 1, False, "two numbers"),
        (float("nan"), 1.0, False, "finite"),
    ],
)
def test_steered_sigmoid_checker(gamma, beta, passed, phrase):
    feedback = exercises.check_steered_sigmoid(gamma, beta)
    assert bool(feedback) is passed and phrase in feedback.message


def test_gradient_descent_learns_the_teachers_gamma_and_beta():
    task = sigmoid_teacher(256, [3.0, 0.5], [-1.0, 2.0], np.random.default_rng(0))
    model = Sequential([BatchNorm1d(2), Sigmoid()])
    record = {"gamma": lambda m: m[0].gamma.copy()}
    fit = fit_regression(model, task.x, task.target, steps=300, lr=10.0, record=record)
    np.testing.assert_allclose(model[0].gamma, [3.0, 0.5], atol=1e-3)
    np.testing.assert_allclose(model[0].beta, [-1.0, 2.0], atol=1e-3)
    assert fit.loss.shape == (300,) and fit.records["gamma"].shape == (301, 2)
    np.testing.assert_array_equal(fit.records["gamma"][0], [1.0, 1.0])
    assert fit.loss[-1] < 1e-8 < fit.loss[0]
