"""SliderPanel: ipywidgets sliders wired to a pure view function and a plot function.

Each panel redraws one persistent matplotlib figure (Agg, no pyplot state) into a PNG shown by
an `ipywidgets.Image`, so a redraw is compute + draw + encode and nothing leaks between cells.

A panel knows nothing of the web edition. Tools that want every panel a notebook builds (the
web edition's frame exporter, tools/export_frames.py) register a callback with `watch_panels`
before the notebook runs; each SliderPanel calls the callbacks once it shows its first view.
`SliderPanel.slider_values` is the one enumeration of the values each slider can take (the
static frames, the full-grid test and the slider benchmark all sweep it).
"""

import functools
import math

import ipywidgets as w
import numpy as np
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bncourse.batch_statistics import EPS_EXPONENTS
from bncourse.redraw import Redraw, png

# JupyterLab's sliders (ipywidgets 8, noUiSlider) give their handles no accessible name and
# announce internal positions (an exponent, an option's index); a panel says so first and points
# to the web edition's panel, whose sliders are named and announce the value shown.
ACCESS_NOTE = (
    "Keyboard or screen reader: these sliders have no spoken name here and announce internal "
    "positions, not the values shown. This notebook's page in the web edition (built by "
    "<code>make html</code>; the README links the published site) has the same panel with "
    "named sliders that announce each value."
)
# A panel's stored text/plain output (shown where the live widget is not: before Run All, and
# in a notebook viewer), with the slider names filled in.
STORED_TEXT = "Slider panel ({names}): run the notebook's cells to use it."
# Called with every SliderPanel once it has drawn its first view (`watch_panels`).
_WATCHERS = []


def watch_panels(callback):
    """Call `callback(panel)` for every SliderPanel built from now on, right after it has drawn
    its first view (in the order the panels are built). Returns a function that stops it.

    The hook for tools outside the course: tools/export_frames.py registers one while the web
    edition's builder executes a notebook, to write every panel's frames.

    >>> seen = []
    >>> stop = watch_panels(seen.append)
    >>> panel = SliderPanel(lambda a: a, lambda a, axes: None, {"a": w.IntSlider(2)}, 1, (2, 1))
    >>> stop()
    >>> seen == [panel]
    True
    """
    _WATCHERS.append(callback)
    return functools.partial(_WATCHERS.remove, callback)


def selection_slider(options, value, description):
    """A slider over `options` (shown as they are), starting at `value`, that redraws while
    it is dragged (ipywidgets' default continuous update)."""
    return w.SelectionSlider(options=options, value=value, description=description)


def eps_slider(value=1e-5):
    """The course's eps slider: 1e-8 to 1 on a log scale in quarter decades (`EPS_EXPONENTS`)."""
    low, high, step = EPS_EXPONENTS
    return w.FloatLogSlider(
        value=value, base=10, min=low, max=high, step=step, description="eps", readout_format=".1e"
    )


def _numeric_values(lo, hi, step, wanted, points):
    """An even grid over [lo, hi] on the slider's own steps, with `wanted` values added."""
    n_steps = max(0, round((hi - lo) / step))
    stride = max(1, math.ceil(n_steps / max(1, points - 1)))
    grid = [lo + k * step for k in range(0, n_steps + 1, stride)] + [hi]
    snapped = [lo + round((v - lo) / step) * step for v in wanted if lo <= v <= hi]
    return sorted({round(v, 10) for v in grid + snapped})


def slider_values(slider, wanted=(), points=41):
    """The values of `slider` to visit: both extremes, its current value, `wanted` (snapped to
    the slider's steps) and an even grid of about `points` values. Selection sliders with no
    more than `points` options keep all of them.

    >>> slider_values(w.FloatSlider(value=1.0, min=0.0, max=5.0, step=0.1), [0.3], points=6)
    [0.0, 0.3, 1.0, 2.0, 3.0, 4.0, 5.0]
    >>> slider_values(w.FloatLogSlider(value=1e-5, min=-8, max=0, step=0.25), points=5)
    [1e-08, 1e-06, 1e-05, 0.0001, 0.01, 1.0]
    """
    if hasattr(slider, "options"):
        options = list(slider._options_values)
        if len(options) <= points:
            return options
        picks = {round(k) for k in np.linspace(0, len(options) - 1, points)}
        picks |= {options.index(v) for v in [*wanted, slider.value] if v in options}
        return [options[k] for k in sorted(picks)]
    if isinstance(slider, w.FloatLogSlider):
        wanted_exponents = [math.log(v, slider.base) for v in [*wanted, slider.value] if v > 0]
        exponents = _numeric_values(slider.min, slider.max, slider.step, wanted_exponents, points)
        return [float(f"{slider.base**e:.12g}") for e in exponents]
    values = _numeric_values(slider.min, slider.max, slider.step, [*wanted, slider.value], points)
    return [int(v) for v in values] if isinstance(slider.value, int) else values


def value_label(slider, value):
    """`value` as the slider's own readout shows it."""
    if hasattr(slider, "options"):
        return str(slider._options_labels[list(slider._options_values).index(value)])
    if isinstance(slider, w.IntSlider):
        return str(value)
    spec = getattr(slider, "readout_format", ".2f") or ".2f"
    return format(value, spec)


class SliderPanel:
    """Sliders + one figure: on every slider change, compute(**values) -> draw(data, axes), and
    describe(data) the readout under the figure.

    `try_values` maps a slider's name to values the notebook's prose asks the learner to try;
    `slider_values` makes sure they are among the values it visits."""

    def __init__(
        self, compute, draw, sliders, ncols, figsize, describe=None, dpi=100, try_values=None
    ):
        self.compute, self.draw, self.sliders, self.describe = compute, draw, sliders, describe
        self.try_values = dict(try_values or {})
        self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.figure)
        self.redrawer, self.drawn = Redraw(self.figure), False
        self.axes = np.atleast_1d(self.figure.subplots(1, ncols))
        self.image = w.Image(format="png", layout=w.Layout(width=f"{figsize[0] * dpi:.0f}px"))
        self.readout = w.HTML()
        for slider in sliders.values():
            slider.observe(self._on_change, names="value")
        self.widget = w.VBox(
            [w.HTML(ACCESS_NOTE), w.HBox(list(sliders.values())), self.image, self.readout]
        )
        self.redraw()
        for watcher in list(_WATCHERS):
            watcher(self)

    @classmethod
    def of_view(cls, view, draw, describe, sliders, figsize, ncols=2, try_values=None, **fixed):
        """The panel of a view function: compute is `view(**slider values, **fixed)` (a
        notebook's data, a seed), drawn by `draw`, read out by `describe`."""
        return cls(
            functools.partial(view, **fixed),
            draw,
            sliders,
            ncols,
            figsize,
            describe=describe,
            try_values=try_values,
        )

    def values(self):
        """The sliders' current values, name -> value."""
        return {name: slider.value for name, slider in self.sliders.items()}

    def slider_values(self, points=9):
        """name -> the values of that slider to visit (`slider_values`: extremes, default, the
        values the prose asks to try and an even grid of about `points`): the static edition's
        frames, the full-grid test and the slider benchmark all use this one enumeration."""
        return {
            name: slider_values(slider, self.try_values.get(name, ()), points)
            for name, slider in self.sliders.items()
        }

    def readout_of(self, data):
        """The readout text (HTML) for a view's `data`: `describe(data)`, or "" without one."""
        return self.describe(data) if self.describe else ""

    def render(self, values, full=False):
        """compute + draw + encode for `values` (name -> value): (data, PNG bytes). The figure
        keeps showing them; `redraw` puts the sliders' own values back. The first render lays
        the figure out and draws it in full; later ones redraw only what moved (`Redraw`),
        unless `full` (a frame to keep, such as the web edition's: the exact pixels of a draw)."""
        data = self.compute(**values)
        # Titles at a fixed height, y = 1, where matplotlib puts them anyway when nothing sits
        # above the axes: otherwise each draw measures every tick label to place each title.
        with rc_context({"axes.titley": 1.0}):
            self.draw(data, self.axes)
            if self.drawn and not full:
                pixels = self.redrawer.frame()
            else:
                pixels = self.redrawer.full()
                # Lay out once (constrained layout costs ~40 ms a draw), then keep the positions.
                self.figure.set_layout_engine("none")
                self.drawn = True
        return data, png(self.figure, pixels)

    def redraw(self):
        """Recompute and re-render the figure for the current slider values; returns the data."""
        data, png = self.render(self.values())
        self.image.value = png
        self.readout.value = self.readout_of(data)
        return data

    def _on_change(self, _change):
        self.redraw()

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, with a readable line instead of its repr as the stored text: what
        JupyterLab shows before the cells have run, and what a notebook viewer shows."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if bundle and "text/plain" in bundle:
            names = ", ".join(s.description or name for name, s in self.sliders.items())
            bundle = {**bundle, "text/plain": STORED_TEXT.format(names=names)}
        return bundle
