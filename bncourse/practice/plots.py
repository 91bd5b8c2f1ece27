"""Plots for notebook 09 (batch norm in practice): conventions side by side, seeds' ranges."""

import numpy as np

from bncourse.runs import spread
from bncourse.style import GREY, SMALL, _axes, describe, fmt, style


def _within(values, target, tolerance=0.1):
    """The first batch (1-based) from which `values` stay within `tolerance` of `target`
    (relative), or None."""
    off = np.abs(values - target) > tolerance * abs(target)
    if off[-1]:
        return None
    return int(len(values) - np.argmax(off[::-1])) + 1 if off.any() else 1


def conventions(traces, target=None, ylabel="running statistic", ax=None):
    """One line per convention: its stored statistic after each batch of one stream.

    Inputs: traces a dict name -> (T,) values after batches 1..T; target the population value
    (a dotted grey line), or None. Lines differ in colour, line style and marker.
    Returns: ax, with a description giving each line's first and last value and, with a
    target, the batch from which it stays within 10% of it.
    """
    (ax,) = _axes(ax, 1, width=7.0, height=3.4)
    parts = []
    for k, (name, values) in enumerate(traces.items()):
        values = np.asarray(values, dtype=float)
        steps = np.arange(1, len(values) + 1)
        ax.plot(steps, values, label=name, markevery=max(len(values) // 8, 1), **style(k))
        part = f"{name} {fmt(values[0])} after batch 1, {fmt(values[-1])} after batch {len(values)}"
        if target is not None:
            settled = _within(values, target)
            part += (
                f" (within 10% of it from batch {settled})"
                if settled is not None
                else " (not yet within 10% of it)"
            )
        parts.append(part)
    if target is not None:
        ax.axhline(target, color=GREY, ls=(0, (1, 3)), lw=1.5, label="population value")
    ax.set(xlabel="batches seen", ylabel=ylabel)
    ax.legend(fontsize=SMALL, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # clear of the lines
    head = f"{ylabel[:1].upper()}{ylabel[1:]} against batches seen, one line per convention"
    if target is not None:
        head += f"; the population value is {fmt(target)} (dotted line)"
    return describe(ax, f"{head}. " + "; ".join(parts) + ".")


def seed_ranges(labels, values, xlabel, ax=None, title=None):
    """Each row's mean over seeds (a marker) and its min-max range (a bar), one row per label.

    Inputs: labels (K,) strings; values (K, S) numbers, S seeds. Rows alternate marker shapes,
    and every seed is also drawn as a small dot, so no colour is needed to read it.
    Returns: ax, with a description giving each row's mean [min-max].
    """
    values = np.asarray(values, dtype=float)
    (ax,) = _axes(ax, 1, width=5.6, height=0.5 * len(labels) + 1.2)
    rows = np.arange(len(labels))[::-1]
    for row, vals, k in zip(rows, values, range(len(labels)), strict=True):
        look = style(k)
        ax.hlines(row, vals.min(), vals.max(), color=look["color"], lw=3, alpha=0.6)
        ax.plot(vals, np.full(len(vals), row), "|", color="black", ms=10)
        ax.plot(vals.mean(), row, marker=look["marker"], color=look["color"], ms=9, ls="")
    ax.set_yticks(rows, labels)
    ax.set(xlabel=xlabel, ylim=(-0.7, len(labels) - 0.3))
    if title:
        ax.set_title(title, fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    means = values.mean(axis=1)
    rows_text = "; ".join(
        f"{label}: {spread(v, fmt)}" for label, v in zip(labels, values, strict=True)
    )
    text = (
        f"{title + ': ' if title else ''}{xlabel} for {len(labels)} settings, the mean of "
        f"{values.shape[1]} seeds as a marker and their min-max range as a bar, given as mean "
        f"[min-max]: {rows_text}. "
        f"Highest mean: {labels[int(np.argmax(means))]}; lowest mean: "
        f"{labels[int(np.argmin(means))]}."
    )
    return describe(ax, text[0].upper() + text[1:])
