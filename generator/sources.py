"""Reading source files: UTF-8 text, YAML with positions, front matter.

YAML is parsed with libyaml when available. Dates are left as strings (the
models parse them), so `2024-13-01` becomes a clean error with a line number
instead of an exception from the YAML constructor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Position, Problems

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that keeps dates as text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

Path_ = tuple  # a path into a document: keys and list indexes


@dataclass
class Document:
    """A parsed YAML mapping with the position of each value and each key."""

    file: str
    data: Any
    values: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    keys: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    line_offset: int = 0

    def position(self, path: tuple = (), *, key: bool = False) -> Position:
        """Position of the value at `path`, or of its key; falls back to the parent."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                line, col = table[probe]
                return Position(self.file, line + self.line_offset, col)
            if probe in self.values:
                line, col = self.values[probe]
                return Position(self.file, line + self.line_offset, col)
            probe = probe[:-1]
        line, col = self.values.get((), (1, 1))
        return Position(self.file, line + self.line_offset, col)


_YAML_HINTS = [
    ("found character '\\t'", "YAML 不能用制表符（Tab）缩进", "把 Tab 换成两个空格"),
    ("mapping values are not allowed here", "冒号位置不对，或值里含有未加引号的冒号", "含冒号的文字请用引号括起来"),
    ("could not find expected ':'", "缺少冒号，或上一行的引号没有闭合", "检查这一行和上一行"),
    ("did not find expected key", "缩进不一致或列表项格式有误", "同一层的字段要对齐，列表项以“- ”开头"),
    ("found unexpected end of stream", "引号或括号没有闭合", "检查成对的引号和括号"),
    ("found undefined alias", "使用了未定义的锚点别名", "删除以 * 开头的别名"),
    ("expected <block end>", "缩进不一致", "同一层的字段要对齐"),
    ("found duplicate anchor", "重复的锚点", "删除重复的 & 锚点"),
]


def _yaml_message(exc: yaml.YAMLError) -> tuple[str, str]:
    text = str(exc)
    for needle, message, hint in _YAML_HINTS:
        if needle in text:
            return message, hint
    problem = getattr(exc, "problem", None) or text.splitlines()[0]
    return f"YAML 格式错误：{problem}", "对照编辑指南检查这一行的写法"


def read_text(path: Path, file: str, problems: Problems) -> str | None:
    """Read a file as UTF-8 (a BOM is tolerated); report anything else."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.add(Position(file), f"无法读取文件：{exc.strerror}", "file.unreadable")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.add(
            Position(file, line, 1),
            "文件不是 UTF-8 编码",
            "file.encoding",
            hint="用编辑器“另存为 UTF-8”（不要用 GBK/GB2312）",
        )
        return None
    if "\x00" in text:
        problems.add(Position(file, 1, 1), "文件含有空字符，可能不是文本文件", "file.binary")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _walk(node: yaml.Node, path: tuple, doc: Document, problems: Problems) -> None:
    doc.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
            child = path + (key,)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.add(
                    Position(doc.file, line + doc.line_offset, key_node.start_mark.column + 1),
                    f"字段 {key} 重复出现（第一次在第 {seen[key] + doc.line_offset} 行）",
                    "yaml.duplicate-key",
                    hint="删除其中一个",
                )
            seen[key] = line
            doc.keys[child] = (line, key_node.start_mark.column + 1)
            _walk(value_node, child, doc, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), doc, problems)


def parse_yaml(text: str, file: str, problems: Problems, *, line_offset: int = 0) -> Document | None:
    """Parse one YAML document; None (with a problem reported) when it cannot be read."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            data: Any = None
            doc = Document(file, data, line_offset=line_offset)
        else:
            doc = Document(file, None, line_offset=line_offset)
            _walk(node, (), doc, problems)
            doc.data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = (mark.line + 1 + line_offset) if mark else 0
        col = (mark.column + 1) if mark else 0
        message, hint = _yaml_message(exc)
        problems.add(Position(file, line, col), message, "yaml.syntax", hint=hint)
        return None
    except (ValueError, TypeError, RecursionError) as exc:  # pragma: no cover - defensive
        problems.add(Position(file, 1 + line_offset, 1), f"YAML 无法解析：{exc}", "yaml.syntax")
        return None
    finally:
        loader.dispose()
    return doc


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split `---` front matter from Markdown.

    Returns (front matter text or None, body, line number where the body starts).
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, text, 1
    front = match.group(1) or ""
    body = text[match.end() :]
    body_line = text[: match.end()].count("\n") + 1
    return front, body, body_line
