/* Site search for the volunteer story site: reads the sharded index that
 * generator/assets/search writes into search/ (see its index.py for the file
 * formats). Plain JavaScript, no framework, nothing from other hosts.
 *
 * Opening the box loads search/manifest.json, docs.bin (filters, lengths)
 * and fold.json (繁→简); a query loads only the shards of its tokens and the
 * snippet files of the documents it shows. Folding and tokens match
 * generator/assets/search/folding.py; scores are BM25F from the tf bytes.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-lf-search]");
  if (!root || !window.fetch || !window.URL) return;

  var FORMAT = 2;
  var PAGE = 10;
  var SNIPPETS_PER_FILE = 4;
  var LENGTH_STEPS = 16;
  var MAX_TOKENS = 32;
  var MAX_QUERY = 200;
  var NAME_BOOST = 1000;
  var RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+/g;

  var siteRoot = new URL(root.getAttribute("data-lf-search") || ".", document.baseURI);
  if (!/\/$/.test(siteRoot.pathname)) siteRoot = new URL(siteRoot.pathname + "/", siteRoot);
  var searchRoot = new URL("search/", siteRoot);

  var toggle = document.getElementById("__search");
  var form = root.querySelector("form");
  var input = root.querySelector("input[name=q]");
  var meta = root.querySelector("[data-lf-search-meta]");
  var list = root.querySelector("[data-lf-search-list]");
  var more = root.querySelector("[data-lf-search-more]");
  var selects = {
    kind: root.querySelector("select[name=kind]"),
    field: root.querySelector("select[name=field]"),
    year: root.querySelector("select[name=year]")
  };

  // Words from the page (theme language), with Simplified defaults.
  var words = {
    hint: "输入姓名、地点、项目或服务内容，如：助残、垃圾分类",
    none: "没有找到符合条件的结果",
    one: "找到 1 个符合条件的结果",
    other: "# 个符合条件的结果",
    partial: "没有完全匹配的结果，以下为部分匹配（# 条）",
    filtered: "筛选条件下没有结果，请放宽筛选。",
    symbols: "请输入汉字、字母或数字。",
    failed: "搜索暂时不可用，请稍后再试。",
    year: "年",
    kinds: {}
  };
  try {
    var given = JSON.parse(root.querySelector("[data-lf-search-words]").textContent);
    Object.keys(given).forEach(function (key) { words[key] = given[key]; });
  } catch (e) { /* keep the defaults */ }

  var base = null; // promise of {manifest, docs, fold, norms, dir}
  var shards = new Map(); // shard number -> promise of Map(token -> [bytes, offset])
  var snippets = new Map(); // snippet file number -> promise of [{u, t, m, x}, ...]
  var current = null; // the last query's matches
  var sequence = 0;
  var timer = 0;

  // --- loading -------------------------------------------------------------

  function fetchBytes(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + url);
      return r.arrayBuffer();
    });
  }

  function fetchJSON(url, init) {
    return fetch(url, init || { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + url);
      return r.json();
    });
  }

  function load() {
    if (base) return base;
    base = fetchJSON(new URL("manifest.json", searchRoot), { credentials: "same-origin", cache: "no-cache" })
      .then(function (manifest) {
        if (manifest.format !== FORMAT) throw new Error("search index format " + manifest.format);
        var dir = new URL(manifest.version + "/", searchRoot);
        return Promise.all([manifest, dir, fetchBytes(new URL("docs.bin", dir)), fetchJSON(new URL("fold.json", dir))]);
      })
      .then(function (all) {
        var manifest = all[0];
        var fold = new Map();
        var pairs = all[3];
        for (var i = 0; i + 1 < pairs.length; i += 2) fold.set(pairs.charCodeAt(i), pairs.charCodeAt(i + 1));
        var state = { manifest: manifest, dir: all[1], docs: new Uint8Array(all[2]), fold: fold };
        state.width = 3 + Math.max(1, Math.ceil(manifest.fields.length / 8));
        state.norms = lengthNorms(state);
        fillFilters(state);
        root.setAttribute("data-lf-search-state", "ready");
        return state;
      });
    base.catch(function () {
      base = null; // try again on the next query
      showMessage(words.failed);
    });
    return base;
  }

  function shard(state, number) {
    var promise = shards.get(number);
    if (!promise) {
      promise = fetchBytes(new URL("s/" + number + ".bin", state.dir)).then(parseShard);
      promise.catch(function () { shards.delete(number); });
      shards.set(number, promise);
    }
    return promise;
  }

  function doc(state, number) {
    var file = Math.floor(number / SNIPPETS_PER_FILE);
    var promise = snippets.get(file);
    if (!promise) {
      promise = fetchJSON(new URL("d/" + file + ".json", state.dir));
      promise.catch(function () { snippets.delete(file); });
      snippets.set(file, promise);
    }
    return promise.then(function (records) { return records[number % SNIPPETS_PER_FILE]; });
  }

  // --- index format --------------------------------------------------------

  var decoder = new TextDecoder("utf-8");

  function parseShard(buffer) {
    var bytes = new Uint8Array(buffer);
    var pos = { i: 0 };
    var count = varint(bytes, pos);
    var entries = new Map();
    for (var n = 0; n < count; n++) {
      var length = varint(bytes, pos);
      var token = decoder.decode(bytes.subarray(pos.i, pos.i + length));
      pos.i += length;
      var start = pos.i;
      var df = varint(bytes, pos);
      for (var k = 0; k < df; k++) varint(bytes, pos); // skip deltas
      pos.i += df; // skip tf bytes
      entries.set(token, [bytes, start]);
    }
    return entries;
  }

  function varint(bytes, pos) {
    var value = 0, shift = 0, b;
    do {
      b = bytes[pos.i++];
      value += (b & 0x7f) * Math.pow(2, shift);
      shift += 7;
    } while (b & 0x80);
    return value;
  }

  function postings(entry) {
    var bytes = entry[0], pos = { i: entry[1] };
    var df = varint(bytes, pos);
    var docs = new Uint32Array(df);
    var previous = 0;
    for (var k = 0; k < df; k++) docs[k] = previous += varint(bytes, pos);
    return { docs: docs, tfs: bytes.subarray(pos.i, pos.i + df) };
  }

  // BM25 length norm of each document: k1 * (1 - b + b * length / average length).
  function lengthNorms(state) {
    var n = state.manifest.docs, k1 = state.manifest.bm25[0], b = state.manifest.bm25[1];
    var lengths = new Float64Array(n), total = 0;
    for (var d = 0; d < n; d++) total += lengths[d] = Math.pow(2, state.docs[d * state.width + 2] / LENGTH_STEPS);
    var average = total / Math.max(1, n), norms = new Float64Array(n);
    for (var e = 0; e < n; e++) norms[e] = k1 * (1 - b + (b * lengths[e]) / average);
    return norms;
  }

  // Order on equal scores: profiles by number, then stories newest (highest number) first.
  function rank(state, d) {
    var stories = state.manifest.stories;
    return d < stories ? d : stories + state.manifest.docs - 1 - d;
  }

  function tokenHash(token) {
    var h = 0x811c9dc5;
    for (var i = 0; i < token.length; i++) {
      h ^= token.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  // --- folding and tokens (same rules as generator/assets/search/folding.py) -

  function fold(state, text) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c >= 0x41 && c <= 0x5a) c += 32;
      else if (c >= 0xff21 && c <= 0xff3a) c = c - 0xfee0 + 32;
      else if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
      else if (c === 0x3000) c = 0x20;
      else if (c >= 0x3400) c = state.fold.get(c) || c;
      out += String.fromCharCode(c);
    }
    return out;
  }

  function runs(folded) {
    return folded.match(RUN) || [];
  }

  function tokensOf(folded) {
    var seen = new Set(), out = [];
    var parts = runs(folded);
    for (var r = 0; r < parts.length && out.length < MAX_TOKENS; r++) {
      var run = parts[r], found = [];
      if (run.charCodeAt(0) < 0x80 || run.length === 1) found.push(run);
      else for (var i = 0; i + 1 < run.length; i++) found.push(run.slice(i, i + 2));
      for (var k = 0; k < found.length && out.length < MAX_TOKENS; k++) {
        if (!seen.has(found[k])) { seen.add(found[k]); out.push(found[k]); }
      }
    }
    return out;
  }

  // --- search --------------------------------------------------------------

  function lookup(state, token) {
    return shard(state, tokenHash(token) % state.manifest.shards).then(function (entries) {
      var entry = entries.get(token);
      return entry ? postings(entry) : null;
    });
  }

  function search(state, query) {
    var folded = fold(state, query.slice(0, MAX_QUERY));
    var tokens = tokensOf(folded);
    var name = runs(folded).join("");
    if (!tokens.length) return Promise.resolve(null);
    var wanted = tokens.map(function (t) { return lookup(state, t); });
    wanted.push(name.length <= 40 ? lookup(state, "=" + name) : Promise.resolve(null));
    return Promise.all(wanted).then(function (lists) {
      var n = state.manifest.docs, k1 = state.manifest.bm25[0];
      var score = new Float64Array(n), hits = new Uint8Array(n);
      var best = 0;
      for (var t = 0; t < tokens.length; t++) {
        var p = lists[t];
        if (!p) continue;
        var df = p.docs.length;
        var idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        for (var k = 0; k < df; k++) {
          var d = p.docs[k], tf = p.tfs[k];
          score[d] += (idf * tf * (k1 + 1)) / (tf + state.norms[d]);
          if (++hits[d] > best) best = hits[d];
        }
      }
      var names = lists[tokens.length];
      if (names) {
        for (var j = 0; j < names.docs.length; j++) {
          score[names.docs[j]] += NAME_BOOST;
          hits[names.docs[j]] = best = Math.max(best, tokens.length);
        }
      }
      var matches = [];
      for (var i = 0; i < n; i++) if (best && hits[i] === best) matches.push(i);
      matches.sort(function (a, b) { return score[b] - score[a] || rank(state, a) - rank(state, b); });
      return { query: query, folded: folded, tokens: tokens, runs: runs(folded), matches: matches, partial: best < tokens.length };
    });
  }

  // --- filters -------------------------------------------------------------

  function attributes(state, d) {
    var o = d * state.width, bytes = state.docs;
    return { kind: bytes[o], year: bytes[o + 1] ? bytes[o + 1] + 1900 : 0, o: o + 3 };
  }

  function hasField(state, a, index) {
    return (state.docs[a.o + (index >> 3)] >> (index & 7)) & 1;
  }

  function chosen() {
    return {
      kind: selects.kind.value === "" ? -1 : +selects.kind.value,
      field: selects.field.value === "" ? -1 : +selects.field.value,
      year: selects.year.value === "" ? -1 : +selects.year.value
    };
  }

  function passes(state, a, f, skip) {
    if (skip !== "kind" && f.kind >= 0 && a.kind !== f.kind) return false;
    if (skip !== "field" && f.field >= 0 && !hasField(state, a, f.field)) return false;
    if (skip !== "year" && f.year >= 0 && a.year !== f.year) return false;
    return true;
  }

  function fillFilters(state) {
    var m = state.manifest;
    addOptions(selects.kind, m.kinds.map(function (k, i) { return [i, kindLabel(state, i)]; }));
    addOptions(selects.field, m.fields.map(function (f, i) { return [i, f[1]]; }));
    addOptions(selects.year, m.years.map(function (y) { return [y, y + words.year]; }));
  }

  function kindLabel(state, index) {
    var kind = state.manifest.kinds[index];
    return words.kinds[kind[0]] || kind[1];
  }

  function addOptions(select, options) {
    if (select.options.length > 1) return;
    options.forEach(function (pair) {
      var option = document.createElement("option");
      option.value = String(pair[0]);
      option.textContent = pair[1];
      option.setAttribute("data-label", pair[1]);
      select.appendChild(option);
    });
  }

  function countFacets(state, matches, f) {
    var counts = { kind: new Map(), field: new Map(), year: new Map() };
    var fieldCount = state.manifest.fields.length;
    for (var i = 0; i < matches.length; i++) {
      var a = attributes(state, matches[i]);
      if (passes(state, a, f, "kind")) counts.kind.set(a.kind, (counts.kind.get(a.kind) || 0) + 1);
      if (passes(state, a, f, "year") && a.year) counts.year.set(a.year, (counts.year.get(a.year) || 0) + 1);
      if (passes(state, a, f, "field")) {
        for (var k = 0; k < fieldCount; k++) if (hasField(state, a, k)) counts.field.set(k, (counts.field.get(k) || 0) + 1);
      }
    }
    ["kind", "field", "year"].forEach(function (name) {
      var select = selects[name];
      for (var j = 1; j < select.options.length; j++) {
        var option = select.options[j];
        var n = counts[name].get(+option.value) || 0;
        option.textContent = option.getAttribute("data-label") + "（" + n + "）";
        option.disabled = n === 0 && !option.selected;
      }
    });
  }

  // --- rendering -----------------------------------------------------------

  function showMessage(text) {
    meta.textContent = text;
  }

  function clearResults() {
    while (list.firstChild) list.removeChild(list.firstChild);
    more.hidden = true;
  }

  function render(state, result, offset) {
    var f = chosen();
    var shown = result.matches.filter(function (d) { return passes(state, attributes(state, d), f); });
    countFacets(state, result.matches, f);
    if (!offset) clearResults();
    list.setAttribute("data-lf-query", result.query);
    if (!shown.length) {
      showMessage(result.matches.length ? words.filtered : words.none);
      root.setAttribute("data-lf-search-state", "done");
      return Promise.resolve();
    }
    var page = shown.slice(offset, offset + PAGE);
    var mine = sequence;
    return Promise.all(page.map(function (d) { return doc(state, d); })).then(function (records) {
      if (mine !== sequence) return;
      var count = String(shown.length);
      showMessage((result.partial ? words.partial : shown.length === 1 ? words.one : words.other).replace("#", count));
      records.forEach(function (record, i) { list.appendChild(item(state, result, page[i], record)); });
      more.hidden = offset + PAGE >= shown.length;
      more.onclick = function () { render(state, result, offset + PAGE); };
      root.setAttribute("data-lf-search-state", "done");
    });
  }

  function item(state, result, d, record) {
    var a = attributes(state, d);
    var kind = [state.manifest.kinds[a.kind][0], kindLabel(state, a.kind)];
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var link = document.createElement("a");
    link.className = "md-search-result__link lf-search__link";
    link.href = new URL(record.u, siteRoot).href;
    link.setAttribute("data-lf-kind", kind[0]);
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var head = document.createElement("p");
    head.className = "lf-search__meta";
    var badge = document.createElement("span");
    badge.className = "lf-search__kind lf-search__kind--" + kind[0];
    badge.textContent = kind[1];
    head.appendChild(badge);
    if (record.m) head.appendChild(document.createTextNode(record.m));
    var title = document.createElement("h3");
    title.className = "lf-search__title";
    highlight(title, record.t, marks(state, record.t, result), 0, record.t.length);
    article.appendChild(head);
    article.appendChild(title);
    var text = record.x || "";
    if (text) {
      var m = marks(state, text, result);
      var w = window_(m, text.length);
      var p = document.createElement("p");
      p.className = "lf-search__snippet";
      highlight(p, text, m, w[0], w[1]);
      article.appendChild(p);
    }
    link.appendChild(article);
    li.appendChild(link);
    return li;
  }

  // Which characters of `text` match the query: whole runs first, else their bigrams.
  function marks(state, text, result) {
    var folded = fold(state, text);
    var m = new Uint8Array(text.length);
    result.runs.forEach(function (run) {
      var found = mark(folded, run, m);
      if (!found && run.length > 2 && run.charCodeAt(0) >= 0x80) {
        for (var i = 0; i + 1 < run.length; i++) mark(folded, run.slice(i, i + 2), m);
      }
    });
    return m;
  }

  function mark(folded, needle, m) {
    var found = false, at = folded.indexOf(needle);
    while (at >= 0) {
      found = true;
      for (var i = at; i < at + needle.length; i++) m[i] = 1;
      at = folded.indexOf(needle, at + needle.length);
    }
    return found;
  }

  // The stretch of about 90 characters with the most matched characters.
  function window_(m, length) {
    var size = 90;
    if (length <= size) return [0, length];
    var best = 0, bestAt = 0, sum = 0;
    for (var i = 0; i < length; i++) {
      sum += m[i];
      if (i >= size) sum -= m[i - size];
      if (sum > best) { best = sum; bestAt = Math.max(0, i - size + 1); }
    }
    if (!best) return [0, size];
    var first = bestAt;
    while (!m[first]) first++;
    var start = Math.max(0, first - 20); // a little context before the first match
    return [start, Math.min(length, start + size)];
  }

  function highlight(element, text, m, start, end) {
    if (start > 0) element.appendChild(document.createTextNode("…"));
    var i = start;
    while (i < end) {
      var j = i;
      while (j < end && m[j] === m[i]) j++;
      var piece = document.createTextNode(text.slice(i, j));
      if (m[i]) {
        var mk = document.createElement("mark");
        mk.appendChild(piece);
        element.appendChild(mk);
      } else element.appendChild(piece);
      i = j;
    }
    if (end < text.length) element.appendChild(document.createTextNode("…"));
  }

  // --- events --------------------------------------------------------------

  function run() {
    var query = input.value;
    var mine = ++sequence;
    if (!query.trim()) {
      current = null;
      clearResults();
      list.removeAttribute("data-lf-query");
      showMessage(words.hint);
      root.setAttribute("data-lf-search-state", "ready");
      return;
    }
    root.setAttribute("data-lf-search-state", "searching");
    load()
      .then(function (state) {
        return search(state, query).then(function (result) {
          if (mine !== sequence) return;
          if (!result) {
            current = null;
            clearResults();
            list.setAttribute("data-lf-query", query);
            showMessage(words.symbols);
            root.setAttribute("data-lf-search-state", "done");
            return;
          }
          current = result;
          return render(state, result, 0);
        });
      })
      .catch(function () {
        if (mine === sequence) showMessage(words.failed);
      });
  }

  function open() {
    if (toggle && !toggle.checked) toggle.checked = true;
    load();
  }

  // While a pinyin or wubi input method is composing, the box holds Latin
  // letters the reader will not search for: wait for the characters.
  var composing = false;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, 80);
  }
  input.addEventListener("focus", open);
  input.addEventListener("compositionstart", function () { composing = true; });
  input.addEventListener("compositionend", function () { composing = false; schedule(); });
  input.addEventListener("input", function (ev) {
    if (!composing && !ev.isComposing) schedule();
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearTimeout(timer);
    run();
    var first = list.querySelector("a");
    if (first) first.focus();
    else input.blur();
  });
  form.addEventListener("reset", function () {
    setTimeout(function () { run(); input.focus(); }, 0);
  });
  Object.keys(selects).forEach(function (name) {
    selects[name].addEventListener("change", function () {
      if (!current) return;
      var mine = ++sequence;
      root.setAttribute("data-lf-search-state", "searching");
      base.then(function (state) { if (mine === sequence) render(state, current, 0); });
    });
  });
  if (toggle) {
    toggle.addEventListener("change", function () {
      if (toggle.checked) {
        load();
        setTimeout(function () { input.focus(); }, 150);
      } else input.blur();
    });
  }
  root.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && toggle && toggle.checked) {
      toggle.checked = false;
      input.blur();
      return;
    }
    if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    if (!links.length) return;
    var at = links.indexOf(document.activeElement);
    var next = ev.key === "ArrowDown" ? at + 1 : at - 1;
    if (next < 0) input.focus();
    else links[Math.min(next, links.length - 1)].focus();
    ev.preventDefault();
  });
  list.addEventListener("click", function (ev) {
    if (ev.target.closest && ev.target.closest("a") && toggle) toggle.checked = false;
  });
  // "/" opens search, as in Material.
  document.addEventListener("keydown", function (ev) {
    var el = document.activeElement;
    var typing = el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
    if (ev.key === "/" && !typing && !ev.ctrlKey && !ev.metaKey) {
      ev.preventDefault();
      open();
      input.focus();
    }
  });
  showMessage(words.hint);
})();
