"""Build the web edition of the course: one page per executed notebook, plus an index.

    python tools/build_site.py [--out site] [--cache build/frames]

Each notebook is rendered as committed, its figures embedded with their text descriptions (the
"alt" metadata the course's plots attach). Every slider panel stays live with no kernel: the builder
executes the notebook once with `BNLIB_EXPORT_FRAMES` set, so each `SliderPanel` the notebook
builds writes a frame (PNG, readout, description) for every combination of its sliders' static
values, from the notebook's own data. The page gets native range inputs, the frame and a live
readout, swapped by a small script (`panels.js`); frames are separate files fetched when needed,
the panel data sits inline in the page, so `site/` works from a web server and as plain files.
Frames are cached in `--cache` under a hash of the notebook and the sources of bnlib and
bncourse: an unchanged notebook is not executed again. MathJax is copied next to the pages;
nothing comes from the network.
"""

import argparse
import base64
import hashlib
import html
import json
import math
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import jupyter_server_mathjax
import nbformat
from bs4 import BeautifulSoup
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from nbconvert.filters import markdown2html

ROOT = Path(__file__).resolve().parents[1]
ASSETS = Path(__file__).resolve().parent / "site_assets"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
EXPORT_FRAMES = "BNLIB_EXPORT_FRAMES"  # read by bncourse.slider_panel.SliderPanel
MATHJAX = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
COURSE = "Batch Normalization, interactively"
HEADLINE_WORDS = 16  # a slider move announces its value and a result of about this many words
EXECUTE_TIMEOUT = 1200  # seconds per cell, on a loaded machine
# MathJax 2, offline: STIX fonts only, no font requests (its "MathJax_Blank" probe font points
# at about:blank, a failed request on every page: a local() source instead), and formulas out
# of the Tab order (its menu would add a stop for each); long formulas break onto new lines on a
# narrow screen.
MATHJAX_CONFIG = """<script>MathJax.Hub.Config({menuSettings: {inTabOrder: false},
  "HTML-CSS": {availableFonts: ["STIX"], preferredFont: "STIX", webFont: "STIX-Web",
  imageFont: null, linebreaks: {automatic: true},
  styles: {"@font-face": {"font-family": "MathJax_Blank", src: "local('MathJax_Blank')"}}}});
</script>"""
# The index page's MathJax: $...$ inline, as in the notebooks (the pages get nbconvert's).
INDEX_MATHJAX = """<script>MathJax.Hub.Config({tex2jax: {inlineMath: [["$", "$"]],
  processEscapes: true}, messageStyle: "none"});</script>
"""
# JupyterLab's page template, with: a language, skip links (to the content and to each slider
# panel), the course navigation above and below, figures with their descriptions (alt text
# and a disclosure) each with a link to its full-size file, the site's stylesheet and script.
# Nothing is loaded from the internet: no require.js (it only serves widgets), no mermaid, and
# MathJax from the copy next to the pages, which ships the STIX web fonts only.
PAGE_TEMPLATE = (
    """{%- extends 'index.html.j2' -%}
{% block html_head_js_requirejs %}{% endblock %}
{% block html_head_js_mermaidjs %}{% endblock %}
{% block html_head_js_mathjax %}{{ super() }}
"""
    + MATHJAX_CONFIG
    + """
{% endblock %}
{% block html_head_css %}<link rel="icon" href="data:,">
<link rel="stylesheet" href="site.css">{% endblock %}
{%- block body_header -%}
<body class="jp-Notebook" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
{{ resources.skip_links }}
{{ resources.static_nav }}
<main id="content" tabindex="-1">
{%- endblock body_header -%}
{% block body_footer %}
</main>
{{ resources.static_nav_bottom }}
<script src="panels.js"></script>
</body>
{% endblock body_footer %}
{% block data_png scoped %}
{%- set alt = output.metadata.get('image/png', {}).get('alt', '') -%}
{%- set file = output.metadata.get('filenames', {}).get('image/png', '') -%}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<figure class="bn-figure">
<img src="{{ file }}" alt="{{ alt | escape_html }}">
<figcaption>
{%- if alt %}<details><summary>Figure description</summary><p>{{ alt | escape_html }}</p>
</details>{% endif %}
<a class="bn-full-size" href="{{ file }}">Full-size figure</a></figcaption>
</figure>
</div>
{%- endblock data_png %}
"""
)
INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="site.css">
<script src="{mathjax}"></script>
{mathjax_config}
</head>
<body class="bn-index">
<a class="skip-link" href="#content">Skip to content</a>
<main id="content" tabindex="-1">
<h1>{title}</h1>
<p>Every notebook of the course with its results and figures. The slider panels move here too,
with no install and no server: each shows views computed when the site was built. To run the
code, change it, or move a slider to a value that was not precomputed, open the notebooks in
JupyterLab (<code>make lab</code>) or on Binder.</p>
<ul class="bn-facts">
<li><strong>Time:</strong> {total}, the sum of the times the notebooks state.</li>
<li><strong>Prerequisites:</strong> each notebook's are in the table; the first assumes
{first_prerequisites}</li>
<li><strong>Run it:</strong> {links}</li>
</ul>
<table>
<caption>The notebooks, in order</caption>
<thead><tr><th scope="col">#</th><th scope="col">notebook</th>
<th scope="col">you leave able to</th><th scope="col">prerequisites</th>
<th scope="col">time</th></tr></thead>
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
    """A hash of the notebook and of everything its frames depend on: the files of bnlib (the
    math, the data) and of bncourse (the studies, views, plots and panels that draw them)."""
    digest = hashlib.sha256(path.read_bytes())
    files = [*(ROOT / "bnlib").rglob("*"), *(ROOT / "bncourse").rglob("*")]
    for file in sorted(files):
        if file.is_file() and file.suffix in {".py", ".npz", ".json"}:
            digest.update(str(file.relative_to(ROOT)).encode() + file.read_bytes())
    return digest.hexdigest()[:16]


def export_frames(path, cache):
    """Execute notebook `path` with frame export on; returns the folder holding panel1, ...

    Reuses `cache/<stem>-<hash>` when it exists (same notebook, same bnlib and bncourse)."""
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


def default_index(manifest):
    """The frame number of the sliders' defaults (mixed radix over the sliders, in order)."""
    index = 0
    for slider in manifest["sliders"]:
        index = index * len(slider["values"]) + slider["default"]
    return index


def default_frame(manifest):
    return manifest["frames"][default_index(manifest)]


def _greedy(parts, sep, words):
    """The leading `parts` joined by `sep` while they stay within `words` words (at least one)."""
    taken = [parts[0]]
    for part in parts[1:]:
        if len(sep.join([*taken, part]).split()) > words:
            break
        taken.append(part)
    return sep.join(taken)


def _drop_asides(text):
    """`text` without its parenthesised asides (" (seeds 0.93 to 0.95)"), keeping brackets
    that belong to a formula ("sqrt(2 lr λ)", "var/(var+eps)").

    >>> _drop_asides("variance 0.91 (predicted var/(var+eps) = 0.91); sqrt(2 lr) = 0.2 (ok)")
    'variance 0.91; sqrt(2 lr) = 0.2'
    """
    kept = []

    def keep(match):
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    while True:  # formula brackets, innermost first, set aside
        text, count = re.subn(r"(?<=[^\s(])\([^()]*\)", keep, text)
        if not count:
            break
    text = re.sub(r"\s*\([^()]*\)", "", text)
    while "\x00" in text:
        text = re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)
    return text


def headline(readout, words=HEADLINE_WORDS):
    """The short part of a panel's readout that a screen reader announces after each move: the
    measured result after the settings ("batch size 8: "), without parentheses, its first
    sentence, cut at a ";" then a "," to about `words` words. The full readout stays on the
    page next to the sliders.

    >>> headline("step 0, layer 1: no BN: 0.0% saturated (of 100); BN: 0.2% saturated")
    'no BN: 0.0% saturated; BN: 0.2% saturated'
    >>> headline("g = 1: the gradient is multiplied by 0.99 (seeds 0.97 to 1.04) at every step "
    ...          "back from t = 63, so at t = 8 it is 2.3 times the one at t = 63. More.")
    'the gradient is multiplied by 0.99 at every step back from t = 63'
    """
    text = html.unescape(re.sub(r"<[^>]+>", "", readout))
    result = text.partition(": ")[2] or text
    result = _drop_asides(result)
    result = re.split(r"\.\s", result)[0].rstrip(".")
    result = _greedy(result.split("; "), "; ", words)
    return _greedy(result.split(", "), ", ", words)


def spacing(values):
    """How a slider's positions are spaced in value, for sliders over numbers that are even
    neither on a linear nor on a log scale (the range input's positions are evenly spaced);
    None otherwise.

    >>> spacing(["0", "50", "100", "150", "300", "600", "900"])
    'Positions are not evenly spaced in value: 0 to 150 by 50, 300, 600 to 900 by 300.'
    >>> spacing(["1", "2", "3"]), spacing(["1.0e-04", "3.2e-04", "1.0e-03"]), spacing(["a"])
    (None, None, None)
    """
    try:
        numbers = [float(v) for v in values]
    except ValueError:
        return None
    gaps = [round(b - a, 9) for a, b in zip(numbers, numbers[1:], strict=False)]
    if len(set(gaps)) <= 1:
        return None
    if all(n > 0 for n in numbers):
        logs = [math.log10(n) for n in numbers]
        if len({round(b - a, 1) for a, b in zip(logs, logs[1:], strict=False)}) == 1:
            return None
    tokens, covered, i = [], -1, 0
    while i < len(gaps):
        j = i
        while j + 1 < len(gaps) and gaps[j + 1] == gaps[i]:
            j += 1
        if j > i:  # three or more values evenly spaced
            tokens.append(f"{values[max(i, covered + 1)]} to {values[j + 1]} by {gaps[i]:g}")
        else:
            tokens += [values[m] for m in (i, i + 1) if m > covered]
        covered, i = j + 1, j + 1
    return "Positions are not evenly spaced in value: " + ", ".join(tokens) + "."


def panel_html(manifest, page_stem, k):
    """A static slider panel: labelled range inputs, the frame, a readout, a note. A move is
    announced briefly (a polite live region: the slider's new value and the readout's
    headline); the full readout sits next to the sliders, the figure's description one Tab
    further (its disclosure)."""
    pid = f"panel{k}"
    base = f"frames/{page_stem}/{pid}/"
    sliders = manifest["sliders"]
    sizes = [len(s["values"]) for s in sliders]
    index = default_index(manifest)
    frame = manifest["frames"][index]
    controls = []
    for j, slider in enumerate(sliders):
        sid = f"{pid}-s{j + 1}"
        value = slider["values"][slider["default"]]
        note = spacing(slider["values"])
        controls.append(
            f'<div class="bn-control"><label for="{sid}">{html.escape(slider["label"])}</label>'
            f'<input type="range" id="{sid}" min="0" max="{len(slider["values"]) - 1}" '
            f'step="1" value="{slider["default"]}" aria-valuetext="{html.escape(value)}">'
            f'<output for="{sid}" aria-hidden="true">{html.escape(value)}</output>'
            + (f'<p class="bn-spacing">{html.escape(note)}</p>' if note else "")
            + "</div>"
        )
    names = " and ".join(s["label"] for s in sliders)
    data = {
        "base": base,
        "sizes": sizes,
        "names": [s["label"] for s in sliders],
        "labels": [s["values"] for s in sliders],
        "frames": [
            [f["readout"], f["description"], headline(f["readout"])] for f in manifest["frames"]
        ],
    }
    data_json = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return (
        f'<div class="bn-panel" role="group" aria-labelledby="{pid}-title" id="{pid}" '
        'tabindex="-1">'
        f'<p class="bn-panel-title" id="{pid}-title">Slider panel: {html.escape(names)}</p>'
        f'<div class="bn-controls">{"".join(controls)}</div>'
        f'<img class="bn-frame" src="{base}{index}.png" width="{manifest["width"]}" '
        f'height="{manifest["height"]}" alt="{html.escape(frame["description"])}">'
        f'<p class="bn-announce visually-hidden" aria-live="polite"></p>'
        f'<p class="bn-readout">{frame["readout"]}</p>'
        f'<details class="bn-description"><summary>Figure description</summary>'
        f"<p>{html.escape(frame['description'])}</p></details>"
        f'<p><a class="bn-full-size" href="{base}{index}.png">Full-size figure</a></p>'
        f'<p class="static-note">These views were computed when this page was built, for '
        f"{len(manifest['frames'])} settings of the sliders (use the arrow keys or drag). The "
        "notebook, in JupyterLab or on Binder, computes any value.</p>"
        f'<script type="application/json" class="bn-panel-data">{data_json}</script></div>'
    )


def static_outputs(nb, panels):
    """Replace each live-widget output by its static panel; drop saved widget state.

    `panels`: (html, default frame's description) per panel. A panel shows its default view
    itself, so the plain figure of that view stored just above it for GitHub and JupyterLab
    (the nearest code cell above, a figure with the same description) is left out here."""
    k = 0
    above = None  # the nearest code cell above
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if any(WIDGET_VIEW in output.get("data", {}) for output in cell.outputs):
            html_, default = panels[k]
            k += 1
            output = nbformat.v4.new_output("display_data", data={"text/html": html_})
            cell.outputs = [output]
            if above is not None:
                above.outputs = [o for o in above.outputs if alt_of(o) != default]
        above = cell
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


def alt_of(output):
    """The description `bncourse`'s plots stored with a figure output ("" for other outputs)."""
    if "image/png" not in output.get("data", {}):
        return ""
    return output.get("metadata", {}).get("image/png", {}).get("alt", "")


def extract_figures(nb, out, stem):
    """Write each stored figure to `out/figures/<stem>/<n>.png` and note its path in the output
    (`metadata.filenames`, as nbconvert's extractor does): the page shows the file and links
    to it, so a learner on a narrow screen can open a figure at full size."""
    n = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if "image/png" not in output.get("data", {}) or WIDGET_VIEW in output["data"]:
                continue
            n += 1
            name = f"figures/{stem}/{n}.png"
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(base64.b64decode(output["data"]["image/png"]))
            output.setdefault("metadata", {}).setdefault("filenames", {})["image/png"] = name
    return nb


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


def first_cell(nb):
    """The notebook's first cell's markdown (title, goals, prerequisites, time), or ""."""
    return nb.cells[0].source if nb.cells and nb.cells[0].cell_type == "markdown" else ""


def time_needed(nb):
    """The time the first cell states ("Time: about 30 minutes"), or an empty string."""
    match = re.search(r"Time:\**\s*([^.\n]+)", first_cell(nb))
    return match.group(1).strip() if match else ""


def minutes(stated):
    """The (low, high) minutes of a stated time: a range "about 40-75 minutes", or one value.

    >>> minutes("about 45 minutes"), minutes("about 40-75 minutes"), minutes("about 2 hours")
    ((45, 45), (40, 75), (120, 120))
    """
    scale = 60 if re.search(r"\bhours?\b", stated) else 1
    found = re.search(
        r"(\d+(?:\.\d+)?)(?:\s*[-\u2013]\s*(\d+(?:\.\d+)?))?\s*(?:hours?|min)", stated
    )
    if not found:
        raise SystemExit(f"cannot read a time from {stated!r}: state it as 'about N-M minutes'")
    low = float(found.group(1))
    high = float(found.group(2) or low)
    return round(low * scale), round(high * scale)


def duration(total):
    """A (low, high) total in minutes as the index states it, rounded to whole hours from 2
    hours on (the README states the same).

    >>> duration((540, 1010)), duration((45, 90))
    ('about 9-17 hours', 'about 45-90 minutes')
    """
    low, high = total
    if high < 120:
        return f"about {low}-{high} minutes" if low != high else f"about {low} minutes"
    low, high = round(low / 60), round(high / 60)
    return f"about {low}-{high} hours" if low != high else f"about {low} hours"


def objectives(nb):
    """The first cell's "What you'll learn" (or "What you'll do") list as markdown, or ""."""
    match = re.search(
        r"What you'll (?:learn|do)\**\s*\n((?:[ \t]*[-*] .*\n?(?:[ \t]+\S.*\n?)*)+)", first_cell(nb)
    )
    return match.group(1).strip() if match else ""


def prerequisites(nb):
    """The first cell's "Prerequisites:" text as markdown, or an empty string."""
    match = re.search(r"Prerequisites:\**\s*(.+?)(?=\n\s*\n|\n\*\*|\Z)", first_cell(nb), re.S)
    return " ".join(match.group(1).split()) if match else ""


def course_links(readme):
    """(repository, Binder) addresses: from the README's Binder badge link
    (mybinder.org/v2/gh/<owner>/<name>/...), with the Pages workflow's own repository
    (GITHUB_REPOSITORY) in place of the README's owner/name when it is set."""
    text = readme.read_text() if readme.exists() else ""
    match = re.search(r"\((https://mybinder\.org/v2/gh/([^/\s]+/[^/\s]+)/[^)\s]*)\)", text)
    if not match:
        return None, None
    slug = os.environ.get("GITHUB_REPOSITORY") or match.group(2)
    binder = match.group(1).replace(match.group(2), slug, 1)
    return f"https://github.com/{slug}", binder


def nav(pages, titles, index, label="Course"):
    links = ['<a href="index.html">All notebooks (course index)</a>']
    if index > 0:
        links.append(f'<a href="{pages[index - 1]}">Previous: {html.escape(titles[index - 1])}</a>')
    if index + 1 < len(pages):
        links.append(f'<a href="{pages[index + 1]}">Next: {html.escape(titles[index + 1])}</a>')
    return f'<nav class="static-nav" aria-label="{label}">{"".join(links)}</nav>'


def skip_links(panels):
    """ "Skip to content", then one "Skip to slider panel k" per panel: each shows on focus."""
    links = ['<a class="skip-link" href="#content">Skip to content</a>']
    links += [
        f'<a class="skip-link" href="#panel{k}">Skip to slider panel {k}</a>'
        for k in range(1, panels + 1)
    ]
    return "\n".join(links)


def stackable_tables(body):
    """Each cell of a table in the notebooks' text gets its column's heading (as plain text,
    inline TeX as Unicode) in `data-label`, so that on a phone (site.css) a row shows as a
    block of labelled cells instead of scrolling sideways."""
    soup = BeautifulSoup(body, features="html.parser")
    for table in soup.select(".jp-RenderedMarkdown table"):
        headings = [plain(th.get_text(" ", strip=True)) for th in table.select("thead th")]
        for row in table.select("tbody tr"):
            for heading, cell in zip(headings, row.find_all(["td", "th"]), strict=False):
                cell["data-label"] = heading
        table["class"] = [*table.get("class", []), "bn-stacks"]
    return str(soup)


def link_to_page(paths):
    """A re.sub callback that turns a link to one of `paths` into a link to its page."""
    stems = {path.stem for path in paths}

    def replace(match):
        stem, anchor = match.group(1), match.group(2) or ""
        return f'href="{stem}.html{anchor}"' if stem in stems else match.group(0)

    return replace


def panels_for(path, nb, out, cache):
    """Export (or reuse) `path`'s frames, copy them into `out/frames/<stem>/`, return each
    panel's (HTML, default frame's description) in the notebook's order."""
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
        htmls.append((panel_html(manifest, path.stem, k), default_frame(manifest)["description"]))
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
        mathjax_url=MATHJAX,
    )
    pages = [f"{path.stem}.html" for path in paths]
    books = [nbformat.read(path, as_version=4) for path in paths]
    titles = [plain(title_of(nb, path)) for nb, path in zip(books, paths, strict=True)]
    rows = []
    for index, (path, nb) in enumerate(zip(paths, books, strict=True)):
        check_executed(nb, path)
        panels = panels_for(path, nb, out, cache)
        resources = {
            "metadata": {"name": titles[index]},
            "skip_links": skip_links(len(panels)),
            "static_nav": nav(pages, titles, index),
            "static_nav_bottom": nav(pages, titles, index, "Course, end of page"),
            "language_code": "en",
        }
        nb = extract_figures(static_outputs(nb, panels), out, path.stem)
        body, _ = exporter.from_notebook_node(nb, resources=resources)
        body = collapse_solutions(body, nb)
        # Links between notebooks ("Next: 02 ...") lead to the other pages.
        body = re.sub(r'href="([^"/:]+)\.ipynb(#[^"]*)?"', link_to_page(paths), body)
        body = stackable_tables(body)
        # nbconvert puts every cell input and output in the Tab order; panels.js keeps only
        # those that scroll (a keyboard user must reach them to scroll).
        body = re.sub(r'\stabindex="0"', " data-bn-scroll", body)
        (out / pages[index]).write_text(body, encoding="utf-8")
        rows.append(index_row(path, nb, pages[index], titles[index]))
    (out / "index.html").write_text(index_page(books, rows, readme), encoding="utf-8")
    return [out / page for page in ["index.html", *pages]]


def index_row(path, nb, page, title):
    """The index table's row for one notebook: number, link, goals, prerequisites, time."""
    cells = [
        ("notebook", f'<a href="{page}">{html.escape(title)}</a>'),
        ("you leave able to", markdown2html(objectives(nb))),
        ("prerequisites", markdown2html(prerequisites(nb))),
        ("time", html.escape(time_needed(nb))),
    ]
    return (
        f"<tr><td>{html.escape(path.stem.split('_')[0])}</td>"
        + "".join(f'<td data-label="{label}">{cell}</td>' for label, cell in cells)
        + "</tr>"
    )


def index_page(books, rows, readme):
    """The course index: the facts a learner starts from (total time, prerequisites, where to
    run it) and one row per notebook; formulas typeset by the same offline MathJax."""
    spans = [minutes(time_needed(nb)) for nb in books]
    total = duration((sum(lo for lo, _ in spans), sum(hi for _, hi in spans)))
    repository, binder = course_links(readme)
    links = "open the notebooks in JupyterLab after cloning the repository"
    if repository:
        links = (
            f'<a href="{repository}">the repository</a> (clone it, then <code>make lab</code>)'
            f' or <a href="{binder}">Binder</a> (in the browser, no install; the first start'
            " takes a few minutes)."
        )
    first = prerequisites(books[0]) if books else ""
    return INDEX.format(
        title=COURSE,
        mathjax=MATHJAX,
        mathjax_config=INDEX_MATHJAX + MATHJAX_CONFIG,
        total=total,
        first_prerequisites=markdown2html(first).removeprefix("<p>").removesuffix("</p>\n"),
        links=links,
        rows="\n".join(rows),
    )


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
