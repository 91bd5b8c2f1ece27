"""Sequence data for the recurrent notebook (moved from `bnlib.data.sequences`): digits read as
sequences, a task of any length, and zero padding of variable-length batches.

Every array is (N, T, D): N sequences of T timesteps with D numbers each.
"""

from typing import NamedTuple

import numpy as np

from bnlib._checks import check_batch, check_positive, check_positive_int, check_rng


class SequenceSplit(NamedTuple):
    """A train/test split of sequences: x (N, T, D), integer labels y (N,)."""

    x_train: np.ndarray  # (N_train, T, D)
    y_train: np.ndarray  # (N_train,)
    x_test: np.ndarray  # (N_test, T, D)
    y_test: np.ndarray  # (N_test,)


def digit_sequences(digits, by="row"):
    """The 8x8 digits as sequences: by "row" (N, 8, 8), 8 rows of 8 pixels, top to bottom, or
    by "pixel" (N, 64, 1), one pixel per timestep in reading order. Returns a `SequenceSplit`.

    >>> from bnlib.data import load_digits
    >>> digit_sequences(load_digits(), by="pixel").x_train.shape
    (1438, 64, 1)
    """
    if by not in ("row", "pixel"):
        raise ValueError(f'by must be "row" or "pixel"; got {by!r}')
    shape = (8, 8) if by == "row" else (64, 1)
    x_train, y_train, x_test, y_test = digits
    return SequenceSplit(x_train.reshape(-1, *shape), y_train, x_test.reshape(-1, *shape), y_test)


def evidence_sequences(n, length, rng, classes=4, signal=0.5):
    """A classification task whose length you choose: every timestep is a noisy hint of the class.

    x_t = signal * e_y + Normal(0, 1) noise in `classes` dimensions, independently at each t, so
    longer sequences carry more evidence (the best possible accuracy rises with `length`).
    Returns: x (n, length, classes), y (n,) integer labels, balanced up to one.

    >>> x, y = evidence_sequences(6, 3, np.random.default_rng(0))
    >>> x.shape, y.tolist()
    ((6, 3, 4), [3, 2, 1, 0, 0, 1])
    """
    n, length = check_positive_int(n, "n"), check_positive_int(length, "length")
    classes = check_positive_int(classes, "classes")
    signal = check_positive(signal, "signal")
    check_rng(rng)
    y = rng.permutation(np.arange(n) % classes)
    x = rng.standard_normal((n, length, classes))
    x[np.arange(n), :, y] += signal
    return x, y


def evidence_task(length, rng, n_train=1200, n_test=600, **options):
    """`evidence_sequences` as a train/test `SequenceSplit` of sequences of one length."""
    x_train, y_train = evidence_sequences(n_train, length, rng, **options)
    x_test, y_test = evidence_sequences(n_test, length, rng, **options)
    return SequenceSplit(x_train, y_train, x_test, y_test)


def pad_sequences(x, lengths):
    """Zero the timesteps of each sequence beyond its length, as padding a batch does.

    Inputs: x (N, T, D); lengths (N,) ints in [1, T]. Returns: x_padded (N, T, D) and the
    mask (N, T), True where a timestep is real.

    >>> x_pad, mask = pad_sequences(np.ones((2, 3, 1)), [3, 1])
    >>> x_pad[:, :, 0].tolist(), mask.sum(axis=1).tolist()
    ([[1.0, 1.0, 1.0], [1.0, 0.0, 0.0]], [3, 1])
    """
    x = check_batch(x, ndim=3, layout="(N, T, D)")
    lengths = np.asarray(lengths)
    n, T = x.shape[:2]
    if lengths.shape != (n,) or lengths.dtype.kind not in "iu":
        raise ValueError(
            f"lengths must be {n} integers; got shape {lengths.shape}, {lengths.dtype}"
        )
    if lengths.min() < 1 or lengths.max() > T:
        raise ValueError(f"lengths must be in [1, {T}]; got {lengths.min()}..{lengths.max()}")
    mask = np.arange(T)[None, :] < lengths[:, None]
    return x * mask[:, :, None], mask
