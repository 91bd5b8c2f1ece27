"""Models: a Sequential container, the `mlp` builder, two losses and (momentum) SGD.

Losses are pure functions returning (loss, dlogits). A model is a list of layers from
`bnlib.layers`; the optimizer updates every (layer, parameter name) pair the model lists.
"""

from contextlib import contextmanager

import numpy as np

from bnlib._checks import (
    as_float_array,
    check_batch,
    check_labels,
    check_positive,
    check_positive_int,
    check_rng,
)
from bnlib.layers import BatchNorm1d, Linear, NoisyBatchNorm, ReLU, Sigmoid, Tanh, _Layer
from bnlib.norm_layers import check_norm, make_norm

ACTIVATIONS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU}


def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of softmax(logits) against integer labels, and its gradient.

    Inputs: logits (N, C); y (N,) ints in [0, C). Returns: loss (float), dlogits (N, C).

    >>> loss, dlogits = softmax_cross_entropy(np.zeros((2, 4)), np.array([0, 3]))
    >>> round(loss, 4), dlogits[0]
    (1.3863, array([-0.375,  0.125,  0.125,  0.125]))
    """
    logits = check_batch(logits, "logits", ndim=2, layout="(N, C)")
    return _cross_entropy(logits, check_labels(y, logits.shape[0], classes=logits.shape[1]))


def _cross_entropy(logits, y):
    """`softmax_cross_entropy` on logits a model produced and labels checked already. Logits
    that are not finite give a loss that is not finite (what `train` calls divergence)."""
    n, classes = logits.shape
    # exp never overflows; row-major whatever the logits' layout, for the flat views below
    shifted = np.subtract(logits, logits.max(axis=1, keepdims=True), order="C")
    log_probs = shifted - np.log(np.add.reduce(np.exp(shifted), axis=1, keepdims=True))
    picked = np.arange(0, n * classes, classes) + y  # flat index of each row's true class
    dlogits = np.exp(log_probs)
    dlogits.ravel()[picked] -= 1.0
    dlogits /= n
    return float(-(np.add.reduce(log_probs.ravel()[picked]) / n)), dlogits


def mse_loss(pred, target):
    """Mean squared error over every entry, and its gradient.

    Inputs: pred, target of the same shape. Returns: loss (float), dpred shaped like pred.

    >>> mse_loss(np.array([[1.0, 3.0]]), np.array([[0.0, 3.0]]))
    (0.5, array([[1., 0.]]))
    """
    pred, target = as_float_array(pred, "pred"), as_float_array(target, "target")
    if pred.shape != target.shape:
        raise ValueError(f"target must have pred's shape {pred.shape}; got {target.shape}")
    diff = pred - target
    return float(np.mean(diff * diff)), 2.0 * diff / diff.size


@contextmanager
def modes_restored(model):
    """A block that may switch `model`'s layers between train and eval mode; when it ends
    (normally or by an exception) every layer is back in the mode it was in.

    >>> model = mlp([2, 3, 2], batchnorm=True, rng=np.random.default_rng(0))
    >>> with modes_restored(model):
    ...     _ = model.eval()
    >>> model[1].training
    True
    """
    modes = [layer.training for layer in model.layers]
    try:
        yield model
    finally:
        for layer, mode in zip(model.layers, modes, strict=True):
            layer.train(mode)


def _unchecked(layer, method):
    """The layer's `_forward` / `_backward` if its `forward` / `backward` is `_Layer`'s (check,
    then call that), else its public method: a layer that overrides it always gets it called."""
    if getattr(type(layer), method, None) is getattr(_Layer, method):
        return getattr(layer, "_" + method)
    return getattr(layer, method)


class Sequential:
    """Layers applied in order; `backward` runs them in reverse.

    >>> model = Sequential([Linear(2, 3, rng=np.random.default_rng(0)), ReLU()])
    >>> model.forward(np.ones((5, 2))).shape, len(model.parameters())
    ((5, 3), 2)
    """

    def __init__(self, layers):
        self.layers = list(layers)

    def forward(self, x, upto=None):
        """x (N, D) -> output; with `upto` = k, return the input of layer k instead.

        The first layer checks x; the others get their input from the layer before, unchecked
        (see `bnlib.layers`).
        """
        for k, layer in enumerate(self.layers[:upto]):
            x = layer.forward(x) if k == 0 else _unchecked(layer, "forward")(x)
        return x

    def backward(self, dout, need_dx=True):
        """dout shaped like the output -> dx; every layer stores its parameter gradients.

        With need_dx=False a first Linear layer skips dx (training never needs it). The last
        layer checks dout; the gradients it passes down are not checked again.
        """
        last = len(self.layers) - 1
        for k in range(last, -1, -1):
            layer = self.layers[k]
            if k == 0 and not need_dx and isinstance(layer, Linear):
                return layer.backward(dout, need_dx=False)
            dout = layer.backward(dout) if k == last else _unchecked(layer, "backward")(dout)
        return dout

    def train(self, mode=True):
        for layer in self.layers:
            layer.train(mode)
        return self

    def eval(self):
        return self.train(False)

    def parameters(self):
        """[(layer, name), ...] for every trainable array: layer.<name>, gradient layer.d<name>.

        A layer that holds layers (a `Residual`) lists its own with its `parameters()`.
        """
        return [
            pair
            for layer in self.layers
            for pair in (
                layer.parameters()
                if hasattr(layer, "parameters")
                else [(layer, name) for name in layer.param_names]
            )
        ]

    def find(self, kind):
        """Indices of the layers that are instances of `kind` (a class or tuple of classes)."""
        return [i for i, layer in enumerate(self.layers) if isinstance(layer, kind)]

    def __getitem__(self, i):
        return self.layers[i]

    def __len__(self):
        return len(self.layers)

    def __repr__(self):
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"Sequential(\n  {inner}\n)"


def check_sequential(model):
    """model must be a bnlib Sequential; returns it."""
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a bnlib Sequential; got {type(model).__name__}")
    return model


def mlp(
    sizes,
    activation="sigmoid",
    batchnorm=False,
    bn_position="before",
    init_scale=1.0,
    rng=None,
    noisy_bn=None,
    norm=None,
):
    """A multilayer perceptron: Linear layers of the given sizes with activations between.

    Inputs: sizes [D, H1, ..., C]; activation "sigmoid", "tanh" or "relu"; batchnorm adds a
    BatchNorm1d to every hidden layer, `bn_position` "before" (Linear -> BN -> act, as Ioffe &
    Szegedy; the Linear then has no bias, beta replaces it) or "after" (Linear -> act -> BN);
    init_scale for every Linear; rng a Generator (required); noisy_bn a dict of NoisyBatchNorm
    options (scale_noise, shift_noise, per_example) to use noisy BN layers drawing from `rng`;
    norm names the normalization of every hidden layer instead ("batch", "layer", "group",
    "renorm" or a callable width -> layer, see `norm_layers.make_norm`; batchnorm=True is
    norm="batch"), placed by `bn_position`; the Linear before a batch or renorm layer has no bias.
    Returns: a Sequential whose last layer is a Linear producing the C logits.

    >>> mlp([64, 100, 10], batchnorm=True, rng=np.random.default_rng(0))
    Sequential(
      Linear(64, 100, bias=False),
      BatchNorm1d(100, eps=1e-05, momentum=0.1, training=True),
      Sigmoid(),
      Linear(100, 10, bias=True)
    )
    """
    check_rng(rng)
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}; got {activation!r}")
    if bn_position not in ("before", "after"):
        raise ValueError(f'bn_position must be "before" or "after"; got {bn_position!r}')
    sizes = [check_positive_int(s, f"sizes[{i}]") for i, s in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and an output size; got {sizes}")
    if norm is not None and (batchnorm or noisy_bn) and norm != "batch":
        raise ValueError(f"norm={norm!r} conflicts with batchnorm=True or noisy_bn; pass one")
    use_bn = bool(batchnorm or noisy_bn or norm is not None)
    check_norm(norm)
    layers = []
    for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        hidden = i < len(sizes) - 2
        bn = None
        if hidden and use_bn:
            if noisy_bn or norm is None:
                bn = NoisyBatchNorm(d_out, rng=rng, **noisy_bn) if noisy_bn else BatchNorm1d(d_out)
            else:
                bn = make_norm(norm, d_out)
        # A batch (or renorm) layer's per-feature mean removes any bias of the Linear before it.
        bias = not (isinstance(bn, BatchNorm1d) and bn_position == "before")
        layers.append(Linear(d_in, d_out, rng=rng, init_scale=init_scale, bias=bias))
        if not hidden:
            break
        act = ACTIVATIONS[activation]()
        if use_bn:
            layers += [bn, act] if bn_position == "before" else [act, bn]
        else:
            layers.append(act)
    return Sequential(layers)


def forward_backward(model, x, y):
    """One training pass on a batch: softmax cross-entropy loss, gradients stored in the layers.

    >>> model = mlp([4, 3], rng=np.random.default_rng(0))
    >>> round(forward_backward(model, np.ones((2, 4)), np.array([0, 2])), 4)
    1.0019
    """
    logits = model.forward(x)
    y = check_labels(y, logits.shape[0], classes=logits.shape[1])
    with np.errstate(invalid="ignore", over="ignore"):
        loss, dlogits = _cross_entropy(logits, y)
    model.backward(dlogits, need_dx=False)
    return loss


def check_sgd_args(lr, momentum=0.0, weight_decay=0.0):
    """SGD's arguments: lr > 0; momentum in [0, 1), SGD's weight on the OLD velocity (not batch
    norm's momentum, the weight on the new batch); weight_decay >= 0. Returns them as floats.

    >>> check_sgd_args(0.1, momentum=0.9, weight_decay=1e-4)
    (0.1, 0.9, 0.0001)
    """
    lr = check_positive(lr, "lr")
    for value, name in ((momentum, "momentum"), (weight_decay, "weight_decay")):
        if isinstance(value, bool) or not np.isscalar(value):
            raise TypeError(f"{name} must be a number; got {value!r:.40}")
    if not 0.0 <= momentum < 1.0:
        raise ValueError(f"momentum must be in [0, 1) (SGD's momentum); got {momentum!r}")
    if not np.isfinite(weight_decay) or weight_decay < 0:
        raise ValueError(f"weight_decay must be finite and >= 0; got {weight_decay!r}")
    return lr, float(momentum), float(weight_decay)


class SGD:
    """Stochastic gradient descent, optionally with momentum and weight decay (PyTorch's form).

    grad <- grad + weight_decay * param (only where decay_filter(layer, name) is true; every
    parameter when it is None); v <- momentum * v + grad;  param <- param - lr * v. Here
    momentum is SGD's weight on the old velocity (see `check_sgd_args`).
    With momentum = 0 and weight_decay = 0 this is plain SGD. Parameters are updated in place.

    >>> layer = Linear(1, 1, rng=np.random.default_rng(0))
    >>> layer.W[:], layer.dW, layer.db = 1.0, np.array([[2.0]]), np.array([0.0])
    >>> SGD(Sequential([layer]), lr=0.1).step()
    >>> layer.W
    array([[0.8]])
    """

    def __init__(self, model, lr, momentum=0.0, weight_decay=0.0, decay_filter=None):
        lr, momentum, weight_decay = check_sgd_args(lr, momentum, weight_decay)
        if decay_filter is not None and not callable(decay_filter):
            raise TypeError(
                f"decay_filter must be None or fn(layer, name) -> bool; got {decay_filter!r:.40}"
            )
        self.params = model.parameters()
        self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay
        self.decayed = [
            bool(self.weight_decay) and (decay_filter is None or bool(decay_filter(layer, name)))
            for layer, name in self.params
        ]
        self.velocity = [None] * len(self.params)

    def step(self):
        """Apply one update using the gradients the last `backward` stored."""
        for k, (layer, name) in enumerate(self.params):
            grad = getattr(layer, "d" + name)
            if self.decayed[k]:
                grad = grad + self.weight_decay * getattr(layer, name)
            if self.momentum:
                v = self.velocity[k]
                grad = self.velocity[k] = grad.copy() if v is None else self.momentum * v + grad
            param = getattr(layer, name)
            # In place, as `param[...] -= step` would be, without reading a view and storing it
            # back: the same bits, 24 -> 22 us a step for a digits BN net's eight parameters.
            np.subtract(param, self.lr * grad, out=param)
