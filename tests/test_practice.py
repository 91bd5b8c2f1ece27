"""bncourse.practice.studies: the mistake studies (one seed each here, to stay fast)."""

import copy

import numpy as np
import pytest

from bncourse.practice.studies import (
    device_statistics,
    dropout_shift,
    epoch_batches,
    non_iid_batches,
    sgd_on_batches,
    small_batch_finetune,
    stats_distance,
    train_mode_evaluation,
    validation_drift,
)
from bnlib.data import load_digits
from bnlib.model import mlp

DIGITS = load_digits()


@pytest.mark.parametrize(
    ("last", "sizes"), [("keep", [4, 4, 1]), ("drop", [4, 4]), ("even", [3, 3, 3])]
)
def test_epoch_batches_cover_the_epoch_once(last, sizes):
    batches = epoch_batches(9, 4, np.random.default_rng(0), last=last)
    assert [len(b) for b in batches] == sizes
    seen = np.concatenate(batches)
    assert len(set(seen.tolist())) == len(seen)


def test_epoch_batches_refuses_an_unknown_policy():
    with pytest.raises(ValueError, match='last must be "keep", "drop" or "even"'):
        epoch_batches(9, 4, np.random.default_rng(0), last="pad")


def test_training_mode_at_batch_2_is_far_worse_than_eval_mode():
    study = train_mode_evaluation(DIGITS, batch_sizes=(2, 64), seeds=(0,))
    assert study.eval_accuracy[0] > 0.9
    assert study.train_mode_accuracy[0, 0] < study.eval_accuracy[0] - 0.2
    assert abs(study.train_mode_accuracy[0, 1] - study.eval_accuracy[0]) < 0.05


def test_a_validation_pass_in_training_mode_moves_the_statistics_toward_it():
    study = validation_drift(DIGITS, seeds=(0,))
    assert study.batches_seen == len(DIGITS.x_test) // 32
    assert study.distance_after[0] < 0.5 * study.distance_before[0]


def test_dropout_before_bn_inflates_the_running_variance_and_calibration_removes_it():
    study = dropout_shift(DIGITS, steps=150, seeds=(0,))
    before, after, calibrated = study.var_ratio[:, 0]
    assert before > 1.2 and abs(after - 1) < 0.1 and abs(calibrated - 1) < 0.1


def test_one_class_batches_ruin_eval_accuracy_and_learn_nothing():
    study = non_iid_batches(DIGITS, epochs=2, seeds=(0,))
    shuffled, one_class = study.eval_accuracy[:2, 0]
    assert shuffled > 0.9 and one_class < 0.3
    assert study.train_loss[0, 0] < 0.5 and study.train_loss[1, 0] > 0.9 * np.log(10)
    assert study.orderings[-1] == "one class per batch, no BN"


def test_frozen_gamma_beta_do_not_stop_the_running_statistics():
    gen = np.random.default_rng(0)
    model = mlp([64, 32, 10], batchnorm=True, rng=gen)
    before = copy.deepcopy(model)
    batches = [gen.choice(len(DIGITS.y_train), 8, replace=False) for _ in range(5)]
    sgd_on_batches(model, DIGITS.x_train, DIGITS.y_train, batches, 0.1, freeze_bn="params")
    np.testing.assert_array_equal(model[1].gamma, before[1].gamma)
    np.testing.assert_array_equal(model[1].beta, before[1].beta)
    assert model[1].num_batches_tracked == 5 and model[1].training
    assert not np.array_equal(model[1].running_mean, before[1].running_mean)
    assert not np.array_equal(model[0].W, before[0].W)
    frozen = copy.deepcopy(before)
    sgd_on_batches(frozen, DIGITS.x_train, DIGITS.y_train, batches, 0.1, freeze_bn="eval")
    np.testing.assert_array_equal(frozen[1].running_mean, before[1].running_mean)
    with pytest.raises(ValueError, match='freeze_bn must be None, "eval" or "params"'):
        sgd_on_batches(model, DIGITS.x_train, DIGITS.y_train, batches, 0.1, freeze_bn=True)


def test_small_batch_finetuning_with_frozen_bn_keeps_the_accuracy_and_calibration_does_not():
    study = small_batch_finetune(DIGITS, steps=200, seeds=(0,))
    acc = dict(zip(study.variants, study.accuracy[:, 0], strict=True))
    frozen, training = acc["fine-tuned, BN frozen (eval mode)"], acc["fine-tuned, BN training"]
    assert frozen > training + 0.05 and abs(frozen - acc["pretrained"]) < 0.03
    assert acc["fine-tuned, BN training, then calibrated"] < frozen - 0.03
    calibrated = study.variants.index("fine-tuned, BN training, then calibrated")
    assert study.distance[calibrated, 0] < 1e-9 and study.weight_change[0, 0] == 0
    assert study.weight_change[1, 0] > 0.3
    flagged = dict(zip(study.variants, study.flagged[:, 0], strict=True))
    assert not flagged["pretrained"] and not flagged["fine-tuned, BN training, then calibrated"]


def test_device_statistics_split_the_global_batch():
    h = np.random.default_rng(0).normal(size=(32, 3))
    means, var = device_statistics(h, 4)
    np.testing.assert_allclose(means.mean(0), h.mean(0), atol=1e-12)
    np.testing.assert_allclose(var.mean(0) + means.var(0), h.var(0), atol=1e-12)
    with pytest.raises(ValueError, match="multiple of devices = 5"):
        device_statistics(h, 5)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: train_mode_evaluation((1, 2), seeds=(0,)), TypeError, "Digits-like 4-tuple"),
        (lambda: validation_drift(DIGITS, seeds=()), ValueError, "seeds must be a non-empty"),
        (lambda: dropout_shift(DIGITS._replace(x_train=np.zeros((5, 3)))), ValueError, "64"),
        (
            lambda: sgd_on_batches("model", DIGITS.x_train, DIGITS.y_train, [], 0.1),
            TypeError,
            "Sequential",
        ),
        (lambda: stats_distance(None, DIGITS.x_test), TypeError, "Sequential"),
    ],
)
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
