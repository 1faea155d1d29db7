"""`mkdocs serve` is an editor's tool: it previews the site as it will be published."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .conftest import SiteMaker

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(root: Path, timeout: float = 120) -> Iterator[tuple[str, list[str]]]:
    """`mkdocs serve` on a free port: (its base URL, the log lines so far, growing)."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=root,
        env=ENV,
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
        process.terminate()
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
