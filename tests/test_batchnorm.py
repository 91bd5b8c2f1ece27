"""Unit tests for bnlib.batchnorm: real values, both backward passes, every bad input."""

import numpy as np
import pytest

from bnlib import _kernels
from bnlib._checks import check_finite
from bnlib.batchnorm import (
    batchnorm_backward,
    batchnorm_backward_staged,
    batchnorm_forward,
    batchnorm_inference,
)
from bnlib.gradcheck import numerical_gradient, rel_error

SEED_002 = np.arange(1, 16).reshape(5, 3)  # the 5x3 example of the course page seed


def test_seed_002_each_feature_normalizes_to_the_same_column():
    out, _ = batchnorm_forward(SEED_002, np.ones(3), np.zeros(3))
    # Each column is 1..13 step 3 plus a shift: mean 7 (+k), biased variance 18.
    expected = (np.array([-6.0, -3.0, 0.0, 3.0, 6.0]) / np.sqrt(18 + 1e-5))[:, None]
    np.testing.assert_allclose(out, np.repeat(expected, 3, axis=1), rtol=1e-12)
    np.testing.assert_allclose(out[:, 0], [-1.41421317, -0.70710659, 0, 0.70710659, 1.41421317])


def test_seed_001_one_to_four():
    out, cache = batchnorm_forward(np.array([1.0, 2.0, 3.0, 4.0])[:, None], 1.0, 0.0)
    assert cache.var[0] == pytest.approx(1.25)
    assert out.mean() == pytest.approx(0.0, abs=1e-15)
    assert out.var() == pytest.approx(1.25 / (1.25 + 1e-5), rel=1e-12)


def test_gamma_beta_scale_and_shift():
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(50, 4))
    gamma, beta = np.array([1.0, 2.0, 0.5, 3.0]), np.array([0.0, -1.0, 4.0, 2.0])
    out, _ = batchnorm_forward(x, gamma, beta)
    np.testing.assert_allclose(out.mean(0), beta, atol=1e-12)
    np.testing.assert_allclose(out.std(0), gamma, rtol=1e-5)


def test_integers_and_lists_become_float64_and_float32_is_kept():
    out, _ = batchnorm_forward([[1, 2], [3, 5]], [1, 1], [0, 0])
    assert out.dtype == np.float64
    out32, _ = batchnorm_forward(np.ones((3, 2), np.float32), 1.0, 0.0)
    assert out32.dtype == np.float32


def test_statistics_over_axis_0_only_for_sequences():
    x = np.random.default_rng(1).normal(size=(16, 5, 3)) * np.arange(1, 6)[None, :, None]
    out, cache = batchnorm_forward(x, np.ones((5, 3)), np.zeros((5, 3)))
    assert cache.var.shape == (5, 3)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), cache.var / (cache.var + 1e-5), rtol=1e-10)


def test_gamma_broadcasts_and_gradients_keep_its_shape():
    x = np.random.default_rng(2).normal(size=(6, 4, 3))
    gamma, beta = np.full((1, 3), 2.0), np.array(0.5)
    out, cache = batchnorm_forward(x, gamma, beta)
    _, dgamma, dbeta = batchnorm_backward(np.ones_like(out), cache)
    assert dgamma.shape == (1, 3) and np.shape(dbeta) == ()
    assert float(dbeta) == pytest.approx(6 * 4 * 3)


def test_batch_of_one_warns_and_returns_beta():
    with pytest.warns(RuntimeWarning, match="batch of one sample"):
        out, _ = batchnorm_forward([[3.0, -7.0]], [2.0, 2.0], [0.5, -0.5])
    np.testing.assert_array_equal(out, [[0.5, -0.5]])


@pytest.mark.parametrize("dtype, mean, rtol", [(np.float64, 1e8, 1e-6), (np.float32, 1e3, 1e-3)])
def test_large_mean_does_not_cancel(dtype, mean, rtol):
    # E[x^2] - E[x]^2 loses every digit here; two passes do not.
    z = np.random.default_rng(3).standard_normal((4096, 3))
    z = (z - z.mean(0)) / z.std(0)  # exactly unit variance before the shift
    x = (z + mean).astype(dtype)
    _, cache = batchnorm_forward(x, np.ones(3, dtype), np.zeros(3, dtype))
    true_var = x.astype(np.float64).var(axis=0)
    np.testing.assert_allclose(cache.var, true_var, rtol=rtol)
    np.testing.assert_allclose(cache.var, 1.0, rtol=1e-2)


def test_fused_and_staged_backward_match_numerical_gradient():
    rng = np.random.default_rng(4)
    x, dout = rng.normal(size=(7, 5)), rng.normal(size=(7, 5))
    gamma, beta = rng.normal(size=5), rng.normal(size=5)
    _, cache = batchnorm_forward(x, gamma, beta)
    num_dx = numerical_gradient(lambda v: batchnorm_forward(v, gamma, beta)[0], x, dout)
    num_dgamma = numerical_gradient(lambda g: batchnorm_forward(x, g, beta)[0], gamma, dout)
    num_dbeta = numerical_gradient(lambda b: batchnorm_forward(x, gamma, b)[0], beta, dout)
    for backward in (batchnorm_backward, batchnorm_backward_staged):
        dx, dgamma, dbeta = backward(dout, cache)
        assert rel_error(dx, num_dx) < 1e-7
        assert rel_error(dgamma, num_dgamma) < 1e-7
        assert rel_error(dbeta, num_dbeta) < 1e-7


def test_dx_is_orthogonal_to_constant_and_to_x_hat():
    # Shifting a feature's inputs cannot change the output, so dx sums to 0 per feature. Scaling
    # them changes it only through eps, so dx is orthogonal to x_hat only as eps -> 0.
    rng = np.random.default_rng(5)
    x, dout = rng.normal(size=(9, 3)), rng.normal(size=(9, 3))
    for eps, atol in ((1e-5, 1e-3), (1e-12, 1e-9)):
        _, cache = batchnorm_forward(x, 1.0, 0.0, eps)
        dx, _, _ = batchnorm_backward(dout, cache)
        np.testing.assert_allclose(dx.sum(0), 0.0, atol=1e-12)
        np.testing.assert_allclose((dx * cache.x_hat).sum(0), 0.0, atol=atol)


def test_inference_uses_only_running_statistics():
    x = np.array([[3.0, 0.0], [5.0, 10.0]])
    out = batchnorm_inference(x, [2.0, 1.0], [1.0, 0.0], [1.0, 0.0], [4.0, 100.0], eps=1e-12)
    np.testing.assert_allclose(out, [[3.0, 0.0], [5.0, 1.0]])
    alone = batchnorm_inference(x[:1], [2.0, 1.0], [1.0, 0.0], [1.0, 0.0], [4.0, 100.0], 1e-12)
    np.testing.assert_allclose(alone, out[:1])


# --- bad input: a clear error naming the argument, before any work --------------------------

GOOD = dict(gamma=np.ones(3), beta=np.zeros(3))


@pytest.mark.parametrize(
    "x, error, match",
    [
        (np.array([["a", "b", "c"]]), TypeError, r"x must hold real numbers.*<U1"),
        (np.array([[object()] * 3]), TypeError, r"x must hold real numbers.*object"),
        (np.ones((2, 3), complex), TypeError, r"x must hold real numbers.*complex"),
        ([[1.0, 2.0, 3.0], [1.0, 2.0]], TypeError, r"x must be a rectangular array"),
        (np.ones(3), ValueError, r"at least 2 dims; got shape \(3,\).*x\[:, None\]"),
        (np.ones((0, 3)), ValueError, r"at least one sample.*\(0, 3\)"),
        (np.array([[1.0, np.nan, 2.0], [np.inf, 1.0, 1.0]]), ValueError, r"1 NaN and 1 Inf"),
    ],
)
def test_bad_x(x, error, match):
    with pytest.raises(error, match=match):
        batchnorm_forward(x, **GOOD)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(gamma=np.ones(4), beta=np.zeros(3)), ValueError, r"gamma must have .*\(3,\).*\(4,\)"),
        (dict(gamma=np.ones(3), beta=np.zeros((2, 3))), ValueError, r"beta .*got shape \(2, 3\)"),
        (dict(gamma=np.ones(3), beta=np.zeros(3), eps=0), ValueError, r"eps must be .*> 0; got 0"),
        (dict(gamma=np.ones(3), beta=np.zeros(3), eps=-1e-5), ValueError, r"eps.*got -1e-05"),
        (dict(gamma=np.ones(3), beta=np.zeros(3), eps=np.inf), ValueError, r"eps must be finite"),
        (dict(gamma=np.ones(3), beta=np.zeros(3), eps="1e-5"), TypeError, r"eps must be a real"),
        (dict(gamma=["a"] * 3, beta=np.zeros(3)), TypeError, r"gamma must hold real numbers"),
    ],
)
def test_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        batchnorm_forward(np.ones((4, 3)), **kwargs)


def test_finiteness_check_is_not_fooled_by_an_overflowing_sum():
    check_finite(np.array([1e308, 1e308, -1e308]))  # the sum overflows; every value is finite
    with pytest.raises(ValueError, match="0 NaN and 1 Inf"):
        check_finite(np.array([1e308, np.inf]))


def test_bad_backward_calls():
    _, cache = batchnorm_forward(np.ones((4, 3)) + np.arange(4)[:, None], **GOOD)
    with pytest.raises(TypeError, match="cache must be the cache returned by batchnorm_forward"):
        batchnorm_backward(np.ones((4, 3)), None)
    with pytest.raises(ValueError, match=r"dout must have .*\(4, 3\); got \(3, 4\)"):
        batchnorm_backward(np.ones((3, 4)), cache)
    with pytest.raises(ValueError, match="running_var must be >= 0"):
        batchnorm_inference(np.ones((2, 3)), 1.0, 0.0, np.zeros(3), -np.ones(3))


@pytest.mark.parametrize("shape", [(2, 1), (7, 3), (64, 20), (16, 5, 3)])
def test_the_private_kernels_compute_what_the_readable_functions_do(shape):
    """The layers run `_kernels`; the learner reads `batchnorm.py`: the same numbers, up to the
    order of a sum (einsum) in the last bits."""
    rng = np.random.default_rng(sum(shape))
    x = rng.normal(3.0, 2.0, size=shape)
    gamma, beta, dout = (
        rng.normal(size=shape[1:]),
        rng.normal(size=shape[1:]),
        rng.normal(size=shape),
    )
    out, cache = batchnorm_forward(x, gamma, beta)
    fast_out, fast_cache = _kernels.batchnorm_forward_unchecked(x, gamma, beta, 1e-5)
    np.testing.assert_allclose(fast_out, out, rtol=1e-13, atol=1e-13)
    fast_grads = _kernels.batchnorm_backward_unchecked(dout, fast_cache)
    for fast, plain in zip(fast_grads, batchnorm_backward(dout, cache), strict=True):
        np.testing.assert_allclose(fast, plain, rtol=1e-12, atol=1e-12)
    mean, var = rng.normal(size=shape[1:]), rng.uniform(0.5, 2.0, size=shape[1:])
    eval_out, _ = _kernels.batchnorm_layer_forward(x, gamma, beta, 1e-5, (mean, var))
    np.testing.assert_array_equal(eval_out, batchnorm_inference(x, gamma, beta, mean, var))


@pytest.mark.parametrize("shape", [(60, 100), (7, 3), (4, 2, 3)])
def test_the_training_kernel_returns_the_batch_mean_bit_for_bit(shape):
    """BatchNorm1d blends the mean the kernel subtracted into its running mean instead of
    taking `x.mean(axis=0)` a second time: the stored notebook outputs need the same bits."""
    rng = np.random.default_rng(sum(shape))
    x = rng.normal(3.0, 2.0, size=shape)
    gamma, beta = rng.normal(size=shape[1:]), rng.normal(size=shape[1:])
    out, cache, mean = _kernels.batchnorm_train_forward(x, gamma, beta, 1e-5)
    np.testing.assert_array_equal(mean, x.mean(axis=0))
    plain_out, plain_cache = _kernels.batchnorm_forward_unchecked(x, gamma, beta, 1e-5)
    np.testing.assert_array_equal(out, plain_out)
    np.testing.assert_array_equal(cache.x_hat, plain_cache.x_hat)


@pytest.mark.parametrize("shape", [(60, 100), (60, 32), (7, 3)])
def test_the_2d_kernel_path_is_bit_identical_to_the_view_kernel(shape):
    """(N, D) batches skip the (N, D, 1) views for speed; every stored notebook output depends
    on the numbers being exactly the ones the view kernel gives."""
    rng = np.random.default_rng(shape[0] + shape[1])
    x, dout = rng.normal(3.0, 2.0, size=shape), rng.normal(size=shape)
    gamma, beta = rng.normal(size=shape[1]), rng.normal(size=shape[1])
    out, cache = _kernels.batchnorm_forward_unchecked(x, gamma, beta, 1e-5)
    x_hat, xc, var, inv_std = _kernels.normalize(x, 1e-5)
    for fast, view in [(cache.x_hat, x_hat), (cache.x_centered, xc), (cache.var, var)]:
        np.testing.assert_array_equal(fast, view)
    np.testing.assert_array_equal(out, x_hat * gamma + beta)
    view_grads = _kernels.normalize3_backward(
        dout[:, :, None], x_hat[:, :, None], inv_std.reshape(1, -1, 1), gamma.reshape(1, -1, 1)
    )
    fast_grads = _kernels.batchnorm_backward_unchecked(dout, cache)
    for fast, view in zip(fast_grads, view_grads, strict=True):
        np.testing.assert_array_equal(fast, view.reshape(fast.shape))
