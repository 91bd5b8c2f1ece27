"""Losses, the mlp builder, whole-model gradient checks (with and without BN), SGD."""

import numpy as np
import pytest

from bnlib.gradcheck import numerical_gradient, rel_error
from bnlib.layers import BatchNorm1d, Linear, Sigmoid
from bnlib.model import SGD, Sequential, forward_backward, mlp, mse_loss, softmax_cross_entropy

TOL = 1e-7


def test_cross_entropy_values_and_gradient():
    loss, dlogits = softmax_cross_entropy(np.zeros((3, 10)), np.array([0, 5, 9]))
    assert loss == pytest.approx(np.log(10))
    np.testing.assert_allclose(dlogits.sum(axis=1), 0.0, atol=1e-15)
    # Huge logits: no overflow, the right class gets (almost) all the mass.
    loss, _ = softmax_cross_entropy(np.array([[1000.0, 0.0]]), np.array([0]))
    assert loss == pytest.approx(0.0, abs=1e-300)
    rng = np.random.default_rng(0)
    logits, y = rng.normal(size=(5, 4)), np.array([0, 3, 1, 1, 2])
    _, analytic = softmax_cross_entropy(logits, y)
    numeric = numerical_gradient(lambda z: softmax_cross_entropy(z, y)[0], logits, np.array(1.0))
    assert rel_error(analytic, numeric) < TOL


def test_cross_entropy_is_bit_identical_to_the_textbook_lines():
    """The training loop's loss indexes the true classes through a flat view (faster); every
    stored training curve needs the bits of the plain formula: log-softmax, pick, mean. Logits
    in another memory layout (Fortran order, a strided view) give the row-major copy's result."""
    rng = np.random.default_rng(3)
    layouts = [np.asfortranarray, lambda a: np.repeat(a, 2, axis=1)[:, ::2]]
    for n, c in [(60, 10), (1, 2), (7, 3)]:
        logits, y = rng.normal(0.0, 5.0, size=(n, c)), rng.integers(0, c, size=n)
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        dlogits = np.exp(log_probs)
        dlogits[np.arange(n), y] -= 1.0
        loss, grad = softmax_cross_entropy(logits, y)
        assert loss == float(-log_probs[np.arange(n), y].mean())
        np.testing.assert_array_equal(grad, dlogits / n)
        for layout in layouts:
            other_loss, other_grad = softmax_cross_entropy(layout(logits), y)
            assert other_loss == loss
            np.testing.assert_array_equal(other_grad, grad)


def test_cross_entropy_rejects_bad_labels():
    with pytest.raises(ValueError, match=r"y must hold 2 integer labels in \[0, 3\)"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="integer labels"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0]))


def test_mse_values_and_gradient():
    rng = np.random.default_rng(1)
    pred, target = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    loss, analytic = mse_loss(pred, target)
    assert loss == pytest.approx(np.mean((pred - target) ** 2))
    numeric = numerical_gradient(lambda p: mse_loss(p, target)[0], pred, np.array(1.0))
    assert rel_error(analytic, numeric) < TOL
    with pytest.raises(ValueError, match="target must have pred's shape"):
        mse_loss(pred, target[:2])


def test_mlp_structure():
    gen = np.random.default_rng(0)
    kinds = [type(layer).__name__ for layer in mlp([4, 5, 5, 3], rng=gen)]
    assert kinds == ["Linear", "Sigmoid", "Linear", "Sigmoid", "Linear"]
    before = mlp([4, 5, 3], batchnorm=True, rng=gen)
    assert [type(layer).__name__ for layer in before] == [
        "Linear",
        "BatchNorm1d",
        "Sigmoid",
        "Linear",
    ]
    assert before[0].b is None and before[3].b is not None  # beta replaces the first bias
    after = mlp([4, 5, 3], batchnorm=True, bn_position="after", activation="relu", rng=gen)
    assert [type(layer).__name__ for layer in after] == ["Linear", "ReLU", "BatchNorm1d", "Linear"]
    assert after[0].b is not None
    noisy = mlp([4, 5, 3], noisy_bn={"shift_noise": 0.2}, rng=gen)
    assert type(noisy[1]).__name__ == "NoisyBatchNorm" and noisy[1].shift_noise == 0.2
    assert len(mlp([64, 100, 100, 100, 10], batchnorm=True, rng=gen).parameters()) == 11


def test_mlp_is_reproducible_from_its_rng():
    a = mlp([4, 6, 3], rng=np.random.default_rng(7))
    b = mlp([4, 6, 3], rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a[0].W, b[0].W)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"rng": None}, TypeError, "Generator"),
        ({"activation": "gelu"}, ValueError, "activation must be one of"),
        ({"bn_position": "middle"}, ValueError, "bn_position"),
    ],
)
def test_mlp_bad_arguments(kwargs, error, match):
    args = {"rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(error, match=match):
        mlp([4, 3], **args)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"batchnorm": False, "activation": "sigmoid"},
        {"batchnorm": True, "activation": "sigmoid"},
        {"batchnorm": True, "activation": "tanh", "bn_position": "after"},
        {"batchnorm": True, "activation": "relu"},
    ],
    ids=["sigmoid", "sigmoid+bn", "tanh+bn-after", "relu+bn"],
)
def test_whole_mlp_gradient_check(kwargs):
    """Every parameter and the input of a 3-hidden-layer MLP against centred differences."""
    rng = np.random.default_rng(11)
    model = mlp([5, 6, 6, 6, 4], rng=rng, init_scale=1.5, **kwargs)
    for layer in model:  # non-trivial gamma and beta
        if isinstance(layer, BatchNorm1d):
            layer.gamma = rng.uniform(0.5, 2.0, layer.num_features)
            layer.beta = rng.normal(size=layer.num_features)
    x, y = rng.normal(size=(8, 5)), rng.integers(0, 4, size=8)

    def loss_at(name, layer):
        def f(p):
            setattr(layer, name, p)
            return softmax_cross_entropy(model.forward(x), y)[0]

        return f

    logits = model.forward(x)
    dx = model.backward(softmax_cross_entropy(logits, y)[1])
    first = model[0]
    numeric_dx = numerical_gradient(
        lambda v: softmax_cross_entropy(model.forward(v), y)[0], x, np.array(1.0)
    )
    assert rel_error(dx, numeric_dx) < TOL
    for layer, name in model.parameters():
        analytic = getattr(layer, "d" + name).copy()
        original = getattr(layer, name).copy()
        numeric = numerical_gradient(loss_at(name, layer), original, np.array(1.0))
        setattr(layer, name, original)
        assert rel_error(analytic, numeric) < TOL, (type(layer).__name__, name)
    assert first.dW.shape == (5, 6)


def test_forward_upto_and_find():
    model = mlp([3, 4, 2], batchnorm=True, rng=np.random.default_rng(0))
    x = np.random.default_rng(1).normal(size=(5, 3))
    np.testing.assert_allclose(model.forward(x, upto=1), x @ model[0].W)
    assert model.find(Sigmoid) == [2] and model.find(Linear) == [0, 3]


def test_sgd_plain_and_momentum():
    layer = Linear(1, 1, rng=np.random.default_rng(0))
    model = Sequential([layer])
    layer.W[:] = 1.0
    opt = SGD(model, lr=0.1, momentum=0.9)
    for _ in range(2):
        layer.dW, layer.db = np.array([[1.0]]), np.array([0.0])
        opt.step()
    # v1 = 1, W = 0.9; v2 = 0.9 * 1 + 1 = 1.9, W = 0.9 - 0.19 = 0.71
    np.testing.assert_allclose(layer.W, [[0.71]])
    with pytest.raises(ValueError, match="lr must be finite and > 0"):
        SGD(model, lr=0.0)
    with pytest.raises(ValueError, match="momentum"):
        SGD(model, lr=0.1, momentum=1.0)


def test_one_sgd_step_lowers_the_loss_on_its_batch():
    rng = np.random.default_rng(0)
    model = mlp([6, 8, 3], batchnorm=True, rng=rng)
    x, y = rng.normal(size=(16, 6)), rng.integers(0, 3, size=16)
    before = forward_backward(model, x, y)
    SGD(model, lr=0.1).step()
    assert softmax_cross_entropy(model.forward(x), y)[0] < before


def test_a_sequential_checks_its_input_once_and_still_names_a_width_mismatch():
    rng = np.random.default_rng(0)
    model = Sequential([Linear(4, 3, rng=rng), BatchNorm1d(3), Sigmoid(), Linear(5, 2, rng=rng)])
    with pytest.raises(ValueError, match="x must be finite"):
        model.forward(np.full((6, 4), np.nan))  # what enters is checked
    with pytest.raises(ValueError, match=r"Linear wants x of shape \(N, 5\); got \(6, 3\)"):
        model.forward(np.ones((6, 4)))  # inner layers skip the NaN scan, not the shape check
    alone = Sequential([BatchNorm1d(3)])
    alone.forward(np.eye(3))
    with pytest.raises(ValueError, match="dout must have the forward output's shape"):
        alone.backward(np.ones((2, 3)))  # and so is the gradient that enters backward


def test_a_layer_that_overrides_forward_is_called_through_it():
    class Doubled(BatchNorm1d):  # a learner's subclass: its own forward and backward
        def forward(self, x):
            return 2.0 * super().forward(x)

        def backward(self, dout):
            return super().backward(2.0 * np.asarray(dout))

    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 4))
    plain = Sequential([Linear(4, 3, rng=np.random.default_rng(1)), BatchNorm1d(3)])
    doubled = Sequential([Linear(4, 3, rng=np.random.default_rng(1)), Doubled(3)])
    np.testing.assert_allclose(doubled.forward(x), 2.0 * plain.forward(x))
    dout = rng.normal(size=(8, 3))
    np.testing.assert_allclose(doubled.backward(dout), plain.backward(2.0 * dout))


def test_training_steps_equal_the_layers_own_checked_calls():
    """The unchecked inner path computes what each layer's public forward/backward does."""
    x, y = np.random.default_rng(2).normal(size=(10, 4)), np.arange(10) % 3
    fast = mlp([4, 6, 3], batchnorm=True, rng=np.random.default_rng(0))
    slow = mlp([4, 6, 3], batchnorm=True, rng=np.random.default_rng(0))
    loss = forward_backward(fast, x, y)
    h = x
    for layer in slow.layers:
        h = layer.forward(h)
    slow_loss, d = softmax_cross_entropy(h, y)
    for layer in reversed(slow.layers):
        d = layer.backward(d)
    assert loss == slow_loss
    for (a, name), (b, _) in zip(fast.parameters(), slow.parameters(), strict=True):
        np.testing.assert_array_equal(getattr(a, "d" + name), getattr(b, "d" + name))


def test_sgd_updates_each_parameter_in_place_to_the_bit():
    """The step writes into the parameter arrays (a layer's views of them see it) and gives
    exactly param - lr * grad (stored training curves depend on the bits)."""
    rng = np.random.default_rng(5)
    model = mlp([4, 6, 3], batchnorm=True, rng=rng)
    forward_backward(model, rng.normal(size=(8, 4)), rng.integers(0, 3, size=8))
    pairs = model.parameters()
    before = [(getattr(layer, name), getattr(layer, name).copy()) for layer, name in pairs]
    SGD(model, lr=0.3).step()
    for (layer, name), (array, old) in zip(pairs, before, strict=True):
        assert getattr(layer, name) is array
        np.testing.assert_array_equal(array, old - 0.3 * getattr(layer, "d" + name))
