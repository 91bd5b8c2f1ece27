"""The web edition's slider frames: every slider panel a notebook builds, rendered (in the
executed notebook, from the notebook's own data) for every combination of its sliders' static
values, so the page can swap precomputed images with no kernel.

The hook. The course's panels know nothing of the site: `bncourse.slider_panel.watch_panels`
calls a function with every SliderPanel once it shows its first view. tools/build_site.py
executes a copy of the notebook whose first cell is `setup_cell(folder)`: it imports this
module in the kernel and calls `start(folder)`, which registers `export_panel` with
`watch_panels`; the k-th panel built writes `<folder>/panel<k>/`.

The one definition of the frames' names and order. A panel's static values per slider are
`frame_values` (its extremes, its default, the values the prose asks to try, an even grid of
`GRID_POINTS`); frame i is the i-th combination of `itertools.product` over the sliders in
their order (the first slider varies slowest), written to `frame_file(i)`. `panel.json` lists
the sliders (labels of their values, the default's position) and, for each frame, its file, its
position (one value index per slider), readout and figure description. The builder writes the
frames into the page as nested lists indexed by position, so panels.js only follows the
positions of its range inputs to a frame's file and texts.
"""

import io
import itertools
import json
from pathlib import Path

from PIL import Image

from bncourse.slider_panel import value_label, watch_panels
from bncourse.style import description

# Static values per slider: a panel with one slider gets a fine grid, with two a coarser one,
# with more (every combination is rendered) a coarser one still.
GRID_POINTS = {1: 41, 2: 11}
OTHER_POINTS = 7
PALETTE = 64  # colours of an exported frame (`small_png`)
MANIFEST = "panel.json"


def frame_values(panel):
    """name -> the values the static edition precomputes for that slider of `panel`."""
    return panel.slider_values(GRID_POINTS.get(len(panel.sliders), OTHER_POINTS))


def frame_file(index):
    """The file name of frame `index`.

    >>> frame_file(12)
    '12.png'
    """
    return f"{index}.png"


def combinations(grid):
    """(position, values) for every frame of `grid` (name -> static values), in frame order:
    position holds one value index per slider, values maps name -> value.

    >>> [p for p, _ in combinations({"a": [1, 2], "b": [5, 6, 7]})][:4]
    [(0, 0), (0, 1), (0, 2), (1, 0)]
    """
    names = list(grid)
    for position in itertools.product(*(range(len(values)) for values in grid.values())):
        yield position, {name: grid[name][k] for name, k in zip(names, position, strict=True)}


def small_png(png, colors=PALETTE):
    """`png` with its colours reduced to a `colors`-colour palette: about a third of the bytes,
    and plots (flat colours, thin lines, antialiased text) look the same."""
    with Image.open(io.BytesIO(png)) as image:
        reduced = image.convert("RGB").quantize(colors=colors, method=Image.Quantize.MEDIANCUT)
    buffer = io.BytesIO()
    reduced.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def export_panel(panel, folder):
    """Render every frame of `panel` into `folder` (`frame_file(i)` each, and `panel.json`);
    leaves the panel showing its sliders' own values again. Returns the manifest."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    grid = frame_values(panel)
    current = panel.values()
    frames = []
    for index, (position, values) in enumerate(combinations(grid)):
        data, png = panel.render(values, full=True)  # a full draw: exact, kept pixels
        (folder / frame_file(index)).write_bytes(small_png(png))
        frames.append(
            {
                "file": frame_file(index),
                "position": list(position),
                "readout": panel.readout_of(data),
                "description": description(panel.figure) or "",
            }
        )
    sliders = [
        {
            "name": name,
            "label": slider.description or name,
            "values": [value_label(slider, v) for v in grid[name]],
            "default": grid[name].index(current[name]) if current[name] in grid[name] else 0,
        }
        for name, slider in panel.sliders.items()
    ]
    width, height = panel.figure.canvas.get_width_height()
    manifest = {"sliders": sliders, "frames": frames, "width": width, "height": height}
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    panel.redraw()
    return manifest


def start(folder):
    """Export every panel built from now on into `folder`/panel1, panel2, ... in build order.
    Returns a function that stops it."""
    numbers = itertools.count(1)
    return watch_panels(lambda panel: export_panel(panel, Path(folder) / f"panel{next(numbers)}"))


def setup_cell(folder):
    """The code the builder runs first in the kernel of a notebook it exports: this module,
    imported from tools/, starts exporting into `folder`."""
    tools = str(Path(__file__).resolve().parent)
    return (
        f"import sys\nsys.path.insert(0, {tools!r})\nimport export_frames\n"
        f"sys.path.remove({tools!r})\nexport_frames.start({str(folder)!r})"
    )


def default_frame(manifest):
    """The frame the sliders' defaults select (the one a page shows first)."""
    wanted = [slider["default"] for slider in manifest["sliders"]]
    return next(frame for frame in manifest["frames"] if frame["position"] == wanted)


def nested(manifest, leaf):
    """The frames as nested lists indexed by position (one level per slider), each frame as
    `leaf(frame)`: what panels.js walks with its inputs' values.

    >>> m = {"sliders": [{"values": ["1", "2"]}, {"values": ["a", "b", "c"]}],
    ...      "frames": [{"position": [i, j]} for i in range(2) for j in range(3)]}
    >>> nested(m, lambda f: f["position"])
    [[[0, 0], [0, 1], [0, 2]], [[1, 0], [1, 1], [1, 2]]]
    """

    def empty(sizes):
        return [empty(sizes[1:]) if len(sizes) > 1 else None for _ in range(sizes[0])]

    tree = empty([len(slider["values"]) for slider in manifest["sliders"]])
    for frame in manifest["frames"]:
        *path, last = frame["position"]
        node = tree
        for k in path:
            node = node[k]
        node[last] = leaf(frame)
    return tree
