"""What templates show, as plain data: cards, links and pictures made from the catalog.

Templates never ask the catalog anything. Every page's context is built here
and in `pages.py` from small frozen values (`Link`, `StoryCard`,
`PersonCard`...), so that a page's inputs are exactly its context: the
renderer hashes the context and skips a page whose inputs did not change.

Each card is made once per build and shared by every page that shows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..assets.images import ImageSet, Variant
from ..assets.media import site_path_for
from ..content.models import Feature, Honor, Organization, Project, Record, Story, Theme, Volunteer
from .catalog import Catalog, HonorEntry

# The picture band of a share poster (theme/assets/poster.js) is this many pixels wide.


@dataclass(frozen=True)
class Picture:
    """A published image: the fallback `src` (JPEG/PNG), its natural size, WebP widths (none for avatars)."""

    src: str
    width: int | None = None
    height: int | None = None
    variants: tuple[Variant, ...] = ()
    src_width: int | None = None  # of the fallback, when it is narrower than the image

    @property
    def largest(self) -> str:
        """The picture for Open Graph previews and posters: the fallback, which every viewer decodes."""
        return self.src

    @property
    def largest_size(self) -> tuple[int, int] | None:
        """Width and height of `largest` in pixels, when known (og:image:width/height)."""
        if not (self.width and self.height):
            return None
        width = self.src_width or self.width
        return width, max(1, round(self.height * width / self.width))

    @property
    def poster(self) -> str:
        """What a share poster draws (750 px wide): the fallback, 800 px wide for photos."""
        return self.src


@dataclass(frozen=True)
class Link:
    """A name and the site URL it leads to (site-relative, `stories/2025/x/`)."""

    title: str
    url: str


@dataclass(frozen=True)
class StoryCard:
    title: str
    url: str
    date: dt.date
    source: str | None
    summary: str | None
    cover: Picture | None
    cover_alt: str


@dataclass(frozen=True)
class PersonCard:
    name: str
    url: str
    stars: int
    star_label: str
    headline: str | None
    portrait: Picture
    portrait_alt: str


@dataclass(frozen=True)
class RecordCard:
    """An organisation, project or theme in a grid: name, one line, summary, picture."""

    title: str
    url: str
    summary: str | None
    image: Picture | None
    image_alt: str


@dataclass(frozen=True)
class FeatureCard:
    title: str
    url: str
    start: dt.date | None
    story_count: int
    subtitle: str | None
    banner: Picture | None
    banner_alt: str


@dataclass(frozen=True)
class HonorLine:
    """An honour list in a listing: title, date, level, awarding body, how many are named."""

    title: str
    url: str
    date: dt.date
    level: str
    awarded_by: str | None
    size: int


@dataclass(frozen=True)
class HonorMention:
    """A record's place in an honour list (profiles, organisations, projects)."""

    title: str
    url: str
    date: dt.date
    category: str


@dataclass(frozen=True)
class RollEntry:
    name: str
    url: str | None
    place: str
    deed: str | None


@dataclass(frozen=True)
class RollCategory:
    name: str
    summary: str | None
    note: str
    entries: tuple[RollEntry, ...]


class Views:
    """Cards and links for one build: each made once, from the catalog and the published images."""

    def __init__(self, catalog: Catalog, images: Mapping[str, ImageSet], strings: Mapping[str, str]) -> None:
        self.catalog = catalog
        self.images = images
        self.t = strings
        self._story_cards: dict[str, StoryCard] = {}
        self._person_cards: dict[str, PersonCard] = {}
        self._pictures: dict[str, Picture | None] = {}

    # --- pictures -----------------------------------------------------------

    def picture(self, path: str | None) -> Picture | None:
        """The published image for a content media path (`media/...`)."""
        if not path:
            return None
        if path not in self._pictures:
            image = self.images.get(path)
            if image is None:
                self._pictures[path] = Picture(site_path_for(path))
            else:
                self._pictures[path] = Picture(image.fallback, image.width, image.height, image.variants, image.fallback_width)
        return self._pictures[path]

    def portrait(self, volunteer: Volunteer) -> Picture:
        """A volunteer's photo, or the generated surname avatar (256×256)."""
        return self.picture(volunteer.photo) or Picture(f"media/avatars/{volunteer.id}.png", 256, 256)

    def portrait_alt(self, volunteer: Volunteer) -> str:
        if volunteer.photo:
            return volunteer.photo_alt or self.t["photo_alt"].format(name=volunteer.name)
        return self.t["avatar_alt"].format(name=volunteer.name)

    # --- links --------------------------------------------------------------

    @staticmethod
    def link(record: Record | None) -> Link | None:
        return Link(record.display_name, record.url) if record is not None else None

    def links(self, records: Iterable[Record]) -> list[Link]:
        return [Link(r.display_name, r.url) for r in records]

    def field_links(self, record: Record) -> list[Link]:
        return [Link(f.name, f.url) for f in self.catalog.fields_of(record)]

    # --- cards --------------------------------------------------------------

    def story_card(self, story: Story) -> StoryCard:
        card = self._story_cards.get(story.id)
        if card is None:
            card = StoryCard(
                story.title,
                story.url,
                story.date,
                story.source,
                story.summary,
                self.picture(story.cover),
                story.cover_alt or story.title,
            )
            self._story_cards[story.id] = card
        return card

    def story_cards(self, stories: Iterable[Story]) -> list[StoryCard]:
        return [self.story_card(s) for s in stories]

    def star_label(self, level: int) -> str:
        return self.t["star_volunteer"].format(star=self.t[f"star_{level}"]) if level else ""

    def person_card(self, volunteer: Volunteer) -> PersonCard:
        card = self._person_cards.get(volunteer.id)
        if card is None:
            level = self.catalog.star_level(volunteer)
            card = PersonCard(
                volunteer.name,
                volunteer.url,
                level,
                self.star_label(level),
                volunteer.headline,
                self.portrait(volunteer),
                self.portrait_alt(volunteer),
            )
            self._person_cards[volunteer.id] = card
        return card

    def person_cards(self, volunteers: Iterable[Volunteer]) -> list[PersonCard]:
        return [self.person_card(v) for v in volunteers]

    def record_card(self, record: Organization | Project | Theme) -> RecordCard:
        image = getattr(record, "cover", None) or getattr(record, "logo", None)
        alt = getattr(record, "cover_alt", None) or getattr(record, "logo_alt", None) or record.display_name
        return RecordCard(record.display_name, record.url, record.summary, self.picture(image), alt)

    def feature_card(self, feature: Feature) -> FeatureCard:
        return FeatureCard(
            feature.title,
            feature.url,
            feature.period.start if feature.period else None,
            self.catalog.feature_story_count(feature),
            feature.subtitle,
            self.picture(feature.banner),
            feature.banner_alt or feature.title,
        )

    def honor_line(self, honor: Honor) -> HonorLine:
        return HonorLine(honor.title, honor.url, honor.date, honor.level, honor.awarded_by, self.catalog.honor_size(honor))

    def honor_mentions(self, entries: Iterable[HonorEntry]) -> list[HonorMention]:
        return [HonorMention(e.honor.title, e.honor.url, e.honor.date, e.category) for e in entries]

    def roll(self, honor: Honor) -> list[RollCategory]:
        """An honour list's categories and entries, in the list's order (the catalog sorted them)."""
        note = {"拼音": self.t["order_note_pinyin"], "姓氏笔画": self.t["order_note_strokes"]}.get(honor.order, "")
        return [
            RollCategory(
                category.name,
                category.summary,
                self.t["recipient_count"].format(n=len(category.entries)) + note,
                tuple(
                    RollEntry(
                        e.name,
                        e.record.url if e.record is not None else None,
                        " ".join(part for part in (e.region, e.unit, e.position) if part),
                        e.recipient.deed,
                    )
                    for e in category.entries
                ),
            )
            for category in self.catalog.honor_categories(honor)
        ]
