"""Plots for the convolutional notebook: batch-mean noise per channel, CNN training curves and the
learning-rate sweep, and the signal through residual blocks."""

import numpy as np

from bncourse.convolution.views import BINS
from bncourse.style import NORM_LABELS, SMALL, _axes, _reset, describe, fmt, setting_style, style


def channel_noise_plot(noise, ax=None):
    """Relative noise of a batch mean against batch size N: one position (a dense feature) and a
    whole channel (over N, H, W), one line per seed, with 1/sqrt(N) and 1/sqrt(N H W)."""
    (ax,) = _axes(ax, 1, width=5.2, height=3.6)
    n = np.asarray(noise.batch_sizes, dtype=float)
    hw = noise.image_size**2
    ax.plot(n, 1 / np.sqrt(n), color="black", lw=1, ls=":", label="1/sqrt(N)")
    ax.plot(n, 1 / np.sqrt(n * hw), color="black", lw=1, ls="--", label="1/sqrt(N H W)")
    for k, (values, label) in enumerate(
        ((noise.dense, "one position"), (noise.channel, "channel"))
    ):
        look = style(k)
        for s in range(len(noise.seeds)):
            ax.plot(n, values[s], ms=4, label=label if s == 0 else None, **look)
    ax.set(xscale="log", yscale="log", xlabel="batch size N", ylabel="std of batch mean / std")
    ax.set_xticks(n, [f"{v:g}" for v in n], minor=False)
    ax.set_xticks([], minor=True)
    ax.set_title(f"batch-mean noise, {noise.image_size}x{noise.image_size} images", y=1)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=SMALL, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    lo, hi = noise.channel[:, -1].min(), noise.channel[:, -1].max()
    return describe(
        ax,
        f"Log-log plot of the noise of a batch mean (its standard deviation over batches, in "
        f"units of the feature's spread) against batch size N from {fmt(n[0])} to {fmt(n[-1])}, "
        f"for {len(noise.seeds)} random 3x3 filters. One position's mean follows 1/sqrt(N) "
        f"(at N = {fmt(n[-1])}: {fmt(noise.dense[:, -1].mean())}); the channel's mean over all "
        f"{hw} positions is far less noisy ({fmt(lo)} to {fmt(hi)}), near or below 1/sqrt(N H W) "
        f"depending on the filter.",
    )


def cnn_curves(study, lr, ax=None):
    """Test accuracy against step for each norm of a CNNStudy at one learning rate: one thin line
    per seed, the seeds' mean thick."""
    (ax,) = _axes(ax, 1, width=5.2, height=3.6)
    parts = []
    for norm in study.norms:
        look = setting_style(NORM_LABELS[norm])
        acc = study.accuracy(norm, lr)
        for row in acc:
            ax.plot(study.eval_steps, row, color=look["color"], ls=look["ls"], lw=1.0)
        ax.plot(
            study.eval_steps, np.nanmean(acc, axis=0), lw=2.2, ms=5, label=NORM_LABELS[norm], **look
        )
        last = acc[:, -1]
        parts.append(
            f"{NORM_LABELS[norm]} ends at {fmt(np.nanmin(last))} to {fmt(np.nanmax(last))}"
        )
    ax.set(xlabel="training step", ylabel="test accuracy", ylim=(0, 1.02))
    ax.set_title(f"small CNN on the digits, lr {lr:g}", y=1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=SMALL, frameon=False, loc="upper left")
    return describe(
        ax,
        f"Test accuracy against training step for the small CNN at learning rate {lr:g}, "
        f"{len(study.seeds)} seeds each (thin lines) and their mean (thick): "
        + "; ".join(parts)
        + ".",
    )


def lr_sweep_plot(study, ax=None):
    """Final test accuracy against learning rate for each norm of a CNNStudy, seeds as markers."""
    (ax,) = _axes(ax, 1, width=5.2, height=3.6)
    lrs = np.asarray(study.lrs, dtype=float)
    parts = []
    for k, norm in enumerate(study.norms):
        look = setting_style(NORM_LABELS[norm])
        finals = np.array([study.final(norm, lr) for lr in study.lrs])  # (lrs, seeds)
        ax.plot(lrs, finals.mean(axis=1), ms=6, label=NORM_LABELS[norm], **look)
        offset = 1.06 ** (k - (len(study.norms) - 1) / 2)  # side by side, never on top
        for s in range(finals.shape[1]):
            ax.plot(
                lrs * offset, finals[:, s], look["marker"], color=look["color"], ms=4, mfc="white"
            )
        best = int(np.argmax(finals.mean(axis=1)))
        parts.append(f"{NORM_LABELS[norm]} best at lr {lrs[best]:g} ({fmt(finals[best].mean())})")
    ax.set(xscale="log", xlabel="learning rate", ylabel="final test accuracy", ylim=(0, 1.02))
    ax.set_xticks(lrs, [f"{v:g}" for v in lrs])
    ax.set_xticks([], minor=True)
    ax.set_title("learning-rate sweep", y=1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=SMALL, frameon=False, loc="center right")
    return describe(
        ax,
        f"Final test accuracy against learning rate ({', '.join(f'{v:g}' for v in lrs)}), "
        f"the mean of {len(study.seeds)} seeds as a line and each seed as a marker: "
        + "; ".join(parts)
        + ".",
    )


def residual_signal_plot(std, ax=None):
    """The spread of the signal after each residual block at initialization: last gamma 1 or 0,
    one line per seed (`residual_signal`'s output)."""
    (ax,) = _axes(ax, 1, width=5.2, height=3.6)
    blocks = np.arange(std.shape[2])
    for k, label in enumerate(("last gamma 1", "last gamma 0")):
        look = style(k)
        for s in range(std.shape[1]):
            ax.plot(blocks, std[k, s], ms=4, label=label if s == 0 else None, **look)
    ax.set(xlabel="residual blocks passed", ylabel="std of the signal", ylim=(0, None))
    ax.set_title("signal through residual blocks at init", y=1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=SMALL, frameon=False, loc="upper left")
    return describe(
        ax,
        f"Standard deviation of the activations after each of {std.shape[2] - 1} residual "
        f"blocks at initialization, {std.shape[1]} seeds. With the last gamma of each branch "
        f"at 1 the spread grows from {fmt(std[0, :, 0].mean())} to {fmt(std[0, :, -1].min())}-"
        f"{fmt(std[0, :, -1].max())}; at 0 every block is the identity and it stays at "
        f"{fmt(std[1, :, -1].min())}-{fmt(std[1, :, -1].max())}.",
    )


def channel_noise_hist(view, ax=None):
    """Histograms of the batch means of one position and of the channel (`channel_noise_view`),
    on one fixed axis in units of each one's spread, so their widths compare; the y-axis is the
    view's `count_limit`, the same at every slider setting, so heights compare too."""
    (ax,) = _axes(ax, 1, width=6.0, height=3.4)
    _reset(ax)
    series = (
        (
            np.clip(view.dense_means, -2.5, 2.5),
            f"one position ({view.batch_size} value{'s' * (view.batch_size != 1)})",
        ),
        (np.clip(view.channel_means, -2.5, 2.5), f"channel ({view.values_per_channel} values)"),
    )
    for k, (values, label) in enumerate(series):
        look = style(k)
        ax.hist(
            values,
            bins=BINS,
            histtype="step",
            lw=2,
            color=look["color"],
            ls=look["ls"],
            label=label,
        )
    ax.set(
        xlim=(-2.5, 2.5),
        ylim=(0, view.count_limit),
        xlabel="batch mean - population mean, in standard deviations",
        ylabel="batches",
    )
    ax.set_title(f"batch size {view.batch_size}, {view.image_size}x{view.image_size} images", y=1)
    ax.legend(fontsize=SMALL, frameon=False, loc="upper left")
    return describe(
        ax,
        f"Two histograms over {len(view.dense_means)} random batches of {view.batch_size} digits "
        f"cropped to {view.image_size}x{view.image_size}: one position's batch mean spreads by "
        f"±{fmt(view.dense_means.std())} of its standard deviation, the channel's mean over "
        f"{view.values_per_channel} values by ±{fmt(view.channel_means.std())} (end bins hold "
        f"values beyond ±2.5).",
    )
