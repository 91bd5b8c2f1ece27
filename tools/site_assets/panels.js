// The web edition's script (tools/build_site.py writes the markup and data).
// Static slider panels: each range input walks through the values a frame was precomputed for;
// the page's data holds the frames as nested lists indexed by the inputs' positions, each frame
// [image, readout, description, headline] (tools/export_frames.py names and orders them);
// a move swaps in that frame's image, readout and description, announces the new value and the
// readout's headline (a polite live region), and prefetches (and decodes) the frames one step
// away on every slider, so the next move shows an image already in memory.
// Scrolling areas: only a cell input or output that scrolls stays in the Tab order.
(function () {
  "use strict";

  function setup(panel) {
    var data = JSON.parse(panel.querySelector("script.bn-panel-data").textContent);
    var inputs = Array.prototype.slice.call(panel.querySelectorAll("input[type=range]"));
    var outputs = Array.prototype.slice.call(panel.querySelectorAll("output"));
    var image = panel.querySelector("img.bn-frame");
    var readout = panel.querySelector(".bn-readout");
    var description = panel.querySelector(".bn-description p");
    var announce = panel.querySelector(".bn-announce");
    var fullSize = panel.querySelector("a.bn-full-size");
    var fetched = {};  // image file -> an element that shows it, loaded (or loading)

    function positions() {
      return inputs.map(function (input) { return Number(input.value); });
    }

    function frameAt(pos) {
      return pos.reduce(function (node, p) { return node[p]; }, data.frames);
    }

    function prefetch(pos) {
      pos.forEach(function (p, j) {
        [-1, 1].forEach(function (step) {
          var next = pos.slice();
          next[j] = p + step;
          if (next[j] < 0 || next[j] >= data.labels[j].length) return;
          var url = frameAt(next)[0];
          if (fetched[url]) return;
          var img = new Image();
          img.src = url;
          img.decode().catch(function () {});  // decoded now, not when it is shown
          fetched[url] = img;
        });
      });
    }

    function show(event) {
      var pos = positions();
      var frame = frameAt(pos);
      var url = frame[0];
      var next = fetched[url];
      // The cache holds only elements that show their own frame; the element on the page is
      // never in it, because its src changes with the next move.
      if (next && next.complete && next.naturalWidth) {
        // The prefetched image is loaded and decoded: show that element itself, and keep the
        // one it replaces (it shows the frame it was displaying) for a later move back.
        delete fetched[url];
        ["class", "width", "height"].forEach(function (name) {
          next.setAttribute(name, image.getAttribute(name));
        });
        image.replaceWith(next);
        fetched[panel.getAttribute("data-frame")] = image;
        image = next;
      } else {
        image.src = url;
      }
      image.alt = frame[2];
      fullSize.href = url;
      readout.innerHTML = frame[1];
      description.textContent = frame[2];
      inputs.forEach(function (input, j) {
        var label = data.labels[j][pos[j]];
        input.setAttribute("aria-valuetext", label);
        outputs[j].textContent = label;
      });
      panel.setAttribute("data-frame", url);
      var moved = inputs.indexOf(event.target);
      announce.textContent = data.names[moved] + " " + data.labels[moved][pos[moved]] + ": " +
        frame[3];
      prefetch(pos);
    }

    inputs.forEach(function (input) {
      input.addEventListener("input", show);
      input.addEventListener("focus", function () { prefetch(positions()); });
    });
    panel.setAttribute("data-frame", frameAt(positions())[0]);
    // Neighbours of the first view once the page itself has loaded.
    if (document.readyState === "complete") prefetch(positions());
    else window.addEventListener("load", function () { prefetch(positions()); });
  }

  // nbconvert makes every cell input and output focusable; the builder marks them instead, and
  // here only an area that actually scrolls (sideways or down) at this width gets a Tab stop,
  // so a keyboard user can scroll it and no one tabs through the others.
  function scrollers() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-bn-scroll]"), function (area) {
      var inside = Array.prototype.slice.call(area.querySelectorAll("div, pre"));
      var scrolls = [area].concat(inside).filter(function (element) {
          var style = getComputedStyle(element);
          return (element.scrollWidth > element.clientWidth + 1 &&
                  /auto|scroll/.test(style.overflowX)) ||
                 (element.scrollHeight > element.clientHeight + 1 &&
                  /auto|scroll/.test(style.overflowY));
        });
      area.querySelectorAll("[data-bn-scroller]").forEach(function (element) {
        element.removeAttribute("tabindex");
        element.removeAttribute("data-bn-scroller");
      });
      scrolls.forEach(function (element) {
        element.setAttribute("tabindex", "0");
        element.setAttribute("data-bn-scroller", "");
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll(".bn-panel"), setup);
  scrollers();
  window.addEventListener("load", function () {
    scrollers();
    // Typeset formulas change the layout again.
    if (window.MathJax && window.MathJax.Hub) window.MathJax.Hub.Queue(scrollers);
  });
  var resized = null;
  window.addEventListener("resize", function () {
    clearTimeout(resized);
    resized = setTimeout(scrollers, 200);
  });
})();
