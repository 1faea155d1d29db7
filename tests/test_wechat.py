"""The 公众号 copy of every story (generator/site/wechat.py, theme/wechat.html).

Unit tests call `wechat_article` and `wechat_digest` on plain data; the build
tests read the example site built once in a temporary folder; the check tests
run `leifeng check` on the minimal good site with one change.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import zxingcpp
from bs4 import BeautifulSoup
from PIL import Image

from generator.site.wechat import DIGEST_LIMIT, SITE_COLOURS, TITLE_LIMIT, qr_png, wechat_article, wechat_digest

from .conftest import REPO, Built, SiteMaker, build
from .helpers import is_draft, page_links, read_stories, story_url
from .test_checks_support import edit, run_check, write_good_site

SITE_URL = "https://example.gov.cn/zyfw/"
STORIES = read_stories(REPO)
PUBLISHED = {sid: s for sid, s in STORIES.items() if not is_draft(s)}


def article(**fields: object):
    """wechat_article with the fields a test does not care about filled in."""
    values: dict = {"title": "送餐路上", "body_html": "<p>正文。</p>", "url": "stories/2025/song-can/", "site_url": SITE_URL}
    values.update(fields)
    return wechat_article(**values)


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def text_of(html: str) -> str:
    return re.sub(r"\s+", "", soup_of(html).get_text())


# --- the 摘要 field ------------------------------------------------------------


def test_a_summary_within_120_characters_is_the_digest_as_written() -> None:
    summary = "十年间，张晓红送出午餐20余万份。"
    assert wechat_digest(summary).text == summary
    assert not wechat_digest(summary).cut


def test_a_long_summary_is_cut_after_its_last_sentence_within_120() -> None:
    first = "甲" * 60 + "。"
    second = "乙" * 50 + "！"
    digest = wechat_digest(first + second + "丙" * 30 + "。")
    assert digest.text == first + second
    assert digest.cut and digest.clean and len(digest.text) <= DIGEST_LIMIT


def test_a_closing_quote_stays_with_its_sentence() -> None:
    sentence = "她说：“" + "甲" * 100 + "。”"
    digest = wechat_digest(sentence + "乙" * 40)
    assert digest.text == sentence


def test_without_a_sentence_end_the_digest_ends_at_the_last_clause_with_an_ellipsis() -> None:
    digest = wechat_digest("甲" * 80 + "，" + "乙" * 30 + "、" + "丙" * 40)
    assert digest.text == "甲" * 80 + "，" + "乙" * 30 + "……"
    assert digest.clean and len(digest.text) <= DIGEST_LIMIT


def test_a_summary_without_punctuation_is_cut_hard_and_marked() -> None:
    digest = wechat_digest("甲" * 130)
    assert not digest.clean
    assert len(digest.text) == DIGEST_LIMIT and digest.text.endswith("……")
    assert digest.length == 130


# --- the article ---------------------------------------------------------------

MESSY_BODY = """
<h2 id="cong-yi-wan" class="x">从一碗泡面开始</h2>
<p class="lead" style="color: red">老人们说：“闺女你来啦。”</p>
<style>p { color: blue }</style><script>alert(1)</script>
<div class="admonition note"><p class="admonition-title">注意</p><p>送餐前先核对。</p></div>
<p><a href="#cong-yi-wan">回到开头</a> <a href="../../volunteers/zhang-xiaohong/">张晓红</a></p>
<picture><source type="image/webp" srcset="../../media/a-400.webp 400w"><img src="../../media/a-800.jpg" srcset="../../media/a-400.jpg 400w" sizes="100vw" width="800" height="600" alt="送餐" loading="lazy"></picture>
<blockquote><p>帮助别人，快乐自己。</p></blockquote>
<table><thead><tr><th>年份</th><th>份数</th></tr></thead><tbody><tr><td>2024</td><td>20000</td></tr></tbody></table>
"""


def test_the_article_has_no_class_id_style_sheet_or_script() -> None:
    html = article(
        body_html=MESSY_BODY, body_base="wechat/song-can/", summary="导语。", cover="media/c.jpg", qr="wechat/song-can/qr.png"
    ).html
    soup = soup_of(html)
    assert soup.find_all(class_=True) == [] and soup.find_all(id=True) == []
    assert soup.find_all(["style", "script", "link", "source", "picture"]) == []
    assert "var(" not in html


def test_every_element_the_body_shows_is_styled_inline() -> None:
    soup = soup_of(article(body_html=MESSY_BODY, body_base="wechat/song-can/").html)
    for name in ("h2", "p", "blockquote", "table", "th", "td", "img"):
        for element in soup.find_all(name):
            assert element.get("style"), f"<{name}> without inline style"
    # the editor breaks inheritance: each cell and paragraph says its own size and colour
    for cell in soup.find_all(["td", "th", "p"]):
        assert "font-size" in cell["style"] and "color" in cell["style"], cell


def test_images_and_links_are_absolute_under_the_site_url() -> None:
    soup = soup_of(article(body_html=MESSY_BODY, body_base="wechat/song-can/", cover="media/c.jpg", qr="wechat/song-can/qr.png").html)
    sources = [img["src"] for img in soup.find_all("img")]
    assert sources == [SITE_URL + "media/c.jpg", SITE_URL + "media/a-800.jpg", SITE_URL + "wechat/song-can/qr.png"]
    assert [a["href"] for a in soup.find_all("a")] == [SITE_URL + "volunteers/zhang-xiaohong/"]
    assert all(not img.get("srcset") and not img.get("width") for img in soup.find_all("img"))


def test_a_jump_inside_the_page_keeps_its_text_without_the_link() -> None:
    soup = soup_of(article(body_html=MESSY_BODY).html)
    assert "回到开头" in soup.get_text()
    assert not soup.find("a", string="回到开头")


def test_the_article_holds_lead_cover_body_volunteers_credits_and_qr_code() -> None:
    html = article(
        summary="十年送餐路。",
        cover="media/c.jpg",
        cover_alt="保温餐盒",
        body_html=MESSY_BODY,
        volunteers=[{"name": "张晓红", "headline": "送餐的红马甲", "photo": "media/z.jpg", "profile": "volunteers/zhang-xiaohong/"}],
        source="江城日报",
        editor="刘洋",
        qr="wechat/song-can/qr.png",
    ).html
    text = text_of(html)
    for piece in (
        "十年送餐路。",
        "保温餐盒",
        "从一碗泡面开始",
        "本文志愿者",
        "张晓红",
        "送餐的红马甲",
        "来源：江城日报",
        "责任编辑：刘洋",
        "长按识别二维码",
    ):
        assert piece in text, piece
    assert text.index("十年送餐路。") < text.index("从一碗泡面开始") < text.index("本文志愿者") < text.index("来源")
    card = soup_of(html).find("img", src=SITE_URL + "media/z.jpg").find_parent("table")
    assert card.find("a", href=SITE_URL + "volunteers/zhang-xiaohong/").get_text() == "张晓红"


def test_the_article_is_in_the_site_colours() -> None:
    colours = {**SITE_COLOURS, "--md-primary-fg-color": "#123456"}
    html = article(body_html="<h2>小标题</h2><blockquote><p>引语</p></blockquote>", colours=colours).html
    soup = soup_of(html)
    assert "#123456" in soup.find("h2")["style"] and "#123456" in soup.find("blockquote")["style"]
    assert "#b71c1c" not in html


def test_the_site_colours_are_those_of_site_css() -> None:
    css = (REPO / "theme/assets/site.css").read_text(encoding="utf-8")
    root = re.search(r":root\s*\{(.*?)\}", css, re.S).group(1)
    declared = dict(re.findall(r"(--[\w-]+):\s*([^;]+);", root))
    assert {name: declared[name].strip() for name in SITE_COLOURS} == dict(SITE_COLOURS)


def test_the_fields_say_when_the_title_is_too_long() -> None:
    assert not article(title="甲" * TITLE_LIMIT).title_too_long
    assert article(title="甲" * (TITLE_LIMIT + 1)).title_too_long


def test_the_fields_carry_author_digest_and_the_story_address() -> None:
    result = article(author="通讯员 王芳", summary="十年送餐路。")
    assert (result.author, result.digest.text, result.link) == ("通讯员 王芳", "十年送餐路。", SITE_URL + "stories/2025/song-can/")


def test_the_qr_code_reads_back_as_the_address() -> None:
    import io

    address = SITE_URL + "stories/2025/song-can/"
    image = Image.open(io.BytesIO(qr_png(address)))
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [address]
    assert qr_png(address) == qr_png(address)


# --- `leifeng check` ------------------------------------------------------------

S = "stories/2024/song-can.md"


def check_report(root: Path) -> list[dict]:
    result = run_check(root, "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr  # warnings do not fail the check
    return json.loads(result.stdout)["problems"]


def line_of(root: Path, relative: str, text: str) -> int:
    lines = (root / relative).read_text(encoding="utf-8").split("\n")
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def test_check_warns_of_a_title_over_64_characters_with_file_and_line(tmp_path: Path) -> None:
    write_good_site(tmp_path)
    edit(S, "title: 送餐路上的“红马甲”", "title: " + "送餐" * 33)(tmp_path)
    [problem] = [p for p in check_report(tmp_path) if p["code"] == "wechat.title"]
    assert (problem["file"], problem["line"], problem["severity"]) == (S, line_of(tmp_path, S, "title:"), "warning")
    assert "66 字" in problem["message"] and "64" in problem["message"]


def test_check_warns_of_a_summary_that_cannot_be_cut_to_120(tmp_path: Path) -> None:
    write_good_site(tmp_path)
    edit(S, "summary: 十年送餐路。", "summary: " + "送餐" * 70)(tmp_path)
    [problem] = [p for p in check_report(tmp_path) if p["code"] == "wechat.summary"]
    assert (problem["file"], problem["line"], problem["severity"]) == (S, line_of(tmp_path, S, "summary:"), "warning")


def test_check_accepts_a_long_summary_that_can_be_cut_at_a_sentence_end(tmp_path: Path) -> None:
    write_good_site(tmp_path)
    edit(S, "summary: 十年送餐路。", "summary: " + "送餐" * 30 + "。" + "送餐" * 40)(tmp_path)
    assert [p for p in check_report(tmp_path) if p["code"].startswith("wechat")] == []


# --- the built example site -------------------------------------------------------


def wechat_page(example: Built, sid: str) -> BeautifulSoup:
    return example.html(f"wechat/{sid}/")


def test_every_published_story_has_its_wechat_page(example: Built) -> None:
    assert len(PUBLISHED) >= 10
    for sid in PUBLISHED:
        assert wechat_page(example, sid).select_one("#wechat-article"), sid
    for sid in set(STORIES) - set(PUBLISHED):
        assert not example.exists(f"wechat/{sid}/")


def test_the_article_holds_the_whole_body_of_the_story(example: Built) -> None:
    for sid, story in PUBLISHED.items():
        story_body = example.html(story_url(sid, story)).select_one(".lf-body")
        article_text = re.sub(r"\s+", "", wechat_page(example, sid).select_one("#wechat-article").get_text())
        for paragraph in story_body.find_all(["p", "h2", "h3", "li", "td", "th"]):
            piece = re.sub(r"\s+", "", paragraph.get_text())
            assert piece in article_text, (sid, piece)


def test_nothing_inside_the_article_has_a_class_id_style_sheet_or_script(example: Built) -> None:
    for sid in PUBLISHED:
        inside = wechat_page(example, sid).select_one("#wechat-article")
        assert inside.find_all(class_=True) == [] and inside.find_all(id=True) == [], sid
        assert inside.find_all(["style", "script", "link"]) == [], sid


def test_the_article_images_are_absolute_under_site_url_and_published(example: Built) -> None:
    for sid in PUBLISHED:
        images = wechat_page(example, sid).select("#wechat-article img")
        assert images, sid
        for image in images:
            assert image["src"].startswith(SITE_URL), image["src"]
            assert (example.site / image["src"][len(SITE_URL) :]).is_file(), image["src"]


def test_the_qr_code_in_the_article_leads_to_the_story(example: Built) -> None:
    sid, story = next(iter(PUBLISHED.items()))
    qr = wechat_page(example, sid).select("#wechat-article img")[-1]["src"]
    codes = zxingcpp.read_barcodes(Image.open(example.site / qr[len(SITE_URL) :]))
    assert [c.text for c in codes] == [SITE_URL + story_url(sid, story)]


def test_the_wechat_pages_are_marked_noindex(example: Built) -> None:
    for url in [f"wechat/{sid}/" for sid in PUBLISHED] + ["wechat/"]:
        assert example.html(url).find("meta", attrs={"name": "robots", "content": "noindex"}), url


def test_the_wechat_pages_are_absent_from_the_sitemap(example: Built) -> None:
    sitemap = (example.site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"{SITE_URL}stories/" in sitemap  # the reader pages are still there
    assert "/wechat/" not in sitemap


def test_the_wechat_pages_are_absent_from_the_search_index(example: Built) -> None:
    files = [p for p in (example.site / "search").rglob("*") if p.is_file()]
    assert files
    assert not [p for p in files if b"wechat" in p.read_bytes()]


def test_readers_pages_never_link_to_the_wechat_pages(example: Built) -> None:
    linking = []
    for page in example.site.rglob("index.html"):
        url = page.parent.relative_to(example.site).as_posix() + "/"
        url = "" if url == "./" else url
        if url.startswith(("wechat/", "guide/")):
            continue  # staff pages
        if any(target.startswith("wechat/") for target in page_links(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser"), url)):
            linking.append(url)
    assert linking == []


def test_the_staff_guide_links_to_the_list_of_wechat_pages(example: Built, example_with_staff_pages: Built) -> None:
    assert "wechat/" in page_links(example_with_staff_pages.html("guide/"), "guide/")
    listed = page_links(example.html("wechat/"), "wechat/")
    assert {f"wechat/{sid}/" for sid in PUBLISHED} <= listed


def test_story_pages_link_to_their_wechat_page_only_when_the_setting_asks(site: SiteMaker) -> None:
    site.story("song-can", "送餐路上", "2025-03-05", "张三每天十一点出发。")
    plain = site.build()
    assert plain.returncode == 0, plain.output
    assert "wechat/song-can/" not in page_links(plain.html("stories/2025/song-can/"), "stories/2025/song-can/")
    linked = site.config(wechat_link="true").build()
    assert linked.returncode == 0, linked.output
    assert "wechat/song-can/" in page_links(linked.html("stories/2025/song-can/"), "stories/2025/song-can/")


@pytest.mark.parametrize("field", ["title", "author", "digest", "link"])
def test_the_page_shows_each_field_with_a_copy_button(example: Built, field: str) -> None:
    page = wechat_page(example, "aixin-wucan-shi-nian")
    assert page.select_one(f'[data-wechat-value="{field}"]').get_text(strip=True)
    assert page.select_one(f'button[data-wechat-copy="{field}"]')


def test_without_site_url_the_page_says_what_to_set_instead_of_an_article(site: SiteMaker) -> None:
    site.story("song-can", "送餐路上", "2025-03-05", "张三每天十一点出发。")
    site.write_config()
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("site_url: https://example.gov.cn/zyfw/\n", ""), encoding="utf-8")
    built = build(site.root)
    assert built.returncode == 0, built.output
    page = built.html("wechat/song-can/")
    assert page.select_one("#wechat-article") is None
    assert "site_url" in page.select_one(".lf-wechat__warning").get_text()
