"""The web edition in a real Chromium: every page opened from a web server and as plain files,
every static slider moved with the keyboard and at random (the frame always the one the sliders
select), budgets for reach (Tab stops to the first slider, reflow at 320 px, no failed request,
short announcements), and axe-core's WCAG 2.1 A/AA rules on every page."""

from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
PAGES = ["index", *[nb.stem for nb in NOTEBOOKS]]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ANNOUNCE_WORDS = 22  # a move's live announcement: name, value and a short result
TAB_BUDGET = 15  # key presses from the top of a page to its first slider
PHONE = {"width": 320, "height": 640}  # WCAG 2.1 reflow: 320 CSS px wide
MATHJAX_DONE = "() => !window.MathJax || !MathJax.Hub || !MathJax.Hub.queue.pending"


def url_of(mode, name, built_site, site_server):
    return (
        (built_site / f"{name}.html").as_uri() if mode == "file" else f"{site_server}/{name}.html"
    )


def move_by_keyboard(page, panel, slider):
    """Tab-free keyboard move: focus the slider, press an arrow (back at the maximum); the
    value text, the frame and the readout must all change, and the new frame must load."""
    image, readout = panel.locator("img.bn-frame"), panel.locator(".bn-readout")
    before = {
        "value": slider.get_attribute("aria-valuetext"),
        "src": image.get_attribute("src"),
        "readout": readout.inner_html(),
    }
    at_max = slider.input_value() == slider.get_attribute("max")
    slider.focus()
    page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
    expect(slider).not_to_have_attribute("aria-valuetext", before["value"])
    expect(image).not_to_have_attribute("src", before["src"])
    assert readout.inner_html() != before["readout"], "the readout did not change"
    # The move is announced briefly: the slider's name and new value, then a short result.
    announce = panel.locator(".bn-announce")
    expect(announce).to_have_attribute("aria-live", "polite")
    label = panel.locator(f"label[for='{slider.get_attribute('id')}']").inner_text()
    said = announce.inner_text()
    assert said.startswith(f"{label} {slider.get_attribute('aria-valuetext')}: "), said
    assert len(said.split()) <= ANNOUNCE_WORDS, f"announcement too long: {said}"
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    return image.get_attribute("alt")


@pytest.mark.parametrize("mode", ["http", "file"])
@pytest.mark.parametrize("name", PAGES)
def test_every_static_slider_moves_by_keyboard(name, mode, site_page, built_site, site_server):
    page = site_page
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    page.on("console", lambda m: m.type == "error" and failed.append(f"console: {m.text}"))
    page.goto(url_of(mode, name, built_site, site_server), wait_until="networkidle")
    expect(page.locator("h1")).to_have_count(1)
    panels = page.locator(".bn-panel")
    for k in range(panels.count()):
        panel = panels.nth(k)
        sliders = panel.locator("input[type=range]")
        assert sliders.count() > 0
        for j in range(sliders.count()):
            slider = sliders.nth(j)
            label = panel.locator(f"label[for='{slider.get_attribute('id')}']")
            expect(label).to_have_count(1)
            alt = move_by_keyboard(page, panel, slider)
            assert len(alt) > 60, f"panel {k + 1}: frame without a description"
    page.wait_for_load_state("networkidle")
    assert not failed, f"requests failed: {failed}"


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations(name, site_page, site_server):
    from axe_playwright_python.sync_playwright import Axe

    site_page.goto(f"{site_server}/{name}.html")
    site_page.wait_for_load_state("load")
    results = Axe().run(
        site_page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": []}
    )
    violations = results.response["violations"]
    report = "\n".join(
        f"{v['id']} ({len(v['nodes'])}): {v['help']}: {v['nodes'][0]['target']} "
        f"{v['nodes'][0]['failureSummary'][:300]}"
        for v in violations
    )
    assert not violations, f"{name}: {results.violations_count} axe violations\n{report}"


def test_skip_link_is_first_and_moves_focus_to_the_content(site_page, site_server):
    site_page.goto(f"{site_server}/{NOTEBOOKS[0].stem}.html")
    site_page.keyboard.press("Tab")
    focused = site_page.evaluate("() => document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
    site_page.keyboard.press("Enter")
    assert site_page.evaluate("() => document.activeElement.id") == "content"


PANEL_PAGES = [
    nb.stem for nb in NOTEBOOKS if "application/vnd.jupyter.widget-view+json" in nb.read_text()
]
RANDOM_MOVES = 40  # per slider, at least
KEYS = ["Home", "End", "PageUp", "PageDown", "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"]
# The image a panel shows, and the image of the frame its inputs' positions select in the
# panel's data (the frames nested by position, as tools/export_frames.py orders them), both as
# absolute addresses, read from the page itself.
DISPLAYED_AND_SELECTED = """panel => {
  const image = panel.querySelector("img.bn-frame");
  const data = JSON.parse(panel.querySelector("script.bn-panel-data").textContent);
  const inputs = Array.from(panel.querySelectorAll("input[type=range]"));
  const frame = inputs.reduce((node, input) => node[Number(input.value)], data.frames);
  return {displayed: image.currentSrc || image.src,
          selected: new URL(frame[0], document.baseURI).href,
          ready: image.complete && image.naturalWidth > 0,
          values: inputs.map(input => input.value).join(",")};
}"""


def displayed_frame(panel):
    """(displayed, selected, slider values) once the panel's image has loaded and no nearer
    frame stands in for the exact one (panels.js's data-pending: issue 30, item 4)."""
    handle = panel.element_handle()
    panel.page.wait_for_function(
        "panel => { const img = panel.querySelector('img.bn-frame');"
        " return !panel.hasAttribute('data-pending') && img.complete && img.naturalWidth > 0; }",
        arg=handle,
    )
    state = handle.evaluate(DISPLAYED_AND_SELECTED)
    return state["displayed"], state["selected"], state["values"]


@pytest.mark.parametrize("name", PANEL_PAGES)
def test_random_moves_always_show_the_frame_the_sliders_select(name, site_page, site_server):
    """Clicks on the track at random positions and random keys (seeded): after every move the
    panel's image is the frame its inputs' values select (issue 27, item 1)."""
    import random

    page = site_page
    page.goto(f"{site_server}/{name}.html")
    page.wait_for_load_state("load")
    rng = random.Random(f"web-edition {name}")
    panels = page.locator(".bn-panel")
    mismatches, moves = [], 0
    for k in range(panels.count()):
        panel = panels.nth(k)
        sliders = panel.locator("input[type=range]")
        for j in range(sliders.count()):
            slider = sliders.nth(j)
            slider.scroll_into_view_if_needed()
            for _ in range(RANDOM_MOVES):
                if rng.random() < 0.3:
                    box = slider.bounding_box()
                    page.mouse.click(
                        box["x"] + rng.uniform(0.02, 0.98) * box["width"],
                        box["y"] + box["height"] / 2,
                    )
                else:
                    slider.focus()
                    page.keyboard.press(rng.choice(KEYS))
                moves += 1
                displayed, selected, values = displayed_frame(panel)
                if displayed != selected:
                    mismatches.append(f"panel {k + 1} at ({values}): frame {displayed}")
    assert moves >= RANDOM_MOVES * panels.count()
    assert not mismatches, f"{len(mismatches)} of {moves} moves show another frame: {mismatches}"


def tab_stops_to_first_slider(page, follow_skip_link):
    """Key presses from the top of the page until a range input has the focus: Tab, and Enter
    on the "Skip to slider panel 1" link when `follow_skip_link`."""
    presses = 0
    while presses < 400:
        page.keyboard.press("Tab")
        presses += 1
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return {type: e.type || '', text: (e.textContent || '').trim()}; }"
        )
        if focused["type"] == "range":
            return presses
        if follow_skip_link and focused["text"] == "Skip to slider panel 1":
            page.keyboard.press("Enter")
            presses += 1
    return presses


@pytest.mark.parametrize("name", PANEL_PAGES)
def test_first_slider_within_the_tab_budget(name, site_page, site_server):
    """A keyboard user reaches the first slider in at most TAB_BUDGET presses through the skip
    link; and the Tab order holds only what needs a key (no formulas, no cells that do not
    scroll), which the plain Tab count (no skip link) shows."""
    page = site_page
    page.goto(f"{site_server}/{name}.html", wait_until="networkidle")
    page.wait_for_function(MATHJAX_DONE)
    via_skip = tab_stops_to_first_slider(page, follow_skip_link=True)
    page.goto(f"{site_server}/{name}.html", wait_until="networkidle")
    page.wait_for_function(MATHJAX_DONE)
    plain_tabs = tab_stops_to_first_slider(page, follow_skip_link=False)
    formulas = page.evaluate(
        "() => Array.from(document.querySelectorAll('.MathJax, .MathJax_Display *'))"
        ".filter(e => e.tabIndex >= 0).length"
    )
    stops = page.evaluate(
        """() => Array.from(document.querySelectorAll('[tabindex="0"]')).filter(
            e => e.scrollWidth <= e.clientWidth + 1 && e.scrollHeight <= e.clientHeight + 1
        ).length"""
    )
    print(f"{name}: {via_skip} presses via the skip link, {plain_tabs} Tabs without it")
    assert via_skip <= TAB_BUDGET, f"{name}: {via_skip} presses to the first slider"
    assert formulas == 0, f"{name}: {formulas} formulas in the Tab order"
    assert stops == 0, f"{name}: {stops} areas in the Tab order that do not scroll"


PHONE_CHECK = """() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > width + 1)
    problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
  for (const e of document.querySelectorAll("body *")) {
    const style = getComputedStyle(e);
    if (/auto|scroll/.test(style.overflowX) && e.scrollWidth > e.clientWidth + 1)
      problems.push(`scrolls sideways: ${e.className || e.tagName} (${e.scrollWidth} > ` +
                    `${e.clientWidth}): ${e.textContent.trim().slice(0, 60)}`);
  }
  document.querySelectorAll(".bn-panel").forEach((panel, k) => {
    const box = panel.getBoundingClientRect();
    for (const e of panel.querySelectorAll("*")) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || e.closest(".visually-hidden")) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1)
        problems.push(`panel ${k + 1}: ${e.tagName}.${e.className} outside the panel ` +
                      `(${Math.round(r.left)}-${Math.round(r.right)} vs ` +
                      `${Math.round(box.left)}-${Math.round(box.right)})`);
    }
    if (box.right > width + 1) problems.push(`panel ${k + 1} wider than the page`);
  });
  return problems;
}"""


@pytest.mark.parametrize("name", PAGES)
def test_phone_width_nothing_scrolls_sideways_and_panels_hold_their_controls(
    name, browser, site_server
):
    """WCAG reflow at 320 CSS px: the page and nothing in it scrolls sideways, every part of a
    panel lies inside it, and each figure links to its full-size file."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{site_server}/{name}.html", wait_until="networkidle")
        page.wait_for_function(MATHJAX_DONE)
        problems = page.evaluate(PHONE_CHECK)
        figures = page.locator("figure.bn-figure")
        for k in range(figures.count()):
            figure = figures.nth(k)
            src = figure.locator("img").get_attribute("src")
            expect(figure.locator("a.bn-full-size")).to_have_attribute("href", src)
    finally:
        context.close()
    assert not problems, f"{name} at 320 px:\n" + "\n".join(problems[:20])


# The positions ("p1,p2") of the frames one step away from the panel's current view on every
# slider that panels.js has not reported decoded (its read-only data-decoded hook).
UNDECODED_NEIGHBOURS = """panel => {
  const inputs = Array.from(panel.querySelectorAll("input[type=range]"));
  const pos = inputs.map(input => Number(input.value));
  const decoded = new Set((panel.getAttribute("data-decoded") || "").split(" "));
  const missing = [];
  pos.forEach((p, j) => [p - 1, p + 1].forEach(q => {
    if (q < 0 || q > Number(inputs[j].max)) return;
    const next = pos.slice();
    next[j] = q;
    if (!decoded.has(next.join(","))) missing.push(next.join(","));
  }));
  return missing;
}"""
# Clicks on the track, as the input element reports them: each value set, then its input event,
# all in one task (no frame can decode in between); what the panel showed right after the first.
JUMPS = """(panel, [j, targets]) => {
  const input = panel.querySelectorAll("input[type=range]")[j];
  const before = {shown: panel.getAttribute("data-shown"),
                  decoded: (panel.getAttribute("data-decoded") || "").split(" ").filter(Boolean)};
  let atOnce = null, pending = null;
  for (const target of targets) {
    input.value = String(target);
    input.dispatchEvent(new Event("input", {bubbles: true}));
    if (atOnce === null) {
      atOnce = panel.getAttribute("data-shown");
      pending = panel.hasAttribute("data-pending");
    }
  }
  return {...before, atOnce: atOnce, pending: pending};
}"""


def steps(a, b):
    """Slider steps between two positions "p1,p2"."""
    return sum(abs(int(x) - int(y)) for x, y in zip(a.split(","), b.split(","), strict=True))


def undecoded(panel, j):
    """(current positions, positions of slider j, farthest first, whose frames with the other
    sliders where they are panels.js has not reported decoded)."""
    handle = panel.element_handle()
    decoded = set((handle.get_attribute("data-decoded") or "").split())
    here = [int(v) for v in handle.evaluate(DISPLAYED_AND_SELECTED)["values"].split(",")]
    top = int(panel.locator("input[type=range]").nth(j).get_attribute("max"))
    targets = [
        q
        for q in sorted(range(top + 1), key=lambda q: -abs(q - here[j]))
        if q != here[j] and ",".join(map(str, here[:j] + [q] + here[j + 1 :])) not in decoded
    ]
    return here, targets


@pytest.mark.parametrize("name", PANEL_PAGES)
def test_neighbours_decoded_before_needed_and_jumps_end_on_the_selected_frame(
    name, site_page, site_server
):
    """After a move the frames one step away on every slider are decoded (issue 30, item 4);
    End and Home, one at a time and in quick succession, end on the frame the sliders select;
    a jump to a frame not decoded yet shows the nearest decoded frame at once, then the exact
    one; a jump there and straight back ends on the frame it came back to, even once the frame
    it left has decoded."""
    page = site_page
    page.goto(f"{site_server}/{name}.html")
    page.wait_for_load_state("load")
    panels = page.locator(".bn-panel")
    wrong, stand_ins = [], 0
    for k in range(panels.count()):
        panel = panels.nth(k)
        handle = panel.element_handle()
        sliders = panel.locator("input[type=range]")
        for j in range(sliders.count()):
            slider = sliders.nth(j)
            slider.scroll_into_view_if_needed()
            slider.focus()
            at_max = slider.input_value() == slider.get_attribute("max")
            page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
            try:
                page.wait_for_function(
                    f"panel => ({UNDECODED_NEIGHBOURS})(panel).length === 0",
                    arg=handle,
                    timeout=10_000,
                )
            except PlaywrightTimeout:
                missing = handle.evaluate(UNDECODED_NEIGHBOURS)
                pytest.fail(f"panel {k + 1}, slider {j + 1}: neighbours not decoded: {missing}")
            for keys in (["End"], ["Home"], ["End", "Home"], ["Home", "End"]):
                for key in keys:  # in quick succession: the second before the first settles
                    page.keyboard.press(key)
                displayed, selected, values = displayed_frame(panel)
                if displayed != selected:
                    wrong.append(f"panel {k + 1} after {'+'.join(keys)} at ({values}): {displayed}")
            here, targets = undecoded(panel, j)
            if targets:
                jump = handle.evaluate(JUMPS, [j, targets[:1]])
                target = ",".join(map(str, here[:j] + targets[:1] + here[j + 1 :]))
                ready = [jump["shown"], *jump["decoded"]]
                assert jump["atOnce"] in ready, jump
                assert steps(jump["atOnce"], target) == min(steps(p, target) for p in ready), (
                    target,
                    jump,
                )
                stand_ins += jump["pending"] and jump["atOnce"] != jump["shown"]
                displayed, selected, values = displayed_frame(panel)
                if displayed != selected:
                    wrong.append(f"panel {k + 1} after a jump to ({values}): {displayed}")
            here, targets = undecoded(panel, j)
            if targets:
                handle.evaluate(JUMPS, [j, [targets[0], here[j]]])
                page.wait_for_timeout(500)  # the frame it jumped to decodes meanwhile
                displayed, selected, values = displayed_frame(panel)
                if displayed != selected or values.split(",")[j] != str(here[j]):
                    wrong.append(f"panel {k + 1} after a jump and back at ({values}): {displayed}")
    assert not wrong, f"wrong final frames: {wrong}"
    print(f"{name}: {stand_ins} jumps showed a nearer decoded frame before the exact one")
