"""MkDocs and Material around our pages: the navigation and the context their templates expect.

Our pages are not MkDocs pages (MkDocs' per-page machinery would cost more
than drawing them). Material's base template still draws their header, tabs,
drawer and footer, so each page is handed to it as a small `PageView` with the
attributes Material reads, inside the context MkDocs would give a page. This
module is the only place that knows that shape: another engine replaces it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from mkdocs.commands.build import get_context
from mkdocs.structure.nav import Link, Navigation
from mkdocs.structure.toc import get_toc

from .site.pages import SECTIONS, PageSpec


class SectionLink(Link):
    """A section of the generated site in the navigation; marked active on its own pages."""

    def __init__(self, key: str, title: str, url: str) -> None:
        super().__init__(title, url)
        self.key = key
        self.active = False


class _File:
    """What Material and our main.html ask of `page.file`."""

    class inclusion:  # noqa: N801 - mirrors MkDocs' attribute
        @staticmethod
        def is_not_in_nav() -> bool:
            return True

    generated_by = "leifeng"


class PageView:
    """A generated page as Material's templates read it."""

    lf_page = True
    file = _File()
    previous_page = None
    next_page = None
    parent = None
    ancestors: tuple = ()
    edit_url = None
    active = True
    is_page = True
    is_section = False
    is_link = False
    children = None

    def __init__(self, spec: PageSpec, content: str, toc_tokens: list, site_url: str) -> None:
        self.title = spec.title
        self.url = spec.url
        self.content = content
        self.toc = get_toc(toc_tokens)
        self.meta: dict[str, Any] = {**spec.meta, **({"description": spec.description} if spec.description else {})}
        self.is_homepage = spec.url == ""
        self.is_index = spec.url.endswith("/") or spec.url == ""
        self.canonical_url = urljoin(site_url, spec.url) if site_url else None


def navigation(nav: Navigation, strings: Any) -> tuple[Navigation, list[SectionLink]]:
    """The sections of the generated site, then the hand-written pages that are in the navigation."""
    sections = [SectionLink(key, strings[key], url) for key, url in SECTIONS]
    docs = [item for item in nav.items if not (getattr(item, "is_page", False) and item.url in {url for _, url in SECTIONS})]
    result = Navigation([*sections, *docs], nav.pages)
    result.homepage = sections[0]
    return result, sections


class Chrome:
    """Makes the template context of a generated page: MkDocs' page context, our strings and settings."""

    def __init__(self, nav: Navigation, sections: list[SectionLink], files: Any, config: Any, extra: dict[str, Any], site_url: str) -> None:
        self.nav = nav
        self.sections = {s.key: s for s in sections}
        self.files = files
        self.config = config
        self.extra = extra
        self.site_url = site_url

    def __call__(self, spec: PageSpec, content: str, toc_tokens: list) -> dict[str, Any]:
        for key, section in self.sections.items():
            section.active = key == spec.section
        page = PageView(spec, content, toc_tokens, self.site_url)
        context = dict(get_context(self.nav, self.files, self.config, page))
        context.update(self.extra)
        return context
