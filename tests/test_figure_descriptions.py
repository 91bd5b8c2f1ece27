"""Every figure carries a text description written from its data (bncourse.style.describe)."""

import importlib
import inspect
import json
import re
from pathlib import Path

import matplotlib
import numpy as np
import pytest

import bncourse
from bncourse.style import describe, description

matplotlib.use("Agg")
NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
MIN_LENGTH = 60  # shorter is a label, not a description


def figures(notebook):
    """(cell index, output) for every image output stored in `notebook`."""
    cells = json.loads(notebook.read_text())["cells"]
    return [
        (index, output)
        for index, cell in enumerate(cells)
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_every_stored_figure_has_a_description(notebook):
    for index, output in figures(notebook):
        alt = output.get("metadata", {}).get("image/png", {}).get("alt", "")
        assert len(alt) >= MIN_LENGTH, f"{notebook.name} cell {index}: no description: {alt!r}"
        assert "<Figure" not in alt
        text = "".join(output["data"].get("text/plain", ""))
        assert text == alt, f"{notebook.name} cell {index}: text/plain is not the description"


def plot_functions():
    """(qualified name, function) for every public function of a notebook folder's plots."""
    found = []
    for path in sorted(Path(bncourse.__file__).parent.glob("*/*plots.py")):
        module = importlib.import_module(f"bncourse.{path.parent.name}.{path.stem}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and fn.__module__ == module.__name__:
                found.append((f"{module.__name__}.{name}", fn))
    return found


@pytest.mark.parametrize("name, fn", plot_functions(), ids=[n for n, _ in plot_functions()])
def test_every_plot_function_describes_its_figure(name, fn):
    source = inspect.getsource(fn)
    assert re.search(r"\b_?describe\w*\(", source), f"{name} attaches no description"


def test_describe_puts_the_text_into_the_display_metadata():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    assert description(fig) is None
    assert describe(ax, "a line from (0, 0) to (1, 1)") is ax
    data, metadata = fig._repr_mimebundle_()
    assert data == {"text/plain": "a line from (0, 0) to (1, 1)"}
    assert metadata == {"image/png": {"alt": "a line from (0, 0) to (1, 1)"}}
    describe(np.array([ax]), "redrawn")
    assert fig._repr_mimebundle_()[1]["image/png"]["alt"] == "redrawn"
    plt.close(fig)


def test_ipython_displays_the_description_with_the_png():
    from IPython.core.interactiveshell import InteractiveShell
    from matplotlib_inline.backend_inline import configure_inline_support

    shell = InteractiveShell.instance()
    configure_inline_support(shell, "module://matplotlib_inline.backend_inline")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    describe(ax, "an empty plot, described")
    data, metadata = shell.display_formatter.format(fig)
    assert data["image/png"]  # the PNG itself, as the inline backend encodes it
    assert data["text/plain"] == "an empty plot, described"
    assert metadata["image/png"]["alt"] == "an empty plot, described"
    plt.close(fig)
