"""calibrate: population statistics of each BN layer's input, modes left as they were."""

import numpy as np
import pytest

from bncourse.inference.recorders import bn_statistics
from bnlib.data import load_digits
from bnlib.inference import calibrate, train_mode_accuracy, train_mode_forward
from bnlib.layers import BatchNorm1d, Linear, Sigmoid
from bnlib.model import Sequential, mlp
from bnlib.training import train


def _model(rng):
    model = mlp([6, 5, 4, 3], batchnorm=True, rng=rng)
    for i in model.find(BatchNorm1d):  # non-trivial gamma/beta so layer 2's input depends on them
        model[i].gamma, model[i].beta = (
            rng.uniform(0.5, 2, model[i].num_features),
            rng.normal(size=model[i].num_features),
        )
    return model


def _inputs_of_each_bn(model, x):
    """Each BN layer's input, computed directly: earlier layers in eval mode."""
    model.eval()
    return {i: model.forward(x, upto=i) for i in model.find(BatchNorm1d)}


def test_full_pass_gives_mean_and_unbiased_variance_of_each_layers_input():
    rng = np.random.default_rng(0)
    model, x = _model(rng), rng.normal(1.0, 2.0, size=(40, 6))
    calibrate(model, x)
    for i, h in _inputs_of_each_bn(model, x).items():
        np.testing.assert_allclose(model[i].running_mean, h.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(model[i].running_var, h.var(axis=0, ddof=1), rtol=1e-12)


def test_with_batch_size_gives_ioffe_szegedy_estimate():
    rng = np.random.default_rng(1)
    model, x = _model(rng), rng.normal(size=(43, 6))  # 43 = 5 * 8 + 3: three rows left out
    calibrate(model, x, batch_size=8)
    for i, h in _inputs_of_each_bn(model, x).items():
        batches = h[:40].reshape(5, 8, -1)
        mean = batches.mean(axis=1).mean(axis=0)
        var = 8 / 7 * batches.var(axis=1).mean(axis=0)
        np.testing.assert_allclose(model[i].running_mean, mean, rtol=1e-12)
        np.testing.assert_allclose(model[i].running_var, var, rtol=1e-12)


def test_one_batch_of_all_rows_equals_the_full_pass():
    rng = np.random.default_rng(2)
    a, x = _model(rng), rng.normal(size=(20, 6))
    b = _model(np.random.default_rng(2))
    calibrate(a, x)
    calibrate(b, x, batch_size=20)
    for i in a.find(BatchNorm1d):
        np.testing.assert_allclose(a[i].running_var, b[i].running_var, rtol=1e-12)


@pytest.mark.parametrize("modes", ["train", "eval", "mixed"])
def test_every_layer_keeps_its_mode(modes):
    rng = np.random.default_rng(3)
    model = _model(rng)
    wanted = {
        "train": [True] * len(model),
        "eval": [False] * len(model),
        "mixed": [i % 2 == 0 for i in range(len(model))],
    }[modes]
    for layer, mode in zip(model.layers, wanted, strict=True):
        layer.train(mode)
    calibrate(model, rng.normal(size=(10, 6)), batch_size=4)
    assert [layer.training for layer in model.layers] == wanted


def test_modes_restored_even_when_a_layer_fails():
    rng = np.random.default_rng(4)
    model = _model(rng)
    model[1].gamma = np.ones(2)  # wrong shape: the eval forward of layer 1 raises
    with pytest.raises(ValueError):
        calibrate(model, rng.normal(size=(10, 6)))
    assert all(layer.training for layer in model.layers)


def test_calibration_on_training_data_closes_the_gap_after_a_short_run():
    digits, rng = load_digits(), np.random.default_rng(0)
    model = mlp([64, 32, 10], batchnorm=True, rng=rng)
    model[1].momentum = 0.001  # running statistics barely move from (0, 1) in 50 steps
    train(model, digits, steps=50, batch_size=30, lr=0.5, rng=rng, eval_every=50)
    model.eval()
    before = np.mean(model.forward(digits.x_test).argmax(1) == digits.y_test)
    calibrate(model, digits.x_train)
    after = np.mean(model.forward(digits.x_test).argmax(1) == digits.y_test)
    assert after > before + 0.1


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda m, x: calibrate(m, x[:1]), ValueError, r"at least 2 samples.*got 1"),
        (
            lambda m, x: calibrate(m, x, batch_size=1),
            ValueError,
            r"batch_size must be in \[2, 10\]",
        ),
        (
            lambda m, x: calibrate(m, x, batch_size=11),
            ValueError,
            r"batch_size must be in \[2, 10\]",
        ),
        (lambda m, x: calibrate(m, x, batch_size=2.5), TypeError, r"batch_size must be an int"),
        (
            lambda m, x: calibrate(m, x[:, :5]),
            ValueError,
            r"wants x of shape \(N, 6\); got \(\d+, 5\)",
        ),
        (lambda m, x: calibrate(m, x[0]), ValueError, r"x must be 2-D"),
        (lambda m, x: calibrate(m, np.full((4, 6), np.nan)), ValueError, r"x must be finite"),
        (lambda m, x: calibrate(m.layers, x), TypeError, r"model must be a bnlib Sequential"),
    ],
)
def test_calibrate_rejects_bad_input_before_touching_the_model(call, error, match):
    rng = np.random.default_rng(5)
    model, x = _model(rng), rng.normal(size=(10, 6))
    before = model[1].running_var.copy()
    with pytest.raises(error, match=match):
        call(model, x)
    np.testing.assert_array_equal(model[1].running_var, before)


def test_calibrate_needs_a_bn_layer():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="no BatchNorm1d layer: nothing to calibrate"):
        calibrate(Sequential([Linear(3, 2, rng=rng), Sigmoid()]), np.ones((4, 3)))


def test_train_mode_forward_depends_on_batch_mates_and_leaves_the_model_alone():
    rng = np.random.default_rng(6)
    model, x = _model(rng), rng.normal(size=(8, 6))
    first = train_mode_forward(model, x)[0]
    other = train_mode_forward(model, np.vstack([x[:1], rng.normal(3.0, 1.0, size=(7, 6))]))[0]
    assert not np.allclose(first, other)
    assert model[1].num_batches_tracked == 0 and model[1].training
    with pytest.raises(ValueError, match="more than 1 value per feature"):
        train_mode_forward(model, x[:1])


def test_train_mode_accuracy_scores_every_row_once():
    rng = np.random.default_rng(7)
    model = _model(rng)
    x, y = rng.normal(size=(11, 6)), rng.integers(0, 3, 11)
    model.eval()
    eval_pred = model.forward(x).argmax(1)
    # one batch of all rows: training mode with the whole set's statistics
    whole = np.mean(train_mode_forward(model, x).argmax(1) == y)
    assert train_mode_accuracy(model, x, y, 11, rng) == pytest.approx(whole)
    # Batches of 5 + 6 (a lone last row joins): each of the 11 rows scored once, so the accuracy
    # is a whole number of rows out of 11.
    correct = 11 * train_mode_accuracy(model, x, y, 5, rng)
    assert correct == pytest.approx(round(correct), abs=1e-9)
    assert not model[1].training and eval_pred.shape == (11,)
    with pytest.raises(ValueError, match=r"batch_size must be in \[2, 11\]"):
        train_mode_accuracy(model, x, y, 1, rng)
    with pytest.raises(ValueError, match="y must hold 11 integer labels"):
        train_mode_accuracy(model, x, y[:5], 4, rng)


def test_bn_statistics_recorder_matches_the_layers_running_update():
    digits, rng = load_digits(), np.random.default_rng(0)
    model = mlp([64, 16, 16, 10], batchnorm=True, rng=rng)
    rec = {"first": bn_statistics(1, units=(0, 3)), "second": bn_statistics(4, units=(2,))}
    h = train(model, digits, steps=30, batch_size=20, lr=0.1, rng=rng, record=rec, record_every=1)
    first = h.records["first"]
    assert first.shape == (30, 4, 2)
    # running mean after step t = 0.9 * running mean after step t-1 + 0.1 * batch mean of step t
    np.testing.assert_allclose(first[1:, 2], 0.9 * first[:-1, 2] + 0.1 * first[1:, 0], rtol=1e-12)
    np.testing.assert_allclose(first[1:, 3], 0.9 * first[:-1, 3] + 0.1 * first[1:, 1], rtol=1e-12)
    second = h.records["second"]
    np.testing.assert_allclose(
        second[1:, 2], 0.9 * second[:-1, 2] + 0.1 * second[1:, 0], rtol=1e-12
    )
    assert model[4].num_batches_tracked == 30  # the recorder's copies did not add updates
