"""Problems found in the content, with the place they were found.

Every step that reads content reports into a `Problems` collection instead of
raising, so that one run lists every mistake in the repository. Messages are
in Chinese because the staff who fix them read Chinese; the field names stay
as written in the files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Position:
    """A place in a source file; line and column count from 1."""

    file: str
    line: int = 0
    column: int = 0

    def at(self, line: int, column: int = 0) -> Position:
        return Position(self.file, line, column)


@dataclass(frozen=True)
class Problem:
    position: Position
    message: str
    code: str
    severity: Severity = "error"
    hint: str = ""

    def sort_key(self) -> tuple:
        return (self.position.file, self.position.line, self.position.column, self.code)


@dataclass
class Problems:
    """An append-only list of problems, grouped by file when reported."""

    items: list[Problem] = field(default_factory=list)

    def add(
        self,
        position: Position,
        message: str,
        code: str,
        *,
        severity: Severity = "error",
        hint: str = "",
    ) -> None:
        self.items.append(Problem(position, message, code, severity, hint))

    def extend(self, other: Iterable[Problem]) -> None:
        self.items.extend(other)

    def __iter__(self) -> Iterator[Problem]:
        return iter(sorted(self.items, key=Problem.sort_key))

    def __len__(self) -> int:
        return len(self.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self if p.severity == "warning"]


def relative_file(path: Path, root: Path) -> str:
    """The path as staff see it in the repository, with forward slashes."""
    text, base = str(path), str(root).rstrip(os.sep) + os.sep
    if os.path.isabs(text) and text.startswith(base) and ".." not in path.parts:
        return text[len(base) :].replace(os.sep, "/")  # the common case, without touching the disk
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def format_text(problems: Problems, note: str = "") -> str:
    """Human report, grouped by file, one problem a line; `note` ends the summary line."""
    lines: list[str] = []
    current = None
    for p in problems:
        if p.position.file != current:
            current = p.position.file
            lines.append("" if not lines else "")
            lines.append(current or "(配置)")
        where = f"{p.position.line}:{p.position.column}" if p.position.line else "-"
        label = "错误" if p.severity == "error" else "警告"
        lines.append(f"  {where:>7}  {label}  {p.message}  [{p.code}]")
        if p.hint:
            lines.append(f"{'':>11}提示：{p.hint}")
    errors, warnings = len(problems.errors), len(problems.warnings)
    if lines:
        lines.append("")
    lines.append(f"共 {errors} 个错误，{warnings} 个警告。{note}")
    return "\n".join(line for line in lines if line is not None).lstrip("\n")


def _escape_property(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def format_github(problems: Problems, prefix: str = "", note: str = "") -> str:
    """GitHub Actions workflow commands, then the full text report.

    GitHub shows at most 10 annotations of each kind per step, so the text
    report follows for everything else. `prefix` is the folder of mkdocs.yml
    inside the repository (annotations name files from the repository root).
    """
    lines = []
    for p in problems:
        kind = "error" if p.severity == "error" else "warning"
        props = [f"file={_escape_property(prefix + p.position.file)}"]
        if p.position.line:
            props.append(f"line={p.position.line}")
        if p.position.column:
            props.append(f"col={p.position.column}")
        props.append(f"title={_escape_property(p.code)}")
        message = p.message + (f"（提示：{p.hint}）" if p.hint else "")
        lines.append(f"::{kind} {','.join(props)}::{_escape_data(message)}")
    lines.append(format_text(problems, note))
    return "\n".join(lines)


def format_json(problems: Problems, extra: dict | None = None) -> str:
    payload = {
        "errors": len(problems.errors),
        "warnings": len(problems.warnings),
        **(extra or {}),
        "problems": [
            {**asdict(p.position), "severity": p.severity, "code": p.code, "message": p.message, "hint": p.hint} for p in problems
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


FORMATTERS = {"text": format_text, "github": format_github, "json": format_json}
