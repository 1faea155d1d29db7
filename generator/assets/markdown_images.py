"""A Markdown extension that serves images inside stories responsively.

It runs after MkDocs has made image paths relative to the page, and replaces
each `<img>` that points into `media/` with a `<picture>`: WebP and fallback
variants with `srcset`/`sizes`, natural `width`/`height` (no layout shift),
lazy loading and async decoding. The element tree is built with the
ElementTree API that Python-Markdown uses, never as strings.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Callable

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .images import ImageSet

BODY_SIZES = "(min-width: 60em) 40em, calc(100vw - 2.4rem)"


class _PictureTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown, lookup: Callable[[str], ImageSet | None]) -> None:
        super().__init__(md)
        self.lookup = lookup

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag != "img":
                    continue
                src = child.get("src", "")
                cut = src.find("media/")
                image = self.lookup(src[cut:]) if cut >= 0 else None
                if image is None:
                    continue
                parent.remove(child)
                parent.insert(index, self._picture(child, image, src[:cut]))

    def _picture(self, img: etree.Element, image: ImageSet, prefix: str) -> etree.Element:
        picture = etree.Element("picture")
        etree.SubElement(
            picture,
            "source",
            {
                "type": "image/webp",
                "srcset": ", ".join(f"{prefix}{v.webp} {v.width}w" for v in image.variants),
                "sizes": BODY_SIZES,
            },
        )
        attributes = dict(img.attrib)
        attributes.update(
            {
                "src": prefix + image.src,
                "srcset": ", ".join(f"{prefix}{v.fallback} {v.width}w" for v in image.variants),
                "sizes": BODY_SIZES,
                "width": str(image.width),
                "height": str(image.height),
                "loading": "lazy",
                "decoding": "async",
            }
        )
        attributes.setdefault("alt", "")
        picture.append(etree.Element("img", attributes))
        picture.tail = img.tail
        return picture


class ResponsiveImages(Extension):
    """Register with a lookup from `media/...` paths to published image sets."""

    def __init__(self, lookup: Callable[[str], ImageSet | None]) -> None:
        super().__init__()
        self.lookup = lookup

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API name
        # MkDocs' relative-path processor runs at priority 0; run after it.
        md.treeprocessors.register(_PictureTreeprocessor(md, self.lookup), "leifeng_pictures", -10)
