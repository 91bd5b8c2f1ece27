"""Loss-landscape probes: values on a case with a known answer, purity, the recorder."""

import numpy as np
import pytest

from bncourse.gradients.landscape import landscape_recorder, probe_landscape
from bnlib.data import load_digits
from bnlib.layers import BatchNorm1d, Linear
from bnlib.model import Sequential, mlp
from bnlib.training import train


def _linear_model():
    layer = Linear(3, 2, rng=np.random.default_rng(0))
    return Sequential([layer])


def test_probe_on_softmax_regression_matches_direct_computation():
    """For one Linear layer the probe can be recomputed by hand."""
    from bnlib.model import softmax_cross_entropy

    rng = np.random.default_rng(1)
    model = _linear_model()
    x, y = rng.normal(size=(10, 3)), rng.integers(0, 2, 10)
    p = probe_landscape(model, x, y, [0.1, 1.0])
    logits = model.forward(x)
    loss0, dlogits = softmax_cross_entropy(logits, y)
    gW, gb = x.T @ dlogits, dlogits.sum(0)
    assert p.base_loss == pytest.approx(loss0)
    assert p.grad_norm == pytest.approx(np.sqrt(np.sum(gW**2) + np.sum(gb**2)))
    W, b = model[0].W - 1.0 * gW, model[0].b - 1.0 * gb
    loss1, d1 = softmax_cross_entropy(x @ W + b, y)
    assert p.loss[1] == pytest.approx(loss1)
    change = np.sqrt(np.sum((x.T @ d1 - gW) ** 2) + np.sum((d1.sum(0) - gb) ** 2))
    assert p.grad_change[1] == pytest.approx(change)
    assert p.loss[0] < p.base_loss  # a small step downhill lowers the loss
    assert p.loss_range >= p.base_loss - p.loss.min()
    assert p.beta_smoothness == pytest.approx(
        max(p.grad_change / ([0.1, 1.0] * np.array(p.grad_norm)))
    )


def test_probe_leaves_the_model_untouched():
    rng = np.random.default_rng(2)
    model = mlp([4, 6, 3], batchnorm=True, rng=rng)
    before = [getattr(layer, n).copy() for layer, n in model.parameters()]
    bn = model[1]
    running = bn.running_mean.copy()
    probe_landscape(model, rng.normal(size=(8, 4)), rng.integers(0, 3, 8), [0.1, 0.5])
    for (layer, name), old in zip(model.parameters(), before, strict=True):
        np.testing.assert_array_equal(getattr(layer, name), old)
    np.testing.assert_array_equal(bn.running_mean, running)
    assert isinstance(bn, BatchNorm1d) and bn.num_batches_tracked == 0


def test_bad_step_sizes():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="step_sizes"):
        probe_landscape(_linear_model(), rng.normal(size=(4, 3)), np.zeros(4, int), [0.0, 1.0])


def test_recorder_inside_training():
    gen = np.random.default_rng(0)
    model = mlp([64, 32, 10], batchnorm=True, rng=gen)
    etas = [0.05, 0.1, 0.2]
    h = train(
        model,
        load_digits(),
        60,
        30,
        0.1,
        gen,
        record={"ls": landscape_recorder(etas)},
        record_every=20,
    )
    ls = h.records["ls"]
    assert ls.shape == (3, 3, 3)
    np.testing.assert_allclose(ls[:, 2] / ls[:, 2, :1], np.tile([1.0, 2.0, 4.0], (3, 1)))
    assert np.isfinite(ls).all()
