"""SliderPanel: ipywidgets sliders wired to a pure compute function and a `bnlib.plots` function.

Each panel redraws one persistent matplotlib figure (Agg, no pyplot state) into a PNG shown by
an `ipywidgets.Image`, so a redraw is compute + draw + encode and nothing leaks between cells.
"""

import io

import ipywidgets as w
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


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
        return {name: slider.value for name, slider in self.sliders.items()}

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
