"""SliderPanel: ipywidgets sliders wired to a pure compute function and a `bnlib.plots` function.

Each panel redraws one persistent matplotlib figure (Agg, no pyplot state) into a PNG shown by
an `ipywidgets.Image`, so a redraw is compute + draw + encode and nothing leaks between cells.
"""

import io

import ipywidgets as w
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def slider_values(slider, points=9, max_options=None):
    """Every value a learner can reach on `slider`: all its options (thinned to `max_options`
    evenly spaced ones, ends kept, if given), or for a numeric slider min..max in `points`
    evenly spaced steps (a log slider's on the log scale), an int slider's rounded.

    >>> slider_values(w.IntSlider(min=1, max=4), points=4)
    [1, 2, 3, 4]
    >>> slider_values(w.SelectionSlider(options=list(range(10))), max_options=3)
    [0, 4, 9]
    """
    options = getattr(slider, "options", None)
    if options:
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        if max_options is not None and len(values) > max_options:
            values = [values[int(i)] for i in np.linspace(0, len(values) - 1, max_options)]
        return values
    if hasattr(slider, "base"):  # FloatLogSlider: min/max are exponents
        return [float(v) for v in slider.base ** np.linspace(slider.min, slider.max, points)]
    grid = np.linspace(slider.min, slider.max, points)
    if isinstance(slider.value, int):
        return sorted({int(round(v)) for v in grid})
    return [float(v) for v in grid]


class SliderPanel:
    """Sliders + one figure: on every slider change, compute(**values) -> draw(data, axes)."""

    def __init__(self, compute, draw, sliders, ncols, figsize, describe=None, dpi=80):
        self.compute, self.draw, self.sliders, self.describe = compute, draw, sliders, describe
        self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.figure)
        self.axes = np.atleast_1d(self.figure.subplots(1, ncols))
        self.image = w.Image(format="png", layout=w.Layout(width=f"{figsize[0] * dpi:.0f}px"))
        self.readout = w.HTML()
        for slider in sliders.values():
            slider.observe(self._on_change, names="value")
        self.widget = w.VBox([w.HBox(list(sliders.values())), self.image, self.readout])
        self.redraw()

    def values(self):
        """The sliders' current values, name -> value."""
        return {name: slider.value for name, slider in self.sliders.items()}

    def slider_values(self, points=9, max_options=None):
        """name -> every value that slider can take (see `slider_values`)."""
        return {
            name: slider_values(slider, points, max_options)
            for name, slider in self.sliders.items()
        }

    def redraw(self):
        """Recompute and re-render the figure for the current slider values; returns the data."""
        data = self.compute(**self.values())
        self.draw(data, self.axes)
        buffer = io.BytesIO()
        # One draw straight to PNG (savefig would draw twice: a layout dry run first, even with
        # the "none" engine), at a fast zlib level: the PNG is shown once and thrown away.
        self.figure.canvas.print_png(buffer, pil_kwargs={"compress_level": 1})
        # Lay out once (constrained layout costs ~40 ms a draw), then keep the positions.
        self.figure.set_layout_engine("none")
        self.image.value = buffer.getvalue()
        self.readout.value = self.describe(data) if self.describe else ""
        return data

    def _on_change(self, _change):
        self.redraw()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
