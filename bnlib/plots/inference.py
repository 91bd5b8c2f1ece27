"""Plots for notebook 05 (training vs inference)."""

import numpy as np

from ._common import BLUE, GREEN, GREY, ORANGE, _axes, _reset


def batch_mates(train_probs, eval_probs, label, ax=None):
    """One example's predicted probability of its true class `label` inside different batches.

    train_probs (K, C): its class probabilities in training mode, one row per batch of random
    batch mates (a bar is orange and hatched where another class wins); eval_probs (C,): in
    eval mode. The legend sits below the axes, where it cannot cover a bar.
    """
    (ax,) = _axes(ax, 1, width=6.0)
    train_probs = np.asarray(train_probs)
    k = np.arange(1, len(train_probs) + 1)
    flipped = train_probs.argmax(axis=1) != label
    colors = np.where(flipped, ORANGE, BLUE)
    bars = ax.bar(
        k, train_probs[:, label], color=colors, label="training mode (orange, hatched: class flips)"
    )
    for bar, flip in zip(bars, flipped, strict=True):
        bar.set_hatch("//" if flip else None)
    ax.axhline(eval_probs[label], color="k", lw=2, label="eval mode (the same in every batch)")
    ax.set(
        title=f"P(class {label}) for one test digit, in {len(k)} different batches",
        xlabel="batch (the digit plus random batch mates)",
        ylabel="probability",
        ylim=(0, 1.05),
    )
    ax.set_xticks(k)
    ax.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    return ax


def running_lag(steps, batch_means, true_mean, running, ax=None):
    """Batch means (dots), the true mean over all training images (black) and running means.

    `running` maps a label to a running mean (T,) over the same `steps`.
    """
    (ax,) = _axes(ax, 1, width=7.0, height=3.4)
    ax.plot(steps, batch_means, ".", color=GREY, ms=3, label="batch mean (batch of 60)")
    ax.plot(steps, true_mean, color="k", lw=1.5, label="true mean (all training images)")
    for (label, values), color in zip(running.items(), (BLUE, ORANGE, GREEN), strict=False):
        ax.plot(steps, values, color=color, lw=1.5, label=label)
    ax.set(title="one unit's input to the first BN layer", xlabel="training step", ylabel="mean")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, frameon=False, loc="best")
    return ax


def running_estimate(estimate, axes=None):
    """The slider view (`views.running_estimate_view`): running mean and variance against steps.

    The y-limits are fixed per stream, so views compare; a value beyond them (a batch of two
    can have a variance near 0) is drawn on the nearest edge, and the legend says so.
    """
    ax0, ax1 = _axes(axes, 2, width=5.0, height=3.4)
    e = estimate
    steps = np.arange(1, len(e.true_mean) + 1)
    for ax in (ax0, ax1):
        _reset(ax)
    ax0.plot(steps, e.batch_means, ".", color=GREY, ms=2, label="batch means")
    ax0.plot(steps, e.true_mean, color="k", lw=1.5, label="true mean")
    ax0.plot(
        steps, np.clip(e.running_mean, *e.mean_limits), color=BLUE, lw=1.8, label="running mean"
    )
    if len(e.batch_vars):
        shown = np.clip(e.batch_vars, *e.var_limits)  # a near-zero variance sits on the floor
        ax1.plot(steps, shown, ".", color=GREY, ms=2, label="batch variances (unbiased)")
    ax1.plot(steps, e.true_var, color="k", lw=1.5, label="true variance")
    beyond = np.any((e.running_var < e.var_limits[0]) | (e.running_var > e.var_limits[1]))
    label = "running variance" + (" (clipped to the axes)" if beyond else "")
    ax1.plot(steps, np.clip(e.running_var, *e.var_limits), color=ORANGE, lw=1.8, label=label)
    ax0.set(title="mean", xlabel="training step", ylim=e.mean_limits)
    ax1.set(title="variance (log scale)", xlabel="training step", yscale="log", ylim=e.var_limits)
    for ax in (ax0, ax1):
        ax.set_xlim(0, steps[-1] + 1)
        ax.legend(fontsize=7, frameon=False, loc="upper right")
    return np.array([ax0, ax1])


def gap_study(study, axes=None):
    """A `GapStudy` (from `train_eval_gap`): test accuracy against batch size, one panel per
    checkpoint, one line per kind of statistics; markers the mean over seeds, bars min-max."""
    axes = _axes(axes, len(study.checkpoints), width=4.6, height=3.6)
    x = np.arange(len(study.batch_sizes))
    colors = (BLUE, ORANGE, GREEN, GREY, "k")
    for c, ax in enumerate(axes):
        for k, (kind, color) in enumerate(zip(study.kinds, colors, strict=False)):
            acc = study.accuracy[:, :, c, k]
            mean = acc.mean(axis=1)
            err = np.array([mean - acc.min(axis=1), acc.max(axis=1) - mean])
            offset = (k - (len(study.kinds) - 1) / 2) * 0.08
            ax.errorbar(
                x + offset, mean, yerr=err, marker="o", ms=4, capsize=2, color=color, label=kind
            )
        ax.set(
            title=f"after {study.checkpoints[c]} steps ({len(study.seeds)} seeds)",
            xlabel="batch size",
            ylabel="test accuracy",
            ylim=(0, 1.02),
            xticks=x,
            xticklabels=[str(m) for m in study.batch_sizes],
        )
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, frameon=False, loc="lower right")
    return axes
