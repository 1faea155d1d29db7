"""Links between records: one documented form that works under any sub-path, and every link checked."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from .conftest import SiteMaker

CHECKED = re.compile(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+")


def _people_and_things(site: SiteMaker) -> SiteMaker:
    """One published record of every kind, for stories to link to."""
    site.volunteer("zhang-san", "张三", headline="社区助老志愿者")
    site.record("organizations", "qingshan-dui", name="青山志愿服务队")
    site.record("projects", "aixin-wucan", name="爱心午餐", organization="qingshan-dui", status="运行中")
    site.record("themes", "xueleifeng-yue", name="学雷锋活动月")
    site.record(
        "honors", "sige-yibai-2025", title="2025年四个100", level="市级", date="2025-03-05",
        categories=[{"name": "最美志愿者", "recipients": [{"volunteer": "zhang-san"}]}],
    )  # fmt: skip
    site.record("features", "zhiyuan-hong", title="志愿正当红", sections=[{"heading": "第一篇", "stories": ["di-yi-pian"]}])
    return site.story("di-yi-pian", "第一篇", "2025-03-01")


def _check(site: SiteMaker) -> tuple[int, str]:
    import subprocess

    site.write_config()
    result = subprocess.run(["leifeng", "check"], cwd=site.root, capture_output=True, text=True, timeout=300)
    return result.returncode, result.stdout + result.stderr


def _line_of(root: Path, file: str, needle: str) -> int:
    text = (root / file).read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(
    ("link", "code"),
    [
        ("../no-such-story/", "link.missing-page"),
        ("no-such-story.md", "link.missing-file"),
        ("/volunteers/no-such-volunteer/", "link.absolute"),
        ("/volunteers/zhang-san/", "link.absolute"),
        ("volunteer:no-such-volunteer", "link.unknown-record"),
        ("volunteer:zhang-sna", "link.unknown-record"),
        ("volunteers:zhang-san", "link.bad-form"),
        ("../../../volunteers/no-such-volunteer/", "link.missing-page"),
    ],
)
def test_a_link_that_leads_nowhere_is_an_error_with_file_and_line(site: SiteMaker, link: str, code: str) -> None:
    _people_and_things(site)
    site.story("er", "第二篇", "2025-03-02", body=f"第一段。\n\n见[这里]({link})。\n")
    returncode, output = _check(site)
    assert returncode == 1, output
    line = _line_of(site.root, "stories/er.md", link)
    assert re.search(rf"^\s+{line}:\d+\s+错误\s.*\[{re.escape(code)}\]", output, re.M), output
    assert not CHECKED.search(re.sub(r"\[[a-z.-]+\]|[a-z]+:[a-z0-9-]+|\([^)]*\)", "", output)), "no English in the message"


def test_a_misspelt_id_gets_a_suggestion(site: SiteMaker) -> None:
    _people_and_things(site).story("er", "第二篇", "2025-03-02", body="见[张三](volunteer:zhang-sna)。")
    assert "volunteer:zhang-san" in _check(site)[1]


def test_a_link_to_a_draft_is_an_error_in_a_published_story_and_a_warning_in_a_draft(site: SiteMaker) -> None:
    _people_and_things(site).volunteer("li-si", "李四", draft=True)
    site.story("er", "第二篇", "2025-03-02", body="见[李四](volunteer:li-si)。")
    returncode, output = _check(site)
    assert returncode == 1 and "link.draft-record" in output
    site.story("er", "第二篇", "2025-03-02", body="见[李四](volunteer:li-si)。", draft=True)
    assert _check(site)[0] == 0


def test_links_by_id_lead_to_every_kind_of_record_from_any_page_under_a_sub_path(site: SiteMaker) -> None:
    _people_and_things(site)
    body = "\n".join(
        f"- [{kind}]({kind}:{rid})"
        for kind, rid in (
            ("story", "di-yi-pian"),
            ("volunteer", "zhang-san"),
            ("organization", "qingshan-dui"),
            ("project", "aixin-wucan"),
            ("theme", "xueleifeng-yue"),
            ("honor", "sige-yibai-2025"),
            ("feature", "zhiyuan-hong"),
        )
    )
    site.story(
        "er",
        "第二篇",
        "2025-03-02",
        body=body + "\n- [](story:di-yi-pian)\n- [上一篇](di-yi-pian.md)\n- [张三的页面](../../../volunteers/zhang-san/)\n",
    )
    site.volunteer("zhang-san", "张三", headline="社区助老志愿者", bio="她的故事见[](story:er)。")
    built = site.build()
    assert built.returncode == 0, built.output
    base = "https://example.gov.cn/zyfw/stories/2025/er/"
    page = built.html("stories/2025/er/")
    links = {a.get_text(strip=True): a["href"] for a in page.select(".lf-body a")}
    assert links["第一篇"] == "../di-yi-pian/", "an empty link text takes the record's name"
    for text, href in links.items():
        assert not href.startswith(("/", "story:", "volunteer:")) and ".md" not in href, (text, href)
        path = urlparse(urljoin(base, href)).path
        assert path.startswith("/zyfw/"), (text, href)
        assert built.exists(path[len("/zyfw/") :]), f"{text}: {href} leads to no page"
    profile = built.html("volunteers/zhang-san/")
    assert profile.select_one('.lf-body a[href="../../stories/2025/er/"]'), "a volunteer's bio links by id too"


def test_hand_written_pages_link_to_records_the_same_way(site: SiteMaker) -> None:
    _people_and_things(site).file("docs/about.md", "# 关于\n\n[张三](volunteer:zhang-san)和[志愿故事](stories/index.md)。\n")
    built = site.build()
    assert built.returncode == 0, built.output
    about = built.html("about/")
    hrefs = {a.get_text(strip=True): a["href"] for a in about.select("article a, .md-content a")}
    assert hrefs["张三"] == "../volunteers/zhang-san/"
    assert hrefs["志愿故事"] == "../stories/"
    assert "not found" not in built.output.lower()
