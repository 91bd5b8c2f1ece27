"""The training runs behind notebook 04's panel: the digits network without and with BN,
recording what each hidden layer's sigmoids receive.
"""

import numpy as np

from bnlib._checks import check_positive_int
from bnlib._numerics import SATURATED_AT
from bnlib.data import load_digits
from bnlib.ics import layer_input_histograms
from bnlib.model import mlp
from bnlib.training import train

# Bins of 0.24 with +-SATURATED_AT on two edges, so the saturated fraction is counted exactly;
# values beyond +-10.1 fall in the end bins.
EDGES = SATURATED_AT / 12 * np.arange(-42, 43)


SIZES = [64, 100, 100, 100, 10]


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
        model = mlp(SIZES, batchnorm=bn, rng=rng)
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
