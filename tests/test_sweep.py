"""Training sweeps: one History per (setting, seed), reduced to accuracy, losses, divergence."""

import numpy as np
import pytest

from bnlib.data import load_digits
from bnlib.model import mlp
from bnlib.sweep import sweep
from bnlib.training import train

DIGITS = load_digits()
SMALL_NET = [64, 16, 10]


def test_each_run_is_the_same_as_train_with_that_seed():
    r = sweep(DIGITS, SMALL_NET, [{"lr": 0.5, "batchnorm": True}], seeds=(3, 4), steps=40)
    for j, seed in enumerate((3, 4)):
        rng = np.random.default_rng(seed)
        h = train(mlp(SMALL_NET, batchnorm=True, rng=rng), DIGITS, 40, 60, 0.5, rng, eval_every=40)
        assert r.accuracy[0, j] == h.final_accuracy
        assert r.start_loss[0, j] == h.loss[0]
        assert r.end_loss[0, j] == pytest.approx(h.loss[-10:].mean())
        model = mlp(SMALL_NET, batchnorm=True, rng=np.random.default_rng(seed))
        start = [np.linalg.norm(model[i].W) for i in (0, 3)]
        np.testing.assert_array_equal(r.start_norms[0, j], start)
    assert r.seeds.tolist() == [3, 4] and r.steps == 40


def test_settings_get_defaults_and_can_be_selected():
    settings = [{"lr": 0.1}, {"lr": 0.1, "init_scale": 3.0}, {"lr": 1.0, "batchnorm": True}]
    r = sweep(DIGITS, SMALL_NET, settings, seeds=(0,), steps=5)
    assert r.settings[0] == {"lr": 0.1, "init_scale": 1.0, "batchnorm": False, "noisy_bn": None}
    picked = r.where(lr=0.1)
    assert len(picked.settings) == 2 and picked.accuracy.shape == (2, 1)
    assert picked.where(init_scale=3.0).settings[0]["init_scale"] == 3.0
    with pytest.raises(ValueError, match="no setting matches"):
        r.where(lr=7.0)
    with pytest.raises(ValueError, match="where\\(\\) keys must be among"):
        r.where(learning_rate=0.1)


def test_a_loss_that_climbs_counts_as_diverged_and_is_left_out_of_the_summary():
    r = sweep(DIGITS, SMALL_NET, [{"lr": 0.5}, {"lr": 1e4}], seeds=(0, 1, 2), steps=30)
    assert not r.diverged[0].any() and r.diverged[1].all()
    assert np.all(r.end_loss[1] > 2 * r.start_loss[1])
    mean, low, high, n_div = r.summary()
    assert n_div.tolist() == [0, 3]
    assert low[0] <= mean[0] <= high[0] and mean[0] == pytest.approx(r.accuracy[0].mean())
    assert np.isnan(mean[1]) and np.isnan(low[1])


def test_summary_with_some_seeds_diverged():
    r = sweep(DIGITS, SMALL_NET, [{"lr": 0.5}], seeds=(0, 1, 2), steps=10)
    r = r._replace(end_loss=np.array([[np.inf, 0.5, 0.6]]))  # as if seed 0 had blown up
    mean, low, high, n_div = r.summary()
    assert n_div[0] == 1 and mean[0] == pytest.approx(r.accuracy[0, 1:].mean())


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="every setting needs an lr"):
        sweep(DIGITS, SMALL_NET, [{"init_scale": 1.0}])
    with pytest.raises(ValueError, match="setting keys must be among"):
        sweep(DIGITS, SMALL_NET, [{"lr": 0.1, "bn": True}])
    with pytest.raises(TypeError, match="each setting must be a dict"):
        sweep(DIGITS, SMALL_NET, [0.1])
    with pytest.raises(ValueError, match="settings must list at least one"):
        sweep(DIGITS, SMALL_NET, [])
    with pytest.raises(ValueError, match="seeds must be a non-empty list of ints >= 0"):
        sweep(DIGITS, SMALL_NET, [{"lr": 0.1}], seeds=(-1,))
    with pytest.raises(ValueError, match="seeds must be a non-empty list"):
        sweep(DIGITS, SMALL_NET, [{"lr": 0.1}], seeds=())
    with pytest.raises(ValueError, match="steps must be >= 1"):
        sweep(DIGITS, SMALL_NET, [{"lr": 0.1}], steps=0)


def test_weight_norms_grow_with_bn_and_follow_where():
    settings = [{"lr": 5.0, "batchnorm": True}, {"lr": 0.5, "batchnorm": True}]
    r = sweep(DIGITS, SMALL_NET, settings, seeds=(0, 1), steps=30)
    assert r.start_norms.shape == r.end_norms.shape == (2, 2, 2)
    # plain SGD only grows the norm of weights in front of BN, faster at the larger rate
    assert np.all(r.end_norms[:, :, 0] > r.start_norms[:, :, 0])
    growth = r.end_norms[:, :, 0] / r.start_norms[:, :, 0]
    assert np.all(growth[0] > growth[1])
    picked = r.where(lr=0.5)
    np.testing.assert_array_equal(picked.end_norms, r.end_norms[1:])
