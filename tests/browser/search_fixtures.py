"""Fixtures for the search browser tests: the example site under /zyfw/ on
127.0.0.1 and a phone-sized Chromium page that fails the test on any request
to another host or any script error.

The server and the browser are conftest.py's (`site_server`, `browser`);
this module adds the search-specific page helpers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

PREFIX = "/zyfw/"
PHONE = {"width": 375, "height": 740}


@dataclass
class SearchSite:
    site: Path
    origin: str

    def url(self, path: str = "") -> str:
        return f"{self.origin}{PREFIX}{path}"


@pytest.fixture(scope="session")
def search_site(site_server: Any) -> SearchSite:
    """The example site as served by conftest's `site_server` (one server for both suites)."""
    return SearchSite(site_server.site, site_server.origin)


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
def phone(browser: Any, search_site: SearchSite) -> Iterator[SearchPage]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="zh-CN")
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
