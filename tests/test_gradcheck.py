"""Unit tests for bnlib.gradcheck."""

import numpy as np
import pytest

from bnlib.gradcheck import numerical_gradient, rel_error


def test_numerical_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    dout = np.array([[1.0, 2.0], [3.0, 4.0]])
    grad = numerical_gradient(lambda v: np.sin(v) * v, x, dout)
    np.testing.assert_allclose(grad, dout * (np.cos(x) * x + np.sin(x)), rtol=1e-9)
    np.testing.assert_array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # input untouched


def test_rel_error_is_norm_wise():
    a = np.array([1.0, 1e-6])
    assert rel_error(a, a) == 0.0
    assert rel_error(a, a + [0.0, 1e-9]) < 1e-9  # a tiny entry's error does not dominate
    assert rel_error(np.ones(3), -np.ones(3)) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same shape"):
        rel_error(np.ones(2), np.ones(3))
