"""The alternatives to batch norm as layers: LayerNorm, GroupNorm and BatchRenorm1d.

LayerNorm and GroupNorm take their statistics from each sample alone, so training and eval
compute the same thing and any batch size works, one included. BatchRenorm1d keeps running
statistics like BatchNorm1d and corrects each batch towards them (Ioffe 2017), with limits
(r_max, d_max) that grow from batch norm's (1, 0) on a schedule. `make_norm` builds any of them
(or BatchNorm1d) by name, for `mlp(..., norm=...)`.
"""

import math

import numpy as np

from bnlib._checks import (
    check_batch,
    check_batch_of_many,
    check_dout,
    check_eps,
    check_one_of,
    check_positive,
    check_positive_int,
    check_real,
    check_width,
)
from bnlib._kernels import layernorm_backward_unchecked, layernorm_forward_unchecked
from bnlib.groupnorm import check_groups, groupnorm_backward, groupnorm_forward
from bnlib.layers import BatchNorm1d, _Layer
from bnlib.renorm import batch_renorm_backward, batch_renorm_forward, renorm_limits


class LayerNorm(_Layer):
    """Layer normalization over the D features of x (N, D), as torch.nn.LayerNorm(D).

    >>> ln = LayerNorm(3)
    >>> ln.forward(np.array([[1.0, 2.0, 3.0]])).round(4)
    array([[-1.2247,  0.    ,  1.2247]])
    """

    param_names = ("gamma", "beta")

    def __init__(self, num_features, eps=1e-5):
        self.num_features = check_positive_int(num_features, "num_features")
        self.eps = check_eps(eps)
        self.gamma, self.beta = np.ones(self.num_features), np.zeros(self.num_features)
        self.dgamma = self.dbeta = None

    def _check_forward(self, x):
        return self._check_rows(x, self.num_features)

    def _forward(self, x):
        """x (N, D) -> out (N, D); the same in training and eval mode."""
        x = check_width(x, self.num_features, type(self).__name__)
        out, self._cache = layernorm_forward_unchecked(x, self.gamma, self.beta, self.eps)
        return out

    def _check_backward(self, dout):
        return check_dout(dout, self._saved().x_hat.shape)

    def _backward(self, dout):
        dx, self.dgamma, self.dbeta = layernorm_backward_unchecked(dout, self._saved())
        return dx

    def __repr__(self):
        return f"LayerNorm({self.num_features}, eps={self.eps:g})"


class GroupNorm(_Layer):
    """Group normalization of x (N, C, *S) with `num_groups` groups of channels.

    >>> gn = GroupNorm(4, num_groups=2)
    >>> gn.forward(np.array([[1.0, 3.0, 10.0, 30.0]])).round(4)
    array([[-1.,  1., -1.,  1.]])
    """

    param_names = ("gamma", "beta")

    def __init__(self, num_channels, num_groups, eps=1e-5):
        self.num_channels = check_positive_int(num_channels, "num_channels")
        self.num_groups = check_groups(num_groups, self.num_channels)
        self.eps = check_eps(eps)
        self.gamma, self.beta = np.ones(self.num_channels), np.zeros(self.num_channels)
        self.dgamma = self.dbeta = None

    def forward(self, x):
        """x (N, C, *S) -> out of the same shape; the same in training and eval mode."""
        layout = f"(N, {self.num_channels}, *S)"
        x = check_batch(x, layout=layout)
        check_width(x, self.num_channels, "GroupNorm", layout, "channels", ndim=None)
        out, self._cache = groupnorm_forward(x, self.gamma, self.beta, self.num_groups, self.eps)
        return out

    def backward(self, dout):
        dx, self.dgamma, self.dbeta = groupnorm_backward(dout, self._saved())
        return dx

    def __repr__(self):
        return f"GroupNorm({self.num_channels}, num_groups={self.num_groups}, eps={self.eps:g})"


class BatchRenorm1d(BatchNorm1d):
    """Batch Renormalization over (N, D): BatchNorm1d whose training output is corrected
    towards the running statistics by r and d (see `bnlib.renorm`).

    At training step t the limits are `renorm_limits(t, r_max, d_max, warmup, ramp)`: plain
    batch norm for `warmup` steps, then relaxed linearly to (r_max, d_max) over `ramp` steps.
    The running statistics are updated as BatchNorm1d's (momentum = weight on the new batch,
    unbiased running variance) after r and d are computed; eval mode uses them, as BN does.

    >>> brn = BatchRenorm1d(1, warmup=0, ramp=0)
    >>> out = brn.forward(np.array([[2.0], [4.0]]))  # vs running mean 0, var 1: r = 1, d = 3
    >>> brn.limits, out.ravel().round(3)  # the inference transform (x - 0) / 1, not BN's -1, 1
    ((3.0, 5.0), array([2., 4.]))
    """

    def __init__(
        self, num_features, eps=1e-5, momentum=0.1, r_max=3.0, d_max=5.0, warmup=100, ramp=400
    ):
        super().__init__(num_features, eps=eps, momentum=momentum)
        self.r_max, self.d_max = check_real(r_max, "r_max", 1), check_real(d_max, "d_max", 0)
        self.warmup = int(warmup)
        self.ramp = int(ramp)
        if self.warmup < 0 or self.ramp < 0:
            raise ValueError(f"warmup and ramp must be >= 0 steps; got {warmup!r} and {ramp!r}")
        self.limits = (1.0, 0.0)

    def _forward(self, x):
        """x (N, D) -> out (N, D); in training also advances the schedule and the running stats."""
        if not self.training:
            return super()._forward(x)
        x = check_width(x, self.num_features, type(self).__name__)
        check_batch_of_many(x, "call .eval() to use the running statistics instead")
        self.limits = renorm_limits(  # at this step, counted before _update_running does
            self.num_batches_tracked + 1, self.r_max, self.d_max, self.warmup, self.ramp
        )
        out, cache = batch_renorm_forward(
            x, self.gamma, self.beta, self.running_mean, self.running_var, *self.limits, self.eps
        )
        self._update_running(cache.mean, cache.var, n=x.shape[0])
        self._remember(cache, "renorm")
        return out

    def _backward(self, dout):
        saved = self._saved()
        if self._mode != "renorm":
            return super()._backward(dout)
        dx, self.dgamma, self.dbeta = batch_renorm_backward(dout, saved)
        return dx

    def __repr__(self):
        return (
            f"BatchRenorm1d({self.num_features}, r_max={self.r_max:g}, d_max={self.d_max:g}, "
            f"warmup={self.warmup}, ramp={self.ramp}, training={self.training})"
        )


def default_groups(width):
    """The number of groups `make_norm("group", width)` uses: the divisor of `width` closest to
    sqrt(width) (ties: the larger), so groups and group sizes are both about sqrt(width).

    >>> default_groups(100), default_groups(64), default_groups(6), default_groups(7)
    (10, 8, 2, 1)
    """
    width = check_positive_int(width, "width")
    divisors = [g for g in range(1, width + 1) if width % g == 0]
    return min(divisors, key=lambda g: (abs(g - np.sqrt(width)), -g))


NORMS = {
    "batch": BatchNorm1d,
    "layer": LayerNorm,
    "group": lambda width: GroupNorm(width, default_groups(width)),
    "renorm": BatchRenorm1d,
}


def check_norm(norm):
    """norm must be None, a callable width -> layer, or a name in NORMS; returns it."""
    if norm is None or callable(norm):
        return norm
    return check_one_of(norm, "norm", (*sorted(NORMS), None, "a callable"))


def make_norm(norm, width):
    """A normalization layer for `width` features: `norm` is a name in NORMS ("batch", "layer",
    "group", "renorm") or a callable width -> layer (e.g. lambda d: GroupNorm(d, 5)).

    >>> make_norm("group", 100)
    GroupNorm(100, num_groups=10, eps=1e-05)
    """
    if callable(check_norm(norm)):
        return norm(width)
    return NORMS[norm](width)


def renorm_for(steps, momentum=0.1, settled=0.05):
    """A BatchRenorm1d factory with Ioffe (2017)'s schedule adapted to a run of `steps` steps.

    The paper trains for 5k steps with plain batch norm, then relaxes r_max to 3 by step 40k
    and d_max to 5 by step 25k, with moving averages of rate 0.01 (of mu and sigma). Here:
    - warm-up: plain batch norm until the running statistics keep at most `settled` of their
      initial values, (1 - momentum)^warmup <= settled (29 steps at momentum 0.1), and for at
      least 5% of the run; r and d need running statistics that describe the data;
    - ramp: r_max and d_max relaxed together, linearly, to 3 and 5 over the next 25% of the run;
    - running statistics: BatchNorm1d's, momentum 0.1 on the new batch and the unbiased
      variance (the paper's rate 0.01 would still hold 64% of its start after a 44-step run).

    Inputs: steps >= 1 the run's length; momentum in (0, 1), batch norm's weight on the new
    batch; settled in (0, 1).
    Returns: a function width -> BatchRenorm1d(width, momentum=momentum, warmup=..., ramp=...).

    >>> layer = renorm_for(44)(5)  # batch 64, 2 epochs of the digits
    >>> layer.warmup, layer.ramp, round(0.9**layer.warmup, 3)
    (29, 11, 0.047)
    """
    steps = check_positive_int(steps, "steps")
    momentum = check_positive(momentum, "momentum")
    settled = check_positive(settled, "settled")
    if momentum >= 1 or settled >= 1:
        raise ValueError(
            f"momentum and settled must be in (0, 1); got momentum {momentum!r}, "
            f"settled {settled!r}"
        )
    warmup = max(steps // 20, math.ceil(math.log(settled) / math.log(1 - momentum)))
    ramp = steps // 4
    return lambda width: BatchRenorm1d(width, momentum=momentum, warmup=warmup, ramp=ramp)
