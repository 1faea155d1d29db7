"""`mkdocs serve` after a save: only the pages that show the edited story are made again,
and the preview is still byte for byte what a clean preview build gives.

The builds run in this process the way `mkdocs serve` runs them: one plugin
instance (MkDocs keeps plugins that have `on_startup`) across rebuilds, each
rebuild with a freshly loaded config. The clean build runs with plugins of
its own, so that it shares nothing with the served site but the sources.
"""

from __future__ import annotations

import gc
import json
import logging
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from .conftest import SiteMaker

SERVE_URL = "http://127.0.0.1:8000/"
SOURCES = ("content", "stories", "docs", "mkdocs.yml")
FAST = "只重做受影响的页面"


@contextmanager
def own_plugins() -> Iterator[None]:
    """Plugin instances of our own, as a new `mkdocs serve` process would have."""
    cache = MkDocsConfig.plugins.plugin_cache
    saved = dict(cache)
    cache.clear()
    thresholds = gc.get_threshold()
    try:
        yield
    finally:
        for plugin in cache.values():
            if hasattr(plugin, "on_shutdown"):
                plugin.on_shutdown()  # as `mkdocs serve` does when it stops
        cache.clear()
        cache.update(saved)
    assert gc.get_threshold() == thresholds, "a stopped server must leave the collector as it found it"
    assert not gc.get_freeze_count(), "a stopped server must leave nothing frozen"


class Preview:
    """`mkdocs serve` without the HTTP server: its builds, into `root/served`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.site_dir = root / "served"
        self._config().plugins.on_startup(command="serve", dirty=False)

    def _config(self) -> MkDocsConfig:
        config = load_config(config_file=str(self.root / "mkdocs.yml"), site_dir=str(self.site_dir))
        config.site_url = SERVE_URL
        return config

    def build(self) -> None:
        build(self._config(), serve_url=SERVE_URL)

    def files(self) -> dict[str, bytes]:
        return {p.relative_to(self.site_dir).as_posix(): p.read_bytes() for p in sorted(self.site_dir.rglob("*")) if p.is_file()}


def _start(root: Path) -> SiteMaker:
    site = SiteMaker(root)
    site.config(page_size="2")
    site.volunteer("zhang-san", "张三", headline="社区助老志愿者", service_hours=120, fields=["助老服务"])
    site.volunteer("li-si", "李四", service_hours=20)
    site.record("organizations", "qingshan-dui", name="青山志愿服务队")
    site.record("projects", "aixin-wucan", name="爱心午餐", organization="qingshan-dui", status="运行中")
    site.record("themes", "san-yue", name="三月学雷锋", period={"start": "2025-03-01", "end": "2025-03-31"})
    site.record(
        "features", "zhiyuan-hong", title="志愿正当红", intro="见[](story:s4)。", sections=[{"heading": "第一组", "stories": ["s1", "s2"]}]
    )
    for n in range(1, 6):
        _story(site, n, 0)
    site.write_config()
    return site


def _story(site: SiteMaker, n: int, version: int, **changes: object) -> None:
    """Story s<n>: s1..s3 share a volunteer, project and field (related stories of one another),
    s3 links to s1 in its body, s4 is in another year and column, s5 in a theme."""
    fields: dict[str, object] = {
        "summary": f"第{n}篇的导语",
        "volunteers": ["zhang-san"] if n <= 3 else ["li-si"],
        "fields": ["助老服务"] if n <= 3 else [],
        "column": "身边好人" if n % 2 else "志愿者风采",
        "tags": ["助老"] if n <= 2 else [],
    }
    if n <= 3:
        fields["project"] = "aixin-wucan"
    if n == 5:
        fields["theme"] = "san-yue"
    if n == 1:
        fields["featured"] = True
    fields.update(changes)
    date = f"2024-12-0{n}" if n == 4 else f"2025-03-0{n}"
    body = f"第{n}篇正文（{version}）。见[张三](volunteer:zhang-san)。" + ("另见[](story:s1)。" if n == 3 else "")
    site.story(f"s{n}", fields.pop("title", f"第{n}篇"), str(fields.pop("date", date)), body=str(fields.pop("body", body)), **fields)


def _edit(site: SiteMaker, edit: tuple[str, int, int]) -> None:
    kind, n, version = edit
    if kind == "title":
        _story(site, n, 0, title=f"改过的标题{version}")
    elif kind == "summary":
        _story(site, n, 0, summary=f"改过的导语{version}")
    elif kind == "body":
        _story(site, n, version)
    elif kind == "tags":
        _story(site, n, 0, tags=[f"标签{version}"])
    elif kind == "author":
        _story(site, n, 0, author=f"记者{version}", editor="编辑甲")
    elif kind == "date":
        _story(site, n, 0, date=f"2023-0{version % 9 + 1}-1{n}")
    elif kind == "column":
        _story(site, n, 0, column="品牌项目巡礼")
    elif kind == "draft":
        _story(site, n, 0, draft=True)
    elif kind == "new-story":
        site.story(f"new{version}", f"新故事{version}", "2025-04-01", body="新的。", volunteers=["li-si"])
    elif kind == "volunteer":
        site.volunteer("zhang-san", f"张三{version}", headline="社区助老志愿者", service_hours=100 + version, fields=["助老服务"])


EDITS = st.tuples(
    st.sampled_from(["title", "title", "summary", "body", "tags", "author", "date", "column", "draft", "new-story", "volunteer"]),
    st.integers(1, 5),
    st.integers(0, 9),
)


def _clean_preview(root: Path, tmp: Path) -> dict[str, bytes]:
    for name in SOURCES:
        (shutil.copytree if (root / name).is_dir() else shutil.copy2)(root / name, tmp / name)
    with own_plugins():
        preview = Preview(tmp)
        preview.build()
    return preview.files()


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=st.lists(EDITS, min_size=2, max_size=4))
@example(edits=[("title", 1, 0), ("draft", 1, 0), ("summary", 1, 1)])  # a save that fails the checks, then one after it
def test_serve_after_edits_equals_a_clean_preview(tmp_path_factory: pytest.TempPathFactory, edits: list) -> None:
    root = tmp_path_factory.mktemp("served")
    site = _start(root)
    with own_plugins():
        preview = Preview(root)
        preview.build()
        for edit in edits:
            _edit(site, edit)
            before = preview.files()
            try:
                preview.build()
            except Abort:
                # An edit may make the content wrong (s3 links to s1, made a draft): a clean
                # preview fails too, and the served site stays as the last good build left it.
                with pytest.raises(Abort):
                    _clean_preview(root, tmp_path_factory.mktemp("clean"))
                assert preview.files() == before
                continue
            theirs = _clean_preview(root, tmp_path_factory.mktemp("clean"))
            ours = preview.files()
            assert sorted(ours) == sorted(theirs), json.dumps(
                {"only served": sorted(set(ours) - set(theirs)), "only clean": sorted(set(theirs) - set(ours))}, ensure_ascii=False
            )
            different = [name for name in ours if ours[name] != theirs[name]]
            assert not different, f"after {edit} (of {edits}): {different[:10]}"


def test_a_title_edit_makes_only_the_pages_that_show_the_story(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    site = _start(tmp_path)
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.leifeng")
    with own_plugins():
        preview = Preview(tmp_path)
        preview.build()
        assert FAST not in caplog.text  # the first build makes every page
        before = preview.files()
        caplog.clear()
        _edit(site, ("title", 4, 1))
        preview.build()
        after = preview.files()
        fast = [r.getMessage() for r in caplog.records if FAST in r.getMessage()]
        assert fast, caplog.text
        changed = sorted(name for name in after if before.get(name) != after[name] and name.endswith(".html"))
        # s4's own page and 公众号 copy, the pages listing it and its neighbours' pages...
        assert "stories/2024/s4/index.html" in changed and "wechat/s4/index.html" in changed
        assert "features/zhiyuan-hong/index.html" in changed  # the feature's intro links to s4
        assert "stories/2025/s2/index.html" not in changed
        # ...and not the rest: the log says how many pages were made, far fewer than the site has.
        made = int(re.search(r"只重做受影响的页面：(\d+) 个", fast[0]).group(1))  # type: ignore[union-attr]
        pages = sum(1 for name in after if name.endswith("index.html"))
        assert len(changed) <= made < pages / 2, (made, pages, changed)

        caplog.clear()
        _edit(site, ("date", 4, 1))  # a date moves the story between listings: every page spec is made again
        preview.build()
        assert FAST not in caplog.text


def test_a_save_is_checked_again_though_unchanged_files_are_not(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The checks that read one file remember what they found per file; a saved file is read again."""
    site = _start(tmp_path)
    with own_plugins():
        preview = Preview(tmp_path)
        preview.build()
        _story(site, 2, 0, body="有事请打 139 1234 5678。![](media/nope.jpg)")
        caplog.clear()
        with pytest.raises(Abort):  # what MkDocs makes of our ContentError
            preview.build()
        assert "正文含有手机号" in caplog.text and "stories/s2.md" in caplog.text
        _story(site, 2, 0)  # taken out again
        caplog.clear()
        preview.build()
        assert "手机号" not in caplog.text and "缺少文字说明" not in caplog.text
        _story(site, 4, 0, cover="media/a.jpg")
        (tmp_path / "content" / "media").mkdir(parents=True, exist_ok=True)
        shutil.copy(
            Path(__file__).resolve().parent.parent
            / "content"
            / "media"
            / "stories"
            / sorted(p.name for p in (Path(__file__).resolve().parent.parent / "content" / "media" / "stories").glob("*.jpg"))[0],
            tmp_path / "content" / "media" / "a.jpg",
        )
        caplog.clear()
        preview.build()
        assert "封面图缺少文字说明" in caplog.text  # a warning, on the file that was saved
        _story(site, 4, 0, cover="media/a.jpg", cover_alt="志愿者在社区")
        caplog.clear()
        preview.build()
        assert "缺少文字说明" not in caplog.text
