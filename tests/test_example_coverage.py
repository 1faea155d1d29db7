"""The example content shows every field of the content model."""

from __future__ import annotations

from pydantic import BaseModel

from generator.content.models import YAML_RECORD_TYPES, Story
from generator.content.problems import Problems
from generator.content.sources import parse_yaml, split_front_matter

from .conftest import REPO
from .validate_helpers import nested_models


def _used_paths(data: object, model: type[BaseModel], prefix: str, used: set[str]) -> None:
    if isinstance(data, list):
        for item in data:
            _used_paths(item, model, prefix, used)
        return
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        path = f"{prefix}{key}"
        used.add(path)
        info = model.model_fields.get(key)
        inner = nested_models(info.annotation) if info else []
        for sub in inner:
            _used_paths(value, sub, path + ".", used)


def _all_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    paths = set()
    for name, info in model.model_fields.items():
        paths.add(prefix + name)
        for sub in nested_models(info.annotation):
            paths |= _all_paths(sub, prefix + name + ".")
    return paths


def test_every_field_of_every_record_kind_is_used_in_the_example() -> None:
    missing = {}
    drafts_used = False
    for cls in (*YAML_RECORD_TYPES, Story):
        used: set[str] = set()
        if cls is Story:
            files = sorted((REPO / "stories").rglob("*.md"))
        else:
            files = sorted((REPO / "content" / cls.folder).glob("*.yaml"))
        for path in files:
            text = path.read_text(encoding="utf-8")
            if cls is Story:
                text = split_front_matter(text)[0] or ""
            doc = parse_yaml(text, path.name, Problems())
            _used_paths(doc.data, cls, "", used)
        drafts_used = drafts_used or "draft" in used
        gap = sorted(_all_paths(cls) - used - {"draft"})
        if gap:
            missing[cls.__name__] = gap
    assert missing == {}
    assert drafts_used
