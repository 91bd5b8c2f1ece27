"""Running statistics: how a batch-norm layer remembers mu and sigma^2 for inference.

Conventions, stated once (PyTorch's): `momentum` is the weight on the NEW batch,
    running = (1 - momentum) * running + momentum * batch,
so momentum=0.1 keeps 90% of the old value. Keras calls the weight on the OLD value momentum
(default 0.99); `keras_to_torch_momentum` converts (Keras 3 also stores the BIASED variance and
uses eps 1e-3). The running variance here is UNBIASED (batch variance * N / (N - 1)),
although normalizing in training uses the biased one.
momentum=None gives the plain cumulative average over all batches seen so far.
"""

from .._checks import as_float_array, check_momentum, check_positive_int


def update_running_stats(
    running_mean, running_var, batch_mean, batch_var, n, momentum=0.1, num_batches_tracked=1
):
    """Blend one batch's statistics into the running ones; returns new (running_mean, running_var).

    Inputs: running_mean, running_var, batch_mean, batch_var (*F,), batch_var biased;
    n the batch size (>= 2, to unbias); momentum in [0, 1] or None;
    num_batches_tracked counts batches INCLUDING this one (used when momentum is None).

    >>> update_running_stats(np.zeros(1), np.ones(1), np.array([2.0]), np.array([3.0]), n=4)
    (array([0.2]), array([1.3]))
    """
    momentum = check_momentum(momentum)
    n = check_positive_int(n, "n")
    if n < 2:
        raise ValueError(f"n must be >= 2 to unbias the batch variance; got {n}")
    num_batches_tracked = check_positive_int(num_batches_tracked, "num_batches_tracked")
    running_mean, running_var = as_float_array(running_mean), as_float_array(running_var)
    batch_mean, batch_var = as_float_array(batch_mean), as_float_array(batch_var)
    w = 1.0 / num_batches_tracked if momentum is None else momentum
    unbiased = batch_var * (n / (n - 1))
    return (1 - w) * running_mean + w * batch_mean, (1 - w) * running_var + w * unbiased


def keras_to_torch_momentum(keras_momentum):
    """Keras' momentum (weight on the old value) as PyTorch's (weight on the new batch).

    >>> round(keras_to_torch_momentum(0.99), 10)
    0.01
    """
    momentum = check_momentum(
        keras_momentum, "keras_momentum", allow_none=False, meaning="Keras' weight on the old value"
    )
    return 1.0 - momentum
