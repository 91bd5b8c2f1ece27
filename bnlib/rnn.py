"""A vanilla tanh RNN with per-timestep batch norm (Cooijmans et al. 2016), layer norm, or none.

    h_t = tanh(NORM_t(x_t @ Wx; gamma_x) + NORM_t(h_{t-1} @ Wh; gamma_h) + b),  h_{-1} = 0.

The two normalizations are separate and have no beta of their own: b is the one shift. With
norm="batch" the statistics are taken over the batch for each timestep separately, so the
(N, T, H) array x @ Wx is batch-normalized over axis 0 only (one mean per timestep and unit);
running statistics are kept per timestep up to T_max, the longest training sequence, and eval
mode uses T_max's for every later timestep. With pool_input=True the input term x_t @ Wx is
instead normalized sequence-wise (Laurent et al. 2016, Deep Speech 2): one mean and variance per
unit over the batch AND time, as PyTorch's nn.BatchNorm1d(H) does to an (N, H, T) input; the
recurrent term stays per timestep (its h_{t-1} exists only step by step, and its statistics
change with t). norm="layer" also normalizes the two terms separately (Cooijmans-style), each
over its own H units; Ba et al.'s layer-norm RNN normalizes their SUM instead. At t = 0 the
recurrent term is the layer norm of a zero vector, which is 0. The math is in `batchnorm` and
`layernorm`; this module loops over time and keeps the books. `LastStep` hands the last hidden
state to a
classifier head.
"""

import numpy as np

from bnlib._checks import (
    check_batch,
    check_batch_of_many,
    check_dout,
    check_eps,
    check_flag,
    check_momentum,
    check_one_of,
    check_positive,
    check_positive_int,
    check_rng,
    check_width,
)
from bnlib._kernels import (
    batchnorm_layer_backward,
    batchnorm_layer_forward,
    layernorm_backward_unchecked,
    layernorm_forward_unchecked,
)
from bnlib.layers import _Layer
from bnlib.running import pytorch_update

RNN_NORMS = ("batch", "layer", None)  # per-timestep batch norm, layer norm, or none


def _check_sequences(x, name, width, owner):
    """x must be a finite (N, T, width) array with N >= 1 and T >= 1 (any width if "H")."""
    x = check_batch(x, name, ndim=3, layout=f"(N, T, {width})")
    if x.shape[1] == 0:
        raise ValueError(f"{name} must have at least one timestep (T >= 1); got shape {x.shape}")
    if width != "H":
        check_width(x, width, owner, f"(N, T, {width})", "inputs", ndim=3, axis=2)
    return x


class RNN(_Layer):
    """Vanilla tanh RNN: x (N, T, D) -> hs (N, T, H), normalized by `norm` at every timestep.

    Wx (D, H) ~ Normal(0, s^2 / D), Wh (H, H) ~ Normal(0, s^2 / H) with s = `init_scale`,
    b (H,) = 0; for norm "batch" or "layer" also gamma_x, gamma_h (H,) = `gamma_init`.
    `momentum` is batch norm's weight on the new batch (PyTorch's), None a cumulative average.
    After `forward`, `pre_x` and `pre_h` (N, T, H) hold x_t @ Wx and h_{t-1} @ Wh (the inputs of
    the two normalizations); after `backward`, `dh` (N, T, H) holds the loss gradient with
    respect to every h_t, through all later timesteps. Running statistics `running_mean_x`,
    `running_var_x`, `running_mean_h`, `running_var_h` have shape (T_max, H); an untrained
    layer's eval mode uses mean 0 and variance 1 (PyTorch's initial values). With
    `pool_input=True` (norm "batch" only) the input term's statistics are pooled over batch and
    time: `running_mean_x` and `running_var_x` then have one row, (1, H), used at every timestep.

    >>> rnn = RNN(3, 4, rng=np.random.default_rng(0))
    >>> hs = rnn.forward(np.arange(30.0).reshape(2, 5, 3) ** 2)
    >>> hs.shape, rnn.T_max, rnn.running_var_h.shape, rnn.backward(np.ones_like(hs)).shape
    ((2, 5, 4), 5, (5, 4), (2, 5, 3))
    """

    def __init__(
        self,
        input_size,
        hidden_size,
        rng,
        norm="batch",
        gamma_init=0.1,
        eps=1e-5,
        momentum=0.1,
        init_scale=1.0,
        pool_input=False,
    ):
        self.input_size = check_positive_int(input_size, "input_size")
        self.hidden_size = h = check_positive_int(hidden_size, "hidden_size")
        check_rng(rng)
        check_one_of(norm, "norm", RNN_NORMS)
        self.norm, self.eps, self.momentum = norm, check_eps(eps), check_momentum(momentum)
        check_flag(pool_input, "pool_input")
        if pool_input and norm != "batch":
            raise ValueError(f'pool_input=True needs norm="batch"; got norm={norm!r}')
        self.pool_input = pool_input
        scale = check_positive(init_scale, "init_scale")
        self.Wx = scale / np.sqrt(self.input_size) * rng.standard_normal((self.input_size, h))
        self.Wh = scale / np.sqrt(h) * rng.standard_normal((h, h))
        self.b = np.zeros(h)
        self.param_names = ("Wx", "Wh", "b")
        if norm is not None:
            if isinstance(gamma_init, bool) or not np.isfinite(np.float64(gamma_init)):
                raise ValueError(f"gamma_init must be a finite number; got {gamma_init!r}")
            self.gamma_x, self.gamma_h = (
                np.full(h, float(gamma_init)),
                np.full(h, float(gamma_init)),
            )
            self.param_names += ("gamma_x", "gamma_h")
        rows_x = 1 if pool_input else 0  # pooled: one row from the start; else one per timestep
        self.running_mean_x, self.running_var_x = np.zeros((rows_x, h)), np.ones((rows_x, h))
        self.running_mean_h, self.running_var_h = np.zeros((0, h)), np.ones((0, h))
        self.num_batches_tracked = np.zeros(0, dtype=int)  # per timestep
        self.dWx = self.dWh = self.db = self.dgamma_x = self.dgamma_h = None
        self.pre_x = self.pre_h = self.dh = None

    @property
    def T_max(self):
        """The longest sequence seen in training mode (0 before any)."""
        return len(self.num_batches_tracked)

    def running_stats(self, T):
        """(mean_x, var_x, mean_h, var_h), each (T, H): what eval mode uses at t = 0..T-1.

        Timesteps t >= T_max get T_max's statistics (row T_max - 1), as in Cooijmans et al.;
        with pool_input the input term's one row is used at every timestep.
        """
        T, h = check_positive_int(T, "T"), self.hidden_size
        if self.T_max == 0:
            return np.zeros((T, h)), np.ones((T, h)), np.zeros((T, h)), np.ones((T, h))
        rows = np.minimum(np.arange(T), self.T_max - 1)
        rows_x = np.zeros(T, dtype=int) if self.pool_input else rows
        return (
            self.running_mean_x[rows_x],
            self.running_var_x[rows_x],
            self.running_mean_h[rows],
            self.running_var_h[rows],
        )

    def _check_forward(self, x):
        return _check_sequences(x, "x", self.input_size, "RNN")

    def _forward(self, x):
        """x (N, T, D) -> hs (N, T, H); batch norm in training also updates the running stats."""
        layout = f"(N, T, {self.input_size})"
        check_width(x, self.input_size, "RNN", layout, "inputs", ndim=3, axis=2)
        (n, T, _), h = x.shape, self.hidden_size
        batch_stats = self.training and self.norm == "batch"
        if batch_stats:
            check_batch_of_many(x, "call .eval() to use the running statistics, or norm='layer'")
        stats = (None,) * 4 if batch_stats or self.norm != "batch" else self.running_stats(T)
        self.pre_x = x @ self.Wx
        if batch_stats and self.pool_input:  # one set of statistics over batch and time
            u_x, cache_x = self._normalize(self.pre_x.reshape(n * T, h), "x", None, None)
            u_x = u_x.reshape(n, T, h)
        else:
            u_x, cache_x = self._normalize(self.pre_x, "x", stats[0], stats[1])
        self.pre_h, hs, caches_h = np.zeros((n, T, h)), np.empty((n, T, h)), []
        for t in range(T):
            if t:
                self.pre_h[:, t] = hs[:, t - 1] @ self.Wh
            mean, var = (None, None) if stats[2] is None else (stats[2][t], stats[3][t])
            u_h, cache = self._normalize(self.pre_h[:, t], "h", mean, var)
            hs[:, t] = np.tanh(u_x[:, t] + u_h + self.b)
            caches_h.append(cache)
        if batch_stats:
            self._update_running(cache_x, caches_h)
        self._remember((x, hs, cache_x, caches_h), "train" if batch_stats else "eval")
        return hs

    def _check_backward(self, dhs):
        return check_dout(dhs, self._saved()[1].shape)

    def _backward(self, dhs):
        """dhs (N, T, H), the loss gradient for every hidden state -> dx (N, T, D).

        Backpropagation through time (and through every timestep's batch statistics); sets
        dWx, dWh, db, dgamma_x, dgamma_h and `dh`.
        """
        x, hs, cache_x, caches_h = self._saved()
        n, T, h = hs.shape
        self.dh, du_x = np.empty_like(hs), np.empty_like(hs)
        self.dWh, self.dgamma_h = np.zeros_like(self.Wh), np.zeros(h)
        carry = np.zeros((n, h))  # gradient reaching h_t from h_{t+1}
        for t in reversed(range(T)):
            self.dh[:, t] = dhs[:, t] + carry
            du_x[:, t] = dz = self.dh[:, t] * (1.0 - hs[:, t] ** 2)
            da, dgamma = self._normalize_backward(dz, caches_h[t])
            self.dgamma_h += dgamma
            if t:
                self.dWh += hs[:, t - 1].T @ da
                carry = da @ self.Wh.T
        self.db = du_x.sum(axis=(0, 1))
        pooled = self.pool_input and self._mode == "train"
        da_x, self.dgamma_x = self._normalize_backward(
            du_x.reshape(n * T, h) if pooled else du_x, cache_x
        )
        da_x = da_x.reshape(n, T, h)
        self.dWx = x.reshape(-1, self.input_size).T @ da_x.reshape(-1, h)
        if self.norm is None:
            self.dgamma_x = self.dgamma_h = None
        return da_x @ self.Wx.T

    def _normalize(self, a, part, mean, var):
        """NORM of a pre-activation a (N, T, H) or (N, H) -> (out, cache). Batch norm uses the
        batch statistics when `mean` is None, else the given (running) ones."""
        if self.norm is None:
            return a, None
        gamma = getattr(self, "gamma_" + part)
        if self.norm == "layer":
            flat = a.reshape(-1, a.shape[-1])
            out, cache = layernorm_forward_unchecked(flat, gamma, 0.0, self.eps)
            return out.reshape(a.shape), cache
        return batchnorm_layer_forward(
            a, gamma, 0.0, self.eps, None if mean is None else (mean, var)
        )

    def _normalize_backward(self, dout, cache):
        """Gradient through `_normalize`: (da, dgamma (H,); 0 without a norm)."""
        if self.norm is None:
            return dout, 0.0
        if self.norm == "layer":
            flat = dout.reshape(-1, dout.shape[-1])
            da, dgamma, _ = layernorm_backward_unchecked(flat, cache)
            return da.reshape(dout.shape), dgamma
        da, dgamma, _ = batchnorm_layer_backward(dout, cache, self._mode)
        return da, dgamma

    def _update_running(self, cache_x, caches_h):
        """Blend this batch's per-timestep statistics into the running ones (growing T_max)."""
        n, T, h = self.pre_x.shape
        extra = T - self.T_max
        if extra > 0:  # new timesteps start from PyTorch's initial values: mean 0, variance 1
            zeros, ones = np.zeros((extra, h)), np.ones((extra, h))
            if not self.pool_input:
                self.running_mean_x = np.vstack([self.running_mean_x, zeros])
                self.running_var_x = np.vstack([self.running_var_x, ones])
            self.running_mean_h = np.vstack([self.running_mean_h, zeros])
            self.running_var_h = np.vstack([self.running_var_h, ones])
            self.num_batches_tracked = np.concatenate([self.num_batches_tracked, [0] * extra])
        mean_x, mean_h = self.pre_x.mean(axis=0), self.pre_h.mean(axis=0)
        momentum = check_momentum(self.momentum)  # an attribute a learner may have set
        if self.pool_input:  # one row, over n * T values; counted by batches (t = 0 is in each)
            self.running_mean_x[0], self.running_var_x[0] = pytorch_update(
                self.running_mean_x[0], self.running_var_x[0], self.pre_x.mean(axis=(0, 1)),
                cache_x.var, n * T, momentum, int(self.num_batches_tracked[0]) + 1,
            )  # fmt: skip
        for t in range(T):
            self.num_batches_tracked[t] += 1
            count = int(self.num_batches_tracked[t])
            if not self.pool_input:
                self.running_mean_x[t], self.running_var_x[t] = pytorch_update(
                    self.running_mean_x[t], self.running_var_x[t], mean_x[t], cache_x.var[t],
                    n, momentum, count,
                )  # fmt: skip
            self.running_mean_h[t], self.running_var_h[t] = pytorch_update(
                self.running_mean_h[t], self.running_var_h[t], mean_h[t], caches_h[t].var,
                n, momentum, count,
            )  # fmt: skip

    def __repr__(self):
        gamma = "" if self.norm is None else f", gamma_x[0]={self.gamma_x[0]:.3g}"
        gamma += ", pool_input=True" if self.pool_input else ""
        return (
            f"RNN({self.input_size}, {self.hidden_size}, norm={self.norm!r}{gamma}, "
            f"training={self.training})"
        )


class LastStep(_Layer):
    """The last hidden state: hs (N, T, H) -> hs[:, -1] (N, H); the gradient goes back to t = T-1.

    >>> layer = LastStep()
    >>> layer.forward(np.arange(12.0).reshape(1, 3, 4))
    array([[ 8.,  9., 10., 11.]])
    >>> layer.backward(np.ones((1, 4)))[0, :, 0]
    array([0., 0., 1.])
    """

    def _check_forward(self, hs):
        return _check_sequences(hs, "hs", "H", "LastStep")

    def _forward(self, hs):
        self._cache = hs.shape
        return hs[:, -1]

    def _check_backward(self, dout):
        shape = self._saved()
        return check_dout(dout, (shape[0], shape[2]))

    def _backward(self, dout):
        shape = self._saved()
        dhs = np.zeros(shape)
        dhs[:, -1] = dout
        return dhs

    def __repr__(self):
        return "LastStep()"
