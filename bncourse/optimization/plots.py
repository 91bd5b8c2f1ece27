"""Plots for notebook 10 (batch norm and the optimizer). Seeds: mean line, min-max band."""

import matplotlib.colors as mcolors
import numpy as np
from matplotlib.ticker import NullFormatter

from bncourse.optimization.scale_invariance import effective_lr, equilibrium_angular_update
from bncourse.optimization.views import WINDOW, moving_average
from bncourse.runs import spread
from bncourse.style import (
    BLUE,
    GREY,
    ORANGE,
    PALETTE,
    SMALL,
    _axes,
    _reset,
    describe,
    fmt,
    setting_style,
    style,
)

# Seven distinct line styles to go with the palette's seven colours and markers (`style(k)`):
# up to seven layers or settings are told apart by line style and marker as well as colour.
LINESTYLES = ("-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)))
COLORS = PALETTE
MARKERS = tuple(style(k)["marker"] for k in range(len(PALETTE)))


def _spread(values):
    """ "mean [min-max]" of the seeds' values, for a description (3 significant digits)."""
    return spread(values, fmt)


def _look(label, k):
    """The k-th series' look, or its setting's when `label` names one ("batch norm", "layer
    norm", "no norm (He init)": `setting_style`)."""
    look = setting_style(label, k)
    if look == style(k):
        look = {"color": COLORS[k % 7], "ls": LINESTYLES[k % 7], "marker": MARKERS[k % 7]}
    return look


def _band(ax, x, runs, k, label, every=None):
    """Mean over seeds (axis 0) as a styled line with markers, min-max as a band."""
    runs = np.asarray(runs)
    mean = runs.mean(axis=0)
    look = _look(label, k)
    ax.plot(x, mean, markevery=every or max(len(x) // 8, 1), ms=4, label=label, **look)
    ax.fill_between(x, runs.min(axis=0), runs.max(axis=0), color=look["color"], alpha=0.2, lw=0)


def effective_lr_curves(study, axes=None):
    """Without weight decay: ||W|| of one BN-preceded layer, and lr / ||W||^2, over training,
    for each learning rate of a `WeightDecayStudy` (its decay-0 runs)."""
    ax0, ax1 = _axes(axes, 2)
    steps = np.arange(study.steps)
    for a, lr in enumerate(study.lrs):
        norms = study.norms(lr, 0.0)[:, :, 1]
        _band(ax0, steps, norms, a, f"lr = {lr:g}")
        _band(ax1, steps, effective_lr(lr, norms), a, f"lr = {lr:g}")
    ax0.set(title=r"$\|W\|$ (plain SGD, no decay)", xlabel="training step")
    ax1.set(title=r"effective learning rate lr / $\|W\|^2$", xlabel="training step", yscale="log")
    for ax in (ax0, ax1):
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=SMALL, frameon=False)
    parts = []
    for lr in study.lrs:
        norms = study.norms(lr, 0.0)[:, :, 1]
        start, end = effective_lr(lr, norms[:, 0]), effective_lr(lr, norms[:, -1])
        parts.append(
            f"lr {lr:g}: ||W|| {_spread(norms[:, 0])} at step 0, {_spread(norms[:, -1])} at step "
            f"{study.steps - 1}; lr / ||W||² from {_spread(start)} to {_spread(end)}, "
            f"{fmt(np.mean(start / end))} times smaller"
        )
    text = (
        "Two panels against training step, plain SGD without weight decay, one line per "
        f"learning rate (mean of {norms.shape[0]} seeds, band min-max). Left: ||W|| of the "
        "second BN-preceded layer; right: the effective learning rate lr / ||W||² (log scale). "
        + "; ".join(parts)
        + "."
    )
    plain = np.array([study.norms(lr, 0.0)[:, :, 1] for lr in study.lrs])
    if np.diff(plain, axis=-1).min() >= -1e-6 * plain.max():  # never shrinks (to rounding)
        text += " ||W|| never shrinks in any run, so the effective learning rate only falls."
    return describe(np.array([ax0, ax1]), text)


def equilibrium(study, axes=None):
    """Weight decay's equilibrium, for every decayed run of a `WeightDecayStudy` (colour and
    marker: lr; line style: lambda): the angle W turns per step against sqrt(2 lr lambda)
    (thin dashed lines), and their ratio against steps x lr x lambda. Angles are moving
    averages over WINDOW steps (one step's angle is noisy); bands are the seeds' min-max."""
    ax0, ax1 = _axes(axes, 2, width=4.8, height=3.6)
    steps = np.arange(WINDOW, study.steps)
    decayed = [decay for decay in study.decays if decay > 0]
    for a, lr in enumerate(study.lrs):
        for j, decay in enumerate(decayed):
            angles = moving_average(study.angles(lr, decay)[:, 1:, 1])
            predicted = equilibrium_angular_update(lr, decay)
            label = f"lr {lr:g}, λ {decay:g}"
            for ax, x, y in ((ax0, steps, angles), (ax1, steps * lr * decay, angles / predicted)):
                ax.plot(
                    x,
                    y.mean(axis=0),
                    color=COLORS[a],
                    ls=("-", "--", ":")[j % 3],
                    marker=MARKERS[a],
                    markevery=max(len(x) // 6, 1),
                    ms=4,
                    label=label,
                )
                ax.fill_between(x, y.min(axis=0), y.max(axis=0), color=COLORS[a], alpha=0.2, lw=0)
            ax0.axhline(predicted, color=COLORS[a], ls=("-", "--", ":")[j % 3], lw=0.7)
    ax0.set(
        title=f"angle W turns per step ({WINDOW}-step mean)",
        xlabel="training step",
        ylabel="radians (thin lines: predicted)",
        yscale="log",
    )
    ax1.axhline(1.0, color="k", ls="--", lw=1)
    ax1.axvline(1.0, color=GREY, ls=":", lw=1)
    ax1.set(
        title="measured / predicted sqrt(2 lr λ)",
        xscale="log",
        xlabel="step × lr × λ (1 = the time scale 1/(lr λ))",
        ylim=(0, 1.3),
    )
    # Below the axes: the curves fill the panel, so no spot inside is free of data.
    ax1.legend(
        fontsize=SMALL, frameon=False, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.22)
    )
    for ax in (ax0, ax1):
        ax.grid(alpha=0.3, which="both")
    return describe(np.array([ax0, ax1]), _equilibrium_text(study, decayed))


def _equilibrium_text(study, decayed):
    """The description of `equilibrium`: each decayed run's mean angle over the last quarter
    of training against sqrt(2 lr lambda), next to its length in units of 1/(lr lambda)."""
    quarter = max((study.steps - 1) // 4, 1)
    rows, clocks, means = [], [], []
    for lr in study.lrs:
        for decay in decayed:
            late = study.angle(lr, decay, last=quarter)[:, 1]
            ratio = late / equilibrium_angular_update(lr, decay)
            clocks.append(study.steps * lr * decay)
            means.append(ratio.mean())
            rows.append(
                f"lr {lr:g}, λ {decay:g}, run {fmt(clocks[-1])} × 1/(lr λ): {_spread(ratio)}"
            )
    longest, shortest = int(np.argmax(clocks)), int(np.argmin(clocks))
    return (
        f"Two panels for the {len(rows)} runs with weight decay (colour and marker: lr; line "
        "style: λ; mean of the seeds, band min-max). Left: the angle W turns per step "
        f"({WINDOW}-step mean, log scale) against training step, with the predicted "
        "sqrt(2 lr λ) as thin lines. Right: measured / predicted against step × lr × λ, where "
        "1 is the time scale 1/(lr λ). Measured / predicted over the last quarter of training, "
        "mean [seeds' min-max]: " + "; ".join(rows) + f". The longest run, "
        f"{fmt(clocks[longest])} time scales, ends at {fmt(means[longest])} of the prediction; "
        f"the shortest, {fmt(clocks[shortest])}, at {fmt(means[shortest])}."
    )


def seed_points(labels, values, titles, axes=None):
    """One panel per measure: each setting's seeds as dots, their mean as a bar edge.
    `values` is a list (one per panel) of arrays (S, n_seed)."""
    axes = _axes(axes, len(values), width=3.6, height=3.0)
    y = np.arange(len(labels))
    for ax, data, title in zip(axes, values, titles, strict=True):
        data = np.asarray(data)
        for s in range(len(labels)):
            colour = _look(labels[s], s)["color"]
            ax.barh(  # a light fill, its edge (the mean) in the full colour: 3:1 or more
                y[s],
                data[s].mean(),
                color=mcolors.to_rgba(colour, 0.35),
                edgecolor=colour,
                lw=1.2,
                height=0.6,
                hatch=("", "//", "..", "xx", "\\\\", "++", "--")[s % 7],
            )
            ax.plot(data[s], np.full(data.shape[1], y[s]), MARKERS[s % 7], color="k", ms=4)
        ax.set(title=title)
        ax.set_yticks(y, labels if ax is axes[0] else [""] * len(labels))
        ax.invert_yaxis()
        ax.grid(alpha=0.3, axis="x")
    return describe(axes, _seed_points_text(labels, values, titles))


def _seed_points_text(labels, values, titles):
    """The description of `seed_points`: each panel's mean and seed range per setting."""
    panels = []
    for data, title in zip(values, titles, strict=True):
        data = np.asarray(data, dtype=float)
        rows = "; ".join(
            f"{label}: {_spread(row)}" for label, row in zip(labels, data, strict=True)
        )
        means = data.mean(axis=1)
        panels.append(
            f"Panel {title}. {rows}. Highest mean: {labels[int(np.argmax(means))]}; lowest "
            f"mean: {labels[int(np.argmin(means))]}."
        )
    n_seed = np.asarray(values[0]).shape[1]
    return (
        f"{len(titles)} panel{'s' if len(titles) > 1 else ''} of horizontal bars, one bar per "
        f"setting at the mean of {n_seed} seeds, each seed a dot; given as mean [min-max]. "
        + " ".join(panels)
    )


def depth_gradients(study, axes=None):
    """The first layer's gradient norm at initialization against depth, one line per setting
    of a `DepthStudy` (log scale), and the per-layer growth rate with each seed as a dot."""
    ax0, ax1 = _axes(axes, 2, width=4.8, height=4.4)
    for s, label in enumerate(study.settings):
        _band(ax0, study.depths, study.first[s].T, s, label, every=1)
    ax0.set(
        xscale="log", yscale="log", xlabel="hidden layers", title="first layer's ||dL/dW|| at init"
    )
    ax0.set_xticks(study.depths, [str(d) for d in study.depths])
    ax0.xaxis.set_minor_formatter(NullFormatter())
    # Below the axes: the lines fan out over the whole panel, so no corner is free of data.
    ax0.legend(
        fontsize=SMALL, frameon=False, ncols=2, loc="upper center", bbox_to_anchor=(0.5, -0.2)
    )
    rate = study.rate()
    seed_points(study.settings, [rate], ["growth per extra layer (1 = flat)"], axes=[ax1])
    ax1.axvline(1.0, color="k", ls="--", lw=1)
    ax1.set_yticks(np.arange(len(study.settings)), study.settings, fontsize=SMALL)
    for ax in (ax0, ax1):
        ax.grid(alpha=0.3, which="both")
    d0, d1 = study.depths[0], study.depths[-1]
    rows = "; ".join(
        f"{label}: {fmt(study.first[s, 0].mean())} at depth {d0}, {fmt(study.first[s, -1].mean())}"
        f" at depth {d1}, x{_spread(rate[s])} per layer"
        for s, label in enumerate(study.settings)
    )
    means = rate.mean(axis=1)
    flat = int(np.argmin(np.abs(np.log(means))))
    text = (
        "Left: the first layer's gradient norm at initialization against the number of hidden "
        f"layers ({d0} to {d1}, log-log), one line per setting (mean of {rate.shape[1]} seeds, "
        "band min-max). Right: the growth factor per extra layer, seeds as dots, 1 (dashed) "
        f"meaning flat. {rows}. Steepest growth: {study.settings[int(np.argmax(means))]}; "
        f"closest to flat: {study.settings[flat]}; steepest decay: "
        f"{study.settings[int(np.argmin(means))]}."
    )
    return describe(np.array([ax0, ax1]), text)


def _layer_histograms(ax, values, bins, notes):
    """One density step histogram per layer on `ax`, each with its colour and line style, the
    legend reading "layer k: <note>"."""
    for k, (layer_values, note) in enumerate(zip(values, notes, strict=True)):
        counts, _ = np.histogram(layer_values, bins=bins, density=True)
        ax.step(bins[:-1], counts, where="post", color=COLORS[k % 7], ls=LINESTYLES[k % 7],
                label=f"layer {k + 1}: {note}")  # fmt: skip


def activation_histograms(study, axes=None):
    """Histograms of each hidden layer's tanh output at initialization, without and with BN
    (a `DiagnosticsStudy`), with the saturated share of each layer in the legend."""
    axes = _axes(axes, 2)
    bins = np.linspace(-1, 1, 41)
    top = max(
        np.histogram(a, bins=bins, density=True)[0].max() for s in study.init for a in s.activations
    )
    for ax, label, stats in zip(axes, study.labels, study.init, strict=True):
        notes = [f"{100 * sat:.0f}% saturated" for sat in stats.saturated]
        _layer_histograms(ax, stats.activations, bins, notes)
        ax.set(
            title=f"tanh outputs at init, {label}",
            xlabel="tanh output",
            ylabel="density",
            ylim=(0, 1.05 * top),
        )
        ax.legend(fontsize=SMALL, frameon=False, loc="upper center")
        ax.grid(alpha=0.3)
    rows = "; ".join(
        f"{label}, layers 1 to {len(stats.saturated)}: "
        + ", ".join(f"{fmt(100 * sat, 2)}%" for sat in stats.saturated)
        for label, stats in zip(study.labels, study.init, strict=True)
    )
    text = (
        "Histograms of each hidden layer's tanh output at initialization (-1 to 1), one line "
        f"per layer, one panel per network ({', '.join(study.labels)}). Mass piled at -1 and 1 "
        f"is saturation; the share of saturated units per layer: {rows}."
    )
    return describe(axes, text)


def gradient_histograms(study, axes=None):
    """Histograms of the gradient each hidden tanh layer's output receives at initialization,
    without and with BN (a `DiagnosticsStudy`), on one shared range; the legend gives each
    layer's standard deviation."""
    axes = _axes(axes, 2)
    edge = max(np.percentile(np.abs(g), 99.5) for s in study.init for g in s.gradients)
    bins = np.linspace(-edge, edge, 41)
    for ax, label, stats in zip(axes, study.labels, study.init, strict=True):
        clipped = [np.clip(grad, -edge, edge) for grad in stats.gradients]
        notes = [f"std {grad.std():.1e}" for grad in stats.gradients]
        _layer_histograms(ax, clipped, bins, notes)
        ax.set(
            title=f"gradients at init, {label}",
            xlabel="dL/d(tanh output)",
            ylabel="density",
            yscale="log",
        )
        ax.ticklabel_format(axis="x", style="sci", scilimits=(0, 0))
        # Room above the peak for the legend: inside the data, it would cover the tails.
        peak = max(np.histogram(g, bins=bins, density=True)[0].max() for g in clipped)
        ax.set_ylim(top=3000 * peak)
        ax.legend(fontsize=SMALL, frameon=False, loc="upper left")
        ax.grid(alpha=0.3)
    rows = []
    for label, stats in zip(study.labels, study.init, strict=True):
        stds = [g.std() for g in stats.gradients]
        rows.append(
            f"{label}, layers 1 to {len(stds)}: "
            + ", ".join(f"{s:.1e}" for s in stds)
            + f" (first / last layer {fmt(stds[0] / stds[-1])})"
        )
    text = (
        "Histograms (log density) of the gradient each hidden tanh layer's output receives at "
        f"initialization, one line per layer, one panel per network ({', '.join(study.labels)})"
        f", on a shared range of ±{edge:.1e} (values beyond it fall in the end bins). A "
        "narrower histogram is a smaller gradient; the standard deviation per layer: "
        + "; ".join(rows)
        + "."
    )
    return describe(axes, text)


def update_ratios(study, axes=None):
    """log10 of the update-to-data ratio ||lr dW|| / ||W|| of each layer over training, one
    panel without and one with BN (a `DiagnosticsStudy`); the grey band is 1e-3, the rule of
    thumb."""
    axes = _axes(axes, 2)
    low = np.log10(study.update_ratio).min() - 0.1
    high = np.log10(study.update_ratio).max() + 0.1
    for j, (ax, label) in enumerate(zip(axes, study.labels, strict=True)):
        for k in range(study.update_ratio.shape[2]):
            last = k == study.update_ratio.shape[2] - 1
            ax.plot(
                study.steps,
                np.log10(study.update_ratio[j, :, k]),
                color=COLORS[k % 7],
                ls=LINESTYLES[k % 7],
                marker=MARKERS[k % 7],
                markevery=6,
                ms=3,
                label="output layer" if last else f"layer {k + 1}",
            )
        ax.axhline(-3, color=GREY, lw=4, alpha=0.4)
        ax.set(
            title=f"update-to-data ratio, {label}",
            xlabel="training step",
            ylabel=r"$\log_{10}$ ||lr dW|| / ||W||",
            # A band above the data for the legend (a third of the data's range).
            ylim=(min(low, -3.2), high + (high - min(low, -3.2)) / 3),
        )
        ax.legend(fontsize=SMALL, frameon=False, ncol=2, loc="upper right")
        ax.grid(alpha=0.3)
    late = study.steps >= study.steps[-1] * 2 / 3
    rows = "; ".join(
        f"{label}: "
        + ", ".join(fmt(v, 2) for v in np.log10(study.update_ratio[j, late]).mean(axis=0))
        for j, label in enumerate(study.labels)
    )
    text = (
        "The log10 of each layer's update-to-data ratio ||lr dW|| / ||W|| against training step "
        f"(0 to {study.steps[-1]}), one line per layer (the last is the output layer), one panel "
        f"per network ({', '.join(study.labels)}); the grey band at -3 is the rule of thumb. "
        f"Mean log10 ratio over steps {fmt(study.steps[late][0], 6)}-"
        f"{fmt(study.steps[-1], 6)}, layer by layer: {rows}."
    )
    return describe(axes, text)


def weight_decay_figure(view, axes=None):
    """The panel: ||W|| and the angle per step (moving average) of one (lr, lambda) cell, one
    thin line per seed, with the predicted equilibrium angle dashed and 1/(lr lambda) dotted.
    Plain-text labels (no mathtext): the panel redraws them on every slider move."""
    ax0, ax1 = _axes(axes, 2)
    for ax in (ax0, ax1):
        _reset(ax)
    for r in view.norms:
        ax0.plot(view.steps, r, color=BLUE, lw=1)
    for r in view.angles:
        ax1.plot(view.angle_steps, r, color=BLUE, lw=1)
    if view.predicted > 0:
        ax1.axhline(
            view.predicted,
            color=ORANGE,
            ls="--",
            lw=2,
            label=f"predicted √(2 lr λ) = {view.predicted:.3f}",
        )
    if view.settle < view.steps[-1]:
        for ax in (ax0, ax1):
            ax.axvline(view.settle, color=GREY, ls=":", lw=2, label="1/(lr λ) steps")
    ax0.set(
        title=f"‖W‖ (3 seeds), lr = {view.lr:g}, λ = {view.weight_decay:g}",
        xlabel="training step",
        ylim=(0, 1.05 * view.limits[0]),
    )
    ax1.set(
        title=f"angle W turns per step ({WINDOW}-step mean, radians)",
        xlabel="training step",
        ylim=(0, 1.1 * view.limits[1]),
    )
    for ax in (ax0, ax1):
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=SMALL, frameon=False, loc="upper right")
        ax.grid(alpha=0.3)
    return describe(np.array([ax0, ax1]), _weight_decay_text(view))


def _weight_decay_text(view):
    """The description of `weight_decay_figure`, from the view alone (a few array reductions:
    it is recomputed on every slider move)."""
    n_seed, first, last = len(view.norms), view.steps[0], view.steps[-1]
    text = (
        f"Two panels against training step for lr {view.lr:g} and weight decay λ "
        f"{view.weight_decay:g}, one line per seed ({n_seed}). Left: ||W|| of the second "
        f"BN-preceded layer, {_spread(view.norms[:, 0])} at step {first} and "
        f"{_spread(view.norms[:, -1])} at step {last}. Right: the angle W turns per step "
        f"({WINDOW}-step mean, radians); over the last quarter of the run it averages "
        f"{_spread(view.late_angle)} a step"
    )
    if view.predicted <= 0:
        return text + ". Without decay there is no equilibrium angle to predict."
    text += (
        f", against the predicted sqrt(2 lr λ) = {fmt(view.predicted)} (dashed): "
        f"{fmt(100 * view.late_angle.mean() / view.predicted, 2)}% of it."
    )
    if view.settle < last:
        return text + f" The dotted line marks 1/(lr λ) = {view.settle:g} steps."
    return text + (
        f" The time scale 1/(lr λ) is {view.settle:g} steps; the run is {last + 1} steps long."
    )
