"""Step 1, load: read every content file once, keeping source positions.

Nothing here knows the schema; it finds files, decodes them, parses YAML and
front matter, and derives each record's id from its file name.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .models import ID_RE, YAML_RECORD_TYPES, Record, Story
from .problems import Position, Problems, relative_file
from .settings import Settings
from .sources import Document, normalise_newlines, parse_yaml, read_text, split_front_matter

# `parse_yaml`, or a cache in front of it (content/cache.py).
Parser = Callable[..., Document | None]


@dataclass
class RawRecord:
    """One file as read: its kind, id, place and parsed data."""

    cls: type[Record]
    id: str
    file: str
    path: Path
    doc: Document | None  # None when the file could not be read or parsed
    body: str = ""
    body_line: int = 1
    text: str = ""  # the whole file, scanned for personal numbers even when unparsed


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


def _walk_files(folder: Path, recursive: bool) -> list[str]:
    """Files in `folder` (and below, if `recursive`), hidden files and folders left out, sorted folder by folder.

    "Hidden" is judged below `folder` only, so a repository checked out under
    a dot-folder (~/.sites/...) still loads. Links to folders are followed.
    """
    found: list[str] = []
    stack = [str(folder)]
    while stack:
        current = stack.pop()
        try:
            entries = os.scandir(current)
        except OSError:
            continue
        with entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    if recursive:
                        stack.append(entry.path)
                elif entry.is_file():
                    found.append(entry.path)
    found.sort(key=lambda path: path.split(os.sep))
    return found


def _content_files(files: list[str], patterns: tuple[str, ...]) -> list[Path]:
    """The files (from `_walk_files`) whose names match `patterns`."""
    return [Path(path) for path in files if any(fnmatch.fnmatchcase(os.path.basename(path), pattern) for pattern in patterns)]


def _split_name(name: str) -> tuple[str, str]:
    """(stem, suffix) as pathlib has them: `x.yml.txt` -> (`x.yml`, `.txt`), `README` -> (`README`, ``)."""
    dot = name.rfind(".")
    return (name[:dot], name[dot:]) if 0 < dot < len(name) - 1 else (name, "")


def parse_record(
    cls: type[Record], stem: str, file: str, path: Path, text: str, problems: Problems, parse: Parser = parse_yaml
) -> RawRecord:
    """One YAML record from its text; its `doc` is None (problems reported) when unusable."""
    text = normalise_newlines(text)
    unusable = RawRecord(cls, stem, file, path, None, text=text)
    doc = parse(text, file, problems)
    if doc is None:
        return unusable
    if not isinstance(doc.data, dict):
        problems.add(
            Position(file, 1, 1),
            f"{cls.label}文件应由“字段: 值”组成" + ("，现在是空文件" if doc.data is None else ""),
            "yaml.not-mapping",
            hint="参照编辑指南中的示例",
        )
        return unusable
    return RawRecord(cls, stem, file, path, doc, text=text)


def parse_story(stem: str, file: str, path: Path, text: str, problems: Problems, parse: Parser = parse_yaml) -> RawRecord:
    """One story from its Markdown text; its `doc` is None (problems reported) when unusable."""
    text = normalise_newlines(text)
    unusable = RawRecord(Story, stem, file, path, None, text=text)
    front, body, body_line = split_front_matter(text)
    if front is None:
        opened = text.lstrip("\ufeff").startswith("---")
        problems.add(
            Position(file, 1, 1),
            "故事开头的 --- 信息块没有结束（缺少第二个 ---）" if opened else "故事缺少开头的 --- 信息块（标题、日期等）",
            "story.no-front-matter",
            hint="文件第一行写 ---，然后写 title: 和 date:，再以单独一行 --- 结束",
        )
        return unusable
    doc = parse(front, file, problems, line_offset=1)
    if doc is None:
        return unusable
    if not isinstance(doc.data, dict):
        problems.add(Position(file, 2, 1), "--- 信息块应由“字段: 值”组成", "yaml.not-mapping", hint="至少要写 title: 和 date:")
        return unusable
    return RawRecord(Story, stem, file, path, doc, body, body_line, text)


_IGNORED_NAMES = ("readme", ".gitkeep", "index")


def _stray_files(files: list[str], suffixes: tuple[str, ...], settings: Settings, problems: Problems) -> None:
    """Warn about files (from `_walk_files`) a record folder will not read (`x.yml.txt`, `x.YAML`, `x.markdown`)."""
    for path in files:
        name = os.path.basename(path)
        stem, suffix = _split_name(name)
        if suffix in suffixes or stem.lower() in _IGNORED_NAMES:
            continue
        if suffix.lower() in suffixes or suffix.lower() in (".txt", ".markdown", ".json", ".doc", ".docx"):
            problems.add(
                Position(relative_file(Path(path), settings.root), 0, 0),
                f"文件 {name} 不会被读取：扩展名应为 {' 或 '.join(suffixes)}（小写）",
                "file.ignored",
                severity="warning",
                hint=f"改名为 {stem}{suffixes[0]}",
            )


def _unknown_folders(settings: Settings, problems: Problems) -> None:
    """Warn about folders in content/ that hold no known kind of record (`volunteer/`)."""
    import difflib

    known = [cls.folder for cls in YAML_RECORD_TYPES] + ["media"]
    if not settings.content_dir.is_dir():
        return
    for folder in sorted(settings.content_dir.iterdir()):
        if not folder.is_dir() or folder.name.startswith(".") or folder.name in known:
            continue
        if not any(folder.glob("*.y*ml")):
            continue
        close = difflib.get_close_matches(folder.name, known, n=1, cutoff=0.6)
        problems.add(
            Position(relative_file(folder, settings.root), 0, 0),
            f"文件夹 {folder.name}/ 里的记录不会被读取：它不是已知的记录类型",
            "file.unknown-folder",
            severity="warning",
            hint=(f"是不是 {close[0]}/？" if close else "") + "可用的文件夹：" + "、".join(known),
        )


def _lossy_text(path: Path) -> str:
    """Text of a file that is not UTF-8, digits intact, for the personal-number scan."""
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except OSError:
        return ""


def load_yaml_records(settings: Settings, problems: Problems, parse: Parser = parse_yaml) -> list[RawRecord]:
    records: list[RawRecord] = []
    _unknown_folders(settings, problems)
    for cls in YAML_RECORD_TYPES:
        folder = settings.content_dir / cls.folder
        files = _walk_files(folder, recursive=False)
        _stray_files(files, (".yaml", ".yml"), settings, problems)
        for path in _content_files(files, ("*.yaml", "*.yml")):
            file = relative_file(path, settings.root)
            _check_id(path.stem, file, problems)
            text = read_text(path, file, problems)
            if text is None:
                records.append(RawRecord(cls, path.stem, file, path, None, text=_lossy_text(path)))
                continue
            records.append(parse_record(cls, path.stem, file, path, text, problems, parse))
    return records


def load_stories(settings: Settings, problems: Problems, parse: Parser = parse_yaml) -> list[RawRecord]:
    stories: list[RawRecord] = []
    files = _walk_files(settings.stories_dir, recursive=True)
    _stray_files(files, (".md",), settings, problems)
    for path in _content_files(files, ("*.md",)):
        file = relative_file(path, settings.root)
        _check_id(path.stem, file, problems)
        text = read_text(path, file, problems)
        if text is None:
            stories.append(RawRecord(Story, path.stem, file, path, None, text=_lossy_text(path)))
            continue
        stories.append(parse_story(path.stem, file, path, text, problems, parse))
    return stories


def load_repository(settings: Settings, problems: Problems, parse: Parser = parse_yaml) -> list[RawRecord]:
    """Read every record and story file once.

    Every file is returned, parsed or not: the ones whose `doc` is None have
    had their problems reported, and their text is still scanned for personal
    numbers by the validator.
    """
    return load_yaml_records(settings, problems, parse) + load_stories(settings, problems, parse)
