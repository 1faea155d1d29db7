"""`mkdocs serve`'s memory of its last build: every page's key, and which pages show which story.

An editor saves one story at a time, and most saves change only what the
story shows: its title, text, lead, byline, cover or tags. None of those
decides which pages exist, what a listing holds or in which order (the
catalog sorts stories by date and groups them by volunteer, organisation,
project, theme, field and column), so after such a save the site has the
same pages as before, and only the pages that show that story can differ.

Those pages are found without listing them by hand: every page that shows
a story carries the story's address in its inputs (a card, a link, a
neighbour, a related story, a link in another body, the 公众号 copy), and the
renderer pickles every page's inputs to hash them anyway. Scanning those
bytes for story addresses gives, for each story, the pages that show it.

A save that changes anything else (a new, removed or renamed record, a date,
a draft flag, a volunteer, an organisation, a photo's derivatives, settings,
templates) makes every page spec again, as a build without this memory does.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..content.models import ID_RE, Record, Story

# What a story's page, cards and links show and nothing sorts, groups or
# selects by. A change to any other field (including fields added later)
# makes every page spec again.
# (A body's pictures and links are inputs of its own pages only; its new
# pictures change the image plan, which every page spec is made again for.)
SHOWN_ONLY = frozenset({"title", "summary", "body", "cover", "cover_alt", "region", "author", "source", "source_url", "editor", "tags"})

# A story's address inside pickled page inputs (ids are [a-z0-9-], so one match never runs into the next).
STORY_ADDRESS = re.compile(rb"stories/[0-9]{4}/[a-z0-9]+(?:-[a-z0-9]+)*/")


def mentions(data: bytes) -> set[bytes]:
    """The story addresses in a page's pickled inputs."""
    return set(STORY_ADDRESS.findall(data))


def shown_only_change(old: Record, new: Record) -> bool:
    """True when a story changed only in what it shows (or not at all)."""
    if type(old) is not Story or type(new) is not Story or old.file != new.file or old.id != new.id:
        return False
    return all(getattr(old, name) == getattr(new, name) for name in type(new).model_fields if name not in SHOWN_ONLY)


@dataclass
class PageMemo:
    """The last build's pages: kept by the engine adapter across `mkdocs serve` rebuilds."""

    signature: tuple = ()
    records: dict[tuple[str, str], Record] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # page URL -> page key, in the order pages were made
    shown_on: dict[bytes, set[str]] = field(default_factory=dict)  # story address -> URLs of the pages that show it
    listed: list[Any] = field(default_factory=list)  # the sitemap's entries

    def clear(self) -> None:
        self.signature, self.records, self.keys, self.shown_on, self.listed = (), {}, {}, {}, []

    def affected(self, signature: tuple, records: Iterable[Record], cache_dir: Path) -> set[str] | None:
        """URLs of the pages a build must make again, or None when it must make every page."""
        if not self.keys or signature != self.signature:
            return None
        seen = 0
        changed: list[Story] = []
        for record in records:
            old = self.records.get((record.record_type, record.id))
            if old is None:
                return None  # a new record
            seen += 1
            if old is not record and old != record:
                if not shown_only_change(old, record):
                    return None
                changed.append(record)  # type: ignore[arg-type]
        if seen != len(self.records):
            return None  # a record removed (or drafted out)
        urls: set[str] = set()
        for story in changed:
            address = story.url
            if not ID_RE.match(story.id):
                return None
            urls |= self.shown_on.get(address.encode(), set())
            urls.add(address)
        # Pages kept must still be in the cache (a `mkdocs build` beside the server forgets serve's pages).
        for url, key in self.keys.items():
            if url not in urls and not os.path.exists(os.path.join(cache_dir, key[:2], f"{key}.html")):
                return None
        return urls

    def remember(
        self,
        signature: tuple,
        records: Iterable[Record],
        keys: Mapping[str, str],
        shown: Mapping[str, set[bytes]],
        listed: list[Any] | None,
        *,
        whole: bool,
    ) -> None:
        """After a build: its pages' keys and what they show (`whole`: every page was made)."""
        self.signature = signature
        self.records = {(r.record_type, r.id): r for r in records}
        if whole:
            self.keys, self.shown_on = {}, {}
        else:
            made = set(shown)
            for pages in self.shown_on.values():
                pages -= made
        for url, key in keys.items():
            self.keys[url] = key
        for url, addresses in shown.items():
            for address in addresses:
                pages = self.shown_on.get(address)
                if pages is None:
                    pages = self.shown_on[address] = set()
                pages.add(url)
        if listed is not None:
            self.listed = listed
