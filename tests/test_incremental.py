"""A rebuild after any sequence of edits gives the same site, byte for byte, as a clean build.

The incremental build keeps `.cache/` (drawn pages, parsed files, images)
and recycles the previous site folder; the clean build starts from a copy of
the same sources with neither. Hypothesis chooses the edits.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import SiteMaker, build

SOURCES = ("content", "stories", "docs", "mkdocs.yml")
PHOTO = Path(__file__).resolve().parent.parent / "content" / "media" / "stories"


def _start(root: Path) -> SiteMaker:
    site = SiteMaker(root)
    site.volunteer("zhang-san", "张三", headline="社区助老志愿者", service_hours=120)
    site.volunteer("li-si", "李四", service_hours=20)
    site.record("organizations", "qingshan-dui", name="青山志愿服务队")
    site.record("projects", "aixin-wucan", name="爱心午餐", organization="qingshan-dui", status="运行中")
    site.record("features", "zhiyuan-hong", title="志愿正当红", sections=[{"heading": "第一组", "stories": ["s1", "s2"]}])
    for n in range(1, 4):
        site.story(
            f"s{n}",
            f"第{n}篇",
            f"2025-03-0{n}",
            body=f"第{n}篇正文。见[张三](volunteer:zhang-san)。",
            volunteers=["zhang-san"],
            project="aixin-wucan",
        )
    site.write_config()
    return site


def _edit(site: SiteMaker, edit: tuple[str, int]) -> None:
    kind, n = edit
    sid = f"s{n % 3 + 1}"
    if kind == "title":
        site.story(sid, f"改过的标题{n}", f"2025-03-0{n % 3 + 1}", body="正文改过。", volunteers=["zhang-san"])
    elif kind == "date":
        site.story(sid, f"第{n % 3 + 1}篇", f"202{4 + n % 2}-0{n % 9 + 1}-1{n % 9}", body="换了日期。")
    elif kind == "new-story":
        site.story(f"new{n}", f"新故事{n}", "2025-04-01", body="新的。", volunteers=["li-si"])
    elif kind == "delete-story":
        for path in (site.root / "stories").glob(f"{sid}.md"):
            path.unlink()
    elif kind == "draft":
        site.story(sid, f"草稿{n}", "2025-03-05", body="还没写完。", draft=True)
    elif kind == "volunteer-name":
        site.volunteer("zhang-san", f"张三{n}", headline="社区助老志愿者", service_hours=100 + n * 200)
    elif kind == "cover":
        photos = sorted(PHOTO.glob("*.jpg"))
        target = site.root / "content" / "media" / "cover.jpg"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(photos[n % len(photos)], target)
        site.story(sid, f"有封面{n}", "2025-03-02", body="封面换了。", cover="media/cover.jpg", cover_alt="志愿者在社区")
    elif kind == "settings":
        site.config(page_size=str(1 + n % 3))
        site.write_config()


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


EDITS = st.tuples(
    st.sampled_from(["title", "date", "new-story", "delete-story", "draft", "volunteer-name", "cover", "settings"]), st.integers(0, 8)
)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=st.lists(EDITS, min_size=1, max_size=3))
def test_incremental_builds_equal_clean_builds(tmp_path_factory, edits: list[tuple[str, int]]) -> None:
    root = tmp_path_factory.mktemp("incremental")
    site = _start(root)
    first = build(root)
    assert first.returncode == 0, first.output
    for edit in edits:
        _edit(site, edit)
        again = build(root)
        if again.returncode != 0:
            assert "错误" in again.output, again.output  # an edit may make the content wrong; then nothing changes
            continue
        clean = tmp_path_factory.mktemp("clean")
        for name in SOURCES:
            (shutil.copytree if (root / name).is_dir() else shutil.copy2)(root / name, clean / name)
        reference = build(clean)
        assert reference.returncode == 0, reference.output
        ours, theirs = _files(root / "site"), _files(clean / "site")
        assert sorted(ours) == sorted(theirs), json.dumps(
            {"only incremental": sorted(set(ours) - set(theirs)), "only clean": sorted(set(theirs) - set(ours))}, ensure_ascii=False
        )
        different = [name for name in ours if ours[name] != theirs[name]]
        assert not different, f"after {edit}: {different[:10]}"


def test_a_rebuild_in_a_new_process_draws_no_page(tmp_path: Path) -> None:
    """Page keys hash values, not object identities or set orders: a second `mkdocs build`
    (another process, another hash seed) finds every page of the example in the cache."""
    repo = Path(__file__).resolve().parent.parent
    for name in SOURCES:
        (shutil.copytree if (repo / name).is_dir() else shutil.copy2)(repo / name, tmp_path / name)
    outputs = []
    for seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore", "PYTHONHASHSEED": seed},
            timeout=600,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        outputs.append(result.stdout + result.stderr)
    first = re.search(r"页面：新生成 (\d+) 个，复用 (\d+) 个", outputs[0])
    second = re.search(r"页面：新生成 (\d+) 个，复用 (\d+) 个", outputs[1])
    assert first and second, outputs
    assert int(first.group(1)) > 50  # the first build drew the site
    assert second.group(1) == "0" and int(second.group(2)) == int(first.group(1)) + int(first.group(2)), second.group(0)
