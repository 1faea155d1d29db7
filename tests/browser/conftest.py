"""Browser tests: the example site in a real Chromium, as readers see it.

One site is built per session (the `example` fixture of tests/conftest.py),
served on 127.0.0.1 under /zyfw/ by a small threaded static server, and one
headless Chromium (Debian's /usr/bin/chromium, driven by Playwright's Python
package) is shared by the tests of each module. Each test opens pages through
`open_page`, which routes every request: anything not addressed to our server
is aborted and recorded, and the test fails at teardown on such a request, on
a console error or on an uncaught page error.

Fixtures other browser tests may use: `site_server` (`.url(path)`, `.site`),
`browser`, `open_page(path="", viewport=PHONE, **context_options)` returning
a `Tab` (`.page`, `.guard`), and `pages_by_type` (page type -> site path).

Tools come from npm (tests/browser/package.json, installed by .ci/run with
`npm ci --prefix tests/browser`): axe-core is injected into pages, vnu-jar
checks the built HTML with Java. When Chromium, Java or node_modules are
missing the tests that need them are skipped, unless LEIFENG_BROWSER_TESTS is
`required` (as in .ci/run), where they fail instead.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = os.environ.get("LEIFENG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
]
PREFIX = "/zyfw/"  # the example site's site_url is https://example.gov.cn/zyfw/

# The CJK font the suite measures text with. Text widths, line breaks and the
# size of anything sized by its words depend on it, so the suite fails (never
# skips) without it: .ci/run installs Debian's fonts-noto-cjk.
CJK_FONT = "Noto Sans CJK SC"
CJK_FONT_PACKAGE = "fonts-noto-cjk"

# A phone's narrow font taken to the limit: every glyph 0.9 em narrower, so
# words add next to nothing to a box's width. A target that is 44 px wide
# only because of its words falls short; one sized by CSS (min-width,
# padding, a block's width) does not.
NARROW_FONT_CSS = "*, *::before, *::after { letter-spacing: -0.9em !important; }"

PHONE = {"width": 375, "height": 740}
NARROW_PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

REPO = HERE.parent.parent
# The page types readers meet first come first; any other kind a template declares follows.
_ORDER = (
    "home", "stories", "story", "volunteers", "volunteer", "organizations", "organization",
    "projects", "project", "themes", "theme", "honors", "honor", "fields", "field",
)  # fmt: skip


def _template_kinds() -> list[str]:
    """Every page type our templates declare with data-lf-kind, so a new template is tested too."""
    kinds = {k for t in (REPO / "theme").glob("*.html") for k in re.findall(r'data-lf-kind="([a-z0-9-]+)"', t.read_text(encoding="utf-8"))}
    return sorted(kinds, key=lambda k: (_ORDER.index(k) if k in _ORDER else len(_ORDER), k))


# Every page type of the site: the templates' kinds, a hand-written page (about) and the 404 page.
PAGE_TYPES = (*_template_kinds(), "about", "404")


def required() -> bool:
    return os.environ.get("LEIFENG_BROWSER_TESTS", "").lower() == "required"


def need(condition: bool, what: str) -> None:
    """Skip (or fail, when the browser suite is required) if a tool is missing."""
    if condition:
        return
    if required():
        pytest.fail(f"browser tests required but {what}")
    pytest.skip(what)


# --- the built site and its server ---------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under PREFIX; a missing page gets the site's 404.html, as on a static host."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".webp": "image/webp",
        ".svg": "image/svg+xml",
        ".wasm": "application/wasm",
        ".xml": "application/xml",
        ".woff2": "font/woff2",
    }

    def translate_path(self, path: str) -> str:
        path = unquote(urlsplit(path).path)
        if not path.startswith(PREFIX):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + path[len(PREFIX) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@dataclass
class SiteServer:
    site: Path
    host: str
    port: int

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "") -> str:
        """Absolute URL of a site path such as `stories/` (no leading slash)."""
        return f"{self.origin}{PREFIX}{path.lstrip('/')}"

    def path_of(self, url: str) -> str:
        """Site path of an absolute URL (the inverse of `url`)."""
        path = urlsplit(url).path
        assert path.startswith(PREFIX), url
        return path[len(PREFIX) :]


@pytest.fixture(scope="session")
def site_server(example: Any) -> Iterator[SiteServer]:
    """The example site (built once per session) on 127.0.0.1, random port, under /zyfw/."""
    handler = functools.partial(_Handler, directory=str(example.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield SiteServer(example.site, "127.0.0.1", server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def _html(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="session")
def pages_by_type(site_server: SiteServer) -> dict[str, str]:
    """One site path per page type, found in the built site (not hard-coded ids).

    The story is one whose volunteer has an honour, so the click path
    story -> volunteer -> honour list exists; the honour list is the largest.
    """
    site = site_server.site
    by_kind: dict[str, list[Path]] = {}
    for page in sorted(site.rglob("index.html")):
        match = re.search(r'data-lf-kind="([a-z0-9-]+)"', page.read_text(encoding="utf-8"))
        if match:
            by_kind.setdefault(match.group(1), []).append(page)

    def path_of(page: Path) -> str:
        path = page.parent.relative_to(site).as_posix() + "/"
        return "" if path == "./" else path

    chosen: dict[str, str] = {}
    for kind in PAGE_TYPES:
        if kind in ("about", "404"):
            continue
        found = by_kind.get(kind)
        assert found, f"the example site has no page of type {kind!r} (data-lf-kind in theme/): add example content for it"
        # the richest page of each type shows the most
        chosen[kind] = path_of(max(found, key=lambda p: (p.stat().st_size, p.as_posix())))

    honors = by_kind.get("honor", [])
    if honors:
        chosen["honor"] = path_of(max(honors, key=lambda p: (p.read_text(encoding="utf-8").count("lf-roll__entry"), p.as_posix())))
    stories = sorted(by_kind.get("story", []), key=lambda p: (-p.stat().st_size, p.as_posix()))
    for candidate in stories:
        path = path_of(candidate)
        if any(_honour_links(site, _resolve(path, a["href"])) for a in _html(site, path).select(".lf-card--person a.lf-person")):
            chosen["story"] = path
            break
    else:
        raise AssertionError("no story in the example site has a volunteer with an honour")
    chosen["about"] = "about/"
    chosen["404"] = PAGE_404_PATH
    return chosen


# A link from a page's content to one honour list (not to the honours index).
HONOUR_LINK = '.md-content__inner a[href*="honors/"]:not([href$="honors/"])'


def _honour_links(site: Path, path: str) -> list[str]:
    return [a["href"] for a in _html(site, path).select(HONOUR_LINK) if re.search(r"(^|/)honors/[^/]+/$", _resolve(path, a["href"]))]


def _resolve(base: str, href: str) -> str:
    """Site path of a relative link found on the page at site path `base`."""
    parts = [p for p in base.split("/") if p]
    for piece in href.split("#")[0].split("/"):
        if piece == "..":
            parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts) + "/"


# --- the browser and guarded pages ------------------------------------------


# One Playwright instance and browser per test module (a launch costs well
# under a second); the search tests use them too.
@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[Any]:
    need(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extras install it
        need(False, "the playwright package is not installed")
        raise
    with sync_playwright() as p:
        yield p


def chinese_font() -> str:
    """The family fontconfig gives Chromium for Simplified Chinese text ("" without fontconfig)."""
    import subprocess

    try:
        found = subprocess.run(["fc-match", "-f", "%{family}", "sans-serif:lang=zh-cn"], capture_output=True, text=True, check=False)
    except OSError:
        return ""
    return found.stdout


@pytest.fixture(scope="session")
def cjk_font() -> str:
    family = chinese_font()
    if CJK_FONT not in family:
        pytest.fail(
            f"the browser tests measure Chinese text with {CJK_FONT}, but fontconfig gives {family or 'nothing'} for zh-cn: "
            f"install the Debian package {CJK_FONT_PACKAGE} (.ci/run does) and run again"
        )
    return CJK_FONT


@pytest.fixture(scope="module")
def browser(playwright_instance: Any, cjk_font: str) -> Iterator[Any]:
    """One headless Chromium for all the tests of a module."""
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        yield browser
    finally:
        browser.close()


@dataclass
class Guard:
    """What a page did that it must not: requests to other hosts, console errors, page errors."""

    origin: str
    foreign: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    # console errors that are expected, e.g. the 404 status of the 404 page itself
    allowed: list[Callable[[Any], bool]] = field(default_factory=list)

    def route(self, route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or f"{parts.scheme}://{parts.netloc}" == self.origin:
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort("blockedbyclient")

    def console(self, message: Any) -> None:
        if message.type != "error" or any(allow(message) for allow in self.allowed):
            return
        where = message.location.get("url", "") if message.location else ""
        self.console_errors.append(f"{message.text} ({where})")

    def page_error(self, error: Any) -> None:
        self.page_errors.append(str(error))

    def problems(self) -> list[str]:
        return (
            [f"request to another host: {u}" for u in self.foreign]
            + [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
        )

    def reset(self) -> None:
        self.foreign.clear()
        self.console_errors.clear()
        self.page_errors.clear()


@dataclass
class Tab:
    page: Any
    context: Any
    guard: Guard
    server: SiteServer
    response: Any = None

    def goto(self, path: str = "") -> Any:
        self.response = self.page.goto(self.server.url(path), wait_until="load")
        return self.response

    @property
    def path(self) -> str:
        return self.server.path_of(self.page.url)


@pytest.fixture
def open_page(browser: Any, site_server: SiteServer) -> Iterator[Callable[..., Tab]]:
    """Open a site path in a fresh browser context; check the guard at teardown.

    `open_page(path, viewport=PHONE, init_script=None, goto=True, **context_options)`.
    Phone viewports are mobile with touch, like a phone in WeChat.
    """
    tabs: list[Tab] = []

    def opener(path: str | None = "", viewport: dict = PHONE, init_script: str | None = None, **options: Any) -> Tab:
        phone = viewport["width"] < 800
        options.setdefault("is_mobile", phone)
        options.setdefault("has_touch", phone)
        options.setdefault("device_scale_factor", 2 if phone else 1)
        options.setdefault("locale", "zh-CN")
        context = browser.new_context(viewport=viewport, **options)
        guard = Guard(site_server.origin)
        context.route("**/*", guard.route)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        page.on("console", guard.console)
        page.on("pageerror", guard.page_error)
        tab = Tab(page, context, guard, site_server)
        tabs.append(tab)
        if path is not None:
            tab.goto(path)
        return tab

    yield opener
    problems = []
    for tab in tabs:
        problems += tab.guard.problems()
        tab.context.close()
    assert not problems, "\n".join(problems)


def allow_own_404(tab: Tab) -> None:
    """The 404 page's own status shows as a console error; nothing else may."""
    target = tab.server.url(PAGE_404_PATH)
    tab.guard.allowed.append(lambda m: "404" in m.text and (m.location or {}).get("url", "").startswith(target))


PAGE_404_PATH = "no-such-page/"


# --- checks run inside the page ---------------------------------------------

# Each returns a list of problems (strings); empty when the page is fine.
# They are plain JavaScript so that a failure message names the element.

JS_HELPERS = r"""
const visible = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
const describe = (el) => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  if (typeof el.className === 'string' && el.className.trim()) s += '.' + el.className.trim().split(/\s+/).join('.');
  const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 30);
  return text ? `${s} "${text}"` : s;
};
"""

HORIZONTAL_OVERFLOW_JS = (
    "() => {"
    + JS_HELPERS
    + r"""
  const problems = [];
  const doc = document.documentElement;
  const vw = doc.clientWidth;
  if (doc.scrollWidth > vw + 1) problems.push(`page is ${doc.scrollWidth} px wide in a ${vw} px viewport`);
  window.scrollTo(10000, window.scrollY);
  if (window.scrollX > 0) problems.push(`page scrolls sideways by ${window.scrollX} px`);
  window.scrollTo(0, window.scrollY);
  // Content cut off at the right edge is as bad as a scroll bar (Material hides overflow-x).
  const scrollsInsideBox = (node) => {
    for (let a = node.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      const o = style.overflowX;
      // scrolls inside its box, or is cut short on purpose with an ellipsis (Material's header title)
      const contained = o === 'auto' || o === 'scroll' || (o !== 'visible' && style.textOverflow === 'ellipsis');
      if (contained && a.getBoundingClientRect().right <= vw + 1) return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= vw + 1 || r.left >= vw) continue;
    if (!visible(el) || scrollsInsideBox(el)) continue;
    if (getComputedStyle(el).position === 'fixed' && r.left >= vw) continue;
    problems.push(`${describe(el)} reaches ${Math.round(r.right)} px (viewport ${vw} px)`);
  }
  // Text that runs out of its box (nowrap, a long unbroken name) without widening any element.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || !visible(el) || scrollsInsideBox(node)) continue;
    range.selectNodeContents(node);
    const right = Math.max(0, ...Array.from(range.getClientRects(), (r) => r.right));
    const left = Math.min(vw, ...Array.from(range.getClientRects(), (r) => r.left));
    if (right > vw + 1 && left < vw) problems.push(`text of ${describe(el)} reaches ${Math.round(right)} px (viewport ${vw} px)`);
  }
  return problems.slice(0, 20);
}"""
)

SMALL_TEXT_JS = (
    "(minimum) => {"
    + JS_HELPERS
    + r"""
  const problems = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || seen.has(el) || el.closest('script, style, noscript, template, svg')) continue;
    seen.add(el);
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < minimum - 0.01) problems.push(`${describe(el)}: ${size} px`);
  }
  return problems.slice(0, 30);
}"""
)

TAP_TARGET_JS = (
    "(minimum) => {"
    + JS_HELPERS
    + r"""
  const problems = [];
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, label[for], summary, [role=button], [tabindex]:not([tabindex="-1"])';
  const blockOf = (el) => {
    let a = el.parentElement;
    while (a && getComputedStyle(a).display.startsWith('inline')) a = a.parentElement;
    return a;
  };
  for (const el of document.querySelectorAll(selector)) {
    if (!visible(el)) continue;
    let r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const style = getComputedStyle(el);
    // A link inside a sentence is exempt (WCAG 2.5.8, "inline").
    if (el.tagName === 'A' && style.display === 'inline') {
      const block = blockOf(el);
      if (block && block.textContent.trim().length > el.textContent.trim().length + 1) continue;
    }
    // A "stretched" link covers its card with an absolutely placed ::after.
    const after = getComputedStyle(el, '::after');
    if (after.content !== 'none' && after.position === 'absolute') {
      let box = el.parentElement;
      while (box && getComputedStyle(box).position === 'static') box = box.parentElement;
      if (box) r = box.getBoundingClientRect();
    }
    if (r.width < minimum - 0.5 || r.height < minimum - 0.5) {
      problems.push(`${describe(el)}: ${Math.round(r.width)}×${Math.round(r.height)} px`);
    }
  }
  return problems.slice(0, 30);
}"""
)

LINE_HEIGHT_JS = (
    "(minimum) => {"
    + JS_HELPERS
    + r"""
  const problems = [];
  for (const el of document.querySelectorAll('.md-content p, .md-content li, .md-content dd, .md-content blockquote, .md-content figcaption, .md-content td')) {
    if (!visible(el) || !el.textContent.trim() || el.closest('.lf-tools')) continue;
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    const line = style.lineHeight === 'normal' ? 1.2 * size : parseFloat(style.lineHeight);
    if (line / size < minimum - 0.001) problems.push(`${describe(el)}: line-height ${(line / size).toFixed(2)}`);
  }
  return problems.slice(0, 30);
}"""
)


def run_axe(page: Any, *, include_best_practice: bool = False) -> list[dict]:
    """axe-core's violations on the page (WCAG 2.0/2.1 A and AA)."""
    need(AXE_JS.is_file(), f"axe-core not installed ({AXE_JS}); run npm ci --prefix tests/browser")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] + (["best-practice"] if include_best_practice else [])
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
            return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({ target: n.target.join(' '), summary: n.failureSummary })) }));
        }""",
        tags,
    )
    return result


def serious(violations: list[dict]) -> list[str]:
    out = []
    for v in violations:
        if v["impact"] in ("serious", "critical"):
            for n in v["nodes"][:5]:
                out.append(f"{v['impact']} {v['id']} ({v['help']}): {n['target']}\n    {n['summary']}")
    return out


def set_reader_settings(tab: Tab, font: str | None = None, contrast: str | None = None) -> None:
    """Store reader settings as reader.js does (scoped to the site's path)."""
    tab.page.evaluate(
        """([font, contrast]) => {
            const scope = document.documentElement.getAttribute('data-lf-scope');
            if (font) localStorage.setItem(scope + 'lf-font', font); else localStorage.removeItem(scope + 'lf-font');
            if (contrast) localStorage.setItem(scope + 'lf-contrast', contrast); else localStorage.removeItem(scope + 'lf-contrast');
        }""",
        [font, contrast],
    )


# --- the Nu Html Checker ------------------------------------------------------

# Errors in Material's own base template, which our theme does not render and
# cannot change without copying the whole of base.html: its two hidden
# checkboxes carry autocomplete="off" (a Firefox workaround), which HTML allows
# only on text-like inputs. Matched on the exact markup, so anything of ours
# still fails.
MATERIAL_BASE_ERRORS = (
    (
        re.compile(r"^Attribute “autocomplete” is only allowed when the input type is"),
        re.compile(r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox" id="__(drawer|search)" autocomplete="off">'),
    ),
)


def vnu(paths: list[Path]) -> list[dict]:
    """Nu Html Checker messages (errors only) for the given files or folders."""
    import subprocess

    need(VNU_JAR.is_file(), f"vnu-jar not installed ({VNU_JAR}); run npm ci --prefix tests/browser")
    java = shutil.which("java")
    need(java is not None, "java not found (apt-get install default-jre-headless)")
    result = subprocess.run(
        [java, "-Xss8m", "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # vnu writes its JSON report to stderr and exits 1 when there are errors.
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    return [m for m in report.get("messages", []) if m.get("type") in ("error", "non-document-error")]


def is_material_base_error(message: dict) -> bool:
    text, extract = message.get("message", ""), message.get("extract", "")
    return any(m.search(text) and e.search(extract) for m, e in MATERIAL_BASE_ERRORS)
