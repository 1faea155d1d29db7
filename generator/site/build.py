"""Steps 5 and 6 for one build: published media, pages, feed, sitemap, search index.

The engine (the MkDocs plugin today) calls these with what only it has: its
Jinja environment, the chrome around our content, the folder to write into.
Everything else is decided here from the catalog, so that a build without
MkDocs needs only another engine adapter.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
from collections.abc import Callable, Container, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ..assets.images import ImagePipeline, ImageSet
from ..assets.media import MediaCache
from ..assets.qrcodes import QrCodes
from ..assets.roll_pdf import honor_sheet_path, write_honor_sheet
from ..assets.sharing import honor_sheet
from ..content.settings import Settings
from ..content.validate import body_images, media_fields, resolve_media
from ..files import atomic_write
from ..text.i18n import strings_for
from .bodies import Bodies, Resolver, Target
from .catalog import Catalog
from .memo import PageMemo, mentions
from .pages import PageSpec, SiteAddress, build_pages
from .render import PageRenderer, RenderStats
from .views import Views
from .wechat import qr_files

log = logging.getLogger("mkdocs.plugins.leifeng")


class SiteBuilder:
    """One build's catalog turned into files; long-lived caches live in `cache_dir`."""

    def __init__(
        self, settings: Settings, catalog: Catalog, cache_dir: Path, images: ImagePipeline, media: MediaCache, qr: QrCodes
    ) -> None:
        self.settings = settings
        self.catalog = catalog
        self.cache_dir = cache_dir
        self.images = images
        self.media = media
        self.qr = qr
        self.t = strings_for(settings.language)
        self.image_sets: dict[str, ImageSet] = {}
        self.published: dict[str, Path] = {}  # site path -> cached file
        self.views: Views | None = None

    # --- media ----------------------------------------------------------------

    def image_sources(self) -> dict[str, Path]:
        """Content media path -> file, for every image a published page shows."""
        wanted: dict[str, Path] = {}
        for record in self.catalog.all_records():
            for _, value in media_fields(record):
                path = resolve_media(self.settings, value)
                if path is not None:
                    wanted.setdefault(value, path)
            for value in body_images(record):
                path = resolve_media(self.settings, value)
                if path is not None and value.startswith("media/"):
                    wanted.setdefault(value, path)
        return wanted

    def prepare_media(self, site_name: str, site_url: str) -> None:
        """Image variants, avatars, honour-roll PDFs and the 公众号 pages' QR codes, made or found in the cache."""
        rolls: dict[str, Path] = {}
        missing: list[tuple[Callable[..., object], tuple]] = []
        for honor in self.catalog.honors.values():
            sheet = honor_sheet(self.catalog, honor, site_name)
            rolls[f"share/honors/{honor.id}.pdf"] = path = honor_sheet_path(sheet, self.cache_dir)
            if not path.is_file():
                missing.append((write_honor_sheet, (sheet, path)))
        # The rolls' PDFs (about half a second each) share the image workers' pool.
        self.image_sets, published = self.images.prepare(self.image_sources(), also=missing)
        for volunteer in self.catalog.volunteers.values():
            if not volunteer.photo:
                published[f"media/avatars/{volunteer.id}.png"] = self.media.avatar(volunteer.name)
        published.update(rolls)
        published.update(qr_files(self.catalog.stories, site_url, self.cache_dir))
        self.published.update(published)
        self.views = Views(self.catalog, self.image_sets, self.t)

    def add_published(self, files: dict[str, Path]) -> None:
        self.published.update(files)

    # --- pages ----------------------------------------------------------------

    def resolver(self) -> Resolver:
        assert self.views is not None
        records = {(r.record_type, r.id): Target(r.display_name, r.url) for r in self.catalog.all_records()}
        story_files = {s.file: s.url for s in self.catalog.stories}
        return Resolver(records, story_files, self.views.picture)

    def pages(self, site_name: str, site_url: str, only: Container[str] | None = None) -> Iterator[PageSpec]:
        assert self.views is not None, "prepare_media first"
        address = SiteAddress(site_url, self.qr if site_url else None)
        return build_pages(self.catalog, self.views, address, site_name, only)

    def render_pages(
        self,
        outputs: dict[str, Path],
        env: Any,
        chrome: Callable[[PageSpec, str, list], dict],
        markdown: tuple[list, dict],
        shared: str,
        site_name: str,
        site_url: str,
        workers: int = 1,
        memo: PageMemo | None = None,
    ) -> tuple[RenderStats, list[Any]]:
        """Every generated page into `outputs` (site path -> cached file); returns what the sitemap needs.

        With `memo` (`mkdocs serve`), a save that changed only what some
        stories show makes only the pages that show them (see memo.py).
        """
        bodies = Bodies(markdown[0], markdown[1], self.resolver())
        env.filters["markdown"] = _markdown_filter(bodies)
        renderer = PageRenderer(env, chrome, bodies, self.cache_dir / "pages", shared)
        signature = (shared, site_name, site_url, self.settings, self.catalog.reported_figures, self.image_sets)
        try:
            if memo is not None:
                urls = memo.affected(signature, self.catalog.all_records(), renderer.cache_dir)
                if urls is not None:
                    done = self._render_some(renderer, urls, outputs, memo, site_name, site_url)
                    if done is not None:
                        memo.remember(signature, self.catalog.all_records(), done[1], done[2], None, whole=False)
                        return done[0], memo.listed
            listed: list[Any] = []
            first = [True]

            def specs() -> Iterator[PageSpec]:
                for spec in self.pages(site_name, site_url):
                    if first[0] and spec.listed:
                        listed.append(_SitemapEntry(spec.url, spec.lastmod, spec.draft or bool(spec.scheduled)))
                    yield spec
                first[0] = False

            keys: dict[str, str] = {}
            shown: dict[str, set[bytes]] = {}
            if memo is None:
                stats = renderer.render(specs, outputs, workers)
            else:
                memo.clear()  # forgotten until this build succeeds
                stats = renderer.render(specs, outputs, workers, keys=keys, shows=_recorder(shown))
                memo.remember(signature, self.catalog.all_records(), keys, shown, listed, whole=True)
        except BaseException:
            if memo is not None:
                memo.clear()
            raise
        finally:
            env.filters.pop("markdown", None)  # the engine's environment outlives the build in cycles
            bodies.close()
            self.qr.save()
        return stats, listed

    def _render_some(
        self, renderer: PageRenderer, urls: set[str], outputs: dict[str, Path], memo: PageMemo, site_name: str, site_url: str
    ) -> tuple[RenderStats, dict[str, str], dict[str, set[bytes]]] | None:
        """Only the pages at `urls`, the rest as the memo has them; None when the pages made are not those asked for."""
        keys: dict[str, str] = {}
        shown: dict[str, set[bytes]] = {}
        made: dict[str, Path] = {}
        stats = renderer.render(lambda: self.pages(site_name, site_url, only=urls), made, keys=keys, shows=_recorder(shown), forget=False)
        log.debug(f"页面：只重做受影响的页面：{len(urls)} 个，共 {len(memo.keys)} 个")
        if set(keys) != urls:
            log.debug(f"页面缓存：应重画 {len(urls)} 个页面，实际得到 {len(keys)} 个，改为全部重新生成")
            return None
        cache = str(renderer.cache_dir)
        for url, key in memo.keys.items():  # the site's order of pages, as a full build gives it
            if url in keys:
                outputs[f"{url}index.html"] = made[f"{url}index.html"]
                if key != keys[url]:  # the page's old file: no other page has its key
                    with contextlib.suppress(FileNotFoundError):
                        os.remove(f"{cache}/{key[:2]}/{key}.html")
            else:
                outputs[f"{url}index.html"] = Path(f"{cache}/{key[:2]}/{key}.html")
                stats.reused += 1
        return stats, keys, shown


def _recorder(shown: dict[str, set[bytes]]) -> Callable[[str, bytes], None]:
    """`shows` for the renderer: each page's URL -> the story addresses in its inputs."""

    def record(url: str, inputs: bytes) -> None:
        shown[url] = mentions(inputs)

    return record


class _SitemapEntry:
    __slots__ = ("url", "lastmod", "draft")

    def __init__(self, url: str, lastmod: dt.date | None, draft: bool) -> None:
        self.url, self.lastmod, self.draft = url, lastmod, draft


def _markdown_filter(bodies: Bodies) -> Callable:
    """`{{ text | markdown }}` in a template: staff's Markdown on the page being drawn."""
    from jinja2 import pass_context
    from markupsafe import Markup

    @pass_context
    def markdown(context: Any, text: str | None) -> Markup:
        page = context.get("page")
        html, _ = bodies.convert(text or "", getattr(page, "url", "") or "")
        return Markup(html)

    return markdown


def sitemap(site_url: str, entries: list[Any], extra_urls: list[str]) -> bytes:
    """sitemap.xml: every published page, with the record's own date where it has one."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    seen: set[str] = set()
    for url, lastmod in sorted([(e.url, e.lastmod) for e in entries if not e.draft] + [(u, None) for u in extra_urls]):
        if url in seen:
            continue
        seen.add(url)
        lines.append(
            f"  <url><loc>{escape(base + url)}</loc>" + (f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else "") + "</url>"
        )
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def output_file(cache_dir: Path, name: str, data: bytes) -> Path:
    """A small generated file (feed, sitemap) kept in the cache, rewritten only when it changes."""
    path = cache_dir / "site-files" / name
    try:
        if path.read_bytes() == data:
            return path
    except OSError:
        pass
    atomic_write(path, data)
    return path
