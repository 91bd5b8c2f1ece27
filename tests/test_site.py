"""The static HTML edition (`make html`): a page per notebook with its figures, and an index."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# Building the static edition converts every notebook (about 55 s wall on the shared machine):
# run by `make slow`, not `make unit`.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    run = subprocess.run(
        [sys.executable, ROOT / "tools" / "build_site.py", "--out", out],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    return out


def outputs(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    return [(cell, output) for cell in cells for output in cell.get("outputs", [])]


def test_index_links_every_notebook_page(site):
    index = (site / "index.html").read_text()
    for notebook in NOTEBOOKS:
        assert f'href="{notebook.stem}.html"' in index


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_page_embeds_every_stored_figure(site, notebook):
    page = (site / f"{notebook.stem}.html").read_text()
    figures = [
        output["data"]["image/png"]
        for cell, output in outputs(notebook)
        if "image/png" in output.get("data", {}) and WIDGET_VIEW not in output["data"]
    ]
    for figure in figures:
        png = "".join(figure).replace("\n", "")
        assert f"data:image/png;base64,{png[:200]}" in page
    assert page.count("data:image/png;base64,") >= len(figures)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_page_replaces_slider_panels_by_a_note_and_loads_nothing_remote(site, notebook):
    page = (site / f"{notebook.stem}.html").read_text()
    panels = sum(WIDGET_VIEW in output.get("data", {}) for _, output in outputs(notebook))
    assert page.count('<p class="static-note">') == panels
    assert WIDGET_VIEW not in page
    assert not re.search(r"""<script[^>]+src=["']?https?:""", page)
    assert 'src="mathjax/MathJax.js' in page
    for other in NOTEBOOKS:
        assert f'href="{other.name}' not in page, "a link to a notebook, not to its page"
    assert (site / "mathjax" / "MathJax.js").is_file()
