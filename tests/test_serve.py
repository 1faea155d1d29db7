"""`mkdocs serve` is an editor's tool: it previews the site as it will be published."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import SiteMaker

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(
    root: Path, timeout: float = 120, env: dict[str, str] | None = None, stop: int = signal.SIGTERM
) -> Iterator[tuple[str, list[str]]]:
    """`mkdocs serve` on a free port: (its base URL, the log lines so far, growing); `stop` ends it."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=root,
        env={**ENV, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + timeout
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if "Serving on" in line:
                break
            if time.monotonic() > deadline:
                raise AssertionError("mkdocs serve did not start:\n" + "\n".join(lines))
        else:
            raise AssertionError("mkdocs serve stopped:\n" + "\n".join(lines))
        url = re.search(r"Serving on (http://\S+)", lines[-1]).group(1)  # type: ignore[union-attr]
        yield url, lines
    finally:
        process.send_signal(stop)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def _small_site(tmp_path: Path) -> SiteMaker:
    return (
        SiteMaker(tmp_path)
        .volunteer("zhang-san", "张三", headline="社区助老志愿者")
        .story("di-yi-pian", "第一篇", "2025-03-05", volunteers=["zhang-san"])
    )


def test_serve_previews_the_qr_code_of_the_published_address_and_redraws_nothing_after_a_build(tmp_path: Path) -> None:
    site = _small_site(tmp_path)
    built = site.build()
    assert built.returncode == 0, built.output
    published = (tmp_path / "site" / "stories" / "2025" / "di-yi-pian" / "index.html").read_text(encoding="utf-8")
    qr = re.search(r"<figure class=\"lf-qr\">.*?</svg>", published, re.S)
    assert qr, "the story page has an inline QR code"
    with serving(tmp_path) as (url, log):
        page = _get(url + "stories/2025/di-yi-pian/")
    assert qr.group(0) in page, "the preview's QR code must lead to the published address, not to the preview server"
    drawn = [line for line in log if "分享图" in line]
    assert drawn and re.search(r"分享图 0 张", drawn[-1]), drawn


def test_serve_shows_the_staff_guide_that_the_build_leaves_out(tmp_path: Path) -> None:
    site = _small_site(tmp_path).file("docs/guide.md", "# 编辑指南\n\n写给工作人员。\n")
    built = site.build()
    assert built.returncode == 0, built.output
    assert not (tmp_path / "site" / "guide").exists()
    with serving(tmp_path) as (url, _):
        assert "写给工作人员" in _get(url + "guide/")


def test_serve_links_pages_into_a_temporary_folder_on_another_file_system(tmp_path: Path) -> None:
    """/tmp is often a tmpfs: MkDocs' temporary folder is then linked to one in .cache/, so that
    pages are hard links there (not every file copied on every save), and both go when serve stops."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second file system (a tmpfs at /dev/shm) on this machine")
    scratch = Path(tempfile.mkdtemp(dir=shm))
    _small_site(tmp_path).write_config()
    with serving(tmp_path, env={"TMPDIR": str(scratch)}, stop=signal.SIGINT) as (url, _):
        assert "第一篇" in _get(url + "stories/2025/di-yi-pian/")
        served = [p for p in scratch.iterdir() if not p.name.endswith("-mkdocs")]
        assert len(served) == 1 and served[0].is_symlink(), list(scratch.iterdir())
        linked = served[0].resolve()
        assert linked.parent == tmp_path / ".cache" / "pages.linked"
        page = os.stat(served[0] / "stories" / "2025" / "di-yi-pian" / "index.html")
        cached = {os.stat(p).st_ino for p in (tmp_path / ".cache" / "pages").rglob("*.html")}
        assert page.st_ino in cached, "the served page is a link to the drawn page, not a copy"
    assert not linked.exists() and not any(scratch.iterdir()), list(scratch.iterdir())
    scratch.rmdir()
