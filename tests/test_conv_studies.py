"""The convolutional notebook's studies, on small settings."""

import numpy as np
import pytest

import bnlib
from bncourse.convolution.studies import (
    channel_noise,
    cnn_study,
    digit_images,
    residual_signal,
    small_cnn,
)


def test_dense_noise_is_one_over_root_n_and_channel_noise_is_smaller():
    rng = np.random.default_rng(0)
    images = rng.normal(size=(400, 1, 8, 8))  # independent positions
    noise = channel_noise(images, batch_sizes=(4, 16), seeds=(0, 1), draws=400)
    np.testing.assert_allclose(noise.dense, 1 / np.sqrt([4, 16]) * np.ones((2, 1)), rtol=0.15)
    # Independent pixels through a 3x3 filter: neighbours share inputs, so the effective batch
    # lies between N and N H W.
    eff = noise.effective_batch()
    assert np.all(eff > 4 * np.array([4, 16])) and np.all(eff < 1.3 * 64 * np.array([4, 16]))


def test_channel_noise_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"images must have shape \(N, 1, H, W\)"):
        channel_noise(np.zeros((10, 64)))
    with pytest.raises(ValueError, match="image_size must be <= 8"):
        channel_noise(np.zeros((10, 1, 8, 8)), image_size=9)


@pytest.mark.parametrize("norm", ["none", "batch", "group", "layer"])
def test_small_cnn_forward_backward(norm):
    model = small_cnn(np.random.default_rng(0), norm=norm)
    out = model.forward(np.random.default_rng(1).normal(size=(4, 1, 8, 8)))
    assert out.shape == (4, 10)
    assert model.backward(np.ones_like(out)).shape == (4, 1, 8, 8)


def test_small_cnn_rejects_an_unknown_norm():
    with pytest.raises(ValueError, match="norm must be one of"):
        small_cnn(np.random.default_rng(0), norm="instance")


def test_cnn_study_reads_by_name_and_is_reproducible():
    data = bnlib.load_digits()
    study = cnn_study(data, norms=("none", "batch"), lrs=(0.3,), seeds=(0, 1), steps=30)
    again = cnn_study(data, norms=("batch",), lrs=(0.3,), seeds=(1,), steps=30)
    assert study.accuracy("batch", 0.3).shape == (2, len(study.eval_steps))
    assert study.eval_steps[0] == 0 and study.eval_steps[-1] == 30
    np.testing.assert_array_equal(study.accuracy("batch", 0.3)[1], again.accuracy("batch", 0.3)[0])
    assert study.loss("none", 0.3).shape == (2, 30)


def test_zero_last_gamma_makes_every_block_the_identity_at_init():
    images = digit_images(bnlib.load_digits()[0])
    std = residual_signal(images, depth=4, seeds=(0, 1))
    np.testing.assert_allclose(std[1], std[1][:, :1] * np.ones((1, 5)), rtol=1e-12)
    assert np.all(np.diff(std[0], axis=1) > 0)  # gamma 1: every block adds to the signal
