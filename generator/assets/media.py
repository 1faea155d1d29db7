"""Generated avatars for volunteers without a photo, and media path rules.

Published photos go through `images.py`; this module draws the surname
avatar (cached under `.cache/media/avatars/` by name) and says where a
content media path is published.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from ..files import atomic_write
from .fonts import cjk_font

# Bump when the processing changes, so cached derivatives are remade.
PIPELINE_VERSION = "1"

COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "慕容",
    "令狐",
    "夏侯",
    "尉迟",
    "公孙",
    "长孙",
    "宇文",
    "司徒",
    "端木",
    "独孤",
    "南宫",
    "西门",
    "澹台",
    "轩辕",
)
# Warm, saturated colours that keep white text above 4.5:1 contrast.
AVATAR_COLOURS = ("#b71c1c", "#ad1457", "#6a1b9a", "#283593", "#00695c", "#2e7d32", "#8d4a00", "#bf360c", "#4e342e", "#37474f")


def site_path_for(media: str) -> str:
    """Where a content media path is published: always under `media/`."""
    media = media.replace("\\", "/").lstrip("./")
    return media if media.startswith("media/") else f"media/{media}"


@dataclass
class MediaCache:
    """Content-addressed cache of processed images under `.cache/media/`."""

    directory: Path
    encoded: int = 0
    reused: int = 0

    def avatar(self, name: str, size: int = 256) -> Path:
        digest = hashlib.sha256(f"{PIPELINE_VERSION}\0avatar\0{size}\0{name}".encode()).hexdigest()[:40]
        cached = self.directory / "avatars" / f"{digest}.png"
        if cached.exists():
            self.reused += 1
            return cached
        atomic_write(cached, make_avatar(name, size))
        self.encoded += 1
        return cached


def surname(name: str) -> str:
    name = name.strip()
    for compound in COMPOUND_SURNAMES:
        if name.startswith(compound):
            return compound
    return name[:1] or "?"


def avatar_colour(name: str) -> str:
    return AVATAR_COLOURS[int(hashlib.sha256(name.encode()).hexdigest(), 16) % len(AVATAR_COLOURS)]


def make_avatar(name: str, size: int = 256) -> bytes:
    """A PNG of the surname in white on a coloured disc; same name, same bytes."""
    scale = 4  # draw large, then downsample for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, big - 1, big - 1), fill=avatar_colour(name))
    text = surname(name)
    font = cjk_font(int(big * (0.46 if len(text) == 1 else 0.34)))
    draw.text((big / 2, big / 2), text, font=font, fill="#ffffff", anchor="mm")
    image = image.resize((size, size), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
