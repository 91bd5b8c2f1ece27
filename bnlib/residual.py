"""Residual connections: out = x + branch(x), the gradient flowing through both paths."""

import numpy as np

from bnlib.layers import _Layer
from bnlib.model import Sequential


class Residual(_Layer):
    """x (N, H) -> x + branch(x) (N, H); the gradient flows through both paths.

    >>> from bnlib import BatchNorm1d, Linear
    >>> gen = np.random.default_rng(0)
    >>> block = Residual(Sequential([Linear(3, 3, rng=gen), BatchNorm1d(3)]))
    >>> block.branch[1].gamma[:] = 0.0
    >>> x = gen.normal(size=(4, 3))
    >>> bool(np.allclose(block.forward(x), x)), len(block.parameters())
    (True, 4)
    """

    def __init__(self, branch):
        if not isinstance(branch, Sequential):
            raise TypeError(f"branch must be a Sequential; got {type(branch).__name__}")
        self.branch = branch

    def forward(self, x):
        out = self.branch.forward(x)
        if out.shape != np.shape(x):
            raise ValueError(f"the branch must keep x's shape {np.shape(x)}; it gave {out.shape}")
        self._cache = True
        return x + out

    def backward(self, dout):
        self._saved()
        return dout + self.branch.backward(dout)

    def train(self, mode=True):
        self.training = bool(mode)
        self.branch.train(mode)
        return self

    def parameters(self):
        """The branch's [(layer, name), ...]."""
        return self.branch.parameters()

    def __repr__(self):
        return f"Residual({len(self.branch)} layers)"
