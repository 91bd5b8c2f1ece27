"""Plots of training runs (bnlib.train Histories)."""

from bncourse.style import SMALL, _axes, describe, ends, fmt, setting_style


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
