"""`leifeng calendar`: the coming weeks of the site, day by day, for staff.

What goes live by itself (stories and honour lists dated ahead), the key
dates with their anniversary numbers, and features starting or ending; a
story or honour list dated ahead but still a draft is listed too, since it
will not go live on its day. "Today" is the site's date (`timezone`, or
`build_date` in mkdocs.yml), as for the build.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..content.models import Record, Story
from ..content.schedule import release_date, today_in

if TYPE_CHECKING:
    from ..content.settings import Settings
    from ..site.catalog import Catalog, UpcomingDay

WEEKDAYS = "一二三四五六日"
DEFAULT_WEEKS = 8
# What comes first on a day.
KEY_DATE, FEATURE, SCHEDULED, DRAFT = range(4)


@dataclass(frozen=True)
class Entry:
    """One line of the calendar: a day, what happens, and the file it comes from."""

    date: dt.date
    order: int  # KEY_DATE, FEATURE, SCHEDULED or DRAFT
    label: str
    text: str
    file: str = ""
    note: str = ""


def _day(day: dt.date, today: dt.date) -> str:
    shown = f"{day.month}月{day.day}日"
    return shown if day.year == today.year else f"{day.year}年{shown}"


def _full(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _what(record: Record) -> str:
    return f"故事《{record.display_name}》" if isinstance(record, Story) else f"表彰名单《{record.display_name}》"


def _key_day(day: UpcomingDay) -> str:
    return f"{day.name}（第 {day.ordinal} 个）" if day.ordinal else day.name


def schedule_note(scheduled: Sequence[Record]) -> str:
    """How many records go live by themselves and when the first does ('' when none): `leifeng check` ends its summary with it."""
    if not scheduled:
        return ""
    stories = sum(1 for r in scheduled if isinstance(r, Story))
    honors = len(scheduled) - stories
    kinds = "、".join(part for part in (f"{stories} 篇故事" if stories else "", f"{honors} 份表彰名单" if honors else "") if part)
    first = min(d for r in scheduled if (d := release_date(r)) is not None)
    return f"定时发布 {len(scheduled)} 条（{kinds}），最早 {_full(first)}上线。"


def calendar_entries(catalog: Catalog, first: dt.date, last: dt.date) -> list[Entry]:
    """Everything from `first` to `last` (both included), in date order."""
    entries = [Entry(day.date, KEY_DATE, "纪念日", _key_day(day)) for day in catalog.key_dates_between(first, last)]
    for feature in catalog.features.values():
        if feature.period is None:
            continue
        if first <= feature.period.start <= last:
            entries.append(Entry(feature.period.start, FEATURE, "专题开始", f"《{feature.title}》", feature.file))
        if feature.period.end is not None and first <= feature.period.end <= last:
            entries.append(Entry(feature.period.end, FEATURE, "专题结束", f"《{feature.title}》（这一天是最后一天）", feature.file))
    for record in catalog.ahead:
        day = release_date(record)
        assert day is not None
        if day > last:
            break
        if record.draft:
            entries.append(Entry(day, DRAFT, "草稿", _what(record), record.file, "还是草稿，到这一天也不会上线：定稿后删去 draft: true"))
        else:
            entries.append(Entry(day, SCHEDULED, "定时发布", _what(record), record.file))
    return sorted(entries, key=lambda e: (e.date, e.order))  # stable: key dates keep the settings' order


def calendar_text(catalog: Catalog, settings: Settings, weeks: int = DEFAULT_WEEKS) -> str:
    """The calendar as staff read it, in Chinese."""
    today = settings.build_date
    last = today + dt.timedelta(days=7 * weeks - 1)
    source = f"时区 {settings.timezone}" if today == today_in(settings.timezone) else "mkdocs.yml 中 build_date 设定的日期"
    lines = [f"网站的今天：{_full(today)} 星期{WEEKDAYS[today.weekday()]}（{source}）", f"今后 {weeks} 周（到 {_full(last)}）的日程：", ""]
    entries = calendar_entries(catalog, today, last)
    if not entries:
        lines.append("  这几周没有定时发布的内容、纪念日，也没有专题开始或结束。")
    current = None
    for entry in entries:
        if entry.date != current:
            current = entry.date
            lines.append(f"{_day(entry.date, today)} 周{WEEKDAYS[entry.date.weekday()]}" + ("（今天）" if entry.date == today else ""))
        line = f"  {entry.label}  {entry.text}" + (f"  {entry.file}" if entry.file else "")
        lines.append(line)
        if entry.note:
            lines.append(f"      {entry.note}")
    lines.append("")
    if not any(e.order == KEY_DATE for e in entries):
        upcoming = catalog.next_key_dates(today)
        if upcoming:
            names = "、".join(_key_day(day) for day in upcoming)
            lines.append(f"下一个纪念日：{_full(upcoming[0].date)} {names}，还有 {(upcoming[0].date - today).days} 天。")
    scheduled = [r for r in catalog.ahead if not r.draft]
    later = [(day, r) for r in scheduled if (day := release_date(r)) is not None and day > last]
    if later:
        lines.append(f"{weeks} 周以后还有 {len(later)} 条定时发布，最近的在 {_full(later[0][0])}（用 --weeks 看得更远）。")
    if scheduled:
        lines.append(schedule_note(scheduled))
        lines.append("定时发布的内容在它的日期那天生成网站时上线（部署配置每天早上自动生成一次，见 docs/deploy.md）。")
    else:
        lines.append("没有定时发布的内容：日期晚于今天的故事和表彰名单会自动定时发布。")
    return "\n".join(lines)
