"""Shared plotting helpers: the palette, line styles, axes creation, clearing what a plot drew
(a slider panel's plot draws again on the same axes), and the text description every figure
carries.

The palette is Okabe and Ito's (2008), safe for the common colour-vision deficiencies; where
lines must be told apart, a line style or marker goes with each colour (`STYLES`), so no figure
relies on colour alone.
"""

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np

# Okabe and Ito's colours, with their sky blue and yellow (2.3:1 on white, below the 3:1 that
# lines and markers need) replaced by a dark ochre and a dark purple. Every colour here has
# 3:1 or more on white (tests/test_legibility.py); text drawn in a colour uses `ink(colour)`.
BLUE, ORANGE, GREEN, GREY = "#0072B2", "#D55E00", "#009E73", "#6E6E6E"
PURPLE, OCHRE, VIOLET = "#CC79A7", "#8F6500", "#6A3D9A"
PALETTE = (BLUE, ORANGE, GREEN, PURPLE, GREY, OCHRE, VIOLET)
# The k-th series' look: colour, line style, marker (the same k gives the same look everywhere).
STYLES = tuple(
    zip(
        PALETTE,
        ("-", "--", "-.", ":", "-", "--", "-."),
        ("o", "s", "^", "D", "v", "P", "X"),
        strict=True,
    )
)
# One look per setting, the same in every figure of the course: a series whose label names a
# setting (`setting_style`) is drawn in that setting's colour, line style and marker.
SETTINGS = {
    "no BN": (ORANGE, "--", "s"),
    "BN": (BLUE, "-", "o"),
    "noisy BN": (OCHRE, "-.", "^"),
    "batch renorm": (VIOLET, "--", "P"),
    "layer norm": (GREEN, "-.", "^"),
    "group norm": (PURPLE, ":", "D"),
}
# Line styles and markers of a setting's variants (placements, scales), none a setting's own.
VARIANTS = ((":", "D"), ((0, (5, 1)), "v"), ((0, (3, 1, 1, 1)), "X"), ((0, (1, 1)), "P"))
# Other names the course gives the same settings.
ALIASES = {
    "batch norm": "BN",
    "batch": "BN",
    "with BN": "BN",
    "BN-RNN": "BN",
    "ghost batches": "BN",
    "plain": "no BN",
    "plain RNN": "no BN",
    "without BN": "no BN",
    "no norm": "no BN",
    "renorm": "batch renorm",
    "layer": "layer norm",
    "LN": "layer norm",
    "LN-RNN": "layer norm",
    "group": "group norm",
}
# How a figure names each normalization the studies call "none", "batch", ... (their settings'
# looks come from SETTINGS through these labels).
NORM_LABELS = {
    "none": "no norm",
    "batch": "batch norm",
    "renorm": "batch renorm",
    "layer": "layer norm",
    "group": "group norm",
}
MIN_TEXT_PT = 9  # the smallest text a figure may show, at the size it is displayed
SMALL = MIN_TEXT_PT  # legends and annotations: figures are drawn at 100 dpi or more, shown 1:1
DESCRIPTION_MIME = "image/png"  # the output whose metadata carries the description as "alt"


def style(k):
    """Colour, line style and marker of the k-th series: {"color", "ls", "marker"}."""
    color, ls, marker = STYLES[k % len(STYLES)]
    return {"color": color, "ls": ls, "marker": marker}


def setting_style(label, k=0):
    """The look of the series `label`, {"color", "ls", "marker"}: a setting's own look when
    `label` names one ("no BN", "BN", "layer norm", ... or an alias such as "plain RNN"); its
    colour with the k-th variant line style and marker when `label` is a variant of one ("BN
    after sigmoid", "no BN, init scale 3"); `style(k)` for any other label.

    >>> setting_style("plain RNN") == setting_style("no BN")
    True
    >>> setting_style("BN after sigmoid", 2)["color"] == setting_style("BN")["color"]
    True
    """
    for name in sorted([*SETTINGS, *ALIASES], key=len, reverse=True):
        if label == name or label.startswith((name + ",", name + " ")):
            color, ls, marker = SETTINGS[ALIASES.get(name, name)]
            if label != name:
                ls, marker = VARIANTS[k % len(VARIANTS)]
            return {"color": color, "ls": ls, "marker": marker}
    return style(k)


def contrast_ratio(color, background="white"):
    """WCAG 2.1 contrast ratio of two colours (any matplotlib colour spec), from 1 (the same) to
    21 (black on white): (L1 + 0.05) / (L2 + 0.05) of their relative luminances, L1 the lighter.
    Text needs 4.5 or more, lines and markers 3 (WCAG 1.4.3 and 1.4.11).

    >>> round(contrast_ratio("black"), 1), round(contrast_ratio("#D55E00"), 2)
    (21.0, 3.87)
    """
    lighter, darker = sorted((_luminance(color), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(color):
    """WCAG relative luminance of an sRGB colour."""
    rgb = np.array(mcolors.to_rgb(color))
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def ink(color, ratio=4.5, background="white"):
    """`color` darkened (towards black, the hue kept) just enough to reach `ratio` against
    `background`: the colour for text that belongs to a series drawn in `color`. Returns hex.

    >>> ink("#D55E00"), ink("#0072B2")
    ('#c25600', '#0072b2')
    """
    rgb = np.array(mcolors.to_rgb(color))
    for scale in np.linspace(1.0, 0.0, 101):
        if contrast_ratio(rgb * scale, background) >= ratio:
            return mcolors.to_hex(rgb * scale)
    return "#000000"


def _axes(axes, ncols, width=4.2, height=3.2):
    """Use the given axes, or make a row of `ncols` new ones."""
    if axes is not None:
        return np.atleast_1d(axes)
    _, new = plt.subplots(1, ncols, figsize=(width * ncols, height), layout="constrained")
    return np.atleast_1d(new)


def _reset(ax):
    """Remove what a previous call drew, but keep the axes (their ticks, limits and labels): a
    slider panel's plot function draws its data again on the same axes (`bncourse.redraw`)."""
    for artist in [*ax.lines, *ax.patches, *ax.collections, *ax.texts]:
        artist.remove()
    if ax.legend_ is not None:
        ax.legend_.remove()


def _hist(ax, values, bins, **kwargs):
    """A filled step histogram (one polygon, fast to draw); returns the highest count."""
    counts, _, _ = ax.hist(values, bins=bins, histtype="stepfilled", **kwargs)
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
