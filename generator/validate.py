"""Step 2, validate: typed models, then references, then privacy rules.

Every problem is collected with its file, line and column; nothing stops at
the first mistake. The result holds only records that passed their model, so
later steps can trust their types.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel, ValidationError

from .load import RawRecord
from .models import (
    RECORD_TYPES,
    Honor,
    Organization,
    Project,
    Record,
    Story,
    Theme,
    Volunteer,
)
from .problems import Position, Problems
from .settings import Settings


@dataclass
class Validated:
    """Records that passed their model, by kind and id, plus every id seen."""

    records: dict[str, dict[str, Record]] = field(default_factory=lambda: {k: {} for k in RECORD_TYPES})
    seen_ids: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in RECORD_TYPES})
    raw: dict[tuple[str, str], RawRecord] = field(default_factory=dict)

    def of(self, kind: str) -> dict[str, Record]:
        return self.records[kind]


# --- model errors -----------------------------------------------------------

_TYPE_MESSAGES = {
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表（每项一行以“- ”开头，或写成 [甲, 乙]）",
    "dict_type": "应为包含子字段的结构",
    "model_type": "应为包含子字段的结构",
    "model_attributes_type": "应为包含子字段的结构",
    "date_type": "应为日期，如 2024-03-05",
    "too_short": "不能为空",
    "string_too_short": "不能为空",
}


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


def describe_model_error(cls: type[Record], error: dict) -> tuple[str, str, str]:
    """(message, hint, code) in Chinese for one pydantic error."""
    loc = tuple(error["loc"])
    kind = error["type"]
    owner = _model_at(cls, loc) if loc else cls
    name = loc[-1] if loc else ""
    where = ".".join(str(p) for p in loc)
    if kind == "extra_forbidden":
        allowed = list(owner.model_fields) if owner else []
        close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
        hint = f"是不是想写 {close[0]}？" if close else ("可用字段：" + "、".join(allowed) if allowed else "")
        if name == "id":
            return "不要写 id 字段：文件名就是编号", "删除这一行", "field.unknown"
        return f"未知字段 {name}", hint, "field.unknown"
    if kind == "missing":
        return f"缺少必填字段 {_field_label(owner, name)}", "", "field.missing"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        choices = "、".join(re.findall(r"'([^']*)'", expected)) or expected
        return f"{where} 的值“{error.get('input')}”不在可选范围内", f"只能是：{choices}", "field.choice"
    if kind == "string_pattern_mismatch":
        if name == "source_url":
            return "source_url 应为以 http:// 或 https:// 开头的网址", "", "field.url"
        return f"{where} 的值“{error.get('input')}”不是有效编号", "编号只能用小写英文字母、数字和连字符，即对方的文件名", "field.id"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{where} 不能小于 {error.get('ctx', {}).get('ge', error.get('ctx', {}).get('gt'))}", "", "field.range"
    if kind in ("less_than_equal", "less_than"):
        return f"{where} 不能大于 {error.get('ctx', {}).get('le', error.get('ctx', {}).get('lt'))}", "", "field.range"
    if kind == "value_error":
        text = str(error.get("ctx", {}).get("error", error.get("msg", "")))
        code = "field.date" if "日期" in text else "field.value"
        return (f"{where}：{text}" if where else text), "", code
    if kind in ("too_short", "string_too_short") and isinstance(error.get("input"), list):
        return f"{_field_label(owner, name)} 至少要有一项", "", "field.empty"
    described = _TYPE_MESSAGES.get(kind)
    if described:
        return f"{_field_label(owner, name)} {described}", "", "field.type"
    return f"{where}：{error.get('msg')}", "", "field.invalid"


def _validate_models(raws: list[RawRecord], problems: Problems, result: Validated) -> None:
    first_file: dict[tuple[str, str], str] = {}
    for raw in raws:
        kind = raw.cls.record_type
        key = (kind, raw.id)
        if key in first_file:
            problems.add(
                raw.doc.position(()),
                f"编号 {raw.id} 重复：{first_file[key]} 已使用同一个{raw.cls.label}编号",
                "id.duplicate",
                hint="每个文件名（编号）只能用一次，请改名其中一个",
            )
            continue
        first_file[key] = raw.file
        result.seen_ids[kind].add(raw.id)
        try:
            record = raw.cls.model_validate(raw.doc.data)
        except ValidationError as exc:
            for error in exc.errors():
                message, hint, code = describe_model_error(raw.cls, error)
                loc = tuple(error["loc"])
                key_position = error["type"] in ("extra_forbidden",)
                position = raw.doc.position(loc, key=key_position)
                if error["type"] == "missing":
                    position = raw.doc.position(loc[:-1]) if len(loc) > 1 else Position(raw.file, 1 + raw.doc.line_offset, 1)
                problems.add(position, message, code, hint=hint)
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
    for kind, records in result.records.items():
        for record in records.values():
            raw = result.raw[(kind, record.id)]
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
                close = difflib.get_close_matches(target, sorted(result.seen_ids[target_kind]), n=3, cutoff=0.5)
                hint = ("是不是：" + "、".join(close)) if close else f"在 {RECORD_TYPES[target_kind].folder}/ 中找不到相近的编号"
                problems.add(raw.doc.position(path), f"找不到{label} {target}", "ref.unknown", hint=hint)


# --- vocabularies -----------------------------------------------------------


def _check_vocabularies(result: Validated, settings: Settings, problems: Problems) -> None:
    known_fields = settings.field_by_name
    field_names = "、".join(settings.fields.values())
    for kind, records in result.records.items():
        for record in records.values():
            raw = result.raw[(kind, record.id)]
            for i, value in enumerate(getattr(record, "fields", []) or []):
                if value not in known_fields:
                    close = difflib.get_close_matches(value, list(settings.fields.values()), n=1, cutoff=0.4)
                    problems.add(
                        raw.doc.position(("fields", i)),
                        f"服务领域“{value}”不在站点配置的范围内",
                        "vocab.field",
                        hint=(f"是不是“{close[0]}”？" if close else "") + f"可选：{field_names}",
                    )
            if isinstance(record, Honor) and record.level not in settings.honor_levels:
                problems.add(
                    raw.doc.position(("level",)),
                    f"级别“{record.level}”不在可选范围内",
                    "vocab.level",
                    hint="可选：" + "、".join(settings.honor_levels),
                )
            if isinstance(record, Organization) and record.kind and record.kind not in settings.organization_kinds:
                problems.add(
                    raw.doc.position(("kind",)),
                    f"组织类型“{record.kind}”不在可选范围内",
                    "vocab.kind",
                    hint="可选：" + "、".join(settings.organization_kinds) + "（可在 mkdocs.yml 的 organization_kinds 中增加）",
                )
            if isinstance(record, Honor):
                for ci, category in enumerate(record.categories):
                    seen: set[tuple[str, str]] = set()
                    for ri, recipient in enumerate(category.recipients):
                        ref = next(((k, getattr(recipient, k)) for k in ("volunteer", "organization", "project", "name") if getattr(recipient, k)), None)
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
    for name in ("photo", "logo", "cover"):
        value = getattr(record, name, None)
        if value:
            yield (name,), value


_MD_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def story_images(story: Story) -> Iterator[tuple[int, str]]:
    """(line, path) of each local image inside a story body."""
    for match in _MD_IMAGE.finditer(story.body):
        target = match.group(1)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("//"):
            continue
        line = story._body_line + story.body[: match.start()].count("\n")
        yield line, target


def resolve_media(settings: Settings, value: str) -> Path | None:
    """The file a media path names, or None when it escapes the content folder."""
    if value.startswith(("/", "\\")) or re.match(r"^[a-zA-Z]:", value):
        return None
    path = (settings.content_dir / value).resolve()
    try:
        path.relative_to(settings.content_dir)
    except ValueError:
        return None
    return path


def check_image(path: Path, settings: Settings) -> str | None:
    """Why an image cannot be published, or None. Reads only the header."""
    from PIL import Image, UnidentifiedImageError

    if not path.is_file():
        return "missing"
    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > settings.max_image_pixels:
                return f"too-large:{width}x{height}"
            image.verify()
    except UnidentifiedImageError:
        return "not-image"
    except Image.DecompressionBombError:
        return "too-large:?"
    except (OSError, SyntaxError, ValueError):
        return "broken"
    return None


def _media_problem(position: Position, value: str, reason: str, settings: Settings, problems: Problems) -> None:
    if reason == "escape":
        problems.add(position, f"图片路径“{value}”超出了 content/ 目录", "media.escape", hint="图片放在 content/media/ 下，路径写成 media/xxx.jpg")
    elif reason == "missing":
        problems.add(position, f"找不到图片 {value}", "media.missing", hint="路径相对于 content/ 目录，注意大小写和扩展名")
    elif reason == "not-image":
        problems.add(position, f"{value} 不是可识别的图片", "media.not-image", hint="请使用 JPEG、PNG 或 WebP 图片")
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


def _check_media(result: Validated, settings: Settings, problems: Problems) -> None:
    checked: dict[Path, str | None] = {}

    def check(position: Position, value: str) -> None:
        path = resolve_media(settings, value)
        if path is None:
            _media_problem(position, value, "escape", settings, problems)
            return
        if path not in checked:
            checked[path] = check_image(path, settings)
        reason = checked[path]
        if reason:
            _media_problem(position, value, reason, settings, problems)

    for kind, records in result.records.items():
        for record in records.values():
            raw = result.raw[(kind, record.id)]
            for path, value in media_fields(record):
                check(raw.doc.position(path), value)
            if isinstance(record, Story):
                for line, value in story_images(record):
                    check(Position(raw.file, line, 1), value)


# --- privacy ----------------------------------------------------------------

_ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3})([0-9Xx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![0-9])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def is_resident_id(number: str) -> bool:
    """GB 11643-1999: 17 digits, then a check digit (0-9 or X)."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != number[17].upper():
        return False
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    return 1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31


def find_personal_numbers(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, kind, masked) for every ID number or mobile number in text."""
    for match in _ID_CANDIDATE.finditer(text):
        number = match.group(0)
        if is_resident_id(number):
            yield match.start(), "id", number[:3] + "*" * 11 + number[-4:]
    for match in _MOBILE.finditer(text):
        yield match.start(), "mobile", f"{match.group(1)}****{match.group(3)}"


def _strings(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, path + (index,))
    elif isinstance(data, int) and not isinstance(data, bool):
        yield path, str(data)


def _report_number(position: Position, kind: str, masked: str, where: str, problems: Problems) -> None:
    if kind == "id":
        problems.add(position, f"{where}含有身份证号（{masked}），不得公开", "privacy.id-number", hint="删除身份证号")
    else:
        problems.add(position, f"{where}含有手机号（{masked}），不得公开", "privacy.mobile", hint="删除手机号；组织可在 phone 字段公开办公电话")


def _check_privacy(raws: list[RawRecord], result: Validated, settings: Settings, problems: Problems) -> None:
    for raw in raws:
        data = raw.doc.data if isinstance(raw.doc.data, dict) else {}
        for path, text in _strings(data):
            if raw.cls is Organization and path == ("phone",):
                continue
            for offset, kind, masked in find_personal_numbers(text):
                position = raw.doc.position(path)
                if "\n" in text:
                    position = position.at(position.line + 1 + text[:offset].count("\n"), 1)
                _report_number(position, kind, masked, f"字段 {path[0]} ", problems)
        if raw.cls is Story:
            for offset, kind, masked in find_personal_numbers(raw.body):
                line = raw.body_line + raw.body[:offset].count("\n")
                _report_number(Position(raw.file, line, 1), kind, masked, "正文", problems)
    for volunteer in result.records["volunteer"].values():
        assert isinstance(volunteer, Volunteer)
        raw = result.raw[("volunteer", volunteer.id)]
        consent = volunteer.consent
        if consent is None or not consent.publish:
            problems.add(
                raw.doc.position(("consent",) if consent else ()),
                f"志愿者 {volunteer.name} 没有同意公开的记录（consent.publish: true），不能发布",
                "privacy.consent",
                hint="取得本人（未满十四周岁由监护人）同意后填写 consent，或设为 draft: true",
            )
            continue
        if volunteer.photo and not consent.portrait:
            problems.add(
                raw.doc.position(("photo",)),
                f"志愿者 {volunteer.name} 有照片，但没有同意使用肖像（consent.portrait: true）",
                "privacy.portrait",
                hint="取得肖像使用同意，或删除 photo",
            )
        if volunteer.birth_year and settings.build_date.year - volunteer.birth_year <= 14 and consent.by != "监护人":
            problems.add(
                raw.doc.position(("consent", "by")),
                f"志愿者 {volunteer.name} 可能未满十四周岁（{volunteer.birth_year} 年出生），须由监护人同意（consent.by: 监护人）",
                "privacy.minor",
                hint="取得监护人同意后填写 by: 监护人",
            )


def validate(raws: list[RawRecord], settings: Settings, problems: Problems) -> Validated:
    """Models, then references and vocabularies, then media and privacy."""
    result = Validated()
    _validate_models(raws, problems, result)
    _check_references(result, settings, problems)
    _check_vocabularies(result, settings, problems)
    _check_media(result, settings, problems)
    _check_privacy(raws, result, settings, problems)
    return result
