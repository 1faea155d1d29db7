"""Setting mistakes in mkdocs.yml are content mistakes too: one Chinese message with the line, exit 2.

Each mistake is written into a real site's mkdocs.yml and run through the
three commands staff use: `leifeng check`, `mkdocs build` and `mkdocs serve`.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import REPO, SiteMaker, build

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}

# (id, how it is written under the leifeng plugin or the theme, the setting's name in the message)
PLUGIN_MISTAKES = [
    ("build-date-without-zeros", 'build_date: "2024-3-5"', "build_date"),
    ("build-date-impossible", 'build_date: "2024-02-30"', "build_date"),
    ("page-size-words", "page_size: 很多", "page_size"),
    ("page-size-zero", "page_size: 0", "page_size"),
    ("region-a-list", "region: [江城]", "region"),
    ("fields-a-list", "fields: [助老服务]", "fields"),
    ("fields-chinese-key", "fields: {助老: 助老服务}", "fields"),
    ("honor-levels-a-word", "honor_levels: 国家级", "honor_levels"),
    ("star-thresholds-unordered", "star_thresholds: [300, 100, 600, 1000, 1500]", "star_thresholds"),
    ("key-date-impossible", "key_dates: [{date: '02-30', name: 假日}]", "key_dates"),
    ("key-date-first-words", "key_dates: [{date: '03-05', name: 学雷锋纪念日, first: 一九六四}]", "key_dates"),
    ("drafts-unknown-choice", "drafts: no", "drafts"),
    ("unknown-option", 'buid_date: "2024-03-05"', "buid_date"),
]
THEME_MISTAKES = [
    ("language-unknown", "language: zh-XX", "theme.language"),
    ("language-a-number", "language: 5", "theme.language"),
    ("features-a-word", "features: navigation.tabs", "theme.features"),
    ("font-google", "font: {text: 1}", "theme.font"),
]


def _site_with(tmp_path: Path, plugin_line: str = "", theme_line: str = "") -> tuple[Path, int]:
    """A good small site whose mkdocs.yml carries one mistake; returns (root, the mistake's line)."""
    SiteMaker(tmp_path).volunteer("zhang-san", "张三").story("di-yi-pian", "第一篇", "2025-03-05").write_config()
    config = tmp_path / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    if theme_line:
        text = text.replace("  language: zh\n", "" if theme_line.startswith("language") else "  language: zh\n")
        text = text.replace("  font: false\n", "" if theme_line.startswith("font") else "  font: false\n")
        text = text.replace("theme:\n  name: leifeng\n", f"theme:\n  name: leifeng\n  {theme_line}\n")
        marker = f"  {theme_line}\n"
    else:
        text = text.rstrip("\n") + f"\n      {plugin_line}\n"
        marker = f"      {plugin_line}\n"
    config.write_text(text, encoding="utf-8")
    line = text[: text.index(marker)].count("\n") + 1
    return tmp_path, line


def _assert_one_chinese_message(output: str, line: int, setting: str) -> None:
    assert "Traceback" not in output, output
    assert "Aborted with" not in output and "Error:" not in output, output
    found = re.search(rf"mkdocs\.yml 第 {line} 行：([^\n]*)", output)
    assert found, f"no message for line {line}:\n{output}"
    message = found.group(1)
    assert setting.split(".")[-1] in message, message
    # Chinese, and it says what to write: no English sentence from a library.
    assert not re.search(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+", re.sub(r"\{[^}]*\}|\[[^\]]*\]|[a-z_.]+: [^，。；）]*", "", message)), message


def _check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["leifeng", "check"], cwd=root, capture_output=True, text=True, env=ENV, timeout=300)


MISTAKES = [pytest.param(plugin, "", setting, id=i) for i, plugin, setting in PLUGIN_MISTAKES] + [
    pytest.param("", theme, setting, id=i) for i, theme, setting in THEME_MISTAKES
]


@pytest.mark.parametrize(("plugin_line", "theme_line", "setting"), MISTAKES)
def test_leifeng_check_names_the_line_and_setting_and_exits_2(tmp_path: Path, plugin_line: str, theme_line: str, setting: str) -> None:
    root, line = _site_with(tmp_path, plugin_line, theme_line)
    result = _check(root)
    assert result.returncode == 2, result.stdout + result.stderr
    _assert_one_chinese_message(result.stderr, line, setting)


@pytest.mark.parametrize(("plugin_line", "theme_line", "setting"), MISTAKES)
def test_mkdocs_build_names_the_line_and_setting_and_exits_2(tmp_path: Path, plugin_line: str, theme_line: str, setting: str) -> None:
    root, line = _site_with(tmp_path, plugin_line, theme_line)
    built = build(root)
    assert built.returncode == 2, built.output
    _assert_one_chinese_message(built.output, line, setting)
    assert not (root / "site").exists() and not (root / "site.staging").exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    ("plugin_line", "theme_line", "setting"),
    [
        pytest.param('build_date: "2024-3-5"', "", "build_date", id="build-date"),
        pytest.param("", "language: zh-XX", "theme.language", id="language"),
    ],
)
def test_mkdocs_serve_refuses_to_start_with_the_same_message(tmp_path: Path, plugin_line: str, theme_line: str, setting: str) -> None:
    root, line = _site_with(tmp_path, plugin_line, theme_line)
    served = subprocess.run(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{_free_port()}"],
        cwd=root,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
    )
    assert served.returncode == 2, served.stdout + served.stderr
    _assert_one_chinese_message(served.stdout + served.stderr, line, setting)


def test_every_mistake_is_listed_in_one_run(tmp_path: Path) -> None:
    root, _ = _site_with(tmp_path, 'build_date: "2024-3-5"')
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").rstrip("\n") + "\n      feed_size: 多\n", encoding="utf-8")
    output = _check(root).stderr
    assert "build_date" in output and "feed_size" in output


def test_a_missing_custom_dir_is_explained_by_leifeng_check(tmp_path: Path) -> None:
    root, line = _site_with(tmp_path, theme_line="custom_dir: overrides")
    result = _check(root)
    assert result.returncode == 2
    _assert_one_chinese_message(result.stderr, line, "custom_dir")


def test_a_date_written_without_quotes_is_a_date(tmp_path: Path) -> None:
    root, _ = _site_with(tmp_path, "build_date: 2026-11-22")  # YAML reads it as a date, not text
    assert _check(root).returncode == 0
    assert build(root).returncode == 0


@pytest.mark.parametrize("language", ["zh-HK", "zh-TW", "zh-Hant"])
def test_traditional_languages_build(tmp_path: Path, language: str) -> None:
    root, _ = _site_with(tmp_path, theme_line=f"language: {language}")
    built = build(root)
    assert built.returncode == 0, built.output
    html = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{language}"' in html
    assert "志願" in html  # the generator's own strings are Traditional too


def test_strict_mode_aborting_on_a_warning_keeps_the_published_site(tmp_path: Path) -> None:
    site = SiteMaker(tmp_path).volunteer("zhang-san", "张三").story("di-yi-pian", "第一篇", "2025-03-05")
    first = site.build("--strict")
    assert first.returncode == 0, first.output
    before = {p.relative_to(tmp_path / "site"): p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    # A story whose cover has no alt text: a warning, which --strict turns into a failure.
    shutil.copy(REPO / "content" / "media" / "stories" / os.listdir(REPO / "content" / "media" / "stories")[0], tmp_path / "cover.jpg")
    (tmp_path / "content" / "media").mkdir(parents=True, exist_ok=True)
    shutil.move(tmp_path / "cover.jpg", tmp_path / "content" / "media" / "cover.jpg")
    site.story("di-er-pian", "第二篇", "2025-03-06", cover="media/cover.jpg")
    time.sleep(0.01)
    strict = site.build("--strict")
    assert strict.returncode != 0, strict.output
    assert "strict" in strict.output
    after = {p.relative_to(tmp_path / "site"): p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert after == before, "a build that --strict aborted changed the published site"
    assert not (tmp_path / "site.staging").exists()
    assert build(tmp_path).returncode == 0  # without --strict the warning does not stop it
    assert (tmp_path / "site" / "stories" / "2025" / "di-er-pian" / "index.html").is_file()
