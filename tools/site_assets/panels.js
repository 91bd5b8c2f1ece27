// The web edition's script (tools/build_site.py writes the markup and data).
// Static slider panels: each range input walks through the values a frame was precomputed for;
// the page's data holds the frames as nested lists indexed by the inputs' positions, each frame
// [image, readout, description, headline] (tools/export_frames.py names and orders them);
// a move swaps in that frame's image, readout and description, and announces the new value and
// the readout's headline (a polite live region). Frames are decoded before they are needed: after
// every move, the frames one step away on every slider and the two ends of each slider (Home and
// End) are fetched and decoded off the page, so the next move swaps in an image already in memory.
// A jump to a frame not decoded yet (a click on the track) shows the nearest decoded frame at
// once, then the exact one as soon as it is decoded. Read-only hooks for tests and benchmarks,
// in slider positions ("p1,p2"): the panel's data-decoded lists the frames decoded and ready to
// swap in, data-shown names the frame on the page, and data-pending is present while the exact
// frame is still being decoded.
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
    // Frames held off the page, by index: {img, pos, decoded, ready}. The element on the page
    // (`image`, showing frame `shown` at positions `shownPos`) is never in the cache, so no
    // element ever changes the frame it shows. At most KEEP frames (a decoded frame takes about
    // 1 MB), the least recently used leaving first; a move needs at most 4 per slider.
    var KEEP = 40;
    var sizes = data.labels.map(function (labels) { return labels.length; });
    var cache = {};
    var used = [];
    var shownPos = positions();
    var shown = frameIndex(shownPos);
    var wanted = shown;

    function positions() {
      return inputs.map(function (input) { return Number(input.value); });
    }

    // A frame's number in the cache (its position in the nested lists, read row by row).
    function frameIndex(pos) {
      return pos.reduce(function (index, p, j) { return index * sizes[j] + p; }, 0);
    }

    function frameAt(pos) {
      return pos.reduce(function (node, p) { return node[p]; }, data.frames);
    }

    function touch(index) {
      forget(index, true);
      used.push(index);
    }

    function forget(index, keep) {
      var at = used.indexOf(index);
      if (at >= 0) used.splice(at, 1);
      if (!keep) delete cache[index];
    }

    function publish() {
      var ready = Object.keys(cache).filter(function (index) { return cache[index].decoded; });
      panel.setAttribute("data-decoded", ready.map(function (index) {
        return cache[index].pos.join(",");
      }).join(" "));
    }

    // Keep `img` (its src set to frame `index`) off the page; `ready` resolves once it is
    // decoded (then `decoded` is true), or once it cannot be (then it leaves the cache). An image
    // that was painted (`painted`: it comes off the page, loaded) is decoded already.
    function hold(img, index, pos, painted) {
      var entry = {img: img, pos: pos, decoded: false};
      cache[index] = entry;
      touch(index);
      if (painted && img.complete && img.naturalWidth > 0) {
        entry.decoded = true;
        entry.ready = Promise.resolve();
        return entry;
      }
      entry.ready = img.decode().then(function () {
        if (cache[index] === entry) {
          entry.decoded = true;
          publish();
        }
      }, function () {
        if (cache[index] === entry) {
          forget(index);
          publish();
        }
      });
      return entry;
    }

    function load(pos) {
      var index = frameIndex(pos);
      if (index === shown) return null;
      if (cache[index]) {
        touch(index);
        return cache[index];
      }
      var img = new Image();
      img.src = frameAt(pos)[0];
      return hold(img, index, pos.slice());
    }

    // The frames one step away on every slider, then both ends of every slider.
    function prefetch(pos) {
      var targets = [];
      pos.forEach(function (p, j) {
        [p - 1, p + 1].forEach(function (q) { targets.push([j, q]); });
      });
      pos.forEach(function (p, j) {
        [0, sizes[j] - 1].forEach(function (q) { targets.push([j, q]); });
      });
      targets.forEach(function (target) {
        var next = pos.slice();
        next[target[0]] = target[1];
        if (target[1] >= 0 && target[1] < sizes[target[0]]) load(next);
      });
      while (used.length > KEEP) forget(used[0]);
      publish();
    }

    function distance(a, b) {
      return a.reduce(function (sum, p, j) { return sum + Math.abs(p - b[j]); }, 0);
    }

    // The decoded frame closest to `pos` (in slider steps), or null if none is closer than the
    // frame on the page.
    function nearest(pos) {
      var best = null;
      var closest = distance(shownPos, pos);
      Object.keys(cache).forEach(function (index) {
        var entry = cache[index];
        if (entry.decoded && distance(entry.pos, pos) < closest) {
          best = Number(index);
          closest = distance(entry.pos, pos);
        }
      });
      return best;
    }

    // Put the cached frame `index` on the page; the element it replaces goes into the cache.
    function display(index) {
      var entry = cache[index];
      forget(index);
      ["class", "width", "height"].forEach(function (name) {
        entry.img.setAttribute(name, image.getAttribute(name));
      });
      entry.img.alt = frameAt(entry.pos)[2];
      image.replaceWith(entry.img);
      hold(image, shown, shownPos, true);
      image = entry.img;
      shown = index;
      shownPos = entry.pos;
      settle();
    }

    function settle() {
      if (shown === wanted) panel.removeAttribute("data-pending");
      else panel.setAttribute("data-pending", "");
      panel.setAttribute("data-shown", shownPos.join(","));
      publish();
    }

    function swap(pos) {
      var index = frameIndex(pos);
      wanted = index;
      var entry = load(pos);
      if (!entry) return settle();  // the frame on the page is the one wanted
      if (entry.decoded) return display(index);
      var near = nearest(pos);
      if (near !== null) display(near);
      else settle();
      entry.ready.then(function () {
        if (wanted !== index || shown === index) return;  // the sliders have moved on
        if (cache[index] && cache[index].decoded) return display(index);
        // Not decodable off the page: load it on the page, where a failure shows.
        forget(index);
        image.src = frameAt(pos)[0];
        image.alt = frameAt(pos)[2];
        shown = index;
        shownPos = pos;
        settle();
      });
    }

    function show(event) {
      var pos = positions();
      var index = frameIndex(pos);
      var frame = frameAt(pos);
      swap(pos);
      fullSize.href = frame[0];
      readout.innerHTML = frame[1];
      description.textContent = frame[2];
      inputs.forEach(function (input, j) {
        var label = data.labels[j][pos[j]];
        input.setAttribute("aria-valuetext", label);
        outputs[j].textContent = label;
      });
      panel.setAttribute("data-frame", String(index));
      var moved = inputs.indexOf(event.target);
      announce.textContent = data.names[moved] + " " + data.labels[moved][pos[moved]] + ": " +
        frame[3];
      afterPaint(function () { prefetch(positions()); });
    }

    // Fetching starts once the frame just swapped in is painted: new requests in the same frame
    // would delay that paint.
    function afterPaint(task) {
      requestAnimationFrame(function () { setTimeout(task, 0); });
    }

    inputs.forEach(function (input) {
      input.addEventListener("input", show);
      input.addEventListener("focus", function () { prefetch(positions()); });
    });
    panel.setAttribute("data-frame", String(shown));
    settle();
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
