"""Build the web edition of the course: one page per executed notebook, plus an index.

    python tools/build_site.py [--out site] [--cache build/frames]

Each notebook is rendered as committed, its figures embedded with their text descriptions (the
"alt" metadata `bnlib.plots` attaches). Every slider panel stays live with no kernel: the builder
executes the notebook once with `BNLIB_EXPORT_FRAMES` set, so each `SliderPanel` the notebook
builds writes a frame (PNG, readout, description) for every combination of its sliders' static
values, from the notebook's own data. The page gets native range inputs, the frame and a live
readout, swapped by a small script (`panels.js`); frames are separate files fetched when needed,
the panel data sits inline in the page, so `site/` works from a web server and as plain files.
Frames are cached in `--cache` under a hash of the notebook and bnlib's sources: an unchanged
notebook is not executed again. MathJax is copied next to the pages; nothing comes from the
network.
"""

import argparse
import hashlib
import html
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import jupyter_server_mathjax
import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from nbconvert.filters import markdown2html

ROOT = Path(__file__).resolve().parents[1]
ASSETS = Path(__file__).resolve().parent / "site_assets"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
EXPORT_FRAMES = "BNLIB_EXPORT_FRAMES"  # read by bnlib.widgets.SliderPanel
MATHJAX = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
COURSE = "Batch Normalization, interactively"
EXECUTE_TIMEOUT = 1200  # seconds per cell, on a loaded machine
# JupyterLab's page template, with: a language, a skip link, a navigation bar, figures with their
# descriptions (alt text and a disclosure), the site's stylesheet and the panels' script.
# Nothing is loaded from the internet: no require.js (it only serves widgets), no mermaid, and
# MathJax from the copy next to the pages, which ships the STIX web fonts only.
PAGE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{% block html_head_js_requirejs %}{% endblock %}
{% block html_head_js_mermaidjs %}{% endblock %}
{% block html_head_js_mathjax %}{{ super() }}
<script>MathJax.Hub.Config({"HTML-CSS": {availableFonts: ["STIX"], preferredFont: "STIX",
  webFont: "STIX-Web", imageFont: null}});</script>
{% endblock %}
{% block html_head_css %}<link rel="stylesheet" href="site.css">{% endblock %}
{%- block body_header -%}
<body class="jp-Notebook" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
<a class="skip-link" href="#content">Skip to content</a>
{{ resources.static_nav }}
<main id="content" tabindex="-1">
{%- endblock body_header -%}
{% block body_footer %}
</main>
<script src="panels.js"></script>
</body>
{% endblock body_footer %}
{% block data_png scoped %}
{%- set alt = output.metadata.get('image/png', {}).get('alt', '') -%}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<figure class="bn-figure">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
 alt="{{ alt | escape_html }}">
{%- if alt %}
<figcaption><details><summary>Figure description</summary><p>{{ alt | escape_html }}</p>
</details></figcaption>
{%- endif %}
</figure>
</div>
{%- endblock data_png %}
"""
INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="site.css">
</head>
<body class="bn-index">
<a class="skip-link" href="#content">Skip to content</a>
<main id="content" tabindex="-1">
<h1>{title}</h1>
<p>Every notebook of the course with its results and figures. The slider panels move here too,
with no install and no server: each shows views computed when the site was built. To run the
code, change it, or move a slider to a value that was not precomputed, open the notebooks in
JupyterLab (<code>make lab</code>) or on Binder, as the project's README describes.</p>
<table>
<caption>The notebooks, in order</caption>
<thead><tr><th scope="col">#</th><th scope="col">notebook</th>
<th scope="col">you leave able to</th><th scope="col">time</th></tr></thead>
<tbody>
{rows}
</tbody></table>
</main>
</body></html>
"""


def notebooks(folder):
    return sorted(folder.glob("*.ipynb"))


def check_executed(nb, path):
    """The site shows stored outputs, so every code cell with code must have run."""
    missing = [
        index
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and cell.source.strip() and cell.execution_count is None
    ]
    if missing:
        raise SystemExit(f"{path}: code cells {missing} were never run; execute and commit it")


def panel_count(nb):
    return sum(
        WIDGET_VIEW in output.get("data", {})
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )


def source_hash(path):
    """A hash of the notebook and of everything its frames depend on (bnlib's files)."""
    digest = hashlib.sha256(path.read_bytes())
    for file in sorted((ROOT / "bnlib").rglob("*")):
        if file.is_file() and file.suffix in {".py", ".npz"}:
            digest.update(str(file.relative_to(ROOT)).encode() + file.read_bytes())
    return digest.hexdigest()[:16]


def export_frames(path, cache):
    """Execute notebook `path` with frame export on; returns the folder holding panel1, ...

    Reuses `cache/<stem>-<hash>` when it exists (same notebook, same bnlib)."""
    from nbclient import NotebookClient

    folder = cache / f"{path.stem}-{source_hash(path)}"
    if (folder / "done").exists():
        return folder
    for old in cache.glob(f"{path.stem}-*"):
        shutil.rmtree(old)
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{path.stem}-", dir=cache))
    print(f"executing {path.name} to export its slider frames", flush=True)
    nb = nbformat.read(path, as_version=4)
    saved = {key: os.environ.get(key) for key in (EXPORT_FRAMES, "MPLBACKEND")}
    os.environ[EXPORT_FRAMES] = str(work)
    os.environ.pop("MPLBACKEND", None)  # the kernel draws inline, as a learner's does
    try:
        NotebookClient(
            nb,
            timeout=EXECUTE_TIMEOUT,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    (work / "done").write_text(path.name)
    work.rename(folder)
    return folder


def panel_html(manifest, page_stem, k):
    """A static slider panel: labelled range inputs, the frame, a live readout, a note."""
    pid = f"panel{k}"
    base = f"frames/{page_stem}/{pid}/"
    sliders = manifest["sliders"]
    sizes = [len(s["values"]) for s in sliders]
    index = 0
    for slider, size in zip(sliders, sizes, strict=True):
        index = index * size + slider["default"]
    frame = manifest["frames"][index]
    controls = []
    for j, slider in enumerate(sliders):
        sid = f"{pid}-s{j + 1}"
        value = slider["values"][slider["default"]]
        controls.append(
            f'<div class="bn-control"><label for="{sid}">{html.escape(slider["label"])}</label>'
            f'<input type="range" id="{sid}" min="0" max="{len(slider["values"]) - 1}" '
            f'step="1" value="{slider["default"]}" aria-valuetext="{html.escape(value)}">'
            f'<output for="{sid}" aria-hidden="true">{html.escape(value)}</output></div>'
        )
    names = " and ".join(s["label"] for s in sliders)
    data = {
        "base": base,
        "sizes": sizes,
        "labels": [s["values"] for s in sliders],
        "frames": [[f["readout"], f["description"]] for f in manifest["frames"]],
    }
    data_json = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return (
        f'<div class="bn-panel" role="group" aria-labelledby="{pid}-title" id="{pid}">'
        f'<p class="bn-panel-title" id="{pid}-title">Slider panel: {html.escape(names)}</p>'
        f'<div class="bn-controls">{"".join(controls)}</div>'
        f'<img class="bn-frame" src="{base}{index}.png" width="{manifest["width"]}" '
        f'height="{manifest["height"]}" alt="{html.escape(frame["description"])}">'
        f'<p class="bn-readout" aria-live="polite">{frame["readout"]}</p>'
        f'<details class="bn-description"><summary>Figure description</summary>'
        f"<p>{html.escape(frame['description'])}</p></details>"
        f'<p class="static-note">These views were computed when this page was built, for '
        f"{len(manifest['frames'])} settings of the sliders (use the arrow keys or drag). The "
        "notebook, in JupyterLab or on Binder, computes any value.</p>"
        f'<script type="application/json" class="bn-panel-data">{data_json}</script></div>'
    )


def static_outputs(nb, panels):
    """Replace each live-widget output by its static panel; drop saved widget state."""
    k = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if any(WIDGET_VIEW in output.get("data", {}) for output in cell.outputs):
            k += 1
            output = nbformat.v4.new_output("display_data", data={"text/html": panels[k - 1]})
            cell.outputs = [output]
    nb.metadata.pop("widgets", None)
    return nb


def collapse_solutions(body, nb):
    """Put every cell JupyterLab opens hidden (a solution: its code and output both hidden, see
    tools/make_student.py) inside a collapsed "Show solution" disclosure, so that the web edition
    too shows a solution only when the learner asks for it."""
    for cell in nb.cells:
        hidden = cell.get("metadata", {}).get("jupyter", {})
        if not (hidden.get("source_hidden") and hidden.get("outputs_hidden")):
            continue
        anchor = body.index(f'id="{html.escape("cell-id=" + cell.id)}"')
        start = body.rindex("<div", 0, anchor)  # the cell's own <div>, whatever its attributes
        depth = 0
        for tag in re.finditer(r"<div\b|</div>", body[start:]):  # the cell's own closing tag
            depth += 1 if tag.group() == "<div" else -1
            if depth == 0:
                end = start + tag.end()
                break
        body = (
            f'{body[:start]}<details class="bn-solution"><summary>Show solution</summary>'
            f"{body[start:end]}</details>{body[end:]}"
        )
    return body


def title_of(nb, path):
    """The first markdown heading of the notebook, else its file name."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.MULTILINE)
            if match:
                return match.group(1).strip()
    return path.stem


TEX = {
    r"\mu": "μ",
    r"\sigma": "σ",
    r"\gamma": "γ",
    r"\beta": "β",
    r"\epsilon": "ε",
    r"\hat": "",
    "^2": "²",
    "{": "",
    "}": "",
}


def plain(text):
    """A title with its inline TeX ($\\mu$, $\\sigma^2$) as plain Unicode, for link text.

    >>> plain(r"which $\\mu$ and $\\sigma^2$")
    'which μ and σ²'
    """

    def untex(match):
        tex = match.group(1)
        for command, letter in TEX.items():
            tex = tex.replace(command, letter)
        return tex.replace("\\", "")

    return re.sub(r"\$([^$]+)\$", untex, text)


def time_needed(nb):
    """The time the first cell states ("Time: about 30 minutes"), or an empty string."""
    first = nb.cells[0].source if nb.cells and nb.cells[0].cell_type == "markdown" else ""
    match = re.search(r"Time:\**\s*([^.\n]+)", first)
    return match.group(1).strip() if match else ""


def objectives(nb):
    """The first cell's "What you'll learn" list as markdown, or an empty string."""
    first = nb.cells[0].source if nb.cells and nb.cells[0].cell_type == "markdown" else ""
    match = re.search(r"What you'll learn\**\s*\n((?:\s*[-*] .*\n?)+)", first)
    return match.group(1).strip() if match else ""


def readme_table(readme):
    """notebook file name -> the README's "you leave able to" cell, as markdown."""
    rows = {}
    for line in readme.read_text().splitlines():
        match = re.match(r"^\|[^|]*\|[^|]*\(notebooks/([^)]+\.ipynb)\)[^|]*\|(.*)\|\s*$", line)
        if match:
            rows[match.group(1)] = match.group(2).strip()
    return rows


def nav(pages, titles, index):
    links = ['<a href="index.html">All notebooks (course index)</a>']
    if index > 0:
        links.append(f'<a href="{pages[index - 1]}">Previous: {html.escape(titles[index - 1])}</a>')
    if index + 1 < len(pages):
        links.append(f'<a href="{pages[index + 1]}">Next: {html.escape(titles[index + 1])}</a>')
    return f'<nav class="static-nav" aria-label="Course">{"".join(links)}</nav>'


def link_to_page(paths):
    """A re.sub callback that turns a link to one of `paths` into a link to its page."""
    stems = {path.stem for path in paths}

    def replace(match):
        stem, anchor = match.group(1), match.group(2) or ""
        return f'href="{stem}.html{anchor}"' if stem in stems else match.group(0)

    return replace


def panels_for(path, nb, out, cache):
    """Export (or reuse) `path`'s frames, copy them into `out/frames/<stem>/`, return each
    panel's HTML in the notebook's order."""
    count = panel_count(nb)
    if not count:
        return []
    folder = export_frames(path, cache)
    exported = sorted(folder.glob("panel*"), key=lambda p: int(p.name[5:]))
    if len(exported) != count:
        raise SystemExit(
            f"{path.name}: {count} slider panels shown but {len(exported)} exported; every "
            "panel output must come from one SliderPanel built in the notebook"
        )
    htmls = []
    for k, panel in enumerate(exported, start=1):
        target = out / "frames" / path.stem / f"panel{k}"
        shutil.copytree(panel, target, ignore=shutil.ignore_patterns("panel.json"))
        manifest = json.loads((panel / "panel.json").read_text())
        htmls.append(panel_html(manifest, path.stem, k))
    return htmls


def build(out, source=ROOT / "notebooks", readme=ROOT / "README.md", cache=ROOT / "build/frames"):
    """Render every notebook in `source` and the index into `out`; returns the page paths."""
    paths = notebooks(source)
    if not paths:
        raise SystemExit(f"no notebooks in {source}")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(Path(jupyter_server_mathjax.__file__).parent / "static", out / "mathjax")
    for asset in ("site.css", "panels.js"):
        shutil.copy(ASSETS / asset, out / asset)
    exporter = HTMLExporter(
        template_name="lab",
        template_file="static_page.html.j2",
        extra_loaders=[DictLoader({"static_page.html.j2": PAGE_TEMPLATE})],
        embed_images=True,
        mathjax_url=MATHJAX,
    )
    pages = [f"{path.stem}.html" for path in paths]
    books = [nbformat.read(path, as_version=4) for path in paths]
    titles = [plain(title_of(nb, path)) for nb, path in zip(books, paths, strict=True)]
    able_to = readme_table(readme) if readme.exists() else {}
    rows = []
    for index, (path, nb) in enumerate(zip(paths, books, strict=True)):
        check_executed(nb, path)
        panels = panels_for(path, nb, out, cache)
        resources = {
            "metadata": {"name": titles[index]},
            "static_nav": nav(pages, titles, index),
            "language_code": "en",
        }
        body, _ = exporter.from_notebook_node(static_outputs(nb, panels), resources=resources)
        body = collapse_solutions(body, nb)
        # Links between notebooks ("Next: 02 ...") lead to the other pages.
        body = re.sub(r'href="([^"/:]+)\.ipynb(#[^"]*)?"', link_to_page(paths), body)
        (out / pages[index]).write_text(body, encoding="utf-8")
        number = path.stem.split("_")[0]
        goals = able_to.get(path.name) or objectives(nb)
        rows.append(
            f"<tr><td>{html.escape(number)}</td>"
            f'<td><a href="{pages[index]}">{html.escape(titles[index])}</a></td>'
            f"<td>{markdown2html(goals)}</td>"
            f"<td>{html.escape(time_needed(nb))}</td></tr>"
        )
    (out / "index.html").write_text(INDEX.format(title=COURSE, rows="\n".join(rows)))
    return [out / page for page in ["index.html", *pages]]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="output folder")
    parser.add_argument(
        "--cache", type=Path, default=ROOT / "build" / "frames", help="exported frames, reused"
    )
    args = parser.parse_args(argv)
    for page in build(args.out, cache=args.cache):
        print(page.relative_to(Path.cwd()) if page.is_relative_to(Path.cwd()) else page)


if __name__ == "__main__":
    sys.exit(main())
