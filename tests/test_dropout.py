"""Dropout: inverted dropout keeps the mean, inflates the variance; identity in eval."""

import numpy as np
import pytest

from bnlib.dropout import Dropout


def test_training_keeps_the_mean_and_inflates_the_variance():
    x = np.random.default_rng(0).normal(1.0, 1.0, size=(200_000, 1))
    out = Dropout(0.5, rng=np.random.default_rng(1)).forward(x)
    assert out.mean() == pytest.approx(1.0, abs=0.01)
    # Var = (E[x^2] / (1 - p)) - E[x]^2 = 2 * 2 - 1 = 3 for p = 0.5
    assert out.var() == pytest.approx(3.0, rel=0.02)


def test_backward_uses_the_same_mask_and_eval_is_identity():
    layer = Dropout(0.3, rng=np.random.default_rng(0))
    out = layer.forward(np.ones((4, 5)))
    np.testing.assert_array_equal(layer.backward(np.ones((4, 5))), out)
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(layer.eval().forward(x), x)


@pytest.mark.parametrize("p", [1.0, -0.1, "0.5", True])
def test_bad_p(p):
    with pytest.raises(ValueError, match="p must be a drop probability"):
        Dropout(p, rng=np.random.default_rng(0))
