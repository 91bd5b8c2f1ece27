"""`sweep_sharing` (notebook 04's sweep reading step 1's runs) gives what `bnlib.sweep` gives."""

import numpy as np
import pytest

from bncourse.covariate_shift.studies import sweep_sharing
from bnlib import load_digits, mlp, sweep, train
from bnlib.recorders import weight_norms

SIZES = [64, 16, 10]
SETTINGS = [{"lr": 0.5}, {"lr": 1.0, "batchnorm": True}, {"lr": 1e4}]


def _longer_runs(setting, seeds, steps, record_every):
    """The sweep's runs of `setting`, trained past `steps` with the notebook's recording."""
    runs = []
    for seed in seeds:
        gen = np.random.default_rng(seed)
        model = mlp(SIZES, batchnorm=setting.get("batchnorm", False), rng=gen)
        runs.append(
            train(
                model,
                load_digits(),
                steps + 20,
                60,
                setting["lr"],
                gen,
                eval_every=record_every,
                record={"norms": weight_norms},
                record_every=record_every,
            )
        )
    return runs


def test_reading_longer_runs_gives_the_sweeps_numbers():
    seeds, steps = (0, 3), 30
    shared = {1: _longer_runs(SETTINGS[1], seeds, steps, record_every=10)}
    got = sweep_sharing(load_digits(), SIZES, SETTINGS, shared, seeds=seeds, steps=steps)
    want = sweep(load_digits(), SIZES, SETTINGS, seeds=seeds, steps=steps)
    assert got.settings == want.settings and got.steps == want.steps
    for name in ("seeds", "accuracy", "start_loss", "end_loss", "start_norms", "end_norms"):
        assert np.array_equal(getattr(got, name), getattr(want, name)), name


def test_runs_must_cover_every_seed_and_the_step():
    runs = _longer_runs(SETTINGS[0], (0,), 30, record_every=10)
    with pytest.raises(ValueError, match="2 Histories"):
        sweep_sharing(load_digits(), SIZES, SETTINGS, {0: runs}, seeds=(0, 1), steps=30)
    with pytest.raises(ValueError, match="scored at step 35"):
        sweep_sharing(load_digits(), SIZES, SETTINGS, {0: runs}, seeds=(0,), steps=35)
