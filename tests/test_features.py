"""Features (专题) and columns (栏目): curated collections of stories."""

from __future__ import annotations

from .conftest import SiteMaker
from .helpers import page_links


def feature_site(site: SiteMaker) -> SiteMaker:
    for day, sid in enumerate(["a", "b", "c", "d", "e"], start=1):
        site.story(sid, f"故事{sid}", f"2025-03-0{day}")
    return site


def test_a_feature_keeps_its_written_order_across_sections(site: SiteMaker) -> None:
    feature_site(site).record(
        "features",
        "f",
        title="志愿正当红",
        period={"start": "2026-01-01", "end": "2026-12-31"},
        sections=[{"heading": "第一篇", "stories": ["c", "a"]}, {"heading": "第二篇", "text": "导语文字", "stories": ["e", "b"]}],
        closing="结束语",
    )
    built = site.build()
    assert built.returncode == 0, built.output
    soup = built.html("features/f/")
    assert [h.get_text() for h in soup.select(".lf-feature__section h2")] == ["第一篇", "第二篇"]
    assert [a.get_text() for a in soup.select(".lf-feature__section .lf-card__title a")] == ["故事c", "故事a", "故事e", "故事b"]
    assert "导语文字" in soup.select(".lf-feature__section")[1].get_text()
    assert "结束语" in soup.select_one(".lf-feature__closing").get_text()


def test_story_pages_link_to_their_features_with_previous_and_next_in_feature_order(site: SiteMaker) -> None:
    feature_site(site)
    site.record("features", "f1", title="专题一", sections=[{"heading": "节", "stories": ["c", "a", "e"]}])
    site.record("features", "f2", title="专题二", sections=[{"heading": "节", "stories": ["a", "b"]}])
    built = site.build()
    assert built.returncode == 0, built.output
    soup = built.html("stories/2025/a/")
    links = page_links(soup, "stories/2025/a/")
    assert {"features/f1/", "features/f2/"} <= links
    navs = {nav["aria-label"]: nav for nav in soup.select(".lf-feature-nav")}
    f1 = navs["专题一"]
    assert f1.select_one("a[rel=prev]").get_text().endswith("故事c")
    assert f1.select_one("a[rel=next]").get_text().endswith("故事e")
    f2 = navs["专题二"]
    assert f2.select_one("a[rel=prev]") is None
    assert f2.select_one("a[rel=next]").get_text().endswith("故事b")


def test_a_draft_story_drops_out_of_a_feature_without_breaking_it(site: SiteMaker) -> None:
    feature_site(site).story("draft", "草稿故事", "2025-03-09", draft=True)
    site.record("features", "f", title="专题", sections=[{"heading": "节", "stories": ["a", "draft", "b"]}])
    built = site.build()
    assert built.returncode == 0, built.output
    soup = built.html("features/f/")
    assert [a.get_text() for a in soup.select(".lf-card__title a")] == ["故事a", "故事b"]
    nav = built.html("stories/2025/a/").select_one(".lf-feature-nav")
    assert nav.select_one("a[rel=next]").get_text().endswith("故事b")
    assert "草稿" in built.output  # the check warns that the draft will not show


def test_features_index_lists_newest_first_and_home_shows_current_ones(site: SiteMaker) -> None:
    feature_site(site)
    site.record(
        "features",
        "old",
        title="往期专题",
        period={"start": "2024-01-01", "end": "2024-12-31"},
        sections=[{"heading": "节", "stories": ["a"]}],
    )
    site.record(
        "features",
        "now",
        title="当前专题",
        period={"start": "2026-01-01", "end": "2026-12-31"},
        sections=[{"heading": "节", "stories": ["b"]}],
    )
    built = site.build()
    assert built.returncode == 0, built.output
    assert [a.get_text() for a in built.html("features/").select(".lf-card__title a")] == ["当前专题", "往期专题"]
    home = built.html("")
    assert [a.get_text() for a in home.select("#lf-current-features ~ .lf-list .lf-card__title a")] == ["当前专题"]


def test_column_pages_list_their_stories_newest_first_paginated(site: SiteMaker) -> None:
    for day in range(1, 6):
        site.story(f"s{day}", f"故事{day}", f"2025-04-0{day}", column="身边好人")
    site.story("other", "别的故事", "2025-04-09", column="基层动态")
    built = site.config(page_size="2").build()
    assert built.returncode == 0, built.output
    first = built.html("columns/shen-bian-hao-ren/")
    assert [a.get_text() for a in first.select(".lf-card__title a")] == ["故事5", "故事4"]
    assert built.exists("columns/shen-bian-hao-ren/page/3/")
    story = built.html("stories/2025/s1/")
    assert "columns/shen-bian-hao-ren/" in page_links(story, "stories/2025/s1/")


def _check(site: SiteMaker) -> tuple[int, str]:
    built = site.build()
    return built.returncode, built.output


def test_unknown_story_in_a_feature_is_an_error_with_a_suggestion(site: SiteMaker) -> None:
    feature_site(site).story("aixin", "爱心", "2025-03-06")
    site.file("content/features/f.yaml", "title: 专题\nsections:\n  - heading: 节\n    stories: [a, aixim]\n")
    code, output = _check(site)
    assert code != 0
    assert "content/features/f.yaml" in output and "4:18" in output and "找不到故事 aixim" in output and "aixin" in output


def test_an_empty_section_is_an_error(site: SiteMaker) -> None:
    feature_site(site).file(
        "content/features/f.yaml", "title: 专题\nsections:\n  - heading: 节一\n    stories: [a]\n  - heading: 空的\n    text: 只有文字\n"
    )
    code, output = _check(site)
    assert code != 0 and "章节“空的”没有故事" in output and "content/features/f.yaml" in output


def test_a_story_listed_twice_in_one_feature_is_an_error(site: SiteMaker) -> None:
    feature_site(site).file(
        "content/features/f.yaml", "title: 专题\nsections:\n  - heading: 一\n    stories: [a, b]\n  - heading: 二\n    stories: [c, a]\n"
    )
    code, output = _check(site)
    assert code != 0 and "故事 a 在专题中重复出现（第一次在第 4 行）" in output and "6:18" in output


def test_an_unknown_column_is_an_error(site: SiteMaker) -> None:
    site.story("s", "故事", "2025-01-01", column="身边好仁")
    code, output = _check(site)
    assert code != 0 and "栏目“身边好仁”不在站点配置的范围内" in output and "身边好人" in output
