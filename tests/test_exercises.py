"""Exercise checkers: pass the right answer, and name each usual mistake in words."""

import numpy as np
import pytest

from bnlib.exercises import (
    Feedback,
    check_batchnorm_forward,
    check_channel_statistics,
    check_output_variance,
)


def right(x, gamma, beta, eps):
    return gamma * (x - x.mean(0)) / np.sqrt(x.var(0) + eps) + beta


WRONG = {
    "each row": lambda x, g, b, e: (
        g * (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + e) + b
    ),
    "unbiased variance": lambda x, g, b, e: g * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + e) + b,
    "eps is missing": lambda x, g, b, e: g * (x - x.mean(0)) / np.sqrt(x.var(0)) + b,
    "inside the square root": lambda x, g, b, e: g * (x - x.mean(0)) / (x.std(0) + e) + b,
    "divided by the variance": lambda x, g, b, e: g * (x - x.mean(0)) / (x.var(0) + e) + b,
    "not applied": lambda x, g, b, e: (x - x.mean(0)) / np.sqrt(x.var(0) + e),
    "swapped": lambda x, g, b, e: b * (x - x.mean(0)) / np.sqrt(x.var(0) + e) + g,
    "returned None": lambda x, g, b, e: None,
    "raised ZeroDivisionError": lambda x, g, b, e: 1 / 0,
    "expected (8, 3)": lambda x, g, b, e: x.T,
    "worst entry": lambda x, g, b, e: right(x, g, b, e) + 0.01,
    "the arguments (x, gamma, beta, eps)": lambda x: x,
}


def test_right_answer_passes_also_as_a_tuple():
    assert check_batchnorm_forward(right)
    assert check_batchnorm_forward(lambda *a: (right(*a), "cache"))
    assert repr(check_batchnorm_forward(right)).startswith("PASS: ")


@pytest.mark.parametrize("hint", sorted(WRONG))
def test_each_mistake_is_named(hint):
    feedback = check_batchnorm_forward(WRONG[hint])
    assert isinstance(feedback, Feedback) and not feedback
    assert hint in feedback.message
    assert repr(feedback).startswith("NOT YET: ")


def test_channel_statistics_checker():
    assert check_channel_statistics(lambda x: (x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))))
    per_image = check_channel_statistics(lambda x: (x.mean(axis=(1, 2, 3)), x.var(axis=(1, 2, 3))))
    assert "one value per image" in per_image.message
    no_n = check_channel_statistics(
        lambda x: (x.mean(axis=(2, 3)).mean(0), x.var(axis=(2, 3)).mean(0))
    )
    assert not no_n and "expected" in no_n.message
    ddof = check_channel_statistics(
        lambda x: (x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3), ddof=1))
    )
    assert "ddof=1" in ddof.message
    assert "pair" in check_channel_statistics(lambda x: x.mean()).message


def test_output_variance_checker():
    assert check_output_variance(1e-4 / (1e-4 + 1e-5), var=1e-4, eps=1e-5)
    assert "not quite 1" in check_output_variance(1.0, var=1e-4, eps=1e-5).message
    assert "standard deviation" in check_output_variance(np.sqrt(1 / 1.1), 1e-4, 1e-5).message
    assert "close" in check_output_variance("0.9", 1e-4, 1e-5).message
    assert "replace the ..." in check_output_variance(..., 1e-4, 1e-5).message
    assert "give a number" in check_output_variance([1, 2], 1e-4, 1e-5).message
    assert "returned None" in check_channel_statistics(lambda x: None).message
