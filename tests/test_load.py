"""Which files the loader reads: every record file, never a hidden one, wherever the repository lives."""

from __future__ import annotations

from pathlib import Path

from generator.content.load import load_repository
from generator.content.problems import Problems
from generator.content.settings import make_settings

from .conftest import SiteMaker


def _loaded(root: Path) -> set[str]:
    problems = Problems()
    raws = load_repository(make_settings({"build_date": "2026-11-22"}, root), problems)
    assert not problems.errors, [p.message for p in problems]
    return {raw.file for raw in raws}


def test_a_repository_inside_a_hidden_folder_loads_and_hidden_files_stay_out(tmp_path: Path) -> None:
    # A checkout under ~/.sites/ or a CI cache folder: the dot above the
    # repository is not the repository's business.
    root = tmp_path / ".sites" / "department"
    site = SiteMaker(root)
    site.volunteer("wang-fang", "王芳").story("2026/lei-feng-ri", "学雷锋纪念日", "2026-03-05")
    site.story("2025/shequ", "社区义诊", "2025-12-05")
    site.file("stories/.trash/old.md", "---\ntitle: 旧稿\ndate: 2020-01-01\n---\n\n正文。\n")
    site.file("stories/.draft-copy.md", "---\ntitle: 副本\ndate: 2020-01-01\n---\n\n正文。\n")
    site.file("content/volunteers/.wang-fang.yaml.swp.yaml", "name: 临时\n")
    site.write_config()
    assert _loaded(root) == {"content/volunteers/wang-fang.yaml", "stories/2026/lei-feng-ri.md", "stories/2025/shequ.md"}
