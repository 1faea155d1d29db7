"""Fixtures for the search browser tests: the example site under /zyfw/ on
127.0.0.1 and a phone-sized Chromium page that fails the test on any request
to another host or any script error.

Kept apart from tests/browser/conftest.py (the accessibility tests' fixtures)
so that both suites can change without breaking each other.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

CHROMIUM = os.environ.get("LEIFENG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PREFIX = "/zyfw/"
PHONE = {"width": 375, "height": 740}


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """A plain static server with the site under PREFIX, as on a shared host."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".json": "application/json",
        ".bin": "application/octet-stream",
    }

    def translate_path(self, path: str) -> str:
        path = unquote(urlsplit(path).path)
        if not path.startswith(PREFIX):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + path[len(PREFIX) :])

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class SearchSite:
    site: Path
    origin: str

    def url(self, path: str = "") -> str:
        return f"{self.origin}{PREFIX}{path}"


@pytest.fixture(scope="session")
def search_site(example: Any) -> Iterator[SearchSite]:
    handler = functools.partial(_SubPathHandler, directory=str(example.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="search-site", daemon=True).start()
    try:
        yield SearchSite(example.site, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def search_browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Result:
    kind: str
    title: str
    href: str
    snippet: str
    marks: list[str]


@dataclass
class SearchPage:
    """One phone-sized tab of the site, with helpers to search like a reader."""

    page: Any
    site: SearchSite
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: str = "") -> None:
        self.page.goto(self.site.url(path), wait_until="load")

    def open_search(self) -> None:
        """Tap the magnifier in the header, as on a phone."""
        self.page.wait_for_function("document.documentElement.classList.contains('js')")
        self.page.click("label.md-header__button[for=__search]")
        self.page.wait_for_selector("[data-lf-search] input[name=q]", state="visible")
        self.page.wait_for_function("document.activeElement && document.activeElement.name === 'q'")

    def type(self, query: str) -> None:
        box = self.page.locator("[data-lf-search] input[name=q]")
        box.fill("")
        if len(query) > 40:
            box.fill(query)  # long text: paste it
        else:
            box.press_sequentially(query, delay=20)

    def search(self, query: str) -> list[Result]:
        self.type(query)
        return self.results(query)

    def results(self, query: str) -> list[Result]:
        self.page.wait_for_function(
            """(q) => {
                const root = document.querySelector('[data-lf-search]');
                const list = root.querySelector('[data-lf-search-list]');
                return root.getAttribute('data-lf-search-state') === 'done' && list.getAttribute('data-lf-query') === q;
            }""",
            arg=query,
        )
        return [
            Result(**item)
            for item in self.page.eval_on_selector_all(
                "[data-lf-search-list] li",
                """items => items.map(li => ({
                    kind: li.querySelector('.lf-search__kind').textContent,
                    title: li.querySelector('.lf-search__title').textContent,
                    href: li.querySelector('a').href,
                    snippet: (li.querySelector('.lf-search__snippet') || {textContent: ''}).textContent,
                    marks: Array.from(li.querySelectorAll('mark')).map(m => m.textContent),
                }))""",
            )
        ]

    def message(self) -> str:
        return self.page.inner_text("[data-lf-search-meta]")

    def path(self, href: str) -> str:
        parts = urlsplit(href)
        assert f"{parts.scheme}://{parts.netloc}" == self.site.origin and parts.path.startswith(PREFIX), href
        return parts.path[len(PREFIX) :]


@pytest.fixture
def phone(search_browser: Any, search_site: SearchSite) -> Iterator[SearchPage]:
    context = search_browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="zh-CN")
    page = context.new_page()
    tab = SearchPage(page, search_site)

    def route(route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or (parts.hostname == "127.0.0.1" and url.startswith(search_site.origin)):
            tab.requests.append(url)
            route.continue_()
        else:
            tab.foreign.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    page.on("pageerror", lambda error: tab.errors.append(str(error)))
    page.on("console", lambda message: tab.errors.append(message.text) if message.type == "error" else None)
    try:
        yield tab
    finally:
        context.close()
    assert not tab.foreign, f"requests left 127.0.0.1: {tab.foreign}"
    assert not tab.errors, f"script errors: {tab.errors}"
