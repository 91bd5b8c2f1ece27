"""Plots for notebook 07 (batch norm in recurrent networks)."""

import numpy as np

from bncourse.style import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    SMALL,
    _axes,
    _reset,
    describe,
    ends,
    fmt,
    setting_style,
)


def timestep_statistics(mean, var, axes=None, title="h_{t-1} W_h", units=5, kind="batch"):
    """Batch statistics of a recurrent pre-activation at each timestep: mean (T, H) and
    var (T, H), one value per timestep and unit. Left: the means of the first `units` units, one
    line each (each its own marker); right: the median variance over units, its band the 10th to
    90th percentile. `kind` names the statistics in the titles ("batch", or "running" for a
    trained layer's running averages)."""
    ax0, ax1 = _axes(axes, 2)
    t = np.arange(mean.shape[0])
    palette, markers = (BLUE, ORANGE, GREEN, GREY, "k"), "osD^v<>p*h"
    for k in range(min(units, mean.shape[1])):
        ax0.plot(t, mean[:, k], color=palette[k % 5], marker=markers[k % 10], ms=4, lw=1,
                 label=f"unit {k}")  # fmt: skip
    lo, mid, hi = np.percentile(var, [10, 50, 90], axis=1)
    ax1.fill_between(t, lo, hi, color=BLUE, alpha=0.25, lw=0, label="units, 10-90th pct")
    ax1.plot(t, mid, color=BLUE, marker=".", label="median over units")
    for ax, name in ((ax0, "mean"), (ax1, "variance")):
        ax.set(xlabel="timestep t", title=f"{kind} {name} of ${title}$ per timestep")
        ax.grid(alpha=0.3)
    # Below the axes: the units' paths cross the whole panel, so no spot inside is free.
    ax0.legend(
        fontsize=SMALL, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=5
    )
    ax1.legend(fontsize=SMALL, frameon=False, loc="upper left")
    shown = min(units, mean.shape[1])
    paths = "; ".join(f"unit {k} {ends(t, mean[:, k])}" for k in range(shown))
    text = (
        f"Left: the {kind} mean of {title} at each timestep t for the first {shown} units, one "
        f"line and marker each: {paths}. Right: the {kind} variance at each timestep, the "
        f"median over units as a line with a 10-90th percentile band: median {ends(t, mid)}, "
        f"band at the last step {fmt(lo[-1])} to {fmt(hi[-1])}. Statistics that change with t "
        "are what per-timestep batch norm keeps apart and pooled statistics mix."
    )
    return describe(np.array([ax0, ax1]), text)


def _describe_gradient_view(view, axes):
    c, p = view.current, view.plain
    r8 = c.ratio(8)
    seeds = ", ".join(fmt(g) for g in c.step_gains)
    text = (
        f"Left: gradient norm ||dL/dh_t|| against timestep t on a log scale at initialization, "
        f"loss on the last step (T = {c.norms.shape[1]}), for the BN-RNN with gamma_init "
        f"{c.gamma_init} (band: seeds), every other gamma_init faint, the plain RNN dashed. From "
        f"t = 63 back to 8 the gradient is multiplied by {fmt(c.step_gain)} per step (seeds "
        f"{seeds}; plain RNN {fmt(p.step_gain)}), so at t = 8 it is {fmt(r8.mean(), 2)} times the "
        "one at the last step; before t = 8 the blank first pixels inflate it (an artefact of "
        "their tiny batch variance). Right: against gamma_init, the measured gain per step with "
        f"its seeds' range, and its factors: RMS tanh slope {fmt(c.rms_slope, 2)} times "
        f"gamma/sigma of the recurrent term {fmt(c.recurrent_gain, 2)} = "
        f"{fmt(c.rms_slope * c.recurrent_gain)} here, which tracks the measured gain; the mean "
        f"slope {fmt(c.tanh_slope, 2)} (dotted) does not. A gain near 1 carries the gradient "
        "back; above 1 it grows."
    )
    return describe(axes, text)


def gradient_through_time(view, axes=None):
    """A `views.GradientView`: ||dL/dh_t|| against t (log scale; every gamma_init faint, the
    chosen one with its seeds' min-max band, the plain RNN dashed), and against gamma_init the
    measured per-step gain (seeds' min-max bars) with its factors: the root-mean-square tanh slope
    times gamma_h / sigma tracks it; the mean slope (the paper's factor) is dotted."""
    ax0, ax1 = _axes(axes, 2)
    c, t = view.current, np.arange(view.current.norms.shape[1])
    title = (
        rf"$\|\partial L / \partial h_t\|$ at initialization, $\gamma_{{init}}$ = {c.gamma_init}"
    )
    marker = getattr(ax1, "_gamma_marker", None)
    if marker is not None and marker.axes is ax1:  # a redraw: move what depends on gamma only
        ax0._gamma_line.set_ydata(c.norms.mean(0))
        ax0._gamma_band.remove()
        ax0._gamma_band = ax0.fill_between(t, c.norms.min(0), c.norms.max(0), color=BLUE,
                                           alpha=0.25, lw=0)  # fmt: skip
        ax0.set_title(title)
        marker.set_xdata([c.gamma_init, c.gamma_init])
        return _describe_gradient_view(view, np.array([ax0, ax1]))
    _reset(ax0)
    # Every gamma's curve as one line broken by NaNs: one artist draws faster than ten.
    # Faint, but 3:1 on white (grey at alpha 0.75): these lines are data too.
    grey = np.array([np.append(f.norms.mean(0), np.nan) for f in view.table.values()]).ravel()
    ax0.semilogy(np.tile(np.append(t, np.nan), len(view.table)), grey, color=GREY, lw=0.6,
                 alpha=0.75, label=r"other $\gamma_{init}$")  # fmt: skip
    ax0._gamma_band = ax0.fill_between(t, c.norms.min(0), c.norms.max(0), color=BLUE,
                                       alpha=0.25, lw=0)  # fmt: skip
    (ax0._gamma_line,) = ax0.semilogy(t, c.norms.mean(0), color=BLUE, lw=2,
                                      label="BN-RNN (band: seeds' min-max)")  # fmt: skip
    ax0.semilogy(t, view.plain.norms.mean(0), color=ORANGE, ls="--", label="plain RNN")
    ax0.set(ylim=(1e-7, 1e4), xlabel="timestep t (loss on the last step, T = 64)", title=title)
    ax0.legend(fontsize=SMALL, frameon=False, loc="lower right")
    _reset(ax1)
    gammas, flows = np.array(list(view.table)), list(view.table.values())
    slope = np.array([f.tanh_slope for f in flows])
    rms = np.array([f.rms_slope for f in flows])
    gain = np.array([f.recurrent_gain for f in flows])
    step = np.array([f.step_gain for f in flows])
    seeds = np.array([[f.step_gain - f.step_gains.min(), f.step_gains.max() - f.step_gain]
                      for f in flows]).T  # fmt: skip
    ax1.plot(gammas, slope, color=ORANGE, ls=":", lw=1, label="mean tanh slope (paper's factor)")
    ax1.plot(gammas, rms, color=ORANGE, marker="o", label=r"RMS tanh slope $\sqrt{E[(1-h^2)^2]}$")
    ax1.plot(gammas, gain, color=GREEN, marker="s", label=r"$\gamma_h/\sigma(h_{t-1}W_h)$")
    ax1.plot(
        gammas,
        rms * gain,
        color="k",
        ls="--",
        marker="x",
        label=r"RMS slope $\times\ \gamma_h/\sigma$",
    )
    ax1.errorbar(gammas, step, yerr=seeds, color="k", marker=".", capsize=2,
                 label="measured gain per step (t = 63..8; bars: seeds)")  # fmt: skip
    ax1._gamma_marker = ax1.axvline(c.gamma_init, color=BLUE, lw=1.5)
    ax1.axhline(1.0, color=GREY, lw=0.8, ls=":")
    # An empty band below 0 (no gain or slope is negative) holds the legend, off the data.
    ax1.set(xlabel=r"$\gamma_{init}$", ylim=(-0.95, 1.8), title="per-step gain and its factors")
    ax1.set_yticks(np.arange(0, 1.81, 0.2))
    ax1.legend(fontsize=SMALL, frameon=False, loc="lower left")
    return _describe_gradient_view(view, np.array([ax0, ax1]))


def seed_accuracy_curves(runs, ax=None, title="test accuracy"):
    """Test accuracy against step for several settings, each run with several seeds:
    `runs` maps label -> list of Histories; the line is the mean (each setting its own colour,
    line style and marker), the band the min-max."""
    (ax,) = _axes(ax, 1, width=5.0)
    parts = []
    for k, (label, histories) in enumerate(runs.items()):
        acc = np.array([h.test_accuracy for h in histories])
        steps = histories[0].eval_steps
        look = setting_style(label, k)
        color = look["color"]
        ax.fill_between(steps, acc.min(0), acc.max(0), color=color, alpha=0.2, lw=0)
        ax.plot(steps, acc.mean(0), ms=4, label=f"{label} ({len(acc)} seeds)", **look)
        parts.append(
            f"{label}: mean {ends(steps, acc.mean(0))}, final seeds {fmt(acc[:, -1].min())} to "
            f"{fmt(acc[:, -1].max())}"
        )
    ax.set(title=title, xlabel="training step", ylabel="fraction correct", ylim=(0, 1.02))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=SMALL, frameon=False, loc="lower right")
    text = (
        f"{title.capitalize()} against training step, the mean over seeds as a line and the "
        "min-max over seeds as a band. " + "; ".join(parts) + "."
    )
    return describe(ax, text)


def length_generalization(lengths, results, best=None, ax=None, trained_on=None):
    """Accuracy against test sequence length: `results` maps label -> (seeds, len(lengths))
    accuracies (line: mean, error bar: min-max); `best` the best possible accuracy per length."""
    (ax,) = _axes(ax, 1, width=5.0)
    parts = []
    for k, (label, acc) in enumerate(results.items()):
        acc = np.asarray(acc)
        mean = acc.mean(0)
        err = np.array([mean - acc.min(0), acc.max(0) - mean])
        ax.errorbar(lengths, mean, yerr=err, capsize=3, label=label, **setting_style(label, k))
        values = ", ".join(f"T = {n}: {fmt(v)}" for n, v in zip(lengths, mean, strict=True))
        parts.append(f"{label}: {values}")
    if best is not None:
        ax.plot(lengths, best, color="k", ls=":", label="best possible (sum of the inputs)")
        values = ", ".join(f"T = {n}: {fmt(v)}" for n, v in zip(lengths, best, strict=True))
        parts.append(f"best possible: {values}")
    if trained_on is not None:
        ax.axvline(trained_on, color=GREY, lw=1, ls="--")
    ax.set(xscale="log", xlabel="test sequence length T", ylabel="test accuracy", ylim=(0, 1.02))
    ax.set_xticks(lengths, [str(n) for n in lengths])
    ax.minorticks_off()
    ax.grid(alpha=0.3)
    ax.legend(fontsize=SMALL, frameon=False, loc="lower right")
    trained = f", trained on T = {trained_on} (dashed line)" if trained_on is not None else ""
    text = (
        f"Mean test accuracy over seeds (bars: min-max) against test sequence length{trained}. "
        + "; ".join(parts)
        + "."
    )
    return describe(ax, text)
