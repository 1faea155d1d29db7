"""Figures at a glance: the data page, charts, key dates and timelines."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from generator.assets.charts import bar_chart, column_chart

from .conftest import SiteMaker

FIGURES = """\
series:
  - name: 注册志愿者
    unit: 人
    source: 测试市文明办
    home: true
    values:
      - {date: 2024-12-31, value: 80000}
      - {date: 2025-12-31, value: 100000}
  - name: 活跃度
    unit: "%"
    values:
      - {date: 2025-12-31, value: 52.5}
"""


def _charts(soup) -> dict[str, object]:
    return {fig.select_one(".lf-chart__title").get_text(): fig for fig in soup.select("figure.lf-chart")}


def test_reported_figures_show_the_latest_value_and_the_change(site: SiteMaker) -> None:
    built = site.file("content/figures.yaml", FIGURES).build()
    assert built.returncode == 0, built.output
    numbers = [li.get_text(" ", strip=True) for li in built.html("data/").select(".lf-data > ul.lf-figures")[0].select("li")]
    assert numbers[0].startswith("10万 注册志愿者（人）") and "比上期增长 25.0%" in numbers[0]
    assert numbers[1].startswith("52.5% 活跃度")
    home = built.html("").select_one(".lf-figures").get_text(" ", strip=True)
    assert "10万 注册志愿者" in home and "活跃度" not in home


def test_derived_figures_follow_the_content(site: SiteMaker) -> None:
    site.volunteer("a", "甲", service_hours=50).volunteer("b", "乙", service_hours=350).volunteer("c", "丙", service_hours=360)
    first = site.build()
    assert first.returncode == 0, first.output
    stars = _charts(first.html("data/"))["志愿者星级分布（人）"]
    assert dict(_rows(stars)) == {"未评星": "1", "一星": "0", "二星": "2", "三星": "0", "四星": "0", "五星": "0"}
    site.volunteer("d", "丁", service_hours=2000)
    second = site.build()
    stars = _charts(second.html("data/"))["志愿者星级分布（人）"]
    assert dict(_rows(stars))["五星"] == "1"
    assert second.html("data/").select("ul.lf-figures")[-1].select_one("li strong").get_text() == "4"


def _rows(figure) -> list[tuple[str, str]]:
    return [(tr.th.get_text(), tr.td.get_text()) for tr in figure.select("tbody tr")]


def test_stories_per_month_counts_each_month(site: SiteMaker) -> None:
    site.story("a", "一", "2025-01-05").story("b", "二", "2025-01-20").story("c", "三", "2025-03-01")
    built = site.build()
    rows = dict(_rows(_charts(built.html("data/"))["每月发布的志愿故事（篇）"]))
    assert rows["2025.1"] == "2" and rows["2025.2"] == "0" and rows["2025.3"] == "1"
    assert len(rows) == 24


def test_every_chart_is_well_formed_svg_with_a_bar_per_table_row(site: SiteMaker) -> None:
    site.file("content/figures.yaml", FIGURES).volunteer("a", "甲", service_hours=120, fields=["助老服务"])
    site.record("projects", "p", name="项目", fields=["助老服务"]).story("s", "故事", "2025-05-01")
    built = site.build()
    figures = built.html("data/").select("figure.lf-chart")
    assert len(figures) >= 4
    for figure in figures:
        svg = ET.fromstring(str(figure.find("svg")))
        assert svg.tag.endswith("svg") and svg.get("role") == "img"
        rects = [e for e in svg.iter() if e.tag.endswith("rect")]
        assert len(rects) == len(figure.select("tbody tr"))
        assert any(e.tag.endswith("desc") and e.text for e in svg.iter())


def test_bad_figures_file_reports_file_and_line(site: SiteMaker) -> None:
    site.file(
        "content/figures.yaml",
        "series:\n  - name: 注册志愿者\n    values:\n      - {date: 2025-13-31, value: 10}\n      - {date: 2024-12-31, value: 很多}\n",
    )
    built = site.build()
    assert built.returncode != 0
    assert "content/figures.yaml" in built.output
    assert "2025-13-31" in built.output and "应为数字" in built.output


@pytest.mark.parametrize(
    ("build_date", "expected"),
    [
        ("2026-11-22", ["第 41 个国际志愿者日"]),
        ("2026-03-01", ["第 63 个学雷锋纪念日", "第 27 个中国青年志愿者服务日"]),
        ("2026-03-05", ["第 63 个学雷锋纪念日", "第 27 个中国青年志愿者服务日"]),
        ("2026-12-06", ["第 64 个学雷锋纪念日", "第 28 个中国青年志愿者服务日"]),
    ],
)
def test_home_shows_the_next_key_date_with_its_anniversary(site: SiteMaker, build_date: str, expected: list[str]) -> None:
    site.write_config()
    config = (site.root / "mkdocs.yml").read_text(encoding="utf-8").replace('build_date: "2026-11-22"', f'build_date: "{build_date}"')
    (site.root / "mkdocs.yml").write_text(config, encoding="utf-8")
    from .conftest import build

    built = build(site.root)
    assert built.returncode == 0, built.output
    names = [n.get_text() for n in built.html("").select(".lf-keydate__name")]
    assert names == expected


def test_local_key_dates_come_from_the_configuration(site: SiteMaker) -> None:
    built = site.config(key_dates='[{date: "11-30", name: 江城志愿者节, first: 2011}]').build()
    assert built.returncode == 0, built.output
    assert [n.get_text() for n in built.html("").select(".lf-keydate__name")] == ["第 16 个江城志愿者节"]


def test_volunteer_footprints_list_honours_and_stories_by_year(site: SiteMaker) -> None:
    site.volunteer("v", "王小明").story("old", "旧事", "2023-05-01", volunteers=["v"]).story("new", "新事", "2025-05-01", volunteers=["v"])
    site.record(
        "honors",
        "h",
        title="表彰",
        level="市级",
        date="2024-03-05",
        categories=[{"name": "最美志愿者", "recipients": [{"volunteer": "v"}]}],
    )
    built = site.build()
    assert built.returncode == 0, built.output
    soup = built.html("volunteers/v/")
    years = [h.get_text() for h in soup.select("#lf-footprints ~ .lf-timeline .lf-footprints__year")]
    assert years == ["2025年", "2024年", "2023年"]
    items = [a.get_text() for a in soup.select("#lf-footprints ~ .lf-timeline a")]
    assert items == ["新事", "表彰", "旧事"]


def test_organisation_projects_are_shown_by_start_year(site: SiteMaker) -> None:
    site.record("organizations", "o", name="服务队")
    site.record("projects", "p1", name="老项目", organization="o", started=2015)
    site.record("projects", "p2", name="新项目", organization="o", started=2022)
    built = site.build()
    assert built.returncode == 0, built.output
    soup = built.html("organizations/o/")
    assert [h.get_text() for h in soup.select("#lf-projects ~ .lf-timeline .lf-footprints__year")] == ["2022年", "2015年"]


def test_chart_geometry_scales_bars_to_the_largest_value() -> None:
    chart = column_chart("k", "标题", [("2024年", 50), ("2025年", 100)])
    assert chart.bars[1].height == pytest.approx(2 * chart.bars[0].height)
    assert chart.ticks[0].label == "0"
    horizontal = bar_chart("k", "标题", [("助老服务", 3), ("生态环保", 0)])
    assert horizontal.bars[1].width == 0 and horizontal.bars[0].width > 0
