"""Static frames for the web edition: each panel's precomputed slider values, and the export
(tools/export_frames.py, hooked to the panels by `slider_panel.watch_panels`)."""

import ast
import json
import sys
from pathlib import Path

import ipywidgets as w
import pytest

from bncourse import panels as widgets
from bncourse import slider_panel as _panel
from bncourse.slider_panel import slider_values, value_label

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import export_frames  # noqa: E402  (tools/ is not a package)

sys.path.pop(0)

FRAME_BUDGET = 200  # frames per panel: a page's panel must stay small enough to build and ship


@pytest.mark.parametrize("name", sorted(widgets.PANELS))
def test_every_panel_precomputes_extremes_default_and_prose_values(name):
    panel = widgets.PANELS[name]()
    grid = export_frames.frame_values(panel)
    assert list(grid) == list(panel.sliders)
    frames = 1
    for slider_name, values in grid.items():
        slider = panel.sliders[slider_name]
        assert slider.value in values, f"{name}.{slider_name}: default missing"
        assert "_" not in slider.description, f"{name}: label a word, not {slider.description}"
        if hasattr(slider, "options"):
            options = list(slider._options_values)
            assert options[0] in values and options[-1] in values
        else:
            low, high = (
                (slider.base**slider.min, slider.base**slider.max)
                if hasattr(slider, "base")
                else (slider.min, slider.max)
            )
            assert values[0] == pytest.approx(low) and values[-1] == pytest.approx(high)
        for wanted in panel.try_values.get(slider_name, ()):
            assert any(v == pytest.approx(wanted) for v in values), f"{slider_name}={wanted}"
        assert values == sorted(values) and len(set(values)) == len(values)
        frames *= len(values)
    assert 2 <= frames <= FRAME_BUDGET


def test_slider_values_snap_prose_values_to_the_slider_steps():
    slider = w.FloatSlider(value=0.0, min=-5.0, max=5.0, step=0.1)
    assert slider_values(slider, [2.04, 9.0], points=3) == [-5.0, 0.0, 2.0, 5.0]
    selection = w.SelectionSlider(options=list(range(100)), value=37)
    values = slider_values(selection, [61], points=5)
    assert values[0] == 0 and values[-1] == 99 and 37 in values and 61 in values


def test_value_label_is_what_the_slider_shows():
    log = w.FloatLogSlider(value=1e-5, min=-8, max=0, readout_format=".1e")
    assert value_label(log, 1e-5) == "1.0e-05"
    assert value_label(w.SelectionSlider(options=[("one", 1), ("two", 2)]), 2) == "two"
    assert value_label(w.IntSlider(value=3, max=5), 3) == "3"


def test_the_exporter_writes_a_frame_per_combination_of_every_panel_built(tmp_path):
    stop = export_frames.start(tmp_path)
    try:
        panel = widgets.batch_size_panel()
        widgets.epsilon_panel()
    finally:
        stop()
    manifest = json.loads((tmp_path / "panel1" / export_frames.MANIFEST).read_text())
    (slider,) = manifest["sliders"]
    assert slider["values"] == [str(v) for v in export_frames.frame_values(panel)["batch_size"]]
    assert slider["values"][slider["default"]] == "8"
    assert len(manifest["frames"]) == len(slider["values"])
    files = [frame["file"] for frame in manifest["frames"]]
    pngs = {(tmp_path / "panel1" / file).read_bytes() for file in files}
    assert len(pngs) == len(slider["values"]) and all(p[:4] == b"\x89PNG" for p in pngs)
    first, last = manifest["frames"][0], manifest["frames"][-1]
    assert first["readout"].startswith("batch size 1:") and "size 256" in last["description"]
    assert export_frames.default_frame(manifest)["readout"].startswith("batch size 8:")
    assert panel.values() == {"batch_size": 8}  # left showing its own value
    assert "size 8" in panel.readout.value
    # The second panel built: two sliders, its frames in product order (the first slider
    # slowest), each at its position in the nested lists the page gets.
    second = json.loads((tmp_path / "panel2" / export_frames.MANIFEST).read_text())
    sizes = [len(s["values"]) for s in second["sliders"]]
    positions = [tuple(f["position"]) for f in second["frames"]]
    assert positions == sorted(positions) and len(set(positions)) == sizes[0] * sizes[1]
    tree = export_frames.nested(second, lambda f: f["file"])
    assert len(tree) == sizes[0] and {len(row) for row in tree} == {sizes[1]}
    assert tree[1][2] == second["frames"][sizes[1] + 2]["file"]


def test_no_export_once_stopped_and_a_panel_reads_no_environment(tmp_path, monkeypatch):
    export_frames.start(tmp_path / "frames")()
    monkeypatch.chdir(tmp_path)
    widgets.batch_size_panel()
    assert not list(tmp_path.iterdir())
    tree = ast.parse(Path(_panel.__file__).read_text())
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported = {name.split(".")[0] for name in imported}
    assert not imported & {"os", "PIL", "pathlib", "json"}, imported


NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_a_panel_stores_a_readable_line_and_names_its_sliders():
    panel = widgets.epsilon_panel()
    bundle = panel._repr_mimebundle_()
    assert WIDGET_VIEW in bundle
    assert bundle["text/plain"] == (
        "Slider panel (eps, feature std): run the notebook's cells to use it."
    )
    note = panel.widget.children[0]
    assert isinstance(note, w.HTML) and "web edition" in note.value


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_no_raw_widget_repr_is_stored_as_a_panel_output(notebook):
    """Before Run All, JupyterLab and notebook viewers show a panel's stored text/plain: the
    readable line, not `VBox(children=(HBox(...`."""
    cells = json.loads(notebook.read_text())["cells"]
    for cell in cells:
        for output in cell.get("outputs", []):
            if WIDGET_VIEW in output.get("data", {}):
                text = "".join(output["data"]["text/plain"])
                assert text.startswith("Slider panel (") and "children=" not in text, text
