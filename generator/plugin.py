"""The MkDocs plugin: each event calls one step of the pipeline.

on_config      settings from mkdocs.yml; build into a staging folder
on_pre_build   load -> validate -> catalog -> pages (fails before writing)
on_files       generated pages and published media join MkDocs' files
on_page_*      each generated page gets its template and context
on_post_build  feed; the staging folder replaces the site folder
"""

from __future__ import annotations

import json
import logging
import os
import posixpath
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .assets.cms import admin_files
from .assets.images import ImagePipeline, ImageSet
from .assets.markdown_images import ResponsiveImages
from .assets.media import MediaCache
from .assets.roll_pdf import honor_sheet_file
from .assets.share import ShareImages, qr_path
from .assets.sharing import honor_sheet, share_plan
from .content.problems import format_text
from .content.settings import PluginConfig, Settings, SettingsError
from .content.site_config import ConfigProblem, check_site_config, format_config_problems
from .content.validate import body_images, media_fields, resolve_media
from .pipeline import run_checks, settings_for
from .site import feed
from .site.catalog import Catalog
from .site.pages import REFERENCE_URI, SECTIONS, PageSpec, build_pages
from .site.templating import register_filters
from .text.i18n import strings_for

log = logging.getLogger("mkdocs.plugins.leifeng")

_MEDIA_LINK = re.compile(r"(!?\[[^\]]*\]\(\s*<?)(media/[^)\s>]+)")


class CachedFile(File):
    """A published file that lives in `.cache/`: hard-linked into the site, not copied.

    Cache files are written once and replaced atomically, never changed in
    place, so a link is as good as a copy and costs no bytes; where linking
    is impossible (another file system), it falls back to copying.
    """

    def copy_file(self, dirty: bool = False) -> None:
        if self._content is None and self.abs_src_path is not None:
            output_path = self.abs_dest_path
            os.makedirs(os.path.dirname(output_path), exist_ok=True)
            try:
                if os.path.lexists(output_path):
                    os.remove(output_path)
                os.link(self.abs_src_path, output_path)
                return
            except OSError:
                pass
        super().copy_file(dirty)


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
        self.specs: dict[str, PageSpec] = {}
        self.final_site_dir: str | None = None
        self.media: MediaCache | None = None

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
        self.media = MediaCache(self.cache_dir / "media")
        self.images = ImagePipeline(self.cache_dir, self.settings.max_image_pixels)
        self.share = ShareImages(self.cache_dir, digest=self.images.content_digest)
        self._load_qr_codes()
        self.image_sets: dict[str, ImageSet] = {}
        self._variant_index: dict[str, ImageSet] = {}
        self.share_paths: dict[str, dict[str, str]] = {}
        if not any(isinstance(e, ResponsiveImages) for e in config.markdown_extensions):
            config.markdown_extensions.append(ResponsiveImages(self._lookup_image))
        self.auto_nav = not config.nav
        # Write into a staging folder next to the site; it replaces the site
        # only when the whole build has succeeded.
        self.final_site_dir = None
        self._strict_warnings = _WarningCounter() if config.strict else None
        if self._strict_warnings is not None:
            logging.getLogger("mkdocs").addHandler(self._strict_warnings)
        if not self.serving:
            self.final_site_dir = config.site_dir
            previous = f"{config.site_dir.rstrip(os.sep)}.previous"
            if not os.path.exists(config.site_dir) and os.path.isdir(previous):
                # The last build was stopped between its two renames: put the old site back.
                os.replace(previous, config.site_dir)
            config.site_dir = f"{config.site_dir.rstrip(os.sep)}.staging"
            if os.path.isdir(config.site_dir):
                shutil.rmtree(config.site_dir)
        return config

    # --- pipeline ---------------------------------------------------------

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        assert self.settings is not None
        self.catalog, problems = run_checks(self.settings)
        for problem in problems.warnings:
            log.warning(f"{problem.position.file}:{problem.position.line}: {problem.message}")
        if self.catalog is None:
            raise ContentError("内容检查未通过，网站没有生成，原有网站保持不变：\n" + format_text(problems))
        self.specs = {spec.src_uri: spec for spec in build_pages(self.catalog)}

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.catalog is not None and self.media is not None
        nav_uris = {uri for _, uri in SECTIONS}
        if files.get_file_from_path("guide.md") is None:
            # The field reference belongs to the staff guide; without the guide, leave it out.
            self.specs.pop(REFERENCE_URI, None)
        for spec in self.specs.values():
            existing = files.get_file_from_path(spec.src_uri)
            if existing is not None:
                files.remove(existing)  # a generated page wins over a stray file
            inclusion = InclusionLevel.INCLUDED if spec.src_uri in nav_uris else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, spec.src_uri, content=spec.markdown, inclusion=inclusion))
        for site_path, source in sorted(self._media_files(config).items()):
            files.append(CachedFile.generated(config, site_path, abs_src_path=str(source)))
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
        if self.auto_nav:
            docs = [
                f.src_uri
                for f in files.documentation_pages()
                if f.generated_by is None and f.src_uri not in nav_uris and not f.inclusion.is_not_in_nav()
            ]
            t = strings_for(self.settings.language)
            config.nav = [{t[key]: uri} for key, uri in SECTIONS] + sorted(docs)
        return files

    def _image_sources(self) -> dict[str, Path]:
        """Content media path -> file, for every image a published page shows."""
        assert self.catalog is not None and self.settings is not None
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

    def _media_files(self, config: MkDocsConfig) -> dict[str, Path]:
        """Published path -> file: image variants, avatars, share images, honour roll PDFs."""
        assert self.catalog is not None and self.media is not None and self.settings is not None
        sources = self._image_sources()
        self.image_sets, published = self.images.prepare(sources)
        self._variant_index = {v.fallback: image for image in self.image_sets.values() for v in image.variants}
        avatars: dict[str, Path] = {}
        for volunteer in self.catalog.volunteers.values():
            if not volunteer.photo:
                avatars[volunteer.id] = self.media.avatar(volunteer.name)
                published[f"media/avatars/{volunteer.id}.png"] = avatars[volunteer.id]
        site_url = self.site_url
        if not site_url:
            log.warning("mkdocs.yml 没有设置 site_url：不生成分享海报和二维码（二维码需要网页的完整地址）")
        plan = share_plan(self.catalog, config.site_name, site_url, sources, avatars)
        self.share_paths = plan.paths
        published.update(self.share.produce(plan.images))
        for honor in self.catalog.honors.values():
            sheet = honor_sheet(self.catalog, honor, config.site_name)
            published[f"share/honors/{honor.id}.pdf"] = honor_sheet_file(sheet, self.cache_dir)
        return published

    def _lookup_image(self, path: str) -> ImageSet | None:
        """The image set for a content media path or for one of its published variants."""
        return self.image_sets.get(path) or self._variant_index.get(path)

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        spec = self.specs.get(page.file.src_uri)
        if spec is None:
            return markdown
        page.meta["template"] = spec.template
        page.meta["title"] = spec.title
        if spec.description:
            page.meta["description"] = spec.description
        if "media/" not in markdown:
            return markdown
        # Content paths are relative to content/; make them relative to this page's source.
        prefix = posixpath.relpath(".", posixpath.dirname(page.file.src_uri) or ".")
        prefix = "" if prefix == "." else prefix + "/"

        def published(match: re.Match) -> str:
            image = self.image_sets.get(match.group(2))
            target = image.src if image is not None else match.group(2)
            return f"{match.group(1)}{prefix}{target}"

        return _MEDIA_LINK.sub(published, markdown)

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        register_filters(env, self._lookup_image)
        return env

    def on_page_context(self, context: dict, *, page: Page, config: MkDocsConfig, nav: Any) -> dict:
        context["t"] = strings_for(config.theme.get("language", "zh"))
        context["site_settings"] = self.settings
        context["catalog"] = self.catalog
        spec = self.specs.get(page.file.src_uri)
        if spec is not None:
            context["spec"] = spec
            context["record"] = spec.record
            context["items"] = spec.items
            context["pagination"] = spec.pagination
            context.update(spec.extra)
            context["share"] = self.share_paths.get(spec.record.share_key if spec.record is not None else "")
            if spec.kind in ("story", "volunteer") and self.site_url:
                context["qr"] = self._qr(urljoin(self.site_url, spec.url))
        context.setdefault("share", None)
        context["site_card"] = self.share_paths.get("site")
        return context

    def on_template_context(self, context: dict, *, template_name: str, config: MkDocsConfig) -> dict:
        context["t"] = strings_for(config.theme.get("language", "zh"))
        context["site_settings"] = self.settings
        context["catalog"] = self.catalog
        return context

    def _qr(self, url: str) -> tuple[int, str]:
        """The QR code of a page, remembered across builds in `.cache/qr.json`."""
        if url not in self._qr_codes:
            self._qr_codes[url] = qr_path(url)
            self._qr_changed = True
        return self._qr_codes[url]

    def _load_qr_codes(self) -> None:
        self._qr_changed = False
        try:
            stored = json.loads((self.cache_dir / "qr.json").read_text(encoding="utf-8"))
            self._qr_codes = {url: (int(entry[0]), str(entry[1])) for url, entry in stored.items()}
        except (OSError, ValueError, TypeError, AttributeError, IndexError):
            self._qr_codes = {}  # no cache yet, or an unreadable one: recompute

    def _save_qr_codes(self, urls: set[str]) -> None:
        if not self._qr_changed:
            return
        kept = {url: self._qr_codes[url] for url in sorted(urls) if url in self._qr_codes}
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        temporary = self.cache_dir / f".qr.json.{os.getpid()}.tmp"
        temporary.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.cache_dir / "qr.json")

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        assert self.settings is not None
        for folder in (self.settings.content_dir, self.settings.stories_dir):
            if folder.is_dir():
                server.watch(str(folder))
        return server

    # --- output -----------------------------------------------------------

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.catalog is not None
        feed.write_feed(self.catalog, config, Path(config.site_dir))
        if self.site_url:
            self._save_qr_codes({urljoin(self.site_url, s.url) for s in self.specs.values() if s.kind in ("story", "volunteer")})
        from .assets.search import write_search_index  # the site search index (generator/search)

        write_search_index(self.catalog, config)
        log.info(
            f"图片：新处理 {self.images.encoded} 张、分享图 {self.share.rendered} 张；"
            f"复用缓存 {self.images.reused + self.share.reused + self.media.reused} 张"
        )
        if self._strict_warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self._strict_warnings)
        if self.final_site_dir is None:
            return
        if self._strict_warnings is not None and self._strict_warnings.count:
            # `--strict` aborts right after this event: keep the published site as it is.
            shutil.rmtree(config.site_dir, ignore_errors=True)
            log.error(f"严格模式（--strict）下有 {self._strict_warnings.count} 个警告：网站没有更新，原有网站保持不变")
            return
        staging, final = config.site_dir, self.final_site_dir
        previous = f"{final.rstrip(os.sep)}.previous"
        if os.path.isdir(previous):
            shutil.rmtree(previous)
        if os.path.exists(final):
            os.replace(final, previous)
        os.replace(staging, final)
        shutil.rmtree(previous, ignore_errors=True)
        config.site_dir = final  # later commands (gh-deploy) read the real folder
        log.info(f"网站已生成到 {final}")

    def on_build_error(self, *, error: Exception) -> None:
        if getattr(self, "_strict_warnings", None) is not None:
            logging.getLogger("mkdocs").removeHandler(self._strict_warnings)
        if self.final_site_dir is not None:
            staging = f"{self.final_site_dir.rstrip(os.sep)}.staging"
            shutil.rmtree(staging, ignore_errors=True)
