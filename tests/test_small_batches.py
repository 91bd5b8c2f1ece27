"""Notebook 08's slider compute function and figure: one example through four normalizations."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from bncourse.small_batches import plots as small_batches_plots
from bncourse.small_batches import views as small_batches_views
from bncourse.small_batches.views import EXAMPLE, STDS


def test_batch_norm_spread_shrinks_with_the_batch_and_per_sample_methods_have_none():
    spreads = [
        small_batches_views.small_batch_view(m, 1e-5).outputs[0].std() for m in (2, 8, 32, 128)
    ]
    assert all(a > b for a, b in zip(spreads, spreads[1:], strict=False))
    for m in (1, 2, 128):
        v = small_batches_views.small_batch_view(m, 1e-5)
        np.testing.assert_allclose(v.outputs[2:].std(axis=1), 0.0, atol=1e-12)


def test_batch_of_one():
    v = small_batches_views.small_batch_view(1, 1e-5)
    np.testing.assert_array_equal(v.outputs[0], 0.0)  # batch norm: x - mu_B = 0
    # Batch Renorm: d = (x - mu) / s, unclipped here, which is the population-normalized value.
    np.testing.assert_allclose(v.outputs[1], v.ideal, rtol=1e-12)
    assert "Batch of one" in small_batches_views.describe_small_batch_view(v)


def test_per_sample_methods_match_their_definitions():
    eps = 1e-3
    v = small_batches_views.small_batch_view(4, eps)
    ln = (EXAMPLE[0] - EXAMPLE.mean()) / np.sqrt(EXAMPLE.var() + eps)
    g = EXAMPLE[:4]
    gn = (g[0] - g.mean()) / np.sqrt(g.var() + eps)
    np.testing.assert_allclose(v.outputs[2], ln, rtol=1e-12)
    np.testing.assert_allclose(v.outputs[3], gn, rtol=1e-12)
    assert v.ideal == pytest.approx(STDS[0] / np.sqrt(STDS[0] ** 2 + eps))


def test_eps_shrinks_every_output_and_matters_at_tiny_batches_first():
    small, big = (
        small_batches_views.small_batch_view(2, 1e-5),
        small_batches_views.small_batch_view(128, 1e-5),
    )
    assert np.all(np.diff(small.curves, axis=1) <= 1e-12)
    grid = small.eps_grid
    k = np.searchsorted(grid, 1e-5)
    # At eps = 1e-5 (a tenth of feature 0's variance) batch 2 loses more than batch 128.
    assert small.curves[0, k] < big.curves[0, k] - 0.05
    # Layer norm is dominated by the unit-variance features: eps = 1e-3 barely moves it.
    j = np.searchsorted(grid, 1e-3)
    assert small.curves[2, j] > 0.99 * small.curves[2, 0]


def test_bad_arguments_and_the_figure():
    with pytest.raises(ValueError, match="batch_size must be <= 128"):
        small_batches_views.small_batch_view(500, 1e-5)
    with pytest.raises(ValueError, match="eps must be finite and > 0"):
        small_batches_views.small_batch_view(4, 0.0)
    axes = small_batches_plots.small_batch_outputs(small_batches_views.small_batch_view(4, 1e-5))
    assert len(axes) == 2
    plt.close("all")


def test_cnn_sweep_reads_by_name_and_a_run_does_not_depend_on_the_others():
    from bncourse.small_batches.studies import cnn_batch_size_sweep
    from bnlib.data import load_digits

    data = load_digits()
    both = cnn_batch_size_sweep(data, ("batch", "group"), (4, 16), (0, 1), examples=64)
    alone = cnn_batch_size_sweep(data, ("group",), (16,), (1,), examples=64)
    assert both.test_error.shape == (2, 2, 2) and both.steps.tolist() == [16, 4]
    np.testing.assert_array_equal(both.error("group", 16)[1], alone.error("group", 16)[0])
    assert np.all((both.test_error >= 0) & (both.test_error <= 1))
    assert np.all(np.isfinite(both.train_loss))


def test_cnn_sweep_rejects_bad_arguments():
    from bncourse.small_batches.studies import cnn_batch_size_sweep
    from bnlib.data import load_digits

    data = load_digits()
    with pytest.raises(ValueError, match="each of norms must be one of"):
        cnn_batch_size_sweep(data, ("renorm",))
    with pytest.raises(ValueError, match="batch_sizes must be >= 2"):
        cnn_batch_size_sweep(data, batch_sizes=(1, 4))
    with pytest.raises(ValueError, match="examples must be >= the largest batch size 64"):
        cnn_batch_size_sweep(data, examples=32)


def test_values_per_statistic_counts_the_pooled_axes():
    from bncourse.small_batches.studies import values_per_statistic

    # Batch norm: N H W per channel; group norm: C/G H W; layer norm: C H W (8x8, then 4x4).
    assert values_per_statistic("batch", 2) == (2 * 64, 2 * 16)
    assert values_per_statistic("batch", 64) == (64 * 64, 64 * 16)
    assert values_per_statistic("group", 2, channels=(4, 8), groups=2) == (2 * 64, 4 * 16)
    assert values_per_statistic("layer", 16, channels=(4, 8)) == (4 * 64, 8 * 16)
    with pytest.raises(ValueError, match="norm must be one of"):
        values_per_statistic("renorm", 2)
