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
    """Safe loader that keeps dates as text and every mapping key as written.

    Keys stay strings (`1:` is "1", `yes:` is "yes", not True), so the key
    positions recorded while walking the nodes match the keys in the data and
    two keys like `1:` and `yes:` never silently collapse into one.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:  # type: ignore[override]
        self.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(None, None, "found unhashable key", key_node.start_mark)
            mapping[key_node.value] = self.construct_object(value_node, deep=deep)
        return mapping


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


# (needle in the parser's message, message, hint). Needles cover both libyaml
# and the pure-Python parser, whose wording differs.
_YAML_HINTS = [
    ("another document", "一个文件只能有一个 YAML 文档：不要在中间写 ---", "删除多余的 ---，或把内容拆成两个文件"),
    ("sequence entries are not allowed", "列表项“- ”不能和字段名写在同一行", "换行后缩进两个空格再写“- ”，或写成 [甲, 乙]"),
    ("mapping values are not allowed", "冒号位置不对，或值里含有未加引号的冒号", "含冒号的文字请用引号括起来"),
    ("could not find expected ':'", "缺少冒号，或上一行的引号没有闭合", "检查这一行和上一行"),
    ("did not find expected ',' or ']'", "方括号 [ ] 列表没有闭合，或列表项里有未加引号的冒号", "补上 ]，含冒号的项用引号括起来"),
    ("did not find expected ',' or '}'", "花括号 { } 没有闭合", "补上 }"),
    ("did not find expected '-' indicator", "列表项的缩进不一致", "同一列表的“- ”要对齐"),
    ("did not find expected key", "缩进不一致，或列表项格式有误", "同一层的字段要对齐，列表项以“- ”开头"),
    ("expected <block end>", "缩进不一致", "同一层的字段要对齐"),
    ("unexpected end of stream", "引号或括号没有闭合", "检查成对的引号和括号"),
    ("unknown escape character", "双引号里的反斜杠 \\ 后面跟了不认识的字符", "改用单引号，或把 \\ 写成 \\\\"),
    ("undefined alias", "使用了未定义的锚点别名", "以 * 开头的文字请用引号括起来"),
    ("while scanning an alias", "以 * 开头的文字会被当作别名", "把整个值用引号括起来"),
    ("while scanning an anchor", "以 & 开头的文字会被当作锚点", "把整个值用引号括起来"),
    ("duplicate anchor", "重复的锚点", "删除重复的 & 锚点"),
    ("unhashable key", "字段名只能是文字，不能是列表或结构", "检查这一行开头的写法"),
    ("while scanning a block scalar", "| 或 > 后面不能再写文字", "正文从下一行开始，并缩进两个空格"),
]


def _line_at(text: str, line: int) -> str:
    lines = text.split("\n")
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _yaml_message(exc: yaml.YAMLError, text: str, line: int, column: int) -> tuple[str, str, int]:
    """(message, hint, column) for a YAML error at `line`:`column` of `text`."""
    source = _line_at(text, line)
    indent = source[: len(source) - len(source.lstrip(" \t"))]
    if "\t" in indent:
        return "YAML 不能用制表符（Tab）缩进", "把 Tab 换成空格（每层两个空格）", indent.index("\t") + 1
    message = " ".join(str(part) for part in (getattr(exc, "context", None), getattr(exc, "problem", None)) if part) or str(exc)
    if "cannot start any token" in message:
        char = source[column - 1 : column] if column else ""
        if char == "\t":
            return "YAML 不能用制表符（Tab）缩进或对齐", "把 Tab 换成空格", column
        shown = f"“{char}”" if char.strip() else "这个字符"
        return f"值不能以{shown}开头", "把整个值用引号括起来", column
    for needle, friendly, hint in _YAML_HINTS:
        if needle in message:
            if needle == "mapping values are not allowed" and _more_indented_than_previous(text, line):
                return "缩进不对：这一行比上一行多缩进了，而上一行已经写了值", "同一层的字段要对齐", column
            return friendly, hint, column
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"YAML 格式错误：{problem}", "对照编辑指南检查这一行的写法", column


def _more_indented_than_previous(text: str, line: int) -> bool:
    current = _line_at(text, line)
    for number in range(line - 1, 0, -1):
        previous = _line_at(text, number)
        if previous.strip() and not previous.lstrip().startswith("#"):
            width = len(current) - len(current.lstrip(" "))
            return width > len(previous) - len(previous.lstrip(" ")) and bool(re.search(r":\s+\S", previous))
    return False


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


class _AliasFound(Exception):
    """A list or mapping is used twice (`*alias`): refused, it can blow up."""


def _walk(node: yaml.Node, path: tuple, doc: Document, problems: Problems, seen_nodes: set[int], at: yaml.Mark | None = None) -> None:
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        if id(node) in seen_nodes:
            mark = at or node.start_mark
            problems.add(
                Position(doc.file, mark.line + 1 + doc.line_offset, mark.column + 1),
                "不支持用锚点和别名（& 和 *）复制整段内容",
                "yaml.alias",
                hint="把内容直接写出来",
            )
            raise _AliasFound
        seen_nodes.add(id(node))
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
            _walk(value_node, child, doc, problems, seen_nodes, key_node.start_mark)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), doc, problems, seen_nodes, node.start_mark)


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
            _walk(node, (), doc, problems, set())
            doc.data = loader.construct_document(node)
    except _AliasFound:
        return None
    except yaml.reader.ReaderError as exc:
        # libyaml counts bytes, the Python reader characters: find the character itself.
        found = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
        before = text[: found if found >= 0 else 0]
        line, col = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        problems.add(
            Position(file, line + line_offset, col),
            f"文件含有不可见的控制字符（U+{exc.character:04X}）" if isinstance(exc.character, int) else "文件含有无法识别的字符",
            "file.control-char",
            hint="删除这个字符（常见于从网页或 Word 复制的文字）",
        )
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        if "end of stream" in str(getattr(exc, "problem", "")) and getattr(exc, "context_mark", None):
            mark = exc.context_mark  # an unclosed quote: point where it opens, not at the end of the file
        line = (mark.line + 1) if mark else 1
        col = (mark.column + 1) if mark else 1
        message, hint, col = _yaml_message(exc, text, line, col)
        problems.add(Position(file, line + line_offset, col), message, "yaml.syntax", hint=hint)
        return None
    except RecursionError:
        problems.add(Position(file, 1 + line_offset, 1), "YAML 嵌套层次太深", "yaml.syntax", hint="检查括号是否成对")
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
