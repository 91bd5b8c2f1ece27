"""A panel's redraw draws only what moved; every frame must look like a full redraw.

The comparison: after each move, the frame the panel shows (kept layers laid over the
background, moving artists drawn by Agg) against `Redraw.full()`, a full draw of the same
figure state. Laying a kept layer over the pixels rounds differently from Agg drawing it in
place, by at most `TOLERANCE` levels (of 255) in a channel; anything else (a stale tick label,
a legend in its old place, a label not moved away from wider tick labels) differs by far more.
"""

import io
import itertools

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from bncourse import panels
from bncourse.redraw import TOLERANCE, Redraw, moving, png

FRAMES = 24  # moves per panel, a seeded random walk over every slider's values


def pixels(png_bytes):
    with Image.open(io.BytesIO(png_bytes)) as image:
        return np.asarray(image.convert("RGBA")).astype(int)


def worst(a, b):
    """The largest difference in any channel of any pixel."""
    return int(np.abs(np.asarray(a, int) - np.asarray(b, int)).max())


def small_figure():
    figure = Figure(figsize=(4, 3), dpi=100)
    FigureCanvasAgg(figure)
    return figure, figure.subplots()


def draw(ax, shift, label):
    """A plot function with one draw path: clears its data, draws it again."""
    for artist in [*ax.lines, *ax.patches, *ax.texts]:
        artist.remove()
    x = np.linspace(0, 10, 50)
    ax.plot(x, np.sin(x + shift), label="sine")
    ax.axvspan(shift, shift + 1, alpha=0.3, label="band")
    ax.grid(True)
    ax.legend(loc="best")
    moving(ax.set_xlabel(label))


@pytest.mark.parametrize("shift", [0.5, 3.0, 9.0])
def test_a_moved_line_and_a_declared_label_match_a_full_redraw(shift):
    figure, ax = small_figure()
    redraw = Redraw(figure)
    draw(ax, 0.0, "start")
    redraw.full()
    for step in (shift, shift, 0.0):  # changed, unchanged (now kept as a layer), changed back
        draw(ax, step, f"shift {step}")
        frame = redraw.frame()
        assert worst(frame, redraw.full()) <= TOLERANCE


def test_new_limits_redraw_the_ticks():
    figure, ax = small_figure()
    redraw = Redraw(figure)
    ax.plot([0, 1], [0, 1])
    redraw.full()
    for top in (1, 1, 50, 50, 0.01):
        ax.set_ylim(0, top)
        assert worst(redraw.frame(), redraw.full()) <= TOLERANCE


def test_the_png_of_a_full_draw_is_what_matplotlib_writes():
    figure, ax = small_figure()
    ax.plot([0, 1], [1, 0])
    buffer = io.BytesIO()
    figure.canvas.print_png(buffer, pil_kwargs={"compress_level": 1})
    assert png(figure, Redraw(figure).full()) == buffer.getvalue()


def test_moving_marks_and_returns_the_artist():
    figure, ax = small_figure()
    label = ax.set_title("t")
    assert moving(label) is label and label._panel_moving


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(panels.PANELS))
def test_every_frame_of_every_panel_matches_a_full_redraw(name):
    panel = panels.PANELS[name]()
    grid = panel.slider_values(9)
    rng = np.random.default_rng(0)
    combos = list(itertools.product(*grid.values()))
    for index in rng.choice(len(combos), size=min(FRAMES, len(combos)), replace=False):
        values = dict(zip(grid, combos[index], strict=True))
        _, shown = panel.render(values)
        full = panel.redrawer.full()
        assert worst(pixels(shown), full) <= TOLERANCE, f"{name} at {values}"
