"""Step 2, validate: typed models, then references, vocabularies, media and
alt text, then privacy rules.

Every problem is collected with its file, line and column; nothing stops at
the first mistake, and a record that fails its model is still checked for
everything else its valid fields allow. The result's `records` hold only
records that passed their model, so later steps can trust their types.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..files import atomic_write
from ..site.wechat import wechat_problems
from .links import check_links
from .load import RawRecord
from .models import (
    RECORD_TYPES,
    Feature,
    Honor,
    Organization,
    Period,
    Project,
    Record,
    Story,
    Theme,
    Volunteer,
)
from .privacy import CONTACT_LABELS, KIND_LABELS, contact_key, find_contacts
from .privacy import find_personal_numbers as find_personal_numbers  # re-exported: the importer scans cells with it
from .privacy import is_resident_id as is_resident_id
from .problems import Position, Problem, Problems, relative_file
from .settings import Settings


@dataclass
class Validated:
    """Records that passed their model, by kind and id, plus every id seen."""

    records: dict[str, dict[str, Record]] = field(default_factory=lambda: {k: {} for k in RECORD_TYPES})
    seen_ids: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in RECORD_TYPES})
    raw: dict[tuple[str, str], RawRecord] = field(default_factory=dict)
    # Records that failed their model, re-validated without their broken fields
    # (required ones stood in for), so that the rest of them (references, media,
    # alt text, consent) is still checked in the same run. Never published.
    salvaged: dict[tuple[str, str], tuple[Record, frozenset[str]]] = field(default_factory=dict)

    def of(self, kind: str) -> dict[str, Record]:
        return self.records[kind]

    def checkable(self) -> Iterator[tuple[Record, RawRecord, frozenset[str]]]:
        """(record, raw, its broken fields, to leave alone) for valid and salvaged records."""
        for kind, records in self.records.items():
            for record in records.values():
                yield record, self.raw[(kind, record.id)], frozenset()
        for (kind, rid), (record, broken) in self.salvaged.items():
            yield record, self.raw[(kind, rid)], broken


# --- model errors -----------------------------------------------------------

_TYPE_MESSAGES = {
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "int_parsing_size": "数字太大",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为普通的数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表（每项一行以“- ”开头，或写成 [甲, 乙]）",
    "dict_type": "应为包含子字段的结构",
    "model_type": "应为包含子字段的结构",
    "model_attributes_type": "应为包含子字段的结构",
    "date_type": "应为日期，如 2024-03-05",
    "too_short": "不能为空",
    "string_too_short": "不能为空",
    "too_long": "太长了",
    "string_too_long": "太长了",
    "string_unicode": "含有无法识别的字符",
}
# Any other pydantic error, by the first word of its type (`date_parsing`, `url_scheme`...).
_TYPE_FAMILIES = {
    "int": "应为整数",
    "float": "应为数字",
    "decimal": "应为数字",
    "complex": "应为数字",
    "string": "应为文字",
    "bytes": "应为文字",
    "bool": "应为 true 或 false",
    "date": "应为日期，如 2024-03-05",
    "datetime": "应为日期，如 2024-03-05",
    "time": "应为时间，如 08:30",
    "timezone": "应为时间，如 08:30",
    "list": _TYPE_MESSAGES["list_type"],
    "tuple": _TYPE_MESSAGES["list_type"],
    "set": _TYPE_MESSAGES["list_type"],
    "frozen": _TYPE_MESSAGES["list_type"],
    "iterable": _TYPE_MESSAGES["list_type"],
    "dict": _TYPE_MESSAGES["dict_type"],
    "mapping": _TYPE_MESSAGES["dict_type"],
    "model": _TYPE_MESSAGES["dict_type"],
    "dataclass": _TYPE_MESSAGES["dict_type"],
    "url": "应为以 http:// 或 https:// 开头的网址",
}


def _shown(value: Any) -> str:
    """A value as staff wrote it in YAML (`true`, not Python's `True`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_shown(item)}" for key, item in value.items()) + "}"
    return str(value)


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def _model_at(cls: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model class that owns the last key of `loc`."""
    current: Any = cls
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return None
        current = _inner_model(info.annotation)
        if current is None:
            return None
    return current


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _field_label(cls: type[BaseModel] | None, name: Any) -> str:
    if cls is None or not isinstance(name, str):
        return str(name)
    info = cls.model_fields.get(name)
    if info is not None and info.title:
        return f"{name}（{info.title}）"
    return name


def _label(cls: type[Record], loc: tuple) -> str:
    """The field an error is about, as staff read it: `by（同意人）`, `volunteers（志愿者） 第 2 项`."""
    if not loc:
        return ""
    if isinstance(loc[-1], int):
        parent = loc[:-1]
        return (_label(cls, parent) + " " if parent else "") + f"第 {loc[-1] + 1} 项"
    return _field_label(_model_at(cls, loc), loc[-1])


def describe_model_error(cls: type[Record], error: dict) -> tuple[str, str, str]:
    """(message, hint, code) in Chinese for one pydantic error; pydantic's English is never shown."""
    loc = tuple(part for part in error["loc"] if isinstance(part, int) or re.fullmatch(r"[a-z_][a-z0-9_]*", str(part)))
    kind = error["type"]
    owner = _model_at(cls, loc) if loc else cls
    name = loc[-1] if loc else ""
    label = _label(cls, loc)
    ctx = error.get("ctx") or {}
    given = error.get("input")
    if kind == "extra_forbidden":
        allowed = list(owner.model_fields) if owner else []
        close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
        hint = f"是不是想写 {close[0]}？" if close else ("可用字段：" + "、".join(allowed) if allowed else "")
        if name == "id" and len(loc) == 1:
            return "不要写 id 字段：文件名就是编号", "删除这一行", "field.unknown"
        return f"未知字段 {name}", hint, "field.unknown"
    if kind == "missing":
        return f"缺少必填字段 {_field_label(owner, name)}", "", "field.missing"
    if given is None and "input" in error and label:
        # `date:` with nothing after it: YAML reads an empty value, never show it as "None".
        info = owner.model_fields.get(name) if owner is not None and isinstance(name, str) else None
        required = info is not None and info.is_required()
        return f"{label} 不能为空", "这是必填字段，请填写内容" if required else "填写内容，或删除这一行", "field.empty"
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        choices = "、".join(re.findall(r"'([^']*)'", expected)) or expected
        return f"{label} 的值“{_shown(given)}”不在可选范围内", f"只能是：{choices}", "field.choice"
    if kind == "string_pattern_mismatch":
        if name == "source_url":
            return "source_url 应为以 http:// 或 https:// 开头的网址", "", "field.url"
        return f"{label} 的值“{_shown(given)}”不是有效编号", "编号只能用小写英文字母、数字和连字符，即对方的文件名", "field.id"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{label} 不能小于 {ctx.get('ge', ctx.get('gt'))}", "", "field.range"
    if kind in ("less_than_equal", "less_than"):
        return f"{label} 不能大于 {ctx.get('le', ctx.get('lt'))}", "", "field.range"
    if kind == "value_error" and _has_chinese(str(ctx.get("error", ""))):
        text = str(ctx.get("error"))  # our own validators' messages (models.py), Chinese
        code = "field.date" if "日期" in text else "field.value"
        model = _model_at(cls, loc + ("",))
        if model is Period:
            code = "field.period"
        if model is not None and model is not cls and not isinstance(name, str):
            return text, "", code  # a rule about a whole entry (e.g. one honour recipient): the line says which
        return (f"{label}：{text}" if label else text), "", code
    if kind in ("too_short", "string_too_short") and isinstance(given, list):
        return f"{label} 至少要有一项", "", "field.empty"
    described = _TYPE_MESSAGES.get(kind) or _TYPE_FAMILIES.get(kind.split("_")[0])
    if described:
        return f"{label} {described}".strip(), "", "field.type"
    where = f"{label} 的值" if label else "这里的值"
    field_name = next((part for part in reversed(loc) if isinstance(part, str)), "")
    hint = f"对照编辑指南“字段说明”中 {field_name} 的写法" if field_name else "对照编辑指南“字段说明”检查这一项"
    return f"{where}不符合要求", hint, "field.invalid"


def _error_position(raw: RawRecord, error: dict) -> Position:
    """Where to point for one pydantic error: the key, the value, or the parent."""
    assert raw.doc is not None
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        return raw.doc.position(loc, key=True)
    if error["type"] == "missing":
        return raw.doc.position(loc[:-1]) if len(loc) > 1 else Position(raw.file, 1 + raw.doc.line_offset, 1)
    if error["type"] == "value_error" and _model_at(raw.cls, loc + ("",)) is Period and loc + ("end",) in raw.doc.values:
        return raw.doc.position(loc + ("end",))  # an end before its start: point at the end
    return raw.doc.position(loc)


def _stand_in(info: Any) -> Any:
    """A value a required field accepts, standing in for a broken one (never shown)."""
    annotation = info.annotation
    if annotation is dt.date or "date" in str(annotation).lower():
        return "2000-01-01"
    if isinstance(annotation, type) and issubclass(annotation, (int, float)):
        return 0
    return "-"


def _salvage(raw: RawRecord, errors: list) -> tuple[Record, frozenset[str]] | None:
    """The record without its broken top-level fields, or None when that cannot pass."""
    assert raw.doc is not None
    if not isinstance(raw.doc.data, dict) or any(not error["loc"] for error in errors):
        return None
    broken = {error["loc"][0] for error in errors}
    data = {key: value for key, value in raw.doc.data.items() if key not in broken}
    for name in broken:
        info = raw.cls.model_fields.get(name) if isinstance(name, str) else None
        if info is not None and info.is_required():
            data[name] = _stand_in(info)
    try:
        record = raw.cls.model_validate(data)
    except ValidationError:
        return None
    record._id = raw.id
    record._file = raw.file
    if isinstance(record, Story):
        record._body = raw.body
        record._body_line = raw.body_line
    return record, frozenset(str(name) for name in broken)


def _validate_models(raws: list[RawRecord], problems: Problems, result: Validated) -> None:
    first_file: dict[tuple[str, str], str] = {}
    for raw in raws:
        kind = raw.cls.record_type
        key = (kind, raw.id)
        if key in first_file:
            problems.add(
                Position(raw.file, 1, 1),
                f"编号 {raw.id} 重复：{first_file[key]} 已使用同一个{raw.cls.label}编号",
                "id.duplicate",
                hint="每个文件名（编号）只能用一次，请改名其中一个" + ("（子文件夹不同也算重复）" if kind == "story" else ""),
            )
            continue
        first_file[key] = raw.file
        # Unreadable and invalid records still count as seen, so references to
        # them do not add "not found" noise to the problem they already have.
        result.seen_ids[kind].add(raw.id)
        if raw.doc is None:
            continue
        try:
            record = raw.cls.model_validate(raw.doc.data)
        except ValidationError as exc:
            errors = exc.errors()
            for error in errors:
                message, hint, code = describe_model_error(raw.cls, error)
                problems.add(_error_position(raw, error), message, code, hint=hint)
            salvaged = _salvage(raw, errors)
            if salvaged is not None:
                result.salvaged[key] = salvaged
                result.raw[key] = raw
            continue
        record._id = raw.id
        record._file = raw.file
        if isinstance(record, Story):
            record._body = raw.body
            record._body_line = raw.body_line
        result.records[kind][raw.id] = record
        result.raw[key] = raw


# --- references -------------------------------------------------------------


def _refs(record: Record) -> Iterator[tuple[tuple, str, str]]:
    """(path, kind, id) for every reference a record makes."""
    if isinstance(record, Volunteer) and record.organization:
        yield ("organization",), "organization", record.organization
    elif isinstance(record, Project) and record.organization:
        yield ("organization",), "organization", record.organization
    elif isinstance(record, Theme):
        for i, org in enumerate(record.organizers):
            if re.fullmatch(r"[a-z0-9-]+", org):
                yield ("organizers", i), "organization", org
        for i, pid in enumerate(record.projects):
            yield ("projects", i), "project", pid
    elif isinstance(record, Honor):
        for ci, category in enumerate(record.categories):
            for ri, recipient in enumerate(category.recipients):
                for kind in ("volunteer", "organization", "project"):
                    target = getattr(recipient, kind)
                    if target:
                        yield ("categories", ci, "recipients", ri, kind), kind, target
    elif isinstance(record, Feature):
        for si, section in enumerate(record.sections):
            for i, sid in enumerate(section.stories):
                yield ("sections", si, "stories", i), "story", sid
    elif isinstance(record, Story):
        for i, vid in enumerate(record.volunteers):
            yield ("volunteers", i), "volunteer", vid
        for i, oid in enumerate(record.organizations):
            yield ("organizations", i), "organization", oid
        if record.project:
            yield ("project",), "project", record.project
        if record.theme:
            yield ("theme",), "theme", record.theme


def _check_references(result: Validated, settings: Settings, problems: Problems) -> None:
    for record, raw, _ in result.checkable():
        assert raw.doc is not None
        for path, target_kind, target in _refs(record):
            if target in result.seen_ids[target_kind]:
                target_record = result.records[target_kind].get(target)
                if target_record is not None and target_record.draft and not record.draft and not settings.include_drafts:
                    problems.add(
                        raw.doc.position(path),
                        f"引用的{RECORD_TYPES[target_kind].label} {target} 是草稿，发布时不会显示这个链接",
                        "ref.draft",
                        severity="warning",
                    )
                continue
            label = RECORD_TYPES[target_kind].label
            other_kinds = [k for k, ids in result.seen_ids.items() if target in ids and k != target_kind]
            if other_kinds:
                wrong = RECORD_TYPES[other_kinds[0]].label
                problems.add(
                    raw.doc.position(path),
                    f"{target} 是{wrong}，这里需要{label}",
                    "ref.kind",
                    hint=f"把{wrong}写到对应的字段，或改为{label}编号",
                )
                continue
            same = [rid for rid in sorted(result.seen_ids[target_kind]) if rid.lower() == target.lower()]
            close = difflib.get_close_matches(target, sorted(result.seen_ids[target_kind]), n=3, cutoff=0.5)
            if same:
                hint = f"文件名 {same[0]} 不是有效编号，改为小写的 {target} 即可"
            elif close:
                hint = "是不是：" + "、".join(close)
            else:
                hint = f"在 {RECORD_TYPES[target_kind].folder}/ 中找不到相近的编号"
            problems.add(raw.doc.position(path), f"找不到{label} {target}", "ref.unknown", hint=hint)


# --- vocabularies -----------------------------------------------------------


def _check_vocabularies(result: Validated, settings: Settings, problems: Problems) -> None:
    known_fields = settings.field_by_name
    field_names = "、".join(settings.fields.values())
    for record, raw, broken in result.checkable():
        assert raw.doc is not None
        for i, value in enumerate(getattr(record, "fields", []) or []):
            if value not in known_fields:
                close = difflib.get_close_matches(value, list(settings.fields.values()), n=1, cutoff=0.4)
                problems.add(
                    raw.doc.position(("fields", i)),
                    f"服务领域“{value}”不在站点配置的范围内",
                    "vocab.field",
                    hint=(f"是不是“{close[0]}”？" if close else "") + f"可选：{field_names}",
                )
        if isinstance(record, Honor) and "level" not in broken and settings.honor_level(record.level) is None:
            problems.add(
                raw.doc.position(("level",)),
                f"级别“{record.level}”不在可选范围内",
                "vocab.level",
                hint="可选：" + "、".join(settings.honor_levels),
            )
        if isinstance(record, Organization) and record.kind and settings.organization_kind(record.kind) is None:
            problems.add(
                raw.doc.position(("kind",)),
                f"组织类型“{record.kind}”不在可选范围内",
                "vocab.kind",
                hint="可选：" + "、".join(settings.organization_kinds) + "（可在 mkdocs.yml 的 organization_kinds 中增加）",
            )
        if isinstance(record, Story) and record.column and record.column not in settings.column_by_name:
            close = difflib.get_close_matches(record.column, list(settings.columns.values()), n=1, cutoff=0.4)
            problems.add(
                raw.doc.position(("column",)),
                f"栏目“{record.column}”不在站点配置的范围内",
                "vocab.column",
                hint=(f"是不是“{close[0]}”？" if close else "") + "可选：" + "、".join(settings.columns.values()),
            )
        if isinstance(record, Feature):
            first_place: dict[str, tuple[int, int]] = {}
            for si, section in enumerate(record.sections):
                if not section.stories:
                    problems.add(
                        raw.doc.position(("sections", si)),
                        f"章节“{section.heading}”没有故事",
                        "feature.empty-section",
                        hint="在 stories 中列出本节的故事编号，或删除这一节",
                    )
                for i, sid in enumerate(section.stories):
                    if sid in first_place:
                        line = raw.doc.position(("sections", *first_place[sid])).line
                        problems.add(
                            raw.doc.position(("sections", si, "stories", i)),
                            f"故事 {sid} 在专题中重复出现（第一次在第 {line} 行）",
                            "feature.duplicate-story",
                            hint="同一专题中每篇故事只列一次",
                        )
                    else:
                        first_place[sid] = (si, "stories", i)  # type: ignore[assignment]
        if isinstance(record, Honor):
            for ci, category in enumerate(record.categories):
                seen: set[tuple[str, str]] = set()
                for ri, recipient in enumerate(category.recipients):
                    ref = next(
                        ((k, getattr(recipient, k)) for k in ("volunteer", "organization", "project", "name") if getattr(recipient, k)),
                        None,
                    )
                    if ref in seen:
                        problems.add(
                            raw.doc.position(("categories", ci, "recipients", ri)),
                            f"“{ref[1]}”在类别“{category.name}”中重复出现",
                            "honor.duplicate",
                            severity="warning",
                        )
                    seen.add(ref)


# --- media ------------------------------------------------------------------


def media_fields(record: Record) -> Iterator[tuple[tuple, str]]:
    for name in ("photo", "logo", "cover", "banner"):
        value = getattr(record, name, None)
        if value:
            yield (name,), value


# ![alt](target "title") and <img src="target">
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HTML_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
# Markdown fields of the YAML records (stories keep theirs after the front matter).
MARKDOWN_FIELDS = ("bio", "body", "intro", "closing")


def _is_remote(target: str) -> bool:
    return bool(_REMOTE.match(target)) and not re.match(r"^[a-zA-Z]:[\\/]", target)


def story_images(story: Story) -> Iterator[tuple[int, str]]:
    """(line, path) of each local image inside a story body."""
    for match in _MD_IMAGE.finditer(story.body):
        target = match.group(2)
        if _is_remote(target):
            continue
        line = story._body_line + story.body[: match.start()].count("\n")
        yield line, target


def body_images(record: Record) -> Iterator[str]:
    """The local image paths written in a record's Markdown (story body, bio, body)."""
    texts = [record.body] if isinstance(record, Story) else [getattr(record, name, "") or "" for name in MARKDOWN_FIELDS]
    for text in texts:
        for match in _MD_IMAGE.finditer(text):
            if not _is_remote(match.group(2)):
                yield match.group(2)


def _markdown_texts(record: Record, raw: RawRecord) -> Iterator[tuple[str, str, int]]:
    """(markdown, where, offset of that markdown in the file's text) for each Markdown part."""
    if isinstance(record, Story):
        start = _line_start(raw.text, record._body_line)
        yield record.body, "正文", start if raw.text[start : start + len(record.body)] == record.body else -1
        return
    for name in MARKDOWN_FIELDS:
        text = getattr(record, name, "") or ""
        if text:
            yield text, f"字段 {name} ", -1


def _line_start(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        found = text.find("\n", offset)
        if found < 0:
            return len(text)
        offset = found + 1
    return offset


def _offset_position(file: str, text: str, offset: int) -> Position:
    before = text[:offset]
    return Position(file, before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1)


def _markdown_position(raw: RawRecord, markdown: str, base: int, match: re.Match, fallback: Position) -> Position:
    """Where a match inside a Markdown part sits in the file."""
    if base >= 0:
        return _offset_position(raw.file, raw.text, base + match.start())
    found = raw.text.find(match.group(0))  # a block scalar keeps the text verbatim
    return _offset_position(raw.file, raw.text, found) if found >= 0 else fallback


def resolve_media(settings: Settings, value: str) -> Path | None:
    """The file a media path names, or None when it escapes the content folder (symbolic links followed)."""
    return _resolve_media(settings.content_dir, value)


@functools.cache
def _resolve_media(content_dir: Path, value: str) -> Path | None:
    # Remembered for one build (for all of `mkdocs serve`'s): the checks, the
    # image plan and the pages ask for the same paths, and each answer is a
    # realpath (a system call per folder). `forget_resolved_media` empties it
    # when a build starts.
    if value.startswith(("/", "\\", "~")) or re.match(r"^[a-zA-Z]:", value):
        return None
    path = (content_dir / value).resolve()
    try:
        path.relative_to(content_dir)
    except ValueError:
        return None
    return path


def forget_resolved_media() -> None:
    """Start a build afresh: files and links may have changed since the last one (mkdocs serve)."""
    _resolve_media.cache_clear()


# Formats every browser shows; anything else Pillow can open (TIFF, BMP, PSD...) is refused.
WEB_IMAGE_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "GIF")


def check_image(path: Path, settings: Settings) -> str | None:
    """Why an image cannot be published, or None.

    The pixel count is read from the header and checked before any decoding,
    so a decompression bomb is never expanded. A JPEG is then decoded at 1/8
    scale (every byte of it is still read), other formats in full, so a
    truncated or corrupt file is caught here rather than halfway through a
    build.
    """
    import warnings

    from PIL import Image, UnidentifiedImageError

    if not path.is_file():
        return "missing"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > settings.max_image_pixels:
                    return f"too-large:{width}×{height}"
                if image.format not in WEB_IMAGE_FORMATS:
                    return f"format:{image.format}"
                if image.format in ("JPEG", "MPO"):
                    image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                image.load()
    except UnidentifiedImageError:
        return "not-image"
    except Image.DecompressionBombError as exc:  # Pillow's own limit, above ours
        pixels = re.search(r"\((\d+) pixels\)", str(exc))
        return f"too-large:{int(pixels.group(1)):,}" if pixels else "too-large:?"
    except PermissionError:
        return "unreadable"
    except Exception:  # noqa: BLE001 - any decoder failure means the file is broken
        return "broken"
    return None


def _media_problem(position: Position, value: str, reason: str, settings: Settings, problems: Problems, hint: str = "") -> None:
    if reason == "escape":
        problems.add(
            position, f"图片路径“{value}”超出了 content/ 目录", "media.escape", hint="图片放在 content/media/ 下，路径写成 media/xxx.jpg"
        )
    elif reason == "remote":
        problems.add(
            position,
            f"图片“{value}”是外部网址：网站不得从其他网站加载图片",
            "media.remote",
            hint="把图片下载后放到 content/media/ 下，再写成 media/xxx.jpg",
        )
    elif reason == "html":
        problems.add(
            position,
            f"正文用 <img> 引用了图片“{value}”，这种写法的图片不会发布",
            "media.html",
            hint="改用 Markdown 写法：![图片说明](media/xxx.jpg)",
        )
    elif reason == "missing":
        problems.add(position, f"找不到图片 {value}", "media.missing", hint=hint or "路径相对于 content/ 目录，注意大小写和扩展名")
    elif reason == "case":
        problems.add(position, f"图片路径 {value} 的大小写与文件名不一致", "media.case", hint=hint + "（网站服务器区分大小写）")
    elif reason == "unreadable":
        problems.add(position, f"图片 {value} 无法读取（没有权限）", "media.unreadable", hint="检查文件权限")
    elif reason == "not-image":
        problems.add(
            position, f"{value} 不是可识别的图片", "media.not-image", hint="请使用 JPEG、PNG 或 WebP 图片（手机的 HEIC 照片请先转为 JPEG）"
        )
    elif reason.startswith("format:"):
        problems.add(
            position, f"图片 {value} 是 {reason.split(':', 1)[1]} 格式，浏览器无法显示", "media.format", hint="请转为 JPEG、PNG 或 WebP"
        )
    elif reason == "broken":
        problems.add(position, f"图片 {value} 已损坏，无法读取", "media.broken", hint="重新导出或换一张图片")
    elif reason.startswith("too-large"):
        size = reason.split(":", 1)[1]
        problems.add(
            position,
            f"图片 {value} 过大（{size} 像素），超过上限 {settings.max_image_pixels:,} 像素",
            "media.too-large",
            hint="缩小到 4000 像素以内再提交",
        )


class _ImageVerdicts:
    """check_image results kept in .cache/ by file size and modification time.

    Decoding costs up to a tenth of a second for a large photo; a site with
    thousands of them should pay that once, not on every build. A changed
    file (size or time) or a changed pixel limit is checked again. A fresh
    checkout (CI) has no cache and checks everything.
    """

    VERSION = 1

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.path = settings.root / ".cache" / "checks" / "images.json"
        self.root = str(settings.root) + os.sep  # keys are paths below it, with /
        self.entries: dict[str, list] = {}
        self.changed = False
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            if stored.get("version") == self.VERSION and stored.get("max_pixels") == settings.max_image_pixels:
                self.entries = stored["entries"]
        except (OSError, ValueError, KeyError, AttributeError):
            pass

    def verdict(self, path: Path) -> str | None:
        name = str(path)
        try:
            stat = os.stat(name)
        except OSError:
            return check_image(path, self.settings)
        root = self.root
        key = name[len(root) :].replace(os.sep, "/") if name.startswith(root) else name
        stamp = [stat.st_size, stat.st_mtime_ns]
        entry = self.entries.get(key)
        if entry is not None and entry[:2] == stamp:
            return entry[2]
        reason = check_image(path, self.settings)
        self.entries[key] = [*stamp, reason]
        self.changed = True
        return reason

    def save(self) -> None:
        if not self.changed or not self.settings.root.is_dir():
            return
        try:
            payload = {"version": self.VERSION, "max_pixels": self.settings.max_image_pixels, "entries": self.entries}
            atomic_write(self.path, json.dumps(payload, sort_keys=True).encode())
        except OSError:
            pass  # a read-only checkout: no cache, same verdicts


class _MediaFinder:
    """Checks media paths once each, with exact case, and suggests near names."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.checked: dict[Path, str | None] = {}
        self.listings: dict[str, set[str]] = {}
        self._all: list[str] | None = None
        self.verdicts = _ImageVerdicts(settings)

    def _listing(self, folder: str) -> set[str]:
        names = self.listings.get(folder)
        if names is None:
            try:
                names = set(os.listdir(folder))
            except OSError:
                names = set()
            self.listings[folder] = names
        return names

    def _exact_case(self, path: Path) -> bool:
        """Every part of `path` (a resolved path inside the content folder) spelt as on disk."""
        current = str(self.settings.content_dir)
        for part in str(path)[len(current) + 1 :].split(os.sep):
            if part not in self._listing(current):
                return False
            current = f"{current}{os.sep}{part}"
        return True

    def all_files(self) -> list[str]:
        if self._all is None:
            root = self.settings.content_dir
            self._all = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
        return self._all

    def suggestion(self, value: str) -> str:
        wanted = value.replace("\\", "/").lstrip("./")
        same = [p for p in self.all_files() if p.lower() == wanted.lower()]
        close = same or difflib.get_close_matches(wanted, self.all_files(), n=2, cutoff=0.75)
        advice = "路径要用 / 分隔，不能用 \\。" if "\\" in value else ""
        return advice + ("是不是：" + "、".join(close) if close else "路径相对于 content/ 目录，注意大小写和扩展名")

    def reason(self, value: str) -> tuple[str | None, str]:
        if _is_remote(value):
            return "remote", ""
        path = resolve_media(self.settings, value)
        if path is None:
            return "escape", ""
        if path not in self.checked:
            reason = self.verdicts.verdict(path) if os.path.isfile(path) else "missing"
            if reason is None and not self._exact_case(path):
                reason = "case"
            self.checked[path] = reason
        reason = self.checked[path]
        return reason, (self.suggestion(value) if reason in ("missing", "case") else "")


def _check_media(result: Validated, settings: Settings, problems: Problems) -> None:
    finder = _MediaFinder(settings)

    def check(position: Position, value: str) -> None:
        reason, hint = finder.reason(value)
        if reason:
            _media_problem(position, value, reason, settings, problems, hint)

    for record, raw, _ in result.checkable():
        assert raw.doc is not None
        for path, value in media_fields(record):
            check(raw.doc.position(path), value)
        for markdown, _, base in _markdown_texts(record, raw):
            fallback = raw.doc.position((MARKDOWN_FIELDS[0],) if not isinstance(record, Story) else ())
            for match in _MD_IMAGE.finditer(markdown):
                position = _markdown_position(raw, markdown, base, match, fallback)
                value = match.group(2)
                if not _is_remote(value) and not value.startswith("media/") and resolve_media(settings, value) is not None:
                    # Only media/ links are rewritten for each page and published.
                    problems.add(
                        position,
                        f"正文图片 {value} 不在 media/ 下，发布后会显示不出来",
                        "media.location",
                        hint="把图片放到 content/media/ 下，写成 media/xxx.jpg",
                    )
                    continue
                check(position, value)
            for match in _HTML_IMG.finditer(markdown):
                reason = "remote" if _is_remote(match.group(1)) else "html"
                _media_problem(_markdown_position(raw, markdown, base, match, fallback), match.group(1), reason, settings, problems)
    finder.verdicts.save()


# --- accessibility ----------------------------------------------------------

_ALT_FIELDS = (("photo", "photo_alt", "照片"), ("cover", "cover_alt", "封面图"), ("banner", "banner_alt", "题图"))


class _PerFile:
    """What a check of one file found, kept while the file is the same (its text, and the
    parser's same document for it): `mkdocs serve` checks again only the files a save changed.

    Only for checks that read nothing but the file (no other record, no file system).
    """

    def __init__(self) -> None:
        self.seen: dict[str, tuple[Any, tuple, tuple[Problem, ...]]] = {}

    def run(self, raw: RawRecord, problems: Problems, check: Callable[..., None], *args: Any) -> None:
        stamp = (len(raw.text), hash(raw.text))
        known = self.seen.get(raw.file)
        if known is not None and known[0] is raw.doc and known[1] == stamp:
            problems.extend(known[2])
            return
        found = Problems()
        check(raw, found, *args)
        self.seen[raw.file] = (raw.doc, stamp, tuple(found.items))
        problems.extend(found.items)


_numbers_checked = _PerFile()
_alt_checked = _PerFile()


def _check_alt_text(result: Validated, problems: Problems) -> None:
    """Images without a text alternative: warnings, the page still works."""
    for record, raw, _ in result.checkable():
        _alt_checked.run(raw, problems, _alt_text_in, record)


def _alt_text_in(raw: RawRecord, problems: Problems, record: Record) -> None:
    hint = "用一句话描述图片内容，供视障读者的读屏软件朗读，也在图片加载失败时显示"
    assert raw.doc is not None
    for image_field, alt_field, label in _ALT_FIELDS:
        if getattr(record, image_field, None) and not (getattr(record, alt_field, None) or "").strip():
            problems.add(
                raw.doc.position((image_field,), key=True),
                f"{label}缺少文字说明 {alt_field}",
                "a11y.alt",
                severity="warning",
                hint=f"增加 {alt_field}: {hint}",
            )
    for markdown, where, base in _markdown_texts(record, raw):
        fallback = raw.doc.position((MARKDOWN_FIELDS[0],) if not isinstance(record, Story) else ())
        for match in _MD_IMAGE.finditer(markdown):
            if not match.group(1).strip():
                problems.add(
                    _markdown_position(raw, markdown, base, match, fallback),
                    f"{where.strip()}中的图片 {match.group(2)} 缺少文字说明",
                    "a11y.alt",
                    severity="warning",
                    hint=f"写在方括号里：![图片说明]({match.group(2)})；{hint}",
                )


# --- privacy ----------------------------------------------------------------


def _owner(raw: RawRecord, line: int) -> str | None:
    """The top-level field written on or above `line`, or None (story body, file start)."""
    if raw.doc is None:
        return None
    if raw.cls is Story and line >= raw.body_line:
        return None
    best: tuple[int, str] | None = None
    for path, (key_line, _) in raw.doc.keys.items():
        key_line += raw.doc.line_offset
        if len(path) == 1 and key_line <= line and (best is None or key_line >= best[0]):
            best = (key_line, str(path[0]))
    return best[1] if best else None


def _where(raw: RawRecord, line: int) -> str:
    """How a message names the place of a finding: 正文, 字段 bio, 文件中."""
    if raw.cls is Story and raw.doc is not None and line >= raw.body_line:
        return "正文"
    owner = _owner(raw, line)
    return f"字段 {owner} " if owner else "文件中"


def _report_number(raw: RawRecord, position: Position, where: str, owner: str | None, kind: str, masked: str, problems: Problems) -> None:
    if kind == "mobile" and raw.cls is Organization and owner == "phone":
        problems.add(
            position,
            f"phone 只能填办公电话（座机），这里是手机号（{masked}），不得公开",
            "privacy.mobile",
            hint="改为单位的座机号码",
        )
    elif kind == "mobile":
        problems.add(
            position,
            f"{where}含有手机号（{masked}），不得公开",
            "privacy.mobile",
            hint="删除手机号；组织可在 phone 字段公开办公电话（座机）",
        )
    elif kind == "bank-card":
        problems.add(
            position,
            f"{where}含有银行卡号（{masked}），不得公开",
            "privacy.bank-card",
            hint="删除卡号；募捐信息请只写组织的公开渠道",
        )
    else:
        problems.add(position, f"{where}含有身份证号（{masked}），不得公开", "privacy.id-number", hint="删除身份证号")


def _string_values(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _string_values(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _string_values(value, path + (index,))


def _check_personal_numbers(raws: list[RawRecord], problems: Problems) -> None:
    """ID, mobile and bank card numbers anywhere in a file, parsed or not, comments included.

    The file's text is scanned as written (exact lines), then each parsed value,
    which catches what YAML joins or unescapes (`>` folding, `"\\uff11"`).
    """
    for raw in raws:
        _numbers_checked.run(raw, problems, _numbers_in)


def _numbers_in(raw: RawRecord, problems: Problems) -> None:
    seen: set[str] = set()
    for offset, kind, masked in find_personal_numbers(raw.text):
        position = _offset_position(raw.file, raw.text, offset)
        _report_number(raw, position, _where(raw, position.line), _owner(raw, position.line), kind, masked, problems)
        seen.add(masked)
    if raw.doc is None:
        return
    for path, value in _string_values(raw.doc.data):
        if value in raw.text:
            continue  # written as it reads: the scan of the text saw it
        for _, kind, masked in find_personal_numbers(value):
            if masked not in seen:
                seen.add(masked)
                owner = str(path[0]) if path else None
                where = f"字段 {owner} " if owner else "文件中"
                _report_number(raw, raw.doc.position(path), where, owner, kind, masked, problems)


def _published_contacts(result: Validated) -> set[str]:
    """The addresses organisations publish (`public_contacts`): not a private person's."""
    return {
        contact_key(value)
        for record, _, broken in result.checkable()
        if isinstance(record, Organization) and "public_contacts" not in broken
        for value in record.public_contacts
    }


def _check_contacts(raws: list[RawRecord], result: Validated, problems: Problems) -> None:
    """E-mail addresses and WeChat ids: a private person's must not be published (warnings)."""
    published = _published_contacts(result)
    for raw in raws:
        for offset, kind, masked, key in find_contacts(raw.text):
            if key in published:
                continue
            position = _offset_position(raw.file, raw.text, offset)
            label = CONTACT_LABELS[kind]
            problems.add(
                position,
                f"{_where(raw, position.line)}含有{label}（{masked}）：个人的{label}不得公开",
                f"privacy.{kind}",
                severity="warning",
                hint=f"删除个人的{label}；组织对外公开的邮箱或微信号，写进该组织文件的 public_contacts 后不再提示",
            )


def _check_file_names(settings: Settings, problems: Problems) -> None:
    """A file named with a private number (a photo saved as an ID number) publishes it in its address."""
    for folder in (settings.content_dir, settings.stories_dir):
        for directory, subfolders, files in os.walk(folder):
            subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
            for name in sorted(subfolders + [name for name in files if not name.startswith(".")]):
                for _, kind, masked in find_personal_numbers(name):
                    # The problem names the folder: the file's own name would repeat the number.
                    parent = relative_file(Path(directory), settings.root)
                    problems.add(
                        Position(parent),
                        f"{parent}/ 中有一个{'文件夹名' if name in subfolders else '文件名'}含有{KIND_LABELS[kind]}（{masked}），不得公开",
                        f"privacy.{'id-number' if kind == 'id' else kind}",
                        hint="给文件改名（如用姓名拼音加序号），并修改引用它的地方",
                    )


def _check_consent(result: Validated, settings: Settings, problems: Problems) -> None:
    for volunteer, raw, broken in result.checkable():
        if not isinstance(volunteer, Volunteer) or broken & {"consent", "draft"}:
            continue
        if volunteer.draft and not settings.include_drafts:
            continue  # not published; checked again when it is
        assert raw.doc is not None
        consent = volunteer.consent
        if consent is None or not consent.publish:
            problems.add(
                raw.doc.position(("consent", "publish") if consent else ()),
                f"志愿者 {volunteer.name} 没有同意公开的记录（consent.publish: true），不能发布",
                "privacy.consent",
                hint="取得本人（未满十四周岁由监护人）同意后填写 consent，"
                + ("才能删除 draft: true 发布" if volunteer.draft else "或设为 draft: true"),
            )
            continue
        if volunteer.photo and not consent.portrait and "photo" not in broken:
            problems.add(
                raw.doc.position(("photo",)),
                f"志愿者 {volunteer.name} 有照片，但没有同意使用肖像（consent.portrait: true）",
                "privacy.portrait",
                hint="取得肖像使用同意，或删除 photo",
            )
        if (
            volunteer.birth_year
            and "birth_year" not in broken
            and settings.build_date.year - volunteer.birth_year <= 14
            and consent.by != "监护人"
        ):
            problems.add(
                raw.doc.position(("consent", "by")),
                f"志愿者 {volunteer.name} 可能未满十四周岁（{volunteer.birth_year} 年出生），须由监护人同意（consent.by: 监护人）",
                "privacy.minor",
                hint="取得监护人同意后填写 by: 监护人",
            )


# --- placeholders of `leifeng new` -------------------------------------------

# What `leifeng new` (commands/scaffold.py) writes for staff to replace: a `# TODO`
# mark after a value (and `<!-- TODO ... -->` above a story body), "在这里写正文。" and
# "在这里写个人事迹。…" for Markdown, and "待填写" for a required value it cannot know.
_TODO = re.compile(r"(?<![A-Za-z])TODO(?![A-Za-z])")
_WRITE_HERE = re.compile(r"^\s*(在这里写)")
_TO_FILL = re.compile(r"(?:^\s*-|[:\[,])\s*(待填写)\s*(?=$|#|[,\]])")


def _placeholder(line: str, in_yaml: bool) -> tuple[int, str] | None:
    """(column, what) of a placeholder on one line of a file, or None."""
    if in_yaml and line.lstrip().startswith("#"):
        return None  # a comment: the scaffold's explanations and left-out fields
    for pattern, what in ((_TODO, "TODO 标记"), (_WRITE_HERE, "“在这里写……”"), (_TO_FILL, "“待填写”")):
        match = pattern.search(line)
        if match:
            return match.start(match.lastindex or 0) + 1, what
    return None


def _check_placeholders(raws: list[RawRecord], drafts: dict[str, RawRecord], problems: Problems) -> None:
    """A published record that still holds what `leifeng new` wrote for staff to replace."""
    for raw in raws:
        if raw.doc is None or raw.file in drafts or not any(mark in raw.text for mark in ("TODO", "在这里写", "待填写")):
            continue
        body_line = raw.body_line if raw.cls is Story else 0
        for number, line in enumerate(raw.text.split("\n"), start=1):
            found = _placeholder(line, in_yaml=not body_line or number < body_line)
            if found:
                column, what = found
                problems.add(
                    Position(raw.file, number, column),
                    f"这里还是 leifeng new 写的占位内容（{what}），不能发布",
                    "content.placeholder",
                    hint="改成真实内容，并删去 TODO 标记；还没写好就在文件开头加回 draft: true",
                )


# --- drafts -------------------------------------------------------------------

_DRAFT_LINE = re.compile(r"^draft:[ \t]*(?:true|True|TRUE|yes|Yes|YES|on|On|ON)[ \t]*(?:#.*)?$", re.MULTILINE)
# A private number stays an error in a draft: the file is in the repository the moment it is committed.
_ALWAYS_ERRORS = frozenset({"privacy.id-number", "privacy.mobile", "privacy.bank-card"})
# Problems that do not touch a draft's pages: with only these, `mkdocs serve` still shows it.
_PREVIEWABLE = frozenset(
    {
        "privacy.consent",
        "privacy.portrait",
        "privacy.minor",
        "link.unknown-record",
        "link.draft-record",
        "link.bad-form",
        "link.absolute",
        "link.missing-file",
        "link.missing-page",
    }
)
DRAFT_NOTE = "（草稿：发布前必须改正）"


def _is_draft(raw: RawRecord, result: Validated) -> bool:
    key = (raw.cls.record_type, raw.id)
    if result.raw.get(key) is raw:
        record = result.records[key[0]].get(raw.id)
        if record is not None:
            return record.draft
        if key in result.salvaged and "draft" not in result.salvaged[key][1]:
            return result.salvaged[key][0].draft
    if raw.doc is not None:
        return isinstance(raw.doc.data, dict) and raw.doc.data.get("draft") is True
    front = raw.text.split("\n---", 1)[0] if raw.cls is Story else raw.text  # a story: its front matter
    return bool(_DRAFT_LINE.search(front))


def _draft_files(raws: list[RawRecord], result: Validated, settings: Settings) -> dict[str, RawRecord]:
    """Files of records that are drafts and stay unpublished (a build with `drafts: show` publishes them)."""
    if settings.include_drafts and not settings.preview:
        return {}
    return {raw.file: raw for raw in raws if _is_draft(raw, result)}


def _soften_drafts(drafts: dict[str, RawRecord], result: Validated, settings: Settings, problems: Problems) -> None:
    """A draft's own problems become warnings: they must be fixed before it is published, not before anything else is.

    A draft with a problem that could break its pages is left out of the
    records (and so of `mkdocs serve`) until it is fixed; one that only lacks
    consent is still shown there.
    """
    hidden: set[tuple[str, str]] = set()
    softened = []
    for problem in problems.items:
        raw = drafts.get(problem.position.file)
        if raw is not None and problem.severity == "error" and problem.code not in _ALWAYS_ERRORS:
            key = (raw.cls.record_type, raw.id)
            hide = problem.code not in _PREVIEWABLE and result.raw.get(key) is raw
            if hide:
                hidden.add(key)
            hint = (
                problem.hint + ("；" if problem.hint else "") + "改正前，预览中不显示这条草稿"
                if hide and settings.include_drafts
                else problem.hint
            )
            problem = Problem(problem.position, problem.message + DRAFT_NOTE, problem.code, "warning", hint)
        softened.append(problem)
    problems.items[:] = softened
    for kind, rid in hidden:
        result.records[kind].pop(rid, None)


def validate(raws: list[RawRecord], settings: Settings, problems: Problems) -> Validated:
    """Models, then references and vocabularies, then media, alt text, privacy and placeholders.

    A draft's own problems are then made warnings (private numbers excepted).
    """
    result = Validated()
    _validate_models(raws, problems, result)
    _check_references(result, settings, problems)
    _check_vocabularies(result, settings, problems)
    _check_media(result, settings, problems)
    _check_alt_text(result, problems)
    _check_personal_numbers(raws, problems)
    _check_file_names(settings, problems)
    _check_contacts(raws, result, problems)
    _check_consent(result, settings, problems)
    for story in result.of("story").values():
        wechat_problems(story, result.raw[("story", story.id)].doc.position, problems)
    check_links(result.records, result.raw, settings, problems)
    drafts = _draft_files(raws, result, settings)
    _check_placeholders(raws, drafts, problems)
    _soften_drafts(drafts, result, settings, problems)
    return result
