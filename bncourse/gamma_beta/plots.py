"""Plots for notebook 02 (gamma and beta)."""

import numpy as np

from bncourse.gamma_beta.views import regime_facts
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
    style,
)
from bnlib._numerics import SATURATED_AT, sigmoid

Y_EDGES = np.linspace(-8, 8, 65)
S_EDGES = np.linspace(0, 1, 21)
CURVE = np.linspace(-8, 8, 201)


def sigmoid_regime(view, axes=None):
    """Two views of a `views.sigmoid_view`: the sigmoid input's histogram under the sigmoid
    curve and its tangent at 0 (the linear regime), and the output's histogram. Inputs beyond
    the drawn range (+-8) are counted in its end bins, and a note says how many there are."""
    ax0, ax1 = _axes(axes, 2)
    _reset(ax0)
    _reset(ax1)
    beyond = np.mean(np.abs(view.y) > Y_EDGES[-1])
    counts, _ = np.histogram(np.clip(view.y, Y_EDGES[0], Y_EDGES[-1]), Y_EDGES)
    # A fixed scale (not "tallest bar = 1"), so a wider histogram is also a lower one.
    ax0.stairs(9 * counts / len(view.y), Y_EDGES, fill=True, color=BLUE, alpha=0.5)
    for side in (-1, 1):
        ax0.axvspan(side * SATURATED_AT, side * 8, color=GREY, alpha=0.12, lw=0)
    ax0.plot(CURVE, sigmoid(CURVE), color="k", lw=1.5, label="sigmoid")
    ax0.plot(CURVE, 0.5 + CURVE / 4, color=ORANGE, ls="--", lw=1.2, label="tangent 0.5 + y/4")
    ax0.set(
        xlim=(-8, 8),
        ylim=(-0.02, 1.05),
        xlabel=r"sigmoid input $y = \gamma\hat{x} + \beta$ (grey: saturated)",
        title=(
            f"input: constant ({view.beta:.2f})"
            if view.constant
            else f"input: {100 * view.linearity:.1f}% linear, {100 * view.saturated:.1f}% saturated"
        ),
    )
    ax0.legend(loc="upper left", fontsize=SMALL, frameon=False)
    if beyond > 0:
        ax0.text(
            0.98,
            0.5,
            f"{100 * beyond:.1f}% beyond $\\pm$8,\nin the end bins",
            transform=ax0.transAxes,
            ha="right",
            fontsize=SMALL,
        )
    counts, _ = np.histogram(view.s, S_EDGES)
    fractions = counts / len(view.s)
    ax1.stairs(fractions, S_EDGES, fill=True, color=GREEN, alpha=0.7)
    ax1.axvline(view.out_mean, color="k", lw=1.2)
    ax1.set(
        xlim=(0, 1),
        # A fixed 0.4 keeps sizes comparable between views; taller bars raise it (never clipped).
        ylim=(0, max(0.4, 1.05 * fractions.max())),
        xlabel="sigmoid output",
        ylabel="fraction of the batch (bins of 0.05)",
        title=f"output: mean {view.out_mean:.2f}, std {view.out_std:.2f}",
    )
    if view.constant:
        regime = f"every input is {view.beta:.2f}, so every output is {fmt(view.out_mean)}"
    else:
        regime = ", ".join(regime_facts(view)) + f" (|y| > {SATURATED_AT})"
    text = (
        f"Left: histogram of the sigmoid input y = gamma x_hat + beta for gamma {view.gamma:.2f}, "
        f"beta {view.beta:.2f}, drawn under the sigmoid curve and its dashed tangent at 0; "
        f"{regime}. Right: histogram of the sigmoid output, mean {view.out_mean:.3f}, std "
        f"{view.out_std:.3f}. Small gamma keeps inputs on the near-linear middle; large gamma "
        "or beta pushes them into the flat, saturated ends."
    )
    return describe(np.array([ax0, ax1]), text)


def learned_gamma_beta(history, task, frozen_loss, axes=None):
    """Gamma and beta learned by gradient descent (records "gamma", "beta" of a
    `training.fit_regression` History) against the teacher's values, and the loss, compared
    with the loss of the same layer with gamma = 1 and beta = 0."""
    ax0, ax1 = _axes(axes, 2)
    steps = history.record_steps
    for j in range(task.scale.size):
        c, marker = style(j)["color"], style(j)["marker"]
        every = max(1, len(steps) // 8)
        ax0.plot(steps, history.records["gamma"][:, j], color=c, marker=marker, markevery=every,
                 ms=4, label=rf"$\gamma_{j + 1}$")  # fmt: skip
        ax0.plot(steps, history.records["beta"][:, j], color=c, ls=":", marker=marker,
                 markevery=every, ms=4, mfc="white", label=rf"$\beta_{j + 1}$")  # fmt: skip
        for value in (task.scale[j], task.shift[j]):
            ax0.axhline(value, color=c, lw=0.8, ls="--")
    ax0.set(title="learned values (dashed: what the task needs)", xlabel="gradient step")
    ax0.legend(fontsize=SMALL, frameon=False, ncols=2)
    ax1.semilogy(np.arange(len(history.loss)), history.loss, color=BLUE, label="learning γ, β")
    ax1.axhline(frozen_loss, color=ORANGE, ls="--", label=r"fixed $\gamma = 1, \beta = 0$")
    ax1.set(title="mean squared error", xlabel="gradient step")
    ax1.legend(fontsize=SMALL, frameon=False)
    gamma, beta = history.records["gamma"][-1], history.records["beta"][-1]
    pairs = "; ".join(
        f"gamma {j + 1} {fmt(gamma[j])} (task {fmt(task.scale[j])}), beta {j + 1} "
        f"{fmt(beta[j])} (task {fmt(task.shift[j])})"
        for j in range(task.scale.size)
    )
    text = (
        f"Left: gamma (solid) and beta (dotted) against gradient step, with the task's values "
        f"dashed; after {steps[-1]} steps: {pairs}. Right: mean squared error on a log scale, "
        f"from {fmt(history.loss[0])} to {fmt(history.loss[-1])} while learning gamma and beta, "
        f"against {fmt(frozen_loss)} with gamma = 1, beta = 0 fixed."
    )
    return describe(np.array([ax0, ax1]), text)


def accuracy_curves(histories, ax=None, title="test accuracy"):
    """Test accuracy against training step for several runs: `histories` maps label -> History.
    A run that diverged ends with an x at the step where it stopped."""
    (ax,) = _axes(ax, 1, width=5.0)
    parts = []
    for k, (label, h) in enumerate(histories.items()):
        look = setting_style(label, k)
        ax.plot(h.eval_steps, h.test_accuracy, ms=4, label=label, **look)
        if h.diverged and len(h.eval_steps):
            ax.plot(h.eval_steps[-1], h.test_accuracy[-1], "x", color=look["color"], ms=9)
        if len(h.eval_steps):
            best = fmt(max(h.test_accuracy))
            stop = f", diverged at step {h.eval_steps[-1]}" if h.diverged else ""
            parts.append(f"{label}: {ends(h.eval_steps, h.test_accuracy)} (best {best}){stop}")
    ax.set(title=title, xlabel="training step", ylabel="fraction correct", ylim=(0, 1.02))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=SMALL, frameon=False, loc="lower right")
    return describe(ax, f"{title.capitalize()} against training step. " + "; ".join(parts) + ".")
