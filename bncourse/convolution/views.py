"""The view behind the convolutional notebook's panel: how noisy one position's batch mean is
against a whole channel's, for a batch size and an image size. Pure function of the sliders."""

from functools import lru_cache
from typing import NamedTuple

import numpy as np

from bncourse.runs import generator
from bnlib._checks import check_positive_int
from bnlib.conv_layers import Conv2d
from bnlib.data import load_digits

IMAGE_SIZES = (2, 4, 6, 8)  # central crops of the 8x8 digits
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64)  # the panel's
BINS = np.linspace(-2.5, 2.5, 81)  # the histograms' bins, in standard deviations


class ChannelNoiseView(NamedTuple):
    batch_size: int
    image_size: int
    values_per_channel: int  # N H W
    dense_means: np.ndarray  # (draws,) one position's batch mean, in its own standard deviations
    channel_means: np.ndarray  # (draws,) the channel's batch mean, in the channel's std
    count_limit: float  # the y-axis' top, one for every view of an int seed (see `count_limit`)


@lru_cache(maxsize=8)
def _feature(image_size, rng):
    """One 3x3 filter's response (M, H, W) on the training digits cropped to image_size, the
    filter drawn by `rng` (cached per int seed)."""
    x = load_digits().x_train.reshape(-1, 1, 8, 8)
    top = (8 - image_size) // 2
    crop = x[:, :, top : top + image_size, top : top + image_size]
    conv = Conv2d(1, 1, 3, rng=generator(rng), padding=1, bias=False)
    return conv.forward(crop)[:, 0]


def _means(n, image_size, rng, draws):
    """(dense, channel): `draws` batch means of one position and of the channel."""
    feature = (_feature if isinstance(rng, int) else _feature.__wrapped__)(image_size, rng)
    rng = generator(rng)
    picks = np.array([rng.choice(len(feature), n, replace=False) for _ in range(draws)])
    batches = feature[picks]  # (draws, N, H, W)
    centre = image_size // 2
    position = feature[:, centre, centre]
    dense = (batches[:, :, centre, centre].mean(axis=1) - position.mean()) / position.std()
    channel = (batches.mean(axis=(1, 2, 3)) - feature.mean()) / feature.std()
    return dense, channel


def _tallest_bin(*means):
    return max(np.histogram(np.clip(m, BINS[0], BINS[-1]), BINS)[0].max() for m in means)


@lru_cache(maxsize=8)
def count_limit(seed, draws=300):
    """The histograms' y-axis top for every view of an int seed: the tallest bin over every batch
    size and image size of the panel, plus 10%. One fixed axis, so a histogram that grows taller
    as it narrows is seen to, and a move redraws no tick (28 views, about 0.15 s, once).

    >>> bool(count_limit(0) >= np.histogram(channel_noise_view(64, 8).channel_means, BINS)[0].max())
    True
    """
    tallest = max(
        _tallest_bin(*_means(n, size, seed, draws)) for n in BATCH_SIZES for size in IMAGE_SIZES
    )
    return 1.1 * float(tallest)


def channel_noise_view(batch_size, image_size, rng=0, draws=300):
    """Batch means of one position and of the whole channel over `draws` random batches.

    Inputs: batch_size N >= 1; image_size one of IMAGE_SIZES (central crop); rng draws the
    filter and the batches (a Generator, or an int seed: a fresh generator for each, the same
    draws on every call). Returns: ChannelNoiseView, means in units of each one's spread.

    >>> v = channel_noise_view(8, 8)
    >>> v.values_per_channel, bool(v.channel_means.std() < v.dense_means.std())
    (512, True)
    """
    n = check_positive_int(batch_size, "batch_size")
    if image_size not in IMAGE_SIZES:
        raise ValueError(f"image_size must be one of {IMAGE_SIZES}; got {image_size!r}")
    dense, channel = _means(n, image_size, rng, draws)
    own = 1.1 * float(_tallest_bin(dense, channel))  # a generator's views: each its own axis
    limit = max(count_limit(rng, draws), own) if isinstance(rng, int) else own
    return ChannelNoiseView(n, image_size, n * image_size**2, dense, channel, limit)


def describe_channel_noise_view(v):
    return (
        f"batch size {v.batch_size}, {v.image_size}x{v.image_size} images: one position's "
        f"batch mean varies by ±{v.dense_means.std():.3f} of its spread, the channel's "
        f"({v.values_per_channel} values) by ±{v.channel_means.std():.3f}."
    )
