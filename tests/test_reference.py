"""The field reference is derived from the models and complete."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from generator.commands.reference import (
    SERVICE_FIELD,
    STAR_FIELD,
    UNKNOWN_TYPE,
    VOCABULARY_FIELDS,
    field_reference_markdown,
    nested_model,
)
from generator.content import models
from generator.content.models import RECORD_TYPES, Record
from generator.content.settings import Settings

REPO = Path(__file__).resolve().parent.parent
NESTED_MODELS = (models.Consent, models.Metrics, models.Period, models.Phase, models.Activity, models.HonorCategory, models.Recipient)


def model_paths(model: type[BaseModel], prefix: str = "") -> list[tuple[str, type[BaseModel], str]]:
    """(path, owning model, field name) of every field, walking into nested models."""
    found = []
    for name, info in model.model_fields.items():
        found.append((prefix + name, model, name))
        inner, is_list = nested_model(info.annotation)
        if inner is not None:
            found += model_paths(inner, f"{prefix}{name}{'[]' if is_list else ''}.")
    return found


def sections(text: str) -> dict[str, str]:
    """Level-2 heading -> the text under it."""
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def rows(section: str) -> dict[str, list[str]]:
    """Field path -> the cells of its table row (name, type, required, description)."""
    table = {}
    for line in section.splitlines():
        match = re.match(r"^\| `([^`]+)` \|(.*)\|$", line)
        if match:
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", match.group(2))]
            table[match.group(1)] = cells
    return table


def settings_with(tmp_path: Path, **overrides: object) -> Settings:
    return Settings(root=tmp_path, content_dir=tmp_path / "content", stories_dir=tmp_path / "stories", **overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def reference() -> str:
    return field_reference_markdown()


@pytest.mark.parametrize("record", RECORD_TYPES.values(), ids=list(RECORD_TYPES))
def test_every_field_of_every_record_has_a_row_in_its_section(reference: str, record: type[Record]) -> None:
    table = rows(sections(reference)[record.label])
    missing = [path for path, _, _ in model_paths(record) if path not in table]
    assert not missing, f"{record.label}的字段说明缺少：{missing}"


def test_every_nested_model_is_reached_from_a_record(reference: str) -> None:
    reached = {owner for record in RECORD_TYPES.values() for _, owner, _ in model_paths(record)}
    assert set(NESTED_MODELS) <= reached
    for model in NESTED_MODELS:
        for name in model.model_fields:
            assert re.search(rf"\| `[^`]*\.{name}` \|", reference), f"{model.__name__}.{name} 不在字段说明中"


def test_every_field_has_a_chinese_title_shown_in_its_row(reference: str) -> None:
    for record in RECORD_TYPES.values():
        table = rows(sections(reference)[record.label])
        for path, owner, name in model_paths(record):
            title = owner.model_fields[name].title
            assert title and re.search(r"[\u4e00-\u9fff]", title), f"{owner.__name__}.{name} 没有中文 title"
            assert table[path][0] == title


def test_descriptions_are_shown(reference: str) -> None:
    for record in RECORD_TYPES.values():
        table = rows(sections(reference)[record.label])
        for path, owner, name in model_paths(record):
            description = owner.model_fields[name].description
            if description:
                assert description.rstrip("。") in table[path][3]


def test_required_fields_are_marked_and_optional_ones_are_not(reference: str) -> None:
    for record in RECORD_TYPES.values():
        table = rows(sections(reference)[record.label])
        for path, owner, name in model_paths(record):
            expected = "是" if owner.model_fields[name].is_required() else "否"
            assert table[path][2] == expected, f"{record.label} {path}"
    assert rows(sections(reference)["故事"])["title"][2] == "是"
    assert rows(sections(reference)["志愿者"])["consent.publish"][2] == "是"
    assert rows(sections(reference)["志愿者"])["photo"][2] == "否"


@pytest.mark.parametrize(
    ("section", "path", "choices"),
    [
        ("项目", "status", "待启动、运行中、已结项"),
        ("荣誉", "order", "名单顺序、拼音、姓氏笔画"),
        ("志愿者", "consent.by", "本人、监护人"),
    ],
)
def test_literal_choices_are_listed(reference: str, section: str, path: str, choices: str) -> None:
    assert rows(sections(reference)[section])[path][1] == f"以下之一：{choices}"


def test_defaults_are_told(reference: str) -> None:
    project = rows(sections(reference)["项目"])
    assert "不填时为“运行中”" in project["status"][3]
    assert "不填时为 false" in project["draft"][3]


@pytest.mark.parametrize(
    ("section", "path", "kind"),
    [
        ("志愿者", "name", "文字"),
        ("志愿者", "service_hours", "数字（0 至 200000）"),
        ("志愿者", "since", "年份（四位数字）"),
        ("志愿者", "photo", "图片路径"),
        ("志愿者", "organization", "编号（指向组织）"),
        ("志愿者", "consent.portrait", "是/否（true/false）"),
        ("志愿者", "consent.date", "日期（年-月-日）"),
        ("组织", "members", "整数（不小于 0）"),
        ("荣誉", "date", "日期（年-月-日）"),
        ("故事", "volunteers", "列表，每项为编号（指向志愿者）"),
        ("故事", "theme", "编号（指向主题活动）"),
        ("主题活动", "phases[].period.start", "日期（年-月-日）"),
        ("荣誉", "categories[].recipients[].project", "编号（指向项目）"),
    ],
)
def test_types_are_in_plain_chinese(reference: str, section: str, path: str, kind: str) -> None:
    assert rows(sections(reference)[section])[path][1] == kind


def test_nested_fields_point_to_their_own_table(reference: str) -> None:
    honor = sections(reference)["荣誉"]
    assert rows(honor)["categories"][1] == "列表（至少 1 项），每项含子字段，见下方 `categories[]` 表"
    assert "### `categories[].recipients[]`：名单" in honor


def test_every_type_is_understood_and_every_id_names_its_target(reference: str) -> None:
    assert UNKNOWN_TYPE not in reference, "有字段的类型无法用中文说明：请在 generator/reference.py 的 type_text 中补充"
    assert "指向其他记录" not in reference, "有编号字段看不出指向哪类记录：字段名用对方的 record_type 或 folder，或在说明中写“××编号”"


def test_each_section_says_where_its_files_live(reference: str) -> None:
    found = sections(reference)
    for record in models.YAML_RECORD_TYPES:
        assert f"`content/{record.folder}/<编号>.yaml`" in found[record.label]
    assert "`stories/<编号>.md`" in found["故事"]
    assert "---" in found["故事"]


def test_every_table_row_has_five_cells(reference: str) -> None:
    for line in reference.splitlines():
        if line.startswith("| `"):
            assert len(re.split(r"(?<!\\)\|", line)) == 7, line


def test_output_is_deterministic(reference: str) -> None:
    assert field_reference_markdown() == reference


def test_command_prints_the_same_reference_whatever_the_hash_seed(reference: str) -> None:
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "generator.commands.reference"], cwd=REPO, capture_output=True, env=env, check=True)
        outputs.append(done.stdout.decode("utf-8"))
    assert outputs[0] == outputs[1] == reference


def test_without_settings_no_vocabulary_is_listed(reference: str) -> None:
    assert "站点可选值" not in sections(reference)
    assert "心理援助" not in reference


def test_with_settings_the_configured_vocabularies_are_listed(tmp_path: Path) -> None:
    settings = settings_with(
        tmp_path,
        fields={"zhu-lao": "助老服务", "xin-li-yuan-zhu": "心理援助"},
        honor_levels=("市级", "区级", "街道"),
        organization_kinds=("志愿服务队", "新时代文明实践站"),
        star_thresholds=(50, 200, 500, 800, 1200),
    )
    text = field_reference_markdown(settings)
    vocabulary = sections(text)["站点可选值"]
    assert "| 心理援助 | `xin-li-yuan-zhu` |" in vocabulary
    assert "市级、区级、街道" in vocabulary
    assert "志愿服务队、新时代文明实践站" in vocabulary
    assert "| 一星 | 50 小时及以上 |" in vocabulary and "| 五星 | 1200 小时及以上 |" in vocabulary
    assert "可选：市级、区级、街道" in rows(sections(text)["荣誉"])["level"][3]
    assert "可选：助老服务、心理援助" in rows(sections(text)["故事"])["fields"][3]
    assert "一星 50 小时" in rows(sections(text)["志愿者"])["service_hours"][3]
    assert field_reference_markdown(settings) == text


def test_with_settings_folders_follow_the_configured_paths(tmp_path: Path) -> None:
    settings = Settings(root=tmp_path, content_dir=tmp_path / "data", stories_dir=tmp_path / "news")
    found = sections(field_reference_markdown(settings))
    assert "`data/volunteers/<编号>.yaml`" in found["志愿者"]
    assert "`news/<编号>.md`" in found["故事"]


def test_vocabulary_fields_exist_in_the_models() -> None:
    for record, name in [*VOCABULARY_FIELDS, STAR_FIELD]:
        assert name in record.model_fields, f"{record.__name__}.{name}"
    assert any(SERVICE_FIELD in record.model_fields for record in RECORD_TYPES.values())


def test_command_reads_vocabularies_from_mkdocs_yml() -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "generator.commands.reference", "-f", "mkdocs.yml"], cwd=REPO, capture_output=True, env=env, check=True
    )
    text = done.stdout.decode("utf-8")
    assert "## 站点可选值" in text and "| 一星 | 100 小时及以上 |" in text
