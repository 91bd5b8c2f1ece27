"""Plots for notebook 08 (small batches and the alternatives to batch norm)."""

import numpy as np
from matplotlib.ticker import NullLocator

from bncourse.style import (
    GREY,
    NORM_LABELS,
    SMALL,
    _axes,
    _reset,
    describe,
    fmt,
    setting_style,
)


def error_vs_batch_size(sweep, ax=None):
    """Wu & He's Figure 1, small: test error (%) against batch size from a `BatchSizeSweep`,
    the mean over seeds as a line and the min-max range over seeds as a band; batch norm's
    test error in train mode (batch statistics of test batches) dashed, cut at the top."""
    (ax,) = _axes(ax, 1, width=5.6, height=3.6)
    b = sweep.batch_sizes
    parts, top = _error_bands(ax, sweep)
    if "batch" in sweep.norms:
        train_mode = 100 * sweep.train_mode_error[sweep.norms.index("batch")].mean(axis=1)
        off = train_mode > top
        note = f"({train_mode.max():.0f}% at batch {b[np.argmax(train_mode)]}, off the scale)"
        values = ", ".join(f"{v}: {fmt(e)}%" for v, e in zip(b, train_mode, strict=True))
        parts.append(f"batch norm scored in train mode (dotted): {values}")
        ax.plot(
            b,
            np.minimum(train_mode, top),
            ls=":",
            color=setting_style("BN")["color"],
            label="batch norm, scored in train mode" + ("\n" + note if off.any() else ""),
        )
    ax.set(
        title=f"{sweep.epochs} epochs each, lr = batch size / {1 / sweep.lr_per_example:.4g}, "
        f"{len(sweep.seeds)} seeds (band: min-max)",
    )
    # Upper left, clear of the data: the lines sit low there and the train-mode line rises on
    # the right (its long label on two lines, so the legend stays on the left).
    ax.legend(fontsize=SMALL, frameon=False, loc="upper left")
    text = (
        f"Test error (%) against batch size per step, the batch shrinking to the right, "
        f"{sweep.epochs} epochs, the mean over {len(sweep.seeds)} seeds (band: min-max). "
        + "; ".join(parts)
        + "."
    )
    return describe(ax, text)


def _error_bands(ax, sweep):
    """Each norm's mean test error (%) over seeds against batch size as a line, its min-max
    range as a band, on a log axis whose batch shrinks to the right (as in Wu & He).
    Returns: (one description per norm, the top of the y axis)."""
    mean, low, high = (100 * a for a in sweep.summary())
    b = sweep.batch_sizes
    parts = []
    for m, norm in enumerate(sweep.norms):
        look = setting_style(NORM_LABELS.get(norm, norm), m)
        color = look["color"]
        ax.plot(b, mean[m], **look, label=NORM_LABELS.get(norm, norm))
        ax.fill_between(b, low[m], high[m], color=color, alpha=0.2, lw=0)
        values = ", ".join(f"{v}: {fmt(e)}%" for v, e in zip(b, mean[m], strict=True))
        parts.append(f"{NORM_LABELS.get(norm, norm)}: {values}")
    top = 1.3 * np.nanmax(high)
    ax.set_xscale("log", base=2)
    ax.set_xticks(b, [str(v) for v in b])
    ax.set(xlabel="batch size (per step)", ylabel="test error (%)", ylim=(0, top))
    ax.invert_xaxis()  # as in Wu & He: the batch shrinks to the right
    ax.grid(alpha=0.3)
    return parts, top


def cnn_error_vs_batch_size(sweep, ax=None):
    """The small CNN's test error (%) against batch size from a `CNNBatchSizeSweep`: the mean
    over seeds as a line, the min-max range over seeds as a band."""
    (ax,) = _axes(ax, 1, width=5.6, height=3.6)
    parts, _ = _error_bands(ax, sweep)
    ax.set_title(
        f"{sweep.examples} examples each, lr = batch size / "
        f"{1 / sweep.lr_per_example:.4g}, {len(sweep.seeds)} seeds (band: min-max)"
    )
    ax.legend(fontsize=SMALL, frameon=False, loc="upper left")
    text = (
        f"The small CNN's test error (%) against batch size per step, the batch shrinking to the "
        f"right, {sweep.examples} training examples per run, the mean over {len(sweep.seeds)} "
        f"seeds (band: min-max). " + "; ".join(parts) + "."
    )
    return describe(ax, text)


def small_batch_outputs(view, axes=None):
    """Two views from `views.small_batch_view`: the example's output per method across
    batches (5-95% range, 25-75% box, median), and against eps the share var / (var + eps) of
    the variance each method divides by (batch norm: the batch's, averaged over batches)."""
    ax0, ax1 = _axes(axes, 2)
    names = ("batch norm", "batch renorm", "layer norm", "group norm")
    colors = [setting_style(name)["color"] for name in names]
    rows = np.arange(len(names))[::-1]
    spreads = [np.percentile(out, [5, 25, 50, 75, 95]) for out in view.outputs]
    k = int(np.searchsorted(view.eps_grid, view.eps))
    _draw_small_batch_axes(ax0, ax1, view, rows, spreads, colors, names, k)
    ax0.set_title(f"feature 0 of one example, batch size {view.batch_size}")
    parts = [
        f"{name} median {fmt(np.median(out), 2)}, 5-95% range {fmt(np.percentile(out, 5), 2)} "
        f"to {fmt(np.percentile(out, 95), 2)}, keeps {fmt(100 * view.curves[j, k], 3)}% of "
        "its variance"
        for j, (name, out) in enumerate(zip(names, view.outputs, strict=True))
    ]
    text = (
        f"Batch size {view.batch_size}, eps {view.eps:.1e}. Left: one example's feature 0 after "
        f"each method, across {view.outputs.shape[1]} batches (line 5-95%, box 25-75%, dot "
        f"median; dashed line: the value with population statistics, {fmt(view.ideal, 3)}). "
        "Right: against eps, the share var / (var + eps) of the variance each method divides "
        "by, with this eps marked. " + "; ".join(parts) + "."
    )
    return describe(np.array([ax0, ax1]), text)


def _draw_small_batch_axes(ax0, ax1, view, rows, spreads, colors, names, k):
    """`small_batch_outputs`' artists, ticks and legends, on axes cleared of what it drew."""
    _reset(ax0)
    _reset(ax1)
    for row, (p5, p25, p50, p75, p95), color in zip(rows, spreads, colors, strict=True):
        ax0.hlines(row, p5, p95, color=color, lw=1.5)
        ax0.hlines(row, p25, p75, color=color, lw=7, alpha=0.6)
        ax0.plot([p50], [row], "o", color="k", ms=4)
    ax0.axvline(view.ideal, color=GREY, ls="--", lw=1, label="population statistics")
    ax0.axvline(0, color=GREY, lw=0.6)
    ax0.set(
        yticks=rows,
        yticklabels=names,
        xlim=(-3.2, 3.2),
        ylim=(-0.6, len(names) - 0.4),
        xlabel="normalized output (5-95% of batches; box 25-75%)",
    )
    ax0.legend(loc="lower right", fontsize=SMALL, frameon=False)
    for curve, color, name, ls in zip(
        view.curves, colors, names, [setting_style(n)["ls"] for n in names], strict=True
    ):
        ax1.semilogx(view.eps_grid, curve, color=color, ls=ls, label=name)
    ax1.plot(np.full(4, view.eps), view.curves[:, k], "o", color="k", ms=4)
    ax1.set(
        title="share of the variance kept, var / (var + eps)",
        xlabel="eps",
        xlim=(view.eps_grid[0], view.eps_grid[-1]),
        ylim=(-0.03, 1.05),
    )
    ax1.set_xticks(10.0 ** np.arange(-8, 1, 2))
    ax1.xaxis.set_minor_locator(NullLocator())  # log-axis minor ticks cost a third of a redraw
    ax1.legend(loc="lower left", fontsize=SMALL, frameon=False)
