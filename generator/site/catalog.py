"""Step 3, catalog: every published record, resolved references, derived facts.

The catalog is built once per build and read by everything after it. All
back-links (a volunteer's stories and honours, a project's stories...) are
indexes computed here in one pass, so that no page has to scan the content.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..content.models import Feature, Figures, Honor, Organization, Project, Recipient, Record, Story, Theme, Volunteer
from ..content.schedule import dated_ahead, is_scheduled, release_date
from ..content.settings import KeyDate, Settings
from ..content.validate import Validated
from ..text.i18n import strings_for
from ..text.text import sort_key_for


@dataclass(frozen=True)
class ServiceField:
    slug: str
    name: str

    @property
    def url(self) -> str:
        return f"fields/{self.slug}/"


@dataclass(frozen=True)
class Column:
    slug: str
    name: str

    @property
    def url(self) -> str:
        return f"columns/{self.slug}/"


@dataclass(frozen=True)
class FeatureSectionView:
    heading: str
    text: str | None
    stories: tuple[Story, ...]
    after: str | None


@dataclass(frozen=True)
class FeaturePlace:
    """Where a story sits in a feature: the feature and its neighbours there."""

    feature: Feature
    previous: Story | None
    next: Story | None


def _feature_start(feature: Feature) -> dt.date:
    return feature.period.start if feature.period else dt.date.min


@dataclass(frozen=True)
class HonorEntry:
    """One recipient of an honour list, resolved."""

    honor: Honor
    category: str
    recipient: Recipient
    record: Record | None

    @property
    def name(self) -> str:
        return self.record.display_name if self.record is not None else (self.recipient.name or "")

    @property
    def kind(self) -> str:
        return self.record.record_type if self.record is not None else "plain"

    @property
    def unit(self) -> str | None:
        return self.recipient.unit or getattr(self.record, "unit", None)

    @property
    def position(self) -> str | None:
        return self.recipient.position or getattr(self.record, "position", None)

    @property
    def region(self) -> str | None:
        return self.recipient.region or getattr(self.record, "region", None)


@dataclass(frozen=True)
class HonorCategoryView:
    name: str
    summary: str | None
    entries: tuple[HonorEntry, ...]


@dataclass(frozen=True)
class Organizer:
    name: str
    record: Organization | None


@dataclass(frozen=True)
class UpcomingDay:
    name: str
    date: dt.date
    ordinal: int | None


def _date_in(year: int, month: int, day: int) -> dt.date:
    """The date in `year`; 02-29 falls back to 02-28 in common years."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return dt.date(year, month, day - 1)


_CJK_OR_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[A-Za-z0-9]+")
_MD_NOISE = re.compile(r"!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|<[^>]+>")


@functools.lru_cache(maxsize=1 << 16)
def count_characters(markdown: str) -> int:
    """Characters a reader reads: each Chinese character, each Latin word or number.

    Remembered by text: `mkdocs serve` asks again for every story on every save.
    """
    return len(_CJK_OR_WORD.findall(_MD_NOISE.sub("", markdown)))


def _as_shown(record: Record, settings: Settings) -> Record:
    """A built-in honour level or organisation kind named in its other script (省级 on a Traditional site) as the site shows it."""
    if isinstance(record, Honor):
        level = settings.honor_level(record.level) or record.level
        return record if level == record.level else record.model_copy(update={"level": level})
    if isinstance(record, Organization) and record.kind:
        kind = settings.organization_kind(record.kind) or record.kind
        return record if kind == record.kind else record.model_copy(update={"kind": kind})
    return record


class Catalog:
    """All published records and the facts derived from them. Read-only by convention.

    This is the one place records are published: drafts and scheduled records
    (dated after the build date, `content/schedule.py`) are left out here, so
    every page, listing, feed, sitemap, search index and image follows. Where
    drafts are shown (`mkdocs serve`), scheduled records are shown too.
    """

    def __init__(self, validated: Validated, settings: Settings, figures: Figures | None = None) -> None:
        self.settings = settings
        self.reported_figures: Figures = figures or Figures()
        # Stories and honour lists dated after the build date, oldest first, drafts included (for `leifeng calendar`).
        self.ahead: tuple[Record, ...] = tuple(dated_ahead([*validated.of("story").values(), *validated.of("honor").values()], settings))
        # (kind, id) of every record that goes live on a later day by itself: what a link check asks about.
        self.scheduled: frozenset[tuple[str, str]] = frozenset((r.record_type, r.id) for r in self.ahead if not r.draft)
        if settings.include_drafts:
            keep = lambda r: True  # noqa: E731
        else:
            keep = lambda r: not r.draft and not is_scheduled(r, settings)  # noqa: E731

        def published(kind: str) -> dict[str, Record]:
            return {rid: _as_shown(r, settings) for rid, r in sorted(validated.of(kind).items()) if keep(r)}

        self.volunteers: dict[str, Volunteer] = published("volunteer")  # type: ignore[assignment]
        self.organizations: dict[str, Organization] = published("organization")  # type: ignore[assignment]
        self.projects: dict[str, Project] = published("project")  # type: ignore[assignment]
        self.themes: dict[str, Theme] = published("theme")  # type: ignore[assignment]
        honors: dict[str, Honor] = published("honor")  # type: ignore[assignment]
        self.honors: dict[str, Honor] = dict(sorted(honors.items(), key=lambda kv: (kv[1].date, kv[0]), reverse=True))
        stories: dict[str, Story] = published("story")  # type: ignore[assignment]
        self.stories: tuple[Story, ...] = tuple(sorted(stories.values(), key=lambda s: (s.date, s.id), reverse=True))
        self.story_by_id: dict[str, Story] = {s.id: s for s in self.stories}
        self.features: dict[str, Feature] = dict(
            sorted(published("feature").items(), key=lambda kv: (_feature_start(kv[1]), kv[0]), reverse=True)  # type: ignore[arg-type]
        )
        self.fields: tuple[ServiceField, ...] = tuple(ServiceField(slug, name) for slug, name in settings.fields.items())
        self.columns: tuple[Column, ...] = tuple(Column(slug, name) for slug, name in settings.columns.items())
        self._field_slug = settings.field_by_name
        self._field_by_slug = {f.slug: f for f in self.fields}
        self._story_index = {s.id: i for i, s in enumerate(self.stories)}
        self._character_counts: dict[str, int] = {}
        self._index()

    def all_records(self) -> list[Record]:
        """Every published record, stories last."""
        return [
            *self.volunteers.values(),
            *self.organizations.values(),
            *self.projects.values(),
            *self.themes.values(),
            *self.honors.values(),
            *self.features.values(),
            *self.stories,
        ]

    # --- indexes ------------------------------------------------------------

    def _index(self) -> None:
        vol_stories, org_stories, proj_stories, theme_stories = (defaultdict(list) for _ in range(4))
        field_stories, field_volunteers, field_projects, field_orgs = (defaultdict(list) for _ in range(4))
        for story in self.stories:  # newest first, so every list is newest first
            for vid in story.volunteers:
                if vid in self.volunteers:
                    vol_stories[vid].append(story)
            for oid in story.organizations:
                if oid in self.organizations:
                    org_stories[oid].append(story)
            if story.project in self.projects:
                proj_stories[story.project].append(story)
            if story.theme in self.themes:
                theme_stories[story.theme].append(story)
            for slug in self.field_slugs(story):
                field_stories[slug].append(story)

        org_volunteers, org_projects = defaultdict(list), defaultdict(list)
        for volunteer in self.volunteers.values():
            if volunteer.organization in self.organizations:
                org_volunteers[volunteer.organization].append(volunteer)
            for slug in self.field_slugs(volunteer):
                field_volunteers[slug].append(volunteer)
        for project in self.projects.values():
            if project.organization in self.organizations:
                org_projects[project.organization].append(project)
            for slug in self.field_slugs(project):
                field_projects[slug].append(project)
        for org in self.organizations.values():
            for slug in self.field_slugs(org):
                field_orgs[slug].append(org)

        project_themes = defaultdict(list)
        for theme in self.themes.values():
            for pid in theme.projects:
                if pid in self.projects:
                    project_themes[pid].append(theme)

        honor_entries: dict[str, list[HonorEntry]] = defaultdict(list)
        self._honor_categories: dict[str, tuple[HonorCategoryView, ...]] = {}
        lookup = {"volunteer": self.volunteers, "organization": self.organizations, "project": self.projects}
        for honor in self.honors.values():
            categories = []
            for category in honor.categories:
                entries = []
                for recipient in category.recipients:
                    record = None
                    for kind, table in lookup.items():
                        target = getattr(recipient, kind)
                        if target:
                            record = table.get(target)
                            if record is None:
                                break  # a draft or missing target: skip the line
                    if record is None and not recipient.name:
                        continue
                    entry = HonorEntry(honor, category.name, recipient, record)
                    entries.append(entry)
                    if record is not None:
                        honor_entries[f"{record.record_type}:{record.id}"].append(entry)
                if honor.order in ("拼音", "姓氏笔画"):
                    entries.sort(key=lambda e: sort_key_for(e.name, honor.order))
                categories.append(HonorCategoryView(category.name, category.summary, tuple(entries)))
            self._honor_categories[honor.id] = tuple(categories)

        # Features: sections keep the written order; drafts and missing stories drop out.
        self._feature_sections: dict[str, tuple[FeatureSectionView, ...]] = {}
        story_features: dict[str, list[FeaturePlace]] = defaultdict(list)
        for feature in self.features.values():
            sections = tuple(
                FeatureSectionView(
                    section.heading,
                    section.text,
                    tuple(self.story_by_id[s] for s in section.stories if s in self.story_by_id),
                    section.after,
                )
                for section in feature.sections
            )
            self._feature_sections[feature.id] = sections
            ordered = [story for section in sections for story in section.stories]
            for i, story in enumerate(ordered):
                previous = ordered[i - 1] if i > 0 else None
                following = ordered[i + 1] if i + 1 < len(ordered) else None
                story_features[story.id].append(FeaturePlace(feature, previous, following))
        column_stories: dict[str, list[Story]] = defaultdict(list)
        column_slug = self.settings.column_by_name
        for story in self.stories:
            if story.column and story.column in column_slug:
                column_stories[column_slug[story.column]].append(story)

        freeze = lambda table: {k: tuple(v) for k, v in table.items()}  # noqa: E731
        self._story_features = freeze(story_features)
        self._column_stories = freeze(column_stories)
        self._volunteer_stories = freeze(vol_stories)
        self._organization_stories = freeze(org_stories)
        self._project_stories = freeze(proj_stories)
        self._theme_stories = freeze(theme_stories)
        self._field_stories = freeze(field_stories)
        self._field_volunteers = freeze(field_volunteers)
        self._field_projects = freeze(field_projects)
        self._field_organizations = freeze(field_orgs)
        self._organization_volunteers = freeze(org_volunteers)
        self._organization_projects = freeze(org_projects)
        self._project_themes = freeze(project_themes)
        self._honor_entries = freeze(honor_entries)

    # --- derived facts ------------------------------------------------------

    def field_slugs(self, record: Record) -> list[str]:
        slugs = []
        for value in getattr(record, "fields", []) or []:
            slug = self._field_slug.get(value)
            if slug and slug not in slugs:
                slugs.append(slug)
        return slugs

    def fields_of(self, record: Record) -> list[ServiceField]:
        return [self._field_by_slug[s] for s in self.field_slugs(record)]

    def field(self, slug: str) -> ServiceField:
        return self._field_by_slug[slug]

    def star_level(self, volunteer: Volunteer) -> int:
        """0 (none) to 5: how many thresholds the service hours reach."""
        return sum(1 for threshold in self.settings.star_thresholds if volunteer.service_hours >= threshold)

    def star_name(self, volunteer: Volunteer) -> str:
        """一星志愿者 … 五星志愿者 in the site's language; empty below one star."""
        level = self.star_level(volunteer)
        if not level:
            return ""
        t = strings_for(self.settings.language)
        return t["star_volunteer"].format(star=t[f"star_{level}"])

    def reading_minutes(self, story: Story) -> int:
        return max(1, math.ceil(self.character_count(story) / self.settings.reading_speed))

    def character_count(self, story: Story) -> int:
        """Characters a reader reads in the story, counted once per build."""
        if story.id not in self._character_counts:
            self._character_counts[story.id] = count_characters(story.body)
        return self._character_counts[story.id]

    # --- back-links ---------------------------------------------------------

    def stories_of(self, record: Record) -> tuple[Story, ...]:
        table = {
            "volunteer": self._volunteer_stories,
            "organization": self._organization_stories,
            "project": self._project_stories,
            "theme": self._theme_stories,
        }.get(record.record_type, {})
        return table.get(record.id, ())

    def honors_of(self, record: Record) -> tuple[HonorEntry, ...]:
        return self._honor_entries.get(f"{record.record_type}:{record.id}", ())

    def volunteers_of(self, organization: Organization) -> tuple[Volunteer, ...]:
        return self._organization_volunteers.get(organization.id, ())

    def projects_of(self, record: Record) -> tuple[Project, ...]:
        if isinstance(record, Organization):
            return self._organization_projects.get(record.id, ())
        if isinstance(record, Theme):
            return tuple(self.projects[p] for p in record.projects if p in self.projects)
        return ()

    def themes_of(self, project: Project) -> tuple[Theme, ...]:
        return self._project_themes.get(project.id, ())

    def organization_of(self, record: Record) -> Organization | None:
        return self.organizations.get(getattr(record, "organization", None) or "")

    def organizers_of(self, theme: Theme) -> list[Organizer]:
        result = []
        for value in theme.organizers:
            org = self.organizations.get(value)
            if org is None and re.fullmatch(r"[a-z0-9-]+", value):
                continue  # a draft organisation: leave it out
            result.append(Organizer(org.name if org else value, org))
        return result

    def volunteers_in(self, story: Story) -> list[Volunteer]:
        return [self.volunteers[v] for v in story.volunteers if v in self.volunteers]

    def organizations_in(self, story: Story) -> list[Organization]:
        return [self.organizations[o] for o in story.organizations if o in self.organizations]

    def project_of(self, story: Story) -> Project | None:
        return self.projects.get(story.project or "")

    def theme_of(self, story: Story) -> Theme | None:
        return self.themes.get(story.theme or "")

    def honor_categories(self, honor: Honor) -> tuple[HonorCategoryView, ...]:
        return self._honor_categories[honor.id]

    def honor_size(self, honor: Honor) -> int:
        return sum(len(c.entries) for c in self._honor_categories[honor.id])

    def field_stories(self, slug: str) -> tuple[Story, ...]:
        return self._field_stories.get(slug, ())

    def field_volunteers(self, slug: str) -> tuple[Volunteer, ...]:
        return self._field_volunteers.get(slug, ())

    def field_projects(self, slug: str) -> tuple[Project, ...]:
        return self._field_projects.get(slug, ())

    def field_organizations(self, slug: str) -> tuple[Organization, ...]:
        return self._field_organizations.get(slug, ())

    # --- features and columns ---------------------------------------------

    def feature_sections(self, feature: Feature) -> tuple[FeatureSectionView, ...]:
        return self._feature_sections[feature.id]

    def feature_story_count(self, feature: Feature) -> int:
        return sum(len(section.stories) for section in self._feature_sections[feature.id])

    def features_of(self, story: Story) -> tuple[FeaturePlace, ...]:
        """The features a story belongs to, with its neighbours in each."""
        return self._story_features.get(story.id, ())

    def current_features(self, today: dt.date) -> list[Feature]:
        """Features running on `today` (a feature without an end runs on)."""
        return [
            f for f in self.features.values() if f.period and f.period.start <= today and (f.period.end is None or today <= f.period.end)
        ]

    def column_of(self, story: Story) -> Column | None:
        slug = self.settings.column_by_name.get(story.column or "")
        return Column(slug, self.settings.columns[slug]) if slug else None

    def column_stories(self, slug: str) -> tuple[Story, ...]:
        return self._column_stories.get(slug, ())

    # --- story navigation ---------------------------------------------------

    def newer_story(self, story: Story) -> Story | None:
        i = self._story_index[story.id]
        return self.stories[i - 1] if i > 0 else None

    def older_story(self, story: Story) -> Story | None:
        i = self._story_index[story.id]
        return self.stories[i + 1] if i + 1 < len(self.stories) else None

    def related_stories(self, story: Story, limit: int = 4) -> list[Story]:
        """Stories sharing volunteers, then project, theme, fields; newest first."""
        chosen: list[Story] = []
        seen = {story.id}

        def take(candidates: Iterable[Story]) -> bool:
            for other in candidates:
                if other.id not in seen:
                    seen.add(other.id)
                    chosen.append(other)
                    if len(chosen) >= limit:
                        return True
            return False

        sources: list[Iterable[Story]] = [self._volunteer_stories.get(v, ()) for v in story.volunteers]
        sources.append(self._project_stories.get(story.project or "", ()))
        sources.append(self._theme_stories.get(story.theme or "", ()))
        sources.extend(self._field_stories.get(s, ()) for s in self.field_slugs(story))
        for source in sources:
            if take(source):
                break
        return chosen

    # --- listings -----------------------------------------------------------

    def featured_stories(self, limit: int = 3) -> list[Story]:
        featured = [s for s in self.stories if s.featured][:limit]
        return featured or list(self.stories[:limit])

    def volunteers_for_listing(self) -> list[Volunteer]:
        """Highest star level first, then by pinyin of the name."""
        return sorted(self.volunteers.values(), key=lambda v: (-self.star_level(v), sort_key_for(v.name, "拼音"), v.id))

    def by_name(self, records: Iterable[Record]) -> list[Record]:
        return sorted(records, key=lambda r: (sort_key_for(r.display_name, "拼音"), r.id))

    def honors_by_year(self) -> list[tuple[int, list[tuple[str, list[Honor]]]]]:
        """[(year, [(level, [honor...])...])...], newest year first, levels in configured order."""
        levels = {name: i for i, name in enumerate(self.settings.honor_levels)}
        years: dict[int, dict[str, list[Honor]]] = defaultdict(lambda: defaultdict(list))
        for honor in self.honors.values():
            years[honor.date.year][honor.level].append(honor)
        return [(year, sorted(years[year].items(), key=lambda kv: levels.get(kv[0], len(levels)))) for year in sorted(years, reverse=True)]

    def figures(self) -> dict[str, float]:
        return {
            "volunteers": len(self.volunteers),
            "organizations": len(self.organizations),
            "projects": len(self.projects),
            "stories": len(self.stories),
            "honors": len(self.honors),
            "hours": sum(v.service_hours for v in self.volunteers.values()),
        }

    def next_key_dates(self, today: dt.date) -> list[UpcomingDay]:
        """The key dates falling on the next such day on or after `today`."""
        upcoming = [self._next_occurrence(key, today) for key in self.settings.key_dates]
        if not upcoming:
            return []
        first = min(u.date for u in upcoming)
        return [u for u in upcoming if u.date == first]

    def key_dates_between(self, first: dt.date, last: dt.date) -> list[UpcomingDay]:
        """Every key date from `first` to `last` (both included), in date order."""
        found = []
        for key in self.settings.key_dates:
            day = self._next_occurrence(key, first)
            while day.date <= last:
                found.append(day)
                day = self._next_occurrence(key, day.date + dt.timedelta(days=1))
        return sorted(found, key=lambda u: u.date)

    @staticmethod
    def _next_occurrence(key: KeyDate, today: dt.date) -> UpcomingDay:
        year = today.year
        day = _date_in(year, key.month, key.day)
        if day < today:
            year += 1
            day = _date_in(year, key.month, key.day)
        return UpcomingDay(key.name, day, key.ordinal(year))

    # --- the schedule -------------------------------------------------------

    def scheduled_note(self, record: Record) -> str:
        """The preview's marker of a scheduled record ("预定 3月5日发布"); "" for every other record."""
        if record.draft or not is_scheduled(record, self.settings):
            return ""
        day = release_date(record)
        assert day is not None
        t = strings_for(self.settings.language)
        shown = t["month_day"].format(m=day.month, d=day.day)
        if day.year != self.settings.build_date.year:
            shown = f"{day.year}{t['year_suffix']}{shown}"
        return t["scheduled"].format(date=shown)

    # --- figures derived from the content -----------------------------------

    def star_distribution(self) -> list[int]:
        """How many volunteers are at each star level, 0 (none) to 5."""
        counts = [0] * 6
        for volunteer in self.volunteers.values():
            counts[self.star_level(volunteer)] += 1
        return counts

    def stories_per_month(self, months: int = 24) -> list[tuple[str, int]]:
        """Stories in each of the last `months` months up to the newest story."""
        if not self.stories:
            return []
        newest = self.stories[0].date
        keys = []
        year, month = newest.year, newest.month
        for _ in range(months):
            keys.append((year, month))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        counts = dict.fromkeys(keys, 0)
        for story in self.stories:
            key = (story.date.year, story.date.month)
            if key in counts:
                counts[key] += 1
        return [(f"{y}.{m}", counts[(y, m)]) for y, m in reversed(keys)]

    def projects_per_field(self) -> list[tuple[str, int]]:
        return [(f.name, len(self.field_projects(f.slug))) for f in self.fields if self.field_projects(f.slug)]

    def honors_per_year_and_level(self) -> list[tuple[int, dict[str, int]]]:
        """[(year, {level: number of honour lists})], oldest year first."""
        table: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(self.settings.honor_levels, 0))
        for honor in self.honors.values():
            table[honor.date.year][honor.level] = table[honor.date.year].get(honor.level, 0) + 1
        return sorted(table.items())

    def honored_people_per_year(self) -> list[tuple[int, int]]:
        """Recipients named in honour lists, by year, oldest first."""
        counts: dict[int, int] = defaultdict(int)
        for honor in self.honors.values():
            counts[honor.date.year] += self.honor_size(honor)
        return sorted(counts.items())

    def timeline_of(self, record: Record) -> list[tuple[int, list[tuple[str, Record]]]]:
        """A volunteer's or organisation's honours and stories by year, newest first: [(year, [(kind, record)])]."""
        years: dict[int, list[tuple[str, Record]]] = defaultdict(list)
        for entry in self.honors_of(record):
            years[entry.honor.date.year].append(("honor", entry.honor))
        for story in self.stories_of(record):
            years[story.year].append(("story", story))
        return sorted(years.items(), reverse=True)

    def projects_by_start_year(self, organization: Organization) -> list[tuple[int | None, list[Project]]]:
        years: dict[int | None, list[Project]] = defaultdict(list)
        for project in self.projects_of(organization):
            years[project.started].append(project)
        return sorted(years.items(), key=lambda kv: (kv[0] is None, -(kv[0] or 0)))

    def story_years(self) -> list[tuple[int, int]]:
        counts: dict[int, int] = defaultdict(int)
        for story in self.stories:
            counts[story.year] += 1
        return sorted(counts.items(), reverse=True)
