"""Step 4, pages: a pure function from the catalog to page specs.

Each spec names the page's source URI (MkDocs turns `stories/2025/x.md` into
`/stories/2025/x/`), the template that renders it, its title and what the
template needs. Listings are paginated with a windowed pager, so that no page
grows with the size of the site.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..assets.charts import bar_chart, column_chart
from ..commands.reference import TITLE as REFERENCE_TITLE
from ..commands.reference import field_reference_markdown
from ..content.models import Record, Story
from ..text.i18n import strings_for
from .catalog import Catalog, ServiceField
from .figures import reported
from .wechat import wechat_page_uri, wechat_page_url, wechat_story

REFERENCE_URI = "guide/fields.md"
# Front matter of the 公众号 pages (staff tools): no search engine, no sitemap entry, no nav or toc.
WECHAT_META = "---\nrobots: noindex\nhide: [navigation, toc]\n---\n\n"

# The section pages that the default navigation holds, in order.
# (UI string key for the title, source URI)
SECTIONS: list[tuple[str, str]] = [
    ("home", "index.md"),
    ("stories", "stories/index.md"),
    ("volunteers", "volunteers/index.md"),
    ("organizations", "organizations/index.md"),
    ("projects", "projects/index.md"),
    ("themes", "themes/index.md"),
    ("features", "features/index.md"),
    ("honors", "honors/index.md"),
    ("fields", "fields/index.md"),
    ("data", "data/index.md"),
]


def uri_to_url(src_uri: str) -> str:
    """The directory URL MkDocs gives a source URI (use_directory_urls)."""
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
    src_uri: str
    template: str
    title: str
    kind: str
    markdown: str = ""
    record: Record | None = None
    items: Sequence[Any] = ()
    pagination: Pagination | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    description: str = ""

    @property
    def url(self) -> str:
        return uri_to_url(self.src_uri)


def _page_uri(base: str, number: int) -> str:
    """`stories/index.md` -> `stories/page/2.md` for page 2."""
    if number == 1:
        return base
    folder = base[: -len("index.md")] if base.endswith("index.md") else base[: -len(".md")] + "/"
    return f"{folder}page/{number}.md"


def _window(number: int, total: int, base: str) -> tuple[PageLink | None, ...]:
    wanted = sorted({1, total, *range(max(1, number - 2), min(total, number + 2) + 1)})
    links: list[PageLink | None] = []
    previous = 0
    for n in wanted:
        if n - previous > 1:
            links.append(None)
        links.append(PageLink(n, uri_to_url(_page_uri(base, n)), n == number))
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
    extra: dict[str, Any] | None = None,
    description: str = "",
    record: Record | None = None,
    markdown: str = "",
    page_suffix: str = "（第 {n} 页）",
) -> list[PageSpec]:
    """One spec per page of `items`; page 1 at `base`, page n at `…/page/n/`."""
    total = max(1, math.ceil(len(items) / size))
    specs = []
    for number in range(1, total + 1):
        chunk = items[(number - 1) * size : number * size]
        pagination = Pagination(
            number=number,
            total=total,
            count=len(items),
            links=_window(number, total, base),
            previous=uri_to_url(_page_uri(base, number - 1)) if number > 1 else None,
            next=uri_to_url(_page_uri(base, number + 1)) if number < total else None,
            first_item=(number - 1) * size + 1,
        )
        page_title = title if number == 1 else title + page_suffix.format(n=number)
        specs.append(
            PageSpec(
                _page_uri(base, number),
                template,
                page_title,
                kind,
                markdown=markdown if number == 1 else "",
                record=record,
                items=chunk,
                pagination=pagination,
                extra=dict(extra or {}),
                description=description,
            )
        )
    return specs


def story_uri(story: Story) -> str:
    return f"stories/{story.year}/{story.id}.md"


def record_uri(record: Record) -> str:
    if isinstance(record, Story):
        return story_uri(record)
    return f"{record.folder}/{record.id}.md"


def build_pages(catalog: Catalog) -> list[PageSpec]:
    """Every generated page of the site."""
    s = catalog.settings
    t = strings_for(s.language)
    more = {"page_suffix": t["page_suffix"]}
    pages: list[PageSpec] = [
        PageSpec(
            "index.md",
            "home.html",
            t["home"],
            "home",
            description=s.slogan,
            extra={
                "featured": catalog.featured_stories(3),
                "latest": list(catalog.stories[:6]),
                "honors": list(catalog.honors.values())[:3],
                "figures": catalog.figures(),
                "home_figures": [r for r in reported(catalog.reported_figures) if r.series.home],
                "key_dates": catalog.next_key_dates(s.build_date),
                "current_features": catalog.current_features(s.build_date),
            },
        )
    ]

    # Stories: all, by year, and one page each.
    years = catalog.story_years()
    pages += paginate(
        "stories/index.md",
        catalog.stories,
        s.page_size,
        template="stories.html",
        title=t["stories"],
        kind="stories",
        extra={"years": years, "year": None},
        description=t["desc_stories"],
        **more,
    )
    by_year: dict[int, list[Story]] = {}
    for story in catalog.stories:
        by_year.setdefault(story.year, []).append(story)
    for year, stories in by_year.items():
        pages += paginate(
            f"stories/{year}/index.md",
            stories,
            s.page_size,
            template="stories.html",
            title=t["year_stories"].format(year=year),
            kind="stories",
            extra={"years": years, "year": year},
            **more,
        )
    for story in catalog.stories:
        pages.append(
            PageSpec(
                story_uri(story),
                "story.html",
                story.title,
                "story",
                markdown=story.body,
                record=story,
                description=story.summary or "",
                extra={"wechat_url": wechat_page_url(story.id)} if s.wechat_link else {},
            )
        )

    # 公众号 copies of the stories, and their list (for staff: linked from the guide).
    wechat_stories = [wechat_story(story, catalog.volunteers_in(story), s.language) for story in catalog.stories]
    for story, wechat in zip(catalog.stories, wechat_stories, strict=True):
        title = t["wechat_page_title"].format(title=story.title)
        pages.append(
            PageSpec(wechat_page_uri(story.id), "wechat.html", title, "wechat", markdown=WECHAT_META + story.body, extra={"wechat": wechat})
        )
    wechat_list = paginate(
        "wechat/index.md",
        wechat_stories,
        s.roster_page_size,
        template="wechat-list.html",
        title=t["wechat_list"],
        kind="wechat-list",
        **more,
    )
    pages += [dataclasses.replace(spec, markdown=WECHAT_META) for spec in wechat_list]

    # Volunteers.
    pages += paginate(
        "volunteers/index.md",
        catalog.volunteers_for_listing(),
        s.roster_page_size,
        template="volunteers.html",
        title=t["volunteers"],
        kind="volunteers",
        description=t["desc_volunteers"],
        **more,
    )
    for v in catalog.volunteers.values():
        pages.append(PageSpec(record_uri(v), "volunteer.html", v.name, "volunteer", markdown=v.bio, record=v, description=v.headline or ""))

    # Organisations, projects, themes.
    for folder, title, listing, detail, records, kind in (
        ("organizations", t["organizations"], "organizations.html", "organization.html", catalog.organizations, "organization"),
        ("projects", t["projects"], "projects.html", "project.html", catalog.projects, "project"),
        ("themes", t["themes"], "themes.html", "theme.html", catalog.themes, "theme"),
    ):
        ordered = (
            catalog.by_name(records.values())
            if kind != "theme"
            else sorted(records.values(), key=lambda r: (r.period.start if r.period else None) or dt.date.min, reverse=True)
        )
        pages += paginate(f"{folder}/index.md", ordered, s.roster_page_size, template=listing, title=title, kind=f"{kind}s", **more)
        for record in records.values():
            pages.append(
                PageSpec(
                    record_uri(record),
                    detail,
                    record.display_name,
                    kind,
                    markdown=record.body,
                    record=record,
                    description=record.summary or "",
                )
            )  # type: ignore[attr-defined]

    # Features (专题): newest first, each a long read in its written order.
    pages += paginate(
        "features/index.md",
        list(catalog.features.values()),
        s.roster_page_size,
        template="features.html",
        title=t["features"],
        kind="features",
        description=t["desc_features"],
        **more,
    )
    for feature in catalog.features.values():
        pages.append(
            PageSpec(
                record_uri(feature),
                "feature.html",
                feature.title,
                "feature",
                markdown=feature.intro,
                record=feature,
                description=feature.subtitle or "",
            )
        )

    # Columns (栏目): an index, and one paginated page per column.
    pages.append(PageSpec("columns/index.md", "columns.html", t["columns"], "columns", items=catalog.columns))
    for column in catalog.columns:
        pages += paginate(
            f"columns/{column.slug}.md",
            catalog.column_stories(column.slug),
            s.page_size,
            template="column.html",
            title=column.name,
            kind="column",
            extra={"column": column},
            description=t["desc_column"].format(name=column.name),
            **more,
        )

    # Honours: one index grouped by year and level, one page per list.
    pages.append(
        PageSpec(
            "honors/index.md", "honors.html", t["honors"], "honors", extra={"years": catalog.honors_by_year()}, description=t["desc_honors"]
        )
    )
    for honor in catalog.honors.values():
        pages.append(
            PageSpec(
                record_uri(honor), "honor.html", honor.title, "honor", markdown=honor.body, record=honor, description=honor.summary or ""
            )
        )

    # The data page: reported figures and figures derived from the content.
    pages.append(PageSpec("data/index.md", "data.html", t["data"], "data", extra=data_page(catalog), description=t["desc_data"]))

    # The staff guide's field reference, derived from the models.
    pages.append(PageSpec(REFERENCE_URI, "main.html", REFERENCE_TITLE, "reference", markdown=field_reference_markdown(s)))

    # Service fields: an index, and one page per field with its stories paginated.
    pages.append(PageSpec("fields/index.md", "fields.html", t["fields"], "fields", items=catalog.fields))
    for f in catalog.fields:
        pages += _field_pages(catalog, f)
    return pages


def _point_label(day: dt.date, t: Any) -> str:
    """A reported value's label: the year for a year-end figure, else year and month."""
    return f"{day.year}{t['year_suffix']}" if (day.month, day.day) == (12, 31) else f"{day.year}.{day.month}"


def data_page(catalog: Catalog) -> dict[str, Any]:
    """Big numbers and charts for the data page."""
    t = strings_for(catalog.settings.language)
    reported_figures = reported(catalog.reported_figures)

    def chart(maker: Any, key: str, title: str, points: list[tuple[str, float]], unit: str = "") -> Any:
        return maker(key, title, points, unit, summary=t["chart_summary"], empty=t["chart_empty"])

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
        "honor_table": catalog.honors_per_year_and_level(),
    }


def _field_pages(catalog: Catalog, f: ServiceField) -> list[PageSpec]:
    extra = {
        "field": f,
        "volunteers": catalog.field_volunteers(f.slug)[:12],
        "volunteer_count": len(catalog.field_volunteers(f.slug)),
        "projects": catalog.field_projects(f.slug),
        "organizations": catalog.field_organizations(f.slug),
    }
    t = strings_for(catalog.settings.language)
    return paginate(
        f"fields/{f.slug}.md",
        catalog.field_stories(f.slug),
        catalog.settings.page_size,
        template="field.html",
        title=f.name,
        kind="field",
        extra=extra,
        description=t["desc_field"].format(name=f.name),
        page_suffix=t["page_suffix"],
    )
