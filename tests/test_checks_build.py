"""What `mkdocs build` does with bad input and with failures: the last good site stays.

These build real sites, so they are few. Failures halfway are made with
MkDocs hooks (`hooks:` in mkdocs.yml), which run inside the real build
process: one raises while pages are being written, one raises after every
file is written but before the new site replaces the old, one kills the
process outright.
"""

from __future__ import annotations

import io
import shutil
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from .conftest import Built, build
from .test_checks import CASES, truncated_jpeg
from .test_checks_support import Case, edit, expected_line, put, write_good_site

V = "content/volunteers/zhang-san.yaml"
S = "stories/2024/song-can.md"

# GPS position, camera and comment that must never reach the published copy.
GPS = {1: "N", 2: (30.0, 15.0, 30.5), 3: "E", 4: (120.0, 10.0, 5.0)}
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>'


def _snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def good_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The good site, built once; each test works on a copy (site/ and .cache/ included)."""
    root = tmp_path_factory.mktemp("good")
    write_good_site(root)
    first = build(root)
    assert first.returncode == 0, first.output
    return root


def _good_build(good_site: Path, root: Path) -> dict[str, bytes]:
    shutil.copytree(good_site, root, dirs_exist_ok=True)
    return _snapshot(root / "site")


def _add_hook(root: Path, source: str) -> None:
    (root / "fault_hook.py").write_text(textwrap.dedent(source), encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - fault_hook.py\n", encoding="utf-8")


def _a_new_story(root: Path) -> None:
    put("stories/2025/xin-gushi.md", "---\ntitle: 新故事\ndate: 2025-03-05\n---\n\n新的一年。\n")(root)


def test_a_build_failing_while_writing_pages_keeps_the_previous_site(good_site: Path, tmp_path: Path) -> None:
    before = _good_build(good_site, tmp_path)
    _a_new_story(tmp_path)
    _add_hook(
        tmp_path,
        """
        from pathlib import Path

        from generator.site import render

        draw = render.PageRenderer.draw
        written = 0

        def on_config(config):
            def failing_draw(self, spec):
                global written
                written += 1
                if written == 5:
                    drawn = len(list((Path(config.config_file_path).parent / ".cache" / "pages").rglob("*.html")))
                    Path(config.config_file_path).with_name("fault.txt").write_text(f"{written}\\n{drawn}")
                    raise RuntimeError("simulated failure halfway through the pages")
                return draw(self, spec)

            render.PageRenderer.draw = failing_draw
        """,
    )
    failed = build(tmp_path)
    assert failed.returncode != 0 and "simulated failure" in failed.output
    attempted, drawn = (tmp_path / "fault.txt").read_text().split("\n")
    assert int(attempted) == 5 and int(drawn) > 0  # it did fail halfway, with pages drawn
    assert _snapshot(tmp_path / "site") == before
    assert not (tmp_path / "site.staging").exists()


def test_a_build_failing_after_writing_everything_keeps_the_previous_site(good_site: Path, tmp_path: Path) -> None:
    before = _good_build(good_site, tmp_path)
    _a_new_story(tmp_path)
    _add_hook(
        tmp_path,
        """
        def on_post_build(config):  # runs before the leifeng plugin swaps the folders
            raise RuntimeError("simulated failure at the very end")
        """,
    )
    failed = build(tmp_path)
    assert failed.returncode != 0 and "simulated failure" in failed.output
    assert _snapshot(tmp_path / "site") == before
    assert not (tmp_path / "site.staging").exists()


def test_a_killed_build_keeps_the_previous_site_and_the_next_build_cleans_up(good_site: Path, tmp_path: Path) -> None:
    before = _good_build(good_site, tmp_path)
    _a_new_story(tmp_path)
    _add_hook(
        tmp_path,
        """
        import os, signal

        from generator.site import render

        draw = render.PageRenderer.draw
        written = 0

        def killing_draw(self, spec):
            global written
            written += 1
            if written == 5:
                os.kill(os.getpid(), signal.SIGKILL)
            return draw(self, spec)

        render.PageRenderer.draw = killing_draw
        """,
    )
    killed = build(tmp_path)
    assert killed.returncode == -9
    assert _snapshot(tmp_path / "site") == before
    # Whatever the killed build left (a half-made staging folder, if it got that far) is
    # for the next build to recycle or clean up: same site, hook removed.
    write_good_site(tmp_path)
    again = build(tmp_path)
    assert again.returncode == 0, again.output
    assert not (tmp_path / "site.staging").exists()
    assert again.exists("stories/2025/xin-gushi/")


def test_an_image_that_passes_the_header_check_but_not_decoding_stops_the_build_before_writing(good_site: Path, tmp_path: Path) -> None:
    before = _good_build(good_site, tmp_path)
    put("content/media/cover.jpg", truncated_jpeg)(tmp_path)
    with Image.open(tmp_path / "content/media/cover.jpg") as image:
        assert image.size == (200, 150)  # the header alone looks fine
    failed = build(tmp_path)
    assert failed.returncode != 0
    assert "图片 media/cover.jpg 已损坏" in failed.output and "content/projects/aixin-wucan.yaml" in failed.output
    assert _snapshot(tmp_path / "site") == before
    assert not (tmp_path / "site.staging").exists()


def _photo_with_gps() -> bytes:
    """Stored sideways (left red, right blue) with orientation 6: displayed upright, red on top."""
    image = Image.new("RGB", (240, 160), "red")
    image.paste(Image.new("RGB", (120, 160), "blue"), (120, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = GPS
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif, xmp=XMP, comment=b"taken at home")
    return out.getvalue()


def _assert_no_metadata(path: Path) -> None:
    """No EXIF (GPS included) and no XMP, by Pillow's reading and in the raw bytes."""
    data = path.read_bytes()
    with Image.open(path) as image:
        exif = image.getexif()
        assert not exif, (path, dict(exif))
        assert not exif.get_ifd(0x8825), path
        assert not {"exif", "xmp", "XML:com.adobe.xmp"} & set(image.info), (path, image.info.keys())
        assert not getattr(image, "text", None), path  # PNG text chunks
    assert b"Exif\x00\x00" not in data and b"xmpmeta" not in data and b"PhoneMaker" not in data, path


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A site whose volunteer photo has GPS, camera EXIF, XMP, a comment and a sideways orientation."""
    root = tmp_path_factory.mktemp("gps")
    write_good_site(root)
    put("content/media/zhang-san.jpg", _photo_with_gps)(root)
    with Image.open(root / "content/media/zhang-san.jpg") as source:  # the input really has it all
        assert source.getexif().get_ifd(0x8825) == GPS and "xmp" in source.info and source.info["comment"]
    built = build(root)
    assert built.returncode == 0, built.output
    return built


def _images(built: Built) -> list[Path]:
    images = [p for p in built.site.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp", ".gif")]
    assert images
    return images


def test_published_photos_carry_no_exif_gps_or_xmp_and_are_upright(published: Built) -> None:
    built = published
    for path in _images(built):
        _assert_no_metadata(path)
    page = BeautifulSoup((built.site / "volunteers/zhang-san/index.html").read_text(encoding="utf-8"), "html.parser")
    sources = [img["src"] for img in page.find_all("img", src=True) if "zhang-san" in img["src"]]
    assert sources, "the profile shows the photo"
    photo = (built.site / "volunteers/zhang-san" / sources[0]).resolve()
    with Image.open(photo) as published:
        rgb = published.convert("RGB")
        width, height = rgb.size
        top, bottom = rgb.getpixel((width // 2, height // 8)), rgb.getpixel((width // 2, height * 7 // 8))
    assert top[0] > 200 and top[2] < 80, top  # red on top: the orientation was applied
    assert bottom[2] > 200 and bottom[0] < 80, bottom


def test_published_photos_carry_no_jpeg_comment(published: Built) -> None:
    for path in _images(published):
        with Image.open(path) as image:
            assert "comment" not in image.info, path
        assert b"taken at home" not in path.read_bytes(), path


def test_a_story_with_errors_and_warnings_fails_the_build_with_every_message(tmp_path: Path) -> None:
    write_good_site(tmp_path)
    edit(S, "date: 2024-03-05", "date: 2024-02-30")(tmp_path)
    edit(V, "photo_alt: 张三在社区为老人测量血压\n", "")(tmp_path)
    put("content/volunteers/li-si.yaml", "name: 李四\n")(tmp_path)
    failed = build(tmp_path)
    assert failed.returncode != 0
    for text in (
        "stories/2024/song-can.md",
        "3:7",
        "2024-02-30",
        "不存在",
        "content/volunteers/li-si.yaml",
        "没有同意公开",
        "缺少文字说明 photo_alt",
        "原有网站保持不变",
    ):
        assert text in failed.output, text
    assert not (tmp_path / "site").exists() and not (tmp_path / "site.staging").exists()


BUILD_SAMPLE = ["story-front-matter-tab", "date-period-reversed", "privacy-mobile-in-bio"]


@pytest.mark.parametrize("case", [c for c in CASES if c.id in BUILD_SAMPLE], ids=lambda case: case.id)
def test_mkdocs_build_reports_table_cases_with_file_and_line(case: Case, tmp_path: Path) -> None:
    write_good_site(tmp_path)
    case.change(tmp_path)
    failed = build(tmp_path)
    assert failed.returncode != 0
    line = expected_line(tmp_path, case)
    section = failed.output.split(case.file, 1)[1]
    assert any(case.phrase in row and row.strip().startswith(f"{line}:") for row in section.splitlines()), failed.output
    for text in case.absent:
        assert text not in failed.output
    assert not (tmp_path / "site").exists() and not (tmp_path / "site.staging").exists()
