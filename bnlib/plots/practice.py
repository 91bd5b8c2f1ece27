"""Plots for notebook 08 (batch norm in practice): conventions side by side, seeds' ranges."""

import numpy as np

from ._common import BLUE, GREEN, GREY, ORANGE, _axes

STYLES = [
    {"color": BLUE, "ls": "-", "marker": "o"},
    {"color": ORANGE, "ls": "--", "marker": "s"},
    {"color": GREEN, "ls": ":", "marker": "^"},
    {"color": "#9467bd", "ls": "-.", "marker": "D"},
]


def conventions(traces, target=None, ylabel="running statistic", ax=None):
    """One line per convention: its stored statistic after each batch of one stream.

    Inputs: traces a dict name -> (T,) values after batches 1..T; target the population value
    (a dotted grey line), or None. Lines differ in colour, line style and marker.
    """
    (ax,) = _axes(ax, 1, width=7.0, height=3.4)
    for k, (name, values) in enumerate(traces.items()):
        values = np.asarray(values)
        steps = np.arange(1, len(values) + 1)
        ax.plot(steps, values, label=name, markevery=max(len(values) // 8, 1), **STYLES[k % 4])
    if target is not None:
        ax.axhline(target, color=GREY, ls=(0, (1, 3)), lw=1.5, label="population value")
    ax.set(xlabel="batches seen", ylabel=ylabel)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # clear of the lines
    return ax


def seed_ranges(labels, values, xlabel, ax=None, title=None):
    """Each row's mean over seeds (a marker) and its min-max range (a bar), one row per label.

    Inputs: labels (K,) strings; values (K, S) numbers, S seeds. Rows alternate marker shapes,
    and every seed is also drawn as a small dot, so no colour is needed to read it.
    """
    values = np.asarray(values, dtype=float)
    (ax,) = _axes(ax, 1, width=5.6, height=0.5 * len(labels) + 1.2)
    rows = np.arange(len(labels))[::-1]
    for row, vals, k in zip(rows, values, range(len(labels)), strict=True):
        style = STYLES[k % 4]
        ax.hlines(row, vals.min(), vals.max(), color=style["color"], lw=3, alpha=0.6)
        ax.plot(vals, np.full(len(vals), row), "|", color="black", ms=10)
        ax.plot(vals.mean(), row, marker=style["marker"], color=style["color"], ms=9, ls="")
    ax.set_yticks(rows, labels)
    ax.set(xlabel=xlabel, ylim=(-0.7, len(labels) - 0.3))
    if title:
        ax.set_title(title, fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    return ax
