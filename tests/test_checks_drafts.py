"""A draft's own problems are warnings; it never stops the preview or the build of everything else.

`mkdocs serve` shows drafts (settings.include_drafts). A volunteer kept as a
draft until consent arrives, or a story half written, must not make it refuse
the whole site: while a record is a draft its problems are warnings that say
it must be fixed before publishing. Published records keep every rule, and a
private number is an error even in a draft (it is in the repository as soon
as the file is committed). A published record must not keep the placeholders
of `leifeng new`.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from generator.commands.scaffold import KINDS, scaffold_text
from generator.content.settings import make_settings
from generator.pipeline import run_checks

from .conftest import build
from .test_checks import ID_NUMBER
from .test_checks_support import edit, put, run_check, write_good_site

V = "content/volunteers/zhang-san.yaml"
S = "stories/2024/song-can.md"
DRAFT_WITHOUT_CONSENT = put("content/volunteers/li-si.yaml", "name: 李四\ndraft: true\nfields: [助老服务]\n")
DRAFT_WITH_BROKEN_REFERENCE = put(
    "stories/2025/cao-gao.md", "---\ntitle: 草稿故事\ndate: 2025-03-05\ndraft: true\nvolunteers: [wang-wu]\n---\n\n还在写。\n"
)


def _preview(root: Path):
    """What `mkdocs serve` checks: the same content, drafts included."""
    return run_checks(make_settings({"build_date": "2026-11-22"}, root, include_drafts=True, preview=True))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve_and_fetch(root: Path, paths: list[str]) -> tuple[dict[str, int], str]:
    """Start `mkdocs serve`, wait for its first build, fetch `paths`; (status by path, server output)."""
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}
    command = [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "--dev-addr", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    statuses: dict[str, int] = {}
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and server.poll() is None and not statuses:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/zyfw/", timeout=5).close()
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.5)
                continue
            for path in paths:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/zyfw/{path}", timeout=10) as response:
                        statuses[path] = response.status
                except urllib.error.HTTPError as error:
                    statuses[path] = error.code
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    return statuses, output


def test_the_preview_shows_a_draft_volunteer_without_consent(tmp_path: Path) -> None:
    write_good_site(tmp_path)
    DRAFT_WITHOUT_CONSENT(tmp_path)
    catalog, problems = _preview(tmp_path)
    assert problems.errors == []
    (warning,) = [p for p in problems if p.code == "privacy.consent"]
    assert warning.severity == "warning" and "发布前必须改正" in warning.message
    assert catalog is not None and "li-si" in catalog.volunteers


def test_the_preview_leaves_out_a_draft_whose_problem_would_break_its_page(tmp_path: Path) -> None:
    write_good_site(tmp_path)
    DRAFT_WITH_BROKEN_REFERENCE(tmp_path)
    catalog, problems = _preview(tmp_path)
    assert problems.errors == []
    (warning,) = [p for p in problems if p.code == "ref.unknown"]
    assert "发布前必须改正" in warning.message and "预览中不显示" in warning.hint
    assert catalog is not None and "cao-gao" not in catalog.story_by_id and "song-can" in catalog.story_by_id


def test_a_published_record_keeps_its_errors_in_the_preview(tmp_path: Path) -> None:
    write_good_site(tmp_path)
    DRAFT_WITHOUT_CONSENT(tmp_path)
    edit(V, "organization: qingshan-team", "organization: qingshan-tuan")(tmp_path)
    catalog, problems = _preview(tmp_path)
    assert catalog is None
    assert [(p.position.file, p.code) for p in problems.errors] == [(V, "ref.unknown")]


def test_a_private_number_in_a_draft_stays_an_error_in_the_preview(tmp_path: Path) -> None:
    write_good_site(tmp_path)
    put("content/volunteers/li-si.yaml", f"name: 李四\ndraft: true\nbio: 身份证 {ID_NUMBER}\nconsent: {{publish: true}}\n")(tmp_path)
    catalog, problems = _preview(tmp_path)
    assert catalog is None and [p.code for p in problems.errors] == ["privacy.id-number"]


def test_mkdocs_serve_shows_the_site_with_drafts_that_have_problems(tmp_path: Path) -> None:
    write_good_site(tmp_path)
    DRAFT_WITHOUT_CONSENT(tmp_path)
    DRAFT_WITH_BROKEN_REFERENCE(tmp_path)
    statuses, output = _serve_and_fetch(tmp_path, ["volunteers/li-si/", "stories/2024/song-can/", "stories/2025/cao-gao/"])
    assert statuses == {"volunteers/li-si/": 200, "stories/2024/song-can/": 200, "stories/2025/cao-gao/": 404}, output
    assert "发布前必须改正" in output


def test_a_build_that_publishes_drafts_keeps_every_rule_for_them(tmp_path: Path) -> None:
    """`drafts: show` in a build publishes drafts: a draft without consent is an error there."""
    write_good_site(tmp_path, drafts="show")
    DRAFT_WITHOUT_CONSENT(tmp_path)
    built = build(tmp_path)
    assert built.returncode != 0 and "没有同意公开" in built.output
    assert not (tmp_path / "site").exists()


# --- placeholders of `leifeng new` -------------------------------------------------------------


def _placeholder_lines(text: str) -> list[int]:
    """Lines of a scaffold that hold what staff must replace (outside comments)."""
    in_body = False
    lines = []
    for number, line in enumerate(text.split("\n"), start=1):
        if number > 1 and line == "---":
            in_body = True
        if not in_body and line.lstrip().startswith("#"):
            continue
        if "TODO" in line or "在这里写" in line or "待填写" in line:
            lines.append(number)
    return lines


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_placeholder_of_leifeng_new_is_an_error_once_published(kind: str, tmp_path: Path) -> None:
    write_good_site(tmp_path)
    cls = KINDS[kind]
    text = scaffold_text(cls, "新记录", "xin-jilu").replace("\ndraft: true\n", "\n")
    relative = "stories/xin-jilu.md" if kind == "story" else f"content/{cls.folder}/xin-jilu.yaml"
    put(relative, text)(tmp_path)
    result = run_check(tmp_path, "--format", "json")
    found = [p for p in json.loads(result.stdout)["problems"] if p["code"] == "content.placeholder"]
    assert [p["line"] for p in found] == _placeholder_lines(text)
    assert all(p["file"] == relative and p["severity"] == "error" for p in found)
    if kind in ("story", "honor"):
        assert found, "this kind of record has placeholders"


def test_the_placeholders_of_a_draft_are_not_reported(tmp_path: Path) -> None:
    write_good_site(tmp_path)
    put("stories/xin-jilu.md", scaffold_text(KINDS["story"], "新记录", "xin-jilu"))(tmp_path)
    report = json.loads(run_check(tmp_path, "--format", "json").stdout)
    assert not [p for p in report["problems"] if p["code"] == "content.placeholder"]
    assert re.search(r"TODO", (tmp_path / "stories/xin-jilu.md").read_text(encoding="utf-8"))
