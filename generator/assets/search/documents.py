"""Search documents: what is searchable, one per published record, with weights.

Only records are indexed (stories, volunteers, organisations, projects,
themes, honour lists, features). Listing pages, the navigation and the footer
repeat what the records say, so indexing them would only add duplicates and
noise. A document is plain data made from the catalog: the index never asks
the catalog anything else, so a document's content decides its part of the index.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ...content.models import Feature, Honor, Organization, Project, Record, Story, Theme, Volunteer
from ...site.catalog import Catalog
from ...text.i18n import in_language

TITLE, LEAD, FACTS, BODY = 8, 3, 2, 1

# Record types in the order documents are numbered. Stories come last and
# oldest first, so that a new story takes the next number and leaves every
# other document's number (and so the shards) as they were. On equal scores
# the reader ranks profiles first, in number order, then stories newest first.
KINDS: tuple[str, ...] = ("volunteer", "organization", "project", "theme", "honor", "feature", "story")

# Longest snippet source kept per document (characters).
TEXT_LIMIT = 3000


@dataclass(frozen=True)
class SearchDocument:
    kind: str
    url: str
    title: str
    meta: str  # one line under the title: date, place, unit...
    year: int | None
    fields: tuple[str, ...]  # service field slugs
    parts: tuple[tuple[int, str], ...]  # (weight, text) to index
    text: str  # plain text the browser cuts snippets from: lead, body, then facts

    def digest(self) -> bytes:
        """A stable hash of everything in the document: its key in the index cache."""
        digest = hashlib.sha256()
        for piece in (self.kind, self.url, self.title, self.meta, str(self.year), "\x1f".join(self.fields), self.text):
            digest.update(b"%d:" % len(piece))
            digest.update(piece.encode("utf-8"))
        for weight, text in self.parts:
            digest.update(b"%d:%d:" % (weight, len(text)))
            digest.update(text.encode("utf-8"))
        return digest.digest()[:16]


_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_LINE_MARK = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)", re.MULTILINE)
# The lookahead lets the regex engine skip to the next candidate character (3x faster on Chinese text).
_INLINE_MARK = re.compile(r"(?=[*`_{])(?:[*`]+|(?<!\w)_+|_+(?!\w)|\{[:#.][^}]*\})")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}.*$", re.MULTILINE)


class _Remembered:
    """plain_text's results of the last build in this process (mkdocs serve), by Markdown.

    Each build keeps only what it used, so Markdown that changed is let go one build later.
    """

    last: dict[str, str] = {}
    this: dict[str, str] = {}

    @classmethod
    def next_build(cls) -> None:
        cls.last, cls.this = cls.this, {}


def plain_text(markdown: str) -> str:
    """Markdown -> the words a reader sees, on one line."""
    markdown = markdown or ""
    text = _Remembered.this.get(markdown)
    if text is None:
        text = _Remembered.last.pop(markdown, None)
        if text is None:
            text = _plain_text(markdown)
        _Remembered.this[markdown] = text
    return text


def _plain_text(markdown: str) -> str:
    # Each pass only where its mark occurs: most story text has none of them.
    text = markdown
    if "[" in text:
        text = _LINK.sub(r"\1", _IMAGE.sub(" ", text))
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "---" in text:
        text = _TABLE_RULE.sub(" ", text)
    text = _LINE_MARK.sub("", text)
    text = _INLINE_MARK.sub("", text).replace("|", " ")
    return " ".join(text.split())  # str.split and re's \s agree on what is white space


def _join(*values: object) -> str:
    return " ".join(str(v) for v in values if v not in (None, "", [], ()))


def _cut(text: str) -> str:
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT] + "…"


def _doc(
    catalog: Catalog, record: Record, *, meta: str, year: int | None, lead: str, facts: str, body: str, snippet: str
) -> SearchDocument:
    return SearchDocument(
        kind=record.record_type,
        url=record.url,
        title=record.display_name,
        meta=meta,
        year=year,
        fields=tuple(catalog.field_slugs(record)),
        parts=tuple((w, t) for w, t in ((TITLE, record.display_name), (LEAD, lead), (FACTS, facts), (BODY, body)) if t),
        # The facts go last, so that a match there (a field, a place) shows in the snippet too.
        text=" · ".join(t for t in (_cut(snippet), facts) if t),
    )


def _field_names(catalog: Catalog, record: Record) -> str:
    return _join(*(f.name for f in catalog.fields_of(record)))


def _volunteer(catalog: Catalog, v: Volunteer) -> SearchDocument:
    org = catalog.organization_of(v)
    star = catalog.star_name(v)
    bio = plain_text(v.bio)
    return _doc(
        catalog,
        v,
        meta=" · ".join(x for x in (_join(v.unit, v.position), v.region) if x),
        year=None,
        lead=_join(v.headline, v.quote),
        facts=_join(v.region, v.unit, v.position, org.name if org else None, _field_names(catalog, v), star),
        body=bio,
        snippet=_join(v.headline, v.quote, bio),
    )


def _organization(catalog: Catalog, o: Organization) -> SearchDocument:
    body = plain_text(o.body)
    return _doc(
        catalog,
        o,
        meta=" · ".join(x for x in (o.kind, o.region) if x),
        year=None,
        lead=o.summary or "",
        facts=_join(o.kind, o.region, _field_names(catalog, o)),
        body=body,
        snippet=_join(o.summary, body),
    )


def _project(catalog: Catalog, p: Project) -> SearchDocument:
    org = catalog.organization_of(p)
    body = plain_text(p.body)
    return _doc(
        catalog,
        p,
        meta=" · ".join(x for x in (org.name if org else "", in_language(p.status, catalog.settings.language)) if x),
        year=None,
        lead=_join(p.slogan, p.summary),
        facts=_join(org.name if org else None, p.region, _field_names(catalog, p), *p.beneficiaries),
        body=body,
        snippet=_join(p.slogan, p.summary, body),
    )


def _theme(catalog: Catalog, t: Theme) -> SearchDocument:
    phases = [_join(ph.name, ph.summary, *ph.items) for ph in t.phases]
    activities = [_join(a.name, a.summary) for a in t.activities]
    body = _join(plain_text(t.body), *phases, *activities)
    start = t.period.start if t.period else None
    return _doc(
        catalog,
        t,
        meta=f"{start.year}年{start.month}月{start.day}日起" if start else "",
        year=start.year if start else None,
        lead=_join(t.slogan, t.summary),
        facts=_join(*(o.name for o in catalog.organizers_of(t)), *(p.name for p in catalog.projects_of(t))),
        body=body,
        snippet=_join(t.slogan, t.summary, body),
    )


def _honor(catalog: Catalog, h: Honor) -> SearchDocument:
    lines = []
    for category in catalog.honor_categories(h):
        names = [_join(e.name, e.unit, e.position, e.recipient.deed) for e in category.entries]
        lines.append(_join(category.name, category.summary, *names))
    body = _join(plain_text(h.body), *lines)
    return _doc(
        catalog,
        h,
        meta=" · ".join(x for x in (h.level, f"{h.date.year}年{h.date.month}月{h.date.day}日", h.awarded_by) if x),
        year=h.date.year,
        lead=h.summary or "",
        facts=_join(h.level, h.awarded_by, h.document),
        body=body,
        snippet=_join(h.summary, body),
    )


def _feature(catalog: Catalog, f: Feature) -> SearchDocument:
    sections = [_join(sec.heading, plain_text(sec.text or ""), plain_text(sec.after or "")) for sec in f.sections]
    body = _join(plain_text(f.intro), *sections, plain_text(f.closing or ""))
    start = f.period.start if f.period else None
    return _doc(
        catalog,
        f,
        meta=" · ".join(x for x in (f.organizer or "", f"{start.year}年{start.month}月" if start else "") if x),
        year=start.year if start else None,
        lead=f.subtitle or "",
        facts=f.organizer or "",
        body=body,
        snippet=_join(f.subtitle, body),
    )


def _story(catalog: Catalog, s: Story) -> SearchDocument:
    people = [v.name for v in catalog.volunteers_in(s)]
    orgs = [o.name for o in catalog.organizations_in(s)]
    project, theme = catalog.project_of(s), catalog.theme_of(s)
    body = plain_text(s.body)
    return _doc(
        catalog,
        s,
        meta=" · ".join(x for x in (f"{s.date.year}年{s.date.month}月{s.date.day}日", s.source or "") if x),
        year=s.date.year,
        lead=s.summary or "",
        facts=_join(
            *people,
            *orgs,
            project.name if project else None,
            theme.name if theme else None,
            s.region,
            _field_names(catalog, s),
            *s.tags,
            s.author,
            s.source,
        ),
        body=body,
        snippet=_join(s.summary, body),
    )


def iter_documents(catalog: Catalog) -> Iterator[SearchDocument]:
    """Every published record as a search document, in numbering order (stories last, oldest first)."""
    _Remembered.next_build()
    yield from (_volunteer(catalog, v) for v in catalog.volunteers.values())
    yield from (_organization(catalog, o) for o in catalog.organizations.values())
    yield from (_project(catalog, p) for p in catalog.projects.values())
    yield from (_theme(catalog, t) for t in catalog.themes.values())
    yield from (_honor(catalog, h) for h in catalog.honors.values())
    yield from (_feature(catalog, f) for f in catalog.features.values())
    yield from (_story(catalog, s) for s in reversed(catalog.stories))  # the catalog lists them newest first


def search_documents(catalog: Catalog) -> list[SearchDocument]:
    """All of iter_documents at once (tests and measurements; the build reads them one by one)."""
    return list(iter_documents(catalog))
