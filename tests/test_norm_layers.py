"""LayerNorm, GroupNorm and BatchRenorm1d as layers, and mlp(..., norm=...)."""

import numpy as np
import pytest

from bncourse.small_batches.studies import batch_size_sweep, renorm_for
from bnlib.data import load_digits
from bnlib.gradcheck import numerical_gradient, rel_error
from bnlib.layers import BatchNorm1d, Linear
from bnlib.model import forward_backward, mlp
from bnlib.norm_layers import BatchRenorm1d, GroupNorm, LayerNorm, default_groups, make_norm
from bnlib.training import evaluate, train


def test_layer_and_group_norm_are_the_same_in_train_and_eval():
    x = np.random.default_rng(0).normal(size=(3, 6))
    for layer in (LayerNorm(6), GroupNorm(6, 3)):
        train_out = layer.forward(x)
        np.testing.assert_array_equal(layer.eval().forward(x), train_out)
        np.testing.assert_array_equal(layer.forward(x[:1]), train_out[:1])  # batch of one


def test_group_norm_layer_takes_images_and_one_group_is_layer_norm():
    x = np.random.default_rng(1).normal(size=(2, 4, 3, 3))
    assert GroupNorm(4, 2).forward(x).shape == x.shape
    flat = np.random.default_rng(2).normal(size=(5, 6))
    np.testing.assert_allclose(GroupNorm(6, 1).forward(flat), LayerNorm(6).forward(flat))


@pytest.mark.parametrize("make", [lambda: LayerNorm(5), lambda: GroupNorm(6, 2), BatchRenorm1d])
def test_layer_backward_matches_numerical_gradient(make):
    layer = make() if not isinstance(make, type) else make(4, warmup=0, ramp=0)
    d = getattr(layer, "num_features", getattr(layer, "num_channels", None))
    rng = np.random.default_rng(3)
    x, dout = rng.normal(size=(6, d)), rng.normal(size=(6, d))
    layer.gamma, layer.beta = rng.normal(size=d), rng.normal(size=d)
    if isinstance(layer, BatchRenorm1d):
        layer.running_mean, layer.running_var = rng.normal(size=d), rng.uniform(0.5, 2, d)
        saved = layer.running_mean.copy(), layer.running_var.copy(), layer.num_batches_tracked
        layer.forward(x)
        r, dd = layer._saved().r, layer._saved().d
        dx = layer.backward(dout)
        layer.running_mean, layer.running_var, _ = saved

        def f(v):  # r and d held at their forward values, as the layer's backward assumes
            return layer.gamma * ((v - v.mean(0)) / np.sqrt(v.var(0) + 1e-5) * r + dd) + layer.beta

    else:
        layer.forward(x)
        dx = layer.backward(dout)
        f = layer.forward
    assert rel_error(dx, numerical_gradient(f, x, dout)) < 1e-7
    assert layer.dgamma.shape == (d,) and layer.dbeta.shape == (d,)


def test_batch_renorm_at_limits_1_0_trains_exactly_like_batch_norm():
    data = load_digits()
    runs = []
    for norm in ("batch", lambda w: BatchRenorm1d(w, r_max=1.0, d_max=0.0)):
        rng = np.random.default_rng(5)
        model = mlp([64, 32, 10], norm=norm, rng=rng)
        h = train(model, data, steps=60, batch_size=8, lr=0.2, rng=rng, eval_every=30)
        runs.append((h.loss, h.test_accuracy, model[1].running_mean, model[1].running_var))
    for a, b in zip(*runs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_batch_renorm_schedule_and_running_stats():
    layer = BatchRenorm1d(2, momentum=0.5, r_max=3.0, d_max=5.0, warmup=2, ramp=4)
    x = np.array([[0.0, 1.0], [2.0, 5.0]])
    seen = []
    for _ in range(7):
        layer.forward(x)
        seen.append(layer.limits)
    assert seen[:2] == [(1.0, 0.0)] * 2 and seen[3] == (2.0, 2.5) and seen[-1] == (3.0, 5.0)
    kept = 0.5**7  # what is left of the initial (0, 1) after 7 updates with momentum 0.5
    np.testing.assert_allclose(layer.running_mean, np.array([1.0, 3.0]) * (1 - kept))
    # The unbiased variance (N / (N - 1) = 2 times the biased 1 and 4).
    np.testing.assert_allclose(layer.running_var, kept + np.array([2.0, 8.0]) * (1 - kept))
    # In eval mode it is BN's inference transform with the running statistics.
    out = layer.eval().forward(x)
    expected = (x - layer.running_mean) / np.sqrt(layer.running_var + 1e-5)
    np.testing.assert_allclose(out, expected)


def test_batch_renorm_refuses_a_training_batch_of_one_but_eval_takes_it():
    layer = BatchRenorm1d(3)
    with pytest.raises(ValueError, match="more than 1 value per feature"):
        layer.forward(np.ones((1, 3)))
    assert layer.eval().forward(np.ones((1, 3))).shape == (1, 3)


def test_mlp_norm_option():
    rng = np.random.default_rng(0)
    kinds = {"batch": BatchNorm1d, "layer": LayerNorm, "group": GroupNorm, "renorm": BatchRenorm1d}
    for name, kind in kinds.items():
        model = mlp([8, 12, 12, 3], norm=name, rng=rng)
        norms = [layer for layer in model.layers if isinstance(layer, kind)]
        assert len(norms) == 2 and type(model[1]) is kind
        # Batch and renorm absorb the Linear's bias; layer and group norm keep it.
        assert (model[0].b is None) == (name in ("batch", "renorm"))
    assert mlp([8, 12, 3], norm=lambda d: GroupNorm(d, 4), rng=rng)[1].num_groups == 4
    after = mlp([8, 12, 3], norm="layer", bn_position="after", rng=rng)
    assert [type(layer).__name__ for layer in after.layers][:3] == [
        "Linear",
        "Sigmoid",
        "LayerNorm",
    ]


def test_mlp_batchnorm_true_is_norm_batch():
    a = mlp([8, 12, 3], batchnorm=True, rng=np.random.default_rng(0))
    b = mlp([8, 12, 3], norm="batch", rng=np.random.default_rng(0))
    assert repr(a) == repr(b)
    np.testing.assert_array_equal(a[0].W, b[0].W)


def test_mlp_norm_errors():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="norm must be one of .*; got 'instance'"):
        mlp([4, 6, 2], norm="instance", rng=rng)
    with pytest.raises(ValueError, match="conflicts with batchnorm=True"):
        mlp([4, 6, 2], norm="layer", batchnorm=True, rng=rng)
    with pytest.raises(ValueError, match=r"num_groups must divide .* C = 6; got num_groups = 4"):
        GroupNorm(6, 4)
    with pytest.raises(ValueError, match=r"GroupNorm wants x of shape \(N, 6, \*S\)"):
        GroupNorm(6, 3).forward(np.ones((2, 5)))
    with pytest.raises(ValueError, match="norm must be one of"):
        make_norm("batchnorm", 4)


def test_every_norm_trains_the_digits_net_with_a_batch_of_two():
    data = load_digits()
    for norm in ("batch", "layer", "group", "renorm"):
        rng = np.random.default_rng(1)
        model = mlp([64, 30, 10], norm=norm, activation="relu", rng=rng)
        h = train(model, data, steps=400, batch_size=2, lr=0.05, rng=rng, eval_every=400)
        assert not h.diverged and h.final_accuracy > 0.7, (norm, h.final_accuracy)


def test_default_groups_divides_the_width():
    for width in range(1, 130):
        assert width % default_groups(width) == 0
    assert isinstance(make_norm("layer", 3), LayerNorm)
    model = mlp([4, 6, 2], norm="layer", rng=np.random.default_rng(0))
    loss = forward_backward(model, np.ones((1, 4)), np.array([1]))  # batch of one trains
    assert np.isfinite(loss) and evaluate(model, np.ones((1, 4)), np.array([1]))[1] in (0.0, 1.0)
    assert isinstance(model[0], Linear)


def test_batch_size_sweep_shapes_rule_and_determinism():
    data = load_digits()
    args = (data, [64, 8, 10], ("batch", "layer"), (2, 8), (0, 1))
    s = batch_size_sweep(*args, epochs=1, lr_per_example=1 / 128)
    assert s.test_error.shape == (2, 2, 2) and s.steps.tolist() == [719, 179]
    assert np.all((s.test_error >= 0) & (s.test_error <= 1))
    # Layer norm has no running statistics: its train-mode error is its eval-mode error.
    np.testing.assert_array_equal(s.train_mode_error[1], s.test_error[1])
    again = batch_size_sweep(*args, epochs=1, lr_per_example=1 / 128)
    np.testing.assert_array_equal(again.test_error, s.test_error)
    mean, low, high = s.summary()
    assert np.all((low <= mean) & (mean <= high))
    with pytest.raises(ValueError, match="batch_sizes must be >= 2"):
        batch_size_sweep(data, [64, 10], batch_sizes=(1, 4))
    with pytest.raises(ValueError, match="each of norms must be one of"):
        batch_size_sweep(data, [64, 10], norms=("instance",))


def test_renorm_for_waits_for_the_running_statistics_then_spans_the_run():
    # Short run: the warm-up is set by the momentum (0.9^29 <= 5% < 0.9^28), not 5% of 200.
    layer = renorm_for(200)(5)
    assert (layer.warmup, layer.ramp, layer.momentum) == (29, 50, 0.1)
    assert 0.9**29 <= 0.05 < 0.9**28
    # Long run: 5% of the run is longer than the settling time.
    assert (renorm_for(2000)(5).warmup, renorm_for(2000)(5).ramp) == (100, 500)
    # A smaller momentum settles more slowly: 0.99^299 <= 5% < 0.99^298.
    assert renorm_for(200, momentum=0.01)(5).warmup == 299
    assert renorm_for(200, settled=0.5)(5).warmup == 10  # 0.9^7 <= 0.5, but 5% of 200 is 10


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"momentum": 1.0}, "momentum and settled must be in"),
        ({"momentum": 0.0}, "momentum must be finite and > 0"),
        ({"settled": 1.5}, "momentum and settled must be in"),
        ({"settled": "5%"}, "settled must be a real number"),
    ],
)
def test_renorm_for_rejects_bad_schedules(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        renorm_for(100, **kwargs)
