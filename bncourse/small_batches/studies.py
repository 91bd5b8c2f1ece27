"""Test error against batch size for several normalizations: a small Wu & He (2018) Figure 1.

Every (normalization, batch size, seed) trains the same network for the same number of epochs,
so every run sees the same number of examples, with the learning rate scaled linearly with the
batch size (lr = lr_per_example * batch_size, the rule Wu & He and Goyal et al. use). Batch
Renormalization follows an adapted version of the paper's schedule (`bnlib.norm_layers.renorm_for`).
"""

from typing import NamedTuple

import numpy as np

from bnlib._blas import one_blas_thread
from bnlib._checks import (
    check_one_of,
    check_positive,
    check_positive_int,
    check_seeds,
    check_split,
)
from bnlib.conv_layers import CNN_NORMS, digit_images, small_cnn
from bnlib.inference import train_mode_accuracy
from bnlib.layers import BatchNorm1d
from bnlib.model import mlp
from bnlib.norm_layers import NORMS, renorm_for
from bnlib.parallel import run_each
from bnlib.training import train


class BatchSizeSweep(NamedTuple):
    """M normalizations x B batch sizes x S seeds."""

    norms: tuple  # (M,) names, as in mlp(norm=...)
    batch_sizes: np.ndarray  # (B,)
    seeds: np.ndarray  # (S,)
    epochs: int
    lr_per_example: float
    test_error: np.ndarray  # (M, B, S) eval mode (running statistics where a layer keeps them)
    train_mode_error: np.ndarray  # (M, B, S) test error with batch statistics of test batches
    train_loss: np.ndarray  # (M, B, S) mean training loss over the last epoch
    steps: np.ndarray  # (B,) steps per run

    def summary(self):
        """(mean, min, max) of the test error over seeds, each (M, B)."""
        e = self.test_error
        return e.mean(axis=2), e.min(axis=2), e.max(axis=2)


def batch_size_sweep(
    data,
    sizes,
    norms=("batch", "renorm", "layer", "group"),
    batch_sizes=(2, 4, 8, 16, 32, 64),
    seeds=(0, 1, 2),
    epochs=2,
    lr_per_example=1 / 256,
    activation="relu",
):
    """Train `mlp(sizes, activation, norm=...)` per (norm, batch size, seed); keep the errors.

    Inputs: data a Digits-like 4-tuple; sizes [D, ..., C]; norms names from NORMS; batch_sizes
    ints >= 2; seeds ints, each seeding one Generator for the initial weights and then the
    minibatches (so every norm starts from the same weights); epochs over the training set;
    lr_per_example > 0 (lr = lr_per_example * batch_size). Returns: BatchSizeSweep.

    >>> from bnlib.data import load_digits
    >>> s = batch_size_sweep(load_digits(), [64, 8, 10], ("layer",), (16,), (0,), epochs=1)
    >>> s.test_error.shape, s.steps.tolist()
    ((1, 1, 1), [89])
    """
    norms = tuple(norms)
    for norm in norms:
        check_one_of(norm, "each of norms", sorted(NORMS))
    batch_sizes = [check_positive_int(b, "batch_sizes") for b in batch_sizes]
    if min(batch_sizes) < 2:
        raise ValueError(f"batch_sizes must be >= 2 (BN cannot train on one); got {batch_sizes}")
    seeds = check_seeds(seeds)
    epochs = check_positive_int(epochs, "epochs")
    lr_per_example = check_positive(lr_per_example, "lr_per_example")
    n_train = len(data[0])
    steps = np.array([epochs * n_train // b for b in batch_sizes])
    shape = (len(norms), len(batch_sizes), len(seeds))
    test_error, train_mode_error, train_loss = (np.full(shape, np.nan) for _ in range(3))

    def run(index):  # one (norm, batch size, seed)
        m, k, j = index
        kind = renorm_for(steps[k]) if norms[m] == "renorm" else norms[m]
        with one_blas_thread():  # train_mode_accuracy's small products, too
            return _one_run(
                data,
                sizes,
                activation,
                kind,
                batch_sizes[k],
                int(steps[k]),
                lr_per_example,
                seeds[j],
            )

    runs = list(np.ndindex(shape))
    for index, result in zip(runs, run_each(run, runs), strict=True):  # one run per core
        test_error[index], train_mode_error[index], train_loss[index] = result
    return BatchSizeSweep(
        norms,
        np.array(batch_sizes),
        np.array(seeds),
        epochs,
        lr_per_example,
        test_error,
        train_mode_error,
        train_loss,
        steps,
    )


def _one_run(data, sizes, activation, norm, batch_size, steps, lr_per_example, seed):
    """(eval-mode test error, train-mode test error, mean training loss of the last epoch)."""
    rng = np.random.default_rng(seed)
    model = mlp(sizes, activation, norm=norm, rng=rng)
    lr = lr_per_example * batch_size
    h = train(model, data, steps, batch_size, lr, rng, eval_every=steps)
    error = 1.0 - h.final_accuracy
    last_epoch = h.loss[-(len(data[0]) // batch_size) :].mean()
    if not model.find(BatchNorm1d):  # no running statistics: train mode is eval mode
        return error, error, last_epoch
    return error, 1.0 - train_mode_accuracy(model, data[2], data[3], batch_size, rng), last_epoch


class CNNBatchSizeSweep(NamedTuple):
    """The same question on `small_cnn` (group norm's own setting): M norms x B batch sizes x S
    seeds, every run seeing the same number of training examples."""

    norms: tuple  # (M,) names, as in small_cnn(norm=...)
    batch_sizes: np.ndarray  # (B,)
    seeds: np.ndarray  # (S,)
    examples: int  # training examples seen by every run
    lr_per_example: float
    channels: tuple  # (C1, C2)
    groups: int
    test_error: np.ndarray  # (M, B, S) eval mode
    train_loss: np.ndarray  # (M, B, S) mean training loss over the last quarter of the run
    steps: np.ndarray  # (B,) steps per run

    def summary(self):
        """(mean, min, max) of the test error over seeds, each (M, B)."""
        e = self.test_error
        return e.mean(axis=2), e.min(axis=2), e.max(axis=2)

    def error(self, norm, batch_size):
        """Test error per seed, (S,), read by name."""
        return self.test_error[self.norms.index(norm), list(self.batch_sizes).index(batch_size)]


def cnn_batch_size_sweep(
    data,
    norms=("batch", "group", "layer"),
    batch_sizes=(2, 4, 16, 64),
    seeds=(0, 1, 2),
    examples=800,
    lr_per_example=1 / 64,
    channels=(4, 8),
    groups=2,
):
    """Train `small_cnn(norm=..., head="flatten")` on the digit images per (norm, batch size,
    seed), each run for examples // batch_size steps at lr = lr_per_example * batch_size.

    Inputs: data a Digits-like 4-tuple with x (N, 64); norms from CNN_NORMS; batch_sizes ints
    >= 2; seeds ints (a seed fixes the initial weights and the minibatches, so every norm starts
    from the same weights); examples seen per run; channels (C1, C2); groups for group norm.
    Returns: CNNBatchSizeSweep.

    >>> from bnlib.data import load_digits
    >>> s = cnn_batch_size_sweep(load_digits(), ("group",), (16,), (0,), examples=160)
    >>> s.test_error.shape, s.steps.tolist()
    ((1, 1, 1), [10])
    """
    norms = tuple(check_one_of(n, "each of norms", CNN_NORMS) for n in norms)
    batch_sizes = [check_positive_int(b, "batch_sizes") for b in batch_sizes]
    if min(batch_sizes) < 2:
        raise ValueError(f"batch_sizes must be >= 2 (BN cannot train on one); got {batch_sizes}")
    seeds = check_seeds(seeds)
    examples = check_positive_int(examples, "examples")
    if examples < max(batch_sizes):
        raise ValueError(
            f"examples must be >= the largest batch size {max(batch_sizes)}; got {examples}"
        )
    lr_per_example = check_positive(lr_per_example, "lr_per_example")
    x, y, x_test, y_test = check_split(data)
    images = (digit_images(x), y, digit_images(x_test), y_test)
    steps = np.array([examples // b for b in batch_sizes])
    shape = (len(norms), len(batch_sizes), len(seeds))

    def run(index):  # one (norm, batch size, seed)
        m, k, j = index
        rng = np.random.default_rng(seeds[j])
        model = small_cnn(rng, norms[m], channels=channels, groups=groups, head="flatten")
        lr = lr_per_example * batch_sizes[k]
        with one_blas_thread():
            h = train(model, images, int(steps[k]), batch_sizes[k], lr, rng, eval_every=steps[k])
        return 1.0 - h.final_accuracy, h.loss[-max(1, steps[k] // 4) :].mean()

    runs = list(np.ndindex(shape))
    test_error, train_loss = np.full(shape, np.nan), np.full(shape, np.nan)
    for index, (error, loss) in zip(runs, run_each(run, runs), strict=True):
        test_error[index], train_loss[index] = error, loss
    return CNNBatchSizeSweep(
        norms,
        np.array(batch_sizes),
        np.array(seeds),
        examples,
        lr_per_example,
        tuple(channels),
        groups,
        test_error,
        train_loss,
        steps,
    )


def values_per_statistic(norm, batch_size, channels=(4, 8), groups=2, image_size=8):
    """How many values each mean and variance of `small_cnn`'s two norm layers is computed from.

    Batch norm pools a channel over the batch and every position: N H W; group norm a group of
    C / G channels of one example: (C / G) H W; layer norm all C channels of one example: C H W.
    Returns: a pair (first layer, second layer); the second layer's maps are half the side.

    >>> values_per_statistic("batch", 2), values_per_statistic("group", 2)
    ((128, 32), (128, 64))
    """
    check_one_of(norm, "norm", ("batch", "group", "layer"))
    n = check_positive_int(batch_size, "batch_size")
    side = check_positive_int(image_size, "image_size")
    sizes = []
    for c, s in zip(channels, (side, (side - 1) // 2 + 1), strict=True):
        per_group = {"batch": n, "group": c // groups, "layer": c}[norm]
        sizes.append(per_group * s * s)
    return tuple(sizes)
