"""The pipeline without MkDocs: load -> validate -> catalog (-> pages).

`leifeng check`, `leifeng import`, the benchmarks and the MkDocs plugin all
call these functions, so that every entry point checks the content the same
way and none of them needs the plugin to run the steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .content.cache import ParseCache
from .content.load import load_repository
from .content.models import Record
from .content.problems import Problems
from .content.schedule import dated_ahead
from .content.settings import Settings, make_settings
from .content.sources import parse_yaml
from .content.validate import forget_resolved_media, validate
from .site.catalog import Catalog
from .site.figures import load_figures


def settings_for(options: Any, config_file_path: str | None, *, serving: bool = False, language: str = "zh") -> Settings:
    """The steps' settings from the plugin's options; `leifeng check` uses the same."""
    root = Path(config_file_path or ".").resolve().parent
    include_drafts = options.drafts == "show" or (options.drafts == "auto" and serving)
    return make_settings(dict(options), root, include_drafts=include_drafts, preview=serving, language=language)


@dataclass(frozen=True)
class Checked:
    """What checking the content found: the catalog (None when there are errors), the problems, the schedule."""

    catalog: Catalog | None
    problems: Problems
    scheduled: tuple[Record, ...]  # stories and honour lists that go live on a later day by themselves, oldest first


def check_content(settings: Settings, cache: ParseCache | None = None, *, preview: bool = False) -> Checked:
    """load -> validate -> catalog; the catalog is None when there are errors.

    With a `cache`, files whose text did not change are not parsed again.
    A `preview` (`mkdocs serve`) keeps where media paths lead from one build
    to the next: a symbolic link changed under content/ while it runs is
    followed as it was (a build, in its own process, always looks again).
    """
    problems = Problems()
    if not preview:
        forget_resolved_media()
    raws = load_repository(settings, problems, cache.parse_yaml if cache is not None else parse_yaml)
    if cache is not None:
        cache.save()
    validated = validate(raws, settings, problems)
    figures = load_figures(settings, problems)
    ahead = dated_ahead([*validated.of("story").values(), *validated.of("honor").values()], settings)
    scheduled = tuple(r for r in ahead if not r.draft)
    if problems.errors:
        return Checked(None, problems, scheduled)
    return Checked(Catalog(validated, settings, figures), problems, scheduled)


def run_checks(settings: Settings, cache: ParseCache | None = None, *, preview: bool = False) -> tuple[Catalog | None, Problems]:
    """load -> validate -> catalog; the catalog is None when there are errors."""
    checked = check_content(settings, cache, preview=preview)
    return checked.catalog, checked.problems
