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


def _loader_class(base: type) -> type:
    """A safe loader on `base` (libyaml's or the pure-Python one) that keeps dates as text and keys as written.

    Keys stay strings (`1:` is "1", `yes:` is "yes", not True), so the key
    positions recorded while walking the nodes match the keys in the data and
    two keys like `1:` and `yes:` never silently collapse into one.
    """

    class Loader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:  # type: ignore[override]
            self.flatten_mapping(node)
            mapping: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise yaml.constructor.ConstructorError(None, None, "found unhashable key", key_node.start_mark)
                mapping[key_node.value] = self.construct_object(value_node, deep=deep)
            return mapping

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    return Loader


_Loader = _loader_class(_BaseLoader)
# The pure-Python parser, whose messages differ: the tests run both.
PURE_PYTHON_LOADER = _loader_class(yaml.SafeLoader)


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


# What staff read for each thing the YAML parsers can say: (needles, message,
# hint). The needles are words of the parser's own message (context and
# problem), covering both libyaml and the pure-Python parser, whose wording
# differs; the first rule with a needle in the message wins. The parser's
# English never reaches staff: anything no rule knows gets `_UNKNOWN`.
_QUOTE_IT = "把整个值用引号括起来"
_TAB = ("YAML 不能用制表符（Tab）缩进或对齐", "把 Tab 换成空格（每层两个空格）")
_DIRECTIVE = (
    "以 % 开头的行是 YAML 的指令（如 %YAML 1.1），内容文件里不能写",
    "删除这一行（和它下面单独一行的 ---）；如果 % 是文字的一部分，" + _QUOTE_IT,
)
_ONE_DOCUMENT = ("一个文件只能有一个 YAML 文档：不要在中间写单独一行的 --- 或 ...", "删除多余的 --- 或 ...，或把内容拆成两个文件")
_TAG = (
    "以 ! 开头的写法是 YAML 的类型标记（如 !!python/object、!!int），内容文件里不能用",
    "删去 ! 标记；如果 ! 是文字的一部分（如“!重要”），" + _QUOTE_IT,
)
_UNREADABLE_CHARACTER = ("文件含有无法识别的字符", "删除这个字符（常见于从网页或 Word 复制的文字）")
_INDENT = ("缩进不一致，或列表项格式有误", "同一层的字段要左边对齐，列表项以“- ”开头")
_UNKNOWN = (
    "这一行的 YAML 写法有误",
    "对照上一行检查：冒号后要空一格；同一层左边对齐（用空格，不用 Tab）；引号和括号要成对；"
    "以 ! & * @ ` % | > ? { [ 等符号开头的文字要用引号括起来",
)
_YAML_RULES: list[tuple[tuple[str, ...], tuple[str, str]]] = [
    (("tab character",), _TAB),
    (("directive", "incompatible yaml document", "version number"), _DIRECTIVE),
    (("unexpected document",), ("引号没有闭合，一直到了单独一行的 --- 或 ...", "在值的末尾补上引号")),
    (("another document", "document start"), _ONE_DOCUMENT),  # without a --- or ... line: `_UNKNOWN`
    (("merging",), ("不支持用 << 合并内容", "把要合并的字段直接写出来")),
    (("unhashable key",), ("字段名只能是文字，不能是列表或结构", "检查这一行开头的写法")),
    (("recursive node",), ("不支持用锚点和别名（& 和 *）复制整段内容", "把内容直接写出来")),
    (("undefined alias",), ("使用了未定义的锚点别名", "以 * 开头的文字请用引号括起来")),
    (("an alias",), ("以 * 开头的文字会被当作别名", _QUOTE_IT)),
    (("duplicate anchor",), ("重复的锚点", "删除重复的 & 锚点")),
    (("an anchor",), ("以 & 开头的文字会被当作锚点", _QUOTE_IT)),
    (("tag", "expected uri", "uri escape", "constructor", "base64", "ordered map", "pairs", "node, but found"), _TAG),
    (
        ("escape", "hexadecimal", "hexdecimal", "unicode character"),
        ("双引号里的反斜杠 \\ 后面的写法不对", "改用单引号括起来，或把 \\ 写成 \\\\"),
    ),
    (("quoted scalar",), ("引号没有闭合", "在值的末尾补上引号；文字里本来就有引号时，外面改用另一种引号（'…' 或 \"…\"）")),
    (("block scalar",), ("| 或 > 后面不能再写文字", "正文从下一行开始，并缩进两个空格")),
    (("',' or ']'",), ("方括号 [ ] 列表没有闭合，或列表项里有未加引号的冒号", "补上 ]，含冒号的项用引号括起来")),
    (("',' or '}'",), ("花括号 { } 没有闭合", "补上 }")),
    (
        ("flow node",),
        ("方括号或花括号里多了逗号或括号，或有一项是空的", "每项之间用一个英文逗号隔开，不要留空项；含有 , [ ] { } 的文字用引号括起来"),
    ),
    (("sequence entries are not allowed",), ("列表项“- ”不能和字段名写在同一行", "换行后缩进两个空格再写“- ”，或写成 [甲, 乙]")),
    (("mapping values are not allowed", "unexpected ':'"), ("冒号位置不对，或值里含有未加引号的冒号", "含冒号的文字请用引号括起来")),
    (("mapping keys are not allowed",), ("以 ? 开头的文字会被当作 YAML 的键", _QUOTE_IT)),
    (("expected ':'", "simple key"), ("缺少冒号，或上一行的引号没有闭合", "检查这一行和上一行")),
    (("'-' indicator",), ("列表项的缩进不一致", "同一列表的“- ”要对齐")),
    (("expected key", "block end", "block mapping", "block collection"), _INDENT),
    (("node content", "block node"), ("这里缺少内容", "列表项“- ”和冒号后面要写内容；以符号开头的文字" + _QUOTE_IT)),
    (("end of stream",), ("引号或括号没有闭合", "检查成对的引号和括号")),
    (("control character", "special character", "unacceptable character", "utf-8", "utf-16", "surrogate"), _UNREADABLE_CHARACTER),
]


def _line_at(text: str, line: int) -> str:
    lines = text.split("\n")
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _parser_words(exc: BaseException) -> str:
    """The parser's own message, lower-cased, for matching needles (never shown)."""
    parts = [getattr(exc, "context", None), getattr(exc, "problem", None)]
    text = " ".join(str(part) for part in parts if part)
    return (text or str(exc)).lower()


def explain_yaml_error(exc: yaml.YAMLError, text: str) -> tuple[str, str, int, int]:
    """(message, hint, line, column) in Chinese for an error the YAML parser raised on `text`."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    words = _parser_words(exc)
    if "end of stream" in words and "quoted scalar" in words and getattr(exc, "context_mark", None):
        mark = exc.context_mark  # an unclosed quote: point where it opens, not at the end of the file
    if "unexpected document" in words and getattr(exc, "context_mark", None):
        mark = exc.context_mark
    line = (mark.line + 1) if mark else 1
    column = (mark.column + 1) if mark else 1
    source = _line_at(text, line)
    char = source[column - 1 : column] if column else ""
    indent = source[: len(source) - len(source.lstrip(" \t"))]
    if "\t" in indent:
        return "YAML 不能用制表符（Tab）缩进", "把 Tab 换成空格（每层两个空格）", line, indent.index("\t") + 1
    if "cannot start any token" in words:
        if char == "\t":
            return *_TAB, line, column
        shown = f"“{char}”" if char.strip() else "这个字符"
        return f"值不能以{shown}开头", _QUOTE_IT, line, column
    if isinstance(exc, yaml.constructor.ConstructorError) and not any(n in words for n in ("merging", "unhashable", "recursive")):
        return *_TAG, line, column  # safe loading meets no other constructor: only an explicit tag gets here
    for needles, (message, hint) in _YAML_RULES:
        if not any(needle in words for needle in needles):
            continue
        if (message, hint) == _DIRECTIVE:
            line, column = _first_directive(text) or (line, column)
        elif needles[0] == "another document" and _first_directive(text):
            message, hint = _DIRECTIVE
            line, column = _first_directive(text)  # type: ignore[misc]
        elif needles[0] == "another document" and not re.search(r"^(?:---|\.\.\.)(?:\s|$)", text, re.MULTILINE):
            message, hint = _UNKNOWN
        elif needles[0] == "mapping values are not allowed" and _more_indented_than_previous(text, line):
            message, hint = "缩进不对：这一行比上一行多缩进了，而上一行已经写了值", "同一层的字段要对齐"
        elif (message, hint) == _INDENT or needles[0] == "node content":
            if char in ("]", "}"):
                message, hint = f"多了一个“{char}”", "删去多余的括号，或把含括号的文字用引号括起来"
            elif re.match(r"^\s*(?:-\s+)?[^\s#:][^:]*:\s+(['\"]).*?\1\s*[^\s#]", source):
                message, hint = "引号只括住了值的一部分", "引号要括住整个值：把引号放在值的最前面和最后面，或者去掉引号"
        return message, hint, line, column
    return *_UNKNOWN, line, column


def _first_directive(text: str) -> tuple[int, int] | None:
    """Line and column of the first `%` line (`%YAML 1.1`), where a directive mistake starts."""
    for number, row in enumerate(text.split("\n"), start=1):
        if row.startswith("%"):
            return number, 1
    return None


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
        reason = "没有读取权限" if isinstance(exc, PermissionError) else "文件可能已损坏，或正被其他程序占用"
        problems.add(Position(file), f"无法读取文件：{reason}", "file.unreadable", hint="检查文件权限，或重新保存这个文件")
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
    return normalise_newlines(text)


# Every character YAML counts as a line break (YAML 1.1, as libyaml reads it).
# Word and web pages leave U+2028 and U+0085 in copied text: unless they
# become plain newlines, the parser's line numbers run ahead of the editor's.
_LINE_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")


def normalise_newlines(text: str) -> str:
    """Text with every line break written as \\n, so that line numbers agree everywhere."""
    if "\r" not in text and "\x85" not in text and "\u2028" not in text and "\u2029" not in text:
        return text  # four substring tests: ten times faster than the regex on a story
    return _LINE_BREAKS.sub("\n", text)


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
    loader = None
    try:
        try:
            loader = _Loader(text)
        except UnicodeEncodeError:  # a lone surrogate: libyaml takes UTF-8 only
            message, hint = _UNREADABLE_CHARACTER
            problems.add(Position(file, 1 + line_offset, 1), message, "file.control-char", hint=hint)
            return None
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
        message, hint, line, column = explain_yaml_error(exc, text)
        problems.add(Position(file, line + line_offset, column), message, "yaml.syntax", hint=hint)
        return None
    except (ValueError, TypeError, AttributeError, OverflowError):
        # A tag such as `!!int 二〇一三` whose constructor fails outside PyYAML's own errors.
        line, column = _first_tag(text)
        problems.add(Position(file, line + line_offset, column), _TAG[0], "yaml.syntax", hint=_TAG[1])
        return None
    except RecursionError:
        problems.add(Position(file, 1 + line_offset, 1), "YAML 嵌套层次太深", "yaml.syntax", hint="检查括号是否成对")
        return None
    finally:
        if loader is not None:
            loader.dispose()
    return doc


def _first_tag(text: str) -> tuple[int, int]:
    """Line and column of the first `!tag` in `text` (1, 1 when there is none)."""
    match = re.search(r"(?:^|(?<=[\s\[{,:-]))!", text, re.MULTILINE)
    if not match:
        return 1, 1
    before = text[: match.start()]
    return before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1


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
