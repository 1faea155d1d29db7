"""JSON Schema for each kind of record, generated from the content models.

Editors (VS Code with the Red Hat YAML extension, see `.vscode/settings.json`)
use these files for completion, hover help and red underlines while staff
type. Nothing here is written by hand: the shape, titles and descriptions
come from `models.py`; the vocabularies a site configures (service fields,
honour levels, organisation kinds) come from its mkdocs.yml, so the editor
offers the same choices the checks accept.

The files use JSON Schema draft-07, the newest draft the YAML extension
supports, and are written deterministically so that a test can compare the
committed files with freshly generated ones.

    leifeng schema --out .vscode/schemas           write them
    leifeng schema --out .vscode/schemas --check   are they up to date?
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..text.i18n import in_language, is_traditional
from .models import RECORD_TYPES, Honor, Organization, Record, Story
from .settings import Settings, make_settings

DRAFT = "http://json-schema.org/draft-07/schema#"


def schema_file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def _vocabularies(settings: Settings) -> dict[tuple[type[Record] | None, str], list[str]]:
    """(record class or None for every class, field) -> the values a site accepts."""
    # A Traditional site also accepts the Simplified names of built-in entries (`also_written`).
    fields, levels, kinds, columns = (
        list(settings.fields.values()),
        list(settings.honor_levels),
        list(settings.organization_kinds),
        list(settings.columns.values()),
    )
    return {
        (None, "fields"): fields + list(settings.fields) + settings.also_written(fields),
        (Honor, "level"): levels + settings.also_written(levels),
        (Organization, "kind"): kinds + settings.also_written(kinds),
        (Story, "column"): columns + list(settings.columns) + settings.also_written(columns),
    }


def _choices_in_site_script(node: Any, language: str) -> None:
    """The models' fixed choices (project status...) in the site's script first; the Simplified ones stay valid."""
    if isinstance(node, dict):
        if isinstance(node.get("enum"), list) and all(isinstance(v, str) for v in node["enum"]):
            shown = [in_language(v, language) for v in node["enum"]]
            if node.get("default") in node["enum"]:
                node["default"] = in_language(node["default"], language)
            node["enum"] = list(dict.fromkeys(shown + node["enum"]))
        for value in node.values():
            _choices_in_site_script(value, language)
    elif isinstance(node, list):
        for value in node:
            _choices_in_site_script(value, language)


def _add_enum(node: dict, values: list[str]) -> None:
    """Put `enum` on the string part of a property (inside `anyOf` or `items`)."""
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        _add_enum(node["items"], values)
    elif node.get("type") == "string":
        node["enum"] = values
    for branch in node.get("anyOf", []):
        _add_enum(branch, values)


def _drop_docstrings(node: Any) -> None:
    """Model docstrings are English notes for programmers; staff see the Chinese titles."""
    if isinstance(node, dict):
        if "properties" in node and node.get("type") == "object":
            node.pop("description", None)
        for value in node.values():
            _drop_docstrings(value)
    elif isinstance(node, list):
        for value in node:
            _drop_docstrings(value)


def _draft07_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: (value.replace("#/$defs/", "#/definitions/") if key == "$ref" else _draft07_refs(value)) for key, value in node.items()
        }
    if isinstance(node, list):
        return [_draft07_refs(value) for value in node]
    return node


def record_schema(cls: type[Record], settings: Settings) -> dict:
    """The JSON Schema of one kind of record."""
    generated = cls.model_json_schema(mode="validation")
    _drop_docstrings(generated)
    if is_traditional(settings.language):
        _choices_in_site_script(generated, settings.language)
    for (owner, name), values in _vocabularies(settings).items():
        if (owner is None or owner is cls) and name in generated.get("properties", {}):
            _add_enum(generated["properties"][name], values)
    if cls is Story:
        where = f"{settings.stories_dir.name}/<编号>.md 开头 --- 之间的信息块"
    else:
        where = f"{settings.content_dir.name}/{cls.folder}/<编号>.yaml"
    schema: dict[str, Any] = {
        "$schema": DRAFT,
        "title": cls.label,
        "description": f"{cls.label}（{where}）。文件名就是编号：小写英文字母、数字和连字符。由 leifeng schema 根据内容模型生成，请勿手改。",
    }
    definitions = generated.pop("$defs", None)
    generated.pop("title", None)
    schema.update(generated)
    if definitions:
        schema["definitions"] = definitions
    return _draft07_refs(schema)


def record_schemas(settings: Settings | None = None) -> dict[str, str]:
    """File name -> file text, for every kind of record."""
    settings = settings or make_settings({}, Path.cwd())
    return {
        schema_file_name(kind): json.dumps(record_schema(cls, settings), ensure_ascii=False, indent=2) + "\n"
        for kind, cls in RECORD_TYPES.items()
    }


def write_schemas(out: Path, settings: Settings | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in record_schemas(settings).items():
        path = out / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def check_schemas(out: Path, settings: Settings | None = None) -> list[str]:
    """The schema files in `out` that are missing or differ from freshly generated ones."""
    stale = []
    for name, text in record_schemas(settings).items():
        path = out / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(path.as_posix())
    return stale
