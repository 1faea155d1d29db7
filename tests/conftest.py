"""Shared fixtures: build real sites in temporary folders with the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Built:
    root: Path
    returncode: int
    output: str

    @property
    def site(self) -> Path:
        return self.root / "site"

    def html(self, url: str) -> BeautifulSoup:
        """Parse the page at a site URL such as `stories/2025/x/`."""
        path = self.site / url / "index.html" if not url.endswith(".html") else self.site / url
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    def exists(self, url: str) -> bool:
        return (self.site / url / "index.html").is_file()


def run_mkdocs(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def build(root: Path, *args: str) -> Built:
    result = run_mkdocs(root, *args)
    return Built(root, result.returncode, result.stdout + result.stderr)


MINIMAL_CONFIG = """\
site_name: 测试站
site_url: https://example.gov.cn/zyfw/
docs_dir: docs
theme:
  name: leifeng
  language: zh
  font: false
plugins:
  - leifeng:
      build_date: "2026-11-22"
{options}
"""


class SiteMaker:
    """Writes a small site (config, records, stories) into a folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "docs").mkdir(parents=True, exist_ok=True)
        self.options: dict[str, str] = {}

    def config(self, **options: str) -> SiteMaker:
        self.options.update(options)
        return self

    def file(self, relative: str, text: str) -> SiteMaker:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return self

    def volunteer(self, vid: str, name: str, **fields: object) -> SiteMaker:
        lines = [f"name: {name}"]
        fields.setdefault("consent", {"publish": True})
        for key, value in fields.items():
            lines.append(_yaml_line(key, value))
        return self.file(f"content/volunteers/{vid}.yaml", "\n".join(lines) + "\n")

    def record(self, folder: str, rid: str, **fields: object) -> SiteMaker:
        return self.file(f"content/{folder}/{rid}.yaml", "\n".join(_yaml_line(k, v) for k, v in fields.items()) + "\n")

    def story(self, sid: str, title: str, date: str, body: str = "正文。", **fields: object) -> SiteMaker:
        front = [f"title: {title}", f"date: {date}"] + [_yaml_line(k, v) for k, v in fields.items()]
        return self.file(f"stories/{sid}.md", "---\n" + "\n".join(front) + "\n---\n\n" + body + "\n")

    def write_config(self) -> None:
        options = "".join(f"      {k}: {v}\n" for k, v in self.options.items())
        (self.root / "mkdocs.yml").write_text(MINIMAL_CONFIG.format(options=options.rstrip("\n")), encoding="utf-8")

    def build(self, *args: str) -> Built:
        self.write_config()
        return build(self.root, *args)


def _yaml_line(key: str, value: object) -> str:
    import json

    return f"{key}: {json.dumps(value, ensure_ascii=False)}"


@pytest.fixture
def site(tmp_path: Path) -> SiteMaker:
    return SiteMaker(tmp_path)


def _example_copy(root: Path) -> None:
    for name in ("content", "stories", "docs", "theme", "mkdocs.yml"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy2(source, root / name)


@pytest.fixture(scope="session")
def example(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The repository's example site, built once from a copy of the repository."""
    root = tmp_path_factory.mktemp("example")
    _example_copy(root)
    built = build(root)
    assert built.returncode == 0, built.output
    return built


@pytest.fixture(scope="session")
def example_with_staff_pages(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The example built with `publish_staff_pages: true`: the staff guide and deployment notes published too."""
    root = tmp_path_factory.mktemp("example-staff")
    _example_copy(root)
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  - leifeng:\n", "  - leifeng:\n      publish_staff_pages: true\n"), encoding="utf-8"
    )
    built = build(root)
    assert built.returncode == 0, built.output
    return built
