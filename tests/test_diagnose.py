"""diagnose_batchnorm: one test per finding, a healthy model with none, and the model untouched."""

import copy

import numpy as np
import pytest

from bnlib.data import load_digits
from bnlib.diagnose import STALE_MIN_N, Finding, diagnose_batchnorm
from bnlib.dropout import Dropout
from bnlib.inference import calibrate
from bnlib.layers import BatchNorm1d, Linear, ReLU
from bnlib.model import Sequential, mlp
from bnlib.training import train

DIGITS = load_digits()


@pytest.fixture(scope="module")
def trained():
    gen = np.random.default_rng(0)
    model = mlp([64, 32, 10], batchnorm=True, rng=gen)
    train(model, DIGITS, steps=150, batch_size=32, lr=0.5, rng=gen)
    return model.eval()


def kinds(findings):
    return [f.kind for f in findings]


def snapshot(model):
    return [
        (layer.training, {k: copy.deepcopy(v) for k, v in vars(layer).items() if k != "_cache"})
        for layer in model.layers
    ]


def same(a, b):
    for (mode_a, state_a), (mode_b, state_b) in zip(a, b, strict=True):
        assert mode_a == mode_b
        for key in state_a:
            va, vb = state_a[key], state_b[key]
            if isinstance(va, np.ndarray):
                np.testing.assert_array_equal(va, vb)
            elif not isinstance(va, np.random.Generator):
                assert va == vb, key


def test_a_healthy_model_has_no_findings(trained):
    assert diagnose_batchnorm(trained, DIGITS.x_test) == []
    shuffled = np.random.default_rng(1).permutation(len(DIGITS.x_train))[:320].reshape(10, 32)
    assert diagnose_batchnorm(trained, DIGITS.x_train[shuffled], DIGITS.y_train[shuffled]) == []


def test_training_mode_is_found(trained):
    model = copy.deepcopy(trained).train()
    findings = diagnose_batchnorm(model, DIGITS.x_test)
    assert kinds(findings) == ["training mode"]
    assert findings[0].layer == 1 and "model.eval()" in findings[0].fix


def test_stale_statistics_are_found_on_an_uncalibrated_layer(trained):
    model = copy.deepcopy(trained)
    model[1].running_mean = model[1].running_mean + 2.0 * np.sqrt(model[1].running_var)
    findings = diagnose_batchnorm(model, DIGITS.x_test)
    assert kinds(findings) == ["stale statistics"]
    evidence = findings[0].evidence
    assert evidence["median |running mean - mean| / std"] > 1.5 > evidence["its threshold"]
    assert "calibrate" in findings[0].fix and "representative" in findings[0].what
    assert diagnose_batchnorm(calibrate(model, DIGITS.x_train), DIGITS.x_test) == []


def test_dropout_before_bn_is_named_as_the_cause():
    gen = np.random.default_rng(0)
    model = Sequential(
        [
            Linear(64, 64, rng=gen, bias=False),
            ReLU(),
            Dropout(0.5, rng=gen),
            Linear(64, 32, rng=gen, bias=False),
            BatchNorm1d(32),
            ReLU(),
            Linear(32, 10, rng=gen),
        ]
    )
    train(model, DIGITS, steps=150, batch_size=32, lr=0.2, rng=gen)
    findings = diagnose_batchnorm(model.eval(), DIGITS.x_test)
    assert kinds(findings) == ["stale statistics"]
    evidence = findings[0].evidence
    assert "Dropout" in findings[0].what
    assert evidence["running var / var, median (direction only)"] > 1.25
    assert evidence["median |log(running var / var)|"] > evidence["threshold for the log"]


def test_a_bias_before_bn_is_found(trained):
    model = copy.deepcopy(trained)
    model[0].b = np.full(32, 0.1)
    findings = diagnose_batchnorm(model, DIGITS.x_test)
    assert kinds(findings) == ["bias before BN"]
    assert "bias=False" in findings[0].fix and "while BN trains" in findings[0].what


def test_the_bias_gradient_is_zero_only_while_bn_trains(trained):
    model = copy.deepcopy(trained)
    model[0].b = np.full(32, 0.1)
    grads = {}
    for mode in ("train", "eval"):
        getattr(model, mode)()
        out = model.forward(DIGITS.x_train[:32])
        model.backward(np.random.default_rng(0).normal(size=out.shape))
        grads[mode] = np.abs(model[0].db).max()
    assert grads["train"] < 1e-12 < 1e-3 < grads["eval"]


@pytest.mark.parametrize("n", [1, 2, 16, 31])
def test_the_stale_check_is_skipped_below_its_minimum_and_says_so(trained, n):
    model = copy.deepcopy(trained)
    model[1].running_mean = model[1].running_mean + 2.0 * np.sqrt(model[1].running_var)
    findings = diagnose_batchnorm(model, DIGITS.x_test[:n])
    assert kinds(findings) == ["not checked"]
    assert f"x has {n} rows" in findings[0].what and f"at least {STALE_MIN_N}" in findings[0].what
    assert kinds(diagnose_batchnorm(model, DIGITS.x_test[:STALE_MIN_N])) == ["stale statistics"]


def test_healthy_models_are_not_flagged_at_the_minimum_n(trained):
    gen = np.random.default_rng(5)
    picks = [gen.choice(len(DIGITS.x_test), STALE_MIN_N, replace=False) for _ in range(60)]
    assert sum(bool(diagnose_batchnorm(trained, DIGITS.x_test[p])) for p in picks) == 0


def test_the_non_iid_check_needs_two_rows_per_batch(trained):
    findings = diagnose_batchnorm(trained, DIGITS.x_train[:40].reshape(40, 1, 64))
    assert kinds(findings) == ["not checked"]
    assert "non-i.i.d." in findings[0].what and "1 rows per batch" in findings[0].what


@pytest.mark.parametrize("n", [1, 2, 3])
def test_a_tiny_training_batch_is_found(trained, n):
    model = copy.deepcopy(trained).train()
    findings = diagnose_batchnorm(model, DIGITS.x_test[:n])
    assert "tiny batch" in kinds(findings) and "stale statistics" not in kinds(findings)
    assert "tiny batch" not in kinds(diagnose_batchnorm(model, DIGITS.x_test[:4]))


def test_a_collapsed_gamma_is_found(trained):
    model = copy.deepcopy(trained)
    model[1].gamma = model[1].gamma.copy()
    model[1].gamma[:5] = 1e-3
    findings = diagnose_batchnorm(model, DIGITS.x_test)
    assert kinds(findings) == ["collapsed gamma"]
    assert findings[0].evidence["features"] == 5


def test_batches_sorted_by_class_are_found(trained):
    order = np.array(
        [np.flatnonzero(DIGITS.y_train == c)[:32] for c in range(10)]
    )  # one class each
    findings = diagnose_batchnorm(trained, DIGITS.x_train[order], DIGITS.y_train[order])
    assert kinds(findings) == ["non-i.i.d. batches"]
    assert findings[0].evidence["mean share of the commonest class per batch"] > 0.9
    assert findings[0].evidence["between-batch var of means / (var / N)"] > 10


def test_it_never_changes_the_model(trained):
    model = copy.deepcopy(trained).train()
    model[0].b = np.ones(32)
    before = snapshot(model)
    findings = diagnose_batchnorm(model, DIGITS.x_train[:320].reshape(10, 32, 64))
    assert findings and all(isinstance(f, Finding) for f in findings)
    same(before, snapshot(model))
    assert "layer 1 (training mode)" in str(findings[0])


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (("model", np.zeros((4, 64))), TypeError, "model must be a bnlib Sequential"),
        ((None, np.zeros((2, 3, 4, 64))), ValueError, r"shape \(N, D\) or \(K, N, D\)"),
        ((None, np.zeros((4, 5))), ValueError, "64 features"),
        ((None, np.zeros((4, 64)), np.zeros(3, int)), ValueError, "one label per row"),
    ],
)
def test_bad_input(trained, args, error, match):
    args = tuple(trained if a is None else a for a in args)
    with pytest.raises(error, match=match):
        diagnose_batchnorm(*args)
