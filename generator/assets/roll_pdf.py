"""The printable honour roll: an A4 text PDF of an honour list (share/honors/<id>.pdf).

Real text, not pictures: it can be selected, searched and read aloud, and it
is sharp at any zoom and in print. Written with fpdf2, which embeds the Noto
Sans CJK font (OpenType with CFF outlines, as `fonts.py` provides it) as a
subset of the glyphs used. Lines break by the same Chinese rules as the share
images (`share.wrap_text`). The same sheet gives the same bytes: the creation
date is the honour's date and the file ID is a hash of the content.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import atomic_write
from .fonts import cjk_font_path
from .share import DARK, GREY, RED, wrap_text

if TYPE_CHECKING:
    from fpdf import FPDF

ROLL_VERSION = "1"

# A4 portrait, millimetres.
MARGIN = 20.0
TOP = 18.0
BOTTOM = 20.0  # the footer sits in this band
NUMBER_WIDTH = 9.0  # "12." right-aligned, then a gap
GAP = 4.0
CHINA_TIME = dt.timezone(dt.timedelta(hours=8))
NO_LIMIT = 10_000  # lines: wrap, never cut


@dataclass(frozen=True)
class RollEntry:
    """One recipient as the honour page shows it."""

    name: str
    region: str | None = None
    unit: str | None = None
    position: str | None = None
    deed: str | None = None

    @property
    def place(self) -> str:
        """Region, unit and position, in the honour page's order."""
        return " ".join(part for part in (self.region, self.unit, self.position) if part)


@dataclass(frozen=True)
class RollCategory:
    name: str
    note: str  # 共 12 个（按姓名拼音排序）
    summary: str | None
    entries: tuple[RollEntry, ...]


@dataclass(frozen=True)
class HonorSheet:
    """Everything the printed honour roll shows, in the list's order, labels already in the site's language."""

    title: str
    facts: tuple[tuple[str, str], ...]  # (label, value) under the title: awarding body, document number, date
    summary: str | None
    categories: tuple[RollCategory, ...]
    site_name: str
    date: str  # ISO date, recorded as the PDF's creation date
    language: str  # the site's language, recorded as the PDF's /Lang
    page_label: str  # 第 {n} 页 / 共 {total} 页


class _Measure:
    """`wrap_text` measures with `getlength`; here in millimetres, in the PDF's current font."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf

    def getlength(self, text: str) -> float:
        return self.pdf.get_string_width(text)


def _document(sheet: HonorSheet) -> FPDF:
    from fpdf import FPDF  # imported when a roll is made, not by every build that loads this module

    class Roll(FPDF):
        def header(self) -> None:
            if self.page_no() > 1:  # continuation pages name the list they belong to
                _style(self, 9, GREY)
                self.set_xy(MARGIN, 9)
                self.cell(self.epw, 5, wrap_text(sheet.title, _Measure(self), self.epw, 1)[0], align="C")
                self.set_draw_color(*RED)
                self.set_line_width(0.2)
                self.line(MARGIN, 15, self.w - MARGIN, 15)
                self.set_y(TOP + 2)

        def footer(self) -> None:
            _style(self, 9, GREY)
            self.set_xy(MARGIN, self.h - 13)
            label = sheet.page_label.format(n=self.page_no(), total=self.str_alias_nb_pages)
            self.cell(self.epw, 5, f"{sheet.site_name} · {label}" if sheet.site_name else label, align="C")

    pdf = Roll(format="A4", unit="mm")
    pdf.set_margins(MARGIN, TOP, MARGIN)
    pdf.set_auto_page_break(False)  # entries are kept whole by hand, below
    pdf.c_margin = 0
    pdf.add_font("cjk", fname=str(cjk_font_path()))
    # The subset keeps the whole font's bounding boxes instead of measuring every glyph
    # again when fpdf2 saves it: fontTools' recalculation was two thirds of a roll's time.
    pdf.fonts["cjk"].ttfont.recalcBBoxes = False
    stamp = dt.datetime.combine(dt.date.fromisoformat(sheet.date), dt.time(), CHINA_TIME)
    pdf.set_creation_date(stamp)
    pdf.set_title(sheet.title)
    pdf.set_creator(sheet.site_name)
    pdf.set_lang(sheet.language)
    pdf.set_display_mode("fullwidth")
    return pdf


def _style(pdf: FPDF, size: float, color: tuple[int, int, int]) -> None:
    pdf.set_font("cjk", size=size)
    pdf.set_text_color(*color)


def _lines(pdf: FPDF, text: str, width: float, size: float) -> list[str]:
    pdf.set_font("cjk", size=size)
    return wrap_text(text, _Measure(pdf), width, NO_LIMIT) if text else []


def _write(pdf: FPDF, x: float, lines: list[str], size: float, color: tuple[int, int, int], height: float, align: str = "L") -> None:
    _style(pdf, size, color)
    for line in lines:
        pdf.set_xy(x, pdf.get_y())
        pdf.cell(pdf.w - MARGIN - x, height, line, align=align)
        pdf.set_y(pdf.get_y() + height)


def _head(pdf: FPDF, sheet: HonorSheet) -> None:
    _write(pdf, MARGIN, _lines(pdf, sheet.title, pdf.epw, 20), 20, RED, 10, align="C")
    pdf.set_y(pdf.get_y() + 2)
    # Facts side by side, as many to a line as fit; a fact is never split unless it alone is too long.
    pdf.set_font("cjk", size=10.5)
    rows: list[str] = []
    for label, value in sheet.facts:
        fact = f"{label}：{value}"
        joined = f"{rows[-1]}\u3000\u3000{fact}" if rows else fact
        if rows and pdf.get_string_width(joined) <= pdf.epw:
            rows[-1] = joined
        else:
            rows.extend(_lines(pdf, fact, pdf.epw, 10.5))
    _write(pdf, MARGIN, rows, 10.5, GREY, 5.6, align="C")
    y = pdf.get_y() + 3
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    pdf.line(MARGIN, y, pdf.w - MARGIN, y)
    pdf.set_line_width(0.25)
    pdf.line(MARGIN, y + 1.6, pdf.w - MARGIN, y + 1.6)
    pdf.set_y(y + 6)
    if sheet.summary:
        _write(pdf, MARGIN, _lines(pdf, sheet.summary, pdf.epw, 10.5), 10.5, DARK, 6)
        pdf.set_y(pdf.get_y() + 3)


def _entry_layout(pdf: FPDF, entry: RollEntry, name_width: float) -> tuple[list[str], list[str], list[str], float]:
    """The entry's lines (name, place, deed) and its height."""
    place_x = NUMBER_WIDTH + GAP + name_width + GAP
    names = _lines(pdf, entry.name, name_width, 12)
    places = _lines(pdf, entry.place, pdf.epw - place_x, 10.5)
    deeds = _lines(pdf, entry.deed or "", pdf.epw - NUMBER_WIDTH - GAP, 9.5)
    height = max(len(names) * 6.5, len(places) * 5.6 + 0.9) + len(deeds) * 5 + 2.2
    return names, places, deeds, height


def _bottom(pdf: FPDF) -> float:
    return pdf.h - BOTTOM


def _category(pdf: FPDF, category: RollCategory) -> None:
    # The name column is as wide as the longest name needs, up to 45% of the line: people's names
    # leave the place most of the line, long organisation names wrap within their column.
    pdf.set_font("cjk", size=12)
    longest = max((pdf.get_string_width(e.name) for e in category.entries), default=0)
    name_width = min(longest + 0.5, pdf.epw * 0.45)
    layouts = [_entry_layout(pdf, entry, name_width) for entry in category.entries]
    summary = _lines(pdf, category.summary or "", pdf.epw, 10)
    heading = 12 + len(summary) * 5.5
    # A heading never stands alone at the foot of a page.
    if pdf.get_y() + heading + (layouts[0][3] if layouts else 0) > _bottom(pdf):
        pdf.add_page()
    pdf.start_section(category.name)
    y = pdf.get_y() + 2
    _style(pdf, 14, RED)
    pdf.set_xy(MARGIN, y)
    pdf.cell(pdf.get_string_width(category.name) + 3, 8, category.name)  # the note follows on the same line
    _style(pdf, 9.5, GREY)
    pdf.set_xy(pdf.get_x(), y + 0.9)
    pdf.cell(pdf.w - MARGIN - pdf.get_x(), 8, category.note)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, y + 9, pdf.w - MARGIN, y + 9)
    pdf.set_y(y + 11)
    if summary:
        _write(pdf, MARGIN, summary, 10, GREY, 5.5)
    pdf.set_y(pdf.get_y() + 1)
    for number, (names, places, deeds, height) in enumerate(layouts, 1):
        if pdf.get_y() + height > _bottom(pdf):
            pdf.add_page()
        top = pdf.get_y()
        _style(pdf, 10.5, GREY)
        pdf.set_xy(MARGIN, top)
        pdf.cell(NUMBER_WIDTH, 6.5, f"{number}.", align="R")
        pdf.set_y(top)
        _write(pdf, MARGIN + NUMBER_WIDTH + GAP, names, 12, DARK, 6.5)
        below_names = pdf.get_y()
        pdf.set_y(top + 0.9)
        _write(pdf, MARGIN + NUMBER_WIDTH + GAP + name_width + GAP, places, 10.5, DARK, 5.6)
        pdf.set_y(max(below_names, pdf.get_y()))
        _write(pdf, MARGIN + NUMBER_WIDTH + GAP, deeds, 9.5, GREY, 5)
        pdf.set_y(top + height)
    pdf.set_y(pdf.get_y() + 4)


def roll_pdf(sheet: HonorSheet) -> bytes:
    """The honour roll as PDF bytes: head on the first page, then each category's recipients, numbered pages."""
    pdf = _document(sheet)
    pdf.add_page()
    _head(pdf, sheet)
    for category in sheet.categories:
        _category(pdf, category)
    return bytes(pdf.output())


@functools.cache
def _fpdf_version() -> str:  # importlib.metadata looks through every installed package: 4 ms a call
    from importlib.metadata import version

    return version("fpdf2")


def honor_sheet_path(sheet: HonorSheet, cache_dir: Path) -> Path:
    """Where the roll's PDF is cached (.cache/share/<hash>.pdf): a hash of the sheet and the PDF library."""
    return cache_dir / "share" / f"{_sheet_digest(sheet)}.pdf"


@functools.lru_cache(maxsize=1024)
def _sheet_digest(sheet: HonorSheet) -> str:
    # Remembered by the sheet's value (frozen, so hashable): `mkdocs serve` asks
    # for every list on every save, and asdict walks every recipient.
    payload = json.dumps([ROLL_VERSION, _fpdf_version(), asdict(sheet)], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:40]


def write_honor_sheet(sheet: HonorSheet, path: Path) -> None:
    """Draw the roll into `path`, atomically (a worker process may run this)."""
    atomic_write(path, roll_pdf(sheet))


def honor_sheet_file(sheet: HonorSheet, cache_dir: Path) -> Path:
    """The roll's PDF in the cache, made when the sheet or the PDF library changed."""
    cached = honor_sheet_path(sheet, cache_dir)
    if not cached.is_file():
        write_honor_sheet(sheet, cached)
    return cached
