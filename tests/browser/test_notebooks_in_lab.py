"""Every notebook, as a learner meets it: opened in JupyterLab in a real Chromium, run from the
top, checked for errors, and every slider of every panel moved to see its figure redraw.

Screenshots go to tests/browser/artifacts/: `<notebook>.png` (the whole notebook after the run)
and `<notebook>-panel<k>.png` (each slider panel after its sliders moved).
"""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
RUN_TIMEOUT_MS = 600_000  # the slowest notebook, on a loaded 2-core machine
REDRAW_TIMEOUT_MS = 60_000
SCREENSHOT_MAX_HEIGHT = 16_000  # Chromium's limit for one capture is a little above this
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# A slider panel (bncourse.slider_panel.SliderPanel): a VBox with an <img> child and sliders inside.
PANEL = ".jp-OutputArea-output .widget-vbox:has(> img.widget-image):has(.widget-slider)"

# The notebook's kernel has started, is connected and has nothing to do.
KERNEL_IDLE = """() => {
    const kernel = window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel;
    return kernel?.connectionStatus === 'connected' && kernel.status === 'idle';
}"""
# Execution counts of the code cells that have code, as JupyterLab holds them.
EXECUTION_COUNTS = """() => window.jupyterapp.shell.currentWidget.content.widgets
    .map(cell => cell.model)
    .filter(m => m.type === 'code' && m.sharedModel.getSource().trim())
    .map(m => m.executionCount)"""
# Run All has finished: the kernel is idle, no prompt shows [*] (queued or running), and every
# cell has run or one has failed (which stops Run All).
RUN_FINISHED = f"""() => {{
    const panel = window.jupyterapp.shell.currentWidget;
    const failed = panel.content.widgets.some(cell => cell.model.type === 'code'
        && cell.model.outputs.toJSON().some(o => o.output_type === 'error'));
    const busy = [...document.querySelectorAll('.jp-Notebook .jp-InputPrompt')]
        .some(p => p.textContent.trim() === '[*]:');
    return ({KERNEL_IDLE})() && !busy
        && (failed || ({EXECUTION_COUNTS})().every(n => n !== null));
}}"""
NOTEBOOK_JSON = "() => window.jupyterapp.shell.currentWidget.context.model.toJSON()"
# Armed before a real key press on a noUiSlider handle: resolves when the panel's image shows
# a new, decoded PNG with [ms as seen by polling every 50 ms, exact ms from the key event].
ARM_LAB = """([handle, img]) => {
    const old = img.src;
    window.__press = new Promise(resolve => {
        handle.addEventListener('keydown', () => {
            const start = performance.now();
            let exact = null;
            const observer = new MutationObserver(async () => {
                if (img.src === old || exact !== null) return;
                exact = -1;
                await img.decode().catch(() => {});
                exact = performance.now() - start;
            });
            observer.observe(img, {attributes: true, attributeFilter: ['src']});
            const poll = setInterval(() => {
                if (exact !== null && exact >= 0) {
                    clearInterval(poll);
                    observer.disconnect();
                    resolve([performance.now() - start, exact]);
                }
            }, 50);
        }, {once: true, capture: true});
    });
}"""


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def menu(page, title, command):
    """Click a menu-bar title, then the item that runs `command` (as a learner would)."""
    page.locator(".lm-MenuBar-itemLabel", has_text=title).click()
    page.locator(f'.lm-Menu-item[data-command="{command}"]').click()


def run_all(page, lab, notebook):
    """Open `notebook` in a fresh workspace, clear its stored outputs and run every cell."""
    page.goto(f"{lab.url}/lab/tree/notebooks/{notebook.name}?reset")
    page.wait_for_function(KERNEL_IDLE, timeout=120_000, polling=250)
    menu(page, "Edit", "editmenu:clear-all")
    counts = page.evaluate(EXECUTION_COUNTS)
    assert set(counts) == {None}, f"stored outputs not cleared: execution counts {counts}"
    menu(page, "Run", "runmenu:run-all")
    page.wait_for_function(RUN_FINISHED, timeout=RUN_TIMEOUT_MS, polling=500)


def problems_after_run(ran, stored):
    """Cells that did not run or show an error, from the notebook model JupyterLab holds."""
    problems = []
    for index, (cell, before) in enumerate(zip(ran["cells"], stored["cells"], strict=True)):
        if cell["cell_type"] != "code" or not source(before).strip():
            continue
        first_line = source(before).strip().splitlines()[0]
        for output in cell["outputs"]:
            if output["output_type"] == "error":
                problems.append(
                    f"cell {index} ({first_line}): {output['ename']}: {output['evalue']}"
                )
        if cell["execution_count"] is None:
            problems.append(f"cell {index} ({first_line}) did not run")
    return problems


def screenshot_whole_notebook(page, path):
    """Grow the window to the notebook's height, so one screenshot shows every cell."""
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    height = page.evaluate(
        """() => {
        const scroller = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
        const last = [...scroller.querySelectorAll('.jp-Cell')].pop();
        return last.getBoundingClientRect().bottom + scroller.scrollTop;
    }"""
    )
    page.set_viewport_size({"width": 1280, "height": min(int(height) + 80, SCREENSHOT_MAX_HEIGHT)})
    page.evaluate(
        "() => document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer').scrollTo(0, 0)"
    )
    page.wait_for_timeout(500)
    page.screenshot(path=path)


def move(handle, image, latencies):
    """One keyboard step on a slider handle (back, if it sits at its maximum); the panel's
    image must then be replaced by a new, decodable PNG. Returns the ms from the key press to
    the new figure, polled every 50 ms, also appended to `latencies` (the session's report)."""
    value = handle.get_attribute("aria-valuenow")
    at_max = float(value) >= float(handle.get_attribute("aria-valuemax"))
    old_src = image.get_attribute("src")
    handle.focus()
    handle.page.evaluate(ARM_LAB, [handle.element_handle(), image.element_handle()])
    handle.press("ArrowLeft" if at_max else "ArrowRight")
    expect(handle).not_to_have_attribute("aria-valuenow", value)
    expect(image).not_to_have_attribute("src", old_src, timeout=REDRAW_TIMEOUT_MS)
    polled_ms, _ = handle.page.evaluate("() => window.__press")
    latencies.append(polled_ms)
    assert image.evaluate("img => img.naturalWidth") > 0
    return polled_ms


@pytest.mark.timeout(900)
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_runs_and_every_slider_redraws_its_figure(
    notebook, page, lab, artifacts, lab_latencies
):
    stored = json.loads(notebook.read_text())
    run_all(page, lab, notebook)

    ran = page.evaluate(NOTEBOOK_JSON)
    problems = problems_after_run(ran, stored)
    screenshot_whole_notebook(page, artifacts / f"{notebook.stem}.png")
    assert not problems, f"{notebook.name} in JupyterLab:\n" + "\n".join(problems)

    # Cells that stored a widget view must show live widgets, not their text fallback.
    cells = page.locator(".jp-Notebook .jp-Cell")
    assert cells.count() == len(stored["cells"])
    for index, cell in enumerate(stored["cells"]):
        if any(WIDGET_VIEW in output.get("data", {}) for output in cell.get("outputs", [])):
            widget = cells.nth(index).locator(".jp-OutputArea-output .jupyter-widgets").first
            expect(widget, f"cell {index} shows no live widget").to_be_attached()

    panels = page.locator(PANEL)
    for k in range(panels.count()):
        panel = panels.nth(k)
        image = panel.locator(":scope > img.widget-image")
        handles = panel.locator(".widget-slider .noUi-handle")
        assert handles.count() > 0
        for h in range(handles.count()):
            move(handles.nth(h), image, lab_latencies)
        panel.screenshot(path=artifacts / f"{notebook.stem}-panel{k + 1}.png")
