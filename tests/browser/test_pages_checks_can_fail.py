"""The checks themselves: each one must fail on a page that breaks its rule.

A check that can never fail proves nothing. Each test here breaks one rule on
purpose in a real page (an image from another host, a console error, a wide
box, small text, a small button, tight lines, an image without alt text) and
expects the same check the page tests use to report it. The Nu Html Checker
has its canary inside test_pages.py.
"""

from __future__ import annotations

from conftest import (
    HORIZONTAL_OVERFLOW_JS,
    LINE_HEIGHT_JS,
    NARROW_FONT_CSS,
    NARROW_PHONE,
    SMALL_TEXT_JS,
    TAP_TARGET_JS,
    run_axe,
    serious,
)

INSERT = """(html) => {
    const box = document.createElement('div');
    box.className = 'lf-canary';
    box.innerHTML = html;
    document.querySelector('.md-content__inner').prepend(box);
}"""


def test_request_to_another_host_is_caught_and_blocked(open_page, pages_by_type):
    tab = open_page(pages_by_type["home"])
    outcome = tab.page.evaluate(
        """async () => {
            const img = new Image();
            const loaded = new Promise(resolve => { img.onload = () => resolve('loaded'); img.onerror = () => resolve('blocked'); });
            img.src = 'https://fonts.googleapis.com/css?family=Roboto';
            let fetched = 'loaded';
            try { await fetch('http://203.0.113.9/tracker.js'); } catch (e) { fetched = 'blocked'; }
            return [await loaded, fetched];
        }"""
    )
    assert outcome == ["blocked", "blocked"]
    assert any("fonts.googleapis.com" in u for u in tab.guard.foreign)
    assert any("203.0.113.9" in u for u in tab.guard.foreign)
    assert any("request to another host" in p for p in tab.guard.problems())
    tab.guard.reset()  # the failure was the point


def test_console_and_page_errors_are_caught(open_page, pages_by_type):
    tab = open_page(pages_by_type["home"])
    tab.page.evaluate("console.error('canary console error')")
    tab.page.evaluate("setTimeout(() => { throw new Error('canary page error'); }, 0)")
    tab.page.wait_for_timeout(50)
    problems = tab.guard.problems()
    assert any("canary console error" in p for p in problems)
    assert any("canary page error" in p for p in problems)
    tab.guard.reset()


def test_sideways_scroll_and_cut_off_content_are_caught(open_page, pages_by_type):
    tab = open_page(pages_by_type["story"], viewport=NARROW_PHONE)
    assert tab.page.evaluate(HORIZONTAL_OVERFLOW_JS) == []
    # scrolling inside its own box is fine
    tab.page.evaluate(INSERT, '<div style="overflow-x:auto"><table><tr><td style="min-width:900px">很宽的表格</td></tr></table></div>')
    assert tab.page.evaluate(HORIZONTAL_OVERFLOW_JS) == []
    # a box wider than the phone is not
    tab.page.evaluate(INSERT, '<p style="width:600px">一个过宽的段落</p>')
    problems = tab.page.evaluate(HORIZONTAL_OVERFLOW_JS)
    assert any("一个过宽的段落" in p for p in problems), problems


def test_content_cut_off_without_a_scroll_bar_is_caught(open_page, pages_by_type):
    tab = open_page(pages_by_type["story"], viewport=NARROW_PHONE)
    tab.page.evaluate(INSERT, '<p style="white-space:nowrap">' + "很长的名字" * 30 + "</p>")
    tab.page.evaluate("document.documentElement.style.overflowX = 'hidden'; document.body.style.overflowX = 'hidden'")
    problems = tab.page.evaluate(HORIZONTAL_OVERFLOW_JS)
    assert any("很长的名字" in p for p in problems), problems


def test_small_text_is_caught(open_page, pages_by_type):
    tab = open_page(pages_by_type["home"])
    tab.page.evaluate(INSERT, '<p style="font-size:14px">小号字</p>')
    assert any("小号字" in p for p in tab.page.evaluate(SMALL_TEXT_JS, 16))


def test_small_tap_target_is_caught_but_a_link_in_a_sentence_is_not(open_page, pages_by_type):
    tab = open_page(pages_by_type["home"])
    tab.page.evaluate(
        INSERT,
        '<button type="button" style="min-height:0;height:30px;padding:0">小按钮</button>'
        '<p>这是一句话，其中有<a href="#x">一个链接</a>，链接在句子里。</p>',
    )
    problems = tab.page.evaluate(TAP_TARGET_JS, 44)
    assert any("小按钮" in p for p in problems), problems
    assert not any("一个链接" in p for p in problems), problems


def test_a_target_sized_by_its_words_is_caught_with_a_narrow_font(open_page, pages_by_type):
    tab = open_page(pages_by_type["home"])
    tab.page.evaluate(
        INSERT,
        '<p><a href="#w" style="display:inline-flex;min-height:44px;font-size:22px">四个汉字</a></p>'
        '<p><a href="#m" style="display:inline-flex;min-height:44px;min-width:44px">两字</a></p>',
    )
    assert not any("四个汉字" in p for p in tab.page.evaluate(TAP_TARGET_JS, 44))  # 88 px of words
    tab.page.add_style_tag(content=NARROW_FONT_CSS)
    problems = tab.page.evaluate(TAP_TARGET_JS, 44)
    assert any("四个汉字" in p for p in problems), problems
    assert not any("两字" in p for p in problems), problems


def test_tight_line_spacing_is_caught(open_page, pages_by_type):
    tab = open_page(pages_by_type["home"])
    tab.page.evaluate(INSERT, '<p style="line-height:1.2">行距太小的正文</p>')
    assert any("行距太小的正文" in p for p in tab.page.evaluate(LINE_HEIGHT_JS, 1.5))


def test_axe_reports_serious_problems(open_page, pages_by_type):
    tab = open_page(pages_by_type["home"])
    tab.page.evaluate(
        INSERT,
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10"><p style="color:#ccc;background:#fff">浅灰色的字</p>',
    )
    ids = {line.split(" ")[1] for line in serious(run_axe(tab.page))}
    assert {"image-alt", "color-contrast"} <= ids, ids
