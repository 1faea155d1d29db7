"""Markdown written by staff, as HTML on a page: record links, images, headings.

Staff link to any record by its kind and id, `[张晓红](volunteer:zhang-xiaohong)`
or `[](story:aixin-wucan-shi-nian)` (an empty text takes the record's name),
and write images as content paths (`![…](media/stories/x.jpg)`). On the page
these become addresses relative to the page, so the site works from any
sub-path; images become `<picture>` elements with their responsive variants.
A link to a story's Markdown file (`../2024/x.md`) is turned into the story's
address too. Whether every link resolves is checked before the build
(`content/links.py`); here they are only rewritten.

One `Markdown` instance is reset and reused for every page (making one per
page costs more than converting most stories), with the site's own
extensions from mkdocs.yml and our tree processor after them.
"""

from __future__ import annotations

import functools
import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ..assets.media import site_path_for
from ..content.links import LINK_KINDS, RECORD_LINK

# What a text refers to, found without converting it (for the page's input hash).
_REFS = re.compile(
    rf"""(?:\]\(\s*<?|\bhref\s*=\s*["']?|^\s*\[[^\]]+\]:\s*<?)(?P<target>(?:{"|".join(LINK_KINDS)}):[a-z0-9-]+/?|[^\s)"'<>]+\.md)"""
    r"""|(?P<media>media/[^\s)"'<>]+)""",
    re.MULTILINE,
)
BODY_SIZES = "(min-width: 60em) 40em, calc(100vw - 2.4rem)"


@dataclass(frozen=True)
class Target:
    """Where a record link leads: the record's name and its site URL."""

    title: str
    url: str


class Resolver:
    """Record links, story files and media paths, resolved against one build's catalog and images."""

    def __init__(
        self,
        records: Mapping[tuple[str, str], Target],
        story_files: Mapping[str, str],
        picture: Callable[[str], Any],
    ) -> None:
        self.records = records  # (kind, id) -> Target
        self.story_files = story_files  # repository path of a story file -> its site URL
        self.picture = picture  # content media path -> Picture (or None)

    def record(self, kind: str, rid: str) -> Target | None:
        return self.records.get((kind, rid))

    def markdown_file(self, href: str, source: str) -> str | None:
        """The site URL of a story linked by its Markdown file, relative to `source` (the linking file)."""
        path, _, _ = href.partition("#")
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        return self.story_files.get(joined)

    def inputs(self, text: str, source: str) -> tuple:
        """Everything converting `text` depends on besides the text: for the page's input hash."""
        found: list[tuple] = []
        for target, media in _references(text):
            if media:
                found.append(("media", media, self.picture(media)))
            elif target.endswith(".md"):
                found.append(("md", target, self.markdown_file(target, source)))
            else:
                kind, _, rid = target.rstrip("/").partition(":")
                found.append(("record", target, self.record(kind, rid)))
        return tuple(found)


@functools.lru_cache(maxsize=65536)
def _references(text: str) -> tuple[tuple[str, str], ...]:
    """(link target, media path) of every reference in `text`; remembered, texts repeat across builds."""
    return tuple((m.group("target") or "", m.group("media") or "") for m in _REFS.finditer(text))


def relative(url: str, page_url: str) -> str:
    """A site URL (`volunteers/x/`) as seen from the page at `page_url` (`stories/2025/y/`)."""
    base = posixpath.dirname(page_url.rstrip("/") + "/x") if page_url else ""
    target = posixpath.relpath(url or ".", base or ".")
    if url.endswith("/") and not target.endswith("/"):
        target += "/"
    return "./" if target in (".", "./") else target


class _Rewriter(Treeprocessor):
    """Record links and media paths -> page-relative addresses; images -> <picture>."""

    def __init__(self, md: markdown.Markdown, body: Bodies) -> None:
        super().__init__(md)
        self.body = body

    def run(self, root: etree.Element) -> None:
        page, source = self.body.page_url, self.body.source
        resolver = self.body.resolver
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "a":
                    self._link(child, page, source, resolver)
                elif child.tag == "img":
                    replacement = self._image(child, page, resolver)
                    if replacement is not None:
                        parent.remove(child)
                        parent.insert(index, replacement)

    @staticmethod
    def _link(a: etree.Element, page: str, source: str, resolver: Resolver) -> None:
        href = a.get("href", "")
        match = RECORD_LINK.match(href)
        if match:
            target = resolver.record(match.group(1), match.group(2))
            if target is None:
                _Rewriter._words_only(a)
                return
            a.set("href", relative(target.url, page) + (match.group(3) or ""))
            if not (a.text or "").strip() and len(a) == 0:
                a.text = target.title
            return
        if href.startswith("media/"):
            a.set("href", relative(site_path_for(href), page))
            return
        if href.endswith(".md") or ".md#" in href:
            url = resolver.markdown_file(href, source)
            if url is None:
                _Rewriter._words_only(a)
                return
            a.set("href", relative(url, page) + ("#" + href.partition("#")[2] if "#" in href else ""))

    @staticmethod
    def _words_only(a: etree.Element) -> None:
        """A link to a record that is not published (yet): a scheduled story, or a draft under a
        preview. The checks said whether that is right (content/links.py); its words stay, as plain text."""
        a.tag = "span"
        a.attrib.clear()

    @staticmethod
    def _image(img: etree.Element, page: str, resolver: Resolver) -> etree.Element | None:
        src = img.get("src", "")
        if not src.startswith("media/"):
            return None
        picture = resolver.picture(src)
        if picture is None or not picture.variants:
            img.set("src", relative(picture.src if picture else site_path_for(src), page))
            return None
        element = etree.Element("picture")
        etree.SubElement(
            element,
            "source",
            {
                "type": "image/webp",
                "srcset": ", ".join(f"{relative(v.webp, page)} {v.width}w" for v in picture.variants),
                "sizes": BODY_SIZES,
            },
        )
        attributes = dict(img.attrib)
        attributes.update(
            {
                "src": relative(picture.src, page),
                "width": str(picture.width),
                "height": str(picture.height),
                "loading": "lazy",
                "decoding": "async",
            }
        )
        attributes.setdefault("alt", "")
        element.append(etree.Element("img", attributes))
        element.tail = img.tail
        return element


class _RewriteExtension(Extension):
    def __init__(self, body: Bodies) -> None:
        super().__init__()
        self.body = body

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API name
        md.treeprocessors.register(_Rewriter(md, self.body), "leifeng_links", -10)


class Bodies:
    """Converts staff's Markdown for one page at a time."""

    def __init__(self, extensions: Sequence[Any], configs: Mapping[str, Any], resolver: Resolver) -> None:
        self.resolver = resolver
        self.page_url = ""
        self.source = ""
        self._md = markdown.Markdown(extensions=[*extensions, _RewriteExtension(self)], extension_configs=dict(configs))

    def close(self) -> None:
        """Let go of the build's records. A Markdown instance is a reference cycle, which
        only the cycle collector frees; without this it would keep the whole catalog of
        each `mkdocs serve` rebuild alive until then."""
        self.resolver = None  # type: ignore[assignment]
        self._md = None  # type: ignore[assignment]

    def convert(self, text: str, page_url: str, source: str = "") -> tuple[str, list]:
        """(HTML, table-of-contents tokens) for Markdown shown on the page at `page_url`."""
        if not text or not text.strip():
            return "", []
        self.page_url, self.source = page_url, source
        md = self._md
        md.reset()
        html = md.convert(text)
        return html, list(getattr(md, "toc_tokens", []))


_MARKDOWN_LINK = re.compile(r"(\]\(\s*<?)([^)\s>]+)")


def rewrite_page_links(
    text: str, page_url: str, resolver: Resolver, generated: set[str], source: str = "", unlinked: frozenset[str] = frozenset()
) -> str:
    """Links in a hand-written page (docs/) to records and to generated pages, as addresses.

    The engine converts these pages itself; record links (`volunteer:x`) and
    links to generated pages written as files (`wechat/index.md`, `stories/`)
    become addresses relative to the page before it does. A link to a page
    left out of this build (`unlinked`: staff pages, by their path in docs/,
    seen from `source`; a record not published yet) keeps its words and loses the link.
    """

    def replace(match: re.Match) -> str:
        href = match.group(2)
        path, hash_, anchor = href.partition("#")
        if unlinked and path.endswith(".md") and posixpath.normpath(posixpath.join(posixpath.dirname(source), path)) in unlinked:
            return match.group(1) + "\0unlink"
        record = RECORD_LINK.match(href)
        if record:
            target = resolver.record(record.group(1), record.group(2))
            if target is None:
                return match.group(1) + "\0unlink"  # not published (yet): a scheduled story, a draft under a preview
            return match.group(1) + relative(target.url, page_url) + (record.group(3) or "")
        folder = path[: -len("index.md")] if path.endswith("index.md") else path
        if folder in generated or (folder == "" and path == "index.md"):
            return match.group(1) + relative(folder, page_url) + hash_ + anchor
        return match.group(0)

    text = _MARKDOWN_LINK.sub(replace, text)
    if "\0unlink" in text:
        text = _UNLINKED.sub(lambda m: m.group(1), text)
    return text


_UNLINKED = re.compile(r"(?<!!)\[([^\]]*)\]\(\s*<?\x00unlink>?[^)]*\)")
