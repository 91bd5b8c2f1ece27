"""The training loop: determinism, learning, divergence as a result, recorders, evaluation."""

import copy

import numpy as np
import pytest

from bncourse.covariate_shift.recorders import activation_input_percentiles
from bnlib.data import load_digits
from bnlib.layers import BatchNorm1d
from bnlib.model import mlp, softmax_cross_entropy
from bnlib.recorders import grad_norms, weight_norms
from bnlib.training import evaluate, train

DIGITS = load_digits()
SIZES = [64, 100, 100, 100, 10]


def _run(seed=0, steps=200, lr=0.5, **kwargs):
    gen = np.random.default_rng(seed)
    model = mlp(SIZES, batchnorm=kwargs.pop("batchnorm", True), rng=gen)
    return model, train(model, DIGITS, steps, 60, lr, gen, **kwargs)


def test_same_rng_same_history():
    _, a = _run()
    _, b = _run()
    np.testing.assert_array_equal(a.loss, b.loss)
    np.testing.assert_array_equal(a.test_accuracy, b.test_accuracy)
    _, c = _run(seed=1)
    assert not np.array_equal(a.loss, c.loss)


def test_bn_mlp_learns_the_digits():
    _, h = _run(steps=1000, eval_every=250)
    np.testing.assert_array_equal(h.eval_steps, [0, 250, 500, 750, 1000])
    assert h.test_accuracy[0] < 0.2 and h.final_accuracy > 0.95
    assert h.loss[-100:].mean() < 0.1 < h.loss[:10].mean()
    assert h.steps_done == 1000 and not h.diverged and h.diverged_at is None


def test_divergence_stops_early_and_is_marked():
    gen = np.random.default_rng(0)
    model = mlp(SIZES, activation="relu", batchnorm=True, rng=gen)
    h = train(model, DIGITS, 300, 60, 1e5, gen)
    assert h.diverged and 0 < h.diverged_at < 300
    assert h.steps_done == h.diverged_at and np.isfinite(h.loss).all()
    assert np.isfinite(h.test_accuracy).all()


def test_a_real_error_is_not_mistaken_for_divergence():
    bad = DIGITS._replace(y_train=DIGITS.y_train + 10)  # labels out of range
    gen = np.random.default_rng(0)
    with pytest.raises(ValueError, match="integer labels"):
        train(mlp(SIZES, rng=gen), bad, 10, 60, 0.1, gen)


def test_recorders_see_every_record_step():
    probe_x = DIGITS.x_test[:100]
    record = {
        "grad_norms": grad_norms,
        "pct": activation_input_percentiles(probe_x, which=-1, units=(0, 1)),
    }
    model, h = _run(steps=120, record=record, record_every=50)
    np.testing.assert_array_equal(h.record_steps, [0, 50, 100])
    assert h.records["grad_norms"].shape == (3, 4)  # four Linear layers
    assert h.records["pct"].shape == (3, 2, 3)  # steps, units, (15, 50, 85)
    assert (np.diff(h.records["pct"], axis=2) >= 0).all()  # percentiles are ordered
    bn = model[model.find(BatchNorm1d)[-1]]
    assert bn.num_batches_tracked == 120  # recording never touched the real model


def test_weight_norms_recorder_follows_the_weights_every_step():
    model, h = _run(steps=30, record={"w": weight_norms}, record_every=1)
    assert h.records["w"].shape == (30, 4)
    final = [np.linalg.norm(model[i].W) for i in model.find(type(model[0]))]
    # recorded before each update: the last row is one step before the final weights
    assert not np.allclose(h.records["w"][-1], final)
    gen = np.random.default_rng(0)
    fresh = mlp(SIZES, batchnorm=True, rng=gen)
    np.testing.assert_allclose(
        h.records["w"][0], [np.linalg.norm(fresh[i].W) for i in fresh.find(type(fresh[0]))]
    )
    # the first layer's norm only grows under plain SGD (its gradient is orthogonal to W)
    assert np.all(np.diff(h.records["w"][:, 0]) > 0)


def test_percentile_recorder_with_bn_sees_normalized_inputs():
    rng = np.random.default_rng(0)
    model = mlp(SIZES, batchnorm=True, rng=rng)
    pct = activation_input_percentiles(DIGITS.x_test, units=range(100))(model, None, None)
    # Unit-normal inputs: 15th/85th percentiles near -/+1.04.
    np.testing.assert_allclose(pct.mean(axis=0), [-1.04, 0.0, 1.04], atol=0.1)


def test_evaluate_scores_in_eval_mode_and_restores_training_mode():
    model = mlp([64, 10, 10], batchnorm=True, rng=np.random.default_rng(0))
    model[1].running_mean = DIGITS.x_test[:, :10].mean(axis=0)  # eval differs from train mode
    loss, acc = evaluate(model, DIGITS.x_test, DIGITS.y_test)
    assert all(layer.training for layer in model)
    logits = copy.deepcopy(model).eval().forward(DIGITS.x_test)
    assert loss == pytest.approx(softmax_cross_entropy(logits, DIGITS.y_test)[0], rel=1e-12)
    assert acc == np.mean(logits.argmax(axis=1) == DIGITS.y_test)
    train_logits = copy.deepcopy(model).forward(DIGITS.x_test)
    assert loss != pytest.approx(softmax_cross_entropy(train_logits, DIGITS.y_test)[0])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"steps": 0}, ValueError, "steps must be >= 1"),
        ({"batch_size": 5000}, ValueError, "batch_size must be in"),
        ({"lr": -1.0}, ValueError, "lr must be finite"),
        ({"rng": 0}, TypeError, "Generator"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    args = {"steps": 10, "batch_size": 60, "lr": 0.1, "rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(error, match=match):
        train(mlp([64, 10], rng=np.random.default_rng(0)), DIGITS, **args)


def test_one_blas_thread_restores_the_thread_count():
    from threadpoolctl import threadpool_info

    from bnlib._blas import one_blas_thread

    def blas_threads():
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    before = blas_threads()
    if not before:
        pytest.skip("numpy's BLAS is not visible to threadpoolctl here")
    with one_blas_thread():
        assert set(blas_threads()) == {1}
    assert blas_threads() == before
