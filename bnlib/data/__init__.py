"""Data: the real 8x8 handwritten digits (shipped, checksummed).

Nothing is downloaded. `digits.npz` sits next to this module inside the package; its
provenance and licence are in `DIGITS.md` beside it. Every random choice takes an `rng`.
"""

import hashlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

from bnlib._checks import check_rng

DIGITS_PATH = Path(__file__).with_name("digits.npz")
DIGITS_SHA256 = "af104d81e7cd419be5f343d23c6ca2e4e4ff847b06636260802df8e903c6183f"


class DataIntegrityError(ValueError):
    """The shipped data file is missing or is not the file whose checksum bnlib knows."""


class Digits(NamedTuple):
    """A train/test split of the digits: pixels in [0, 1], labels 0-9."""

    x_train: np.ndarray  # (N_train, 64) float64
    y_train: np.ndarray  # (N_train,) int64
    x_test: np.ndarray  # (N_test, 64) float64
    y_test: np.ndarray  # (N_test,) int64


def _read_verified(path, sha256):
    """Return the images (1797, 64) uint8 and labels (1797,) uint8, after checking the file."""
    path = Path(path)
    if not path.is_file():
        raise DataIntegrityError(
            f"the digits file {path} is missing; reinstall bnlib (pip install -e .) "
            "or restore bnlib/data/digits.npz from git"
        )
    raw = path.read_bytes()
    got = hashlib.sha256(raw).hexdigest()
    if got != sha256:
        raise DataIntegrityError(
            f"checksum mismatch for {path}: SHA-256 is {got}, expected {sha256}. "
            "The file was altered or corrupted; restore it from git"
        )
    with np.load(path, allow_pickle=False) as archive:
        return archive["images"], archive["labels"]


def load_digits(rng=None, test_fraction=0.2, path=None):
    """The UCI 8x8 handwritten digits (1,797 images), shuffled and split into train and test.

    Inputs: rng a Generator for the split (None = the fixed seed 0, so every call agrees);
    test_fraction in (0, 1); path only to test the checksum (defaults to the shipped file).
    Returns: Digits(x_train (N_train, 64), y_train, x_test (N_test, 64), y_test), pixels / 16.

    >>> d = load_digits()
    >>> d.x_train.shape, d.x_test.shape, float(d.x_train.max())
    ((1438, 64), (359, 64), 1.0)
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1); got {test_fraction!r}")
    if rng is None:
        rng = np.random.default_rng(0)
    check_rng(rng)
    images, labels = _read_verified(path or DIGITS_PATH, DIGITS_SHA256)
    order = rng.permutation(len(labels))
    n_test = int(round(test_fraction * len(labels)))
    test, train = order[:n_test], order[n_test:]
    x = images.astype(np.float64) / 16.0  # pixels are counts 0..16 of "on" dots in a 4x4 block
    y = labels.astype(np.int64)
    return Digits(x[train], y[train], x[test], y[test])
