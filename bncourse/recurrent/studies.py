"""Cooijmans et al.'s Figure 1 at small scale: the loss gradient through time in fresh BN-RNNs
(one per seed) at initialization, for every gamma_init of notebook 07's panel.
"""

from typing import NamedTuple

import numpy as np

from bnlib.data import load_digits
from bnlib.layers import Linear
from bnlib.model import Sequential, softmax_cross_entropy
from bnlib.parallel import run_each
from bnlib.rnn import RNN, LastStep

GAMMAS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


class GradientFlow(NamedTuple):
    gamma_init: float | None  # None: the plain RNN
    norms: np.ndarray  # (seeds, T) ||dL/dh_t|| over the batch and the units
    tanh_slope: float  # mean tanh'(z_t) = 1 - h_t^2 over examples, units and t >= 1
    recurrent_gain: float  # median gamma_h / std(h_{t-1} @ Wh) over units and t >= 1 (nan: plain)
    step_gain: float  # measured: (||dL/dh_8|| / ||dL/dh_{T-1}||) ** (1 / (T - 9)), seeds' mean
    rms_slope: float  # root-mean-square slope sqrt(E[(1 - h_t^2)^2]), same average as tanh_slope
    step_gains: np.ndarray  # (seeds,) the measured gain per step of each seed

    def ratio(self, t):
        """||dL/dh_t|| / ||dL/dh_{T-1}|| per seed: how much gradient survives back to t."""
        return self.norms[:, t] / self.norms[:, -1]

    def gains_from(self, start):
        """(seeds,) the gain per step from t = T - 1 back to t = `start` (0 <= start < T - 1):
        the other window a reader may choose than `step_gains`' t = 8."""
        if not 0 <= start < self.norms.shape[1] - 1:
            raise ValueError(f"start must be in [0, {self.norms.shape[1] - 1}); got {start!r}")
        return _gain_per_step(self.norms, start)


def _gain_per_step(norms, start):
    """(seeds,) (||dL/dh_start|| / ||dL/dh_{T-1}||) ** (1 / (T - 1 - start))."""
    return (norms[:, start] / norms[:, -1]) ** (1.0 / max(1, norms.shape[1] - 1 - start))


def rnn_gradient_flow(gamma_init, x, y, hidden_size=32, seeds=(0, 1, 2)):
    """Gradient norms through time at initialization: RNN -> last step -> Linear(H, 10).

    Inputs: gamma_init in (0, 1] for the BN-RNN, None for the plain RNN; x (N, T, D) and y (N,)
    one batch; hidden_size H; seeds, one fresh network each. Returns: GradientFlow.

    >>> x, y = np.random.default_rng(0).normal(size=(20, 12, 1)), np.arange(20) % 10
    >>> flow = rnn_gradient_flow(0.1, x, y, hidden_size=8, seeds=(0,))
    >>> flow.norms.shape, flow.step_gains.shape, bool(0 < flow.tanh_slope <= flow.rms_slope <= 1)
    ((1, 12), (1,), True)
    """
    norms, slopes, squares, gains = [], [], [], []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        norm = None if gamma_init is None else "batch"
        rnn = RNN(x.shape[2], hidden_size, rng, norm=norm, gamma_init=gamma_init or 1.0)
        model = Sequential([rnn, LastStep(), Linear(hidden_size, 10, rng)])
        hs = rnn.forward(x)
        _, dlogits = softmax_cross_entropy(model[2].forward(model[1].forward(hs)), y)
        model.backward(dlogits)
        norms.append(np.linalg.norm(rnn.dh, axis=(0, 2)))
        slopes.append(np.mean(1.0 - hs[:, 1:] ** 2))
        squares.append(np.mean((1.0 - hs[:, 1:] ** 2) ** 2))
        if gamma_init is not None:
            gains.append(np.median(rnn.gamma_h / np.sqrt(rnn.pre_h[:, 1:].var(0) + rnn.eps)))
    norms = np.array(norms)
    gain = float(np.mean(gains)) if gains else float("nan")
    start = min(8, norms.shape[1] - 1)  # after the first few steps, where every h is alike
    step = _gain_per_step(norms, start)
    rms = float(np.sqrt(np.mean(squares)))
    return GradientFlow(
        gamma_init, norms, float(np.mean(slopes)), gain, float(step.mean()), rms, step
    )


def digits_by_pixel(n=100):
    """The first n training digits read pixel by pixel: x (n, 64, 1), y (n,)."""
    digits = load_digits()
    return digits.x_train[:n].reshape(n, 64, 1), digits.y_train[:n]


def rnn_gradient_table(x, y, hidden_size=32):
    """`rnn_gradient_flow` for every slider value and the plain RNN: (table, plain), the
    eleven computed at once, one per core."""
    flows = run_each(lambda gamma: rnn_gradient_flow(gamma, x, y, hidden_size), (*GAMMAS, None))
    return dict(zip(GAMMAS, flows[:-1], strict=True)), flows[-1]
