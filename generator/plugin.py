"""The MkDocs plugin: each event calls one step of the pipeline.

    on_config      settings from mkdocs.yml; build into a staging folder
    on_pre_build   load -> validate -> catalog -> pages (fails before writing)
    on_files       generated pages and published media join MkDocs' files
    on_page_*      each generated page gets its template and context
    on_post_build  feed; the staging folder replaces the site folder
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
import shutil
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from . import feed
from .catalog import Catalog
from .i18n import strings_for
from .load import load_repository
from .media import MediaCache, site_path_for
from .pages import SECTIONS, PageSpec, build_pages
from .problems import Problems, format_text
from .settings import PluginConfig, Settings, SettingsError, make_settings
from .templating import register_filters
from .validate import body_images, media_fields, resolve_media, validate

log = logging.getLogger("mkdocs.plugins.leifeng")

_MEDIA_LINK = re.compile(r"(!?\[[^\]]*\]\(\s*<?)(media/[^)\s>]+)")


class ContentError(PluginError):
    """The content has errors; the message lists them all."""


def settings_for(options: PluginConfig, config_file_path: str | None, *, serving: bool = False) -> Settings:
    """The steps' settings from the plugin's options; `leifeng check` uses the same."""
    root = Path(config_file_path or ".").resolve().parent
    include_drafts = options.drafts == "show" or (options.drafts == "auto" and serving)
    return make_settings(dict(options), root, include_drafts=include_drafts)


def run_checks(settings: Settings) -> tuple[Catalog | None, Problems]:
    """load -> validate -> catalog; the catalog is None when there are errors."""
    problems = Problems()
    raws = load_repository(settings, problems)
    validated = validate(raws, settings, problems)
    if problems.errors:
        return None, problems
    return Catalog(validated, settings), problems


class LeifengPlugin(BasePlugin[PluginConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.settings: Settings | None = None
        self.catalog: Catalog | None = None
        self.specs: dict[str, PageSpec] = {}
        self.final_site_dir: str | None = None
        self.media: MediaCache | None = None

    # --- configuration ----------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path or ".").resolve().parent
        try:
            self.settings = settings_for(self.config, config.config_file_path, serving=self.serving)
        except SettingsError as exc:
            raise PluginError(f"mkdocs.yml 中 leifeng 插件的设置有误：{exc}") from None
        self.media = MediaCache(root / ".cache" / "media")
        self.auto_nav = not config.nav
        # Write into a staging folder next to the site; it replaces the site
        # only when the whole build has succeeded.
        self.final_site_dir = None
        if not self.serving:
            self.final_site_dir = config.site_dir
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
        for spec in self.specs.values():
            existing = files.get_file_from_path(spec.src_uri)
            if existing is not None:
                files.remove(existing)  # a generated page wins over a stray file
            inclusion = InclusionLevel.INCLUDED if spec.src_uri in nav_uris else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, spec.src_uri, content=spec.markdown, inclusion=inclusion))
        for site_path, source in self._media_files().items():
            files.append(File.generated(config, site_path, abs_src_path=str(source)))
        if self.auto_nav:
            docs = [f.src_uri for f in files.documentation_pages() if f.generated_by is None and f.src_uri not in nav_uris]
            config.nav = [{title: uri} for title, uri in SECTIONS] + sorted(docs)
        return files

    def _media_files(self) -> dict[str, Path]:
        """Published path -> processed file, for every image a published page shows."""
        assert self.catalog is not None and self.media is not None and self.settings is not None
        wanted: dict[str, Path] = {}
        records: list[Any] = [
            *self.catalog.volunteers.values(),
            *self.catalog.organizations.values(),
            *self.catalog.projects.values(),
            *self.catalog.themes.values(),
            *self.catalog.stories,
        ]
        for record in records:
            for _, value in media_fields(record):
                wanted.setdefault(site_path_for(value), resolve_media(self.settings, value))  # type: ignore[arg-type]
            for value in body_images(record):
                path = resolve_media(self.settings, value)
                if path is not None and value.startswith("media/"):
                    wanted.setdefault(site_path_for(value), path)
        published = {site_path: self.media.cleaned(source) for site_path, source in sorted(wanted.items())}
        for volunteer in self.catalog.volunteers.values():
            if not volunteer.photo:
                published[f"media/avatars/{volunteer.id}.png"] = self.media.avatar(volunteer.name)
        return published

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
        return _MEDIA_LINK.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", markdown)

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        register_filters(env)
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
        return context

    def on_template_context(self, context: dict, *, template_name: str, config: MkDocsConfig) -> dict:
        context["t"] = strings_for(config.theme.get("language", "zh"))
        context["site_settings"] = self.settings
        context["catalog"] = self.catalog
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
        assert self.catalog is not None
        feed.write_feed(self.catalog, config, Path(config.site_dir))
        if self.media is not None:
            log.info(f"图片：新处理 {self.media.encoded} 张，复用缓存 {self.media.reused} 张")
        if self.final_site_dir is None:
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
        if self.final_site_dir is not None:
            staging = f"{self.final_site_dir.rstrip(os.sep)}.staging"
            shutil.rmtree(staging, ignore_errors=True)
