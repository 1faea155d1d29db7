"""Shared parts of the search benchmarks (bench/search_quality.py, bench/search_size.py).

- corpora: the synthetic sites of bench/corpus.py, in bench/out/search/ (our
  own copies, so the build benchmark's runs are never disturbed);
- sites: the same content built three ways: ours (generator/search.py),
  Material's search plugin with jieba (Material's own search partials and
  scripts, our theme otherwise), and Pagefind extended run over our pages;
- a static server that gzips like a web server would, under /zyfw/;
- Chromium drivers that type a query the way a reader does and read the
  results each engine shows, counting bytes on the wire (CDP encodedDataLength).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out" / "search"
PYDEPS = BENCH / "out" / "pydeps"  # jieba for Material's Chinese search: pip install --target bench/out/pydeps jieba
PREFIX = "/zyfw/"
CHROMIUM = os.environ.get("LEIFENG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 375, "height": 740}

sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))
import corpus as corpus_mod  # noqa: E402

# --- corpora and catalogs -------------------------------------------------------


def corpus(n: int, seed: int = 1) -> Path:
    """The `ours/` folder of an n-story corpus: the build benchmark's if identical, else ours."""
    shared = BENCH / "out" / "corpus" / f"n{n}-s{seed}"
    stamp = shared / "corpus.json"
    if stamp.is_file() and json.loads(stamp.read_text()).get("fingerprint") == corpus_mod.fingerprint(n, seed):
        return shared / "ours"
    own = OUT / f"corpus-n{n}-s{seed}"
    corpus_mod.generate(n, own, seed)
    return own / "ours"


def catalog_of(site_root: Path) -> Any:
    """load -> validate -> catalog for a site folder, the way the plugin does it."""
    from generator.content.load import load_repository
    from generator.content.problems import Problems
    from generator.content.settings import make_settings
    from generator.content.validate import validate
    from generator.site.catalog import Catalog

    config = yaml.safe_load((site_root / "mkdocs.yml").read_text(encoding="utf-8"))
    options = next((p["leifeng"] for p in config["plugins"] if isinstance(p, dict) and "leifeng" in p), {}) or {}
    settings = make_settings(options, site_root)
    problems = Problems()
    validated = validate(load_repository(settings, problems), settings, problems)
    if problems.errors:
        raise SystemExit(f"{site_root}: content errors, e.g. {problems.errors[0]}")
    return Catalog(validated, settings)


# --- building the three sites -----------------------------------------------------


def _mkdocs(config: Path, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)], capture_output=True, text=True, env=full_env
    )
    if result.returncode:
        raise SystemExit(f"mkdocs build -f {config} failed:\n{result.stdout}\n{result.stderr}")
    return time.perf_counter() - started


def build_ours(source: Path, out: Path) -> tuple[Path, float]:
    """The site as the generator builds it (our search, no Material search)."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(docs_dir=str(source / "docs"), site_dir=str(out))
    config["theme"]["custom_dir"] = str(REPO / "theme")
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "leifeng" in plugin:
            plugin["leifeng"].update(content_dir=str(source / "content"), stories_dir=str(source / "stories"))
    path = out.parent / f"{out.name}.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return out, _mkdocs(path)


def build_material(source: Path, out: Path) -> tuple[Path, float]:
    """The same site with Material's search plugin (lang zh, jieba) and Material's own search UI.

    Our theme without our two search partials, so Material's header and search
    partial (and its search script, which needs a form named "search") are used.
    """
    theme = out.parent / f"{out.name}-theme"
    if theme.exists():
        shutil.rmtree(theme)
    shutil.copytree(REPO / "theme", theme, ignore=shutil.ignore_patterns("search", "search.html", "header.html"))
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(docs_dir=str(source / "docs"), site_dir=str(out))
    config["theme"]["custom_dir"] = str(theme)
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "leifeng" in plugin:
            plugin["leifeng"].update(content_dir=str(source / "content"), stories_dir=str(source / "stories"))
    config["plugins"].insert(0, {"search": {"lang": "zh"}})
    path = out.parent / f"{out.name}.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    env = {"PYTHONPATH": os.pathsep.join(p for p in (str(PYDEPS), os.environ.get("PYTHONPATH", "")) if p)}
    return out, _mkdocs(path, env)


def run_pagefind(site: Path) -> float:
    """Pagefind extended over the built pages (default settings: it indexes each page's body)."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", "pagefind"], capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"pagefind failed (pip install 'pagefind[extended]'):\n{result.stdout}\n{result.stderr}")
    return time.perf_counter() - started


def folder_size(folder: Path) -> tuple[int, int, int]:
    """(files, bytes, gzip bytes) of everything under a folder (or of one file)."""
    files = raw = packed = 0
    for path in [folder] if folder.is_file() else folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            files += 1
            raw += len(data)
            packed += len(gzip.compress(data, 6))
    return files, raw, packed


# --- a static server that compresses like a web server ----------------------------

_NOT_COMPRESSED = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".woff2", ".ico")


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".json": "application/json",
        ".wasm": "application/wasm",
        ".bin": "application/octet-stream",
    }
    protocol_version = "HTTP/1.1"
    gzip_cache: dict[str, bytes] = {}

    def translate_path(self, path: str) -> str:
        path = unquote(urlsplit(path).path)
        if not path.startswith(PREFIX):
            return str(Path(self.directory) / "__outside__")
        return super().translate_path("/" + path[len(PREFIX) :])

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404)
            return
        data = path.read_bytes()
        compress = "gzip" in self.headers.get("Accept-Encoding", "") and not path.name.endswith(_NOT_COMPRESSED)
        if compress:
            key = str(path)
            if key not in self.gzip_cache:
                self.gzip_cache[key] = gzip.compress(data, 6, mtime=0)
            data = self.gzip_cache[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        if compress:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve `site` at http://127.0.0.1:<port>/zyfw/ with gzip; yields the base URL."""
    handler = functools.partial(_Handler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()


# --- Chromium ---------------------------------------------------------------------


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Wire:
    """Bytes on the wire per request (body as sent, plus headers), the page's and its workers'."""

    finished: list[Any] = field(default_factory=list)

    def attach(self, context: Any, page: Any) -> None:
        page.on("requestfinished", lambda request: self.finished.append(request))

    def mark(self) -> int:
        return len(self.finished)

    def since(self, mark: int, wanted: Any = None) -> tuple[int, int, list[str]]:
        chosen = [r for r in self.finished[mark:] if wanted is None or wanted(r.url)]
        total = 0
        for request in chosen:
            sizes = request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        return len(chosen), total, [r.url for r in chosen]


_TIMING = """
window.__lf = {lastKey: 0, done: 0, changed: 0, long: []};
new PerformanceObserver(list => { for (const e of list.getEntries()) window.__lf.long.push(Math.round(e.duration)); }).observe({type: 'longtask'});
document.addEventListener('DOMContentLoaded', () => {
  const list = document.querySelector('.md-search-result__list');  // Material's results
  if (list) new MutationObserver(() => { window.__lf.changed = performance.now(); }).observe(list, {childList: true});
});
document.addEventListener('input', () => { window.__lf.lastKey = performance.now(); window.__lf.done = 0; }, true);
new MutationObserver(() => {
  const root = document.querySelector('[data-lf-search]');
  if (!root || window.__lf.done || root.getAttribute('data-lf-search-state') !== 'done') return;
  // Results for what the box holds now, not for a shorter prefix that finished late.
  const box = root.querySelector('input[name=q]');
  if (root.querySelector('[data-lf-search-list]').getAttribute('data-lf-query') === box.value) window.__lf.done = performance.now();
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-lf-search-state']});
"""


class Engine:
    """A search engine in a phone-sized Chromium tab on a served site."""

    name = ""

    def __init__(self, browser: Any, base: str) -> None:
        self.context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="zh-CN")
        self.context.add_init_script(_TIMING)
        self.page = self.context.new_page()
        self.base = base
        self.wire = Wire()
        self.wire.attach(self.context, self.page)

    def close(self) -> None:
        self.context.close()

    def path(self, href: str) -> str:
        path = urlsplit(href).path
        return path[len(PREFIX) :] if path.startswith(PREFIX) else path

    def open(self, path: str = "stories/") -> None:
        self.page.goto(self.base + path, wait_until="load")

    def open_box(self) -> None:
        raise NotImplementedError

    def query(self, text: str) -> list[str]:
        """Type `text`, wait for the results, return the result pages' site paths in order."""
        raise NotImplementedError


class Ours(Engine):
    name = "ours"

    def open_box(self) -> None:
        self.page.wait_for_function("document.documentElement.classList.contains('js')")
        self.page.click("label.md-header__button[for=__search]")
        self.page.wait_for_function(
            "document.querySelector('[data-lf-search]').getAttribute('data-lf-search-state') === 'ready'", timeout=60_000
        )

    def query(self, text: str, *, typed: bool = True) -> list[str]:
        box = self.page.locator("[data-lf-search] input[name=q]")
        box.fill("")
        if typed:
            box.press_sequentially(text, delay=30)
        else:
            box.fill(text)
        self.page.wait_for_function(
            """(q) => {
                const root = document.querySelector('[data-lf-search]');
                return root.getAttribute('data-lf-search-state') === 'done'
                    && root.querySelector('[data-lf-search-list]').getAttribute('data-lf-query') === q;
            }""",
            arg=text,
            timeout=60_000,
        )
        hrefs = self.page.eval_on_selector_all("[data-lf-search-list] li a", "links => links.map(a => a.href)")
        return [self.path(h) for h in hrefs]

    def last_latency_ms(self) -> float:
        return float(self.page.evaluate("window.__lf.done - window.__lf.lastKey"))


class Material(Engine):
    """Material's own search UI (lunr in a web worker, index built in the browser)."""

    name = "material"

    def open_box(self) -> None:
        self.page.wait_for_function("document.documentElement.classList.contains('js')")
        self.page.click("label.md-header__button[for=__search]")
        self.page.wait_for_selector("input.md-search__input", state="visible")

    def query(self, text: str, *, typed: bool = True) -> list[str]:
        box = self.page.locator("input.md-search__input")
        box.fill("")
        self.page.evaluate("document.querySelector('.md-search-result__list').innerHTML = ''")
        started = time.perf_counter()
        if typed:
            box.press_sequentially(text, delay=30)
        else:
            box.fill(text)
        # Material reads the box on keyup; Chinese characters arrive as text
        # input (as from an input method), which sends no key events here.
        box.dispatch_event("keyup")
        # Material shows no marker of which query its list answers: wait until the
        # list (or the "no result" line) has been stable for 400 ms.
        previous, stable_since = None, time.perf_counter()
        while time.perf_counter() - started < 600:
            state = self.page.evaluate(
                """() => [document.querySelector('.md-search-result__meta').textContent.trim(),
                          Array.from(document.querySelectorAll('.md-search-result__item > a')).map(a => a.href)]"""
            )
            ready = (
                state[0]
                and "初始化" not in state[0]
                and "Initializing" not in state[0]
                and (state[1] or "没有" in state[0] or "No matching" in state[0])
            )
            if state != previous:
                previous, stable_since = state, time.perf_counter()
            elif ready and time.perf_counter() - stable_since > 0.4:
                break
            time.sleep(0.05)
        self.latency_ms = float(self.page.evaluate("Math.max(0, window.__lf.changed - window.__lf.lastKey)"))
        paths: list[str] = []
        for href in previous[1] if previous else []:
            path = self.path(href.split("#")[0])
            if path not in paths:
                paths.append(path)
        return paths


class Pagefind(Engine):
    """Pagefind's JavaScript API (what its default UI calls), ten results' data."""

    name = "pagefind"

    def open_box(self) -> None:
        self.page.evaluate(
            """async (base) => {
                window.__pf = await import(base + 'pagefind/pagefind.js');
                await window.__pf.options({baseUrl: new URL(base).pathname});
                await window.__pf.init();
            }""",
            self.base,
        )

    def query(self, text: str, *, typed: bool = True) -> list[str]:
        urls = self.page.evaluate(
            """async (q) => {
                const t0 = performance.now();
                const search = await window.__pf.search(q);
                const data = await Promise.all(search.results.slice(0, 10).map(r => r.data()));
                window.__pfTime = performance.now() - t0;
                return data.map(d => d.url);
            }""",
            text,
        )
        self.latency_ms = float(self.page.evaluate("window.__pfTime"))
        return [self.path(u) for u in urls]
