"""Plots for notebook 04 (internal covariate shift): percentiles over training, sweeps, the
gradient measure, and layer-input histograms (the slider panel's view)."""

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.ticker import StrMethodFormatter

from bncourse.covariate_shift.views import layer_input_stats
from bncourse.style import GREY, SMALL, _axes, _reset, describe, ends, fmt, ink, setting_style
from bnlib._numerics import SATURATED_AT


def _color(label, k=0):
    return setting_style(label, k)["color"]


def _look(label, k=0):
    """Colour, line style and marker of a run (its setting's), so runs differ by more than
    colour."""
    return setting_style(label, k)


def percentile_figure(histories, name="percentiles", unit=0, axes=None):
    """Ioffe and Szegedy's Figure 1: test accuracy against step for every run (label ->
    History), then one panel per run with the 15th, 50th and 85th percentiles of one sigmoid's
    input, `History.records[name][:, unit]` (from `activation_input_percentiles`)."""
    axs = _axes(axes, 1 + len(histories), width=3.6)
    for k, (label, h) in enumerate(histories.items()):
        axs[0].plot(h.eval_steps, h.test_accuracy, ms=3, label=label, **_look(label, k))
    axs[0].set(title="(a) test accuracy", xlabel="training step", ylim=(0, 1.02))
    axs[0].legend(fontsize=SMALL, frameon=False, loc="lower right")
    low = min(h.records[name][:, unit].min() for h in histories.values())
    high = max(h.records[name][:, unit].max() for h in histories.values())
    pad = 0.05 * (high - low)
    for k, (ax, (label, h)) in enumerate(zip(axs[1:], histories.items(), strict=True)):
        p = h.records[name][:, unit]  # (R, 3): 15th, 50th, 85th percentile
        color = _color(label, k)
        ax.fill_between(h.record_steps, p[:, 0], p[:, 2], color=color, alpha=0.25, lw=0)
        for j, style in enumerate(("--", "-", "--")):
            ax.plot(h.record_steps, p[:, j], color=color, ls=style, lw=1.2)
        letter = "bcdefg"[k]
        ax.set(title=f"({letter}) {label}: 15/50/85th pct", xlabel="training step")
        ax.set_ylim(low - pad, high + pad)
    axs[1].set_ylabel(f"input to sigmoid {unit} of the last hidden layer")
    last = max(max(h.eval_steps[-1], h.record_steps[-1]) for h in histories.values())
    for ax in axs:  # one step axis for every panel, so the runs line up
        ax.set_xlim(0, last)
        ax.grid(alpha=0.3)
    parts = []
    for label, h in histories.items():
        p = h.records[name][:, unit]
        parts.append(
            f"{label}: test accuracy {ends(h.eval_steps, h.test_accuracy)}; the sigmoid's input "
            f"median moves from {fmt(p[0, 1])} to {fmt(p[-1, 1])}, its 15-85th percentile band "
            f"from {fmt(p[0, 0])}..{fmt(p[0, 2])} to {fmt(p[-1, 0])}..{fmt(p[-1, 2])}"
        )
    text = (
        "Panel (a): test accuracy against training step for each run; then one panel per run "
        f"with the 15th, 50th and 85th percentiles of the input to sigmoid {unit} of the last "
        "hidden layer over training. " + "; ".join(parts) + "."
    )
    return describe(axs, text)


def _sweep_panel(ax, result, vary, label_of):
    groups = {}
    for k, s in enumerate(result.settings):
        groups.setdefault(label_of(s), []).append(k)
    mean, low, high, _ = result.summary()
    for n, (label, ks) in enumerate(groups.items()):
        ks = sorted(ks, key=lambda k: result.settings[k][vary])
        x = np.array([result.settings[k][vary] for k in ks])
        look = _look(label, n)
        color = look["color"]
        shift = x * (1.06 if n % 2 else 1 / 1.06)  # side by side, not on top of each other
        ok = ~np.isnan(mean[ks])
        ax.errorbar(
            shift[ok],
            mean[ks][ok],
            yerr=[mean[ks][ok] - low[ks][ok], high[ks][ok] - mean[ks][ok]],
            color=color,
            marker=look["marker"],
            ls=look["ls"],
            ms=4,
            capsize=3,
            label=f"{label} (mean, min-max of {len(result.seeds)} seeds)",
        )
        # The diverged marks further apart, a marker's width (an exercise reads them).
        for xi, k in zip(x * (1.3 if n % 2 else 1 / 1.3), ks, strict=True):
            n_div = int(result.diverged[k].sum())
            if n_div:
                ax.plot(xi, -0.1, "x", color=color, ms=8, mew=2)
                ax.annotate(  # the two runs' labels on opposite sides of their marks
                    f"{n_div}/{len(result.seeds)}",
                    (xi, -0.1),
                    xytext=(5, 3) if n % 2 else (-5, 3),
                    textcoords="offset points",
                    ha="left" if n % 2 else "right",
                    fontsize=SMALL,
                    color=ink(color),
                )
    ax.axhline(0.1, color=GREY, lw=0.8, ls=":")
    ax.axhline(-0.1, color="k", lw=0.4)
    values = sorted({s[vary] for s in result.settings})
    ax.set(xscale="log", ylim=(-0.17, 1.02), yticks=[-0.1, 0.1, 0.25, 0.5, 0.75, 1.0])
    ax.set_xlim(values[0] / 3.5, values[-1] * 3.5)  # room for the outer labels
    ax.set_xticks(values, [f"{v:g}" for v in values])
    ax.set_xticks([], minor=True)
    ax.set_yticklabels(["diverged", "chance", "0.25", "0.5", "0.75", "1"])
    ax.grid(alpha=0.3, which="both")
    parts = []
    for label, ks in groups.items():
        ks = sorted(ks, key=lambda k: result.settings[k][vary])
        points = []
        for k in ks:
            n_div = int(result.diverged[k].sum())
            value = "diverged" if np.isnan(mean[k]) else fmt(mean[k])
            extra = (
                f" ({n_div} of {len(result.seeds)} seeds diverged)"
                if n_div and value != "diverged"
                else ""
            )
            points.append(f"{result.settings[k][vary]:g}: {value}{extra}")
        parts.append(f"{label}: " + ", ".join(points))
    return "; ".join(parts)


def sweep_accuracy(lr_result, scale_result, axes=None):
    """Test accuracy after a short run, against the learning rate (`lr_result`, a SweepResult
    at one init scale) and against the initial weight scale (`scale_result`, at one lr). Each
    point is the mean over seeds, its bar the min-max; an x on the "diverged" row marks a
    setting where seeds diverged (the number says how many); they are left out of the mean."""
    ax0, ax1 = _axes(axes, 2, width=4.6)

    def label_of(s):
        return "noisy BN" if s["noisy_bn"] else ("BN" if s["batchnorm"] else "no BN")

    left = _sweep_panel(ax0, lr_result, "lr", label_of)
    right = _sweep_panel(ax1, scale_result, "init_scale", label_of)
    scale = lr_result.settings[0]["init_scale"]
    lr = scale_result.settings[0]["lr"]
    ax0.set(
        title=f"learning rate (init scale {scale:g})",
        xlabel="learning rate",
        ylabel=f"test accuracy after {lr_result.steps} steps",
    )
    ax1.set(title=f"initial weight scale (lr {lr:g})", xlabel="init scale")
    ax0.legend(fontsize=SMALL, frameon=False, loc="center right")
    text = (
        f"Mean test accuracy over {len(lr_result.seeds)} seeds after {lr_result.steps} steps "
        "(bars: min-max; diverged seeds left out of the mean). Left, against the learning rate "
        f"at init scale {scale:g}: {left}. Right, against the initial weight scale at lr "
        f"{lr:g}: {right}."
    )
    return describe(np.array([ax0, ax1]), text)


def ics_over_training(histories, name="ics", axes=None):
    """Santurkar et al.'s measure over training, label -> History recorded with `ics_recorder`:
    the scale-free ||G - G'|| / ||G|| (left) and cos(G, G') (right). Each line is the mean over
    the weight layers measured (2 to L), its band their range (lowest to highest layer)."""
    ax0, ax1 = _axes(axes, 2, width=4.4)
    for k, (label, h) in enumerate(histories.items()):
        values = h.records[name]  # (R, 3, L - 1): l2, cosine, relative
        look = _look(label, k)
        for ax, row in ((ax0, values[:, 2]), (ax1, values[:, 1])):
            ax.fill_between(
                h.record_steps,
                row.min(axis=1),
                row.max(axis=1),
                color=look["color"],
                alpha=0.2,
                lw=0,
            )
            ax.plot(h.record_steps, row.mean(axis=1), label=label, ms=3,
                    markevery=max(1, len(h.record_steps) // 10), **look)  # fmt: skip
    layers = values.shape[2] + 1
    ax0.set(
        yscale="log",
        title=r"$\|G - G'\| / \|G\|$ (lower: less shift)",
        xlabel="training step",
    )
    ax1.set(title=r"$\cos(G, G')$ (1: no shift)", xlabel="training step", ylim=(None, 1.01))
    ax0.set_ylabel(f"line: mean of layers 2-{layers}; band: their range", fontsize=SMALL)
    for ax in (ax0, ax1):
        ax.legend(fontsize=SMALL, frameon=False)
        ax.grid(alpha=0.3, which="both")
    parts = []
    for label, h in histories.items():
        later = h.records[name][h.record_steps > 0].mean(axis=2)  # (R', 3): layers' mean
        if len(later):
            parts.append(
                f"{label}: median over training ||G - G'|| / ||G|| "
                f"{fmt(np.median(later[:, 2]))}, cos(G, G') {fmt(np.median(later[:, 1]))}"
            )
    text = (
        "Santurkar et al.'s covariate-shift measure against training step, the mean over the "
        "weight layers with a band spanning them: left the scale-free ||G - G'|| / ||G|| (log "
        "scale, lower is less shift), right cos(G, G') (1 is no shift). After step 0, "
        + "; ".join(parts)
        + "."
    )
    return describe(np.array([ax0, ax1]), text)


def layer_inputs(view, axes=None):
    """The slider panel's view (`views.layer_input_view`): one histogram per run of what the
    chosen layer's sigmoids receive at the chosen step, over the step-0 histogram (grey)."""
    axs = _axes(axes, len(view.fractions), width=4.2)
    for k, (ax, label) in enumerate(zip(axs, view.fractions, strict=True)):
        _reset(ax)
        for side in (-1, 1):
            ax.axvspan(side * SATURATED_AT, side * view.edges[-1], color=GREY, alpha=0.12, lw=0)
        ax.stairs(view.start[label], view.edges, color=GREY, lw=1.0, label="step 0")
        ax.stairs(
            view.fractions[label],
            view.edges,
            fill=True,
            facecolor=to_rgba(_color(label, k), 0.6),
            edgecolor=_color(label, k),  # the outline in full colour: 3:1 or more
            label="chosen step",
        )
        ax.set(xlim=(view.edges[0], view.edges[-1]), xlabel="sigmoid input (grey band: saturated)")
        ax.legend(fontsize=SMALL, frameon=False, loc="upper left")
        ax.set_ylim(0, view.ymax)
        ax.set_title(f"{label}: layer {view.layer}, step {view.step}")
    for ax in axs:  # tick labels of one width: the frozen layout of a panel never clips them
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:.2f}"))
    axs[0].set_ylabel("fraction of inputs per bin")
    parts = [f"{label} {layer_input_stats(view, label)}" for label in view.fractions]
    text = (
        f"Histograms of what hidden layer {view.layer}'s sigmoids receive at step {view.step}, "
        "one panel per run, over the step-0 histogram in grey; the shaded ends are the "
        f"saturated range |y| > {SATURATED_AT}. " + "; ".join(parts) + "."
    )
    return describe(axs, text)
