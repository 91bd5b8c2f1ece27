"""Unit tests for bnlib.running: momentum conventions, the unbiased running variance."""

import numpy as np
import pytest

from bnlib.running import keras_to_torch_momentum, update_running_stats


def test_momentum_is_the_weight_on_the_new_batch_and_variance_is_unbiased():
    mean, var = update_running_stats(
        np.array([1.0]), np.array([1.0]), np.array([3.0]), np.array([2.0]), n=5, momentum=0.1
    )
    assert mean[0] == pytest.approx(0.9 * 1.0 + 0.1 * 3.0)
    assert var[0] == pytest.approx(0.9 * 1.0 + 0.1 * 2.0 * 5 / 4)


def test_momentum_none_is_a_cumulative_average():
    batches = [(np.array([2.0]), np.array([1.0])), (np.array([4.0]), np.array([3.0]))]
    mean, var = np.zeros(1), np.ones(1)
    for k, (bm, bv) in enumerate(batches, start=1):
        mean, var = update_running_stats(
            mean, var, bm, bv, n=3, momentum=None, num_batches_tracked=k
        )
    assert mean[0] == pytest.approx(3.0)
    assert var[0] == pytest.approx((1.0 + 3.0) / 2 * 3 / 2)


def test_keras_momentum_converts():
    assert keras_to_torch_momentum(0.99) == pytest.approx(0.01)
    assert keras_to_torch_momentum(0.9) == pytest.approx(0.1)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(momentum=1.5), ValueError, r"momentum must be in \[0, 1\].*got 1.5"),
        (dict(momentum=-0.1), ValueError, r"momentum must be in \[0, 1\]"),
        (dict(momentum="0.1"), TypeError, r"momentum must be a number in \[0, 1\] or None"),
        (dict(n=1), ValueError, r"n must be >= 2 to unbias"),
        (dict(n=2.5), TypeError, r"n must be an int"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    args = dict(n=4, momentum=0.1) | kwargs
    with pytest.raises(error, match=match):
        update_running_stats(np.zeros(1), np.ones(1), np.zeros(1), np.ones(1), **args)


@pytest.mark.parametrize("momentum", [0.1, 1.0, 0.0, None])
def test_the_layers_unchecked_update_is_update_running_stats_to_the_last_bit(momentum):
    from bnlib.running import pytorch_update

    rng = np.random.default_rng(3)
    args = [rng.standard_normal(5), rng.random(5) + 0.5, rng.standard_normal(5), rng.random(5)]
    for n, count in [(2, 1), (60, 7), (3, 250)]:
        expected = update_running_stats(*args, n=n, momentum=momentum, num_batches_tracked=count)
        got = pytorch_update(*args, n, momentum, count)
        for a, b in zip(got, expected, strict=True):
            np.testing.assert_array_equal(a, b)
