"""Training loop: minibatch SGD on a (train, test) split, returning a History.

Deterministic: the same model, data and `rng` give the same History. A run whose loss (or
parameters) stop being finite ends early and is marked `diverged`, so a learning-rate sweep
reports divergence as a result. Recorders see the model at a step after the backward pass and
before the update: parameters theta_t, the batch (x_t, y_t) and its gradients.
"""

from dataclasses import dataclass, field

import numpy as np

from bnlib._blas import one_blas_thread
from bnlib._checks import VarianceOverflowError, check_positive_int, check_rng, check_split
from bnlib.model import SGD, forward_backward, modes_restored, softmax_cross_entropy


@dataclass
class History:
    """What one training run produced. Arrays are cut where a diverged run stopped."""

    loss: np.ndarray  # (steps_done,) training loss of each minibatch
    eval_steps: np.ndarray  # steps at which the test set was scored (eval mode)
    test_accuracy: np.ndarray  # fraction correct on the test set at eval_steps
    test_loss: np.ndarray
    record_steps: np.ndarray  # steps at which the recorders ran
    records: dict = field(default_factory=dict)  # name -> array stacked over record_steps
    diverged: bool = False
    diverged_at: int | None = None  # the step whose loss or parameters were not finite

    @property
    def steps_done(self):
        return len(self.loss)

    @property
    def final_accuracy(self):
        return float(self.test_accuracy[-1]) if len(self.test_accuracy) else float("nan")


def evaluate(model, x, y):
    """Test loss and accuracy in eval mode (running statistics); restores the model's mode.

    >>> from bnlib import mlp
    >>> model = mlp([2, 3], rng=np.random.default_rng(0))
    >>> loss, acc = evaluate(model, np.zeros((4, 2)), np.array([0, 1, 2, 0]))
    >>> round(loss, 4), acc
    (1.0986, 0.5)
    """
    with modes_restored(model):
        logits = model.eval().forward(x)
    loss, _ = softmax_cross_entropy(logits, y)
    return loss, float(np.mean(logits.argmax(axis=1) == y))


def _blown_up(model):
    """True if a parameter or a running statistic has stopped being finite."""
    arrays = [getattr(layer, name) for layer, name in model.parameters()]
    arrays += [
        getattr(layer, s)
        for layer in model.layers
        for s in ("running_mean", "running_var")
        if hasattr(layer, s)
    ]
    return not all(np.isfinite(a).all() for a in arrays)


def _guarded(fn, model, *args):
    """fn(model, *args), or None if it failed because the model blew up (divergence).

    bnlib's layers reject non-finite input with a ValueError: after a blow-up (or when the
    activations grew so large that a batch variance overflows) that is divergence; with finite
    parameters it is a real error, and is raised.
    """
    try:
        return fn(model, *args)
    except VarianceOverflowError:
        return None
    except ValueError:
        if _blown_up(model):
            return None
        raise


def train(
    model,
    data,
    steps,
    batch_size,
    lr,
    rng,
    momentum=0.0,
    eval_every=100,
    record=None,
    record_every=100,
    weight_decay=0.0,
    decay_filter=None,
):
    """Train `model` with minibatch SGD on `data` (a `bnlib.data.Digits`-like 4-tuple).

    Inputs: steps, batch_size ints; lr > 0; rng a Generator (draws the minibatches: the
    training set is reshuffled every epoch); momentum SGD's weight on the old velocity (not batch
    norm's momentum); eval_every steps between test
    evaluations (also done at step 0 and after the last step); record a dict name ->
    fn(model, x_batch, y_batch) called every `record_every` steps (see the module docstring);
    weight_decay and decay_filter go to `SGD` (decay every parameter, or those the filter picks).
    Returns: History.

    >>> from bnlib.data import load_digits
    >>> from bnlib import mlp
    >>> gen = np.random.default_rng(0)
    >>> model = mlp([64, 32, 10], batchnorm=True, rng=gen)
    >>> h = train(model, load_digits(), steps=200, batch_size=60, lr=0.5, rng=gen)
    >>> h.steps_done, h.diverged, h.final_accuracy > 0.85
    (200, False, True)
    """
    steps = check_positive_int(steps, "steps")
    batch_size = check_positive_int(batch_size, "batch_size")
    eval_every = check_positive_int(eval_every, "eval_every")
    record_every = check_positive_int(record_every, "record_every")
    check_rng(rng)
    x_train, y_train, x_test, y_test = check_split(data)
    if not 1 <= batch_size <= len(x_train):
        raise ValueError(f"batch_size must be in [1, {len(x_train)}]; got {batch_size}")
    record = dict(record or {})
    optimizer = SGD(model, lr, momentum, weight_decay, decay_filter)
    model.train()
    losses, evals, recorded, record_steps = [], [], {name: [] for name in record}, []
    order, cursor = rng.permutation(len(x_train)), 0
    diverged_at = None
    with one_blas_thread(), np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for step in range(steps):
            scored = _guarded(evaluate, model, x_test, y_test) if step % eval_every == 0 else ()
            if cursor + batch_size > len(order):
                order, cursor = rng.permutation(len(x_train)), 0
            idx = order[cursor : cursor + batch_size]
            cursor += batch_size
            loss = _guarded(forward_backward, model, x_train[idx], y_train[idx])
            if scored is None or loss is None or not np.isfinite(loss):
                diverged_at = step
                break
            if scored:
                evals.append((step, *scored))
            if step % record_every == 0:
                record_steps.append(step)
                for name, fn in record.items():
                    recorded[name].append(fn(model, x_train[idx], y_train[idx]))
            optimizer.step()
            losses.append(loss)
        else:
            scored = _guarded(evaluate, model, x_test, y_test)
            if scored is None:
                diverged_at = steps
            else:
                evals.append((steps, *scored))
    eval_steps, test_loss, test_acc = np.array(evals).reshape(-1, 3).T
    return History(
        np.array(losses),
        eval_steps.astype(int),
        test_acc,
        test_loss,
        np.array(record_steps, dtype=int),
        {name: np.array(values) for name, values in recorded.items()},
        diverged_at is not None,
        diverged_at,
    )
