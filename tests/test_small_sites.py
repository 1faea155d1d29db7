"""Behaviours shown on the smallest site that shows each of them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from .conftest import SiteMaker
from .helpers import page_links


def test_story_list_is_paginated_at_the_configured_size_newest_first(site: SiteMaker) -> None:
    for day in range(1, 6):
        site.story(f"s{day}", f"故事{day}", f"2025-03-0{day}")
    built = site.config(page_size="2").build()
    assert built.returncode == 0, built.output
    pages = [built.html("stories/"), built.html("stories/page/2/"), built.html("stories/page/3/")]
    titles = [[a.get_text() for a in p.select(".lf-card__title a")] for p in pages]
    assert titles == [["故事5", "故事4"], ["故事3", "故事2"], ["故事1"]]
    assert not built.exists("stories/page/4/")
    assert "stories/page/2/" in page_links(pages[0], "stories/")


def test_year_pages_list_only_that_years_stories(site: SiteMaker) -> None:
    site.story("old", "旧故事", "2023-12-05").story("new", "新故事", "2025-03-05")
    built = site.build()
    assert built.returncode == 0, built.output
    titles = [a.get_text() for a in built.html("stories/2023/").select(".lf-card__title a")]
    assert titles == ["旧故事"]
    assert built.exists("stories/2023/old/") and built.exists("stories/2025/new/")


@pytest.mark.parametrize(
    ("hours", "stars"),
    [(0, 0), (99, 0), (100, 1), (299.5, 1), (300, 2), (1499, 4), (1500, 5), (9000, 5)],
)
def test_star_level_follows_the_thresholds(site: SiteMaker, hours: float, stars: int) -> None:
    built = site.volunteer("v", "王小明", service_hours=hours).build()
    assert built.returncode == 0, built.output
    badge = built.html("volunteers/v/").select_one(".lf-stars--big")
    if stars == 0:
        assert badge is None
    else:
        assert badge.get_text().count("★") == stars


def test_custom_star_thresholds_are_used(site: SiteMaker) -> None:
    built = site.volunteer("v", "王小明", service_hours=20).config(star_thresholds="[10, 20, 30, 40, 50]").build()
    assert built.returncode == 0, built.output
    assert built.html("volunteers/v/").select_one(".lf-stars--big").get_text().count("★") == 2


def test_bad_star_thresholds_fail_with_a_clear_message(site: SiteMaker) -> None:
    built = site.config(star_thresholds="[300, 100, 600, 1000, 1500]").build()
    assert built.returncode != 0
    assert "star_thresholds" in built.output


def test_drafts_are_left_out_of_the_build_and_shown_when_asked(site: SiteMaker) -> None:
    site.volunteer("v", "王小明").volunteer("d", "李草稿", draft=True)
    site.story("s", "已发布", "2025-01-01", volunteers=["v", "d"]).story("t", "草稿故事", "2025-01-02", draft=True)
    built = site.build()
    assert built.returncode == 0, built.output
    assert not built.exists("volunteers/d/") and not built.exists("stories/2025/t/")
    assert "volunteers/d/" not in page_links(built.html("stories/2025/s/"), "stories/2025/s/")
    assert "草稿故事" not in (built.site / "feed.xml").read_text(encoding="utf-8")
    shown = site.config(drafts="show").build()
    assert shown.returncode == 0, shown.output
    assert shown.exists("volunteers/d/") and shown.exists("stories/2025/t/")


def test_feed_lists_the_newest_stories_up_to_its_size(site: SiteMaker) -> None:
    for day in range(1, 6):
        site.story(f"s{day}", f"故事{day}", f"2025-05-0{day}", summary=f"导语{day}")
    built = site.config(feed_size="3").build()
    assert built.returncode == 0, built.output
    root = ET.parse(built.site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.find("a:title", ns).text for e in root.findall("a:entry", ns)] == ["故事5", "故事4", "故事3"]
    assert root.find("a:entry/a:link", ns).get("href") == "https://example.gov.cn/zyfw/stories/2025/s5/"


def test_honor_list_keeps_the_written_order_or_sorts_by_pinyin(site: SiteMaker) -> None:
    names = ["赵六", "张三", "李四", "王五"]
    site.record(
        "honors",
        "listed",
        title="名单一",
        level="市级",
        date="2024-03-05",
        categories=[{"name": "最美志愿者", "recipients": [{"name": n} for n in names]}],
    )
    site.record(
        "honors",
        "pinyin",
        title="名单二",
        level="市级",
        date="2024-03-05",
        order="拼音",
        categories=[{"name": "最美志愿者", "recipients": [{"name": n} for n in names]}],
    )
    built = site.build()
    assert built.returncode == 0, built.output
    listed = [e.get_text() for e in built.html("honors/listed/").select(".lf-roll__name")]
    by_pinyin = [e.get_text() for e in built.html("honors/pinyin/").select(".lf-roll__name")]
    assert listed == names
    assert by_pinyin == ["李四", "王五", "张三", "赵六"]


def test_honors_index_groups_by_year_then_level(site: SiteMaker) -> None:
    for hid, date, level in (("a", "2023-03-05", "市级"), ("b", "2024-03-05", "县级"), ("c", "2024-12-05", "省级")):
        site.record(
            "honors", hid, title=f"名单{hid}", level=level, date=date, categories=[{"name": "类", "recipients": [{"name": "张三"}]}]
        )
    built = site.build()
    assert built.returncode == 0, built.output
    soup = built.html("honors/")
    years = [h.get_text() for h in soup.select(".lf-listing h2")]
    levels_2024 = [h.get_text() for h in soup.select("#lf-year-2024 ~ h3")][:2]
    assert years == ["2024年", "2023年"]
    assert levels_2024 == ["省级", "县级"]


def test_field_page_lists_its_stories_volunteers_and_projects(site: SiteMaker) -> None:
    site.volunteer("v", "王小明", fields=["助老服务"])
    site.record("projects", "p", name="爱心午餐", fields=["zhu-lao"])
    site.story("s", "送餐", "2025-01-01", fields=["助老服务"])
    site.story("t", "植树", "2025-01-02", fields=["生态环保"])
    built = site.build()
    assert built.returncode == 0, built.output
    links = page_links(built.html("fields/zhu-lao/"), "fields/zhu-lao/")
    assert {"volunteers/v/", "projects/p/", "stories/2025/s/"} <= links
    assert "stories/2025/t/" not in links


def test_reading_time_counts_chinese_characters(site: SiteMaker) -> None:
    built = site.story("s", "长文", "2025-01-01", body="志" * 1000).build()
    assert built.returncode == 0, built.output
    meta = built.html("stories/2025/s/").select_one(".lf-meta").get_text()
    assert "全文 1000 字" in meta and "约 3 分钟读完" in meta


def test_content_errors_stop_the_build_and_keep_the_previous_site(site: SiteMaker) -> None:
    site.story("s", "好故事", "2025-01-01")
    first = site.build()
    assert first.returncode == 0, first.output
    before = {p.relative_to(first.site): p.read_bytes() for p in first.site.rglob("*") if p.is_file()}
    site.story("bad", "坏故事", "2025-13-01")
    second = site.build()
    assert second.returncode != 0
    assert "stories/bad.md" in second.output and "2025-13-01" in second.output
    after = {p.relative_to(second.site): p.read_bytes() for p in second.site.rglob("*") if p.is_file()}
    assert after == before


def test_same_input_gives_the_same_output(site: SiteMaker) -> None:
    site.volunteer("v", "王小明", service_hours=120).story("s", "故事", "2025-01-01", volunteers=["v"])
    first = site.build()
    snapshot = {p.relative_to(first.site): p.read_bytes() for p in first.site.rglob("*") if p.is_file() and p.name != "sitemap.xml.gz"}
    second = site.build()
    again = {p.relative_to(second.site): p.read_bytes() for p in second.site.rglob("*") if p.is_file() and p.name != "sitemap.xml.gz"}
    assert again == snapshot
