/* Reader tools: font size, high contrast, read aloud, print.
 *
 * Plain JavaScript, no framework, nothing from other hosts. The inline script
 * in partials/reader-head.html has already applied the remembered settings to
 * <html> before the first paint; this file wires up the buttons of
 * partials/reader-tools.html and keeps aria-pressed in step.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  var scope = root.getAttribute("data-lf-scope") || "/";
  var FONT_KEY = scope + "lf-font";
  var CONTRAST_KEY = scope + "lf-contrast";

  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function save(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch (e) { /* private mode or storage off: the setting lasts for this page */ }
  }

  function all(selector) {
    return Array.prototype.slice.call(document.querySelectorAll(selector));
  }

  /* --- font size and contrast ------------------------------------------ */

  function currentFont() {
    var size = root.getAttribute("data-lf-font");
    return size === "l" || size === "xl" ? size : "m";
  }

  function highContrast() {
    return root.getAttribute("data-lf-contrast") === "high";
  }

  function sync() {
    var size = currentFont();
    all("[data-lf-font-button]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-lf-font-button") === size));
    });
    all("[data-lf-contrast-button]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(highContrast()));
    });
  }

  function applyFont(size) {
    if (size === "l" || size === "xl") root.setAttribute("data-lf-font", size);
    else root.removeAttribute("data-lf-font");
  }

  function applyContrast(on) {
    if (on) root.setAttribute("data-lf-contrast", "high");
    else root.removeAttribute("data-lf-contrast");
  }

  /* Settings changed elsewhere: another tab, or this page came back from the
     back/forward cache after the reader changed them on a later page. */
  function reload() {
    applyFont(load(FONT_KEY));
    applyContrast(load(CONTRAST_KEY) === "high");
    sync();
  }

  all("[data-lf-font-button]").forEach(function (button) {
    button.addEventListener("click", function () {
      var size = button.getAttribute("data-lf-font-button");
      applyFont(size);
      save(FONT_KEY, size === "m" ? null : size);
      sync();
    });
  });

  all("[data-lf-contrast-button]").forEach(function (button) {
    button.addEventListener("click", function () {
      var on = !highContrast();
      applyContrast(on);
      save(CONTRAST_KEY, on ? "high" : null);
      sync();
    });
  });

  window.addEventListener("storage", function (event) {
    if (event.key === null || event.key === FONT_KEY || event.key === CONTRAST_KEY) reload();
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) reload();
  });
  sync();

  /* --- wide tables ------------------------------------------------------ */

  /* A table wider than the phone scrolls inside its box; make that box
     reachable by keyboard so it can be scrolled without a pointer. Material
     wraps tables at DOMContentLoaded, and widths change with the font size. */
  function scrollableByKeyboard() {
    all(".md-content .md-typeset__scrollwrap, .md-content table, .md-content .lf-table-scroll, .md-content [data-lf-scroll]").forEach(function (box) {
      var overflow = window.getComputedStyle(box).overflowX;
      var scrolls = (overflow === "auto" || overflow === "scroll") && box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-lf-scroll-focus", "");
      } else if (!scrolls && box.hasAttribute("data-lf-scroll-focus")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-lf-scroll-focus");
      }
    });
  }
  var resizeTimer = 0;
  document.addEventListener("DOMContentLoaded", scrollableByKeyboard);
  window.addEventListener("load", scrollableByKeyboard);
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(scrollableByKeyboard, 200);
  });
  new MutationObserver(function () { scrollableByKeyboard(); })
    .observe(root, { attributes: true, attributeFilter: ["data-lf-font"] });

  /* --- print ------------------------------------------------------------ */

  all("[data-lf-print]").forEach(function (button) {
    if (typeof window.print !== "function") { button.hidden = true; return; }
    button.addEventListener("click", function () { window.print(); });
  });

  /* --- read aloud (story pages) ----------------------------------------- */

  var speakButton = document.querySelector("[data-lf-speak]");
  var stopButton = document.querySelector("[data-lf-stop]");
  var synth = window.speechSynthesis;
  var Utterance = window.SpeechSynthesisUtterance;
  if (!speakButton || !synth || !Utterance) return;

  var queue = [];        // [{text, block}] still to say
  var speaking = false;
  var current = null;    // the block being read, highlighted
  var voice = null;

  /* The best voice for Simplified Chinese: zh-CN, then other Mandarin, then
     any Chinese voice (zh-HK last: Cantonese reads Mandarin text poorly). */
  function chineseVoice() {
    var voices = synth.getVoices() || [];
    var best = null;
    var bestRank = 0;
    voices.forEach(function (v) {
      var lang = String(v.lang || "").replace(/_/g, "-").toLowerCase();
      var rank = 0;
      if (lang === "zh-cn" || lang === "cmn-cn" || lang === "cmn-hans-cn" || lang === "zh-hans-cn" || lang === "zh-hans") rank = 4;
      else if (lang.indexOf("cmn") === 0 || lang === "zh" || lang === "zh-sg" || lang === "zh-tw" || lang.indexOf("zh-hant") === 0) rank = 3;
      else if (lang.indexOf("zh-hk") === 0 || lang.indexOf("yue") === 0) rank = 1;
      else if (lang.indexOf("zh") === 0) rank = 2;
      if (rank > 0 && v.localService) rank += 0.5;  // works offline, starts at once
      if (rank > bestRank) { best = v; bestRank = rank; }
    });
    return best;
  }

  function updateVoices() {
    voice = chineseVoice();
    speakButton.hidden = !voice;
    if (!voice && speaking) stop();
  }

  /* What to read: the title, the lead, then the story's own blocks.
     (No :is() in selectors: older WebViews inside WeChat lack it.) */
  function blocks() {
    var story = document.querySelector("[data-lf-kind=story]");
    if (!story) return [];
    var parts = ["p", "h2", "h3", "h4", "li", "blockquote", "figcaption", "th", "td"];
    var selector = ".lf-title, .lf-lead, " + parts.map(function (tag) { return ".lf-body " + tag; }).join(", ");
    return Array.prototype.slice.call(story.querySelectorAll(selector)).filter(function (el) {
      // a <p> inside a list item, quote or cell is read with its parent
      var parent = el.parentElement && el.parentElement.closest("li, blockquote, td, th");
      return !(parent && story.contains(parent)) && el.textContent.trim();
    });
  }

  /* Long utterances stop half-way in some browsers: say at most ~120
     characters at a time, cut after a sentence or clause. */
  function pieces(text) {
    var out = [];
    var rest = text.replace(/\s+/g, " ").trim();
    while (rest.length > 120) {
      var cut = -1;
      var marks = /[。！？；!?;]/g;
      var m;
      while ((m = marks.exec(rest)) && m.index < 120) cut = m.index + 1;
      if (cut < 20) {
        marks = /[，、,：:]/g;
        while ((m = marks.exec(rest)) && m.index < 120) cut = m.index + 1;
      }
      if (cut < 20) cut = 120;
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut).trim();
    }
    if (rest) out.push(rest);
    return out;
  }

  function mark(block) {
    if (current === block) return;
    if (current) current.classList.remove("lf-speaking");
    current = block;
    if (!block) return;
    block.classList.add("lf-speaking");
    var box = block.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) {
      block.scrollIntoView({ block: "center", behavior: "smooth" });
    }
  }

  function setSpeaking(on) {
    speaking = on;
    speakButton.setAttribute("aria-pressed", String(on));
    if (stopButton) stopButton.hidden = !on;
    if (!on) mark(null);
  }

  function next() {
    if (!speaking) return;
    var item = queue.shift();
    if (!item) { setSpeaking(false); return; }
    var utterance = new Utterance(item.text);
    utterance.lang = voice ? voice.lang : "zh-CN";
    if (voice) utterance.voice = voice;
    utterance.rate = 0.9;  // a little slower than the default, for older listeners
    utterance.onstart = function () { mark(item.block); };
    utterance.onend = next;
    utterance.onerror = function (event) {
      if (event.error === "interrupted" || event.error === "canceled") return;
      stop();
    };
    mark(item.block);
    synth.speak(utterance);
  }

  function start() {
    if (!voice) return;
    synth.cancel();
    queue = [];
    blocks().forEach(function (block) {
      pieces(block.textContent).forEach(function (text) { queue.push({ text: text, block: block }); });
    });
    if (!queue.length) return;
    setSpeaking(true);
    next();
  }

  function stop() {
    queue = [];
    setSpeaking(false);
    synth.cancel();
  }

  speakButton.addEventListener("click", function () {
    if (speaking) stop(); else start();
  });
  if (stopButton) {
    stopButton.addEventListener("click", function () {
      stop();
      speakButton.focus();  // the stop button hides itself; keep focus in the toolbar
    });
  }
  window.addEventListener("pagehide", stop);

  /* Voices load asynchronously in Chromium: listen, and look again a few
     times for browsers that never fire the event. */
  updateVoices();
  if (typeof synth.addEventListener === "function") synth.addEventListener("voiceschanged", updateVoices);
  else synth.onvoiceschanged = updateVoices;
  [250, 1000, 3000].forEach(function (delay) {
    window.setTimeout(function () { if (!voice) updateVoices(); }, delay);
  });
})();
