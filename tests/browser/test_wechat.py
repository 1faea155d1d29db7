"""The 公众号 page in a real Chromium: the copy buttons put rich text on the clipboard.

The article shows its images by their addresses under site_url (the 公众号
editor fetches them there); the example site is served on 127.0.0.1, so
requests for site_url are answered from the built site, and any other host
is still refused by `open_page`. Before each copy the clipboard holds a
sentinel, so a button that copies nothing leaves the sentinel and fails the
check; `test_a_page_without_its_script_copies_nothing` shows the check can fail.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import HORIZONTAL_OVERFLOW_JS, PHONE, run_axe, serious

SITE_URL = "https://example.gov.cn/zyfw/"
PAGE = "wechat/aixin-wucan-shi-nian/"
SENTINEL = "剪贴板上原有的内容"

READ_CLIPBOARD_JS = """async () => {
  const [item] = await navigator.clipboard.read();
  const read = async (type) => item.types.includes(type) ? await (await item.getType(type)).text() : null;
  return { html: await read('text/html'), text: await read('text/plain') };
}"""

# A browser without the asynchronous clipboard API.
NO_ASYNC_CLIPBOARD_JS = "delete Navigator.prototype.clipboard; delete window.ClipboardItem;"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def serve_site_url(tab, site: Path) -> None:
    """Answer requests for the site's own address (site_url) from the built site."""

    def fulfill(route) -> None:
        path = urlsplit(route.request.url).path[len(urlsplit(SITE_URL).path) :]
        target = site / path
        route.fulfill(path=str(target / "index.html" if target.is_dir() else target))

    tab.context.route(f"{SITE_URL}**", fulfill)


def open_wechat(open_page, site_server, path: str = PAGE, **options):
    tab = open_page(None, **options)
    serve_site_url(tab, site_server.site)
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_server.origin)
    return tab


def seed_clipboard(page) -> None:
    page.evaluate("(text) => navigator.clipboard.writeText(text)", SENTINEL)


def read_clipboard(page) -> dict:
    page.bring_to_front()
    return page.evaluate(READ_CLIPBOARD_JS)


def press(tab, label: str, what: str) -> None:
    tab.page.get_by_role("button", name=label).click()
    tab.page.get_by_role("status").filter(has_text=f"已复制{what}").wait_for(timeout=5000)


def article_text(tab) -> str:
    return squeeze(tab.page.locator("#wechat-article").inner_text())


def test_copy_article_puts_the_inline_styled_article_on_the_clipboard(open_page, site_server) -> None:
    tab = open_wechat(open_page, site_server)
    tab.goto(PAGE)
    seed_clipboard(tab.page)
    press(tab, "复制正文", "正文")
    copied = read_clipboard(tab.page)
    html = BeautifulSoup(copied["html"], "html.parser")
    assert squeeze(html.get_text()) == article_text(tab)
    assert squeeze(copied["text"]) == article_text(tab)
    assert html.find_all(class_=True) == [] and html.find_all(id=True) == []
    assert html.find("h2")["style"] and "font-size" in html.find("p")["style"]
    assert {img["src"] for img in html.find_all("img")} and all(img["src"].startswith(SITE_URL) for img in html.find_all("img"))


@pytest.mark.parametrize(("label", "what", "field"), [("复制标题", "标题", "title"), ("复制摘要", "摘要", "digest")])
def test_copy_a_field_puts_its_text_on_the_clipboard(open_page, site_server, label, what, field) -> None:
    tab = open_wechat(open_page, site_server)
    tab.goto(PAGE)
    expected = tab.page.locator(f'[data-wechat-value="{field}"]').inner_text().strip()
    seed_clipboard(tab.page)
    press(tab, label, what)
    copied = read_clipboard(tab.page)
    assert copied["text"] == expected
    assert BeautifulSoup(copied["html"], "html.parser").get_text().strip() == expected


def test_without_the_async_clipboard_the_article_is_copied_by_selection(open_page, site_server) -> None:
    tab = open_wechat(open_page, site_server)
    tab.page.add_init_script(NO_ASYNC_CLIPBOARD_JS)  # this page only: a second page reads the clipboard
    tab.goto(PAGE)
    assert tab.page.evaluate("() => typeof ClipboardItem === 'undefined' && !navigator.clipboard")
    reader = tab.context.new_page()
    reader.goto(site_server.url(PAGE))
    seed_clipboard(reader)
    tab.page.bring_to_front()
    press(tab, "复制正文", "正文")
    copied = read_clipboard(reader)
    html = BeautifulSoup(copied["html"], "html.parser")
    assert squeeze(html.get_text()) == article_text(tab)
    assert html.find("h2")["style"] and html.find_all(class_=True) == []
    assert squeeze(copied["text"]) == article_text(tab)


def test_a_page_without_its_script_copies_nothing(open_page, site_server) -> None:
    """The clipboard check can fail: with wechat.js refused, the sentinel stays and no confirmation shows."""
    tab = open_wechat(open_page, site_server)
    tab.context.route("**/assets/wechat.js", lambda route: route.fulfill(status=200, body="", content_type="text/javascript"))
    tab.goto(PAGE)
    seed_clipboard(tab.page)
    tab.page.get_by_role("button", name="复制正文").click()
    tab.page.wait_for_timeout(500)
    assert read_clipboard(tab.page)["text"] == SENTINEL
    assert "已复制" not in tab.page.locator("[data-wechat-status]").all_inner_texts()[-1]


@pytest.mark.parametrize("path", [PAGE, "wechat/"])
def test_the_staff_pages_fit_a_phone_and_axe_finds_nothing_serious(open_page, site_server, path) -> None:
    tab = open_wechat(open_page, site_server, viewport=PHONE)
    tab.goto(path)
    assert tab.page.evaluate(HORIZONTAL_OVERFLOW_JS) == []
    assert serious(run_axe(tab.page)) == []
