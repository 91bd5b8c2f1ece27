"""The training runs behind notebook 04's panel: the digits network without and with BN,
recording what each hidden layer's sigmoids receive.
"""

import numpy as np

from bncourse.covariate_shift.recorders import layer_input_histograms
from bnlib._checks import check_positive_int, check_seeds
from bnlib._numerics import SATURATED_AT
from bnlib.data import load_digits
from bnlib.model import mlp
from bnlib.sweep import DEFAULTS, SweepResult, sweep
from bnlib.training import train

# Bins of 0.24 with +-SATURATED_AT on two edges, so the saturated fraction is counted exactly;
# values beyond +-10.1 fall in the end bins.
EDGES = SATURATED_AT / 12 * np.arange(-42, 43)


SIGMOID_NET = [64, 100, 100, 100, 10]  # the digits network of notebooks 02-05, sigmoids


def record_layer_inputs(steps=400, lr=1.0, seed=1, record_every=20, n_probe=300):
    """Train the digits network without and with BN (same seed, same initial weights),
    recording `layer_input_histograms` on `n_probe` training images every `record_every` steps.
    Returns {"no BN": History, "BN": History} with records["histograms"] (R, 3, B) on EDGES.
    """
    steps, n_probe = check_positive_int(steps, "steps"), check_positive_int(n_probe, "n_probe")
    digits = load_digits()
    record = {"histograms": layer_input_histograms(digits.x_train[:n_probe], EDGES)}
    runs = {}
    for label, bn in (("no BN", False), ("BN", True)):
        rng = np.random.default_rng(seed)
        model = mlp(SIGMOID_NET, batchnorm=bn, rng=rng)
        runs[label] = train(
            model,
            digits,
            steps,
            60,
            lr,
            rng,
            eval_every=steps,
            record=record,
            record_every=record_every,
        )
    return runs


def sweep_sharing(data, sizes, settings, runs, seeds=(0, 1, 2), steps=150):
    """`bnlib.sweep(data, sizes, settings, seeds, steps)` that reads, instead of training again,
    the runs the notebook already has: `runs` maps a setting's index k to its Histories, one
    per seed, each trained (by `train`, batch 60, the model and Generator made as `sweep`
    makes them) for `steps` or more steps, scored at step `steps` and recording
    `bnlib.recorders.weight_norms` as "norms" at steps 0 and `steps`. Their first `steps` steps
    are the sweep's run, so the result is the same SweepResult, with less training.

    >>> from bnlib.recorders import weight_norms
    >>> digits, gen = load_digits(), np.random.default_rng(0)
    >>> h = train(mlp([64, 16, 10], rng=gen), digits, 40, 60, 0.5, gen, eval_every=20,
    ...           record={"norms": weight_norms}, record_every=20)
    >>> shared = sweep_sharing(digits, [64, 16, 10], [{"lr": 0.5}, {"lr": 1.0}], {0: [h]},
    ...                        seeds=(0,), steps=20)
    >>> full = sweep(digits, [64, 16, 10], [{"lr": 0.5}, {"lr": 1.0}], seeds=(0,), steps=20)
    >>> all(np.array_equal(a, b) for a, b in zip(shared[3:], full[3:], strict=True))
    True
    """
    steps = check_positive_int(steps, "steps")
    seeds = check_seeds(seeds)
    bad = [k for k, hs in runs.items() if not 0 <= k < len(settings) or len(hs) != len(seeds)]
    if bad:
        raise ValueError(
            f"runs must map setting indices in [0, {len(settings)}) to {len(seeds)} Histories "
            f"(one per seed); got index(es) {bad} wrong"
        )
    rest = [k for k in range(len(settings)) if k not in runs]
    trained = sweep(data, sizes, [settings[k] for k in rest], seeds, steps) if rest else None
    shape = (len(settings), len(seeds))
    accuracy, start, end = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.inf)
    norms = np.full((2, *shape, len(sizes) - 1), np.nan)  # start, end
    for i, k in enumerate(rest):
        accuracy[k], start[k], end[k] = (
            trained.accuracy[i],
            trained.start_loss[i],
            trained.end_loss[i],
        )
        norms[:, k] = trained.start_norms[i], trained.end_norms[i]
    for k, hs in runs.items():
        for j, h in enumerate(hs):
            if h.diverged and h.diverged_at <= steps:
                raise ValueError(f"runs[{k}][{j}] diverged at step {h.diverged_at}: train it anew")
            at = np.flatnonzero(h.record_steps == steps)
            scored = np.flatnonzero(h.eval_steps == steps)
            if len(at) == 0 or len(scored) == 0 or h.record_steps[0] != 0:
                raise ValueError(
                    f"runs[{k}][{j}] must be scored at step {steps} and record 'norms' at "
                    f"steps 0 and {steps}"
                )
            accuracy[k, j] = h.test_accuracy[scored[0]]
            start[k, j], end[k, j] = h.loss[0], h.loss[steps - min(10, steps) : steps].mean()
            norms[:, k, j] = h.records["norms"][0], h.records["norms"][at[0]]
    settings = tuple({**DEFAULTS, **s} for s in settings)
    seeds = np.array(seeds, dtype=int)
    return SweepResult(settings, seeds, steps, accuracy, start, end, norms[0], norms[1])
