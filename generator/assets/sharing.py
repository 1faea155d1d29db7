"""What each share image shows: from catalog records to share specs.

Which picture, title and summary go on a record's poster and card is decided
here; `share.py` only draws.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from ..content.models import Honor, Record, Story, Volunteer
from ..site.catalog import Catalog
from ..site.templating import cn_date
from ..text.i18n import strings_for
from .roll_pdf import HonorSheet, RollCategory, RollEntry
from .share import ShareSpec

# The section each kind of record belongs to, named on its share images.
KIND_SECTIONS = {
    "story": "stories",
    "volunteer": "volunteers",
    "organization": "organizations",
    "project": "projects",
    "theme": "themes",
    "honor": "honors",
    "feature": "features",
}
_MARKDOWN_NOISE = re.compile(r"!\[[^\]]*\]\([^)]*\)|[#>*_`|]|\[([^\]]*)\]\([^)]*\)")


@dataclass
class SharePlan:
    images: dict[str, tuple[str, ShareSpec]] = field(default_factory=dict)  # published path -> (shape, spec)
    paths: dict[str, dict[str, str]] = field(default_factory=dict)  # share key -> {"poster": ..., "card": ...}


def plain_summary(markdown: str, limit: int = 120) -> str:
    text = " ".join(_MARKDOWN_NOISE.sub(lambda m: m.group(1) or "", markdown).split())
    return text[:limit]


def _summary(catalog: Catalog, record: Record) -> str:
    if isinstance(record, Volunteer):
        parts = [record.headline or "", f"“{record.quote}”" if record.quote else ""]
        return " ".join(p for p in parts if p) or plain_summary(record.bio)
    if isinstance(record, Honor):
        return " · ".join(p for p in (record.awarded_by, cn_date(record.date), record.document) if p)
    if isinstance(record, Story):
        return record.summary or plain_summary(record.body)
    return (
        getattr(record, "summary", None)
        or getattr(record, "slogan", None)
        or getattr(record, "subtitle", None)
        or plain_summary(getattr(record, "body", "") or getattr(record, "intro", "") or "")
    )


def _title(catalog: Catalog, record: Record) -> str:
    if isinstance(record, Volunteer):
        star = catalog.star_name(record)
        return f"{record.name} · {star}" if star else record.name
    return record.display_name


def share_plan(catalog: Catalog, site_name: str, site_url: str, sources: dict[str, Path], avatars: dict[str, Path]) -> SharePlan:
    """Posters for stories and volunteers (when the site URL is known), cards for every record and the site."""
    plan = SharePlan()
    t = strings_for(catalog.settings.language)
    hints = (t["poster_hint"], t["poster_read"])
    for record in catalog.all_records():
        image, fit = None, "cover"
        picture = (
            getattr(record, "cover", None)
            or getattr(record, "photo", None)
            or getattr(record, "banner", None)
            or getattr(record, "logo", None)
        )
        if picture and picture in sources:
            image = str(sources[picture])
            fit = "contain" if getattr(record, "logo", None) == picture else "cover"
        elif isinstance(record, Volunteer) and record.id in avatars:
            image, fit = str(avatars[record.id]), "contain"
        url = urljoin(site_url, record.url) if site_url else ""
        spec = ShareSpec(
            t[KIND_SECTIONS[record.record_type]], _title(catalog, record), _summary(catalog, record), site_name, url, image, fit, hints
        )
        base = f"share/{record.folder}/{record.id}"
        paths = {"card": f"{base}-card.jpg"}
        plan.images[paths["card"]] = ("card", spec)
        if site_url and record.record_type in ("story", "volunteer"):
            paths["poster"] = f"{base}-poster.jpg"
            plan.images[paths["poster"]] = ("poster", spec)
        if isinstance(record, Honor):
            paths["pdf"] = f"share/honors/{record.id}.pdf"
        plan.paths[record.share_key] = paths
    slogan = catalog.settings.slogan
    plan.images["share/site-card.jpg"] = ("card", ShareSpec("", site_name, slogan, site_name, "", None))
    plan.paths["site"] = {"card": "share/site-card.jpg"}
    return plan


def honor_sheet(catalog: Catalog, honor: Honor, site_name: str) -> HonorSheet:
    """What the printed roll shows: the honour page's facts and recipients, in the catalog's order."""
    t = strings_for(catalog.settings.language)
    facts = ((t["awarded_by"], honor.awarded_by), (t["document"], honor.document), (t["honor_date"], cn_date(honor.date)))
    order_note = {"拼音": t["order_note_pinyin"], "姓氏笔画": t["order_note_strokes"]}.get(honor.order, "")
    categories = tuple(
        RollCategory(
            c.name,
            t["recipient_count"].format(n=len(c.entries)) + order_note,
            c.summary,
            tuple(RollEntry(e.name, e.region, e.unit, e.position, e.recipient.deed) for e in c.entries),
        )
        for c in catalog.honor_categories(honor)
    )
    return HonorSheet(
        title=honor.title,
        facts=tuple((label, value) for label, value in facts if value),
        summary=honor.summary,
        categories=categories,
        site_name=site_name,
        date=honor.date.isoformat(),
        language=catalog.settings.language,
        page_label=t["roll_page"],
    )
