"""The example site passes its own checks, and publishes no personal number and no image metadata."""

from __future__ import annotations

import gzip
import json

from PIL import Image

from generator.content.validate import find_personal_numbers

from .conftest import REPO, Built
from .test_checks_support import run_check

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")


def test_leifeng_check_passes_on_the_example_site() -> None:
    result = run_check(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "共 0 个错误，0 个警告。", result.stdout
    assert result.stderr == ""
    report = json.loads(run_check(REPO, "--format", "json").stdout)
    assert (report["errors"], report["warnings"]) == (0, 0)


def test_no_published_file_contains_an_id_or_mobile_number(example: Built) -> None:
    found = []
    for path in sorted(example.site.rglob("*")):
        if not path.is_file() or path.suffix.lower() in IMAGE_SUFFIXES:
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        for _, kind, masked in find_personal_numbers(data.decode("utf-8", "replace")):
            found.append((path.relative_to(example.site).as_posix(), kind, masked))
    assert found == []


def test_no_published_image_carries_metadata(example: Built) -> None:
    images = [p for p in sorted(example.site.rglob("*")) if p.suffix.lower() in IMAGE_SUFFIXES]
    assert len(images) >= 10
    for path in images:
        data = path.read_bytes()
        with Image.open(path) as image:
            exif = image.getexif()
            assert not exif and not exif.get_ifd(0x8825), path
            assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment"} & set(image.info), (path, image.info.keys())
            assert not getattr(image, "text", None), path
        assert b"Exif\x00\x00" not in data and b"xmpmeta" not in data, path
