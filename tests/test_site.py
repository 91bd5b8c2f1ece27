"""The web edition (`make html`): a page per notebook with its described figures and live static
slider panels, and an index. (tests/browser/test_web_edition.py drives it in Chromium.)"""

import base64
import doctest
import json
import math
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build_site  # noqa: E402  (tools/ is not a package)

sys.path.pop(0)
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


class Tags(HTMLParser):
    """Every start tag of a page as (name, attributes), attribute order aside (nbconvert's
    serializer reorders them)."""

    def __init__(self, page):
        super().__init__()
        self.found = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def all(self, tag, **attrs):
        return [
            a for t, a in self.found if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


def leaves(frames, sizes):
    """The frames of a panel's nested lists, checking one level per slider, one entry per value."""
    assert len(frames) == sizes[0]
    if len(sizes) == 1:
        return list(frames)
    return [frame for node in frames for frame in leaves(node, sizes[1:])]


def outputs(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    return [(cell, output) for cell in cells for output in cell.get("outputs", [])]


def test_index_links_every_notebook_page(site):
    index = (site / "index.html").read_text()
    for notebook in NOTEBOOKS:
        assert f'href="{notebook.stem}.html"' in index


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_page_shows_every_stored_figure_as_a_file_linked_at_full_size(site, notebook):
    """Every stored figure is on the page as a file with a link to it, except a panel's
    default view drawn just above the panel (the panel shows that view itself)."""
    page = (site / f"{notebook.stem}.html").read_text()
    tags = Tags(page)
    images = [a for a in tags.all("img") if a.get("src", "").startswith("figures/")]
    shown = {(site / a["src"]).read_bytes() for a in images}
    links = {a["href"] for a in tags.all("a") if a.get("class") == "bn-full-size"}
    assert {a["src"] for a in images} <= links, "a figure without its full-size link"
    frames_alt = {a["alt"] for a in tags.all("img") if a.get("class") == "bn-frame"}
    left_out = 0
    for _, output in outputs(notebook):
        if "image/png" not in output.get("data", {}) or WIDGET_VIEW in output["data"]:
            continue
        png = base64.b64decode("".join(output["data"]["image/png"]))
        if png not in shown:
            left_out += 1
            alt = output["metadata"]["image/png"]["alt"]
            assert alt in frames_alt, "a figure is missing, not a panel's view"
    panels = sum(WIDGET_VIEW in output.get("data", {}) for _, output in outputs(notebook))
    assert left_out <= panels


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
        sizes = [len(labels) for labels in data["labels"]]
        files = {frame[0] for frame in leaves(data["frames"], sizes)}
        assert len(files) == math.prod(sizes) == len(list(frames.glob("*.png")))
        assert all((site / file).is_file() for file in files)
        assert page.count(f'id="panel{k}-s') == len(sizes)
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


def test_index_lists_goals_prerequisites_time_total_and_links(site):
    index = (site / "index.html").read_text()
    assert '<html lang="en">' in index and index.count("<h1>") == 1
    rows = re.findall(r"<tr><td>.*?</tr>", index, re.S)
    assert len(rows) == len(NOTEBOOKS)
    low = high = 0
    for row in rows:
        cells = dict(re.findall(r'<td data-label="([^"]+)">(.*?)</td>', row, re.S))
        goals = re.sub("<[^>]+>", "", cells["you leave able to"]).strip()
        assert len(goals) > 20, row
        assert not re.search(r"(?<!\\)\b(mu_B|sigma_B|x_hat)\b", goals), "goals in ASCII math"
        assert len(re.sub("<[^>]+>", "", cells["prerequisites"]).strip()) > 10, row
        lo, hi = build_site.minutes(cells["time"])
        low, high = low + lo, high + hi
    stated = re.search(r"<strong>Time:</strong> (about [^,]+),", index).group(1)
    assert stated == build_site.duration((low, high))
    # The README's first screen states the same total.
    assert f"**Time:** {stated} in all" in (ROOT / "README.md").read_text()
    assert re.search(r'href="https://github\.com/[^"/]+/[^"/]+">the repository</a>', index)
    assert re.search(r'href="https://mybinder\.org/v2/gh/[^"]+">Binder</a>', index)
    assert 'src="mathjax/MathJax.js' in index


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_page_has_course_navigation_at_top_and_bottom_and_a_skip_link_per_panel(site, notebook):
    page = (site / f"{notebook.stem}.html").read_text()
    tags = Tags(page)
    assert len(tags.all("nav", **{"class": "static-nav"})) == 2
    assert page.index("</main>") < page.rindex("static-nav")
    panels = len(tags.all("div", **{"class": "bn-panel"}))
    skips = [a["href"] for a in tags.all("a", **{"class": "skip-link"})]
    assert skips == ["#content", *[f"#panel{k}" for k in range(1, panels + 1)]]
    assert not [a for _, a in tags.found if a.get("tabindex") == "0"], "panels.js decides"


def test_builder_helpers_doctests():
    """The builder's helpers (times, headlines, spacing notes) run their `>>>` examples."""
    result = doctest.testmod(build_site)
    assert result.attempted >= 5 and result.failed == 0
    result = doctest.testmod(build_site.export_frames)
    assert result.attempted >= 3 and result.failed == 0
