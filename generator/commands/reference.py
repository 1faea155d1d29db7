"""The field reference of the staff guide, rendered from the content models.

Staff read this page to know which fields a file may hold, what each means
and how to write its value. It is derived from `models.py` alone (each
field's title, description, type, whether it is required and its default),
so that a field added to a model appears here without anyone writing it
twice. With the site's settings it also lists the configured vocabularies
(service fields, honour levels, organisation kinds, star thresholds).

    python -m generator.commands.reference [-f mkdocs.yml]   prints the page
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union

from annotated_types import Ge, Gt, Le, Lt, MinLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..content import models
from ..content.models import ID_PATTERN, RECORD_TYPES, YAML_RECORD_TYPES, Honor, Organization, Record, Volunteer
from ..content.settings import STAR_NAMES, Settings

TITLE = "字段说明"
GUIDE_LINK = "../guide.md"  # this page is generated at guide/fields.md, next to docs/guide.md

# Vocabularies configured in mkdocs.yml, and the fields they govern (as `validate.py` and
# `catalog.py` use them); tests check that these fields exist.
SERVICE_FIELD = "fields"  # any record's `fields` takes the configured service fields
VOCABULARY_FIELDS: dict[tuple[type[Record], str], tuple[str, str]] = {
    (Honor, "level"): ("honor_levels", "荣誉级别"),
    (Organization, "kind"): ("organization_kinds", "组织类型"),
}
STAR_FIELD: tuple[type[Record], str] = (Volunteer, "service_hours")

UNKNOWN_TYPE = "其他（见说明）"


# --- types in plain Chinese ---------------------------------------------------


def _alias_names() -> list[tuple[Any, str]]:
    """The named types of `models.py`, compared by equality with annotations."""
    return [
        (models.Date, "日期（年-月-日）"),
        (models.MediaPath, "图片路径"),
        (models.Year, "年份（四位数字）"),
    ]


def _constraints(metadata: list[Any]) -> str:
    """A number's bounds in words, from `Ge`/`Le` metadata."""
    low = next((m.ge for m in metadata if isinstance(m, Ge)), None)
    low = next((m.gt for m in metadata if isinstance(m, Gt)), low)
    high = next((m.le for m in metadata if isinstance(m, Le)), None)
    high = next((m.lt for m in metadata if isinstance(m, Lt)), high)
    if low is not None and high is not None:
        return f"（{low} 至 {high}）"
    if low is not None:
        return f"（不小于 {low}）"
    if high is not None:
        return f"（不大于 {high}）"
    return ""


def _min_items(metadata: list[Any]) -> int:
    return max((m.min_length for m in metadata if isinstance(m, MinLen)), default=0)


def _flatten(metadata: list[Any]) -> list[Any]:
    """Metadata, with the constraints of `Field(...)` objects inside `Annotated` unpacked."""
    flat: list[Any] = []
    for item in metadata:
        if isinstance(item, FieldInfo):
            flat.extend(item.metadata)
        else:
            flat.append(item)
    return flat


def _is_id(metadata: list[Any]) -> bool:
    return any(getattr(m, "pattern", None) == ID_PATTERN for m in metadata)


def _without_none(annotation: Any) -> Any:
    """`X | None` -> `X`; other unions are left alone."""
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
        return Union[tuple(args)]  # noqa: UP007 - rebuilding a union from its parts
    return annotation


def nested_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """(model, is_list) when a field holds sub-fields, or a list of them."""
    annotation = _without_none(annotation)
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) is list:
        inner, _ = nested_model(typing.get_args(annotation)[0])
        return inner, inner is not None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    return None, False


def reference_target(name: str, description: str) -> str | None:
    """The kind of record an id field points to: by the field's name, else by its description."""
    for cls in RECORD_TYPES.values():
        if name in (cls.record_type, cls.folder):
            return cls.label
    for cls in sorted(RECORD_TYPES.values(), key=lambda c: -len(c.label)):
        if re.search(re.escape(cls.label) + "的?编号", description):
            return cls.label
    return None


def type_text(annotation: Any, metadata: list[Any], *, name: str = "", description: str = "") -> str:
    """An annotation in plain Chinese, for staff who do not program."""
    annotation = _without_none(annotation)
    for alias, text in _alias_names():
        if annotation == alias:
            return text
    if typing.get_origin(annotation) is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return type_text(base, metadata + _flatten(extra), name=name, description=description)
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return "以下之一：" + "、".join(str(v) for v in typing.get_args(annotation))
    if origin in (Union, types.UnionType):
        parts = [type_text(a, [], name=name, description=description) for a in typing.get_args(annotation)]
        return "，或".join(parts)
    if origin is list:
        item = typing.get_args(annotation)[0]
        least = _min_items(metadata)
        head = f"列表（至少 {least} 项）" if least else "列表"
        if nested_model(item)[0] is not None:
            return f"{head}，每项含子字段"
        return f"{head}，每项为{type_text(item, [], name=name, description=description)}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "含子字段"
    if annotation is bool:
        return "是/否（true/false）"
    if annotation is int:
        return "整数" + _constraints(metadata)
    if annotation is float:
        return "数字" + _constraints(metadata)
    if annotation is dt.date:
        return "日期（年-月-日）"
    if annotation is str:
        if _is_id(metadata):
            target = reference_target(name, description)
            return f"编号（指向{target}）" if target else "编号（指向其他记录）"
        return "文字"
    return UNKNOWN_TYPE


# --- rows -------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of a field table."""

    path: str
    title: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class Table:
    """The fields of one model, at a path inside a record (`""` for the record itself)."""

    path: str
    title: str
    model: type[BaseModel]
    rows: tuple[Row, ...]


def _default_text(info: FieldInfo) -> str:
    """The default in words ("不填时为 …"), or nothing when the default is empty."""
    if info.is_required() or info.default_factory is not None:
        return ""
    value = info.get_default()
    if value is None or value == "" or value == [] or isinstance(value, BaseModel):
        return ""
    if isinstance(value, bool):
        return "不填时为 " + ("true" if value else "false")
    if isinstance(value, str):
        return f"不填时为“{value}”"
    return f"不填时为 {value}"


def _vocabulary_text(record: type[Record], name: str, settings: Settings | None) -> str:
    if settings is None:
        return ""
    if name == SERVICE_FIELD:
        return "可选：" + "、".join(settings.fields.values()) + "（也可写网址代号，见本页末“站点可选值”）"
    if (record, name) in VOCABULARY_FIELDS:
        attribute, _ = VOCABULARY_FIELDS[(record, name)]
        return "可选：" + "、".join(getattr(settings, attribute))
    if (record, name) == STAR_FIELD:
        return "星级：" + "、".join(f"{star} {hours} 小时" for star, hours in zip(STAR_NAMES, settings.star_thresholds, strict=False))
    return ""


def _row(record: type[Record], model: type[BaseModel], prefix: str, name: str, info: FieldInfo, settings: Settings | None) -> Row:
    description = info.description or ""
    kind = type_text(info.annotation, list(info.metadata), name=name, description=description)
    inner, is_list = nested_model(info.annotation)
    if inner is not None:
        kind += f"，见下方 `{prefix}{name}{'[]' if is_list else ''}` 表"
    notes = [description.rstrip("。")] if description else []
    if model is record:
        vocabulary = _vocabulary_text(record, name, settings)
        if vocabulary:
            notes.append(vocabulary)
    default = _default_text(info)
    if default:
        notes.append(default)
    return Row(prefix + name, info.title or "", kind, info.is_required(), "；".join(notes))


def tables_for(record: type[Record], settings: Settings | None = None) -> list[Table]:
    """The record's own table, then one table per nested model, depth first."""
    tables: list[Table] = []

    def walk(model: type[BaseModel], path: str, title: str) -> None:
        prefix = f"{path}." if path else ""
        table = Table(path, title, model, tuple(_row(record, model, prefix, n, i, settings) for n, i in model.model_fields.items()))
        tables.append(table)
        for name, info in model.model_fields.items():
            inner, is_list = nested_model(info.annotation)
            if inner is not None:
                walk(inner, f"{prefix}{name}{'[]' if is_list else ''}", info.title or name)

    walk(record, "", record.label)
    return tables


def field_paths(record: type[Record]) -> Iterator[str]:
    """Every field path of a record, as the reference writes it (`consent.publish`, `phases[].name`)."""
    for table in tables_for(record):
        for row in table.rows:
            yield row.path


# --- Markdown -----------------------------------------------------------------


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _table(rows: tuple[Row, ...]) -> list[str]:
    lines = ["| 字段 | 名称 | 类型 | 必填 | 说明 |", "|---|---|---|---|---|"]
    for row in rows:
        cells = [f"`{row.path}`", row.title, row.type, "是" if row.required else "否", row.description]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def _folder(settings: Settings | None, record: type[Record]) -> str:
    """Where a kind of record lives, as staff see it in the repository."""
    if record in YAML_RECORD_TYPES:
        base = settings.content_dir if settings else Path("content")
        folder = f"{_relative(base, settings)}/{record.folder}"
    else:
        folder = _relative(settings.stories_dir if settings else Path("stories"), settings)
    return folder


def _relative(path: Path, settings: Settings | None) -> str:
    if settings is None or not path.is_absolute():
        return path.as_posix()
    try:
        return Path(os.path.relpath(path, settings.root)).as_posix()
    except ValueError:
        return path.as_posix()


def _alias_description(alias: Any, term: str) -> str:
    """A named type's own description, without a leading repeat of the term it explains."""
    info = next(m for m in typing.get_args(alias)[1:] if isinstance(m, FieldInfo))
    text = (info.description or "").rstrip("。")
    return re.sub(rf"^(记录)?{re.escape(term)}[：，]", "", text)


def _introduction(settings: Settings | None) -> list[str]:
    media = _relative(settings.content_dir, settings) if settings else "content"
    return [
        f"# {TITLE}",
        "",
        f"本页由程序根据内容模型自动生成，与内容检查使用同一套规则。怎样新建和修改内容，请先看[编辑指南]({GUIDE_LINK})。",
        "",
        "怎样读下面的表格：",
        "",
        "- **字段**：文件里冒号前的英文名，照原样书写，区分大小写。",
        "- **必填**：“是”表示必须填写；“否”表示可以不写，不写时网页上就不显示这一项（或使用说明中的默认值）。",
        "- **子字段**：`consent.publish` 表示写在 `consent:` 下面、缩进两个空格的 `publish:`；"
        "`phases[].name` 表示 `phases:` 列表中每一项的 `name:`。子表中的“必填”指写了上一级字段时必须填写。",
        "- **列表**：写成 `[甲, 乙]`，或每项单独一行、以 `- ` 开头。",
        "- **多段文字**：在字段名后写 `|`，从下一行起每行缩进两个空格。",
        f"- **编号**：{_alias_description(models.RecordId, '编号')}。编号就是对方记录的文件名（不含扩展名）。",
        f"- **图片路径**：{_alias_description(models.MediaPath, '图片路径')}；图片放在 `{media}/media/` 下。",
        "- 不要写 `id` 字段：文件名就是编号。",
    ]


def _record_section(record: type[Record], settings: Settings | None) -> list[str]:
    folder = _folder(settings, record)
    lines = ["", f"## {record.label}", ""]
    if record in YAML_RECORD_TYPES:
        lines.append(f"文件：`{folder}/<编号>.yaml`，一条记录一个文件，文件名（不含 `.yaml`）就是编号。文件由下表中的“字段: 值”组成。")
    else:
        lines.append(
            f"文件：`{folder}/<编号>.md`，一篇一个文件（也可以放在 `{folder}/` 下的子文件夹里），"
            "文件名（不含 `.md`）就是编号。文件开头两行 `---` 之间是下表中的字段，第二个 `---` 之后是正文（Markdown）。"
        )
    for table in tables_for(record, settings):
        if table.path:
            lines += ["", f"### `{table.path}`：{table.title}", ""]
        else:
            lines.append("")
        lines += _table(table.rows)
    return lines


def _vocabulary_section(settings: Settings) -> list[str]:
    lines = ["", "## 站点可选值", "", "以下取值在 `mkdocs.yml` 的 `leifeng` 设置中配置，修改请联系网站管理员。"]
    lines += ["", "### 服务领域", "", f"用于各类记录的 `{SERVICE_FIELD}` 字段，填名称或网址代号均可。", ""]
    lines += ["| 名称 | 网址代号 |", "|---|---|"]
    lines += [f"| {_cell(name)} | `{_cell(slug)}` |" for slug, name in settings.fields.items()]
    for (record, name), (attribute, label) in VOCABULARY_FIELDS.items():
        values = "、".join(getattr(settings, attribute))
        lines += ["", f"### {label}", "", f"用于{record.label}的 `{name}` 字段：{values}。"]
    lines += ["", "### 志愿者星级", "", "由志愿者的累计服务时长自动计算，不需要填写。", ""]
    lines += ["| 星级 | 累计服务时长 |", "|---|---|"]
    lines += [f"| {star} | {hours} 小时及以上 |" for star, hours in zip(STAR_NAMES, settings.star_thresholds, strict=False)]
    return lines


def field_reference_markdown(settings: Settings | None = None) -> str:
    """The field reference page, in Chinese Markdown; the same input gives the same text."""
    lines = _introduction(settings)
    for record in RECORD_TYPES.values():
        lines += _record_section(record, settings)
    if settings is not None:
        lines += _vocabulary_section(settings)
    return "\n".join(lines) + "\n"


# --- command line ---------------------------------------------------------------


def settings_from_config(config_file: str) -> Settings:
    """The settings of the `leifeng` plugin in a mkdocs.yml."""
    from mkdocs.config import load_config

    from ..content.settings import make_settings

    config = load_config(config_file)
    plugin = config.plugins.get("leifeng")
    if plugin is None:
        raise SystemExit(f"{config_file} 中没有启用 leifeng 插件")
    return make_settings(dict(plugin.config), Path(config_file).resolve().parent)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.commands.reference", description="打印内容字段说明（Markdown）")
    parser.add_argument("-f", "--config-file", help="读取此 mkdocs.yml 中的站点可选值（服务领域、荣誉级别等）")
    args = parser.parse_args(argv)
    settings = settings_from_config(args.config_file) if args.config_file else None
    text = field_reference_markdown(settings)
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
