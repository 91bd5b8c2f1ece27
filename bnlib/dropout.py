"""Dropout (inverted, as PyTorch's): in training, zero each unit with probability p and scale the
survivors by 1 / (1 - p); in eval mode, the identity. The mean is kept, the variance is not."""

import numpy as np

from bnlib._checks import check_rng
from bnlib.layers import _Layer


class Dropout(_Layer):
    """Inverted dropout on (N, D) with drop probability p, drawing its masks from `rng`.

    >>> layer = Dropout(0.5, rng=np.random.default_rng(0))
    >>> layer.forward(np.ones((1, 4)))
    array([[2., 0., 0., 0.]])
    >>> layer.eval().forward(np.ones((1, 4)))
    array([[1., 1., 1., 1.]])
    """

    def __init__(self, p, rng):
        if isinstance(p, bool) or not isinstance(p, float | int) or not 0.0 <= p < 1.0:
            raise ValueError(f"p must be a drop probability in [0, 1); got {p!r}")
        check_rng(rng)
        self.p, self.rng = float(p), rng
        self.training = True
        self._cache = None

    def forward(self, x):
        """x (N, D) -> out (N, D): masked and rescaled in training, unchanged in eval mode."""
        x = np.asarray(x, dtype=np.float64)
        if not self.training:
            self._cache = np.ones(1)
            return x
        keep = (self.rng.random(x.shape) >= self.p) / (1.0 - self.p)
        self._cache = keep
        return x * keep

    def backward(self, dout):
        """dout (N, D) -> dx (N, D): the same mask and scale."""
        return dout * self._saved()

    def __repr__(self):
        return f"Dropout(p={self.p}, training={self.training})"
