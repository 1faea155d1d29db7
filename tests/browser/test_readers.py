"""Reader tools in a real browser: font size, high contrast, read aloud, print,
and the click path story -> volunteer -> honour list -> back.

Headless Chromium has no speech voices, so read-aloud tests replace
speechSynthesis with a recording fake (before any page script runs) that can
offer voices at once or later, like Chromium's asynchronous voice loading.
"""

from __future__ import annotations

import json

import pytest
from conftest import DESKTOP, HONOUR_LINK, PAGE_TYPES, PHONE, set_reader_settings

CONTENT_TYPES = [k for k in PAGE_TYPES if k != "404"]


def body_text_size(tab) -> float:
    return tab.page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.md-content__inner.md-typeset')).fontSize)")


def pressed(tab, selector: str) -> str | None:
    return tab.page.get_attribute(selector, "aria-pressed")


def html_attr(tab, name: str) -> str | None:
    return tab.page.evaluate(f"document.documentElement.getAttribute('{name}')")


# --- the toolbar ---------------------------------------------------------------


@pytest.mark.parametrize("kind", CONTENT_TYPES)
def test_toolbar_on_every_content_page(open_page, pages_by_type, kind):
    tab = open_page(pages_by_type[kind])
    tools = tab.page.locator("[data-lf-tools]")
    assert tools.count() == 1 and tools.is_visible()
    assert tools.get_attribute("aria-label") == "阅读工具"
    labels = tab.page.locator("[data-lf-tools] button:visible").all_inner_texts()
    assert labels[:5] == ["标准", "大", "超大", "高对比度", "打印"] or labels[:4] == ["标准", "大", "超大", "高对比度"]
    assert "打印" in labels
    for button in tab.page.locator("[data-lf-tools] button:visible").all():
        box = button.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (button.inner_text(), box)
        assert button.get_attribute("type") == "button"
    assert pressed(tab, "[data-lf-font-button=m]") == "true"
    assert pressed(tab, "[data-lf-font-button=l]") == "false"
    assert pressed(tab, "[data-lf-contrast-button]") == "false"
    # read aloud only where there is a story to read
    assert (tab.page.locator("[data-lf-speak]").count() == 1) == (kind == "story")


def test_toolbar_hidden_without_javascript(open_page, pages_by_type):
    """Buttons that could do nothing are not shown."""
    tab = open_page(pages_by_type["story"], java_script_enabled=False)
    assert tab.page.locator("[data-lf-tools]").count() == 1
    assert not tab.page.locator("[data-lf-tools]").is_visible()


# --- font size -------------------------------------------------------------------


def test_font_size_switch_applies_and_persists_across_pages_and_reload(open_page, pages_by_type):
    tab = open_page(pages_by_type["story"])
    standard = body_text_size(tab)
    assert standard >= 16

    tab.page.click("[data-lf-font-button=l]")
    assert html_attr(tab, "data-lf-font") == "l"
    assert pressed(tab, "[data-lf-font-button=l]") == "true"
    assert pressed(tab, "[data-lf-font-button=m]") == "false"
    large = body_text_size(tab)
    assert large == pytest.approx(standard * 1.2, rel=0.02)

    tab.page.click("[data-lf-font-button=xl]")
    xlarge = body_text_size(tab)
    assert xlarge == pytest.approx(standard * 1.4, rel=0.02)
    assert pressed(tab, "[data-lf-font-button=xl]") == "true"
    assert pressed(tab, "[data-lf-font-button=l]") == "false"

    # another page, reached by clicking a link
    with tab.page.expect_navigation():
        tab.page.click(".lf-card--person a.lf-person")
    assert tab.path.startswith("volunteers/")
    assert html_attr(tab, "data-lf-font") == "xl"
    assert pressed(tab, "[data-lf-font-button=xl]") == "true"
    assert body_text_size(tab) == pytest.approx(xlarge, rel=0.02)

    tab.page.reload()
    assert html_attr(tab, "data-lf-font") == "xl"
    assert body_text_size(tab) == pytest.approx(xlarge, rel=0.02)

    tab.page.click("[data-lf-font-button=m]")
    assert html_attr(tab, "data-lf-font") is None
    assert body_text_size(tab) == pytest.approx(standard, rel=0.02)
    tab.goto(pages_by_type["home"])
    assert html_attr(tab, "data-lf-font") is None
    assert pressed(tab, "[data-lf-font-button=m]") == "true"


def test_font_size_is_applied_before_first_paint(open_page, pages_by_type):
    """The head script sets the size while <body> does not exist yet, so the page never flashes at
    the standard size; and it does so without reader.js (blocked here)."""
    watch = """
        window.__lfFontSetBeforeBody = null;
        new MutationObserver((records, observer) => {
            const root = document.documentElement;
            if (root && root.hasAttribute('data-lf-font')) {
                window.__lfFontSetBeforeBody = document.body === null;
                observer.disconnect();
            }
        }).observe(document, { attributes: true, childList: true, subtree: true });
    """
    tab = open_page(pages_by_type["home"], init_script=watch)
    set_reader_settings(tab, font="xl")
    tab.page.route("**/assets/reader.js", lambda route: route.fulfill(status=200, body="", content_type="text/javascript"))
    tab.goto(pages_by_type["story"])
    assert tab.page.evaluate("window.__lfFontSetBeforeBody") is True
    assert html_attr(tab, "data-lf-font") == "xl"
    # the pressed look comes from CSS on <html>, also right before reader.js runs
    bg = tab.page.evaluate("getComputedStyle(document.querySelector('[data-lf-font-button=xl]')).backgroundColor")
    assert bg != tab.page.evaluate("getComputedStyle(document.querySelector('[data-lf-font-button=m]')).backgroundColor")


def test_settings_are_scoped_to_the_site_path(open_page, pages_by_type):
    tab = open_page(pages_by_type["home"])
    tab.page.click("[data-lf-font-button=l]")
    keys = tab.page.evaluate("Object.keys(localStorage)")
    assert keys == ["/zyfw/lf-font"]


# --- high contrast ----------------------------------------------------------------


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_high_contrast_switch_applies_and_persists(open_page, pages_by_type, viewport):
    tab = open_page(pages_by_type["honor"], viewport=viewport)
    colours = "() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.querySelector('.lf-title')).color]"
    assert tab.page.evaluate(colours) != ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    tab.page.click("[data-lf-contrast-button]")
    assert html_attr(tab, "data-lf-contrast") == "high"
    assert pressed(tab, "[data-lf-contrast-button]") == "true"
    assert tab.page.evaluate(colours) == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    # links turn yellow (after Material's colour transition)
    tab.page.wait_for_function("getComputedStyle(document.querySelector('.lf-roll__name a')).color === 'rgb(255, 235, 59)'", timeout=2000)

    with tab.page.expect_navigation():
        tab.page.click(".lf-crumbs a")
    assert tab.path == "honors/"
    assert html_attr(tab, "data-lf-contrast") == "high"
    assert pressed(tab, "[data-lf-contrast-button]") == "true"
    tab.page.reload()
    assert tab.page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"

    tab.page.click("[data-lf-contrast-button]")
    assert html_attr(tab, "data-lf-contrast") is None
    assert pressed(tab, "[data-lf-contrast-button]") == "false"
    tab.page.reload()
    assert html_attr(tab, "data-lf-contrast") is None


def test_settings_follow_back_navigation(open_page, pages_by_type):
    """A page restored by the back button shows the settings chosen on a later page."""
    tab = open_page(pages_by_type["story"])
    with tab.page.expect_navigation():
        tab.page.click(".lf-card--person a.lf-person")
    tab.page.click("[data-lf-font-button=l]")
    tab.page.click("[data-lf-contrast-button]")
    tab.page.go_back()
    assert tab.path == pages_by_type["story"]
    assert html_attr(tab, "data-lf-font") == "l"
    assert html_attr(tab, "data-lf-contrast") == "high"
    assert pressed(tab, "[data-lf-font-button=l]") == "true"


# --- print -------------------------------------------------------------------------


def test_print_button_prints(open_page, pages_by_type):
    tab = open_page(pages_by_type["honor"], init_script="window.__printed = 0; window.print = () => { window.__printed += 1; };")
    tab.page.click("[data-lf-print]")
    assert tab.page.evaluate("window.__printed") == 1


def test_print_layout_hides_the_tools(open_page, pages_by_type):
    tab = open_page(pages_by_type["honor"])
    tab.page.emulate_media(media="print")
    assert not tab.page.locator("[data-lf-tools]").is_visible()
    assert tab.page.locator(".lf-roll__entry").first.is_visible()


# --- read aloud --------------------------------------------------------------------

FAKE_SPEECH = """
(() => {
  const config = %s;
  const listeners = [];
  class FakeUtterance {
    constructor(text) { this.text = text; this.lang = ''; this.voice = null; this.rate = 1;
      this.onstart = null; this.onend = null; this.onerror = null; }
  }
  const synth = {
    voices: config.voices, spoken: [], cancels: 0, auto: config.auto, pending: null,
    getVoices() { return this.voices.slice(); },
    speak(u) {
      this.spoken.push({ text: u.text, lang: u.lang, voice: u.voice && u.voice.name, rate: u.rate });
      this.pending = u;
      setTimeout(() => { u.onstart && u.onstart(); if (this.auto) { this.pending = null; u.onend && u.onend(); } }, 5);
    },
    cancel() { this.cancels += 1; const u = this.pending; this.pending = null;
      if (u && u.onerror) setTimeout(() => u.onerror({ error: 'interrupted' }), 0); },
    addEventListener(type, fn) { if (type === 'voiceschanged') listeners.push(fn); },
    loadVoices(voices) { this.voices = voices; listeners.forEach(fn => fn(new Event('voiceschanged'))); },
  };
  if (config.present) {
    Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
    window.SpeechSynthesisUtterance = FakeUtterance;
  } else {
    delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;
    Object.defineProperty(window, 'speechSynthesis', { value: undefined, configurable: true });
  }
})();
"""

ZH_CN = {"name": "Fake 普通话", "lang": "zh-CN", "localService": True}
ZH_HK = {"name": "Fake 粵語", "lang": "zh-HK", "localService": True}
EN_US = {"name": "Fake English", "lang": "en-US", "localService": True}


def fake_speech(voices=(), auto=True, present=True) -> str:
    return FAKE_SPEECH % json.dumps({"voices": list(voices), "auto": auto, "present": present})


def speak_button_visible(tab) -> bool:
    return tab.page.locator("[data-lf-speak]").is_visible()


@pytest.mark.parametrize(
    "setup",
    [
        {"present": False},
        {"voices": []},
        {"voices": [EN_US]},
    ],
    ids=["no-speech-synthesis", "no-voices", "no-chinese-voice"],
)
def test_read_aloud_hidden_without_a_chinese_voice(open_page, pages_by_type, setup):
    tab = open_page(pages_by_type["story"], init_script=fake_speech(**setup))
    tab.page.wait_for_timeout(50)
    assert tab.page.locator("[data-lf-speak]").count() == 1
    assert not speak_button_visible(tab)
    assert not tab.page.locator("[data-lf-stop]").is_visible()


def test_read_aloud_in_this_headless_chromium_hides_or_works(open_page, pages_by_type):
    """The real speechSynthesis of this Chromium: the button shows only if it has a Chinese voice."""
    tab = open_page(pages_by_type["story"])
    tab.page.wait_for_timeout(300)
    has_chinese = tab.page.evaluate(
        "() => !!window.speechSynthesis && speechSynthesis.getVoices().some(v => /^(zh|cmn|yue)/i.test(v.lang))"
    )
    assert speak_button_visible(tab) == has_chinese


def test_read_aloud_appears_when_voices_load_later(open_page, pages_by_type):
    tab = open_page(pages_by_type["story"], init_script=fake_speech(voices=[]))
    assert not speak_button_visible(tab)
    tab.page.evaluate(f"speechSynthesis.loadVoices([{json.dumps(EN_US)}, {json.dumps(ZH_CN)}])")
    assert speak_button_visible(tab)


def test_read_aloud_reads_the_story_in_chinese_and_ends(open_page, pages_by_type):
    tab = open_page(pages_by_type["story"], init_script=fake_speech(voices=[EN_US, ZH_HK, ZH_CN]))
    assert speak_button_visible(tab)
    assert pressed(tab, "[data-lf-speak]") == "false"
    tab.page.click("[data-lf-speak]")
    # the fake ends each utterance at once, so the whole story is read, then the tools reset
    tab.page.wait_for_function("document.querySelector('[data-lf-speak]').getAttribute('aria-pressed') === 'false'")
    spoken = tab.page.evaluate("speechSynthesis.spoken")
    title = tab.page.inner_text(".lf-title")
    assert spoken[0]["text"] == title
    assert {s["lang"] for s in spoken} == {"zh-CN"}
    assert {s["voice"] for s in spoken} == {ZH_CN["name"]}
    assert all(0 < len(s["text"]) <= 120 for s in spoken)
    said = "".join(s["text"] for s in spoken).replace(" ", "")
    for paragraph in tab.page.locator(".lf-body p").all_inner_texts():
        assert paragraph.replace(" ", "").replace("\n", "") in said
    assert not tab.page.locator("[data-lf-stop]").is_visible()
    assert tab.page.locator(".lf-speaking").count() == 0


def test_read_aloud_stop_button(open_page, pages_by_type):
    tab = open_page(pages_by_type["story"], init_script=fake_speech(voices=[ZH_CN], auto=False))
    tab.page.click("[data-lf-speak]")
    assert pressed(tab, "[data-lf-speak]") == "true"
    stop = tab.page.locator("[data-lf-stop]")
    assert stop.is_visible() and stop.inner_text() == "停止"
    box = stop.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    tab.page.wait_for_selector(".lf-speaking")
    assert tab.page.evaluate("speechSynthesis.spoken.length") == 1
    stop.click()
    assert pressed(tab, "[data-lf-speak]") == "false"
    assert not stop.is_visible()
    assert tab.page.evaluate("speechSynthesis.cancels") >= 1
    assert tab.page.locator(".lf-speaking").count() == 0
    assert tab.page.evaluate("document.activeElement.hasAttribute('data-lf-speak')")
    tab.page.wait_for_timeout(50)
    assert tab.page.evaluate("speechSynthesis.spoken.length") == 1  # nothing more after stop


# --- links by clicking -----------------------------------------------------------


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_story_to_volunteer_to_honour_list_and_back(open_page, pages_by_type, viewport):
    tab = open_page(pages_by_type["story"], viewport=viewport)
    story_title = tab.page.inner_text("h1")

    card = tab.page.locator(".lf-card--person a.lf-person").first
    name = card.locator(".lf-person__name").inner_text()
    with tab.page.expect_navigation():
        card.click()
    assert tab.path.startswith("volunteers/")
    assert tab.page.inner_text("h1") == name
    volunteer = tab.path

    honour = tab.page.locator(HONOUR_LINK).first
    honour_title = honour.inner_text()
    with tab.page.expect_navigation():
        honour.click()
    assert tab.path.startswith("honors/")
    assert tab.page.inner_text("h1") == honour_title
    # the honour list links back to the volunteer by name
    back_link = tab.page.locator(".lf-roll__name a", has_text=name).first
    with tab.page.expect_navigation():
        back_link.click()
    assert tab.path == volunteer

    tab.page.go_back()
    assert tab.path.startswith("honors/")
    tab.page.go_back()
    assert tab.path == volunteer
    tab.page.go_back()
    assert tab.path == pages_by_type["story"]
    assert tab.page.inner_text("h1") == story_title
