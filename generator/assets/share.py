"""Share images: posters (750×1334) with a QR code, Open Graph cards (1200×630).

A static site cannot set WeChat's share card, so the field shares posters:
the picture, the title, the summary wrapped by Chinese line-breaking rules,
the site name and a QR code to the page (长按识别二维码). Drawn with Pillow
and the Noto Sans CJK font that comes with the dependencies; QR codes come
from zxing-cpp. Every image is cached by a hash of everything drawn on it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from .fonts import cjk_font

SHARE_VERSION = "1"
POSTER_SIZE = (750, 1334)
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
class ShareSpec:
    """Everything drawn on one share image."""

    kind_label: str  # 志愿故事, 志愿者风采...
    title: str
    summary: str
    site_name: str
    url: str  # absolute URL for the QR code; empty for cards
    image: str | None  # source file on disk
    fit: str = "cover"  # "contain" for avatars and logos: never crop them
    hints: tuple[str, str] = ("长按识别二维码", "阅读全文")  # the lines beside the QR code


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


def qr_image(url: str, size: int) -> Image.Image:
    """A QR code of `url` (error correction M, quiet zone included) scaled to `size` px."""
    import zxingcpp

    barcode = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    return _modules(barcode).resize((size, size), Image.NEAREST)


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


SOFT = (255, 245, 243)


def _cover(path: str | None, size: tuple[int, int], fit: str = "cover") -> Image.Image | None:
    """The picture scaled to fill `size` (cropped), or to fit inside it on a soft background."""
    if not path:
        return None
    with Image.open(path) as opened:
        if opened.format == "JPEG":
            opened.draft("RGB", (size[0] * 2, size[1] * 2))
        image = ImageOps.exif_transpose(opened)
        image.load()
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, SOFT)
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    else:
        image = image.convert("RGB")
    if fit == "contain":
        box = (int(size[0] * 0.7), int(size[1] * 0.7))
        inner = ImageOps.contain(image, box, Image.LANCZOS)
        canvas = Image.new("RGB", size, SOFT)
        canvas.paste(inner, ((size[0] - inner.width) // 2, (size[1] - inner.height) // 2))
        return canvas
    return ImageOps.fit(image, size, Image.LANCZOS, centering=(0.5, 0.45))


def _banner(size: tuple[int, int], text: str) -> Image.Image:
    """A red gradient band with the site name, for records without a picture."""
    width, height = size
    band = Image.linear_gradient("L").rotate(90).resize((width, height))
    image = Image.merge(
        "RGB",
        [
            band.point(lambda v: 183 + (216 - 183) * v // 255),
            band.point(lambda v: 28 + (67 - 28) * v // 255),
            band.point(lambda v: 28 + (21 - 28) * v // 255),
        ],
    )
    draw = ImageDraw.Draw(image)
    font = cjk_font(max(36, height // 6))
    draw.text((width / 2, height / 2), text, font=font, fill="white", anchor="mm")
    return image


def draw_poster(spec: ShareSpec) -> Image.Image:
    width, height = POSTER_SIZE
    poster = Image.new("RGB", POSTER_SIZE, "white")
    picture_height = 600
    picture = _cover(spec.image, (width, picture_height), spec.fit) or _banner((width, picture_height), spec.site_name)
    poster.paste(picture, (0, 0))
    draw = ImageDraw.Draw(poster)
    margin = 48
    text_width = width - 2 * margin
    y = picture_height + 36
    draw.text((margin, y), spec.kind_label, font=cjk_font(28), fill=RED)
    y += 52
    title_font = cjk_font(46)
    for line in wrap_text(spec.title, title_font, text_width, 3):
        draw.text((margin, y), line, font=title_font, fill=DARK, stroke_width=1, stroke_fill=DARK)
        y += 66
    y += 14
    summary_font = cjk_font(30)
    footer_top = height - 290
    summary_lines = max(0, (footer_top - 30 - y) // 48)
    for line in wrap_text(spec.summary, summary_font, text_width, summary_lines) if spec.summary and summary_lines else []:
        draw.text((margin, y), line, font=summary_font, fill=GREY)
        y += 48
    draw.line((margin, footer_top, width - margin, footer_top), fill=(224, 224, 224), width=2)
    qr_size = 220
    poster.paste(qr_image(spec.url, qr_size), (width - margin - qr_size, footer_top + 34))
    name_font = cjk_font(34)
    name_lines = wrap_text(spec.site_name, name_font, width - 3 * margin - qr_size, 2)
    ny = footer_top + 50
    for line in name_lines:
        draw.text((margin, ny), line, font=name_font, fill=RED)
        ny += 48
    hint_font = cjk_font(26)
    draw.text((margin, ny + 16), spec.hints[0], font=hint_font, fill=GREY)
    draw.text((margin, ny + 56), spec.hints[1], font=hint_font, fill=GREY)
    return poster


def draw_card(spec: ShareSpec) -> Image.Image:
    width, height = CARD_SIZE
    card = Image.new("RGB", CARD_SIZE, "white")
    picture = _cover(spec.image, (480, height), spec.fit)
    left = 0
    if picture is not None:
        card.paste(picture, (0, 0))
        left = 480
    else:
        card.paste(_banner((24, height), ""), (0, 0))
        left = 24
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


# --- cached, parallel production ---------------------------------------------


def _render(job: tuple[str, dict, str]) -> None:
    shape, fields, out = job
    spec = ShareSpec(**fields)
    image = draw_poster(spec) if shape == "poster" else draw_card(spec)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(encode_jpeg(image))
    os.replace(temporary, path)


class ShareImages:
    """Posters and cards through the cache, rendered in parallel when cold."""

    def __init__(self, cache_dir: Path, workers: int | None = None, digest: Callable[[Path], str] | None = None) -> None:
        self.cache_dir = cache_dir
        # How to fingerprint a picture: the image pipeline's digests, so each file is read once per build.
        self._file_digest = digest or (lambda path: hashlib.sha256(path.read_bytes()).hexdigest())
        self.workers = workers or max(1, min(os.cpu_count() or 1, 8))
        self.rendered = 0
        self.reused = 0
        self._image_digests: dict[str, str] = {}

    def _digest(self, shape: str, spec: ShareSpec) -> str:
        image_digest = ""
        if spec.image:
            if spec.image not in self._image_digests:
                self._image_digests[spec.image] = self._file_digest(Path(spec.image))
            image_digest = self._image_digests[spec.image]
        fields = {**asdict(spec), "image": image_digest}
        payload = json.dumps([SHARE_VERSION, shape, fields], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:40]

    def produce(self, wanted: dict[str, tuple[str, ShareSpec]]) -> dict[str, Path]:
        """published path -> cached file, for {published path: (shape, spec)}."""
        files: dict[str, Path] = {}
        jobs: dict[str, tuple[str, dict, str]] = {}
        for published, (shape, spec) in sorted(wanted.items()):
            cached = self.cache_dir / "share" / f"{self._digest(shape, spec)}.jpg"
            files[published] = cached
            if cached.is_file():
                self.reused += 1
            elif str(cached) not in jobs:
                jobs[str(cached)] = (shape, asdict(spec), str(cached))
        if jobs:
            work = list(jobs.values())
            if len(work) > 2 and self.workers > 1:
                with ProcessPoolExecutor(max_workers=self.workers) as pool:
                    list(pool.map(_render, work, chunksize=max(1, len(work) // (self.workers * 4))))
            else:
                for job in work:
                    _render(job)
            self.rendered += len(work)
        return files
