"""Step 4, pages: a pure function from the catalog to page specs.

Each spec names the page's URL, the template that renders it, its title and
its context: plain data (`views.py`), everything the template shows and
nothing it must ask for. The renderer hashes the context, so a page is drawn
again only when something it shows changed. Listings are paginated with a
windowed pager, so that no page grows with the size of the site.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Container, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from ..assets.charts import bar_chart, column_chart
from ..content.models import Feature, Honor, Organization, Project, Record, Story, Theme, Volunteer
from ..text.i18n import in_language, strings_for
from .catalog import Catalog
from .figures import reported
from .views import Link, Picture, Views
from .wechat import wechat_page_url, wechat_story

REFERENCE_URI = "guide/fields.md"

# The sections of the navigation, in order: (UI string key for the title, URL).
SECTIONS: list[tuple[str, str]] = [
    ("home", ""),
    ("stories", "stories/"),
    ("volunteers", "volunteers/"),
    ("organizations", "organizations/"),
    ("projects", "projects/"),
    ("themes", "themes/"),
    ("features", "features/"),
    ("honors", "honors/"),
    ("fields", "fields/"),
    ("data", "data/"),
]


def uri_to_url(src_uri: str) -> str:
    """The directory URL of a source URI (`stories/2025/x.md` -> `stories/2025/x/`)."""
    if src_uri == "index.md":
        return ""
    if src_uri.endswith("/index.md"):
        return src_uri[: -len("index.md")]
    return src_uri[: -len(".md")] + "/"


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    number: int
    total: int
    count: int
    links: tuple[PageLink | None, ...]  # None marks a gap (…)
    previous: str | None
    next: str | None
    first_item: int

    @property
    def is_paged(self) -> bool:
        return self.total > 1


@dataclass(frozen=True)
class PageSpec:
    """One page: where it goes, how it is drawn, and everything it shows."""

    url: str  # site-relative directory URL: "" for the home page, "stories/2025/x/"
    template: str
    title: str
    kind: str
    section: str  # the navigation section it belongs to (its tab is marked)
    context: dict[str, Any] = field(default_factory=dict)
    body: str = ""  # Markdown shown as page.content
    source: str = ""  # the file the body comes from (links to .md files are relative to it)
    description: str = ""
    lastmod: dt.date | None = None  # for sitemap.xml: the record's own date
    image: Picture | None = None  # the page's own picture, for og:image
    draft: bool = False
    scheduled: str = ""  # a record waiting for its date, shown by the preview: "预定 3月5日发布"
    listed: bool = True  # in sitemap.xml (pages for staff are not)
    meta: dict[str, Any] = field(default_factory=dict)  # what the theme reads as page.meta (robots, hide)


def _page_url(base: str, number: int) -> str:
    """`stories/` -> `stories/page/2/` for page 2."""
    return base if number == 1 else f"{base}page/{number}/"


def _window(number: int, total: int, base: str) -> tuple[PageLink | None, ...]:
    wanted = sorted({1, total, *range(max(1, number - 2), min(total, number + 2) + 1)})
    links: list[PageLink | None] = []
    previous = 0
    for n in wanted:
        if n - previous > 1:
            links.append(None)
        links.append(PageLink(n, _page_url(base, n), n == number))
        previous = n
    return tuple(links)


def paginate(
    base: str,
    items: Sequence[Any],
    size: int,
    *,
    template: str,
    title: str,
    kind: str,
    section: str,
    page_suffix: str,
    context: dict[str, Any] | None = None,
    first_page: dict[str, Any] | None = None,
    description: str = "",
    body: str = "",
    options: dict[str, Any] | None = None,
    only: Container[str] | None = None,
) -> Iterator[PageSpec]:
    """One spec per page of `items`; page 1 at `base`, page n at `base/page/n/`.

    `first_page` holds what only page 1 shows (a field's projects and people);
    with `only` (page URLs), other pages are skipped.
    """
    total = max(1, math.ceil(len(items) / size))
    for number in range(1, total + 1):
        if only is not None and _page_url(base, number) not in only:
            continue
        pagination = Pagination(
            number=number,
            total=total,
            count=len(items),
            links=_window(number, total, base),
            previous=_page_url(base, number - 1) if number > 1 else None,
            next=_page_url(base, number + 1) if number < total else None,
            first_item=(number - 1) * size + 1,
        )
        page_context = {**(context or {}), **(first_page or {} if number == 1 else {})}
        page_context.update(items=items[(number - 1) * size : number * size], pagination=pagination)
        yield PageSpec(
            _page_url(base, number),
            template,
            title if number == 1 else title + page_suffix.format(n=number),
            kind,
            section,
            page_context,
            body=body if number == 1 else "",
            description=description,
            **(options or {}),
        )


class SiteAddress:
    """Absolute addresses and QR codes of pages, for sharing (site_url may be empty)."""

    def __init__(self, site_url: str, qr: Callable[[str], tuple[int, str]] | None = None) -> None:
        self.site_url = site_url
        self._qr = qr

    def absolute(self, url: str) -> str:
        return urljoin(self.site_url, url) if self.site_url else ""

    def qr(self, url: str) -> tuple[int, str] | None:
        return self._qr(self.absolute(url)) if self.site_url and self._qr else None


class _Mapped(Sequence):
    """`make(item)` for each item, made when a page of a listing asks for it (a slice of a page's length)."""

    def __init__(self, items: Sequence[Any], make: Callable[[Any], Any]) -> None:
        self.items, self.make = items, make

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.make(item) for item in self.items[index]]
        return self.make(self.items[index])


def build_pages(
    catalog: Catalog, views: Views, address: SiteAddress, site_name: str, only: Container[str] | None = None
) -> Iterator[PageSpec]:
    """Every generated page of the site, one spec at a time.

    With `only` (page URLs), pages of other URLs are not made where skipping
    them saves work (a listing whose pages are not all wanted still yields
    them all: the caller filters).
    """
    s = catalog.settings
    t = strings_for(s.language)
    suffix = t["page_suffix"]

    def wants(url: str) -> bool:
        return only is None or url in only

    def listing(*args: Any, **kwargs: Any) -> Iterator[PageSpec]:
        return paginate(*args, **kwargs, only=only)

    def wants_listing(base: str) -> bool:
        return only is None or any(url == base or url.startswith(base + "page/") for url in only)  # type: ignore[union-attr]

    def share(record: Record, title: str, summary: str, kind_key: str, image: str | None) -> dict[str, Any]:
        """What the share tools and the on-device poster show (theme/partials/share.html)."""
        return {
            "title": title,
            "summary": summary,
            "kind": t[kind_key],
            "image": image,
            "url": address.absolute(record.url),
            "qr": address.qr(record.url),
            "site_name": site_name,
        }

    # Home.
    if wants(""):
        yield PageSpec(
            "",
            "home.html",
            t["home"],
            "home",
            "home",
            {
                "slogan": s.slogan,
                "featured": views.story_cards(catalog.featured_stories(3)),
                "latest": views.story_cards(catalog.stories[:6]),
                "honors": [views.honor_line(h) for h in list(catalog.honors.values())[:3]],
                "figures": catalog.figures(),
                "home_figures": [r for r in reported(catalog.reported_figures) if r.series.home],
                "key_dates": catalog.next_key_dates(s.build_date),
                "current_features": [views.feature_card(f) for f in catalog.current_features(s.build_date)],
            },
            description=s.slogan,
        )

    # Stories: all, by year, and one page each.
    years = catalog.story_years()
    if wants_listing("stories/"):
        yield from listing(
            "stories/", _Mapped(catalog.stories, views.story_card), s.page_size, template="stories.html", title=t["stories"],
            kind="stories", section="stories", page_suffix=suffix, context={"years": years, "year": None}, description=t["desc_stories"],
        )  # fmt: skip
    by_year: dict[int, list[Story]] = {}
    for story in catalog.stories:
        by_year.setdefault(story.year, []).append(story)
    for year, stories in by_year.items():
        if wants_listing(f"stories/{year}/"):
            yield from listing(
                f"stories/{year}/", _Mapped(stories, views.story_card), s.page_size, template="stories.html",
                title=t["year_stories"].format(year=year), kind="stories", section="stories", page_suffix=suffix,
                context={"years": years, "year": year},
            )  # fmt: skip
    for story in catalog.stories:
        if wants(story.url):
            yield story_page(catalog, views, story, share)

    # 公众号 copies of the stories, and their list: for staff, linked from the guide, out of the sitemap.
    staff_only = {"listed": False, "meta": {"robots": "noindex", "hide": ["navigation", "toc"]}}
    made: dict[str, Any] = {}

    def wechat_of(story: Story) -> Any:
        wechat = made.get(story.id)
        if wechat is None:
            wechat = made[story.id] = wechat_story(story, catalog.volunteers_in(story), s.language, views.picture, views.portrait)
        return wechat

    for story in catalog.stories:
        if wants(wechat_page_url(story.id)):
            wechat = wechat_of(story)
            yield PageSpec(
                wechat.page_url, "wechat.html", t["wechat_page_title"].format(title=story.title), "wechat", "stories",
                {"wechat": wechat}, body=story.body, source=story.file, draft=story.draft,
                scheduled=catalog.scheduled_note(story), **staff_only,
            )  # fmt: skip
    if wants_listing("wechat/"):
        yield from listing(
            "wechat/", _Mapped(catalog.stories, wechat_of), s.roster_page_size, template="wechat-list.html", title=t["wechat_list"],
            kind="wechat-list", section="stories", page_suffix=suffix, options=staff_only,
        )  # fmt: skip
    made.clear()

    # Volunteers.
    if wants_listing("volunteers/"):
        yield from listing(
            "volunteers/", views.person_cards(catalog.volunteers_for_listing()), s.roster_page_size, template="volunteers.html",
            title=t["volunteers"], kind="volunteers", section="volunteers", page_suffix=suffix, description=t["desc_volunteers"],
        )  # fmt: skip
    for volunteer in catalog.volunteers.values():
        if wants(volunteer.url):
            yield volunteer_page(catalog, views, volunteer, share)

    # Organisations, projects, themes.
    if wants_listing("organizations/"):
        yield from listing(
            "organizations/", [(views.record_card(o), " · ".join(p for p in (o.kind, o.region) if p)) for o in catalog.by_name(catalog.organizations.values())],
            s.roster_page_size, template="organizations.html", title=t["organizations"], kind="organizations", section="organizations", page_suffix=suffix,
        )  # fmt: skip
    for organization in catalog.organizations.values():
        if wants(organization.url):
            yield organization_page(catalog, views, organization)
    if wants_listing("projects/"):
        yield from listing(
            "projects/", [(views.record_card(p), p.slogan) for p in catalog.by_name(catalog.projects.values())],
            s.roster_page_size, template="projects.html", title=t["projects"], kind="projects", section="projects", page_suffix=suffix,
        )  # fmt: skip
    for project in catalog.projects.values():
        if wants(project.url):
            yield project_page(catalog, views, project)
    if wants_listing("themes/"):
        themes = sorted(catalog.themes.values(), key=lambda r: (r.period.start if r.period else None) or dt.date.min, reverse=True)
        yield from listing(
            "themes/", [(views.record_card(th), th.period, th.slogan) for th in themes],
            s.roster_page_size, template="themes.html", title=t["themes"], kind="themes", section="themes", page_suffix=suffix,
        )  # fmt: skip
    for theme in catalog.themes.values():
        if wants(theme.url):
            yield theme_page(catalog, views, theme)

    # Features (专题): newest first, each a long read in its written order.
    if wants_listing("features/"):
        yield from listing(
            "features/", [views.feature_card(f) for f in catalog.features.values()], s.roster_page_size, template="features.html",
            title=t["features"], kind="features", section="features", page_suffix=suffix, description=t["desc_features"],
        )  # fmt: skip
    for feature in catalog.features.values():
        if wants(feature.url):
            yield feature_page(catalog, views, feature)

    # Columns (栏目): an index, and one paginated page per column.
    if wants("columns/"):
        yield PageSpec(
            "columns/", "columns.html", t["columns"], "columns", "stories",
            {"items": [(Link(c.name, c.url), len(catalog.column_stories(c.slug))) for c in catalog.columns]},
        )  # fmt: skip
    for column in catalog.columns:
        if wants_listing(column.url):
            yield from listing(
                column.url, _Mapped(catalog.column_stories(column.slug), views.story_card), s.page_size, template="column.html",
                title=column.name, kind="column", section="stories", page_suffix=suffix, context={"column": Link(column.name, column.url)},
                description=t["desc_column"].format(name=column.name),
            )  # fmt: skip

    # Honours: one index grouped by year and level, one page per list.
    if wants("honors/"):
        yield PageSpec(
            "honors/", "honors.html", t["honors"], "honors", "honors",
            {"years": [(year, [(level, [views.honor_line(h) for h in honors]) for level, honors in levels]) for year, levels in catalog.honors_by_year()]},
            description=t["desc_honors"],
        )  # fmt: skip
    for honor in catalog.honors.values():
        if wants(honor.url):
            yield honor_page(catalog, views, honor)

    # The data page: reported figures and figures derived from the content.
    if wants("data/"):
        yield PageSpec("data/", "data.html", t["data"], "data", "data", data_page(catalog), description=t["desc_data"])

    # Service fields: an index, and one page per field with its stories paginated.
    if wants("fields/"):
        yield PageSpec(
            "fields/", "fields.html", t["fields"], "fields", "fields",
            {"items": [(Link(f.name, f.url), len(catalog.field_stories(f.slug)), len(catalog.field_volunteers(f.slug))) for f in catalog.fields]},
        )  # fmt: skip
    for f in catalog.fields:
        if not wants_listing(f.url):
            continue
        people = catalog.field_volunteers(f.slug)
        yield from listing(
            f.url, _Mapped(catalog.field_stories(f.slug), views.story_card), s.page_size, template="field.html", title=f.name,
            kind="field", section="fields", page_suffix=suffix, context={"field": Link(f.name, f.url)},
            first_page={
                "volunteers": views.person_cards(people[:12]),
                "volunteer_count": len(people),
                "projects": [(views.record_card(p), p.slogan) for p in catalog.field_projects(f.slug)],
                "organizations": views.links(catalog.field_organizations(f.slug)),
            },
            description=t["desc_field"].format(name=f.name),
        )  # fmt: skip


def story_page(catalog: Catalog, views: Views, story: Story, share: Callable[..., dict]) -> PageSpec:
    picture = views.picture(story.cover)
    context = {
        "story": {
            "title": story.title,
            "date": story.date,
            "year": story.year,
            "source": story.source,
            "source_url": story.source_url,
            "author": story.author,
            "editor": story.editor,
            "summary": story.summary,
            "cover": picture,
            "cover_alt": story.cover_alt,
            "tags": tuple(story.tags),
            "region": story.region,
            "characters": catalog.character_count(story),
            "minutes": catalog.reading_minutes(story),
            "fields": views.field_links(story),
        },
        "people": views.person_cards(catalog.volunteers_in(story)),
        "places": [(Link(p.feature.title, p.feature.url), views.link(p.previous), views.link(p.next)) for p in catalog.features_of(story)],
        "column": (lambda c: Link(c.name, c.url) if c else None)(catalog.column_of(story)),
        "organizations": views.links(catalog.organizations_in(story)),
        "project": views.link(catalog.project_of(story)),
        "theme": views.link(catalog.theme_of(story)),
        "newer": views.link(catalog.newer_story(story)),
        "older": views.link(catalog.older_story(story)),
        "related": views.story_cards(catalog.related_stories(story)),
        "share": share(story, story.title, story.summary or "", "stories", picture.poster if picture else None),
        "wechat_url": wechat_page_url(story.id) if catalog.settings.wechat_link else None,
    }
    return PageSpec(
        story.url, "story.html", story.title, "story", "stories", context, body=story.body, source=story.file,
        description=story.summary or "", lastmod=story.date, image=picture, draft=story.draft,
        scheduled=catalog.scheduled_note(story),
    )  # fmt: skip


def volunteer_page(catalog: Catalog, views: Views, v: Volunteer, share: Callable[..., dict]) -> PageSpec:
    card = views.person_card(v)
    t = views.t
    context = {
        "person": card,
        "facts": {
            "region": v.region,
            "unit": v.unit,
            "position": v.position,
            "organization": views.link(catalog.organization_of(v)),
            "hours": v.service_hours if v.service_hours else None,
            "since": v.since,
        },
        "fields": views.field_links(v),
        "quote": v.quote,
        "footprints": [
            (year, [(t["kind_honor"] if kind == "honor" else t["kind_story"], Link(item.display_name, item.url)) for kind, item in entries])
            for year, entries in catalog.timeline_of(v)
        ],
        "share": share(
            v,
            v.name,
            " ".join(p for p in (v.headline or "", f"“{v.quote}”" if v.quote else "") if p),
            "volunteers",
            card.portrait.poster,
        ),
    }
    latest = max([s.date for s in catalog.stories_of(v)] + [e.honor.date for e in catalog.honors_of(v)], default=None)
    return PageSpec(
        v.url, "volunteer.html", v.name, "volunteer", "volunteers", context, body=v.bio, source=v.file,
        description=v.headline or "", lastmod=latest, image=card.portrait if v.photo else None, draft=v.draft,
    )  # fmt: skip


def organization_page(catalog: Catalog, views: Views, o: Organization) -> PageSpec:
    context = {
        "record": {
            "name": o.name,
            "summary": o.summary,
            "logo": views.picture(o.logo),
            "logo_alt": o.logo_alt or o.name,
            "kind": o.kind,
            "region": o.region,
            "founded": o.founded,
            "members": o.members,
            "phone": o.phone,
        },
        "fields": views.field_links(o),
        "projects_by_year": [
            (year, [(views.record_card(p), p.slogan) for p in projects]) for year, projects in catalog.projects_by_start_year(o)
        ],
        "people": views.person_cards(catalog.volunteers_of(o)),
        "honors": views.honor_mentions(catalog.honors_of(o)),
        "stories": views.story_cards(catalog.stories_of(o)),
    }
    picture = views.picture(o.logo)
    return PageSpec(
        o.url, "organization.html", o.name, "organization", "organizations", context, body=o.body, source=o.file,
        description=o.summary or "", image=picture, draft=o.draft,
    )  # fmt: skip


def project_page(catalog: Catalog, views: Views, p: Project) -> PageSpec:
    picture = views.picture(p.cover)
    metrics = p.metrics.model_dump() if p.metrics else {}
    context = {
        "record": {
            "name": p.name,
            "slogan": p.slogan,
            "cover": picture,
            "cover_alt": p.cover_alt or p.name,
            "summary": p.summary,
            "organization": views.link(catalog.organization_of(p)),
            "status": in_language(p.status, catalog.settings.language),
            "started": p.started,
            "region": p.region,
            "beneficiaries": tuple(p.beneficiaries),
            "metrics": [
                (key, metrics.get(key)) for key in ("volunteers", "hours", "beneficiaries", "activities") if metrics.get(key) is not None
            ],
        },
        "fields": views.field_links(p),
        "themes": views.links(catalog.themes_of(p)),
        "honors": views.honor_mentions(catalog.honors_of(p)),
        "stories": views.story_cards(catalog.stories_of(p)),
    }
    return PageSpec(
        p.url, "project.html", p.name, "project", "projects", context, body=p.body, source=p.file,
        description=p.summary or "", image=picture, draft=p.draft,
    )  # fmt: skip


def theme_page(catalog: Catalog, views: Views, th: Theme) -> PageSpec:
    picture = views.picture(th.cover)
    context = {
        "record": {
            "name": th.name,
            "slogan": th.slogan,
            "cover": picture,
            "cover_alt": th.cover_alt or th.name,
            "summary": th.summary,
            "period": th.period,
            "organizers": [(o.name, o.record.url if o.record else None) for o in catalog.organizers_of(th)],
            "phases": tuple(th.phases),
            "activities": tuple(th.activities),
        },
        "projects": [(views.record_card(p), p.slogan) for p in catalog.projects_of(th)],
        "stories": views.story_cards(catalog.stories_of(th)),
    }
    return PageSpec(
        th.url, "theme.html", th.name, "theme", "themes", context, body=th.body, source=th.file,
        description=th.summary or "", image=picture, draft=th.draft,
    )  # fmt: skip


def honor_page(catalog: Catalog, views: Views, h: Honor) -> PageSpec:
    context = {
        "record": {
            "title": h.title,
            "level": h.level,
            "awarded_by": h.awarded_by,
            "date": h.date,
            "document": h.document,
            "summary": h.summary,
            "pdf": f"share/honors/{h.id}.pdf",
        },
        "categories": views.roll(h),
    }
    return PageSpec(
        h.url, "honor.html", h.title, "honor", "honors", context, body=h.body, source=h.file,
        description=h.summary or "", lastmod=h.date, draft=h.draft, scheduled=catalog.scheduled_note(h),
    )  # fmt: skip


def feature_page(catalog: Catalog, views: Views, f: Feature) -> PageSpec:
    picture = views.picture(f.banner)
    context = {
        "record": {
            "title": f.title,
            "subtitle": f.subtitle,
            "banner": picture,
            "banner_alt": f.banner_alt or f.title,
            "period": f.period,
            "organizer": f.organizer,
            "story_count": catalog.feature_story_count(f),
            "closing": f.closing,
        },
        "sections": [(s.heading, s.text, views.story_cards(s.stories), s.after) for s in catalog.feature_sections(f)],
    }
    return PageSpec(
        f.url, "feature.html", f.title, "feature", "features", context, body=f.intro, source=f.file,
        description=f.subtitle or "", lastmod=f.period.start if f.period else None, image=picture, draft=f.draft,
    )  # fmt: skip


def _point_label(day: dt.date, t: Any) -> str:
    """A reported value's label: the year for a year-end figure, else year and month."""
    return f"{day.year}{t['year_suffix']}" if (day.month, day.day) == (12, 31) else f"{day.year}.{day.month}"


def data_page(catalog: Catalog) -> dict[str, Any]:
    """Big numbers and charts for the data page."""
    t = strings_for(catalog.settings.language)
    reported_figures = reported(catalog.reported_figures)

    def chart(maker: Any, key: str, title: str, points: list[tuple[str, float]], unit: str = "") -> Any:
        return maker(key, title, points, unit, summary=t["chart_summary"], empty=t["chart_empty"], myriad=t["ten_thousand"])

    reported_charts = [
        chart(
            column_chart,
            f"reported-{i}",
            f"{r.series.name}（{r.series.unit}）" if r.series.unit and r.series.unit not in ("%", "‰") else r.series.name,
            [(_point_label(v.date, t), v.value) for v in sorted(r.series.values, key=lambda v: v.date)],
            r.series.unit,
        )
        for i, r in enumerate(reported_figures)
        if len(r.series.values) > 1
    ]
    stars = catalog.star_distribution()
    star_points = [(t["no_star_level"], stars[0])] + [(t[f"star_{level}"], stars[level]) for level in range(1, 6)]
    derived = [
        chart(bar_chart, "stars", t["chart_stars"], star_points),
        chart(column_chart, "stories-per-month", t["chart_stories_per_month"], catalog.stories_per_month()),
        chart(bar_chart, "projects-per-field", t["chart_projects_per_field"], catalog.projects_per_field()),
        chart(
            column_chart,
            "honored-per-year",
            t["chart_honored_per_year"],
            [(f"{year}{t['year_suffix']}", count) for year, count in catalog.honored_people_per_year()],
        ),
    ]
    return {
        "reported": reported_figures,
        "charts": reported_charts + [c for c in derived if c.bars],
        "figures": catalog.figures(),
        "honor_levels": tuple(catalog.settings.honor_levels),
        "honor_table": catalog.honors_per_year_and_level(),
    }
