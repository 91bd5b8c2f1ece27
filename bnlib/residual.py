"""Residual connections: out = x + branch(x), and a fully connected residual network builder.

Goyal et al. 2017 initialize the gamma of the last batch norm in each residual branch to 0, so
every block starts as the identity; `residual_mlp(..., zero_init=True)` does that.
"""

import numpy as np

from bnlib._checks import check_positive_int, check_rng
from bnlib.layers import BatchNorm1d, Linear, ReLU, _Layer
from bnlib.model import Sequential


class Residual(_Layer):
    """x (N, H) -> x + branch(x) (N, H); the gradient flows through both paths.

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


def residual_mlp(d_in, width, blocks, n_classes, rng, zero_init=True):
    """Linear -> BN -> ReLU, then `blocks` blocks ReLU(x + BN(Linear(ReLU(BN(Linear(x)))))),
    then a Linear to the logits: 1 + 2 * blocks hidden Linear layers, all of `width` units.

    Inputs: d_in, width, n_classes ints >= 1; blocks int >= 0; rng a Generator; zero_init sets
    the gamma of each branch's last batch norm to 0 (Goyal et al. 2017), else 1.
    Returns: a Sequential.

    >>> gen = np.random.default_rng(0)
    >>> model = residual_mlp(64, 16, 2, 10, rng=gen)
    >>> model.forward(gen.normal(size=(5, 64))).shape, len(model.find(Residual))
    ((5, 10), 2)
    """
    d_in, width, n_classes = (
        check_positive_int(v, n)
        for v, n in ((d_in, "d_in"), (width, "width"), (n_classes, "n_classes"))
    )
    blocks = check_positive_int(blocks, "blocks", low=0)
    check_rng(rng)
    layers = [Linear(d_in, width, rng=rng, bias=False), BatchNorm1d(width), ReLU()]
    for _ in range(blocks):
        last = BatchNorm1d(width)
        if zero_init:
            last.gamma[:] = 0.0
        branch = Sequential(
            [
                Linear(width, width, rng=rng, bias=False),
                BatchNorm1d(width),
                ReLU(),
                Linear(width, width, rng=rng, bias=False),
                last,
            ]
        )
        layers += [Residual(branch), ReLU()]
    layers.append(Linear(width, n_classes, rng=rng))
    return Sequential(layers)
