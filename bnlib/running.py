"""Running statistics: how a batch-norm layer remembers mu and sigma^2 for inference.

Conventions, stated once. bnlib's own (PyTorch's): `momentum` is the weight on the NEW batch,
    running = (1 - momentum) * running + momentum * batch,
so momentum=0.1 keeps 90% of the old value; the running variance is UNBIASED (batch variance
* N / (N - 1)) although normalizing in training uses the biased one; momentum=None gives the
plain cumulative average over all batches seen so far.
Keras 3 (`BatchNormalization`, read in keras/src/layers/normalization/batch_normalization.py
and run) calls the weight on the OLD value momentum (default 0.99) and stores the BIASED batch
variance; CS231n's assignment (`batchnorm_forward`) does the same with momentum 0.9.
Default eps: PyTorch and CS231n 1e-5, Keras 1e-3 (`DEFAULT_EPS`). Karpathy's makemore
lecture keeps a running STANDARD DEVIATION instead (`update_running_std`).

In training mode the running statistics never feed back into the forward pass, so a run
recorded once (its batch means and unbiased batch variances) tells what the running
statistics would have been for any momentum (notebook 05's `running_average` replays it).
Every one of these functions moves a running value with `blend`, the rule written once.
"""

from bnlib._checks import (
    as_float_array,
    check_at_least_two,
    check_momentum,
    check_one_of,
    check_positive_int,
)

CONVENTIONS = ("pytorch", "keras", "cs231n")
DEFAULT_MOMENTUM = {"pytorch": 0.1, "keras": 0.99, "cs231n": 0.9}
DEFAULT_EPS = {"pytorch": 1e-5, "keras": 1e-3, "cs231n": 1e-5}


def update_running_stats(
    running_mean,
    running_var,
    batch_mean,
    batch_var,
    n,
    momentum="default",
    num_batches_tracked=1,
    convention="pytorch",
):
    """Blend one batch's statistics into the running ones; returns new (running_mean, running_var).

    Inputs: running_mean, running_var, batch_mean, batch_var (*F,), batch_var biased;
    n the batch size; momentum in [0, 1], None (cumulative average, "pytorch" only) or
    "default" (the convention's: 0.1, 0.99, 0.9); num_batches_tracked counts batches INCLUDING
    this one (used when momentum is None); convention "pytorch" (momentum on the new batch,
    unbiased variance stored, n >= 2), "keras" or "cs231n" (momentum on the old value, biased
    variance stored).

    >>> update_running_stats(np.zeros(1), np.ones(1), np.array([2.0]), np.array([3.0]), n=4)
    (array([0.2]), array([1.3]))
    >>> update_running_stats(np.zeros(1), np.ones(1), np.array([2.0]), np.array([3.0]), n=4,
    ...                      convention="keras")
    (array([0.02]), array([1.02]))
    """
    check_one_of(convention, "convention", CONVENTIONS)
    if isinstance(momentum, str) and momentum == "default":
        momentum = DEFAULT_MOMENTUM[convention]
    momentum = check_momentum(momentum)
    if momentum is None and convention != "pytorch":
        raise ValueError(
            f"momentum=None (a cumulative average) exists only in PyTorch's convention; "
            f"got it with convention={convention!r}"
        )
    n = check_positive_int(n, "n")
    count = check_positive_int(num_batches_tracked, "num_batches_tracked")
    running_mean, running_var = as_float_array(running_mean), as_float_array(running_var)
    batch_mean, batch_var = as_float_array(batch_mean), as_float_array(batch_var)
    if convention == "pytorch":
        check_at_least_two(n, "n", "to unbias the batch variance")
        return pytorch_update(running_mean, running_var, batch_mean, batch_var, n, momentum, count)
    w = 1.0 - momentum  # momentum is the weight on the old value; the variance stays biased
    return blend(running_mean, batch_mean, w), blend(running_var, batch_var, w)


def pytorch_update(running_mean, running_var, batch_mean, batch_var, n, momentum, count):
    """PyTorch's update on checked arguments (momentum a float in [0, 1] or None, n >= 2,
    count >= 1, float arrays): the variance stored unbiased, then both blended. What
    `update_running_stats` computes after its checks, and what the layers call directly: the
    checks cost more than the update (30 us of a digits BN net's 600 us step went to three of
    them, cProfile, notebook 04), and a BN-RNN makes two updates per timestep.
    """
    w = weight_on_new(momentum, count)
    return blend(running_mean, batch_mean, w), blend(running_var, batch_var * (n / (n - 1)), w)


def weight_on_new(momentum, count):
    """The weight on the new batch: `momentum` (PyTorch's), or 1 / count for momentum=None,
    the cumulative average over the `count` batches seen so far (this one included)."""
    return 1.0 / count if momentum is None else momentum


def blend(running, batch, w):
    """The running value moved a fraction w of the way to the batch's: (1 - w) * running +
    w * batch. Every running statistic in bnlib is updated by this line.

    >>> blend(np.array([0.0]), np.array([2.0]), 0.1)
    array([0.2])
    """
    return (1 - w) * running + w * batch


def update_running_std(running_mean, running_std, batch_mean, batch_std, momentum=0.001):
    """Karpathy's makemore update: running mean and running STANDARD DEVIATION; returns both.

    Inputs: all (*F,); batch_std the unbiased one (torch's `std`); momentum the weight on the
    new batch (the lecture's 0.001, i.e. 0.999 on the old value). No eps anywhere: inference
    divides by running_std itself.

    >>> update_running_std(np.zeros(1), np.ones(1), np.array([2.0]), np.array([3.0]))
    (array([0.002]), array([1.002]))
    """
    momentum = check_momentum(momentum)
    if momentum is None:
        raise TypeError("momentum must be a number in [0, 1] for a running std; got None")
    running_mean, running_std = as_float_array(running_mean), as_float_array(running_std)
    batch_mean, batch_std = as_float_array(batch_mean), as_float_array(batch_std)
    return blend(running_mean, batch_mean, momentum), blend(running_std, batch_std, momentum)


def carry_eps(running_var, eps_from, eps_to):
    """A running variance for a layer with eps_to that normalizes as one with eps_from did.

    Porting a layer between frameworks keeps sqrt(var + eps) only if eps comes along: either
    set the new layer's eps to eps_from, or store running_var + eps_from - eps_to (returned).

    >>> carry_eps(np.array([0.5]), eps_from=1e-3, eps_to=1e-5)
    array([0.50099])
    """
    running_var = as_float_array(running_var, "running_var")
    for value, name in ((eps_from, "eps_from"), (eps_to, "eps_to")):
        if isinstance(value, bool) or not isinstance(value, float | int) or not value >= 0:
            raise ValueError(f"{name} must be a number >= 0; got {value!r}")
    carried = running_var + (eps_from - eps_to)
    if (carried < 0).any():
        raise ValueError(
            f"running_var + eps_from - eps_to must stay >= 0; its smallest entry would be "
            f"{carried.min():.3g} (set the new layer's eps to eps_from instead)"
        )
    return carried


def keras_to_torch_momentum(keras_momentum):
    """Keras' momentum (weight on the old value) as PyTorch's (weight on the new batch).

    >>> round(keras_to_torch_momentum(0.99), 10)
    0.01
    """
    momentum = check_momentum(
        keras_momentum, "keras_momentum", allow_none=False, meaning="Keras' weight on the old value"
    )
    return 1.0 - momentum
