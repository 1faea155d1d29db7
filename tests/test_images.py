"""Images and sharing: responsive variants, no metadata, poster data, Open Graph images, printable rolls."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from generator.assets.fonts import cjk_font
from generator.assets.share import NO_LINE_END, NO_LINE_START, wrap_text

from .conftest import SiteMaker


def make_photo(path: Path, size: tuple[int, int] = (1600, 1000), *, gps: bool = False, orientation: int | None = None) -> None:
    """A JPEG with a gradient, optionally carrying GPS and orientation EXIF tags."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (39.0, 54.0, 26.0), 3: "E", 4: (116.0, 23.0, 29.0)}
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", exif=exif.tobytes(), quality=90)


def photo_site(site: SiteMaker, **photo: object) -> SiteMaker:
    make_photo(site.root / "content/media/stories/cover.jpg", **photo)  # type: ignore[arg-type]
    site.story("s", "故事", "2025-03-05", cover="media/stories/cover.jpg", cover_alt="志愿者在社区", summary="导语")
    return site


def test_every_image_is_published_in_several_widths_as_webp_and_once_as_jpeg(site: SiteMaker) -> None:
    built = photo_site(site).build()
    assert built.returncode == 0, built.output
    for width in (400, 800, 1200):
        with Image.open(built.site / f"media/stories/cover-{width}.webp") as image:
            assert image.format == "WEBP" and image.width == width
    with Image.open(built.site / "media/stories/cover-800.jpg") as image:
        assert image.format == "JPEG" and image.width == 800, "one fallback for browsers without WebP"
    assert len(list(built.site.glob("media/stories/cover-*.jpg"))) == 1
    assert not (built.site / "media/stories/cover.jpg").exists()


def test_picture_markup_has_srcset_sizes_dimensions_and_alt(site: SiteMaker) -> None:
    built = photo_site(site).build()
    cover = built.html("stories/2025/s/").select_one(".lf-cover picture")
    source, img = cover.find("source"), cover.find("img")
    assert source["type"] == "image/webp" and "cover-400.webp 400w" in source["srcset"] and source["sizes"]
    assert img["width"] == "1600" and img["height"] == "1000"
    assert img["alt"] == "志愿者在社区"
    assert img["src"].endswith("cover-800.jpg") and not img.get("srcset"), "widths are WebP's; the fallback is one JPEG"
    assert "cover-1200.webp 1200w" in source["srcset"]
    assert img.get("loading") is None, "the cover is above the fold"


def test_images_in_lists_are_lazy(site: SiteMaker) -> None:
    built = photo_site(site).build()
    img = built.html("stories/").select_one(".lf-card__media img")
    assert img["loading"] == "lazy" and img["width"] == "1600"


def test_images_inside_a_story_become_responsive_pictures(site: SiteMaker) -> None:
    make_photo(site.root / "content/media/stories/inline.jpg", (900, 600))
    built = site.story("s", "故事", "2025-03-05", body="第一段。\n\n![路口执勤](media/stories/inline.jpg)\n").build()
    assert built.returncode == 0, built.output
    assert "not found among documentation files" not in built.output
    picture = built.html("stories/2025/s/").select_one(".lf-body picture")
    assert picture is not None
    img = picture.find("img")
    assert img["alt"] == "路口执勤" and img["loading"] == "lazy" and img["width"] == "900"
    assert (built.site / "stories/2025/s" / img["src"]).resolve().is_file()


def test_published_images_carry_no_metadata_and_are_upright(site: SiteMaker) -> None:
    # Orientation 6: the camera was turned; the stored 1600x1000 shows as 1000x1600.
    built = photo_site(site, gps=True, orientation=6).build()
    assert built.returncode == 0, built.output
    published = sorted((built.site / "media").rglob("cover-*"))
    assert published
    for path in published:
        raw = path.read_bytes()
        assert b"Exif" not in raw and b"TestCam" not in raw
        with Image.open(path) as image:
            assert not image.getexif()
            assert image.height > image.width
    img = built.html("stories/2025/s/").select_one(".lf-cover img")
    assert (img["width"], img["height"]) == ("1000", "1600")


def test_a_cached_rebuild_encodes_no_image(site: SiteMaker) -> None:
    photo_site(site).volunteer("v", "王小明").build()
    folders = [site.root / ".cache" / name for name in ("images", "share", "media")]
    before = {p: p.stat().st_mtime_ns for folder in folders for p in folder.rglob("*") if p.is_file()}
    assert len(before) >= 6  # 3 WebP + 1 JPEG + meta of the cover, the avatar, the site card
    again = site.build()
    assert again.returncode == 0, again.output
    assert "新处理 0 张、分享图 0 张" in again.output
    after = {p: p.stat().st_mtime_ns for folder in folders for p in folder.rglob("*") if p.is_file()}
    assert after == before


def test_output_bytes_are_identical_from_build_to_build(site: SiteMaker) -> None:
    first = photo_site(site).volunteer("v", "王小明").build()
    snapshot = {p.relative_to(first.site): p.read_bytes() for p in first.site.rglob("*") if p.is_file()}
    import shutil

    shutil.rmtree(site.root / ".cache")
    second = site.build()
    assert {p.relative_to(second.site): p.read_bytes() for p in second.site.rglob("*") if p.is_file()} == snapshot


def _meta(built, url: str) -> dict[str, str]:
    return {m["property"]: m["content"] for m in built.html(url).select("meta[property]")}


def test_story_and_volunteer_pages_carry_what_the_device_draws_the_poster_from(site: SiteMaker) -> None:
    built = photo_site(site).volunteer("v", "王小明", headline="社区志愿者", quote="帮助别人，快乐自己。").build()
    assert built.returncode == 0, built.output
    story = built.html("stories/2025/s/").select_one(".lf-share [data-lf-poster]")
    assert story["data-title"] == "故事" and story["data-summary"] == "导语" and story["data-kind"] == "志愿故事"
    assert story["data-url"] == "https://example.gov.cn/zyfw/stories/2025/s/"
    assert story["data-site"] == "测试站"
    # the narrowest published JPEG at least as wide as the poster, relative to the page
    assert story["data-image"] == "../../../media/stories/cover-800.jpg"
    assert story.get_text(strip=True) == "生成分享海报"
    volunteer = built.html("volunteers/v/").select_one(".lf-share [data-lf-poster]")
    assert volunteer["data-title"] == "王小明" and volunteer["data-kind"] == "志愿者风采"
    assert volunteer["data-summary"] == "社区志愿者 “帮助别人，快乐自己。”"
    assert volunteer["data-image"] == "../../media/avatars/v.png", "without a photo, the surname avatar"


def test_the_poster_button_is_hidden_until_the_script_shows_it(site: SiteMaker) -> None:
    built = photo_site(site).build()
    tool = built.html("stories/2025/s/").select_one(".lf-share [data-lf-poster]").find_parent("li")
    assert tool.has_attr("hidden")


def test_no_poster_or_record_card_is_drawn_at_build_time(site: SiteMaker) -> None:
    built = photo_site(site).volunteer("v", "王小明").build()
    assert built.returncode == 0, built.output
    assert sorted(p.relative_to(built.site).as_posix() for p in (built.site / "share").rglob("*") if p.is_file()) == ["share/site-card.jpg"]
    assert "下载分享海报" not in (built.site / "stories/2025/s/index.html").read_text(encoding="utf-8")


def test_the_qr_code_on_the_page_leads_to_the_published_address(site: SiteMaker) -> None:
    import zxingcpp

    built = photo_site(site).build()
    svg = built.html("stories/2025/s/").select_one(".lf-qr svg")
    size = int(svg["viewbox"].split()[2])
    modules = Image.new("L", (size, size), 255)
    from PIL import ImageDraw

    draw = ImageDraw.Draw(modules)
    for x, y, length in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg.select_one("path")["d"]):
        draw.rectangle((int(x), int(y), int(x) + int(length) - 1, int(y)), fill=0)
    big = modules.resize((size * 8, size * 8), Image.NEAREST)
    assert [r.text for r in zxingcpp.read_barcodes(big)] == ["https://example.gov.cn/zyfw/stories/2025/s/"]
    assert "扫一扫在手机打开" in svg.find_parent("figure").select_one("figcaption").get_text()


def test_open_graph_image_of_a_story_is_its_cover_as_jpeg(site: SiteMaker) -> None:
    built = photo_site(site).build()
    meta = _meta(built, "stories/2025/s/")
    assert meta["og:title"] == "故事" and meta["og:description"] == "导语"
    assert meta["og:image"] == "https://example.gov.cn/zyfw/media/stories/cover-800.jpg", "the JPEG every previewer decodes"
    assert (meta["og:image:width"], meta["og:image:height"]) == ("800", "500")
    assert (built.site / "media/stories/cover-800.jpg").is_file()


def test_open_graph_image_of_a_volunteer_is_the_photo(site: SiteMaker) -> None:
    make_photo(site.root / "content/media/volunteers/v.jpg", (600, 800))
    built = site.volunteer(
        "v", "王小明", photo="media/volunteers/v.jpg", photo_alt="王小明", consent={"publish": True, "portrait": True}
    ).build()
    assert built.returncode == 0, built.output
    meta = _meta(built, "volunteers/v/")
    assert meta["og:image"] == "https://example.gov.cn/zyfw/media/volunteers/v-600.jpg"
    assert (meta["og:image:width"], meta["og:image:height"]) == ("600", "800")


def test_pages_without_a_picture_share_the_one_site_card(site: SiteMaker) -> None:
    built = photo_site(site).volunteer("v", "王小明").build()
    for url in ("", "volunteers/v/", "stories/"):
        meta = _meta(built, url)
        assert meta["og:image"] == "https://example.gov.cn/zyfw/share/site-card.jpg", url
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    with Image.open(built.site / "share/site-card.jpg") as card:
        assert card.size == (1200, 630)


def test_without_site_url_the_build_explains_why_there_is_no_qr_code_or_poster(site: SiteMaker) -> None:
    photo_site(site).write_config()
    config = (site.root / "mkdocs.yml").read_text(encoding="utf-8").replace("site_url: https://example.gov.cn/zyfw/\n", "")
    (site.root / "mkdocs.yml").write_text(config, encoding="utf-8")
    from .conftest import build

    built = build(site.root)
    assert built.returncode == 0, built.output
    assert "site_url" in built.output and "海报" in built.output
    assert built.html("stories/2025/s/").select_one("[data-lf-poster], .lf-qr") is None


def test_a_traditional_site_gets_traditional_poster_strings(site: SiteMaker) -> None:
    photo_site(site).write_config()
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: zh\n", "language: zh-TW\n"), encoding="utf-8")
    from .conftest import build

    built = build(site.root)
    assert built.returncode == 0, built.output
    button = built.html("stories/2025/s/").select_one("[data-lf-poster]")
    assert button["data-kind"] == "志願故事" and button["data-hint"] == "長按識別 QR Code"
    assert "圖片" in button["data-save"]


def test_honor_list_has_a_printable_pdf_in_the_lists_order(site: SiteMaker) -> None:
    site.record(
        "honors",
        "h",
        title="名单",
        level="市级",
        date="2024-03-05",
        categories=[{"name": "最美志愿者", "recipients": [{"name": "张三"}, {"name": "李四"}]}],
    )
    built = site.build()
    assert built.returncode == 0, built.output
    pdf = (built.site / "share/honors/h.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    link = built.html("honors/h/").select_one(".lf-print-link a")
    assert link["href"].endswith("share/honors/h.pdf")


LONG_TITLE = "“志愿江城 温暖同行”：国际志愿者日，市民广场上的志愿服务集市与十二年如一日为独居老人送餐的社区网格员们的故事（上）"


@pytest.mark.parametrize("width", [300, 450, 654])
def test_wrapped_lines_fit_their_box_and_follow_chinese_rules(width: int) -> None:
    font = cjk_font(46)
    lines = wrap_text(LONG_TITLE, font, width, 3)
    assert 1 <= len(lines) <= 3
    for line in lines:
        assert font.getlength(line) <= width
        assert line[0] not in NO_LINE_START
        assert line[-1] not in NO_LINE_END
    assert lines[-1].endswith("…")


def test_short_text_is_not_cut() -> None:
    assert wrap_text("王小明", cjk_font(46), 600, 3) == ["王小明"]


@pytest.mark.parametrize(
    ("source", "expected"), [(300, [300]), (400, [400]), (900, [400, 800, 900]), (1200, [400, 800, 1200]), (1500, [400, 800, 1200])]
)
def test_published_widths_never_exceed_the_source_or_repeat(source: int, expected: list[int]) -> None:
    from generator.assets.images import widths_for

    assert widths_for(source) == expected
