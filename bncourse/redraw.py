"""A slider panel's redraw: draw again only what moved (blitting on the Agg canvas).

A panel's figure is laid out and drawn in full once. After that, each axes' artists are taken
in the order matplotlib draws them (by zorder): *static* ones (axis ticks and tick labels,
spines, titles, axis labels, legends) and *moving* ones (by default the data a plot function
adds: lines, patches, collections, images and texts; `moving(artist)` declares any other, e.g.
an axis label that states the slider's value). A static artist seen with the same signature
(tick positions in pixels and their labels, texts, legend entries and place) twice in a row is
rendered once into a transparent layer and kept; one whose signature keeps changing (new
limits, a new legend) is drawn directly, for its axes alone. On a move the plot function draws
as it always does (one draw path), and the redraw composes the figure: the background, then in
drawing order each kept layer laid over the pixels and every other artist drawn by Agg. Every
pixel matches a full redraw of the same state up to the rounding of laying a layer over (at
most `TOLERANCE` levels in a channel; tests/test_redraw.py).
"""

import io

import matplotlib as mpl
import numpy as np
from matplotlib.axis import Axis
from matplotlib.collections import Collection
from matplotlib.image import AxesImage
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.spines import Spine
from matplotlib.text import Text

TOLERANCE = 2  # levels (of 255) a composed pixel may differ from a full redraw's
DATA = (Line2D, Patch, Collection, AxesImage, Text)


def moving(*artists):
    """Declare `artists` as moving: drawn on every redraw, never kept in a layer. Returns the
    first, so a plot function can write `moving(ax.set_xlabel(...))`."""
    for artist in artists:
        artist._panel_moving = True
    return artists[0] if artists else None


def _is_data(ax, artist):
    return isinstance(artist, DATA) and (
        artist in ax.lines
        or artist in ax.patches
        or artist in ax.collections
        or artist in ax.images
        or artist in ax.texts
    )


def _is_moving(ax, artist):
    return getattr(artist, "_panel_moving", False) or _is_data(ax, artist)


def _drawn(ax):
    """The artists `Axes.draw` draws after the axes patch, in its order."""
    artists = ax.get_children()
    artists.remove(ax.patch)
    if not (ax.axison and ax._frameon):
        for spine in ax.spines.values():
            artists.remove(spine)
    if not ax.axison:
        for axis in ax._axis_map.values():
            artists.remove(axis)
    return sorted((a for a in artists if not a.get_animated()), key=lambda a: a.zorder)


def _text_key(t):
    return (
        t.get_visible(),
        t.get_text(),
        tuple(np.round(t.get_window_extent().bounds, 2)) if t.get_text() else (),
        str(t.get_color()),
        t.get_fontsize(),
        t.get_rotation(),
    )


def _axis_key(axis):
    ax = axis.axes
    ticks = axis._update_ticks()
    positions = [
        ax.transData.transform((t.get_loc(), 0) if axis.axis_name == "x" else (0, t.get_loc()))
        for t in ticks
    ]
    return (
        axis.get_visible(),
        tuple(
            (
                tuple(np.round(p, 2)),
                t.label1.get_text() if t.label1.get_visible() else None,
                t.label2.get_text() if t.label2.get_visible() else None,
                t.gridline.get_visible(),
                t.tick1line.get_visible(),
                t.tick2line.get_visible(),
            )
            for t, p in zip(ticks, positions, strict=True)
        ),
        axis.offsetText.get_text(),
        tuple(np.round(ax.bbox.bounds, 2)),
    )


def _props(artist):
    keys = []
    for getter in ("get_color", "get_facecolor", "get_edgecolor", "get_linestyle",
                   "get_linewidth", "get_marker", "get_alpha", "get_hatch"):  # fmt: skip
        if hasattr(artist, getter):
            value = getattr(artist, getter)()
            keys.append(str(np.round(value, 4)) if isinstance(value, np.ndarray) else str(value))
    return (type(artist).__name__, *keys)


def _legend_key(legend, renderer):
    return (
        legend.get_visible(),
        tuple(t.get_text() for t in legend.texts),
        tuple(_props(h) for h in legend.legend_handles),
        tuple(np.round(legend.get_window_extent(renderer).bounds, 2)),
    )


def _key(artist, renderer):
    """What a static artist shows, or a fresh object (never equal) when not understood."""
    if isinstance(artist, Axis):
        return _axis_key(artist)
    if isinstance(artist, Legend):
        return _legend_key(artist, renderer)
    if isinstance(artist, Text):
        return _text_key(artist)
    if isinstance(artist, Spine):
        return (artist.get_visible(), tuple(np.round(artist.axes.bbox.bounds, 2)), _props(artist))
    return object()


def _place(axis):
    """Where an axis' label is: Axis.draw moves it away from the tick labels."""
    return (axis.label, tuple(axis.label.get_position()))


class Redraw:
    """The redraw of one figure: `full()` draws everything (the first frame, and the reference
    a test compares with); `frame()`, after each plot call, composes the figure from kept
    layers and what moved. Both return the figure's RGBA pixels, (H, W, 4) uint8."""

    def __init__(self, figure):
        self.figure = figure
        self.canvas = figure.canvas
        self.background = None
        self.layers = {}  # (axes, static ordinal) -> (key, pixel indices, RGBA values)
        self.last = {}  # (axes, static ordinal) -> the key seen at the previous frame
        self.placed = {}  # (axes, static ordinal) of an axis -> where its label was put

    def full(self):
        """A full draw of the figure (layout included): its pixels."""
        self.canvas.draw()
        return np.asarray(self.canvas.buffer_rgba()).copy()

    def _background(self, renderer):
        """The figure patch and every axes patch: the pixels everything else is laid over."""
        renderer.clear()
        self.figure.patch.draw(renderer)
        for ax in self.figure.axes:
            if ax.axison and ax._frameon and ax.get_visible():
                ax.patch.draw(renderer)
        return np.asarray(renderer.buffer_rgba()).copy()

    def _entries(self, ax):
        """(artist, moving) in drawing order; an axis and its label are separate entries."""
        for artist in _drawn(ax):
            if isinstance(artist, Axis):
                yield artist, False  # (the caller moves its label when its tick labels change)
                yield artist.label, getattr(artist.label, "_panel_moving", False)
            else:
                yield artist, _is_moving(ax, artist)

    def _draw(self, artist, renderer):
        """Draw one entry; an axis without its label (the label is its own entry)."""
        if isinstance(artist, Axis):
            visible = artist.label.get_visible()
            artist.label.set_visible(False)
            try:
                artist.draw(renderer)
            finally:
                artist.label.set_visible(visible)
        else:
            artist.draw(renderer)

    def _layer(self, artist, renderer):
        """`artist` rendered alone on transparent pixels: (pixel indices, RGBA values)."""
        renderer.clear()
        self._draw(artist, renderer)
        pixels = np.asarray(renderer.buffer_rgba())
        where = np.nonzero(pixels[..., 3])
        return where, pixels[where].astype(np.uint16)

    def frame(self):
        """Compose the figure after a plot call; returns its pixels."""
        renderer = self.canvas.get_renderer()
        if self.background is None:
            self.background = self._background(renderer)
        plan, keys = [], {}
        for k, ax in enumerate(self.figure.axes):
            ax._unstale_viewLim()
            ordinal = 0
            for artist, is_moving in self._entries(ax):
                if is_moving:
                    plan.append((artist, None))
                    continue
                slot = (k, ordinal)
                ordinal += 1
                keys[slot] = key = _key(artist, renderer)
                if isinstance(artist, Axis) and (
                    key != self.last.get(slot) or self.placed.get(slot) != _place(artist)
                ):
                    # where Axis.draw puts the label: away from the tick labels as they are now
                    # (again only when those changed or a plot call reset the label)
                    artist._update_label_position(renderer)
                    self.placed[slot] = _place(artist)
                kept = self.layers.get(slot)
                if kept is None or kept[0] != key:
                    if self.last.get(slot) == key:  # unchanged twice: keep it from now on
                        self.layers[slot] = (key, *self._layer(artist, renderer))
                    else:  # changing: drawn directly while it keeps changing
                        self.layers.pop(slot, None)
                plan.append((artist, slot))
        buffer = np.asarray(renderer.buffer_rgba())
        buffer[...] = self.background
        for artist, slot in plan:
            if slot is None or slot not in self.layers:
                self._draw(artist, renderer)
                continue
            _, where, over = self.layers[slot]
            alpha = over[:, 3:4]
            under = buffer[where].astype(np.uint16)
            rgb = (over[:, :3] * alpha + under[:, :3] * (255 - alpha) + 127) // 255
            a = alpha[:, 0] + (under[:, 3] * (255 - alpha[:, 0]) + 127) // 255
            buffer[where] = np.column_stack([rgb, a]).astype(np.uint8)
        self.last = keys
        return buffer.copy()


def png(figure, pixels):
    """`pixels` encoded as `FigureCanvasAgg.print_png` encodes a draw (same bytes for the same
    pixels): a fast zlib level, the figure's dpi and matplotlib's metadata."""
    buffer = io.BytesIO()
    mpl.image.imsave(
        buffer, pixels, format="png", origin="upper", dpi=figure.dpi,
        pil_kwargs={"compress_level": 1},
    )  # fmt: skip
    return buffer.getvalue()
