"""The pipeline without MkDocs: load -> validate -> catalog (-> pages).

`leifeng check`, `leifeng import`, the benchmarks and the MkDocs plugin all
call these functions, so that every entry point checks the content the same
way and none of them needs the plugin to run the steps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .content.cache import ParseCache
from .content.load import load_repository
from .content.problems import Problems
from .content.settings import Settings, make_settings
from .content.sources import parse_yaml
from .content.validate import validate
from .site.catalog import Catalog
from .site.figures import load_figures


def settings_for(options: Any, config_file_path: str | None, *, serving: bool = False, language: str = "zh") -> Settings:
    """The steps' settings from the plugin's options; `leifeng check` uses the same."""
    root = Path(config_file_path or ".").resolve().parent
    include_drafts = options.drafts == "show" or (options.drafts == "auto" and serving)
    return make_settings(dict(options), root, include_drafts=include_drafts, preview=serving, language=language)


def run_checks(settings: Settings, cache: ParseCache | None = None) -> tuple[Catalog | None, Problems]:
    """load -> validate -> catalog; the catalog is None when there are errors.

    With a `cache`, files whose text did not change are not parsed again.
    """
    problems = Problems()
    raws = load_repository(settings, problems, cache.parse_yaml if cache is not None else parse_yaml)
    if cache is not None:
        cache.save()
    validated = validate(raws, settings, problems)
    figures = load_figures(settings, problems)
    if problems.errors:
        return None, problems
    return Catalog(validated, settings, figures), problems
