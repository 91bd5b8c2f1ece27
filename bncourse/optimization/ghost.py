"""Ghost batch norm (Hoffer et al. 2017): batch statistics over small virtual batches.

Each training batch is cut into consecutive "ghost" batches of `ghost_size` rows, each
normalized with its own mean and variance: the noise of small batches, with the gradient of a
large one. Running statistics (for eval mode) come from the whole batch. Only notebook 10 uses
it (moved from `bnlib.ghost`).
"""

import numpy as np

from bnlib._checks import check_at_least_two, check_batch, check_positive_int, check_width
from bnlib._kernels import (
    batchnorm_backward_unchecked,
    batchnorm_forward_unchecked,
    normalize,
    normalize_backward,
)
from bnlib.layers import BatchNorm1d


class GhostBatchNorm1d(BatchNorm1d):
    """BatchNorm1d whose training-mode statistics come from ghost batches of `ghost_size`.

    A batch that does not divide evenly ends with a shorter ghost batch (a leftover single row
    joins the one before it). In eval mode it is an ordinary BatchNorm1d. `momentum` is batch
    norm's weight on the new batch, as in BatchNorm1d.

    >>> bn = GhostBatchNorm1d(1, ghost_size=2)
    >>> bn.forward(np.array([[0.0], [2.0], [10.0], [30.0]])).ravel().round(3)
    array([-1.,  1., -1.,  1.])
    """

    def __init__(self, num_features, ghost_size, eps=1e-5, momentum=0.1):
        super().__init__(num_features, eps, momentum)
        self.ghost_size = check_at_least_two(
            check_positive_int(ghost_size, "ghost_size"), "ghost_size", "(one row has no variance)"
        )

    def _bounds(self, n):
        cuts = list(range(0, n, self.ghost_size)) + [n]
        if cuts[-1] - cuts[-2] == 1 and len(cuts) > 2:
            del cuts[-2]
        return list(zip(cuts[:-1], cuts[1:], strict=True))

    def forward(self, x):
        """x (N, D) -> out (N, D); in training, each ghost batch is normalized by itself."""
        if not self.training:
            return super().forward(x)
        x = check_batch(x, ndim=2, layout=f"(N, {self.num_features})")
        if x.shape[0] <= self.ghost_size:
            return super().forward(x)
        check_width(x, self.num_features, type(self).__name__)
        n, g = x.shape[0], self.ghost_size
        if n % g == 0:  # every ghost batch full: all at once, as (g, N / g, D) over axis 0
            x_hat, _, _, inv_std = normalize(x.reshape(n // g, g, -1).swapaxes(0, 1), self.eps)
            out = (x_hat * self.gamma + self.beta).swapaxes(0, 1).reshape(x.shape)
            saved = ("even", (x_hat, inv_std))
        else:
            out, caches = np.empty_like(x), []
            for lo, hi in self._bounds(n):
                out[lo:hi], cache = batchnorm_forward_unchecked(
                    x[lo:hi], self.gamma, self.beta, self.eps
                )
                caches.append((lo, hi, cache))
            saved = ("ragged", caches)
        self._update_running(x.mean(axis=0), x.var(axis=0), x.shape[0])
        self._remember(saved, "ghost")
        return out

    def backward(self, dout):
        """dout (N, D) -> dx (N, D); dgamma, dbeta summed over the ghost batches."""
        saved = self._saved()
        if self._mode != "ghost":
            return super().backward(dout)
        dout = np.asarray(dout, dtype=np.float64)
        kind, parts = saved
        if kind == "even":
            x_hat, inv_std = parts
            d = dout.reshape(-1, self.ghost_size, self.num_features).swapaxes(0, 1)
            self.dgamma, self.dbeta = (d * x_hat).sum(axis=(0, 1)), dout.sum(axis=0)
            dx = normalize_backward(d * self.gamma, x_hat, inv_std)
            return dx.swapaxes(0, 1).reshape(dout.shape)
        dx = np.empty_like(dout)
        self.dgamma, self.dbeta = np.zeros(self.num_features), np.zeros(self.num_features)
        for lo, hi, cache in parts:
            dx[lo:hi], dgamma, dbeta = batchnorm_backward_unchecked(dout[lo:hi], cache)
            self.dgamma += dgamma
            self.dbeta += dbeta
        return dx

    def __repr__(self):
        return f"GhostBatchNorm1d({self.num_features}, ghost_size={self.ghost_size})"
