"""Shared plotting helpers: the palette, line styles, axes creation, fast redraw of persistent
axes, and the text description every figure carries.

The palette is Okabe and Ito's (2008), safe for the common colour-vision deficiencies; where
lines must be told apart, a line style or marker goes with each colour (`STYLES`), so no figure
relies on colour alone.
"""

import matplotlib.pyplot as plt
import numpy as np

BLUE, ORANGE, GREEN, GREY = "#0072B2", "#D55E00", "#009E73", "#6E6E6E"
PURPLE, SKY, YELLOW = "#CC79A7", "#56B4E9", "#E69F00"
PALETTE = (BLUE, ORANGE, GREEN, PURPLE, GREY, SKY, YELLOW)
# The k-th series' look: colour, line style, marker (the same k gives the same look everywhere).
STYLES = tuple(
    zip(
        PALETTE,
        ("-", "--", "-.", ":", "-", "--", "-."),
        ("o", "s", "^", "D", "v", "P", "X"),
        strict=True,
    )
)
DESCRIPTION_MIME = "image/png"  # the output whose metadata carries the description as "alt"


def style(k):
    """Colour, line style and marker of the k-th series: {"color", "ls", "marker"}."""
    color, ls, marker = STYLES[k % len(STYLES)]
    return {"color": color, "ls": ls, "marker": marker}


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


def _drawn_once(ax, name, key, build):
    """The artists a plot function keeps on `ax` (attribute `name`) to redraw a slider panel by
    moving them: `build()` draws everything on fresh axes and returns them as a dict; it runs
    on first use, and again when `key` (what those artists show and a move cannot change)
    differs. Returns (artists, True if just built)."""
    drawn = getattr(ax, name, None)
    if drawn is not None and drawn["key"] == key:
        return drawn, False
    drawn = build()
    drawn["key"] = key
    setattr(ax, name, drawn)
    return drawn, True


def _hist(ax, values, bins, **kwargs):
    """A filled step histogram (one polygon, fast to draw); returns the highest count."""
    counts, _, _ = ax.hist(values, bins=bins, histtype="stepfilled", **kwargs)
    return counts.max()


def _rehist(patch, values, bins):
    """Give a `_hist` polygon the outline of new values, as `ax.hist` would build it (the
    same vertices, so the same picture: tests compare the PNGs), without adding a patch to the
    axes (which measures its data limits: most of a new histogram's cost). Returns the highest
    count."""
    counts, edges = np.histogram(values, bins)
    n = len(edges)
    x, y = np.zeros(4 * n - 3), np.zeros(4 * n - 3)
    x[0 : 2 * n - 1 : 2], x[1 : 2 * n - 1 : 2] = edges, edges[:-1]
    x[2 * n - 1 :] = x[1 : 2 * n - 1][::-1]
    y[1 : 2 * n - 1 : 2] = y[2 : 2 * n : 2] = counts
    patch.set_xy(np.column_stack([x[:-1], y[:-1]]))  # closed: set_xy appends the first point
    return counts.max()


def describe(axes, text):
    """Attach `text`, what the figure shows and what to notice, to the figure holding `axes`.

    In IPython the figure's display then carries it: as the image's "alt" metadata (read by the
    static site and any notebook viewer that looks) and as the text/plain fallback (instead of
    "<Figure size ...>"). `description(figure)` reads it back. Returns `axes`.

    >>> fig = plt.figure()
    >>> ax = describe(fig.add_subplot(), "an empty axes")
    >>> description(fig), fig._repr_mimebundle_()[1]
    ('an empty axes', {'image/png': {'alt': 'an empty axes'}})
    >>> plt.close(fig)
    """
    figure = np.atleast_1d(axes)[0].figure
    figure.bnlib_description = str(text)
    figure._repr_mimebundle_ = lambda include=None, exclude=None: (
        {"text/plain": figure.bnlib_description},
        {DESCRIPTION_MIME: {"alt": figure.bnlib_description}},
    )
    return axes


def description(figure):
    """The description `describe` attached to `figure`, or None."""
    return getattr(figure, "bnlib_description", None)


def fmt(value, digits=3):
    """A number for a description: `digits` significant digits; rounding noise (|value| below
    1e-12, e.g. the mean of a normalized feature) reads 0, the same on every machine.

    >>> fmt(0.95812), fmt(-2.04e-15), fmt(1234567)
    ('0.958', '0', '1.23e+06')
    """
    value = float(value)
    if not np.isfinite(value):
        return "undefined" if np.isnan(value) else ("infinite" if value > 0 else "-infinite")
    return "0" if abs(value) < 1e-12 else f"{value:.{digits}g}"


def ends(x, y):
    """ "y0 at x0 and y1 at x1": a curve's first and last points, for a description."""
    x, y = np.asarray(x), np.asarray(y)
    return f"{fmt(y[0])} at {fmt(x[0], 6)} and {fmt(y[-1])} at {fmt(x[-1], 6)}"
