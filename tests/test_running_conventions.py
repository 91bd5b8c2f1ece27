"""update_running_stats' conventions against numbers recorded from the frameworks themselves.

Reference numbers were recorded on 2026-11-30 in a throwaway venv (not a dependency): PyTorch
2.13.0 `nn.BatchNorm1d(2).double()` in training mode, and Keras 3.15.1 (torch backend)
`BatchNormalization(dtype="float64")` called with training=True, whose moving statistics are
kept in float32 (hence rtol 1e-6 for Keras). The stream: 3 batches of 5 examples, 2 features,
`rng = np.random.default_rng(20)`, `rng.normal([1.0, -2.0], [2.0, 0.5], size=(5, 2))` each.
"""

import numpy as np
import pytest

from bnlib.layers import BatchNorm1d
from bnlib.running import (
    DEFAULT_EPS,
    DEFAULT_MOMENTUM,
    carry_eps,
    update_running_stats,
    update_running_std,
)

TORCH_01 = ([0.12095925873271954, -0.5887769303135223], [2.1622437397086323, 0.8063937373794696])
TORCH_NONE = ([0.46476891740333753, -2.155948285440986], [5.093757566774393, 0.2731894009836092])
TORCH_EVAL_ROW0 = [0.1086080466408489, -0.901320323762153]
KERAS = ([0.01375101413577795, -0.06408132612705231], [1.0917609930038452, 0.9768176078796387])
KERAS_EVAL_ROW0 = [0.25533226132392883, -1.3491286039352417]


def stream():
    rng = np.random.default_rng(20)
    return [rng.normal([1.0, -2.0], [2.0, 0.5], size=(5, 2)) for _ in range(3)]


def run(convention, momentum="default"):
    mean, var = np.zeros(2), np.ones(2)
    for k, b in enumerate(stream(), start=1):
        mean, var = update_running_stats(
            mean, var, b.mean(0), b.var(0), len(b), momentum, k, convention=convention
        )
    return mean, var


@pytest.mark.parametrize(("momentum", "want"), [(0.1, TORCH_01), (None, TORCH_NONE)])
def test_pytorch_convention_matches_torch_batchnorm1d(momentum, want):
    mean, var = run("pytorch", momentum)
    np.testing.assert_allclose(mean, want[0], rtol=1e-12)
    np.testing.assert_allclose(var, want[1], rtol=1e-12)


def test_bnlib_layer_matches_torch_eval_output():
    bn = BatchNorm1d(2)
    for b in stream():
        bn.forward(b)
    out = bn.eval().forward(stream()[0][:1])
    np.testing.assert_allclose(out[0], TORCH_EVAL_ROW0, rtol=1e-12)


def test_keras_convention_matches_keras_batchnormalization():
    mean, var = run("keras")
    np.testing.assert_allclose(mean, KERAS[0], rtol=1e-6)
    np.testing.assert_allclose(var, KERAS[1], rtol=1e-6)
    x = stream()[0][:1]
    out = (x - mean) / np.sqrt(var + DEFAULT_EPS["keras"])
    np.testing.assert_allclose(out[0], KERAS_EVAL_ROW0, rtol=1e-6)


def test_cs231n_is_keras_with_momentum_0_9():
    np.testing.assert_allclose(run("cs231n"), run("keras", 0.9), rtol=0, atol=0)
    assert DEFAULT_MOMENTUM == {"pytorch": 0.1, "keras": 0.99, "cs231n": 0.9}
    assert DEFAULT_EPS == {"pytorch": 1e-5, "keras": 1e-3, "cs231n": 1e-5}


def test_keras_stores_the_biased_variance_and_accepts_a_batch_of_one():
    _, var = update_running_stats(
        np.zeros(1), np.zeros(1), np.zeros(1), np.array([2.0]), 1, 0.0, convention="keras"
    )
    assert var[0] == 2.0


def test_existing_default_is_pytorch_0_1():
    args = (np.zeros(1), np.ones(1), np.array([3.0]), np.array([2.0]), 5)
    np.testing.assert_array_equal(update_running_stats(*args), update_running_stats(*args, 0.1))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"convention": "tensorflow"}, r"convention must be one of .*got 'tensorflow'"),
        ({"convention": "keras", "momentum": None}, r"momentum=None .* only in PyTorch"),
        ({"convention": "pytorch", "n": 1}, r"n must be >= 2"),
    ],
)
def test_bad_conventions_are_refused(kwargs, match):
    args = {"n": 4} | kwargs
    with pytest.raises(ValueError, match=match):
        update_running_stats(np.zeros(1), np.ones(1), np.zeros(1), np.ones(1), **args)


def test_running_std_is_makemore_update():
    mean, std = np.zeros(2), np.ones(2)
    for b in stream():
        mean, std = update_running_std(mean, std, b.mean(0), b.std(0, ddof=1))
    want = np.ones(2)
    for b in stream():
        want = 0.999 * want + 0.001 * b.std(0, ddof=1)
    np.testing.assert_allclose(std, want, rtol=1e-14)


def test_carry_eps_keeps_the_denominator_and_refuses_negative_variance():
    var = np.array([0.3, 2.0])
    carried = carry_eps(var, 1e-3, 1e-5)
    np.testing.assert_allclose(np.sqrt(carried + 1e-5), np.sqrt(var + 1e-3), rtol=1e-15)
    with pytest.raises(ValueError, match="must stay >= 0"):
        carry_eps(np.array([1e-6]), 0.0, 1e-3)
    with pytest.raises(ValueError, match="eps_from must be a number >= 0"):
        carry_eps(var, -1.0, 1e-5)
