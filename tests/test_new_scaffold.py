"""`leifeng new`: ready-to-fill files written from the models, valid as drafts, never overwriting."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from generator.commands.cli import main
from generator.commands.reference import field_paths
from generator.commands.scaffold import KINDS, person_id, scaffold_text, title_id, unique_id
from generator.content.models import RECORD_TYPES, Story, Volunteer

from .conftest import SiteMaker
from .test_checks_support import write_good_site

TITLES = {
    "volunteer": "张晓红",
    "organization": "青山志愿服务队",
    "project": "爱心午餐",
    "theme": "学雷锋志愿服务月",
    "honor": "2025年度最美志愿者",
    "feature": "志愿正当红",
    "story": "生日午餐会：一百位老人的“第一次生日”",
}


def run(root: Path, *argv: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> tuple[int, str]:
    monkeypatch.chdir(root)
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture
def good(tmp_path: Path) -> Path:
    write_good_site(tmp_path)
    return tmp_path


def test_ids_from_chinese_names_and_titles() -> None:
    assert person_id("张晓红") == "zhang-xiaohong"
    assert person_id("欧阳兰") == "ouyang-lan"
    assert person_id("司马文静") == "sima-wenjing"
    assert title_id("生日午餐会：一百位老人的“第一次生日”") == "shengri-wucan-hui"
    assert title_id("爱心午餐") == "aixin-wucan"
    assert title_id("2024年度“四个100”先进典型").startswith("2024-niandu")
    assert len(title_id("江城市" * 30)) <= 40
    assert title_id("！！！") == "record"
    assert unique_id("zhang-wei", {"zhang-wei", "zhang-wei-2"}) == "zhang-wei-3"


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_field_of_the_model_is_in_the_file_with_a_chinese_comment(kind: str) -> None:
    cls = KINDS[kind]
    text = scaffold_text(cls, TITLES[kind], "x")
    for path in field_paths(cls):
        name = path.split(".")[-1].removesuffix("[]")
        assert re.search(rf"^\s*(# )?\s*(- )?{name}:", text, re.M), (kind, path)
    for name, info in cls.model_fields.items():
        assert f"# {info.title}" in text, (kind, name)


def test_the_field_list_follows_the_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """A field added to a model appears in new files without touching the scaffold code."""
    from pydantic.fields import FieldInfo

    from generator.content.models import F

    info: FieldInfo = F("新字段说明", "测试用的新字段", default=None)
    info.annotation = str | None
    fields = dict(Volunteer.model_fields)
    fields["motto"] = info
    monkeypatch.setattr(Volunteer, "model_fields", fields)
    text = scaffold_text(Volunteer, "张三", "zhang-san")
    assert "# 新字段说明：文字。测试用的新字段。\n# motto:" in text


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_untouched_file_passes_check_as_a_draft(
    kind: str, good: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    code, out = run(good, "new", kind, TITLES[kind], monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    written = Path(re.search(r"已新建 (\S+)", out).group(1))
    folder = "stories" if kind == "story" else f"content/{RECORD_TYPES[kind].folder}"
    assert written.parent.as_posix() == folder
    text = (good / written).read_text(encoding="utf-8")
    assert "\ndraft: true\n" in text
    code, out = run(good, "check", "--format", "json", monkeypatch=monkeypatch, capsys=capsys)
    problems = json.loads(out)["problems"]
    assert code == 0 and not [p for p in problems if p["severity"] == "error"], problems
    if kind == "feature":
        # A rule of validate.py, not of the model: a section needs stories, and only staff know which.
        # In a draft it is a warning, to be fixed before publishing.
        assert [(p["code"], p["severity"]) for p in problems] == [("feature.empty-section", "warning")], problems


def _uncomment_everything(text: str) -> str:
    """What staff get by removing the leading `# ` of every left-out field (and its lines)."""
    head, _, rest = text.partition("\ndraft: true\n")  # the explanation above stays as it is
    lines = []
    for line in rest.split("\n"):
        match = re.match(r"^(\s*)# (\s*(?:- )?[a-z_]+:.*|\s+在这里写.*)$", line)
        lines.append(match.group(1) + match.group(2) if match else line)
    return head + "\ndraft: true\n" + "\n".join(lines)


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "story"])
def test_uncommented_fields_are_valid_yaml_for_the_model(kind: str) -> None:
    cls = KINDS[kind]
    data = yaml.safe_load(_uncomment_everything(scaffold_text(cls, TITLES[kind], "x")))
    assert set(data) == set(cls.model_fields)
    cls.model_validate({k: v for k, v in data.items() if v is not None})


def test_placeholders_the_command_cannot_know_are_marked_todo() -> None:
    text = scaffold_text(KINDS["honor"], "测试名单", "x")
    for line in ("level:", "date:", "  - name: 待填写", "      - name: 待填写"):
        assert any(row.startswith(line) and "TODO" in row for row in text.split("\n")), line
    story = scaffold_text(Story, "标题", "x")
    assert story.startswith("---\n") and "\n---\n\n<!-- TODO" in story


def test_a_filled_volunteer_is_published_after_draft_is_removed(
    good: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    code, _ = run(good, "new", "volunteer", "李四", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    path = good / "content/volunteers/li-si.yaml"
    text = path.read_text(encoding="utf-8").replace("draft: true\n", "")
    path.write_text(text, encoding="utf-8")
    code, out = run(good, "check", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and "没有同意公开" in out and out.count("✗") <= 1 or "共 1 个错误" in out, out
    # Consent given: uncomment the consent block and say yes.
    text = re.sub(r"^# consent:\n((?:#   .*\n)+)", lambda m: "consent:\n" + re.sub(r"^# ", "", m.group(1), flags=re.M), text, flags=re.M)
    text = text.replace("  publish: false", "  publish: true")
    path.write_text(text, encoding="utf-8")
    code, out = run(good, "check", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out


def test_same_name_gets_a_new_id(good: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    for _ in range(2):
        assert run(good, "new", "volunteer", "张", "伟", monkeypatch=monkeypatch, capsys=capsys)[0] == 0
    assert (good / "content/volunteers/zhang-wei.yaml").is_file()
    assert (good / "content/volunteers/zhang-wei-2.yaml").is_file()


def test_a_story_id_is_unique_across_sub_folders(good: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    SiteMaker(good).file("stories/2024/aixin-wucan.md", "---\ntitle: 旧文\ndate: 2024-01-01\n---\n\n正文。\n")
    code, out = run(good, "new", "story", "爱心午餐", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "stories/aixin-wucan-2.md" in out


@pytest.mark.parametrize(
    ("argv", "code", "phrase"),
    [
        (["new", "volunteer", "王五", "--id", "Wang Wu"], 1, "编号“Wang Wu”无效"),
        (["new", "volunteer", "张三", "--id", "zhang-san"], 1, "已被"),
        (["new", "volunteer", "  "], 1, "请写上名称"),
    ],
    ids=["bad-id", "id-taken", "empty-name"],
)
def test_bad_input_is_refused_and_nothing_is_overwritten(
    argv: list[str], code: int, phrase: str, good: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    before = {p: p.read_bytes() for p in good.rglob("*") if p.is_file()}
    result, out = run(good, *argv, monkeypatch=monkeypatch, capsys=capsys)
    assert result == code and phrase in out, out
    after = {p: p.read_bytes() for p in good.rglob("*") if p.is_file()}
    assert after == before


def test_unknown_kind_and_missing_mkdocs_yml_are_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(["new", "person", "张三"])
    assert exited.value.code == 2
    code, out = run(tmp_path, "new", "volunteer", "张三", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "找不到 mkdocs.yml" in out
    assert not list(tmp_path.rglob("*.yaml"))
