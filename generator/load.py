"""Step 1, load: read every content file once, keeping source positions.

Nothing here knows the schema; it finds files, decodes them, parses YAML and
front matter, and derives each record's id from its file name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .models import ID_RE, YAML_RECORD_TYPES, Record, Story
from .problems import Position, Problems, relative_file
from .settings import Settings
from .sources import Document, parse_yaml, read_text, split_front_matter


@dataclass
class RawRecord:
    """One file as read: its kind, id, place and parsed data."""

    cls: type[Record]
    id: str
    file: str
    path: Path
    doc: Document
    body: str = ""
    body_line: int = 1


def suggest_id(stem: str) -> str:
    """A valid id close to an invalid file name (pinyin for Chinese)."""
    from pypinyin import lazy_pinyin

    text = "-".join(lazy_pinyin(stem))
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return re.sub(r"-{2,}", "-", text) or "record"


def _check_id(stem: str, file: str, problems: Problems) -> None:
    if not ID_RE.match(stem):
        problems.add(
            Position(file, 1, 1),
            f"文件名“{stem}”不能作为编号：只能用小写英文字母、数字和连字符",
            "id.invalid",
            hint=f"改名为 {suggest_id(stem)}",
        )


def _content_files(folder: Path, patterns: tuple[str, ...], recursive: bool) -> list[Path]:
    if not folder.is_dir():
        return []
    found: list[Path] = []
    for pattern in patterns:
        found.extend(folder.rglob(pattern) if recursive else folder.glob(pattern))
    return sorted(p for p in found if p.is_file() and not any(part.startswith(".") for part in p.parts))


def load_yaml_records(settings: Settings, problems: Problems) -> list[RawRecord]:
    records: list[RawRecord] = []
    for cls in YAML_RECORD_TYPES:
        for path in _content_files(settings.content_dir / cls.folder, ("*.yaml", "*.yml"), recursive=False):
            file = relative_file(path, settings.root)
            _check_id(path.stem, file, problems)
            text = read_text(path, file, problems)
            if text is None:
                continue
            doc = parse_yaml(text, file, problems)
            if doc is None:
                continue
            if not isinstance(doc.data, dict):
                problems.add(
                    Position(file, 1, 1),
                    f"{cls.label}文件应由“字段: 值”组成",
                    "yaml.not-mapping",
                    hint="参照编辑指南中的示例",
                )
                continue
            records.append(RawRecord(cls, path.stem, file, path, doc))
    return records


def load_stories(settings: Settings, problems: Problems) -> list[RawRecord]:
    stories: list[RawRecord] = []
    for path in _content_files(settings.stories_dir, ("*.md",), recursive=True):
        file = relative_file(path, settings.root)
        _check_id(path.stem, file, problems)
        text = read_text(path, file, problems)
        if text is None:
            continue
        front, body, body_line = split_front_matter(text)
        if front is None:
            problems.add(
                Position(file, 1, 1),
                "故事缺少开头的 --- 信息块（标题、日期等）",
                "story.no-front-matter",
                hint="文件第一行写 ---，然后写 title: 和 date:，再以 --- 结束",
            )
            continue
        doc = parse_yaml(front, file, problems, line_offset=1)
        if doc is None:
            continue
        if not isinstance(doc.data, dict):
            problems.add(Position(file, 2, 1), "--- 信息块应由“字段: 值”组成", "yaml.not-mapping")
            continue
        stories.append(RawRecord(Story, path.stem, file, path, doc, body, body_line))
    return stories


def load_repository(settings: Settings, problems: Problems) -> list[RawRecord]:
    """Read every record and story file once."""
    return load_yaml_records(settings, problems) + load_stories(settings, problems)
