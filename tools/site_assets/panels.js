// Static slider panels of the web edition (tools/build_site.py writes the markup and data).
// Each range input walks through the values a frame was precomputed for; a move swaps in that
// frame's image, readout (a polite live region) and description, and prefetches (and decodes)
// the frames one step away on every slider, so the next move shows an image already in memory.
(function () {
  "use strict";

  function setup(panel) {
    var data = JSON.parse(panel.querySelector("script.bn-panel-data").textContent);
    var inputs = Array.prototype.slice.call(panel.querySelectorAll("input[type=range]"));
    var outputs = Array.prototype.slice.call(panel.querySelectorAll("output"));
    var image = panel.querySelector("img.bn-frame");
    var readout = panel.querySelector(".bn-readout");
    var description = panel.querySelector(".bn-description p");
    var fetched = {};

    function positions() {
      return inputs.map(function (input) { return Number(input.value); });
    }

    function frameIndex(pos) {
      return pos.reduce(function (index, p, j) { return index * data.sizes[j] + p; }, 0);
    }

    function url(index) {
      return data.base + index + ".png";
    }

    function prefetch(pos) {
      pos.forEach(function (p, j) {
        [-1, 1].forEach(function (step) {
          var next = pos.slice();
          next[j] = p + step;
          if (next[j] < 0 || next[j] >= data.sizes[j]) return;
          var index = frameIndex(next);
          if (fetched[index]) return;
          var img = new Image();
          img.src = url(index);
          img.decode().catch(function () {});  // decoded now, not when it is shown
          fetched[index] = img;
        });
      });
    }

    function show() {
      var pos = positions();
      var index = frameIndex(pos);
      var frame = data.frames[index];
      var next = fetched[index];
      // The cache holds only elements that show their own frame; the element on the page is
      // never in it, because its src changes with the next move.
      if (next && next.complete && next.naturalWidth) {
        // The prefetched image is loaded and decoded: show that element itself, and keep the
        // one it replaces (it shows the frame it was displaying) for a later move back.
        delete fetched[index];
        ["class", "width", "height"].forEach(function (name) {
          next.setAttribute(name, image.getAttribute(name));
        });
        image.replaceWith(next);
        fetched[Number(panel.getAttribute("data-frame"))] = image;
        image = next;
      } else {
        image.src = url(index);
      }
      image.alt = frame[1];
      readout.innerHTML = frame[0];
      description.textContent = frame[1];
      inputs.forEach(function (input, j) {
        var label = data.labels[j][pos[j]];
        input.setAttribute("aria-valuetext", label);
        outputs[j].textContent = label;
      });
      panel.setAttribute("data-frame", String(index));
      prefetch(pos);
    }

    inputs.forEach(function (input) {
      input.addEventListener("input", show);
      input.addEventListener("focus", function () { prefetch(positions()); });
    });
    panel.setAttribute("data-frame", String(frameIndex(positions())));
    // Neighbours of the first view once the page itself has loaded.
    if (document.readyState === "complete") prefetch(positions());
    else window.addEventListener("load", function () { prefetch(positions()); });
  }

  Array.prototype.forEach.call(document.querySelectorAll(".bn-panel"), setup);
})();
