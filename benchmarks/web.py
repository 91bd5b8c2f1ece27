"""The web edition and the sliders in a real Chromium: frame-swap latency on the built site,
each page's first-load size, the site's size, and the JupyterLab slider latency end to end.

    python -m benchmarks.web [--site site] [--skip-lab]

Frame swap: on every page, every static slider gets key presses; the time from the key event
to the new frame drawn (its `load` and the next animation frame) is measured in the page.
First load: the bytes a fresh page load transfers until its `load` event (frames after that
are fetched only when needed). JupyterLab: a notebook with a slider panel runs in a throwaway
JupyterLab; then 3 key presses on each slider, polled every 50 ms for a new figure, as a
learner's eye would see it (the in-page time from key to new image is given too).
"""

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from ._report import Table, load, mark

ROOT = Path(__file__).resolve().parents[1]
SWAP_P95_MS, PAGE_MB, SITE_MB, LAB_MEDIAN_MS = 50.0, 3.0, 40.0, 150.0
LAB_NOTEBOOK = "01_normalization.ipynb"
PRESSES = 3

# Armed before a real key press: resolves with the ms from the key event to the new frame
# loaded, decoded and painted (the next animation frame), or null if the frame did not change.
ARM_SWAP = """(slider) => {
    const panel = slider.closest('.bn-panel');
    const old = panel.querySelector('img.bn-frame').src;
    window.__swap = new Promise(resolve => {
        slider.addEventListener('keydown', event => {
            const start = performance.now();
            requestAnimationFrame(async () => {
                const img = panel.querySelector('img.bn-frame');  // a prefetched element, maybe
                if (img.src === old) return resolve(null);
                if (!img.complete) {
                    await new Promise(r => img.addEventListener('load', r, {once: true}));
                }
                await img.decode();
                requestAnimationFrame(() => resolve(performance.now() - start));
            });
        }, {once: true});
    });
}"""


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def launch(playwright):
    sys.path.insert(0, str(ROOT))
    from tests.browser.conftest import CHROMIUM_ARGS, find_chromium

    path = find_chromium()
    if path is None:
        raise SystemExit("no Chromium found")
    args = [*CHROMIUM_ARGS, *(["--no-sandbox"] if os.geteuid() == 0 else [])]
    return playwright.chromium.launch(executable_path=path, args=args)


def site_numbers(browser, site):
    """(swap latencies in ms, {page: first-load bytes}) over every page of `site`."""
    swaps, sizes = [], {}
    for html in sorted(site.glob("*.html")):
        context = browser.new_context()
        page = context.new_page()
        transferred = []
        page.on("requestfinished", lambda request, t=transferred: t.append(request))
        page.goto(html.as_uri(), wait_until="load")
        sizes[html.name] = sum(
            (Path(r.url.removeprefix("file://").split("?")[0]).stat().st_size)
            for r in transferred
            if r.url.startswith("file://")
        )
        # Moves measured once the page is idle: MathJax has typeset the page (seconds of main
        # thread on a long page) and the first neighbours are prefetched.
        page.evaluate("() => new Promise(r => window.MathJax ? MathJax.Hub.Queue(r) : r())")
        page.wait_for_timeout(300)
        sliders = page.locator(".bn-panel input[type=range]")
        for k in range(sliders.count()):
            slider = sliders.nth(k)
            handle = slider.element_handle()
            slider.focus()
            for step in range(6):
                at_max = slider.input_value() == slider.get_attribute("max")
                key = "ArrowLeft" if at_max or step >= 3 else "ArrowRight"
                page.evaluate(ARM_SWAP, handle)
                page.keyboard.press(key)
                ms = page.evaluate("() => window.__swap")
                if ms is not None:
                    swaps.append(ms)
                page.wait_for_timeout(200)  # a learner looks at each frame; prefetches finish
        context.close()
    return swaps, sizes


def lab_latency(browser):
    """Key press -> new figure in JupyterLab, per press: (polled ms, in-page ms)."""
    from tests.browser.conftest import lab_server
    from tests.browser.test_notebooks_in_lab import ARM_LAB, KERNEL_IDLE, run_all

    polled, exact = [], []
    with tempfile.TemporaryDirectory() as home, lab_server(Path(home)) as lab:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(120_000)
        run_all(page, lab, ROOT / "notebooks" / LAB_NOTEBOOK)
        panels = page.locator(".jp-OutputArea-output .widget-vbox:has(> img.widget-image)")
        for k in range(panels.count()):
            panel = panels.nth(k)
            image = panel.locator(":scope > img.widget-image")
            handles = panel.locator(".widget-slider .noUi-handle")
            for h in range(handles.count()):
                handle = handles.nth(h)
                handle.scroll_into_view_if_needed()
                for _ in range(PRESSES):
                    at_max = float(handle.get_attribute("aria-valuenow")) >= float(
                        handle.get_attribute("aria-valuemax")
                    )
                    page.evaluate(ARM_LAB, [handle.element_handle(), image.element_handle()])
                    handle.press("ArrowLeft" if at_max else "ArrowRight")
                    polled_ms, exact_ms = page.evaluate("() => window.__press")
                    polled.append(polled_ms)
                    exact.append(exact_ms)
                    page.wait_for_function(KERNEL_IDLE, polling=50)
                    page.wait_for_timeout(300)
        page.close()
    return polled, exact


def table(site=ROOT / "site", skip_lab=False):
    from playwright.sync_api import sync_playwright

    t = Table(
        f"5. Web edition and JupyterLab sliders in headless Chromium (load {load()} at start)",
        ["measure", "value", "budget", "mark"],
        [
            "frame swap: key -> new frame loaded, decoded and painted, every static slider",
            "first load: bytes fetched until the page's load event (frames come on demand)",
            f"JupyterLab: {LAB_NOTEBOOK}, {PRESSES} key presses per slider, polled every 50 ms",
        ],
    )
    if not (site / "index.html").exists():
        raise SystemExit(f"no site in {site}: run `make html` first")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        swaps, sizes = site_numbers(browser, site)
        p95 = percentile(swaps, 95)
        t.add(
            f"frame swap p95 ({len(swaps)} moves; median {statistics.median(swaps):.1f})",
            f"{p95:.1f} ms",
            f"< {SWAP_P95_MS:.0f} ms",
            mark(p95 < SWAP_P95_MS),
        )
        for name, size in sizes.items():
            t.add(
                f"first load {name}",
                f"{size / 1e6:.2f} MB",
                f"< {PAGE_MB:g} MB",
                mark(size / 1e6 < PAGE_MB),
            )
        total = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
        t.add(
            "site size", f"{total / 1e6:.1f} MB", f"< {SITE_MB:g} MB", mark(total / 1e6 < SITE_MB)
        )
        if not skip_lab:
            polled, exact = lab_latency(browser)
            median = statistics.median(polled)
            t.add(
                f"JupyterLab key -> new figure, median of {len(polled)} (in-page "
                f"{statistics.median(exact):.0f} ms)",
                f"{median:.0f} ms",
                f"< {LAB_MEDIAN_MS:.0f} ms",
                mark(median < LAB_MEDIAN_MS),
            )
        browser.close()
    return t


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--skip-lab", action="store_true", help="no JupyterLab measurement")
    args = parser.parse_args(argv)
    print(table(args.site, args.skip_lab).render())


if __name__ == "__main__":
    main()
