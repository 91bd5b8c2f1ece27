"""Plots for notebook 06 (batch norm in recurrent networks)."""

import numpy as np

from ._common import BLUE, GREEN, GREY, ORANGE, _axes, _reset

COLORS = {"plain RNN": GREY, "BN-RNN, gamma 0.1": BLUE, "BN-RNN, gamma 1": GREEN}


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
    ax0.legend(fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=5)
    ax1.legend(fontsize=7, frameon=False, loc="upper left")
    return np.array([ax0, ax1])


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
        return np.array([ax0, ax1])
    _reset(ax0)
    # Every gamma's curve as one line broken by NaNs: one artist draws faster than ten.
    grey = np.array([np.append(f.norms.mean(0), np.nan) for f in view.table.values()]).ravel()
    ax0.semilogy(np.tile(np.append(t, np.nan), len(view.table)), grey, color=GREY, lw=0.6,
                 alpha=0.5, label=r"other $\gamma_{init}$")  # fmt: skip
    ax0._gamma_band = ax0.fill_between(t, c.norms.min(0), c.norms.max(0), color=BLUE,
                                       alpha=0.25, lw=0)  # fmt: skip
    (ax0._gamma_line,) = ax0.semilogy(t, c.norms.mean(0), color=BLUE, lw=2,
                                      label="BN-RNN (band: seeds' min-max)")  # fmt: skip
    ax0.semilogy(t, view.plain.norms.mean(0), color=ORANGE, ls="--", label="plain RNN")
    ax0.set(ylim=(1e-7, 1e4), xlabel="timestep t (loss on the last step, T = 64)", title=title)
    ax0.legend(fontsize=7, frameon=False, loc="lower right")
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
    ax1.set(xlabel=r"$\gamma_{init}$", ylim=(0, 1.8), title="per-step gain and its factors")
    ax1.legend(fontsize=7, frameon=False, loc="lower left")
    return np.array([ax0, ax1])


def seed_accuracy_curves(runs, ax=None, title="test accuracy"):
    """Test accuracy against step for several settings, each run with several seeds:
    `runs` maps label -> list of Histories; the line is the mean (each setting its own colour,
    line style and marker), the band the min-max."""
    (ax,) = _axes(ax, 1, width=5.0)
    palette, styles, markers = (GREY, BLUE, GREEN, ORANGE, "k"), ("-", "--", "-.", ":"), ".osD^"
    for k, (label, histories) in enumerate(runs.items()):
        acc = np.array([h.test_accuracy for h in histories])
        steps = histories[0].eval_steps
        color = COLORS.get(label, palette[k % len(palette)])
        ax.fill_between(steps, acc.min(0), acc.max(0), color=color, alpha=0.2, lw=0)
        ax.plot(steps, acc.mean(0), color=color, ls=styles[k % 4], marker=markers[k % 5], ms=4,
                label=f"{label} ({len(acc)} seeds)")  # fmt: skip
    ax.set(title=title, xlabel="training step", ylabel="fraction correct", ylim=(0, 1.02))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return ax


def length_generalization(lengths, results, best=None, ax=None, trained_on=None):
    """Accuracy against test sequence length: `results` maps label -> (seeds, len(lengths))
    accuracies (line: mean, error bar: min-max); `best` the best possible accuracy per length."""
    (ax,) = _axes(ax, 1, width=5.0)
    palette = (BLUE, GREEN, ORANGE, GREY)
    for k, (label, acc) in enumerate(results.items()):
        acc = np.asarray(acc)
        mean = acc.mean(0)
        err = np.array([mean - acc.min(0), acc.max(0) - mean])
        ax.errorbar(lengths, mean, yerr=err, color=palette[k % 4], marker="o", capsize=3,
                    label=label)  # fmt: skip
    if best is not None:
        ax.plot(lengths, best, color="k", ls=":", label="best possible (sum of the inputs)")
    if trained_on is not None:
        ax.axvline(trained_on, color=GREY, lw=1, ls="--")
    ax.set(xscale="log", xlabel="test sequence length T", ylabel="test accuracy", ylim=(0, 1.02))
    ax.set_xticks(lengths, [str(n) for n in lengths])
    ax.minorticks_off()
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    return ax
