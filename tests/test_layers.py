"""Unit tests for the BatchNorm1d layer: PyTorch's semantics, mode switching, errors."""

import numpy as np
import pytest

from bnlib import BackwardBeforeForwardError, BatchNorm1d, batchnorm_forward


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


def test_backward_in_both_modes():
    rng = np.random.default_rng(1)
    x, dout = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    bn = BatchNorm1d(3)
    bn.gamma = np.array([1.0, 2.0, 0.5])
    bn.forward(x)
    dx = bn.backward(dout)
    assert dx.shape == (6, 3) and bn.dgamma.shape == (3,)
    np.testing.assert_allclose(bn.dbeta, dout.sum(0))
    bn.eval().forward(x)
    dx_eval = bn.backward(dout)
    np.testing.assert_allclose(dx_eval, dout * bn.gamma / np.sqrt(bn.running_var + 1e-5))


def test_errors():
    bn = BatchNorm1d(2)
    with pytest.raises(BackwardBeforeForwardError, match="backward called before any forward"):
        bn.backward(np.ones((3, 2)))
    with pytest.raises(ValueError, match="backward called before any forward"):
        bn.backward(np.ones((3, 2)))  # also a ValueError
    with pytest.raises(ValueError, match=r"more than 1 value per feature.*\(1, 2\)"):
        bn.forward(np.ones((1, 2)))
    assert bn.num_batches_tracked == 0  # the failed call changed nothing
    with pytest.raises(ValueError, match=r"x must have shape \(N, 2\); got \(4, 3\)"):
        bn.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"x must be 2-D"):
        bn.forward(np.ones((4, 2, 1)))
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\]"):
        BatchNorm1d(2, momentum=2)
    with pytest.raises(ValueError, match="eps must be finite and > 0"):
        BatchNorm1d(2, eps=0.0)
    with pytest.raises(TypeError, match="num_features must be an int"):
        BatchNorm1d(2.0)
