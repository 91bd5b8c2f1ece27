"""The web edition (`make html`): a page per notebook with its described figures and live static
slider panels, and an index. (tests/browser/test_web_edition.py drives it in Chromium.)"""

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
def test_page_turns_slider_panels_into_static_panels_and_loads_nothing_remote(site, notebook):
    page = (site / f"{notebook.stem}.html").read_text()
    panels = sum(WIDGET_VIEW in output.get("data", {}) for _, output in outputs(notebook))
    assert page.count('class="bn-panel"') == panels
    assert page.count('<p class="static-note">') == panels
    assert WIDGET_VIEW not in page
    for k in range(1, panels + 1):
        frames = site / "frames" / notebook.stem / f"panel{k}"
        data = re.search(rf'id="panel{k}".*?class="bn-panel-data"[^>]*>(.*?)</script>', page, re.S)
        data = json.loads(data.group(1).replace("<\\/", "</"))
        count = 1
        for size in data["sizes"]:
            count *= size
        assert len(data["frames"]) == count == len(list(frames.glob("*.png")))
        assert page.count(f'id="panel{k}-s') == len(data["sizes"])
    assert not re.search(r"""<script[^>]+src=["']?https?:""", page)
    assert 'src="mathjax/MathJax.js' in page
    for other in NOTEBOOKS:
        assert f'href="{other.name}' not in page, "a link to a notebook, not to its page"
    assert (site / "mathjax" / "MathJax.js").is_file()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_page_structure_language_skip_link_one_h1_and_described_images(site, notebook):
    page = (site / f"{notebook.stem}.html").read_text()
    assert '<html lang="en">' in page
    assert '<a class="skip-link" href="#content">Skip to content</a>' in page
    assert '<main id="content"' in page
    assert len(re.findall(r"<h1[ >]", page)) == 1
    for img in re.findall(r"<img[^>]*>", page):
        alt = re.search(r'alt="([^"]*)"', img)
        assert alt and len(alt.group(1)) > 60, f"image without a description: {img[:120]}"


def test_index_lists_objectives_and_time_of_every_notebook(site):
    index = (site / "index.html").read_text()
    assert '<html lang="en">' in index and index.count("<h1>") == 1
    rows = re.findall(r"<tr><td>.*?</tr>", index, re.S)
    assert len(rows) == len(NOTEBOOKS)
    for row in rows:
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        assert len(re.sub("<[^>]+>", "", cells[2]).strip()) > 20, row
        assert "minutes" in cells[3] or "hour" in cells[3], row
