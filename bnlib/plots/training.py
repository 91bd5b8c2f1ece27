"""Plots of training runs (bnlib.train Histories)."""

from ._common import BLUE, GREEN, GREY, ORANGE, _axes

COLORS = (GREY, BLUE, GREEN, ORANGE)


def accuracy_curves(histories, ax=None, title="test accuracy"):
    """Test accuracy against training step for several runs: `histories` maps label -> History.
    A run that diverged ends with an x at the step where it stopped."""
    (ax,) = _axes(ax, 1, width=5.0)
    for k, (label, h) in enumerate(histories.items()):
        color = COLORS[k % len(COLORS)]
        ax.plot(h.eval_steps, h.test_accuracy, marker=".", color=color, label=label)
        if h.diverged and len(h.eval_steps):
            ax.plot(h.eval_steps[-1], h.test_accuracy[-1], "x", color=color, ms=9)
    ax.set(title=title, xlabel="training step", ylabel="fraction correct", ylim=(0, 1.02))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return ax
