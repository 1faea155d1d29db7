"""Image verdicts are cached by size and modification time, and never trusted after a change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.content import validate as validate_module
from generator.content.load import load_repository
from generator.content.problems import Problems
from generator.content.settings import make_settings
from generator.content.validate import validate

from .test_checks import truncated_jpeg
from .test_checks_support import write_good_site


def _codes(root: Path, **options) -> set[str]:
    settings = make_settings({"build_date": "2026-11-22", **options}, root)
    problems = Problems()
    validate(load_repository(settings, problems), settings, problems)
    return {p.code for p in problems}


def test_an_unchanged_image_is_not_decoded_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_good_site(tmp_path)
    assert _codes(tmp_path) == set()
    assert (tmp_path / ".cache" / "checks" / "images.json").is_file()

    def must_not_decode(path, settings):
        raise AssertionError(f"decoded {path} again")

    monkeypatch.setattr(validate_module, "check_image", must_not_decode)
    assert _codes(tmp_path) == set()


def test_a_changed_image_is_checked_again(tmp_path: Path) -> None:
    write_good_site(tmp_path)
    assert _codes(tmp_path) == set()
    cover = tmp_path / "content/media/cover.jpg"
    stat = cover.stat()
    cover.write_bytes(truncated_jpeg())
    os.utime(cover, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same time, other size
    assert "media.broken" in _codes(tmp_path)


def test_a_lower_pixel_limit_is_applied_to_cached_images(tmp_path: Path) -> None:
    write_good_site(tmp_path)
    assert _codes(tmp_path) == set()
    assert "media.too-large" in _codes(tmp_path, max_image_pixels=100)
