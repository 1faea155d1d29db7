"""The share poster, drawn on the reader's phone when they tap 生成分享海报.

The build draws no poster: theme/assets/poster.js draws a 750×1334 PNG on a
canvas from the page's own data (title, summary, picture) and its inline QR
code, and shows it as an image to long-press (WeChat saves it) with a download
link. Each test gets the poster as a reader would, reads the PNG back and
checks it with `poster_problems`: the size, the QR code decoded with zxing-cpp
to the page's published address, and the title drawn. The last tests feed
that check broken posters, so it is seen to fail.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import DESKTOP, HORIZONTAL_OVERFLOW_JS, NARROW_PHONE, PHONE, TAP_TARGET_JS, SiteServer, run_axe, serious
from PIL import Image, ImageChops, ImageOps, ImageStat

from generator.assets.share import NO_LINE_END, NO_LINE_START

SITE_URL = "https://example.gov.cn/zyfw/"
POSTER_SIZE = (750, 1334)
PICTURE_BAND = (0, 0, 750, 600)
TITLE_BAND = (48, 688, 702, 886)  # up to three lines of the title, inside the margins
SOFT = (255, 245, 243)
BUTTON = "生成分享海报"
LONG_TITLE = "“志愿江城 温暖同行”：国际志愿者日，市民广场上的志愿服务集市与十二年如一日为独居老人送餐的社区网格员们的故事（上）"


def poster_problems(png: bytes, url: str) -> list[str]:
    """What is wrong with a poster: not a 750×1334 PNG, a QR code not leading to `url`, no title."""
    import zxingcpp

    image = Image.open(io.BytesIO(png))
    problems = []
    if image.format != "PNG" or image.size != POSTER_SIZE:
        problems.append(f"poster is a {image.format} of {image.size[0]}×{image.size[1]} px, not a PNG of 750×1334 px")
    decoded = [result.text for result in zxingcpp.read_barcodes(image.convert("RGB"))]
    if decoded != [url]:
        problems.append(f"poster's QR code reads {decoded}, not {url}")
    # The title is near-black (#1a1a1a) on white, darker than anything else there (the summary is grey #505050).
    ink = sum(image.convert("L").crop(TITLE_BAND).histogram()[:56])
    if ink < 400:
        problems.append(f"no title drawn on the poster ({ink} dark pixels where the title goes)")
    return problems


def published_address(path: str) -> str:
    return SITE_URL + path


def _pages(site: Path, kind: str) -> list[tuple[str, BeautifulSoup]]:
    found = []
    for page in sorted(site.rglob("index.html")):
        text = page.read_text(encoding="utf-8")
        if f'data-lf-kind="{kind}"' in text:
            found.append((page.parent.relative_to(site).as_posix() + "/", BeautifulSoup(text, "html.parser")))
    return found


@pytest.fixture(scope="module")
def story_with_cover(site_server: SiteServer) -> str:
    for path, soup in _pages(site_server.site, "story"):
        if soup.select_one(".lf-cover img"):
            return path
    raise AssertionError("the example site has no story with a cover: add one")


@pytest.fixture(scope="module")
def volunteer_without_photo(site_server: SiteServer) -> str:
    for path, soup in _pages(site_server.site, "volunteer"):
        photo = soup.select_one(".lf-profile__photo img, img.lf-profile__photo")
        if photo is not None and "media/avatars/" in photo["src"]:
            return path
    raise AssertionError("the example site has no volunteer without a photo: add one")


def tap_for_poster(tab) -> bytes:
    """Tap the button as a reader does; the PNG bytes of the poster image that appears."""
    button = tab.page.get_by_role("button", name=BUTTON)
    assert button.count() == 1, f"no {BUTTON} button on {tab.path}"
    button.tap()
    image = tab.page.locator(".lf-poster img")
    image.wait_for(state="visible", timeout=20_000)
    src = image.get_attribute("src")
    assert src.startswith("data:image/png;base64,"), src[:40]
    return base64.b64decode(src.split(",", 1)[1])


def picture_band(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB").crop(PICTURE_BAND)


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference of two same-sized pictures, 0-255."""
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


# --- the poster, as a reader gets it -------------------------------------------------


def test_a_story_poster_has_the_cover_title_and_a_qr_code_to_the_page(open_page, site_server, story_with_cover):
    tab = open_page(story_with_cover, viewport=PHONE)
    png = tap_for_poster(tab)
    assert poster_problems(png, published_address(story_with_cover)) == []
    # the cover fills the band above the text, as published on the site
    cover = tab.page.get_by_role("button", name=BUTTON).get_attribute("data-image")
    assert re.search(r"media/.+-\d+\.jpg$", cover), cover
    source = Image.open(site_server.site / story_with_cover / cover).convert("RGB")
    expected = ImageOps.fit(source, (750, 600), Image.LANCZOS, centering=(0.5, 0.45))
    assert difference(picture_band(png), expected) < 8
    assert tab.guard.foreign == []


def test_a_volunteer_poster_without_a_photo_shows_the_surname_avatar(open_page, site_server, volunteer_without_photo):
    tab = open_page(volunteer_without_photo, viewport=PHONE)
    png = tap_for_poster(tab)
    assert poster_problems(png, published_address(volunteer_without_photo)) == []
    avatar = tab.page.get_by_role("button", name=BUTTON).get_attribute("data-image")
    assert "media/avatars/" in avatar
    # the avatar whole, on a soft background: never cropped
    band = picture_band(png)
    assert band.getpixel((10, 10)) == SOFT and band.getpixel((740, 590)) == SOFT
    source = Image.open(site_server.site / volunteer_without_photo / avatar).convert("RGBA")
    expected = Image.new("RGB", (750, 600), SOFT)
    inner = ImageOps.contain(source, (525, 420), Image.LANCZOS)
    expected.paste(inner, ((750 - inner.width) // 2, (600 - inner.height) // 2), inner)
    assert difference(band, expected) < 4


def test_the_poster_shows_on_the_page_with_how_to_save_it(open_page, story_with_cover):
    tab = open_page(story_with_cover, viewport=PHONE)
    tap_for_poster(tab)
    figure = tab.page.locator(".lf-poster")
    assert figure.locator("figcaption").inner_text() == "长按图片保存到手机，或发送给朋友"
    image = figure.locator("img")
    assert image.get_attribute("alt").startswith("分享海报：")
    box = image.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert box["y"] < PHONE["height"] and box["y"] + box["height"] > 0, "the poster is scrolled into view"
    assert tab.page.locator("dialog:visible, [role=dialog]:visible, [aria-modal=true]").count() == 0, "no pop-up"


def test_the_page_with_its_poster_still_fits_the_phone_and_passes_axe(open_page, story_with_cover):
    tab = open_page(story_with_cover, viewport=NARROW_PHONE)
    tap_for_poster(tab)
    assert tab.page.evaluate(HORIZONTAL_OVERFLOW_JS) == []
    assert tab.page.evaluate(TAP_TARGET_JS, 44) == []
    assert serious(run_axe(tab.page)) == []


def test_desktop_browsers_get_a_download_link_to_the_same_png(open_page, story_with_cover):
    tab = open_page(story_with_cover, viewport=DESKTOP)
    tab.page.get_by_role("button", name=BUTTON).click()
    link = tab.page.get_by_role("link", name="下载海报")
    link.wait_for(state="visible", timeout=20_000)
    assert link.get_attribute("download").endswith("-poster.png")
    assert link.get_attribute("href") == tab.page.locator(".lf-poster img").get_attribute("src")


def test_without_javascript_there_is_no_poster_button(open_page, story_with_cover):
    tab = open_page(story_with_cover, java_script_enabled=False)
    assert tab.page.get_by_role("button", name=BUTTON).count() == 0
    assert tab.page.locator("[data-lf-poster]").count() == 1, "the button is on the page, hidden"


# --- the drawing -------------------------------------------------------------------


@pytest.mark.parametrize("width", [300, 450, 654])
def test_poster_lines_fit_and_follow_chinese_rules(open_page, story_with_cover, width):
    tab = open_page(story_with_cover)
    lines, widths = tab.page.evaluate(
        """([text, width]) => {
            const ctx = document.createElement('canvas').getContext('2d');
            ctx.font = 'bold 46px ' + getComputedStyle(document.body).fontFamily;
            const lines = window.lfPoster.wrap(ctx, text, width, 3);
            return [lines, lines.map(line => ctx.measureText(line).width)];
        }""",
        [LONG_TITLE, width],
    )
    assert 1 <= len(lines) <= 3
    assert all(w <= width for w in widths), (lines, widths)
    for line in lines:
        assert line[0] not in NO_LINE_START and line[-1] not in NO_LINE_END, lines
    assert lines[-1].endswith("…")


def test_a_short_title_is_not_cut(open_page, story_with_cover):
    tab = open_page(story_with_cover)
    lines = tab.page.evaluate(
        "() => window.lfPoster.wrap(document.createElement('canvas').getContext('2d'), '王小明', 600, 3)",
    )
    assert lines == ["王小明"]


def draw(tab, **changes) -> bytes:
    """The poster of the page's button with some of its data changed, as PNG bytes."""
    data_url = tab.page.evaluate(
        """async (changes) => {
            const data = Object.assign(window.lfPoster.read(document.querySelector('[data-lf-poster]')), changes);
            return (await window.lfPoster.draw(data)).toDataURL('image/png');
        }""",
        changes,
    )
    return base64.b64decode(data_url.split(",", 1)[1])


def test_the_longest_texts_stay_inside_the_poster(open_page, story_with_cover):
    tab = open_page(story_with_cover)
    png = draw(tab, title=LONG_TITLE * 2, summary=LONG_TITLE * 4, site="江城志愿" * 6)
    assert poster_problems(png, published_address(story_with_cover)) == []
    poster = Image.open(io.BytesIO(png)).convert("L")
    # the side margins below the picture stay white: nothing was drawn past the text box
    for strip in (poster.crop((0, 600, 40, 1334)), poster.crop((710, 600, 750, 1334))):
        assert strip.getextrema()[0] > 240


# --- the check itself can fail ------------------------------------------------------


def test_the_check_catches_a_qr_code_to_another_address(open_page, story_with_cover):
    tab = open_page(story_with_cover)
    problems = poster_problems(draw(tab), published_address("stories/2025/another-story/"))
    assert len(problems) == 1 and "QR code" in problems[0], problems


def test_the_check_catches_a_poster_without_its_title(open_page, story_with_cover):
    tab = open_page(story_with_cover)
    problems = poster_problems(draw(tab, title=""), published_address(story_with_cover))
    assert len(problems) == 1 and "no title" in problems[0], problems


def test_the_check_catches_a_poster_of_the_wrong_size(open_page, story_with_cover):
    tab = open_page(story_with_cover)
    buffer = io.BytesIO()
    Image.open(io.BytesIO(draw(tab))).resize((375, 667)).save(buffer, "PNG")
    problems = poster_problems(buffer.getvalue(), published_address(story_with_cover))
    assert any("not a PNG of 750×1334" in p for p in problems), problems


def test_the_check_catches_a_poster_without_a_qr_code(open_page, story_with_cover):
    tab = open_page(story_with_cover)
    problems = poster_problems(draw(tab, qr=None), published_address(story_with_cover))
    assert len(problems) == 1 and "QR code reads []" in problems[0], problems
