"""`leifeng new`: a ready-to-fill file for a new record, written from the models.

Every field of the record's model appears, with its Chinese title, type and
description as a comment (the same words as the field reference, from
`reference.py`), so a field added to `models.py` appears in new files without
anyone editing a template. Required fields are written out with a value;
optional ones are commented out, ready to be uncommented.

The scaffold is valid as it stands: it starts with `draft: true`, so an
untouched file passes `leifeng check` and is never published. Values that the
command cannot know (a category name, an honour's level) are placeholders
marked `TODO` at the end of their line. Staff fill the file, run
`leifeng check`, and delete the `draft: true` line to publish.

Ids come from the Chinese title or name (pinyin), never clash with an
existing file, and can be given with `--id`.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pypinyin import Style, lazy_pinyin

from ..content import models
from ..content.models import ID_RE, RECORD_TYPES, Record, Story
from ..content.settings import Settings
from ..text.strokes import split_surname
from .reference import _row, _without_none, nested_model

KINDS: dict[str, type[Record]] = {cls.record_type: cls for cls in RECORD_TYPES.values()}
TITLE_FIELDS = ("name", "title")  # the field the command's argument fills
MARKDOWN_FIELDS = ("bio", "body", "intro", "closing", "text", "after")
PEOPLE = (models.Volunteer,)
TODO = "TODO"
MAX_ID_LENGTH = 40


class ScaffoldError(Exception):
    """The file cannot be written; the message says why, in Chinese."""


# --- ids ----------------------------------------------------------------------


def _syllables(text: str) -> list[str]:
    """Pinyin of each character; digits and Latin letters kept as they are."""
    return [s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors=lambda s: list(s)) if s.strip()]


def _clean(text: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return re.sub(r"-{2,}", "-", text)


def person_id(name: str) -> str:
    """`张晓红` -> `zhang-xiaohong`, `欧阳兰` -> `ouyang-lan`: surname, then given name."""
    surname, given = split_surname(name.strip())
    parts = ["".join(_syllables(surname)), "".join(_syllables(given))]
    return _clean("-".join(p for p in parts if p)) or "volunteer"


def title_id(title: str) -> str:
    """An id from a title: pinyin two syllables a word, cut at a subtitle and at 40 letters.

    `生日午餐会：一百位老人的“第一次生日”` -> `shengri-wucan-hui`. Chinese words are
    most often two characters; an id is an address, not a translation, and
    staff can choose their own with --id.
    """
    main = re.split(r"[：:——｜|（(“\"《]", title.strip(), maxsplit=1)[0]
    if len(re.sub(r"\W", "", main)) >= 2:
        title = main
    words: list[str] = []
    for run in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+|[A-Za-z0-9]+", title):
        if run.isascii():
            words.append(run.lower())
            continue
        syllables = _syllables(run)
        words.extend("".join(syllables[i : i + 2]) for i in range(0, len(syllables), 2))
    text = ""
    for word in words:
        candidate = f"{text}-{word}" if text else word
        if len(candidate) > MAX_ID_LENGTH and text:
            break
        text = candidate
    return _clean(text) or "record"


def new_id(cls: type[Record], title: str) -> str:
    return person_id(title) if cls in PEOPLE else title_id(title)


def existing_ids(cls: type[Record], settings: Settings) -> set[str]:
    folder = record_folder(cls, settings)
    if not folder.is_dir():
        return set()
    files = folder.rglob("*.md") if cls is Story else folder.glob("*.yaml")
    return {path.stem for path in files}


def unique_id(base: str, taken: set[str]) -> str:
    """`zhang-wei`, then `zhang-wei-2`, `zhang-wei-3`... whichever is free first."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def record_folder(cls: type[Record], settings: Settings) -> Path:
    return settings.stories_dir if cls is Story else settings.content_dir / cls.folder


def record_path(cls: type[Record], rid: str, settings: Settings) -> Path:
    return record_folder(cls, settings) / (f"{rid}.md" if cls is Story else f"{rid}.yaml")


# --- the text -----------------------------------------------------------------


def _annotation_core(annotation: Any) -> Any:
    annotation = _without_none(annotation)
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _comment(record: type[Record], model: type[BaseModel], name: str, info: FieldInfo, settings: Settings | None) -> str:
    row = _row(record, model, "", name, info, settings)
    kind = re.sub(r"，见下方 .*表$", "", row.type)
    description = row.description.replace("见本页末“站点可选值”", "见字段说明页末“站点可选值”").rstrip("。")
    head = f"{row.title or name}{'（必填）' if row.required else ''}：{kind}。"
    return head + (f"{description}。" if description else "")


def _scalar(value: Any) -> str:
    """One YAML value on one line, quoted when YAML would read it as something else."""
    import yaml

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    text = yaml.safe_dump(str(value), allow_unicode=True, default_flow_style=True, width=10_000).strip()
    return text.removesuffix("\n...").removesuffix("...").strip()


class _Writer:
    """Lines of YAML; a left-out field is commented out at its own column, its sub-fields with it."""

    def __init__(self, record: type[Record], rid: str, title: str, settings: Settings | None, today: dt.date) -> None:
        self.record, self.rid, self.title, self.settings, self.today = record, rid, title, settings, today
        self.lines: list[str] = []

    def emit(self, column: int, text: str, dead: int | None) -> None:
        """A line at `column`; inside a left-out block, `# ` is put at the block's column."""
        if dead is None:
            self.lines.append(" " * column + text)
        else:
            self.lines.append(" " * dead + "# " + " " * (column - dead) + text)

    def placeholder(self, model: type[BaseModel], name: str, info: FieldInfo, fill: bool) -> tuple[Any, str]:
        """(value, trailing comment) for a field written out."""
        annotation = _annotation_core(info.annotation)
        if model is self.record and name in TITLE_FIELDS:
            return self.title, ""
        if annotation is dt.date:
            return (self.today, f"# {TODO} 核对日期") if fill else (None, "")
        if typing.get_origin(annotation) is Literal:
            return (typing.get_args(annotation)[0] if info.is_required() else info.get_default()), ""
        if annotation is bool:
            return (False if info.is_required() else info.get_default()), ""
        if typing.get_origin(annotation) is list:
            return [], ""
        if model is models.Honor and name == "level" and self.settings is not None:
            return self.settings.honor_levels[0], f"# {TODO} 改为实际级别：{'、'.join(self.settings.honor_levels)}"
        if fill:
            return "待填写", f"# {TODO} 必填：{info.title or name}"
        default = None if info.is_required() else info.get_default()
        if default is not None and default != "" and not isinstance(default, BaseModel):
            return default, ""
        if name in ("photo", "cover", "logo", "banner"):
            return f"media/{self.record.folder}/{self.rid}.jpg", ""
        return None, ""

    def field(
        self,
        model: type[BaseModel],
        name: str,
        info: FieldInfo,
        column: int,
        dead: int | None,
        *,
        dash: bool = False,
        fill: bool | None = None,
    ) -> None:
        """A field's comment line, then its value; optional fields are left out (commented)."""
        fill = info.is_required() if fill is None else fill
        own = dead if dead is not None else (None if fill else column)
        self.emit(column, "# " + _comment(self.record, model, name, info, self.settings), dead)
        key = ("- " if dash else "") + name
        inner = column + (2 if dash else 0) + 2  # where sub-fields and continued text start
        sub_model, is_list = nested_model(info.annotation)
        if sub_model is not None:
            self.emit(column, f"{key}:", own)
            if is_list:
                self.item(sub_model, inner, own)
            else:
                for sub, sub_info in sub_model.model_fields.items():
                    self.field(sub_model, sub, sub_info, inner, own)
        elif name in MARKDOWN_FIELDS:
            self.emit(column, f"{key}: |", own)
            self.emit(inner, f"在这里写{info.title or name}。段落之间空一行，可以用 Markdown（## 小标题、**加粗**）。", own)
        else:
            value, note = self.placeholder(model, name, info, fill)
            self.emit(column, (f"{key}: {_scalar(value)}".rstrip() + (f"  {note}" if note else "")), own)

    def item(self, model: type[BaseModel], column: int, dead: int | None) -> None:
        """One example entry of a list: the fields it needs first (the first carries `- `), then the rest."""
        fields = list(model.model_fields.items())
        needed = [n for n, i in fields if i.is_required()] or (["name"] if "name" in model.model_fields else [fields[0][0]])
        ordered = [f for f in fields if f[0] in needed] + [f for f in fields if f[0] not in needed]
        for index, (name, info) in enumerate(ordered):
            self.field(model, name, info, column if index == 0 else column + 2, dead, dash=index == 0, fill=name in needed)


def _header(cls: type[Record], title: str, rid: str) -> list[str]:
    return [
        f"# {cls.label}：{title}（由 leifeng new 生成，编号 {rid}）",
        "#",
        "# 怎样填写：",
        "# - “# ”开头的行是说明，或暂时不用的字段。要填写某个字段，删去它行首的“# ”",
        "#   （它下面的子字段也各删去一个“# ”），再在冒号后填写。不需要的字段不用管。",
        f"# - 行末标有 {TODO} 的值是占位内容，必须改成真实内容。",
        "# - draft: true 表示草稿：网站不发布。全部填好、运行 leifeng check 没有错误后，删除 draft 这一行。",
        "# - 每个字段的详细说明见编辑指南中的“字段说明”。",
    ]


def scaffold_text(cls: type[Record], title: str, rid: str, settings: Settings | None = None, today: dt.date | None = None) -> str:
    """The text of a new record file: every field of the model, commented in Chinese."""
    writer = _Writer(cls, rid, title, settings, today or dt.date.today())
    writer.lines.append("# 草稿：true 时不发布。填好并检查无误后，删除下面这一行")
    writer.lines.append("draft: true")
    for name, info in cls.model_fields.items():
        if name == "draft":
            continue
        writer.lines.append("")
        writer.field(cls, name, info, 0, None)
    front = "\n".join(_header(cls, title, rid) + [""] + writer.lines) + "\n"
    if cls is Story:
        body = f"<!-- {TODO}：在下面写正文，写好后删除这一行。段落之间空一行；小标题写成 ## 小标题。 -->\n\n在这里写正文。\n"
        return "---\n" + front + "---\n\n" + body
    return front


def write_scaffold(kind: str, title: str, settings: Settings, rid: str | None = None, today: dt.date | None = None) -> Path:
    """Write the new file and return its path; never overwrites."""
    cls = KINDS.get(kind)
    if cls is None:
        raise ScaffoldError(f"不认识的类别“{kind}”：可用 {'、'.join(KINDS)}")
    title = title.strip()
    if not title:
        raise ScaffoldError("请写上名称或标题，如：leifeng new volunteer 张晓红")
    taken = existing_ids(cls, settings)
    if rid is not None:
        if not ID_RE.match(rid):
            raise ScaffoldError(f"编号“{rid}”无效：只能用小写英文字母、数字和连字符，如 {new_id(cls, title)}")
        if rid in taken:
            raise ScaffoldError(f"编号 {rid} 已被 {record_path(cls, rid, settings)} 使用，请换一个")
    else:
        rid = unique_id(new_id(cls, title), taken)
    path = record_path(cls, rid, settings)
    if path.exists():  # a story in a sub-folder with the same name is caught by `taken`
        raise ScaffoldError(f"{path} 已存在，未覆盖")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(scaffold_text(cls, title, rid, settings, today), encoding="utf-8")
    return path
