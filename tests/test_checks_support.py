"""Support for the check tests: a minimal good site with every kind of record, and ways to break it.

The bad-input table (`test_checks.py`) starts from this site, applies one
change and runs `leifeng check` on it. Expected lines are found by a piece of
text on that line, not written as numbers, so the table stays right when the
good site changes.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from .conftest import SiteMaker

GOOD_FILES: dict[str, str] = {
    "content/organizations/qingshan-team.yaml": """\
        name: 青山志愿服务队
        kind: 志愿服务队
        region: 江南省江城市东湖区
        founded: 2015
        members: 120
        fields: [助老服务]
        logo: media/logo.png
        logo_alt: 青山志愿服务队队徽
        phone: 0571-8888 1234
        summary: 扎根社区的志愿服务队。
        """,
    "content/volunteers/zhang-san.yaml": """\
        name: 张三
        photo: media/zhang-san.jpg
        photo_alt: 张三在社区为老人测量血压
        region: 江南省江城市东湖区
        organization: qingshan-team
        fields: [助老服务, 社区治理]
        service_hours: 320
        since: 2013
        birth_year: 1980
        bio: |
          张三是社区网格员。

          十年来他每天为独居老人送餐。
        consent:
          publish: true
          portrait: true
          date: 2024-01-15
          by: 本人
        """,
    "content/projects/aixin-wucan.yaml": """\
        name: 爱心午餐
        slogan: 一份午餐，一份牵挂
        organization: qingshan-team
        fields: [助老服务]
        beneficiaries: [老年人]
        started: 2015
        status: 运行中
        metrics:
          volunteers: 40
          hours: 5000
        cover: media/cover.jpg
        cover_alt: 志愿者提着保温餐盒走进楼道
        summary: 为独居老人送午餐。
        """,
    "content/themes/xueleifeng-2024.yaml": """\
        name: 学雷锋志愿服务月
        period:
          start: 2024-03-01
          end: 2024-03-31
        organizers: [qingshan-team, 江城市文明办]
        projects: [aixin-wucan]
        phases:
          - name: 学习月
            period:
              start: 2024-03-01
              end: 2024-03-10
            items: [学习雷锋日记]
        summary: 三月学雷锋。
        """,
    "content/honors/zuimei-2024.yaml": """\
        title: 2024年江城市最美志愿者
        level: 市级
        awarded_by: 江城市文明办
        date: 2024-03-05
        categories:
          - name: 最美志愿者
            recipients:
              - volunteer: zhang-san
                deed: 十年如一日为老人送餐
              - name: 李四
                unit: 江城市第一医院
        """,
    "stories/2024/song-can.md": """\
        ---
        title: 送餐路上的“红马甲”
        date: 2024-03-05
        summary: 十年送餐路。
        cover: media/cover.jpg
        cover_alt: 保温餐盒
        volunteers: [zhang-san]
        organizations: [qingshan-team]
        project: aixin-wucan
        theme: xueleifeng-2024
        fields: [助老服务]
        author: 通讯员 王五
        ---

        张三每天十一点准时出发。

        ![张三提着餐盒上楼](media/cover.jpg)

        老人们说：“闺女你来啦。”
        """,
}


def jpeg_bytes(size: tuple[int, int] = (64, 48), colour: str = "#c62828") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=80)
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (32, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (200, 40, 40, 255)).save(out, "PNG")
    return out.getvalue()


GOOD_IMAGES: dict[str, Callable[[], bytes]] = {
    "content/media/zhang-san.jpg": jpeg_bytes,
    "content/media/cover.jpg": lambda: jpeg_bytes((80, 60), "#1565c0"),
    "content/media/logo.png": png_bytes,
}


def write_good_site(root: Path, **options: str) -> SiteMaker:
    site = SiteMaker(root).config(**options)
    for relative, text in GOOD_FILES.items():
        site.file(relative, text)
    for relative, make in GOOD_IMAGES.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(make())
    site.write_config()
    return site


# --- changes -----------------------------------------------------------------

Change = Callable[[Path], None]


def edit(relative: str, old: str, new: str, count: int = 1) -> Change:
    def apply(root: Path) -> None:
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return apply


def put(relative: str, text: str | bytes | Callable[[], bytes]) -> Change:
    def apply(root: Path) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text() if callable(text) else text
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)

    return apply


def copy(source: str, target: str) -> Change:
    def apply(root: Path) -> None:
        (root / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / source, root / target)

    return apply


def rename(source: str, target: str) -> Change:
    def apply(root: Path) -> None:
        (root / target).parent.mkdir(parents=True, exist_ok=True)
        os.replace(root / source, root / target)

    return apply


def both(*changes: Change) -> Change:
    def apply(root: Path) -> None:
        for change in changes:
            change(root)

    return apply


# --- running the check the way staff run it ----------------------------------


def leifeng_command() -> list[str]:
    """The installed console script, next to this Python."""
    script = Path(sys.executable).with_name("leifeng")
    return [str(script)] if script.exists() else [sys.executable, "-m", "generator.commands.cli"]


def run_check(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*leifeng_command(), "check", *args],
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})},
        timeout=120,
    )


# Runs `leifeng check --format json` for several sites in one Python process,
# through the same entry point as the `leifeng` script; prints one JSON line each.
_DRIVER = r"""
import contextlib, io, json, os, sys
from generator.commands.cli import main
for root in sys.argv[1:]:
    os.chdir(root)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", "--format", "json"])
    print(json.dumps([root, code, out.getvalue(), err.getvalue()], ensure_ascii=False), flush=True)
"""


def run_checks_in_one_process(roots: list[Path]) -> dict[Path, tuple[int, str, str]]:
    """root -> (exit code, stdout, stderr) of `leifeng check --format json` in each root."""
    if not roots:
        return {}
    result = subprocess.run(
        [sys.executable, "-c", _DRIVER, *map(str, roots)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONWARNINGS": "ignore", "PYTHONIOENCODING": "utf-8"},
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    results = {}
    for line in result.stdout.splitlines():
        root, code, stdout, stderr = json.loads(line)
        results[Path(root)] = (code, stdout, stderr)
    return results


@dataclass(frozen=True)
class Case:
    """One bad input: a change to the good site and the problem it must cause."""

    id: str
    change: Change
    phrase: str  # a key Chinese phrase of the message
    file: str  # the file the problem names
    at: str | None  # text on the line the problem names; None: the problem has no line
    exit: int = 1
    severity: str = "error"
    hint: str = ""  # a phrase of the hint, when the hint is the point (suggestions)
    line: int | None = None  # when `at` cannot find it (a file that is not UTF-8)
    absent: tuple[str, ...] = field(default=())  # text the whole report must not contain


def expected_line(root: Path, case: Case) -> int | None:
    if case.line is not None:
        return case.line
    if case.at is None:
        return None
    text = (root / case.file).read_text(encoding="utf-8")
    for number, line in enumerate(text.split("\n"), start=1):
        if case.at in line:
            return number
    raise AssertionError(f"{case.at!r} not found in {case.file}")


# --- no English from libraries --------------------------------------------------

# Words staff type themselves: the commands they run.
_OWN_WORDS = frozenset({"leifeng", "mkdocs"})
_ASCII_RUN = re.compile(r"[A-Za-z][A-Za-z0-9_'-]*(?:[ \t]+[A-Za-z][A-Za-z0-9_'-]*)+")


def english_sentences(text: str, source: str = "") -> list[str]:
    """Runs of two or more English words in `text`, leaving out words written in `source`.

    A field name, an id or a value the staff wrote is shown back as written;
    anything else in English (a library's "did not find expected key") is a
    sentence staff cannot read.
    """
    written = set(re.findall(r"[A-Za-z][A-Za-z0-9_'-]*", source)) | _OWN_WORDS
    found = []
    for run in _ASCII_RUN.findall(text):
        words = run.split()
        streak: list[str] = []
        for word in words + [""]:
            if word and word not in written:
                streak.append(word)
                continue
            if len(streak) >= 2:
                found.append(" ".join(streak))
            streak = []
    return found
