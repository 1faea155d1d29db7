"""What shared files show: the site's Open Graph card and the printable honour roll.

Share posters are drawn on the reader's device (theme/assets/poster.js) from
the page's `share` context (generator/site/pages.py); pages with a picture
give it as their Open Graph image; `share.py` draws the one site card.
"""

from __future__ import annotations

from ..content.models import Honor
from ..site.catalog import Catalog
from ..site.templating import cn_date
from ..text.i18n import strings_for
from .roll_pdf import HonorSheet, RollCategory, RollEntry
from .share import CardSpec

# The card every page without a picture of its own shares (1200×630).
SITE_CARD = "share/site-card.jpg"


def site_card(slogan: str, site_name: str) -> CardSpec:
    """What the site card shows: the site name, the slogan under it."""
    return CardSpec("", site_name, slogan, site_name)


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
