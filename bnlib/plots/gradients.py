"""Plots for notebook 03 (gradients, scale invariance, loss landscape, gradient flow)."""

import numpy as np

from ._common import BLUE, GREEN, GREY, ORANGE, _axes

COLORS = (ORANGE, BLUE, GREEN, GREY)


def scale_invariance(scales, results, axes=None):
    """Loss and ||dW|| against the factor a that multiplies W; `results` maps a label to
    (losses, grad_norms) from `gradflow.weight_scale_sweep`. A dashed 1/a line for reference."""
    ax0, ax1 = _axes(axes, 2)
    for k, (label, (losses, norms)) in enumerate(results.items()):
        color = COLORS[k % len(COLORS)]
        ax0.semilogx(scales, losses, "o-", color=color, label=label)
        ax1.loglog(scales, norms, "o-", color=color, label=label)
    middle = len(scales) // 2
    anchor = list(results.values())[-1][1][middle] * scales[middle]
    ax1.loglog(scales, anchor / np.asarray(scales), "k--", lw=1, label=r"$\propto 1/a$")
    # The loss axis spans at least 0.5, so a change in the third decimal does not look large.
    low = min(np.min(losses) for losses, _ in results.values())
    high = max(np.max(losses) for losses, _ in results.values())
    half = max(0.25, 0.55 * (high - low))
    ax0.set_ylim((low + high) / 2 - half, (low + high) / 2 + half)
    ax0.set(title="loss on one minibatch", xlabel="a (W multiplied by a)")
    ax1.set(title=r"$\|\partial L/\partial W\|$ of the scaled layer", xlabel="a")
    for ax in (ax0, ax1):
        ax.legend(fontsize=8, frameon=False)
        ax.grid(alpha=0.3, which="both")
    return np.array([ax0, ax1])


def landscape(summaries, axes=None):
    """Three views of `summarize_landscape` results (label -> LandscapeSummary) over training:
    the range of the loss along the gradient, the largest gradient change, and the effective
    beta-smoothness."""
    ax0, ax1, ax2 = _axes(axes, 3, width=3.8)
    for k, (label, s) in enumerate(summaries.items()):
        color = COLORS[k % len(COLORS)]
        ax0.fill_between(s.steps, s.loss_low, s.loss_high, color=color, alpha=0.35, label=label)
        ax1.semilogy(s.steps, s.grad_change, "o-", color=color, ms=3, label=label)
        ax2.semilogy(s.steps, s.beta_smoothness, "o-", color=color, ms=3, label=label)
    ax0.set(yscale="log", title="loss along the gradient (band)", xlabel="training step")
    ax1.set(title="largest gradient change", xlabel="training step")
    ax2.set(title=r"effective $\beta$-smoothness", xlabel="training step")
    for ax in (ax0, ax1, ax2):
        ax.legend(fontsize=8, frameon=False)
        ax.grid(alpha=0.3, which="both")
    return np.array([ax0, ax1, ax2])


def gradient_flow(at_init, over_training=None, axes=None):
    """Left: ||dW|| per layer at initialization, `at_init` mapping label -> (L,) norms; a
    label containing "BN" is drawn in blue, others in orange, with one line style per label
    pair. Right (optional): first-layer / last-layer gradient ratio over training,
    `over_training` mapping label -> (steps, ratios)."""
    ncols = 1 if over_training is None else 2
    axs = _axes(axes, ncols, width=4.6)
    styles = {}  # one line style and one marker per label pair, so the legend tells them apart
    for label, norms in at_init.items():
        color = BLUE if "BN" in label.replace("no BN", "") else ORANGE
        key = label.split(",")[-1]
        k = styles.setdefault(key, len(styles))
        layers = np.arange(1, len(norms) + 1)
        axs[0].semilogy(
            layers,
            norms,
            marker="os^D"[k % 4],
            color=color,
            ls=("-", "--", ":", "-.")[k % 4],
            label=label,
        )
    axs[0].set(
        title="gradient norm per layer, at initialization",
        xlabel="layer (1 = first, next to the input)",
        xticks=np.arange(1, len(next(iter(at_init.values()))) + 1),
    )
    axs[0].legend(fontsize=7, frameon=False, handlelength=3.5)
    axs[0].grid(alpha=0.3, which="both")
    if over_training is not None:
        for k, (label, (steps, ratios)) in enumerate(over_training.items()):
            axs[1].semilogy(steps, ratios, "o-", color=COLORS[k % len(COLORS)], ms=3, label=label)
        axs[1].axhline(1.0, color="k", lw=0.8)
        axs[1].set(title="first-layer / last-layer gradient norm", xlabel="training step")
        axs[1].legend(fontsize=8, frameon=False)
        axs[1].grid(alpha=0.3, which="both")
    return axs
