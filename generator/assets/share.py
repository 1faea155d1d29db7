"""Sharing at build time: QR codes, Chinese line breaking, the site's Open Graph card.

Share posters are drawn on the reader's device when they ask for one
(theme/assets/poster.js, from the page's inline QR code and a published
picture), so the build draws no poster. Pages with a picture give it as
their Open Graph image; every other page shares the one 1200×630 site card
drawn here with Pillow and the Noto Sans CJK font that comes with the
dependencies, cached by a hash of everything drawn on it. QR codes come from
zxing-cpp. `wrap_text` breaks lines by Chinese rules for the card and the
printed honour roll; poster.js follows the same rules.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from ..files import atomic_write
from .fonts import cjk_font

SHARE_VERSION = "2"
CARD_SIZE = (1200, 630)
RED = (183, 28, 28)
DARK = (26, 26, 26)
GREY = (80, 80, 80)

# Chinese line breaking (GB/T 15834 practice): these never start a line...
NO_LINE_START = set("，。、；：？！）》」』】〕〉”’…—·,.;:?!)]}%")
# ...and these never end one.
NO_LINE_END = set("（《「『【〔〈“‘([{")
ELLIPSIS = "…"


@dataclass(frozen=True)
class CardSpec:
    """Everything drawn on an Open Graph card."""

    kind_label: str  # above the title; empty for the site card
    title: str
    summary: str
    site_name: str


# --- text layout ------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    """Break opportunities: each CJK character alone, Latin words and numbers whole."""
    tokens: list[str] = []
    word = ""
    for char in text:
        if char.isascii() and (char.isalnum() or char in "-_./@%"):
            word += char
            continue
        if word:
            tokens.append(word)
            word = ""
        tokens.append(char)
    if word:
        tokens.append(word)
    return tokens


def wrap_text(text: str, font, max_width: float, max_lines: int) -> list[str]:
    """Lines that fit `max_width`, breaking by Chinese rules; the last line ends with … when cut."""
    text = " ".join(text.split())
    tokens = _tokens(text)
    lines: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        candidate = "".join(current) + token
        if current and font.getlength(candidate) > max_width:
            # Keep closing punctuation with the word before it, opening punctuation with the word after it.
            if token in NO_LINE_START and len(current) > 1:
                carry = [current.pop()]
            else:
                carry = []
            while len(current) > 1 and current[-1] in NO_LINE_END:
                carry.insert(0, current.pop())
            lines.append("".join(current).rstrip())
            current = [t for t in carry if t != " "]
            if len(lines) == max_lines:
                break
            continue
        if token == " " and not current:
            i += 1
            continue
        current.append(token)
        i += 1
    if len(lines) < max_lines and current:
        lines.append("".join(current).rstrip())
    elif len(lines) == max_lines and (current or i < len(tokens)):
        lines[-1] = _with_ellipsis(lines[-1], font, max_width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _with_ellipsis(lines[-1], font, max_width)
    return lines


def _with_ellipsis(line: str, font, max_width: float) -> str:
    while line and (font.getlength(line + ELLIPSIS) > max_width or line[-1] in NO_LINE_END or line[-1] in "，、；：,;: "):
        line = line[:-1]
    return line + ELLIPSIS


# --- drawing ----------------------------------------------------------------


def _modules(barcode) -> Image.Image:
    """The barcode as a greyscale image, one pixel per module."""
    view = memoryview(barcode.to_image(scale=1, add_quiet_zones=True))
    height, width = view.shape[0], view.shape[1]
    return Image.frombytes("L", (width, height), view.tobytes())


_DARK_RUN = re.compile(rb"[\x00-\x7f]+")


def qr_path(url: str) -> tuple[int, str]:
    """(modules per side, SVG path data) of the QR code for `url`, quiet zone included."""
    import zxingcpp

    barcode = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    modules = _modules(barcode)
    size = modules.width
    data = modules.tobytes()
    parts = []
    for y in range(size):
        for run in _DARK_RUN.finditer(data, y * size, (y + 1) * size):
            start, length = run.start() - y * size, run.end() - run.start()
            parts.append(f"M{start} {y}h{length}v1h-{length}z")
    return size, "".join(parts)


def _banner(size: tuple[int, int]) -> Image.Image:
    """A red gradient band down the card's left edge."""
    width, height = size
    band = Image.linear_gradient("L").rotate(90).resize((width, height))
    return Image.merge(
        "RGB",
        [
            band.point(lambda v: 183 + (216 - 183) * v // 255),
            band.point(lambda v: 28 + (67 - 28) * v // 255),
            band.point(lambda v: 28 + (21 - 28) * v // 255),
        ],
    )


def draw_card(spec: CardSpec) -> Image.Image:
    width, height = CARD_SIZE
    card = Image.new("RGB", CARD_SIZE, "white")
    left = 24
    card.paste(_banner((left, height)), (0, 0))
    draw = ImageDraw.Draw(card)
    margin = 56
    x = left + margin
    text_width = width - x - margin
    y = 64
    draw.text((x, y), spec.kind_label, font=cjk_font(30), fill=RED)
    y += 60
    title_font = cjk_font(54)
    for line in wrap_text(spec.title, title_font, text_width, 3):
        draw.text((x, y), line, font=title_font, fill=DARK, stroke_width=1, stroke_fill=DARK)
        y += 76
    y += 10
    summary_font = cjk_font(30)
    lines = max(0, (height - 110 - y) // 46)
    for line in wrap_text(spec.summary, summary_font, text_width, lines) if spec.summary and lines else []:
        draw.text((x, y), line, font=summary_font, fill=GREY)
        y += 46
    draw.text((x, height - 56), spec.site_name, font=cjk_font(30), fill=RED, anchor="ls")
    return card


def encode_jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue()


# --- cached production ------------------------------------------------------


class ShareImages:
    """Open Graph cards through the cache."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.rendered = 0
        self.reused = 0

    def produce(self, wanted: dict[str, CardSpec]) -> dict[str, Path]:
        """published path -> cached file, for {published path: card}."""
        files: dict[str, Path] = {}
        for published, spec in sorted(wanted.items()):
            payload = json.dumps([SHARE_VERSION, "card", asdict(spec)], ensure_ascii=False, sort_keys=True)
            cached = self.cache_dir / "share" / f"{hashlib.sha256(payload.encode()).hexdigest()[:40]}.jpg"
            files[published] = cached
            if cached.is_file():
                self.reused += 1
                continue
            atomic_write(cached, encode_jpeg(draw_card(spec)))
            self.rendered += 1
        return files
