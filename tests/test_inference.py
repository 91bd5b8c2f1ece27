"""Notebook 05's other pieces: running_average, the panel's compute function, the gap study."""

import numpy as np
import pytest

from bncourse.inference.recorders import bn_input
from bncourse.inference.studies import GapStudy, running_average, running_stream, train_eval_gap
from bncourse.inference.views import describe_running_estimate_view, running_estimate_view
from bnlib.data import load_digits
from bnlib.inference import predict_proba
from bnlib.model import mlp
from bnlib.running import update_running_stats
from bnlib.training import train


def test_running_average_matches_update_running_stats():
    rng = np.random.default_rng(0)
    means, variances = rng.normal(size=(20, 3)), rng.uniform(0.5, 2.0, (20, 3))
    for momentum in (0.0, 0.1, 1.0, None):
        mean, var = np.zeros(3), np.ones(3)
        for t in range(20):
            # update_running_stats unbiases a biased variance: feed it var * (n-1)/n with n = 4
            mean, var = update_running_stats(
                mean,
                var,
                means[t],
                variances[t] * 3 / 4,
                n=4,
                momentum=momentum,
                num_batches_tracked=t + 1,
            )
        np.testing.assert_allclose(running_average(means, momentum, 0.0)[-1], mean, rtol=1e-12)
        np.testing.assert_allclose(running_average(variances, momentum, 1.0)[-1], var, rtol=1e-12)


def test_running_average_rejects_bad_input():
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\]"):
        running_average([1.0, 2.0], momentum=1.5)
    with pytest.raises(ValueError, match="T >= 1"):
        running_average([], momentum=0.1)
    with pytest.raises(ValueError, match="values must be finite"):
        running_average([1.0, np.nan])


def _stream():
    rng = np.random.default_rng(0)
    drift = np.linspace(1.0, 0.0, 200)[:, None]
    # the same 400 values at every step, shifted by a drifting mean: the true variance is fixed
    return running_stream(drift + 0.5 * rng.standard_normal(400), max_batch=256)


def test_batch_statistics_are_those_of_the_drawn_rows():
    s = _stream()
    e = running_estimate_view(8, 0.1, s)
    assert e.batch_means.shape == (200,)
    # true statistics and the size of batch-mean noise: sigma / sqrt(m)
    assert np.std(e.batch_means - e.true_mean) == pytest.approx(0.5 / np.sqrt(8), rel=0.15)
    assert np.mean(e.batch_vars) == pytest.approx(0.25, rel=0.1)  # unbiased


def test_momentum_extremes_and_batch_of_one():
    s = _stream()
    frozen = running_estimate_view(16, 0.0, s)
    np.testing.assert_array_equal(frozen.running_mean, 0.0)
    np.testing.assert_array_equal(frozen.running_var, 1.0)
    last = running_estimate_view(16, 1.0, s)
    np.testing.assert_allclose(last.running_mean, last.batch_means)
    one = running_estimate_view(1, 0.1, s)
    assert not one.updates and one.batch_vars.size == 0
    np.testing.assert_array_equal(one.running_mean, 0.0)
    assert "never updated" in describe_running_estimate_view(one)
    assert "never move" in describe_running_estimate_view(frozen)


def test_small_momentum_lags_and_large_batches_track():
    s = _stream()
    slow, fast = running_estimate_view(256, 0.01, s), running_estimate_view(256, 0.1, s)
    assert abs(slow.final_mean_error) > 3 * abs(fast.final_mean_error)
    assert abs(fast.final_var_error) < 0.1
    noisy = running_estimate_view(2, 1.0, s)
    late = slice(50, None)  # after the start-up from the initial value 0
    noisy_error = np.std((noisy.running_mean - s.true_mean)[late])
    assert noisy_error > 5 * np.std((fast.running_mean - s.true_mean)[late])


def test_running_estimate_rejects_bad_sliders():
    s = _stream()
    with pytest.raises(ValueError, match="batch_size must be <= 256"):
        running_estimate_view(300, 0.1, s)
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\]"):
        running_estimate_view(4, 2.0, s)
    with pytest.raises(ValueError, match=r"population must have shape \(T, N\)"):
        running_stream(np.ones((3, 10)), max_batch=256)


def test_gap_study_shapes_and_replayed_momentum_one_is_the_last_batch():
    g = train_eval_gap(load_digits(), (4, 30), (0.1, 1.0), (0, 1), (10, 20), 0.5, [64, 16, 10])
    assert isinstance(g, GapStudy)
    assert g.accuracy.shape == (2, 2, 2, 4)
    assert ((g.accuracy >= 0) & (g.accuracy <= 1)).all()
    again = train_eval_gap(load_digits(), (4,), (0.1,), (0,), (10,), 0.5, [64, 16, 10])
    assert again.accuracy[0, 0, 0, 0] == g.accuracy[0, 0, 0, 0]  # deterministic per seed
    with pytest.raises(ValueError, match="every batch size must be >= 2"):
        train_eval_gap(load_digits(), (1,), (0.1,), (0,), (10,), 0.5, [64, 16, 10])
    with pytest.raises(ValueError, match="checkpoints must increase"):
        train_eval_gap(load_digits(), (4,), (0.1,), (0,), (20, 10), 0.5, [64, 16, 10])


def test_bn_input_and_predict_proba():
    digits, rng = load_digits(), np.random.default_rng(0)
    model = mlp([64, 8, 8, 10], batchnorm=True, rng=rng)
    rec = {
        "first": bn_input(1, digits.x_train[:50], (0, 2)),
        "second": bn_input(4, digits.x_train[:50]),
    }
    h = train(model, digits, 5, 20, 0.5, rng, record=rec, record_every=1)
    assert h.records["first"].shape == (5, 50, 2) and h.records["second"].shape == (5, 50, 1)
    assert model[1].num_batches_tracked == 5
    p = predict_proba(model, digits.x_test[:7])
    assert p.shape == (7, 10) and np.allclose(p.sum(axis=1), 1.0)
    assert model[1].training  # predict_proba used a copy
    p_train = predict_proba(model, digits.x_test[:7], train_mode=True)
    assert not np.allclose(p, p_train)


def test_running_estimate_plot_keeps_every_line_inside_the_fixed_limits():
    import matplotlib.pyplot as plt

    from bncourse.inference import plots as inference_plots

    s = _stream()
    # the running variance is the last batch's: near 0 at times
    noisy = running_estimate_view(2, 1.0, s)
    assert noisy.running_var.min() < noisy.var_limits[0]
    ax_mean, ax_var = inference_plots.running_estimate(noisy)
    line = ax_var.get_lines()[-1]
    assert line.get_label() == "running variance (clipped to the axes)"
    low, high = noisy.var_limits
    assert np.all((line.get_ydata() >= low) & (line.get_ydata() <= high))
    steady = inference_plots.running_estimate(running_estimate_view(256, 0.1, s))[1]
    assert steady.get_lines()[-1].get_label() == "running variance"
    plt.close("all")


def test_batch_mates_marks_flipped_batches_by_hatching_and_keeps_the_legend_off_the_bars():
    import matplotlib.pyplot as plt

    from bncourse.inference import plots as inference_plots

    probs = np.full((3, 3), 0.1)
    probs[[0, 2], 1], probs[1, 2] = 0.8, 0.8  # batch 2: class 2 wins, not the label 1
    ax = inference_plots.batch_mates(probs, probs[0], label=1)
    assert [bar.get_hatch() for bar in ax.patches] == [None, "//", None]
    legend = ax.get_legend()
    assert legend.get_bbox_to_anchor().y1 < ax.get_window_extent().y0  # below the axes
    plt.close("all")
