"""Publishing on the day: the site's clock, and the records that wait for their date.

A story goes live on its `date`, and an honour list on the day it is
announced (its `date`). Built before that day, the record is *scheduled*:
the catalog leaves it out, so that no page, listing, feed, sitemap, search
index, 公众号 page or image of the build carries it, and the daily morning
build publishes it without anyone touching the repository. `mkdocs serve`
shows it, marked, as it shows drafts.

"Today" is the site's date in its own time zone (the `timezone` setting,
Asia/Shanghai unless set), not the machine's: a CI runner in UTC at 23:30 on
3月4日 is already at 07:30 on 3月5日 in Beijing. `build_date` in mkdocs.yml
overrides it. Tests move the clock with the environment variable
`LEIFENG_NOW` (an ISO 8601 time with its offset); nothing else should set it.

`is_scheduled` and `premature_link` are the rules; the catalog applies the
first to every record, a link check (`content/links.py`) the second to every
link between records.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .models import Honor, Record, Story

if TYPE_CHECKING:
    from .settings import Settings

CLOCK_VARIABLE = "LEIFENG_NOW"  # for tests only: the time the build takes as now
DEFAULT_TIMEZONE = "Asia/Shanghai"


def now() -> dt.datetime:
    """The current time, aware; `LEIFENG_NOW` when set (a time without an offset is read as UTC).

    Raises ValueError when `LEIFENG_NOW` is not an ISO 8601 time.
    """
    text = os.environ.get(CLOCK_VARIABLE, "").strip()
    if not text:
        return dt.datetime.now(dt.UTC)
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def today_in(timezone: str, at: dt.datetime | None = None) -> dt.date:
    """The date in `timezone` (an IANA name such as Asia/Shanghai) at `at`, or now."""
    return (at or now()).astimezone(ZoneInfo(timezone)).date()


def release_date(record: Record) -> dt.date | None:
    """The day a record goes live: a story's and an honour list's date; None for records published at once."""
    return record.date if isinstance(record, Story | Honor) else None


def is_scheduled(record: Record, settings: Settings) -> bool:
    """Dated after the build date: left out of the published site until that day."""
    day = release_date(record)
    return day is not None and day > settings.build_date


def dated_ahead(records: Iterable[Record], settings: Settings) -> list[Record]:
    """The stories and honour lists among `records` dated after the build date, drafts too: oldest first, stories first on a day."""
    found = [r for r in records if (day := release_date(r)) is not None and day > settings.build_date]
    return sorted(found, key=lambda r: (release_date(r), not isinstance(r, Story), r.id))


def premature_link(source: Record, target: Record, settings: Settings) -> bool:
    """A link from `source` to `target` that would go live before `target` does: an error.

    That is when `target` is scheduled and its date is after `source`'s own
    date (a story linking to a story dated later). A record without a date of
    its own (a volunteer's bio, a project, a feature's sections) may point at
    a scheduled record: the link shows as plain text, and the feature lists
    the story, from the story's day on.
    """
    own, day = release_date(source), release_date(target)
    return own is not None and day is not None and is_scheduled(target, settings) and day > own
