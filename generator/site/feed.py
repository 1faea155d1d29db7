"""The Atom feed of the newest stories, written as `feed.xml`."""

from __future__ import annotations

import datetime as dt
import logging
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

from ..text.i18n import strings_for
from .catalog import Catalog

ATOM = "http://www.w3.org/2005/Atom"
log = logging.getLogger("mkdocs.plugins.leifeng")


def _timestamp(day: dt.date) -> str:
    # Stories carry a date only; publish them at midnight China Standard Time.
    return f"{day.isoformat()}T00:00:00+08:00"


def build_feed(catalog: Catalog, site_name: str, site_url: str) -> bytes:
    ET.register_namespace("", ATOM)
    language = "zh-TW" if strings_for(catalog.settings.language) is not strings_for("zh") else "zh-CN"
    root = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": language})
    stories = catalog.stories[: catalog.settings.feed_size]
    base = site_url if site_url.endswith("/") else site_url + "/"

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    sub(root, "title", strings_for(catalog.settings.language)["feed_title"].format(site=site_name))
    sub(root, "id", base)
    sub(root, "link", href=base)
    sub(root, "link", rel="self", href=urljoin(base, "feed.xml"))
    sub(root, "updated", _timestamp(stories[0].date if stories else dt.date(2000, 1, 1)))
    sub(sub(root, "author"), "name", site_name)
    for story in stories:
        entry = sub(root, "entry")
        url = urljoin(base, story.url)
        sub(entry, "title", story.title)
        sub(entry, "link", href=url)
        sub(entry, "id", url)
        sub(entry, "published", _timestamp(story.date))
        sub(entry, "updated", _timestamp(story.date))
        if story.author:
            sub(sub(entry, "author"), "name", story.author)
        if story.summary:
            sub(entry, "summary", story.summary)
        for f in catalog.fields_of(story):
            sub(entry, "category", term=f.slug, label=f.name)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def feed_for(catalog: Catalog, site_name: str, site_url: str) -> bytes:
    """feed.xml; without site_url its links are relative, which some readers cannot follow."""
    if not site_url:
        log.warning("mkdocs.yml 没有设置 site_url：订阅源（feed.xml）中的链接将是相对地址，部分阅读器无法识别")
    return build_feed(catalog, site_name, site_url or "/")
