"""Links inside the site, checked before the build: each one resolves, or is an error with file and line.

Staff link to a record by its kind and id, `[张晓红](volunteer:zhang-xiaohong)`
(generator/site/bodies.py turns these into addresses). Links written as
addresses are checked too: a relative address must lead to a page the site
will have, a link to a story's Markdown file to an existing story, and an
address starting with `/` is refused, because it breaks when the site is
served from a sub-path such as `https://example.gov.cn/zyfw/`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .load import RawRecord
from .models import Feature, Record, Story
from .problems import Position, Problems
from .schedule import premature_link, release_date
from .settings import Settings

# A Markdown link or image `[text](target "title")`, a reference definition, or an HTML href.
_LINK = re.compile(
    r"""(?<!!)\[[^\]]*\]\(\s*<?(?P<md>[^)\s>]+)>?(?:\s+["'][^)]*["'])?\s*\)|\bhref\s*=\s*["'](?P<html>[^"']+)["']|^\s*\[[^\]]+\]:\s*<?(?P<ref>\S+?)>?\s*$""",
    re.M,
)
# The kinds a link can name, as staff write them: `volunteer:zhang-xiaohong`.
LINK_KINDS = ("story", "volunteer", "organization", "project", "theme", "honor", "feature")
RECORD_LINK = re.compile(rf"^({'|'.join(LINK_KINDS)}):([a-z0-9]+(?:-[a-z0-9]+)*)/?(#[^\s]*)?$")
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
# The sections every site has (generator/site/pages.py SECTIONS), and the pages for staff.
_FIXED = (
    "",
    "stories/",
    "volunteers/",
    "organizations/",
    "projects/",
    "themes/",
    "features/",
    "honors/",
    "fields/",
    "data/",
    "columns/",
    "wechat/",
)
_PAGED = re.compile(r"^(?P<base>.*?)page/(?P<n>\d+)/$")
HINT = "链接到站内记录请写“类别:编号”，如 [张晓红](volunteer:zhang-xiaohong)、[](story:aixin-wucan-shi-nian)；类别有 " + "、".join(
    LINK_KINDS
)


def page_url(record: Record) -> str:
    """The address of a record's page (stories: stories/<year>/<id>/)."""
    return record.url


def site_urls(records: dict[str, dict[str, Record]], settings: Settings, docs_dir: Path | None = None) -> set[str]:
    """The addresses the site will have: sections, records, listings and hand-written pages."""
    urls = set(_FIXED)
    for kind_records in records.values():
        for record in kind_records.values():
            urls.add(page_url(record))
            if isinstance(record, Story):
                urls.add(f"stories/{record.year}/")
                urls.add(f"wechat/{record.id}/")
    urls.update(f"fields/{slug}/" for slug in settings.fields)
    urls.update(f"columns/{slug}/" for slug in settings.columns)
    docs = docs_dir or settings.root / "docs"
    if docs.is_dir():
        for path in docs.rglob("*.md"):
            relative = path.relative_to(docs).as_posix()
            if relative == "index.md":
                continue  # the home page is generated
            urls.add(relative[: -len("index.md")] if relative.endswith("/index.md") else relative[: -len(".md")] + "/")
    urls.add("guide/fields/")
    return urls


def _texts(record: Record) -> Iterator[str]:
    """Every Markdown text of a record, in the order it is shown."""
    for name in ("body", "bio", "intro", "closing"):
        text = getattr(record, name, None)
        if text:
            yield text
    if isinstance(record, Feature):
        for section in record.sections:
            yield from (t for t in (section.text, section.after) if t)


@functools.lru_cache(maxsize=1 << 16)
def _link_targets(text: str) -> tuple[str, ...]:
    """The link targets a Markdown text writes, in order (remembered: `mkdocs serve` asks on every save)."""
    found = ((m.group("md") or m.group("html") or m.group("ref") or "").strip() for m in _LINK.finditer(text))
    return tuple(target for target in found if target)


def _position(raw: RawRecord, target: str, fallback: Position) -> Position:
    """The line of the first place the file writes `target`."""
    found = raw.text.find(target)
    if found < 0:
        return fallback
    before = raw.text[:found]
    return Position(raw.file, before.count("\n") + 1, found - (before.rfind("\n") + 1) + 1)


def _resolve(url: str, page: str) -> str:
    """A relative address seen from the page at `page`, as a site address ('' for the home page)."""
    base = page if page.endswith("/") else posixpath.dirname(page) + "/"
    joined = posixpath.normpath(posixpath.join(base or ".", url))
    if joined in (".", ""):
        return ""
    if joined.startswith("../") or joined == "..":
        return "\0outside"
    return joined + ("/" if url.endswith("/") and not joined.endswith("/") else "")


def check_links(
    records: dict[str, dict[str, Record]], raws: dict[tuple[str, str], RawRecord], settings: Settings, problems: Problems
) -> None:
    """Every link in every Markdown text that points inside the site."""
    urls = site_urls(records, settings)
    by_kind = {kind: set(table) for kind, table in records.items()}
    published_ids = {kind: {rid for rid, r in table.items() if not r.draft} for kind, table in records.items()}
    story_files = {raw.file for (kind, _), raw in raws.items() if kind == "story"}
    story_by_file = {
        raw.file: records["story"][rid] for (kind, rid), raw in raws.items() if kind == "story" and rid in records.get("story", {})
    }
    for kind, table in records.items():
        for rid, record in table.items():
            raw = raws.get((kind, rid))
            if raw is None or raw.doc is None:
                continue
            fallback = raw.doc.position(())
            page = page_url(record)
            seen: set[str] = set()
            for text in _texts(record):
                for target in _link_targets(text):
                    if target in seen:
                        continue
                    seen.add(target)
                    message = _link_problem(target, page, raw.file, record, urls, by_kind, published_ids, story_files)
                    message = message or _scheduled_problem(target, raw.file, record, records, story_by_file, settings)
                    if message:
                        text_, hint, code = message
                        problems.add(_position(raw, target, fallback), text_, code, hint=hint)


def _link_problem(
    target: str,
    page: str,
    source: str,
    record: Record,
    urls: set[str],
    by_kind: dict[str, set[str]],
    published_ids: dict[str, set[str]],
    story_files: set[str],
) -> tuple[str, str, str] | None:
    """(message, hint, code) when `target` does not lead where it should; None when it does."""
    record_link = RECORD_LINK.match(target)
    if record_link:
        kind, rid = record_link.group(1), record_link.group(2)
        if rid not in by_kind.get(kind, set()):
            close = difflib.get_close_matches(rid, sorted(by_kind.get(kind, set())), n=1, cutoff=0.6)
            return (
                f"链接的{_label(kind)}“{rid}”不存在",
                (f"是不是 {kind}:{close[0]}？" if close else "检查编号（文件名）的拼写"),
                "link.unknown-record",
            )
        if rid not in published_ids.get(kind, set()) and not record.draft:
            return f"链接的{_label(kind)}“{rid}”还是草稿：发布后读者打不开这个链接", "先发布那条记录，或去掉这个链接", "link.draft-record"
        return None
    kind_prefix = target.split(":", 1)[0]
    if ":" in target and kind_prefix.lower() in (*LINK_KINDS, *(k + "s" for k in LINK_KINDS)) and kind_prefix not in LINK_KINDS:
        return f"链接“{target}”的类别写法不对", HINT, "link.bad-form"
    if _REMOTE.match(target) or target.startswith(("#", "mailto:", "tel:")):
        return None
    parts = urlsplit(target)
    path = unquote(parts.path)
    if not path:
        return None
    if path.startswith("/"):
        return f"站内链接“{target}”以 / 开头：网站放在子路径（如 /zyfw/）下时会失效", HINT, "link.absolute"
    if path.startswith("media/"):
        return None  # media paths are checked with the images (validate.py)
    if path.endswith(".md"):
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        if joined in story_files:
            return None
        return f"链接“{target}”指向的文件 {joined} 不存在（或不是故事）", HINT, "link.missing-file"
    resolved = _resolve(path, page)
    paged = _PAGED.match(resolved)
    if resolved in urls or resolved.rstrip("/") + "/" in urls or (paged and paged.group("base") in urls):
        return None
    if resolved.endswith((".xml", ".pdf", ".json", ".png", ".jpg", ".webp")):
        return None  # generated files (feed, roll PDFs, share images): not pages
    return f"链接“{target}”指向的页面不存在", HINT, "link.missing-page"


def _scheduled_problem(
    target: str, source: str, record: Record, records: dict[str, dict[str, Record]], story_by_file: dict[str, Record], settings: Settings
) -> tuple[str, str, str] | None:
    """A link that goes live before the record it leads to (content/schedule.py `premature_link`)."""
    record_link = RECORD_LINK.match(target)
    path = unquote(urlsplit(target).path)
    if record_link:
        linked = records.get(record_link.group(1), {}).get(record_link.group(2))
    elif path.endswith(".md"):
        linked = story_by_file.get(posixpath.normpath(posixpath.join(posixpath.dirname(source), path)))
    else:
        return None
    if linked is None or not premature_link(record, linked, settings):
        return None
    day, own = release_date(linked), release_date(record)
    assert day is not None and own is not None
    return (
        f"链接的{_label(linked.record_type)}“{linked.id}”{_cn_date(day)}才上线，晚于本{record.label}的日期 {_cn_date(own)}：这里先上线，读者会打不开这个链接",
        "把两者的日期调成同一天，或等它上线后再加这个链接",
        "link.scheduled-record",
    )


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _label(kind: str) -> str:
    from .models import RECORD_TYPES

    cls = RECORD_TYPES.get(kind)
    return cls.label if cls is not None else kind
