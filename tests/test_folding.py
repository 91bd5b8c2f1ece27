"""fold_batchnorm and fold_model: the folded affine map equals Linear -> BN in eval mode."""

import numpy as np
import pytest

from bnlib.data import load_digits
from bnlib.folding import fold_batchnorm
from bnlib.inference import fold_model
from bnlib.layers import BatchNorm1d, Linear
from bnlib.model import Sequential, mlp
from bnlib.training import train


def _trained_pair(rng, bias=True):
    """A Linear(5, 4) and a BN(4) with non-trivial gamma, beta and running statistics."""
    linear, bn = Linear(5, 4, rng=rng, bias=bias), BatchNorm1d(4)
    if bias:
        linear.b = rng.normal(size=4)
    bn.gamma, bn.beta = rng.uniform(0.5, 2.0, 4), rng.normal(size=4)
    for _ in range(20):
        bn.forward(linear.forward(rng.normal(2.0, 3.0, size=(8, 5))))
    return linear, bn.eval()


@pytest.mark.parametrize("bias", [True, False])
def test_folded_map_equals_linear_then_bn_in_eval_mode(bias):
    rng = np.random.default_rng(0)
    linear, bn = _trained_pair(rng, bias)
    W_f, b_f = fold_batchnorm(
        linear.W, linear.b, bn.gamma, bn.beta, bn.running_mean, bn.running_var, bn.eps
    )
    x = rng.normal(size=(30, 5))
    np.testing.assert_allclose(x @ W_f + b_f, bn.forward(linear.forward(x)), rtol=1e-12, atol=1e-12)
    assert W_f.shape == (5, 4) and b_f.shape == (4,)


def test_fold_by_hand_for_one_unit():
    W_f, b_f = fold_batchnorm(
        [[1.0, 2.0]], [0.5, 0.0], [2.0, 1.0], [1.0, -1.0], [1.5, 0.0], [3.0, 1.0], eps=1.0
    )
    # unit 0: s = 2 / sqrt(4) = 1; W 1 -> 1; b: (0.5 - 1.5) * 1 + 1 = 0
    # unit 1: s = 1 / sqrt(2); W 2 -> sqrt(2); b: (0 - 0) * s - 1 = -1
    np.testing.assert_allclose(W_f, [[1.0, np.sqrt(2.0)]])
    np.testing.assert_allclose(b_f, [0.0, -1.0])


def test_fold_model_on_a_trained_digits_network_gives_the_same_eval_outputs():
    digits, rng = load_digits(), np.random.default_rng(0)
    model = mlp([64, 32, 32, 10], batchnorm=True, rng=rng)
    train(model, digits, steps=60, batch_size=30, lr=0.5, rng=rng, eval_every=60)
    folded = fold_model(model)
    assert len(folded) == len(model) - 2
    assert not folded.find(BatchNorm1d)
    model.eval()
    np.testing.assert_allclose(
        folded.forward(digits.x_test), model.forward(digits.x_test), rtol=1e-9, atol=1e-9
    )
    assert model[1].training is False  # fold_model does not touch the original's modes


def test_fold_model_leaves_the_original_unchanged():
    model = mlp([3, 4, 2], batchnorm=True, rng=np.random.default_rng(0))
    W = model[0].W.copy()
    folded = fold_model(model)
    folded[0].W += 1.0
    np.testing.assert_array_equal(model[0].W, W)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(W=np.ones(4)), ValueError, r"W must be 2-D with shape \(D, H\)"),
        (dict(b=np.ones(3)), ValueError, r"b must have shape \(H,\) = \(4,\)"),
        (dict(gamma=np.ones(3)), ValueError, r"gamma must have the feature shape \(4,\)"),
        (dict(running_mean=np.ones(5)), ValueError, r"running_mean must have the feature shape"),
        (dict(running_var=-np.ones(4)), ValueError, r"running_var must be >= 0"),
        (dict(running_var=np.full(4, np.nan)), ValueError, r"running_var must be finite"),
        (dict(eps=0.0), ValueError, r"eps must be finite and > 0"),
        (dict(W="abc"), TypeError, r"W must hold real numbers"),
    ],
)
def test_fold_batchnorm_rejects_bad_input(kwargs, error, match):
    args = dict(
        W=np.ones((3, 4)),
        b=np.zeros(4),
        gamma=np.ones(4),
        beta=np.zeros(4),
        running_mean=np.zeros(4),
        running_var=np.ones(4),
    )
    args.update(kwargs)
    with pytest.raises(error, match=match):
        fold_batchnorm(**args)


def test_fold_model_rejects_models_it_cannot_fold():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="no BatchNorm1d layer: nothing to fold"):
        fold_model(mlp([3, 4, 2], rng=rng))
    with pytest.raises(ValueError, match=r"Conv2d to fold; it follows nothing"):
        fold_model(Sequential([BatchNorm1d(3), Linear(3, 2, rng=rng)]))
    with pytest.raises(TypeError, match="model must be a bnlib Sequential"):
        fold_model([Linear(3, 2, rng=rng)])
