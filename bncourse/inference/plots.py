"""Plots for notebook 05 (training vs inference)."""

import numpy as np

from bncourse.style import BLUE, GREY, ORANGE, SMALL, _axes, _reset, describe, fmt, style


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
        if flip:  # not by colour alone: a flipped bar is also hatched
            bar.set_hatch("//")
            bar.set_edgecolor("white")
    ax.axhline(eval_probs[label], color="k", lw=2, label="eval mode (the same in every batch)")
    ax.set(
        title=f"P(class {label}) for one test digit, in {len(k)} different batches",
        xlabel="batch (the digit plus random batch mates)",
        ylabel="probability",
        ylim=(0, 1.05),
    )
    ax.set_xticks(k)
    ax.legend(fontsize=SMALL, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    p = train_probs[:, label]
    text = (
        f"Bars: the probability of class {label} for one test digit, inside {len(k)} batches "
        f"of random batch mates in training mode, from {fmt(p.min())} to {fmt(p.max())}; in "
        f"{int(flipped.sum())} of them (orange, hatched) another class wins. The black line is "
        f"eval mode, {fmt(eval_probs[label])} in every batch: in training mode the prediction "
        "depends on the batch mates."
    )
    return describe(ax, text)


def running_lag(steps, batch_means, true_mean, running, ax=None):
    """Batch means (dots), the true mean over all training images (black) and running means.

    `running` maps a label to a running mean (T,) over the same `steps`.
    """
    (ax,) = _axes(ax, 1, width=7.0, height=3.4)
    true_mean = np.asarray(true_mean)
    ax.plot(steps, batch_means, ".", color=GREY, ms=3, label="batch mean (batch of 60)")
    ax.plot(steps, true_mean, color="k", lw=1.5, label="true mean (all training images)")
    parts = []
    for k, (label, values) in enumerate(running.items()):
        look = {**style(k), "marker": None}
        ax.plot(steps, values, lw=1.5, label=label, **look)
        values = np.asarray(values)
        parts.append(
            f"{label} ends at {fmt(values[-1])}, mean gap to the true mean over the last half "
            f"{fmt(np.mean(np.abs(values - true_mean)[len(steps) // 2 :]))}"
        )
    ax.set(title="one unit's input to the first BN layer", xlabel="training step", ylabel="mean")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=SMALL, frameon=False, loc="best")
    text = (
        f"Against training step ({len(steps)} steps): batch means as grey dots, the true mean "
        f"over all training images in black (from {fmt(true_mean[0])} to {fmt(true_mean[-1])}), "
        "and running means: " + "; ".join(parts) + ". A small momentum lags behind the moving "
        "target; a large one follows the noisy batch means."
    )
    return describe(ax, text)


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
        steps,
        np.clip(e.running_mean, *e.mean_limits),
        color=BLUE,
        ls="--",
        lw=1.8,
        label="running mean",
    )
    if len(e.batch_vars):
        shown = np.clip(e.batch_vars, *e.var_limits)  # a near-zero variance sits on the floor
        ax1.plot(steps, shown, ".", color=GREY, ms=2, label="batch variances (unbiased)")
    ax1.plot(steps, e.true_var, color="k", lw=1.5, label="true variance")
    beyond = np.any((e.running_var < e.var_limits[0]) | (e.running_var > e.var_limits[1]))
    label = "running variance" + (" (clipped to the axes)" if beyond else "")
    ax1.plot(
        steps, np.clip(e.running_var, *e.var_limits), color=ORANGE, ls="--", lw=1.8, label=label
    )
    ax0.set(title="mean", xlabel="training step", ylim=e.mean_limits)
    ax1.set(title="variance (log scale)", xlabel="training step", yscale="log", ylim=e.var_limits)
    for ax in (ax0, ax1):
        ax.set_xlim(0, steps[-1] + 1)
        ax.legend(fontsize=SMALL, frameon=False, loc="upper right")
    head = (
        f"Batch size {e.batch_size}, momentum {e.momentum:g}, {len(steps)} steps. Left: batch "
        "means (grey dots), the true mean (black) and the running mean (dashed); right: the "
        "same for the variance on a log scale. "
    )
    if not e.updates:
        tail = "A batch of one cannot train BN, so the running statistics stay at 0 and 1."
    else:
        tail = (
            f"At the end the running mean is {fmt(e.running_mean[-1])} (true "
            f"{fmt(e.true_mean[-1])}), the running variance {fmt(e.running_var[-1])} (true "
            f"{fmt(e.true_var[-1])}, off by {100 * e.final_var_error:+.0f}%)."
        )
    return describe(np.array([ax0, ax1]), head + tail)


def gap_study(study, axes=None):
    """A `GapStudy` (from `train_eval_gap`): test accuracy against batch size, one panel per
    checkpoint, one line per kind of statistics; markers the mean over seeds, bars min-max."""
    axes = _axes(axes, len(study.checkpoints), width=4.6, height=3.6)
    x = np.arange(len(study.batch_sizes))
    parts = []
    for c, ax in enumerate(axes):
        for k, kind in enumerate(study.kinds):
            acc = study.accuracy[:, :, c, k]
            mean = acc.mean(axis=1)
            err = np.array([mean - acc.min(axis=1), acc.max(axis=1) - mean])
            offset = (k - (len(study.kinds) - 1) / 2) * 0.08
            ax.errorbar(x + offset, mean, yerr=err, ms=4, capsize=2, label=kind, **style(k))
            values = ", ".join(
                f"{m}: {fmt(v)}" for m, v in zip(study.batch_sizes, mean, strict=True)
            )
            parts.append(f"after {study.checkpoints[c]} steps, {kind}: {values}")
        ax.set(
            title=f"after {study.checkpoints[c]} steps ({len(study.seeds)} seeds)",
            xlabel="batch size",
            ylabel="test accuracy",
            ylim=(0, 1.02),
            xticks=x,
            xticklabels=[str(m) for m in study.batch_sizes],
        )
        ax.grid(alpha=0.3)
    # One legend under both panels: inside, every corner of a panel has data in some run.
    axes[0].figure.legend(
        *axes[0].get_legend_handles_labels(),
        fontsize=SMALL,
        frameon=False,
        loc="outside lower center",
        ncols=3,
    )
    text = (
        f"Mean test accuracy over {len(study.seeds)} seeds (bars: min-max) against batch size, "
        "one panel per checkpoint, one line per kind of statistics used at test time. "
        + "; ".join(parts)
        + "."
    )
    return describe(axes, text)
