"""Studies for the convolutional notebook: how noisy a channel's batch statistics are, a small CNN
trained with and without batch norm over seeds and learning rates, and what a residual block's
zero-initialized last gamma does to the signal at initialization.

Every study takes its seeds and builds one generator per run from them, so a run's result does not
depend on which other runs are in the study; independent runs go through `run_each`.
"""

from dataclasses import dataclass

import numpy as np

from bnlib._checks import check_positive_int, check_seeds, check_split
from bnlib.conv_layers import BatchNorm2d, Conv2d, digit_images, small_cnn
from bnlib.layers import ReLU
from bnlib.model import Sequential
from bnlib.parallel import run_each
from bnlib.residual import Residual
from bnlib.training import train


@dataclass
class ChannelNoise:
    """Relative noise of batch means (std over batches / the feature's population std), [seed, N].

    `channel`: a conv channel's mean over (N, H, W); `dense`: one position's mean over N (averaged
    over positions). The effective batch of a channel is 1 / channel**2; N H W if positions
    were independent, N if they were copies of each other.
    """

    batch_sizes: tuple
    image_size: int
    seeds: tuple
    channel: np.ndarray  # (seeds, batch sizes)
    dense: np.ndarray  # (seeds, batch sizes)

    def effective_batch(self):
        """1 / relative noise^2 of the channel mean, [seed, N]."""
        return 1.0 / self.channel**2


def channel_noise(images, batch_sizes=(2, 4, 8, 16, 32), image_size=8, seeds=(0, 1, 2), draws=300):
    """Measure how noisy a channel's batch mean is against a dense feature's at the same N.

    Each seed draws one 3x3 filter (a conv channel at initialization) and `draws` batches of each
    size from `images` (N, 1, H, W), cropped to the central image_size x image_size.
    Returns: ChannelNoise.

    >>> imgs = np.random.default_rng(0).normal(size=(200, 1, 8, 8))
    >>> noise = channel_noise(imgs, batch_sizes=(4,), seeds=(0,), draws=200)
    >>> bool(noise.channel[0, 0] < noise.dense[0, 0])
    True
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 4 or images.shape[1] != 1:
        raise ValueError(f"images must have shape (N, 1, H, W); got {images.shape}")
    image_size = check_positive_int(image_size, "image_size")
    if image_size > min(images.shape[2:]):
        raise ValueError(f"image_size must be <= {min(images.shape[2:])}; got {image_size}")
    seeds = check_seeds(seeds)
    sizes = tuple(check_positive_int(n, "batch_sizes") for n in batch_sizes)
    top = (images.shape[2] - image_size) // 2
    crop = images[:, :, top : top + image_size, top : top + image_size]
    channel = np.empty((len(seeds), len(sizes)))
    dense = np.empty_like(channel)
    for s, seed in enumerate(seeds):
        rng = np.random.default_rng(seed)
        conv = Conv2d(1, 1, 3, rng=rng, padding=1, bias=False)
        feature = conv.forward(crop)[:, 0]  # (M, H, W): one channel at every position
        pooled_std = feature.std()
        position_std = feature.std(axis=0)  # (H, W)
        varied = position_std > 1e-12 * pooled_std  # positions that are not constant
        for k, n in enumerate(sizes):
            picks = np.array([rng.choice(len(feature), n, replace=False) for _ in range(draws)])
            batch_means = feature[picks].mean(axis=1)  # (draws, H, W): each position over N
            channel[s, k] = batch_means.mean(axis=(1, 2)).std() / pooled_std
            dense[s, k] = (batch_means.std(axis=0)[varied] / position_std[varied]).mean()
    return ChannelNoise(sizes, image_size, seeds, channel, dense)


@dataclass
class CNNStudy:
    """Accuracy and loss of `small_cnn` runs, read by name: `study.accuracy(norm, lr)` -> (seeds,
    evaluations)."""

    norms: tuple
    lrs: tuple
    seeds: tuple
    eval_steps: np.ndarray
    _accuracy: np.ndarray  # (norms, lrs, seeds, evaluations)
    _loss: np.ndarray  # (norms, lrs, seeds, steps)

    def _at(self, norm, lr):
        return self.norms.index(norm), self.lrs.index(lr)

    def accuracy(self, norm, lr):
        """Test accuracy at `eval_steps`, one row per seed (nan after a divergence)."""
        return self._accuracy[self._at(norm, lr)]

    def loss(self, norm, lr):
        """Training loss at every step, one row per seed (nan after a divergence)."""
        return self._loss[self._at(norm, lr)]

    def final(self, norm, lr):
        """Final test accuracy per seed (0.1, chance, for a run that diverged)."""
        last = self.accuracy(norm, lr)[:, -1]
        return np.where(np.isnan(last), 0.1, last)


def cnn_study(data, norms=("none", "batch"), lrs=(0.1,), seeds=(0, 1, 2), steps=300, batch_size=32):
    """Train `small_cnn` once per (norm, learning rate, seed) on the digits.

    Inputs: data (x_train, y_train, x_test, y_test) with x (N, 64); norms from
    bnlib.conv_layers.CNN_NORMS; lrs; seeds; steps; batch_size. Test accuracy is scored every
    steps // 8 steps. Returns: CNNStudy.
    """
    x, y, x_test, y_test = check_split(data)
    images = (digit_images(x), y, digit_images(x_test), y_test)
    seeds = check_seeds(seeds)
    steps = check_positive_int(steps, "steps")
    every = max(1, steps // 8)
    jobs = [(norm, lr, seed) for norm in norms for lr in lrs for seed in seeds]

    def run(job):
        norm, lr, seed = job
        rng = np.random.default_rng(seed)
        model = small_cnn(rng, norm=norm)
        history = train(
            model, images, steps=steps, batch_size=batch_size, lr=lr, rng=rng, eval_every=every
        )
        n_evals = len(range(0, steps, every)) + 1  # step 0, every `every`, and the last step
        acc, loss = np.full(n_evals, np.nan), np.full(steps, np.nan)
        acc[: len(history.test_accuracy)] = history.test_accuracy
        loss[: history.steps_done] = history.loss
        return acc, loss, history.eval_steps

    results = run_each(run, jobs)
    shape = (len(norms), len(lrs), len(seeds))
    accuracy = np.array([r[0] for r in results]).reshape(*shape, -1)
    loss = np.array([r[1] for r in results]).reshape(*shape, -1)
    return CNNStudy(tuple(norms), tuple(lrs), seeds, results[0][2], accuracy, loss)


def residual_signal(images, depth=8, channels=8, seeds=(0, 1, 2), batch_size=64):
    """The spread of the signal after each residual block at initialization, last gamma 1 or 0.

    A stem (conv -> BN -> ReLU) then `depth` blocks x + BN(conv(ReLU(BN(conv(x))))), each
    branch's last BN gamma set to 1 or to 0 (Goyal et al. 2017), run in training mode on one
    batch of `images`. Returns: std (2, seeds, depth + 1): [0] gamma 1, [1] gamma 0; column 0
    is the stem's output.

    >>> imgs = np.random.default_rng(0).normal(size=(16, 1, 8, 8))
    >>> std = residual_signal(imgs, depth=3, seeds=(0,), batch_size=16)
    >>> bool(np.allclose(std[1, 0], std[1, 0, 0])), bool(std[0, 0, -1] > std[0, 0, 0])
    (True, True)
    """
    images = np.asarray(images, dtype=np.float64)
    depth = check_positive_int(depth, "depth")
    seeds = check_seeds(seeds)
    std = np.empty((2, len(seeds), depth + 1))
    for z, last_gamma in enumerate((1.0, 0.0)):
        for s, seed in enumerate(seeds):
            rng = np.random.default_rng(seed)
            batch = images[rng.choice(len(images), batch_size, replace=False)]
            stem = Sequential([Conv2d(1, channels, 3, rng=rng, padding=1), BatchNorm2d(channels)])
            out = np.maximum(stem.forward(batch), 0.0)
            std[z, s, 0] = out.std()
            for d in range(depth):
                block = Residual(
                    Sequential(
                        [
                            Conv2d(channels, channels, 3, rng=rng, padding=1, bias=False),
                            BatchNorm2d(channels),
                            ReLU(),
                            Conv2d(channels, channels, 3, rng=rng, padding=1, bias=False),
                            BatchNorm2d(channels),
                        ]
                    )
                )
                block.branch[4].gamma[:] = last_gamma
                out = block.forward(out)
                std[z, s, d + 1] = out.std()
    return std
