"""Notebook 02's library parts: the sigmoid view, its checkers, and learning gamma and beta."""

import numpy as np
import pytest

from bncourse.gamma_beta import views as gamma_beta_views
from bncourse.gamma_beta.studies import fit_regression, sigmoid_teacher
from bnlib.layers import BatchNorm1d, Sigmoid
from bnlib.model import Sequential


def test_sigmoid_view_at_gamma_1_beta_0_is_nearly_linear():
    v = gamma_beta_views.sigmoid_view(1.0, 0.0)
    assert v.y.mean() == pytest.approx(0.0, abs=1e-12) and v.y.std() == pytest.approx(1.0)
    assert v.linearity == pytest.approx(0.985, abs=0.003)
    assert v.saturated < 0.01 and v.out_mean == pytest.approx(0.5, abs=0.01)
    assert 0.2 < v.mean_slope < 0.25


def test_gamma_spreads_beta_shifts():
    wide, shifted = gamma_beta_views.sigmoid_view(3.0, 0.0), gamma_beta_views.sigmoid_view(1.0, 2.0)
    assert wide.saturated == pytest.approx(0.34, abs=0.02)  # |3 z| > 2.89: P(|z| > 0.96)
    assert wide.linearity < 0.9 and wide.out_mean == pytest.approx(0.5, abs=0.01)
    assert shifted.out_mean == pytest.approx(0.845, abs=0.01)
    assert shifted.mean_slope < gamma_beta_views.sigmoid_view(1.0, 0.0).mean_slope


def test_sigmoid_view_edges_do_not_raise():
    flat = gamma_beta_views.sigmoid_view(0.0, 5.0)
    assert flat.constant and np.isnan(flat.linearity) and flat.gain == 0.0
    assert flat.saturated == 1.0 and flat.out_std == 0.0
    text = gamma_beta_views.describe_sigmoid_view(flat)
    assert "constant" in text and "nan" not in text.lower()
    assert np.isfinite(gamma_beta_views.sigmoid_view(-2.0, -5.0).linearity)
    with pytest.raises(ValueError, match="n must be >= 2"):
        gamma_beta_views.sigmoid_view(1.0, 0.0, n=1)


def test_gain_rises_with_gamma_but_falls_with_a_large_shift():
    """The backward gain |gamma| * mean slope: larger gamma passes *more* gradient to x_hat
    (0.07, 0.21, 0.34, 0.37 at gamma 0.3, 1, 3, 5); a large beta is what starves the unit."""
    gains = [gamma_beta_views.sigmoid_view(g, 0.0).gain for g in (0.3, 1.0, 3.0, 5.0)]
    assert np.all(np.diff(gains) > 0)
    np.testing.assert_allclose(gains, [0.07, 0.21, 0.34, 0.37], atol=0.01)
    assert (
        gamma_beta_views.sigmoid_view(1.0, 5.0).gain
        < 0.2 * gamma_beta_views.sigmoid_view(1.0, 0.0).gain
    )


def test_describe_mentions_the_numbers():
    text = gamma_beta_views.describe_sigmoid_view(gamma_beta_views.sigmoid_view(1.0, 0.0))
    assert "98.5%" in text and "0.4%" in text


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
