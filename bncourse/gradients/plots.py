"""Plots for notebook 03 (gradients, scale invariance, loss landscape, gradient flow)."""

import numpy as np
from matplotlib.colors import to_rgba

from bncourse.style import SMALL, _axes, describe, ends, fmt, setting_style


def scale_invariance(scales, results, axes=None):
    """Loss and ||dW|| against the factor a that multiplies W; `results` maps a label to
    (losses, grad_norms) from `gradflow.weight_scale_sweep`. A dashed 1/a line for reference."""
    ax0, ax1 = _axes(axes, 2)
    parts = []
    for k, (label, (losses, norms)) in enumerate(results.items()):
        look = setting_style(label, k)
        ax0.semilogx(scales, losses, label=label, **look)
        ax1.loglog(scales, norms, label=label, **look)
        parts.append(f"{label}: loss {ends(scales, losses)}, gradient norm {ends(scales, norms)}")
    middle = len(scales) // 2
    anchor = list(results.values())[-1][1][middle] * scales[middle]
    ax1.loglog(scales, anchor / np.asarray(scales), "k:", lw=1, label=r"$\propto 1/a$")
    # The loss axis spans at least 0.5, so a change in the third decimal does not look large.
    low = min(np.min(losses) for losses, _ in results.values())
    high = max(np.max(losses) for losses, _ in results.values())
    half = max(0.25, 0.55 * (high - low))
    ax0.set_ylim((low + high) / 2 - half, (low + high) / 2 + half)
    ax0.set(title="loss on one minibatch", xlabel="a (W multiplied by a)")
    ax1.set(title=r"$\|\partial L/\partial W\|$ of the scaled layer", xlabel="a")
    for ax in (ax0, ax1):
        ax.legend(fontsize=SMALL, frameon=False)
        ax.grid(alpha=0.3, which="both")
    text = (
        "Left: loss on one minibatch against the factor a multiplying one layer's weights (log "
        "scale); right: that layer's gradient norm against a (log-log), with a dotted 1/a line. "
        + "; ".join(parts)
        + ". A flat loss and a gradient on the 1/a line mean the layer is scale invariant."
    )
    return describe(np.array([ax0, ax1]), text)


def landscape(summaries, axes=None):
    """Three views of `summarize_landscape` results (label -> LandscapeSummary) over training:
    the range of the loss along the gradient, the largest gradient change, and the effective
    beta-smoothness."""
    ax0, ax1, ax2 = _axes(axes, 3, width=3.6)
    parts = []
    for k, (label, s) in enumerate(summaries.items()):
        look = setting_style(label, k)
        # A light fill with a full-colour edge: the band's limits are the data (3:1 or more).
        ax0.fill_between(s.steps, s.loss_low, s.loss_high, facecolor=to_rgba(look["color"], 0.35),
                         edgecolor=look["color"], lw=1, hatch=("", "//", "\\\\", "..")[k % 4],
                         label=label)  # fmt: skip
        ax1.semilogy(s.steps, s.grad_change, ms=3, label=label, **look)
        ax2.semilogy(s.steps, s.beta_smoothness, ms=3, label=label, **look)
        later = s.steps > 0
        parts.append(
            f"{label}: loss band width median {fmt(np.median((s.loss_high - s.loss_low)[later]))}, "
            f"gradient change median {fmt(np.median(s.grad_change[later]))}, "
            f"beta-smoothness median {fmt(np.median(s.beta_smoothness[later]))}"
        )
    ax0.set(yscale="log", title="loss along the gradient (band)", xlabel="training step")
    ax1.set(title="largest gradient change", xlabel="training step")
    ax2.set(title=r"effective $\beta$-smoothness", xlabel="training step")
    for ax in (ax0, ax1, ax2):
        ax.legend(fontsize=SMALL, frameon=False)
        ax.grid(alpha=0.3, which="both")
    text = (
        "Three panels against training step, one band or line per run: the range of the loss "
        "when stepping along the gradient, the largest change of the gradient, and the "
        "effective beta-smoothness (after step 0): " + "; ".join(parts) + ". Lower means a "
        "smoother, more predictable loss landscape."
    )
    return describe(np.array([ax0, ax1, ax2]), text)


def gradient_flow(at_init, over_training=None, axes=None):
    """Left: ||dW|| per layer at initialization, `at_init` mapping label -> (L,) norms; a
    label "BN, ..." is drawn in BN's colour with filled markers, "no BN, ..." in no BN's with
    open ones (`setting_style`), one line style per label pair. Right (optional): first-layer /
    last-layer gradient ratio over training,
    `over_training` mapping label -> (steps, ratios)."""
    ncols = 1 if over_training is None else 2
    axs = _axes(axes, ncols, width=4.6)
    styles = {}  # one line style and one marker per label pair, so the legend tells them apart
    parts = []
    for label, norms in at_init.items():
        bn = "BN" in label.replace("no BN", "")  # filled markers with BN, open ones without
        color = setting_style(label)["color"]
        key = label.split(",")[-1]
        k = styles.setdefault(key, len(styles))
        layers = np.arange(1, len(norms) + 1)
        axs[0].semilogy(
            layers,
            norms,
            marker="os^D"[k % 4],
            color=color,
            ls=("-", "--", ":", "-.")[k % 4],
            mfc=color if bn else "none",
            label=label,
        )
        parts.append(f"{label}: {', '.join(fmt(v, 2) for v in norms)}")
    axs[0].set(
        title="gradient norm per layer, at initialization",
        xlabel="layer (1 = first, next to the input)",
        xticks=np.arange(1, len(next(iter(at_init.values()))) + 1),
    )
    axs[0].legend(fontsize=SMALL, frameon=False, handlelength=3.5)
    axs[0].grid(alpha=0.3, which="both")
    text = "Gradient norm of each layer's weights at initialization, layer 1 first: " + (
        "; ".join(parts) + "."
    )
    if over_training is not None:
        ratio_parts = []
        for k, (label, (steps, ratios)) in enumerate(over_training.items()):
            axs[1].semilogy(steps, ratios, ms=3, label=label, **setting_style(label, k))
            ratio_parts.append(f"{label}: {ends(steps, ratios)}")
        axs[1].axhline(1.0, color="k", lw=0.8)
        axs[1].set(title="first-layer / last-layer gradient norm", xlabel="training step")
        axs[1].legend(fontsize=SMALL, frameon=False)
        axs[1].grid(alpha=0.3, which="both")
        text += (
            " Right: first-layer over last-layer gradient norm against training step: "
            + "; ".join(ratio_parts)
            + " (1 means both layers get equal gradients)."
        )
    return describe(axs, text)
