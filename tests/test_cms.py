"""The browser editor (/admin/): its configuration is derived from the models and the site's settings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from generator.assets import cms
from generator.assets.cms import HERE, VENDORED, UnmappedField, admin_files, cms_config, config_yaml
from generator.commands.cli import load_settings
from generator.commands.reference import nested_model
from generator.content import models
from generator.content.models import RECORD_TYPES, YAML_RECORD_TYPES, Record
from generator.content.settings import AdminSettings, SettingsError, check_options, make_settings

REPO = Path(__file__).resolve().parent.parent
SNAPSHOT = REPO / "tests" / "data" / "cms-config.yml"
MEDIA_TYPES = (models.MediaPath, models.MediaPath | None)


def _settings(tmp_path: Path, language: str = "zh", **options: object):
    return make_settings(dict(options), tmp_path, language=language)


def _collection(config: dict, record: type[Record]) -> dict:
    return next(c for c in config["collections"] if c["name"] == record.folder)


def _field(fields: list[dict], name: str) -> dict:
    return next(f for f in fields if f["name"] == name)


def _model_fields(model: type[BaseModel], fields: list[dict], prefix: str = ""):
    """(path, model field info, editor field) for every field, walking into nested models."""
    for name, info in model.model_fields.items():
        editor = _field(fields, name)
        yield prefix + name, info, editor
        inner, _ = nested_model(info.annotation)
        if inner is not None:
            yield from _model_fields(inner, editor["fields"], f"{prefix}{name}.")


# --- derived from the models ------------------------------------------------------


@pytest.mark.parametrize("kind", list(RECORD_TYPES))
def test_every_model_field_is_in_the_editor_with_its_title_and_required_flag(tmp_path: Path, kind: str) -> None:
    record = RECORD_TYPES[kind]
    collection = _collection(cms_config(_settings(tmp_path)), record)
    for path, info, editor in _model_fields(record, collection["fields"]):
        assert editor["label"] == info.title, path
        if editor["widget"] == "boolean":
            assert editor["required"] is False and ("default" in editor) == info.is_required(), path
        else:
            assert editor.get("required", True) == info.is_required(), path


def test_the_figures_file_is_edited_as_one_file_with_its_model_fields(tmp_path: Path) -> None:
    collection = next(c for c in cms_config(_settings(tmp_path))["collections"] if c["name"] == "figures")
    (file,) = collection["files"]
    assert file["file"] == "content/figures.yaml" and collection["format"] == "leifeng-yaml"
    for path, info, editor in _model_fields(models.Figures, file["fields"]):
        assert editor["label"] == info.title, path


def test_committed_snapshot_of_the_example_configuration_is_current() -> None:
    """A model or a setting that changes shows up in review as a change of this file."""
    expected = config_yaml(load_settings(str(REPO / "mkdocs.yml")))
    assert SNAPSHOT.read_text(encoding="utf-8") == expected, "run: python -m generator.assets.cms -f mkdocs.yml > tests/data/cms-config.yml"


def test_a_field_type_the_editor_cannot_show_is_an_error_not_a_silent_gap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Odd(models.Volunteer):
        record_type = "volunteer"
        extra_data: dict[str, int] = models.F("额外数据", default_factory=dict)

    monkeypatch.setattr(cms, "YAML_RECORD_TYPES", (Odd,))
    with pytest.raises(UnmappedField, match="extra_data"):
        cms_config(_settings(tmp_path))


def test_new_records_get_an_id_field_checked_against_the_id_pattern(tmp_path: Path) -> None:
    for collection in (c for c in cms_config(_settings(tmp_path))["collections"] if "folder" in c):
        id_field = collection["fields"][0]
        assert id_field["widget"] == "leifeng-id" and id_field["name"] == "id"
        assert id_field["pattern"][0] == models.ID_PATTERN
        assert collection["slug"] == "{{fields.id}}"


# --- the repository's folders and formats --------------------------------------------


def test_records_are_yaml_files_in_their_content_folder(tmp_path: Path) -> None:
    config = cms_config(_settings(tmp_path, content_dir="data"))
    for record in YAML_RECORD_TYPES:
        collection = _collection(config, record)
        assert (collection["folder"], collection["extension"], collection["format"]) == (f"data/{record.folder}", "yaml", "leifeng-yaml")


def test_stories_are_markdown_files_with_front_matter_and_a_markdown_body(tmp_path: Path) -> None:
    collection = _collection(cms_config(_settings(tmp_path, stories_dir="news")), models.Story)
    assert (collection["folder"], collection["extension"], collection["format"]) == ("news", "md", "leifeng-frontmatter")
    body = collection["fields"][-1]
    assert body["name"] == "body" and body["widget"] == "markdown"


def test_the_story_body_hint_explains_the_sites_link_form_for_records(tmp_path: Path) -> None:
    from generator.site.bodies import LINK_KINDS, RECORD_LINK

    body = _collection(cms_config(_settings(tmp_path)), models.Story)["fields"][-1]
    assert cms.RECORD_LINK_HINT in body["hint"]
    assert all(f"{kind}" in cms.RECORD_LINK_HINT for kind in LINK_KINDS)
    assert RECORD_LINK.match("volunteer:zhang-xiaohong") and "(volunteer:zhang-xiaohong)" in cms.RECORD_LINK_HINT


def test_images_upload_to_content_media_and_their_alt_text_follows(tmp_path: Path) -> None:
    config = cms_config(_settings(tmp_path))
    seen = 0
    for record in RECORD_TYPES.values():
        fields = _collection(config, record)["fields"]
        names = [f["name"] for f in fields]
        for name, info in record.model_fields.items():
            if info.annotation in MEDIA_TYPES:
                image = _field(fields, name)
                assert image["widget"] == "image"
                assert image["media_folder"] == f"/content/media/{record.folder}"
                assert image["public_folder"] == f"media/{record.folder}"  # the stored path is relative to content/
                assert names[names.index(name) + 1] == f"{name}_alt"
                seen += 1
    assert seen >= 6


def test_references_are_relations_that_search_by_name_and_store_the_id(tmp_path: Path) -> None:
    story = _collection(cms_config(_settings(tmp_path)), models.Story)["fields"]
    volunteers, project = _field(story, "volunteers"), _field(story, "project")
    assert volunteers == volunteers | {
        "widget": "relation",
        "collection": "volunteers",
        "value_field": "{{slug}}",
        "search_fields": ["name"],
        "multiple": True,
    }
    assert project["widget"] == "relation" and project["collection"] == "projects" and "multiple" not in project
    feature = _collection(cms_config(_settings(tmp_path)), models.Feature)["fields"]
    stories = _field(_field(feature, "sections")["fields"], "stories")
    assert stories["collection"] == "stories" and stories["search_fields"] == ["title"]


def test_choices_come_from_the_site_settings(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path, fields={"zhu-lao": "敬老"}, honor_levels=["区级"], organization_kinds=["车队"], columns={"hao-ren": "好人"}
    )
    config = cms_config(settings)
    assert _field(_collection(config, models.Volunteer)["fields"], "fields")["options"] == ["敬老"]
    assert _field(_collection(config, models.Honor)["fields"], "level")["options"] == ["区级"]
    assert _field(_collection(config, models.Organization)["fields"], "kind")["options"] == ["车队"]
    assert _field(_collection(config, models.Story)["fields"], "column")["options"] == ["好人"]
    assert _field(_collection(config, models.Project)["fields"], "status")["options"] == ["待启动", "运行中", "已结项"]


def test_dates_numbers_and_lists_carry_the_models_formats_and_bounds(tmp_path: Path) -> None:
    config = cms_config(_settings(tmp_path))
    story, volunteer, honor = (_collection(config, r)["fields"] for r in (models.Story, models.Volunteer, models.Honor))
    assert _field(story, "date") | cms.DATE_WIDGET == _field(story, "date")
    assert {k: _field(volunteer, "since")[k] for k in ("value_type", "min", "max")} == {"value_type": "int", "min": 1900, "max": 2100}
    assert _field(volunteer, "service_hours")["value_type"] == "float"
    assert _field(honor, "categories")["min"] == 1
    assert _field(story, "source_url")["pattern"][0] == r"^https?://\S+$"


def test_volunteers_explain_consent_and_guardian_rules_where_consent_is_given(tmp_path: Path) -> None:
    fields = _collection(cms_config(_settings(tmp_path)), models.Volunteer)["fields"]
    publish = _field(_field(fields, "consent")["fields"], "publish")
    assert "监护人" in publish["hint"] and "肖像" in publish["hint"]
    assert _field(_field(fields, "consent")["fields"], "by")["options"] == ["本人", "监护人"]


# --- language ----------------------------------------------------------------------


def test_a_traditional_site_gets_the_traditional_ui_and_labels(tmp_path: Path) -> None:
    config = cms_config(_settings(tmp_path, language="zh-TW"))
    assert config["locale"] == "zh_Hant"
    hours = _field(_collection(config, models.Volunteer)["fields"], "service_hours")
    assert hours["label"] == "服務時長"
    files = admin_files(_settings(tmp_path, language="zh-TW"), "測試", "", "zh-TW")
    page = files["admin/index.html"].decode()
    assert 'lang="zh-Hant"' in page and "內容編輯" in page
    phrases = json.loads(re.search(r'id="lf-cms-data">(.*?)</script>', page).group(1))["phrases"]
    assert phrases["editor"]["editorNotesPane"]["title"] == "批註"


def test_a_simplified_site_gets_the_simplified_ui(tmp_path: Path) -> None:
    assert cms_config(_settings(tmp_path))["locale"] == "zh_Hans"


# --- backends ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["github", "gitlab", "forgejo"])
def test_backends_that_open_pull_requests_get_the_editorial_workflow(tmp_path: Path, name: str) -> None:
    settings = make_settings({"admin": {"backend": {"name": name, "repo": "org/site"}}}, tmp_path)
    config = cms_config(settings)
    assert config["backend"] == {"name": name, "repo": "org/site"} and config["publish_mode"] == "editorial_workflow"


def test_the_gitea_backend_which_cannot_open_pull_requests_is_not_told_to(tmp_path: Path) -> None:
    settings = make_settings({"admin": {"backend": {"name": "gitea", "repo": "org/site"}}}, tmp_path)
    assert "publish_mode" not in cms_config(settings)


def test_the_backend_is_guessed_from_repo_url_when_not_set(tmp_path: Path) -> None:
    config = cms_config(_settings(tmp_path), repo_url="https://gitlab.com/wenmingban/zyfw.git")
    assert config["backend"] == {"name": "gitlab", "repo": "wenmingban/zyfw", "branch": "main"}


def test_a_local_backend_url_is_written_for_decap_server(tmp_path: Path) -> None:
    settings = make_settings({"admin": {"local_backend": "http://127.0.0.1:9999/api/v1"}}, tmp_path)
    assert cms_config(settings)["local_backend"] == {"url": "http://127.0.0.1:9999/api/v1"}
    assert "local_backend" not in cms_config(make_settings({"admin": {"local_backend": False}}, tmp_path))


# --- the page and its files ------------------------------------------------------------


def test_the_page_loads_only_files_of_the_site(tmp_path: Path) -> None:
    files = admin_files(_settings(tmp_path), "测试站", "https://example.gov.cn/zyfw/", "zh", stylesheets=["assets/site.css"])
    assert set(files) == {f"admin/{n}" for n in ("index.html", "config.yml", "leifeng-cms.js", *VENDORED)}
    page = files["admin/index.html"].decode()
    sources = re.findall(r'<script src="([^"]+)"', page)
    assert sources == [*VENDORED, "leifeng-cms.js"]
    assert not re.search(r"https?://", page + files["admin/leifeng-cms.js"].decode())
    assert '"../assets/site.css"' in page
    assert yaml.safe_load(files["admin/config.yml"])["site_url"] == "https://example.gov.cn/zyfw/"


def test_the_admin_page_can_be_left_out(tmp_path: Path) -> None:
    settings = make_settings({}, tmp_path)
    assert admin_files(settings, "站", "", "zh")
    off = make_settings({"admin": {"enabled": False}}, tmp_path)
    assert off.admin == AdminSettings(enabled=False)
    assert admin_files(off, "站", "", "zh") == {}


@pytest.mark.parametrize(
    ("written", "named"),
    [
        ({"enabld": False}, "admin 中没有名为 enabld 的设置"),
        ({"enabled": "否"}, "admin.enabled 只能是 true 或 false"),
        ({"backend": {"repo": "org/site"}}, "admin.backend 应写明代码托管平台 name"),
        ({"local_backend": 8081}, "admin.local_backend 应为 true、false 或 decap-server 的地址"),
    ],
)
def test_a_wrong_admin_setting_is_named_in_chinese(tmp_path: Path, written: dict, named: str) -> None:
    messages = [problem.message for problem in check_options({"admin": written})]
    assert len(messages) == 1 and messages[0].startswith(named)
    with pytest.raises(SettingsError, match=re.escape(named)):
        make_settings({"admin": written}, tmp_path)


def test_a_built_site_has_the_admin_page_by_default_and_not_when_left_out(site) -> None:
    site.volunteer("li-ming", "李明")
    built = site.build()
    assert built.returncode == 0, built.output
    assert (built.site / "admin" / "decap-cms.js").read_bytes() == (HERE / "decap-cms.js").read_bytes()
    assert "collections:" in (built.site / "admin" / "config.yml").read_text(encoding="utf-8")
    site.config(admin="{enabled: false}")
    built = site.build()
    assert built.returncode == 0, built.output
    assert not (built.site / "admin").exists()


# --- the committed copies of the npm files --------------------------------------------------


def test_the_committed_decap_file_is_the_locked_version() -> None:
    lock = json.loads((HERE / "package-lock.json").read_text(encoding="utf-8"))
    version = lock["packages"]["node_modules/decap-cms"]["version"]
    assert json.loads((HERE / "package.json").read_text(encoding="utf-8"))["dependencies"]["decap-cms"] == version
    assert f"decap-cms {version}".encode() in (HERE / "decap-cms.js").read_bytes()


def test_the_committed_files_are_byte_identical_to_the_locked_packages(tmp_path: Path) -> None:
    """The locked tarballs from the npm registry (integrity checked), unpacked and compared byte for byte."""
    node_modules = HERE / "node_modules" if (HERE / "node_modules").is_dir() else cms.fetch_locked(tmp_path)
    assert cms.vendored_differences(node_modules) == [], "run: python -m generator.assets.cms --update (see docs/cms.md)"
