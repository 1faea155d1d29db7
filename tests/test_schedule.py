"""Publishing on the day: a story or honour list dated ahead goes live on its date, everywhere at once.

The build date is today in the site's time zone (Beijing unless set). Tests
move the clock with LEIFENG_NOW, the way a CI runner in UTC sees it: at
16:00 UTC on 3月4日 it is already 00:00 on 3月5日 in Beijing.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.request
from pathlib import Path

import pytest

from generator.content.models import Honor, Story, Volunteer
from generator.content.settings import make_settings

from . import test_serve
from .conftest import Built, SiteMaker, build
from .test_site_config import _assert_one_chinese_message, _check, _site_with

# The story and the honour list are dated 3月5日 (Beijing).
BEFORE = "2026-03-04T15:59:59+00:00"  # 23:59:59 on 3月4日 in Beijing
ON_THE_DAY = "2026-03-04T16:00:00+00:00"  # 00:00 on 3月5日 in Beijing; still 3月4日 in UTC
RUNNER = "2026-03-04T23:30:00+00:00"  # the daily build on a UTC runner: 07:30 on 3月5日 in Beijing

STORY, STORY_TITLE, STORY_URL = "xin-gu-shi", "纪念日特稿", "stories/2026/xin-gu-shi/"
HONOR, HONOR_TITLE, HONOR_URL = "zuimei-2026", "2026年最美志愿者", "honors/zuimei-2026/"


def _env(now: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore", "LEIFENG_NOW": now, **extra}


def _on_the_clock(site: SiteMaker, **options: str) -> SiteMaker:
    """Write mkdocs.yml without the fixed build_date of the test sites: the site's clock decides."""
    site.config(**options).write_config()
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace('      build_date: "2026-11-22"\n', ""), encoding="utf-8")
    return site


def _build_at(site: SiteMaker, now: str, **env: str) -> Built:
    result = subprocess.run(
        ["python3", "-m", "mkdocs", "build"], cwd=site.root, capture_output=True, text=True, env=_env(now, **env), timeout=600
    )
    built = Built(site.root, result.returncode, result.stdout + result.stderr)
    assert built.returncode == 0, built.output
    return built


def _leifeng(root: Path, now: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["leifeng", *args], cwd=root, capture_output=True, text=True, env=_env(now), timeout=300)


def _coming(site: SiteMaker, **options: str) -> SiteMaker:
    """A published story and one dated 3月5日 sharing volunteer, project, field, column and feature; an honour list of 3月5日."""
    site.volunteer("zhang-san", "张三", fields=["助老服务"])
    site.record("projects", "aixin", name="爱心午餐", fields=["助老服务"])
    shared = {"volunteers": ["zhang-san"], "project": "aixin", "fields": ["助老服务"], "column": "身边好人"}
    site.story("jiu-wen", "旧闻一则", "2026-03-01", **shared)
    site.story(STORY, STORY_TITLE, "2026-03-05", featured=True, **shared)
    site.record(
        "features",
        "zhuanti",
        title="学雷锋月",
        period={"start": "2026-03-01", "end": "2026-03-31"},
        sections=[{"heading": "第一周", "stories": ["jiu-wen", STORY]}],
    )
    site.record(
        "honors",
        HONOR,
        title=HONOR_TITLE,
        level="市级",
        date="2026-03-05",
        categories=[{"name": "最美志愿者", "recipients": [{"volunteer": "zhang-san"}]}],
    )
    return _on_the_clock(site, **options)


def _files_mentioning(built: Built, *needles: str) -> list[str]:
    """Site files whose path or bytes hold any of `needles`."""
    found = []
    for path in sorted(built.site.rglob("*")):
        if path.is_file():
            relative = path.relative_to(built.site).as_posix()
            data = path.read_bytes()
            if any(n in relative or n.encode() in data for n in needles):
                found.append(relative)
    return found


def _links(built: Built, url: str) -> set[str]:
    from .helpers import page_links

    return page_links(built.html(url), url)


# --- a story ------------------------------------------------------------------


def test_a_story_is_in_no_published_file_before_its_day_and_in_every_place_on_it(site: SiteMaker) -> None:
    before = _build_at(_coming(site), BEFORE)
    assert before.exists("stories/2026/jiu-wen/"), "the story of 3月1日 is published"
    assert _files_mentioning(before, STORY, STORY_TITLE) == []
    built = _build_at(site, ON_THE_DAY)  # the next build, reusing the page cache of the one before
    assert built.html(STORY_URL).h1.get_text(strip=True) == STORY_TITLE
    for listing in ("", "stories/", "stories/2026/", "volunteers/zhang-san/", "projects/aixin/", "fields/zhu-lao/"):
        assert STORY_URL in _links(built, listing), listing
    assert STORY_URL in _links(built, "features/zhuanti/"), "the feature lists it in its section"
    assert STORY_URL in _links(built, "columns/shen-bian-hao-ren/")
    assert STORY_URL in _links(built, "stories/2026/jiu-wen/"), "the older story links to it (newer, related)"
    assert f"https://example.gov.cn/zyfw/{STORY_URL}" in (built.site / "feed.xml").read_text(encoding="utf-8")
    assert f"https://example.gov.cn/zyfw/{STORY_URL}" in (built.site / "sitemap.xml").read_text(encoding="utf-8")
    assert [f for f in _files_mentioning(built, STORY_URL) if f.startswith("search/")], "the search index has it"
    assert built.exists(f"wechat/{STORY}/") and (built.site / "wechat" / STORY / "qr.png").is_file()
    assert f"wechat/{STORY}/" in _links(built, "wechat/")


@pytest.mark.parametrize(
    ("now", "timezone", "published"),
    [
        pytest.param(BEFORE, None, False, id="23:59-in-beijing"),
        pytest.param(ON_THE_DAY, None, True, id="midnight-in-beijing-still-3-4-in-utc"),
        pytest.param(RUNNER, None, True, id="the-daily-build-on-a-utc-runner"),
        pytest.param(RUNNER, "UTC", False, id="a-site-set-to-utc-waits-for-utc-midnight"),
    ],
)
def test_the_build_date_is_today_in_the_sites_time_zone_not_the_machines(
    site: SiteMaker, now: str, timezone: str | None, published: bool
) -> None:
    _coming(site, **({"timezone": timezone} if timezone else {}))
    built = _build_at(site, now, TZ="UTC")
    assert built.exists(STORY_URL) is published


def test_build_date_in_mkdocs_yml_previews_a_future_day(site: SiteMaker) -> None:
    built = _build_at(_coming(site, build_date='"2026-03-05"'), BEFORE)
    assert built.exists(STORY_URL) and built.exists(HONOR_URL)


# --- an honour list ---------------------------------------------------------------


def test_an_honour_list_is_in_no_published_file_before_its_day_and_in_every_place_on_it(site: SiteMaker) -> None:
    before = _build_at(_coming(site), BEFORE)
    assert _files_mentioning(before, HONOR, HONOR_TITLE) == []
    built = _build_at(site, ON_THE_DAY)
    assert built.html(HONOR_URL).h1.get_text(strip=True) == HONOR_TITLE
    for listing in ("", "honors/", "volunteers/zhang-san/"):
        assert HONOR_URL in _links(built, listing), listing
    assert (built.site / "share" / "honors" / f"{HONOR}.pdf").is_file(), "the printable roll"
    assert f"https://example.gov.cn/zyfw/{HONOR_URL}" in (built.site / "sitemap.xml").read_text(encoding="utf-8")
    assert [f for f in _files_mentioning(built, HONOR_URL) if f.startswith("search/")], "the search index has it"


# --- links to a scheduled record --------------------------------------------------


@pytest.mark.parametrize("link", ["story:xin-gu-shi", "../../stories/xin-gu-shi.md"])
def test_a_link_to_a_scheduled_story_is_plain_text_until_its_day(site: SiteMaker, link: str) -> None:
    site.volunteer("li-si", "李四", bio=f"她的故事见[纪念日特稿]({link})。")
    _coming(site)
    before = _build_at(site, BEFORE)
    bio = before.html("volunteers/li-si/").select_one(".lf-body")
    assert "纪念日特稿" in bio.get_text() and bio.find("a") is None
    after = _build_at(site, ON_THE_DAY)
    assert STORY_URL in _links(after, "volunteers/li-si/")


def test_a_hand_written_page_links_to_a_scheduled_story_in_plain_text_until_its_day(site: SiteMaker) -> None:
    site.file("docs/about.md", "# 关于\n\n三月推出[纪念日特稿](story:xin-gu-shi)。\n")
    _coming(site)
    before = _build_at(site, BEFORE).html("about/")
    assert "三月推出纪念日特稿。" in before.get_text() and not before.select('a[href*="story:"], a[href*="xin-gu-shi"]')
    assert STORY_URL in _links(_build_at(site, ON_THE_DAY), "about/")


@pytest.mark.parametrize("link", ["story:xin-gu-shi", "xin-gu-shi.md"])
def test_leifeng_check_refuses_a_story_linking_to_a_story_that_goes_live_after_it(site: SiteMaker, link: str) -> None:
    _coming(site).story("jiu-wen", "旧闻一则", "2026-03-01", body=f"第一段。\n\n续篇见[纪念日特稿]({link})。\n")
    result = _leifeng(site.root, BEFORE, "check")
    assert result.returncode == 1, result.stdout + result.stderr
    text = (site.root / "stories" / "jiu-wen.md").read_text(encoding="utf-8")
    line = text[: text.index(link)].count("\n") + 1
    found = rf"^\s+{line}:\d+\s+错误\s+链接的故事“xin-gu-shi”2026年3月5日才上线，晚于本故事的日期 2026年3月1日.*\[link\.scheduled-record\]"
    assert re.search(found, result.stdout, re.M), result.stdout
    assert _leifeng(site.root, ON_THE_DAY, "check").returncode == 0, "once it is live the link is a link"


def _record(cls: type, rid: str, **fields: object):
    record = cls.model_validate(fields)
    record._id = rid
    return record


@pytest.mark.parametrize(
    ("source_date", "premature"),
    [
        pytest.param("2026-03-01", True, id="a-story-published-before-it"),
        pytest.param("2026-03-04", True, id="a-story-scheduled-for-the-day-before"),
        pytest.param("2026-03-05", False, id="a-story-of-the-same-day"),
        pytest.param("2026-03-09", False, id="a-story-scheduled-after-it"),
    ],
)
def test_a_link_to_a_scheduled_story_is_an_error_only_if_it_goes_live_before_the_story(
    tmp_path: Path, source_date: str, premature: bool
) -> None:
    from generator.content.schedule import premature_link

    settings = make_settings({"build_date": "2026-03-03"}, tmp_path)
    target = _record(Story, "target", title="纪念日特稿", date="2026-03-05")
    source = _record(Story, "source", title="另一篇", date=source_date)
    assert premature_link(source, target, settings) is premature


def test_records_without_a_date_of_their_own_may_point_at_a_scheduled_record(tmp_path: Path) -> None:
    from generator.content.schedule import premature_link

    settings = make_settings({"build_date": "2026-03-03"}, tmp_path)
    volunteer = _record(Volunteer, "v", name="张三", consent={"publish": True})
    honor = _record(
        Honor, "h", title="名单", level="市级", date="2026-03-05", categories=[{"name": "类", "recipients": [{"name": "张三"}]}]
    )
    assert premature_link(volunteer, honor, settings) is False


def test_the_catalog_names_the_scheduled_records_for_link_checks(site: SiteMaker) -> None:
    from generator.pipeline import check_content

    _coming(site)
    checked = check_content(make_settings({"build_date": "2026-03-04"}, site.root))
    assert checked.catalog is not None
    assert checked.catalog.scheduled == {("story", STORY), ("honor", HONOR)}
    assert STORY not in checked.catalog.story_by_id


# --- what staff see -----------------------------------------------------------


def test_mkdocs_serve_shows_a_scheduled_story_marked_with_its_day(site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    _coming(site)
    monkeypatch.setitem(test_serve.ENV, "LEIFENG_NOW", BEFORE)
    with test_serve.serving(site.root) as (base, _):
        with urllib.request.urlopen(base + STORY_URL, timeout=30) as response:
            page = response.read().decode("utf-8")
    assert '<p class="lf-draft lf-scheduled">预定 3月5日发布（仅预览可见）</p>' in page


def test_a_traditional_site_marks_it_in_traditional_characters(site: SiteMaker) -> None:
    _coming(site, drafts="show")  # a build showing drafts shows scheduled records as the preview does
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: zh\n", "language: zh-TW\n"), encoding="utf-8")
    built = _build_at(site, BEFORE)
    assert built.html(HONOR_URL).select_one(".lf-scheduled").get_text() == "預定 3月5日發布（僅預覽可見）"
    assert STORY_URL not in (built.site / "sitemap.xml").read_text(encoding="utf-8"), "kept out of the sitemap, as drafts are"


def test_leifeng_calendar_lists_the_coming_weeks(site: SiteMaker) -> None:
    _coming(site)
    site.story("cao-gao", "还没写完", "2026-03-10", draft=True)
    _on_the_clock(site)
    result = _leifeng(site.root, "2026-02-20T10:00:00+08:00", "calendar")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "网站的今天：2026年2月20日 星期五（时区 Asia/Shanghai）"
    assert lines[1] == "今后 8 周（到 2026年4月16日）的日程："
    body = "\n".join(lines[2:])
    expected = [
        "3月1日 周日",
        "  专题开始  《学雷锋月》  content/features/zhuanti.yaml",
        "  定时发布  故事《旧闻一则》  stories/jiu-wen.md",
        "3月5日 周四",
        "  纪念日  学雷锋纪念日（第 63 个）",
        "  纪念日  中国青年志愿者服务日（第 27 个）",
        "  定时发布  故事《纪念日特稿》  stories/xin-gu-shi.md",
        "  定时发布  表彰名单《2026年最美志愿者》  content/honors/zuimei-2026.yaml",
        "3月10日 周二",
        "  草稿  故事《还没写完》  stories/cao-gao.md",
        "      还是草稿，到这一天也不会上线：定稿后删去 draft: true",
        "3月31日 周二",
        "  专题结束  《学雷锋月》（这一天是最后一天）  content/features/zhuanti.yaml",
    ]
    assert body.find("\n".join(expected)) >= 0, body
    assert "定时发布 3 条（2 篇故事、1 份表彰名单），最早 2026年3月1日上线。" in body


def test_leifeng_calendar_says_what_lies_beyond_the_weeks_asked_for(site: SiteMaker) -> None:
    _coming(site)
    result = _leifeng(site.root, "2026-02-20T10:00:00+08:00", "calendar", "--weeks", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "纪念日特稿" not in result.stdout
    assert "1 周以后还有 3 条定时发布，最近的在 2026年3月1日（用 --weeks 看得更远）。" in result.stdout
    assert "下一个纪念日：2026年3月5日 学雷锋纪念日（第 63 个）、中国青年志愿者服务日（第 27 个），还有 13 天。" in result.stdout


def test_leifeng_check_counts_the_scheduled_records_in_its_summary(site: SiteMaker) -> None:
    _coming(site)
    result = _leifeng(site.root, BEFORE, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert (
        summary == "共 0 个错误，0 个警告。定时发布 2 条（1 篇故事、1 份表彰名单），最早 2026年3月5日上线，运行 leifeng calendar 查看日程。"
    )


def test_leifeng_check_json_and_github_formats_carry_the_schedule(site: SiteMaker) -> None:
    _coming(site)
    report = json.loads(_leifeng(site.root, BEFORE, "check", "--format", "json").stdout)
    assert report["scheduled"] == {"count": 2, "first": "2026-03-05"} and report["errors"] == 0
    github = _leifeng(site.root, BEFORE, "check", "--format", "github").stdout
    assert github.strip().splitlines()[-1].startswith("共 0 个错误，0 个警告。定时发布 2 条")


def test_leifeng_check_says_nothing_of_a_schedule_when_nothing_is_scheduled(site: SiteMaker) -> None:
    _coming(site)
    result = _leifeng(site.root, ON_THE_DAY, "check")
    assert result.stdout.strip().splitlines()[-1] == "共 0 个错误，0 个警告。"


# --- the time zone setting ---------------------------------------------------------


def test_a_wrong_time_zone_name_is_a_setting_mistake_with_its_line(tmp_path: Path) -> None:
    root, line = _site_with(tmp_path, "timezone: Asia/Beijing")
    result = _check(root)
    assert result.returncode == 2, result.stdout + result.stderr
    _assert_one_chinese_message(result.stderr, line, "timezone")
    assert "是不是 Asia/Shanghai？" in result.stderr


def test_mkdocs_build_stops_on_a_wrong_time_zone_name(tmp_path: Path) -> None:
    root, line = _site_with(tmp_path, "timezone: Beijing")
    built = build(root)
    assert built.returncode == 2, built.output
    _assert_one_chinese_message(built.output, line, "timezone")
    assert "timezone 的值“Beijing”不是时区名称" in built.output
