"""The shipped digits: checksum, split, scaling; the seeded toy task."""

import hashlib
import shutil

import numpy as np
import pytest

from bncourse.gamma_beta.studies import sigmoid_teacher
from bnlib.data import (
    DIGITS_PATH,
    DIGITS_SHA256,
    DataIntegrityError,
    _read_verified,
    load_digits,
)


def test_shipped_file_matches_its_checksum_and_provenance_note():
    assert hashlib.sha256(DIGITS_PATH.read_bytes()).hexdigest() == DIGITS_SHA256
    note = DIGITS_PATH.with_name("DIGITS.md").read_text()
    assert DIGITS_SHA256 in note and "CC BY 4.0" in note


def test_split_sizes_scaling_and_labels():
    d = load_digits()
    assert d.x_train.shape == (1438, 64) and d.x_test.shape == (359, 64)
    assert d.x_train.dtype == np.float64 and d.y_train.dtype == np.int64
    x = np.vstack([d.x_train, d.x_test])
    assert x.min() == 0.0 and x.max() == 1.0
    np.testing.assert_allclose(x * 16, np.round(x * 16))  # counts 0..16, scaled
    counts = np.bincount(np.concatenate([d.y_train, d.y_test]))
    np.testing.assert_array_equal(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])


def test_split_is_deterministic_and_follows_rng():
    a, b = load_digits(), load_digits()
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    c = load_digits(rng=np.random.default_rng(1), test_fraction=0.5)
    assert c.x_test.shape == (898, 64) and not np.array_equal(c.y_test[:50], a.y_test[:50])


def test_altered_file_is_refused_naming_both_checksums(tmp_path):
    bad = tmp_path / "digits.npz"
    shutil.copy(DIGITS_PATH, bad)
    with bad.open("r+b") as f:
        f.seek(100)
        byte = f.read(1)
        f.seek(100)
        f.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(DataIntegrityError, match=f"checksum mismatch.*expected {DIGITS_SHA256}"):
        load_digits(path=bad)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(DataIntegrityError, match="missing"):
        load_digits(path=tmp_path / "nope.npz")


def test_pickled_objects_are_never_loaded(tmp_path):
    evil = tmp_path / "evil.npz"
    np.savez(evil, images=np.array([{"a": 1}], dtype=object), labels=np.zeros(1))
    sha = hashlib.sha256(evil.read_bytes()).hexdigest()
    with pytest.raises(ValueError, match="allow_pickle"):
        _read_verified(evil, sha)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"test_fraction": 0.0}, ValueError, "test_fraction"),
        ({"test_fraction": 1.5}, ValueError, "test_fraction"),
        ({"rng": 0}, TypeError, "Generator"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        load_digits(**kwargs)


def test_teacher_targets_are_the_shifted_scaled_sigmoid():
    task = sigmoid_teacher(500, [3.0, 0.5], [-1.0, 2.0], np.random.default_rng(0))
    assert task.x.shape == task.target.shape == (500, 2)
    x_hat = (task.x - task.x.mean(0)) / task.x.std(0)
    np.testing.assert_allclose(task.target, 1 / (1 + np.exp(-(task.scale * x_hat + task.shift))))
    assert abs(task.x.mean() - 5.0) < 0.3  # raw features far from zero mean
    with pytest.raises(ValueError, match="equal length"):
        sigmoid_teacher(10, [1.0, 2.0], [0.0], np.random.default_rng(0))
    with pytest.raises(ValueError, match="n must be >= 2"):
        sigmoid_teacher(1, 1.0, 0.0, np.random.default_rng(0))
