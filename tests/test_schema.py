"""Editor help: the committed JSON Schemas are generated, current, and agree with the checks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from generator.commands.cli import load_settings
from generator.content.models import RECORD_TYPES, YAML_RECORD_TYPES
from generator.content.problems import Problems
from generator.content.schema import check_schemas, record_schemas, schema_file_name
from generator.content.sources import parse_yaml, split_front_matter

from .conftest import REPO

SCHEMAS = REPO / ".vscode" / "schemas"


@pytest.fixture(scope="module")
def settings():
    return load_settings(str(REPO / "mkdocs.yml"))


def _validator(kind: str) -> jsonschema.Draft7Validator:
    schema = json.loads((SCHEMAS / schema_file_name(kind)).read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def _jsonc(text: str) -> dict:
    """VS Code settings allow // comments; JSON does not."""
    return json.loads(re.sub(r"^\s*//.*$", "", text, flags=re.MULTILINE))


def test_committed_schemas_equal_freshly_generated_ones(settings) -> None:
    assert check_schemas(SCHEMAS, settings) == [], "run: leifeng schema --out .vscode/schemas"
    assert sorted(p.name for p in SCHEMAS.glob("*.json")) == sorted(record_schemas(settings))


@pytest.mark.parametrize("kind", list(RECORD_TYPES))
def test_each_schema_is_valid_draft_07(kind: str) -> None:
    schema = json.loads((SCHEMAS / schema_file_name(kind)).read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "$defs" not in json.dumps(schema)  # draft-07 editors resolve #/definitions/
    assert schema["additionalProperties"] is False


def _example_documents(kind: str):
    cls = RECORD_TYPES[kind]
    if kind == "story":
        for path in sorted((REPO / "stories").rglob("*.md")):
            front, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
            yield path, parse_yaml(front or "", path.name, Problems()).data
    else:
        for path in sorted((REPO / "content" / cls.folder).glob("*.yaml")):
            yield path, parse_yaml(path.read_text(encoding="utf-8"), path.name, Problems()).data


@pytest.mark.parametrize("kind", list(RECORD_TYPES))
def test_the_example_content_validates_against_its_schema(kind: str) -> None:
    validator = _validator(kind)
    documents = list(_example_documents(kind))
    assert documents
    errors = [f"{path.name}: {'.'.join(map(str, e.path))}: {e.message}" for path, data in documents for e in validator.iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize(
    ("kind", "document", "why"),
    [
        ("volunteer", {"name": "张三", "servce_hours": 10}, "misspelt field"),
        ("volunteer", {"photo": "media/a.jpg"}, "missing name"),
        ("volunteer", {"name": "张三", "fields": ["助老服物"]}, "service field outside the vocabulary"),
        (
            "honor",
            {"title": "名单", "level": "区级", "date": "2024-03-05", "categories": [{"name": "类", "recipients": [{"name": "李四"}]}]},
            "honour level",
        ),
        ("project", {"name": "项目", "status": "进行中"}, "project status"),
        ("organization", {"name": "队", "kind": "俱乐部"}, "organisation kind"),
        ("story", {"title": "标题", "date": "2024-13-01"}, "impossible date"),
        ("story", {"title": "标题", "date": "2024-03-05", "volunteers": ["Zhang-San"]}, "id not lowercase"),
    ],
)
def test_the_schema_refuses_what_the_checks_refuse(kind: str, document: dict, why: str) -> None:
    assert list(_validator(kind).iter_errors(document)), why


def test_vscode_settings_map_every_yaml_kind_onto_its_folder(settings) -> None:
    config = _jsonc((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = config["yaml.schemas"]
    content = settings.content_dir.relative_to(settings.root).as_posix()
    for cls in YAML_RECORD_TYPES:
        key = f"./.vscode/schemas/{schema_file_name(cls.record_type)}"
        assert (REPO / key).is_file()
        assert f"{content}/{cls.folder}/*.yaml" in mapping[key]
    # Stories' front matter cannot be mapped by the extension; the file says so.
    assert not any("stories" in glob for globs in mapping.values() for glob in globs)
    assert "front matter" in (REPO / ".vscode" / "settings.json").read_text(encoding="utf-8")


def test_schema_command_writes_and_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    from generator.commands.cli import main

    monkeypatch.chdir(REPO)
    out = tmp_path / "schemas"
    assert main(["schema", "--out", str(out), "--check"]) == 1
    assert main(["schema", "--out", str(out)]) == 0
    assert main(["schema", "--out", str(out), "--check"]) == 0
    assert sorted(p.read_text(encoding="utf-8") for p in out.iterdir()) == sorted(p.read_text(encoding="utf-8") for p in SCHEMAS.iterdir())
    (out / "volunteer.schema.json").write_text("{}", encoding="utf-8")
    assert main(["schema", "--out", str(out), "--check"]) == 1
    assert "volunteer.schema.json" in capsys.readouterr().out
