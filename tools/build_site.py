"""Build the static HTML edition of the course: one page per executed notebook, plus an index.

    python tools/build_site.py [--out site]

Each notebook is rendered as committed (no kernel runs), with its figures embedded in the page.
A slider panel needs a kernel, so its output becomes a short note; the plain cell before each
panel already shows its default figure. MathJax is copied next to the pages, so the site reads
offline too. The index repeats the README's notebook table, linked to the pages.
"""

import argparse
import html
import re
import shutil
import sys
from pathlib import Path

import jupyter_server_mathjax
import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from nbconvert.filters import markdown2html

ROOT = Path(__file__).resolve().parents[1]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MATHJAX = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
PANEL_NOTE = (
    '<p class="static-note">Interactive panel: its sliders move in JupyterLab or on Binder. '
    "Its default view is the figure above.</p>"
)
# JupyterLab's page template, plus a navigation bar. Nothing is loaded from the internet: no
# require.js (it only serves widgets), no mermaid, and MathJax from the copy next to the pages,
# which ships the STIX web fonts only.
PAGE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{% block html_head_js_requirejs %}{% endblock %}
{% block html_head_js_mermaidjs %}{% endblock %}
{% block html_head_js_mathjax %}{{ super() }}
<script>MathJax.Hub.Config({"HTML-CSS": {availableFonts: ["STIX"], preferredFont: "STIX",
  webFont: "STIX-Web", imageFont: null}});</script>
{% endblock %}
{% block extra_css %}<style>
.static-nav { font: 14px/1.5 system-ui, sans-serif; padding: 8px 16px; background: #f5f5f5;
  border-bottom: 1px solid #ddd; display: flex; gap: 24px; }
.static-note { font-style: italic; color: #555; border-left: 3px solid #1976d2;
  padding: 2px 10px; margin: 4px 0; }
</style>{% endblock %}
{% block body_header %}{{ super() }}{{ resources.static_nav }}{% endblock %}
"""
INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 16px/1.6 system-ui, sans-serif; max-width: 60em; margin: 2em auto;
  padding: 0 1em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; vertical-align: top; padding: 6px 10px;
  border-bottom: 1px solid #ddd; }}
th {{ background: #f5f5f5; }}
</style></head>
<body>
<h1>{title}</h1>
<p>The static edition: every notebook as committed, with its printed results and figures.
Nothing runs here. To run the code and move the sliders, open the notebooks in JupyterLab
(<code>make lab</code>) or on Binder; both are described in the project's README.</p>
<table>
<thead><tr><th>#</th><th>notebook</th><th>you leave able to</th><th>time</th></tr></thead>
<tbody>
{rows}
</tbody></table>
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


def static_outputs(nb):
    """Replace live-widget outputs by a note; drop saved widget state (it needs a kernel)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if any(WIDGET_VIEW in output.get("data", {}) for output in cell.outputs):
            cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": PANEL_NOTE})]
    nb.metadata.pop("widgets", None)
    return nb


def title_of(nb, path):
    """The first markdown heading of the notebook, else its file name."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.MULTILINE)
            if match:
                return match.group(1).strip()
    return path.stem


def time_needed(nb):
    """The time the first cell states ("Time: about 30 minutes"), or an empty string."""
    first = nb.cells[0].source if nb.cells and nb.cells[0].cell_type == "markdown" else ""
    match = re.search(r"Time:\**\s*([^.\n]+)", first)
    return match.group(1).strip() if match else ""


def readme_table(readme):
    """notebook file name -> the README's "you leave able to" cell, as markdown."""
    rows = {}
    for line in readme.read_text().splitlines():
        match = re.match(r"^\|[^|]*\|[^|]*\(notebooks/([^)]+\.ipynb)\)[^|]*\|(.*)\|\s*$", line)
        if match:
            rows[match.group(1)] = match.group(2).strip()
    return rows


def nav(pages, index):
    links = ['<a href="index.html">all notebooks</a>']
    if index > 0:
        links.append(f'<a href="{pages[index - 1]}">&larr; previous</a>')
    if index + 1 < len(pages):
        links.append(f'<a href="{pages[index + 1]}">next &rarr;</a>')
    return f'<nav class="static-nav">{"".join(links)}</nav>'


def link_to_page(paths):
    """A re.sub callback that turns a link to one of `paths` into a link to its page."""
    stems = {path.stem for path in paths}

    def replace(match):
        stem, anchor = match.group(1), match.group(2) or ""
        return f'href="{stem}.html{anchor}"' if stem in stems else match.group(0)

    return replace


def build(out, source=ROOT / "notebooks", readme=ROOT / "README.md"):
    """Render every notebook in `source` and the index into `out`; returns the page paths."""
    paths = notebooks(source)
    if not paths:
        raise SystemExit(f"no notebooks in {source}")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(Path(jupyter_server_mathjax.__file__).parent / "static", out / "mathjax")
    exporter = HTMLExporter(
        template_name="lab",
        template_file="static_page.html.j2",
        extra_loaders=[DictLoader({"static_page.html.j2": PAGE_TEMPLATE})],
        embed_images=True,
        mathjax_url=MATHJAX,
    )
    pages = [f"{path.stem}.html" for path in paths]
    able_to = readme_table(readme) if readme.exists() else {}
    rows = []
    for index, path in enumerate(paths):
        nb = nbformat.read(path, as_version=4)
        check_executed(nb, path)
        title = title_of(nb, path)
        resources = {"metadata": {"name": title}, "static_nav": nav(pages, index)}
        body, _ = exporter.from_notebook_node(static_outputs(nb), resources=resources)
        # Links between notebooks ("Next: 02 ...") lead to the other pages.
        body = re.sub(r'href="([^"/:]+)\.ipynb(#[^"]*)?"', link_to_page(paths), body)
        (out / pages[index]).write_text(body, encoding="utf-8")
        number = path.stem.split("_")[0]
        rows.append(
            f"<tr><td>{html.escape(number)}</td>"
            f'<td><a href="{pages[index]}">{html.escape(title)}</a></td>'
            f"<td>{markdown2html(able_to.get(path.name, ''))}</td>"
            f"<td>{html.escape(time_needed(nb))}</td></tr>"
        )
    course = "Batch Normalization, interactively"
    (out / "index.html").write_text(INDEX.format(title=course, rows="\n".join(rows)))
    return [out / page for page in ["index.html", *pages]]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="output folder")
    args = parser.parse_args(argv)
    for page in build(args.out):
        print(page.relative_to(Path.cwd()) if page.is_relative_to(Path.cwd()) else page)


if __name__ == "__main__":
    sys.exit(main())
