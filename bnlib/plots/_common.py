"""Shared plotting helpers: colours, axes creation, fast redraw of persistent axes."""

import matplotlib.pyplot as plt
import numpy as np

BLUE, ORANGE, GREEN, GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#7f7f7f"


def _axes(axes, ncols, width=4.2, height=3.2):
    """Use the given axes, or make a row of `ncols` new ones."""
    if axes is not None:
        return np.atleast_1d(axes)
    _, new = plt.subplots(1, ncols, figsize=(width * ncols, height), layout="constrained")
    return np.atleast_1d(new)


def _reset(ax):
    """Remove what a previous call drew, but keep the axes (and their ticks) for a fast redraw."""
    for artist in [*ax.lines, *ax.patches, *ax.collections, *ax.texts]:
        artist.remove()
    if ax.legend_ is not None:
        ax.legend_.remove()


def _hist(ax, values, bins, **kwargs):
    """A filled step histogram (one polygon, fast to draw); returns the highest count."""
    counts, _, _ = ax.hist(values, bins=bins, histtype="stepfilled", **kwargs)
    return counts.max()
