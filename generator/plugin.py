"""The MkDocs plugin: each event calls one step of the pipeline, nothing more.

load_config    the plugin's and the theme's settings, judged in Chinese (exit 2)
on_config      settings; build into a staging folder
on_pre_build   load -> validate -> catalog (fails before anything is written);
               images, avatars and roll PDFs made or found in the cache
on_files       the staff guide's field reference joins the hand-written pages
on_nav         the generated sections lead the navigation
on_post_build  generated pages (site/build.py, drawn only when their inputs
               changed), media, feed, sitemap, search; the staging folder
               replaces the site folder
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation

from .assets.cms import admin_files
from .assets.images import ImagePipeline
from .assets.media import MediaCache
from .assets.qrcodes import QrCodes
from .assets.share import CARD_SIZE, ShareImages
from .assets.sharing import SITE_CARD, site_card
from .chrome import Chrome, navigation
from .content.cache import ParseCache
from .content.problems import format_text
from .content.settings import PluginConfig, Settings, SettingsError
from .content.site_config import ConfigProblem, check_site_config, format_config_problems
from .files import ContentStore, linkable_folder, release_linked_folder, sync_tree, walk_files
from .pipeline import run_checks, settings_for
from .site import feed
from .site.bodies import rewrite_page_links
from .site.build import SiteBuilder, output_file, sitemap
from .site.catalog import Catalog
from .site.memo import PageMemo
from .site.pages import REFERENCE_URI, SECTIONS
from .site.render import fingerprint, template_digest
from .site.templating import register_filters
from .site.views import Picture
from .text.i18n import strings_for

log = logging.getLogger("mkdocs.plugins.leifeng")
# Seconds after a `mkdocs serve` build before its garbage is collected.
IDLE_COLLECT_AFTER = 0.5
# Middle-generation collections between full ones under `mkdocs serve` (Python's default: 10).
SERVE_FULL_COLLECTIONS = 1000


class _WarningCounter(logging.Handler):
    """Counts warnings as MkDocs' strict mode does, so the site is not replaced by a build it will abort."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class ContentError(PluginError):
    """The content has errors; the message lists them all."""


class SettingsAbort(Abort):
    """mkdocs.yml has wrong settings: the message (Chinese, with lines) and exit status 2, as `leifeng check`."""

    exit_code = 2
    code = 2

    def __init__(self, problems: list[ConfigProblem], file: str) -> None:
        super().__init__(format_config_problems(problems, file))
        self.problems = problems
        self.file = file


def packaged_theme() -> Path:
    """The generator's theme (`theme/` in the repository, `leifeng_theme` once installed)."""
    import leifeng_theme

    return Path(leifeng_theme.__file__).resolve().parent


def _configured_site_url(config_file_path: str) -> str:
    """site_url as mkdocs.yml sets it (`mkdocs serve` replaces it with its own address)."""
    from mkdocs.utils.yaml import yaml_load

    try:
        with open(config_file_path, "rb") as stream:
            value = (yaml_load(stream) or {}).get("site_url")
    except Exception:  # noqa: BLE001 - MkDocs reads the file next and reports what is wrong with it
        return ""
    return value if isinstance(value, str) else ""


def theme_languages() -> set[str]:
    """Every `theme.language` a build can render: Material's translations and the generator's own."""
    import material

    folders = [Path(material.__file__).parent / "templates" / "partials" / "languages", packaged_theme() / "partials" / "languages"]
    return {path.stem for folder in folders for path in folder.glob("*.html")}


class LeifengPlugin(BasePlugin[PluginConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.configured_site_url = ""
        self.site_url = ""
        self.settings: Settings | None = None
        self.catalog: Catalog | None = None
        self.builder: SiteBuilder | None = None
        self.final_site_dir: str | None = None
        self.nav: Navigation | None = None
        self.sections: list = []
        self.env: Any = None
        self.files: Files | None = None
        self._strict_warnings: _WarningCounter | None = None
        self.unpublished: frozenset[str] = frozenset()

    # --- configuration ----------------------------------------------------

    def load_config(self, options: dict[str, Any], config_file_path: str | None = None) -> tuple[Any, Any]:
        """MkDocs validates the plugin's options here: judge them, and the theme's, in Chinese first."""
        self.configured_site_url = ""
        if config_file_path and os.path.isfile(config_file_path):
            problems = check_site_config(Path(config_file_path), options, theme_languages())
            if problems:
                raise SettingsAbort(problems, Path(config_file_path).name)
            self.configured_site_url = _configured_site_url(config_file_path)
        return super().load_config(options, config_file_path)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        if self.serving:
            # Full collections come from the idle collection after each build
            # (`_collect_when_idle`), not in the middle of one: young objects
            # are still collected as usual.
            self._gc_threshold = gc.get_threshold()
            gc.set_threshold(*self._gc_threshold[:2], SERVE_FULL_COLLECTIONS)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path or ".").resolve().parent
        # Posters, QR codes and the feed always point at the published site,
        # also under `mkdocs serve` (whose own address is only for the preview).
        self.site_url = (self.configured_site_url if self.serving else config.site_url) or ""
        try:
            self.settings = settings_for(
                self.config, config.config_file_path, serving=self.serving, language=config.theme.get("language", "zh")
            )
        except SettingsError as exc:
            raise PluginError(f"mkdocs.yml 中 leifeng 插件的设置有误：{exc}") from None
        self.cache_dir = root / ".cache"
        # Caches that outlive one build (kept across `mkdocs serve` rebuilds).
        if getattr(self, "_cache_root", None) != self.cache_dir:
            self._cache_root = self.cache_dir
            self.media = MediaCache(self.cache_dir / "media")
            self.images = ImagePipeline(self.cache_dir, self.settings.max_image_pixels)
            self.share = ShareImages(self.cache_dir)
            self.qr = QrCodes(self.cache_dir / "qr.json")
            self.parsed = ParseCache(self.cache_dir / "parsed.pickle")
            self.page_memo = PageMemo()
            self.synced: dict[str, tuple[str, int, int]] = {}  # what serve's folder holds (files.sync_tree)
        self.images.encoded = self.images.reused = self.media.reused = self.share.rendered = self.share.reused = 0
        # Our sitemap (with each record's date) replaces the theme's.
        config.theme.static_templates.discard("sitemap.xml")
        self.auto_nav = not config.nav
        self._strict_warnings = _WarningCounter() if config.strict else None
        if self._strict_warnings is not None:
            logging.getLogger("mkdocs").addHandler(self._strict_warnings)
        # MkDocs writes its own few files (hand-written pages, theme assets)
        # into a folder of its own, which it empties first; the site is then
        # made to hold exactly those and ours (files.sync_tree), touching only
        # what changed. `mkdocs build` fills a staging folder (the site of two
        # builds ago, recycled) that replaces the site only when the whole
        # build has succeeded; `mkdocs serve` updates its own folder in place.
        if self.serving:
            self.final_site_dir = None
            # The served folder is MkDocs' temporary one; on another file
            # system than .cache/ (a tmpfs /tmp) it is linked to a folder in
            # .cache/, so that pages are linked there, not all copied per save.
            self.served = Path(config.site_dir)
            self.target = linkable_folder(self.served, self.cache_dir / "pages")
            config.site_dir = f"{config.site_dir.rstrip(os.sep)}-mkdocs"
        else:
            self.final_site_dir = config.site_dir
            final = config.site_dir.rstrip(os.sep)
            if not os.path.exists(final) and os.path.isdir(f"{final}.previous"):
                # The last build was stopped between its two renames: put the old site back.
                os.replace(f"{final}.previous", final)
            self.target = Path(f"{final}.staging")
            if not self.target.is_dir() and os.path.isdir(f"{final}.previous"):
                os.replace(f"{final}.previous", self.target)  # recycled: only what changed is relinked
            config.site_dir = str(self.cache_dir / "mkdocs-site")
        return config

    # --- pipeline ---------------------------------------------------------

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        assert self.settings is not None
        started = time.perf_counter()
        self.catalog, problems = run_checks(self.settings, self.parsed, preview=self.serving)
        self.parsed.write_on_save = not self.serving  # serve writes it when it stops (0.05 s per save at 2,000 stories)
        self.timings = {"checks": time.perf_counter() - started}
        for problem in problems.warnings:
            log.warning(f"{problem.position.file}:{problem.position.line}: {problem.message}")
        if self.catalog is None:
            raise ContentError("内容检查未通过，网站没有生成，原有网站保持不变：\n" + format_text(problems))
        self.builder = SiteBuilder(self.settings, self.catalog, self.cache_dir, self.images, self.media, self.qr)
        started = time.perf_counter()
        self.builder.prepare_media(config.site_name, config.site_url or "")
        if not self.site_url:
            log.warning("mkdocs.yml 没有设置 site_url：网页上没有二维码和分享海报（二维码要用网页的完整地址），请填写 site_url")
        self.builder.add_published(self.share.produce({SITE_CARD: site_card(self.settings.slogan, config.site_name)}))
        self.timings["media"] = time.perf_counter() - started

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.settings is not None
        generated = {url for _, url in SECTIONS} | {"stories/", "columns/"}
        for file in list(files.documentation_pages()):
            if file.url in generated or file.url.startswith(
                ("stories/", "volunteers/", "organizations/", "projects/", "themes/", "honors/", "features/", "fields/", "columns/")
            ):
                log.warning(f"docs/{file.src_uri} 与生成的页面 {file.url or '首页'} 地址相同，不会发布：请改名或删除")
                files.remove(file)
        # Pages for staff (editing guide, deployment, browser editor) stay out of the
        # public site unless published on purpose; `mkdocs serve` still shows them.
        staff = InclusionLevel.NOT_IN_NAV if self.settings.publish_staff_pages else InclusionLevel.DRAFT
        for file in files:
            if self.settings.is_staff_page(file.src_uri):
                file.inclusion = staff
        hidden = {f.src_uri for f in files.documentation_pages(inclusion=InclusionLevel.all) if self.settings.is_staff_page(f.src_uri)}
        self.unpublished = frozenset() if self.settings.publish_staff_pages or self.serving else frozenset({*hidden, REFERENCE_URI})
        if files.get_file_from_path("guide.md") is not None:
            # The staff guide's field reference, derived from the models: a hand-written page in all but source.
            from .commands.reference import TITLE, field_reference_markdown

            content = f"---\ntitle: {TITLE}\n---\n\n" + field_reference_markdown(self.settings)
            files.append(File.generated(config, REFERENCE_URI, content=content, inclusion=staff))
        # The browser editor (/admin/); its preview pane uses the site's own stylesheets.
        styles = [f.dest_uri for f in files if f.dest_uri.startswith("assets/stylesheets/") and f.dest_uri.endswith(".css")]
        admin = admin_files(
            self.settings,
            config.site_name,
            self.site_url,
            self.settings.language,
            stylesheets=sorted(styles) + [str(css) for css in config.extra_css],
            repo_url=config.repo_url or "",
        )
        for site_path, content in admin.items():
            files.append(File.generated(config, site_path, content=content))
        self.files = files
        return files

    def on_page_markdown(self, markdown: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        """Hand-written pages link to records and generated pages the way stories do."""
        assert self.builder is not None
        generated = {url for _, url in SECTIONS} | {"columns/", "wechat/"}
        return rewrite_page_links(markdown, page.url, self.builder.resolver(), generated, page.file.src_uri, self.unpublished)

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        assert self.settings is not None
        if self.auto_nav:
            nav, self.sections = navigation(nav, strings_for(self.settings.language))
        else:
            self.sections = []
        self.nav = nav
        return nav

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        register_filters(env)
        # MkDocs makes a new environment for every build, which compiles every
        # template again (0.6 s); compiled templates are kept by their source.
        from jinja2 import FileSystemBytecodeCache

        (self.cache_dir / "jinja").mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = FileSystemBytecodeCache(str(self.cache_dir / "jinja"))
        self.env = env
        return env

    def _site_context(self) -> dict[str, Any]:
        """What every page's template gets besides its own context: strings and site-wide settings."""
        assert self.settings is not None
        s = self.settings
        return {
            "t": strings_for(s.language),
            "site": {
                "icp": s.icp,
                "icp_url": s.icp_url,
                "police": s.police,
                "police_url": s.police_url,
                "card": Picture(SITE_CARD, *CARD_SIZE),
            },
            "site_url": self.site_url,
        }

    def on_page_context(self, context: dict, *, page: Any, config: MkDocsConfig, nav: Any) -> dict:
        context.update(self._site_context())
        return context

    def on_template_context(self, context: dict, *, template_name: str, config: MkDocsConfig) -> dict:
        context.update(self._site_context())
        return context

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        assert self.settings is not None
        for folder in (self.settings.content_dir, self.settings.stories_dir):
            if folder.is_dir():
                server.watch(str(folder))
        return server

    # --- output -----------------------------------------------------------

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.catalog is not None and self.builder is not None and self.settings is not None
        extra = self._site_context()
        chrome = Chrome(self.nav, self.sections, self.files, config, extra, self.site_url)
        shared = fingerprint(
            template_digest(config.theme.dirs),
            _generator_digest(),
            config.site_name,
            config.site_url,
            self.site_url,
            config.copyright,
            dict(config.theme),
            config.extra,
            config.extra_css,
            config.extra_javascript,
            [str(e) for e in config.markdown_extensions],
            config.mdx_configs,
            [(getattr(i, "title", None), getattr(i, "url", None)) for i in (self.nav.items if self.nav else [])],
            {key: dict(value) if key == "t" else value for key, value in extra.items()},
        )
        markdown = (list(config.markdown_extensions), dict(config.mdx_configs))
        # Everything the site holds: site path -> the file (in a cache) it is linked from.
        own = Path(config.site_dir)
        store = ContentStore(self.cache_dir / "store")
        outputs: dict[str, Path] = {relative: store.add(own / relative) for relative in walk_files(own)}
        outputs.update(self.builder.published)
        started = time.perf_counter()
        # Pages are drawn side by side on a cold build; `mkdocs serve` (which runs threads) draws alone.
        workers = 1 if self.serving else max(1, min(os.cpu_count() or 1, 8))
        memo = self.page_memo if self.serving else None
        stats, listed = self.builder.render_pages(
            outputs, self.env, chrome, markdown, shared, config.site_name, self.site_url, workers, memo
        )
        self.timings["pages"] = time.perf_counter() - started
        outputs["feed.xml"] = output_file(self.cache_dir, "feed.xml", feed.feed_for(self.catalog, config.site_name, config.site_url or ""))
        if self.site_url:
            docs = [f.url for f in (self.files.documentation_pages() if self.files else []) if not f.inclusion.is_not_in_nav()]
            outputs["sitemap.xml"] = output_file(self.cache_dir, "sitemap.xml", sitemap(self.site_url, listed, docs))
        from .assets.search import write_index  # the site search index (assets/search.py)

        started = time.perf_counter()
        shutil.rmtree(self.cache_dir / "search-site", ignore_errors=True)  # where earlier versions installed a copy
        index = write_index(self.catalog, None, self.cache_dir / "search")
        self.timings["search"] = time.perf_counter() - started
        started = time.perf_counter()
        outputs.update(index.sources)  # the index's files, kept in the cache by their content
        written, removed = sync_tree(outputs, self.target, self.synced if self.serving else None)
        store.forget_unused()
        self.timings["files"] = time.perf_counter() - started
        log.debug("用时（秒）：" + "，".join(f"{k} {v:.2f}" for k, v in self.timings.items()))
        log.info(
            f"页面：新生成 {stats.drawn} 个，复用 {stats.reused} 个（{stats.seconds:.1f} 秒）；"
            f"图片：新处理 {self.images.encoded} 张、分享图 {self.share.rendered} 张；"
            f"复用缓存 {self.images.reused + self.share.reused + self.media.reused} 张；"
            f"网站文件：更新 {written} 个，删除 {removed} 个"
        )
        if self._strict_warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self._strict_warnings)
        if self.final_site_dir is None:
            self._collect_when_idle()
            return
        if self._strict_warnings is not None and self._strict_warnings.count:
            # `--strict` aborts right after this event: keep the published site as it is.
            self._set_aside_staging()
            log.error(f"严格模式（--strict）下有 {self._strict_warnings.count} 个警告：网站没有更新，原有网站保持不变")
            return
        final = self.final_site_dir.rstrip(os.sep)
        previous = f"{final}.previous"
        if os.path.isdir(previous):
            shutil.rmtree(previous)
        if os.path.exists(final):
            os.replace(final, previous)  # kept: the next build recycles it as its staging folder
        os.replace(self.target, final)
        config.site_dir = final  # later commands (gh-deploy) read the real folder
        log.info(f"网站已生成到 {final}")

    def _set_aside_staging(self) -> None:
        """A build that did not finish: keep its folder for the next build to recycle, out of the way."""
        if self.final_site_dir is None or not self.target.is_dir():
            return
        previous = f"{self.final_site_dir.rstrip(os.sep)}.previous"
        if os.path.isdir(previous):
            shutil.rmtree(self.target, ignore_errors=True)
        else:
            os.replace(self.target, previous)

    def on_build_error(self, *, error: Exception) -> None:
        if self._strict_warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self._strict_warnings)
        self._set_aside_staging()

    def _collect_when_idle(self) -> None:
        """`mkdocs serve`: collect the last build's cyclic garbage while the editor reads the preview.

        Each build leaves a catalog's worth of objects for the cycle collector;
        left to itself, it sweeps the whole heap (0.2 s at 2,000 stories, over
        0.6 s at 10,000) in the middle of the next build, while the editor
        waits for a save. After this collection, what is alive is frozen out of
        the collector's sweeps until the next one (which unfreezes it first, so
        nothing that dies in between is kept).
        """
        timer = getattr(self, "_collector", None)
        if timer is not None:
            timer.cancel()
        self._collector = threading.Timer(IDLE_COLLECT_AFTER, _collect_and_freeze)
        self._collector.daemon = True
        self._collector.start()

    def on_shutdown(self) -> None:
        timer = getattr(self, "_collector", None)
        if timer is not None:
            timer.cancel()
            timer.join()  # a collection already running finishes first
            gc.unfreeze()
        if getattr(self, "_gc_threshold", None) is not None:
            gc.set_threshold(*self._gc_threshold)
            self._gc_threshold = None
        if getattr(self, "parsed", None) is not None:
            self.parsed.write()
        if self.serving and getattr(self, "served", None) is not None:
            shutil.rmtree(f"{str(self.served).rstrip(os.sep)}-mkdocs", ignore_errors=True)
            release_linked_folder(self.served)


def _collect_and_freeze() -> None:
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _generator_digest() -> str:
    """The generator's own code: a change to how pages are made redraws them all."""
    import hashlib

    digest = hashlib.blake2b(digest_size=16)
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()
