"""Every page type in a real browser, at phone and desktop sizes.

For each of the site's page types: the page loads from our own host only
(`open_page` aborts and reports any other request), logs no console error,
never scrolls sideways (375 and 360 px phones, also at the largest font
size, and a 1280 px desktop), keeps text at 16 px or more, tap targets at
44 px or more and body line spacing at 1.5 or more on phones, and axe-core
finds nothing serious or critical. The built HTML passes the Nu Html Checker.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import (
    DESKTOP,
    HORIZONTAL_OVERFLOW_JS,
    LINE_HEIGHT_JS,
    NARROW_FONT_CSS,
    NARROW_PHONE,
    PAGE_TYPES,
    PHONE,
    SMALL_TEXT_JS,
    TAP_TARGET_JS,
    allow_own_404,
    is_material_base_error,
    run_axe,
    serious,
    set_reader_settings,
    vnu,
)

VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


def open_type(open_page, pages_by_type, kind: str, viewport: dict):
    tab = open_page(None, viewport=viewport)
    if kind == "404":
        allow_own_404(tab)
    response = tab.goto(pages_by_type[kind])
    assert response is not None
    assert response.status == (404 if kind == "404" else 200), f"{kind}: HTTP {response.status}"
    return tab


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_loads_from_own_host_without_errors_or_sideways_scroll(open_page, pages_by_type, kind, size):
    tab = open_type(open_page, pages_by_type, kind, VIEWPORTS[size])
    tab.page.wait_for_load_state("networkidle")
    # scroll through the page so that lazy images and anything on scroll load too
    tab.page.evaluate(
        "async () => { for (let y = 0; y < document.body.scrollHeight; y += 600) { window.scrollTo(0, y); await new Promise(r => requestAnimationFrame(r)); } window.scrollTo(0, 0); }"
    )
    tab.page.wait_for_load_state("networkidle")
    assert tab.page.evaluate(HORIZONTAL_OVERFLOW_JS) == []
    assert tab.page.title(), f"{kind} has no title"
    # open_page's teardown fails the test on any request to another host or console error


@pytest.mark.parametrize("font", ["standard", "xl"])
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_no_sideways_scroll_on_a_360_px_phone(open_page, pages_by_type, kind, font):
    tab = open_type(open_page, pages_by_type, kind, NARROW_PHONE)
    if font == "xl":
        set_reader_settings(tab, font="xl", contrast="high")
        tab.page.reload()
        assert tab.page.evaluate("document.documentElement.getAttribute('data-lf-font')") == "xl"
    assert tab.page.evaluate(HORIZONTAL_OVERFLOW_JS) == []


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_phone_text_targets_and_line_spacing(open_page, pages_by_type, kind):
    tab = open_type(open_page, pages_by_type, kind, PHONE)
    problems = {
        "text under 16 px": tab.page.evaluate(SMALL_TEXT_JS, 16),
        "tap targets under 44 px": tab.page.evaluate(TAP_TARGET_JS, 44),
        "body line spacing under 1.5": tab.page.evaluate(LINE_HEIGHT_JS, 1.5),
    }
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in problems.items())


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_tap_targets_keep_44_px_with_a_narrow_font(open_page, pages_by_type, kind):
    """44 × 44 px by CSS (min-width, min-height, padding), whatever font the phone has."""
    tab = open_type(open_page, pages_by_type, kind, PHONE)
    tab.page.add_style_tag(content=NARROW_FONT_CSS)
    problems = tab.page.evaluate(TAP_TARGET_JS, 44)
    assert not problems, "tap targets under 44 px with a narrow font:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("mode", ["phone", "desktop", "phone-high-contrast"])
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_axe_finds_nothing_serious(open_page, pages_by_type, kind, mode):
    tab = open_type(open_page, pages_by_type, kind, DESKTOP if mode == "desktop" else PHONE)
    if mode == "phone-high-contrast":
        set_reader_settings(tab, contrast="high")
        tab.page.reload()
        assert tab.page.evaluate("document.documentElement.getAttribute('data-lf-contrast')") == "high"
    problems = serious(run_axe(tab.page))
    assert not problems, f"{kind} ({mode}):\n" + "\n".join(problems)


def test_built_html_passes_the_nu_html_checker(site_server, tmp_path):
    """Every built page (so every page type), checked in one run of vnu.jar."""
    site: Path = site_server.site
    # A canary with a known error proves the checker really ran and reports.
    canary = tmp_path / "canary.html"
    canary.write_text("<!doctype html><html lang=zh><title>x</title><p><div>块</div></p></html>", encoding="utf-8")
    messages = vnu([site, canary])
    canary_errors = [m for m in messages if m.get("url", "").endswith("/canary.html")]
    assert canary_errors, "the Nu Html Checker did not flag the canary page: is it running?"
    ours = [m for m in messages if m not in canary_errors and not is_material_base_error(m)]
    report = [
        f"{m.get('url', '').split('/site/', 1)[-1]}:{m.get('lastLine', '?')}: {m.get('message')}\n    {(m.get('extract') or '').strip()[:160]}"
        for m in ours
    ]
    assert not report, f"{len(report)} HTML errors:\n" + "\n".join(report[:40])
    assert len(list(site.rglob("*.html"))) >= len(PAGE_TYPES)
