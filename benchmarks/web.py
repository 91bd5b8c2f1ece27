"""The web edition in a real Chromium: frame swaps and jumps on the built site, each page's
first-load size and the site's size (JupyterLab's sliders: benchmarks/lab.py).

    python -m benchmarks.web [--site site]

Frame swap: on every page, every static slider gets arrow-key presses; the time from the key
event to the end of the frame that paints its exact frame (the task after the next animation
frame: style, layout and paint done) is measured in the page. Jumps: then End, Home and a click
in the middle of the track; "first" is the key (or click) to the paint of the first new frame
(the nearest decoded frame, when the exact one is not decoded yet), "exact" to the paint of the
exact frame. First load: the bytes a fresh page load transfers until its `load` event (frames
after that are fetched only when needed).
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

from ._report import Table, load, mark

ROOT = Path(__file__).resolve().parents[1]
SWAP_MEDIAN_MS, SWAP_P95_MS, PAGE_MB, SITE_MB = 17.0, 33.0, 3.0, 40.0
ARROWS = 6  # per slider: three steps one way and three back

# Armed before a real key press or click: resolves with {first, exact} (ms from the input
# event to the end of the frame that paints it: the task after the next animation frame, when
# that frame's style, layout and paint are done): first, a new image on the page; exact, the
# frame the sliders select (the one the full-size link names). null if nothing changed. panels.js
# puts only decoded frames on the page; one still loading is waited for.
ARM_SWAP = """(slider) => {
    const panel = slider.closest('.bn-panel');
    const before = panel.querySelector('img.bn-frame').src;
    const painted = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
    window.__swap = new Promise(resolve => {
        let start = null, first = null;
        const check = async () => {
            const img = panel.querySelector('img.bn-frame');
            if (start === null || img.src === before) return;
            if (first === null) first = painted().then(() => performance.now() - start);
            if (img.src !== panel.querySelector('a.bn-full-size').href) return;
            observer.disconnect();
            if (!img.complete) await img.decode().catch(() => {});
            await painted();
            const exact = performance.now() - start;
            resolve({first: await first, exact: exact});
        };
        const observer = new MutationObserver(check);
        observer.observe(panel, {subtree: true, childList: true, attributes: true,
                                 attributeFilter: ['src']});
        const begin = () => { start = performance.now(); };
        window.addEventListener('keydown', begin, {once: true, capture: true});
        window.addEventListener('pointerdown', begin, {once: true, capture: true});
        setTimeout(() => { observer.disconnect(); resolve(null); }, 10000);
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


def timed(page, slider, key=None, click=None):
    """Arm the in-page timer, press `key` or click at the point `click`; {first, exact}."""
    page.evaluate(ARM_SWAP, slider.element_handle())
    if key:
        page.keyboard.press(key)
    else:
        page.mouse.click(*click)
    result = page.evaluate("() => window.__swap")
    page.wait_for_timeout(200)  # a learner looks at each frame; prefetches finish
    return result


def site_numbers(browser, site):
    """(arrow swaps, jumps' {first, exact}, {page: first-load bytes}) over every page."""
    swaps, jumps, sizes = [], [], {}
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
            slider.scroll_into_view_if_needed()
            slider.focus()
            for step in range(ARROWS):
                at_max = slider.input_value() == slider.get_attribute("max")
                key = "ArrowLeft" if at_max or step >= ARROWS // 2 else "ArrowRight"
                result = timed(page, slider, key=key)
                if result is not None:
                    swaps.append(result["exact"])
            for key in ("End", "Home"):
                result = timed(page, slider, key=key)
                if result is not None:
                    jumps.append(result)
            box = slider.bounding_box()
            middle = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            result = timed(page, slider, click=middle)
            if result is not None:
                jumps.append(result)
        context.close()
    return swaps, jumps, sizes


def table(site=ROOT / "site"):
    from playwright.sync_api import sync_playwright

    t = Table(
        f"5. Web edition in headless Chromium (load {load()} at start)",
        ["measure", "value", "budget", "mark"],
        [
            "frame swap: arrow key -> the end of the frame that paints its frame (the task"
            " after the next animation frame), every static slider of every page",
            "jumps (End, Home, a click mid-track), to the same paint: first = a new frame (the"
            " nearest decoded one if the exact one is not decoded yet), exact = the selected one",
            "first load: bytes fetched until the page's load event (frames come on demand)",
        ],
    )
    if not (site / "index.html").exists():
        raise SystemExit(f"no site in {site}: run `make html` first")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        swaps, jumps, sizes = site_numbers(browser, site)
        browser.close()
    med, p95 = statistics.median(swaps), percentile(swaps, 95)
    t.add(
        f"frame swap median ({len(swaps)} moves)",
        f"{med:.1f} ms",
        f"<= {SWAP_MEDIAN_MS:.0f} ms",
        mark(med <= SWAP_MEDIAN_MS),
    )
    t.add("frame swap p95", f"{p95:.1f} ms", f"<= {SWAP_P95_MS:.0f} ms", mark(p95 <= SWAP_P95_MS))
    for part in ("first", "exact") if jumps else ():
        values = [jump[part] for jump in jumps]
        t.add(
            f"jump, {part} frame: median, p95 ({len(values)} jumps)",
            f"{statistics.median(values):.1f}, {percentile(values, 95):.1f} ms",
            "",
            "",
        )
    for name, size in sizes.items():
        t.add(
            f"first load {name}",
            f"{size / 1e6:.2f} MB",
            f"< {PAGE_MB:g} MB",
            mark(size / 1e6 < PAGE_MB),
        )
    total = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    t.add("site size", f"{total / 1e6:.1f} MB", f"< {SITE_MB:g} MB", mark(total / 1e6 < SITE_MB))
    return t


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    args = parser.parse_args(argv)
    print(table(args.site).render())


if __name__ == "__main__":
    main()
