"""Step 6, assets: responsive derivatives of every published image.

Each image a published page shows is decoded once, turned upright by its EXIF
orientation, stripped of all metadata (EXIF, GPS, XMP, ICC comments) and
published in a few widths as WebP plus a JPEG (or PNG, for images with
transparency) fallback. Results are cached under `.cache/images/` by content
hash and settings, so an unchanged image costs one hash on the next build;
cold work is spread over the cores. Encoders get fixed settings, so the same
input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from ..files import atomic_write

# Bump when processing changes, so cached derivatives are remade.
PIPELINE_VERSION = "6"
# A phone 375 CSS px wide at 2x or 3x needs 800 or 1200; list thumbnails and
# avatars take the 400. Every browser readers use (WeChat's on Android and
# iOS 14+, Chrome, Safari, Firefox) shows WebP, so WebP carries the widths;
# one JPEG (PNG with transparency) at FALLBACK_WIDTH serves the rest, Open
# Graph previews and posters. Method 2 encodes WebP twice as fast as method 4
# for about 1% more bytes (bench/RESULTS.md).
WIDTHS = (400, 800, 1200)
FALLBACK_WIDTH = 800
JPEG_QUALITY = 80
WEBP_QUALITY = 78
WEBP_METHOD = 2


@dataclass(frozen=True)
class Variant:
    width: int
    webp: str  # published path


@dataclass(frozen=True)
class ImageSet:
    """A published image: its natural size, its WebP widths (narrowest first) and one fallback."""

    source: str  # the path as written in content (media/...)
    width: int
    height: int
    variants: tuple[Variant, ...]
    fallback: str  # JPEG, or PNG for images with transparency
    fallback_width: int

    @property
    def src(self) -> str:
        """What a browser without WebP loads."""
        return self.fallback

    def height_for(self, width: int) -> int:
        return max(1, round(self.height * width / self.width))


def widths_for(width: int) -> list[int]:
    """The published widths for a source `width` pixels wide: never larger, never twice."""
    chosen = [w for w in WIDTHS if w < width]
    largest = min(width, WIDTHS[-1])
    if largest not in chosen:
        chosen.append(largest)
    return chosen


def open_upright(data: bytes, max_pixels: int) -> Image.Image:
    """Decode an image, refusing oversized ones before decoding, and apply EXIF orientation."""
    image = Image.open(io.BytesIO(data))
    if image.width * image.height > max_pixels:
        raise ValueError(f"图片过大（{image.width}×{image.height} 像素）")
    # A phone photo (4000×3000) is decoded at a half or a quarter of its size
    # when that still covers the widest variant: libjpeg scales while it
    # decodes, so decoding and the first resize cost a fraction.
    image.draft(image.mode, (WIDTHS[-1], WIDTHS[-1]))
    upright = ImageOps.exif_transpose(image)
    upright.load()
    # Encoders write some of `info` back (a JPEG comment, an ICC profile): publish none of it.
    upright.info.clear()
    return upright


def render_derivatives(data: bytes, out_dir: str, max_pixels: int) -> dict:
    """Write every variant of one image into `out_dir`; return its metadata.

    Runs in worker processes, so it takes and returns plain values.
    """
    image = open_upright(data, max_pixels)
    alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if alpha else "RGB")
    fallback_ext = "png" if alpha else "jpg"
    out = Path(out_dir)
    widths = widths_for(image.width)
    fallback_width = min(FALLBACK_WIDTH, image.width)
    current = image
    # Largest first, each step resized from the previous one: faster, and
    # sharper than one big jump.
    for width in sorted({*widths, fallback_width}, reverse=True):
        height = max(1, round(image.height * width / image.width))
        if current.width != width:
            current = current.resize((width, height), Image.LANCZOS, reducing_gap=3.0)
        if width in widths:
            buffer = io.BytesIO()
            current.save(buffer, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
            atomic_write(out / f"{width}.webp", buffer.getvalue())
        if width == fallback_width:
            buffer = io.BytesIO()
            if alpha:
                current.save(buffer, "PNG", optimize=True)
            else:
                current.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
            atomic_write(out / f"{width}.{fallback_ext}", buffer.getvalue())
    meta = {"width": image.width, "height": image.height, "widths": widths, "fallback": fallback_ext, "fallback_width": fallback_width}
    atomic_write(out / "meta.json", json.dumps(meta, sort_keys=True).encode())
    return meta


def _work(job: tuple[str, str, int]) -> dict:
    source, out_dir, max_pixels = job
    return render_derivatives(Path(source).read_bytes(), out_dir, max_pixels)


def published_stem(media_path: str) -> str:
    """`media/stories/x.jpg` -> `media/stories/x` (published paths add `-<width>.<ext>`)."""
    path = media_path.replace("\\", "/").lstrip("./")
    if not path.startswith("media/"):
        path = f"media/{path}"
    stem, _, _ = path.rpartition(".")
    return stem or path


class ImagePipeline:
    """Turns source images into published variants, through the cache."""

    def __init__(self, cache_dir: Path, max_pixels: int, workers: int | None = None) -> None:
        self.cache_dir = cache_dir
        self.max_pixels = max_pixels
        self.workers = workers or max(1, min(os.cpu_count() or 1, 8))
        self.encoded = 0
        self.reused = 0
        self.digests: dict[str, str] = {}
        self._meta: dict[str, dict] = {}  # cache key -> meta.json, kept across `mkdocs serve` rebuilds
        self._keys: dict[str, str] = {}  # content digest -> cache key
        self._planned: dict[tuple[str, str], tuple[ImageSet, dict[str, Path]]] = {}  # (media path, key) -> what it publishes

    def content_digest(self, source: Path) -> str:
        """SHA-256 of a source file's bytes; read again only when its size or time changes."""
        stat = source.stat()
        key = f"{source}\0{stat.st_size}\0{stat.st_mtime_ns}"
        if key not in self.digests:
            self.digests[key] = hashlib.sha256(source.read_bytes()).hexdigest()
        return self.digests[key]

    def _key(self, digest: str) -> str:
        if digest not in self._keys:
            settings = f"{PIPELINE_VERSION}|{WIDTHS}|{FALLBACK_WIDTH}|{JPEG_QUALITY}|{WEBP_QUALITY}|{WEBP_METHOD}"
            self._keys[digest] = hashlib.sha256(f"{settings}|{digest}".encode()).hexdigest()[:40]
        return self._keys[digest]

    def prepare(
        self, sources: dict[str, Path], also: Sequence[tuple[Callable[..., object], tuple]] = ()
    ) -> tuple[dict[str, ImageSet], dict[str, Path]]:
        """(media path -> ImageSet, published path -> cached file) for all sources.

        `also` holds other cold work, (function, arguments) pairs such as the
        honour rolls' PDFs, run in the same worker pool ahead of the images so
        that both cores stay busy.
        """
        keyed: dict[str, tuple[str, Path]] = {}
        todo: dict[str, tuple[str, str, int]] = {}
        images = self.cache_dir / "images"
        for media_path, source in sorted(sources.items()):
            key = self._key(self.content_digest(source))
            folder = images / key
            keyed[media_path] = (key, folder)
            if (folder / "meta.json").is_file():
                self.reused += 1
            elif key not in todo:
                todo[key] = (str(source), str(folder), self.max_pixels)
        jobs = list(todo.values())
        if len(jobs) + 2 * len(also) > 2 and self.workers > 1:
            with ProcessPoolExecutor(max_workers=self.workers) as pool:
                others = [pool.submit(function, *arguments) for function, arguments in also]
                list(pool.map(_work, jobs, chunksize=max(1, len(jobs) // (self.workers * 4))))
                for done in others:
                    done.result()  # raises here what a worker raised
        else:
            for function, arguments in also:
                function(*arguments)
            for job in jobs:
                _work(job)
        self.encoded += len(jobs)
        sets: dict[str, ImageSet] = {}
        files: dict[str, Path] = {}
        for media_path, (key, folder) in keyed.items():
            planned = self._planned.get((media_path, key))
            if planned is None:
                planned = self._planned[media_path, key] = self._plan(media_path, key, folder)
            sets[media_path] = planned[0]
            files.update(planned[1])
        return sets, files

    def _plan(self, media_path: str, key: str, folder: Path) -> tuple[ImageSet, dict[str, Path]]:
        """What one source publishes, from its meta.json (remembered: a serve rebuild asks again)."""
        meta = self._meta.get(key)
        if meta is None:
            meta = self._meta[key] = json.loads((folder / "meta.json").read_text())
        stem = published_stem(media_path)
        files: dict[str, Path] = {}
        variants = []
        for width in meta["widths"]:
            webp = f"{stem}-{width}.webp"
            files[webp] = folder / f"{width}.webp"
            variants.append(Variant(width, webp))
        fallback = f"{stem}-{meta['fallback_width']}.{meta['fallback']}"
        files[fallback] = folder / f"{meta['fallback_width']}.{meta['fallback']}"
        return ImageSet(media_path, meta["width"], meta["height"], tuple(variants), fallback, meta["fallback_width"]), files
