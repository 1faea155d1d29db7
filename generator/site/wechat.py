"""A 微信公众号-ready copy of a story: the fields the editor asks for and the article.

The 公众号 editor takes a title (at most 64 characters), an author, a digest
(摘要, at most 120) and a 原文链接 in fields of its own, and pasted rich text
for the article. It keeps only inline styles: classes, ids, `<style>`,
`<script>` and linked stylesheets are dropped, and so is most layout CSS.
It fetches every pasted image by its address and re-hosts it, so images must
be absolute addresses on the published site. Inline SVG is turned into an
uploaded embed that WeChat's 长按识别二维码 does not read, and a `data:`
image is not reliably kept (the reference converters, doocs/md and Markdown
Nice, host their images for this reason), so the QR code is a PNG file
published beside the page, fetched like every other image.

`wechat_article` is a pure function on plain data: the article is laid out
by a small Jinja template (`wechat_article.html`), styled by a stylesheet
written for the editor's limits (`wechat_article.css`), inlined by
css-inline, and every class and id is removed afterwards. The stylesheet
keeps away from what the editor drops: position, float, flex and grid,
transform, CSS variables (resolved here), pseudo-elements, media queries,
web fonts, box-shadow and styles on `<tr>`; every text element carries its
own colour and size, since the editor breaks inheritance.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from markupsafe import Markup

from ..content.models import Story, Volunteer
from ..content.problems import Position, Problems
from ..files import atomic_write
from ..text.i18n import strings_for
from .templating import cn_date

TITLE_LIMIT = 64  # characters the 公众号 title field takes
DIGEST_LIMIT = 120  # characters the 摘要 field takes
# A digest may end after these (with any closing quotes or brackets that follow)...
SENTENCE_ENDS = "。！？!?…"
CLOSERS = "”’」』）》】〕\"')]"
# ...or, failing that, at one of these, replaced by an ellipsis.
CLAUSE_ENDS = "；，、：;,:"
ELLIPSIS = "……"

FOLDER = "wechat"
QR_MODULE_PIXELS = 5  # a version-4 code (45 modules with its quiet zone) -> 225 px, sharp at 2x
QR_VERSION = "1"  # bump when the QR image changes, so cached files are remade

# The site's colours, by the custom property names of theme/assets/site.css
# (a test keeps them equal). The article's stylesheet reads them as var(...);
# css-inline resolves them, since the editor keeps no CSS variables.
SITE_COLOURS: Mapping[str, str] = {
    "--md-primary-fg-color": "#b71c1c",
    "--md-primary-fg-color--dark": "#8e0000",
    "--md-typeset-a-color": "#a31515",
    "--lf-muted": "#595959",
    "--lf-line": "#e0e0e0",
    "--lf-soft": "#fff5f3",
}

_HERE = Path(__file__).resolve().parent
# Elements that never belong in a pasted article; the editor would drop them anyway.
_DROPPED_TAGS = ("script", "style", "link", "meta", "noscript", "iframe", "object", "embed", "template", "source")
_IMAGE_ATTRIBUTES = ("srcset", "sizes", "loading", "decoding", "width", "height")


# The HTML tools load on first use: `leifeng check` imports this module for its checks only.
@functools.cache
def _article_template() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(_HERE), autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("wechat_article.html")


@functools.cache
def _stylesheet() -> str:
    return (_HERE / "wechat_article.css").read_text(encoding="utf-8")


@functools.cache
def _html_formatter() -> Any:
    """HTML out as written: only &, < and > escaped, void elements without a slash."""
    from bs4.dammit import EntitySubstitution
    from bs4.formatter import HTMLFormatter

    return HTMLFormatter(entity_substitution=EntitySubstitution.substitute_xml, void_element_close_prefix=None)


# --- the fields ------------------------------------------------------------


@dataclass(frozen=True)
class Digest:
    """The summary as the 摘要 field takes it."""

    text: str
    length: int  # of the summary before any cut
    cut: bool = False  # shortened to fit
    clean: bool = True  # ends at a sentence or clause end (False: cut mid-clause)


def wechat_digest(summary: str | None, limit: int = DIGEST_LIMIT) -> Digest:
    """The summary cut to `limit` characters at the last sentence end, else the last clause end."""
    text = " ".join((summary or "").split())
    if len(text) <= limit:
        return Digest(text, len(text))
    for index in range(limit - 1, -1, -1):
        if text[index] not in SENTENCE_ENDS:
            continue
        end = index + 1
        while end < len(text) and (text[end] in CLOSERS or text[end] in SENTENCE_ENDS):
            end += 1
        if end <= limit:
            return Digest(text[:end], len(text), cut=True)
    for index in range(limit - len(ELLIPSIS), 0, -1):
        if text[index] in CLAUSE_ENDS:
            return Digest(text[:index] + ELLIPSIS, len(text), cut=True)
    return Digest(text[: limit - len(ELLIPSIS)] + ELLIPSIS, len(text), cut=True, clean=False)


def wechat_problems(story: Story, position_of: Callable[[tuple], Position], problems: Problems) -> None:
    """Warnings for `leifeng check`: what the 公众号 fields cannot take as written.

    `position_of` maps a front-matter path such as ("title",) to its place in the file.
    """
    if len(story.title) > TITLE_LIMIT:
        problems.add(
            position_of(("title",)),
            f"标题 {len(story.title)} 字，超过微信公众号标题 {TITLE_LIMIT} 字的上限",
            "wechat.title",
            severity="warning",
            hint=f"网站上可以保留长标题；发公众号时须删减到 {TITLE_LIMIT} 字以内",
        )
    digest = wechat_digest(story.summary)
    if not digest.clean:
        problems.add(
            position_of(("summary",)),
            f"导语 {digest.length} 字，超过微信公众号摘要 {DIGEST_LIMIT} 字的上限，且前 {DIGEST_LIMIT} 字里没有句号、逗号等可以截断的标点",
            "wechat.summary",
            severity="warning",
            hint=f"在前 {DIGEST_LIMIT} 字里用句号或逗号断句，或把导语缩短到 {DIGEST_LIMIT} 字以内",
        )


# --- the article -----------------------------------------------------------


@dataclass(frozen=True)
class WechatArticle:
    """What staff copy into the 公众号 editor, field by field, and the article itself."""

    title: str
    author: str
    digest: Digest
    link: str  # 原文链接: the story on the site
    html: str  # inline styles only; no class, id, style sheet or script

    @property
    def title_length(self) -> int:
        return len(self.title)

    @property
    def title_too_long(self) -> bool:
        return len(self.title) > TITLE_LIMIT

    title_limit: ClassVar[int] = TITLE_LIMIT
    digest_limit: ClassVar[int] = DIGEST_LIMIT


def _absolute(base: str, address: str) -> str:
    return urljoin(base, address) if address else ""


def _site_base(site_url: str) -> str:
    if not urlsplit(site_url).scheme:
        raise ValueError(f"site_url must be an absolute address, not {site_url!r}")
    return site_url if site_url.endswith("/") else site_url + "/"


def _inline(html: str) -> str:
    """Styles from the stylesheet into style attributes, with the CSS variables resolved.

    Style sheets inside the body are neither applied nor kept: only ours counts.
    """
    import css_inline

    return css_inline.inline_fragment(
        html,
        _stylesheet(),
        inline_style_tags=False,
        keep_style_tags=False,
        keep_link_tags=False,
        keep_at_rules=False,
        load_remote_stylesheets=False,
        resolve_css_variables=True,
    )


def _finish(html: str, base: str) -> str:
    """The inlined article made ready for the editor: one plain <img> per picture,
    absolute addresses (relative ones are relative to `base`, the body's page),
    no jump inside the page, <section> for <div>, and no class or id left."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(_DROPPED_TAGS):
        element.decompose()
    for picture in soup.find_all("picture"):
        picture.unwrap()  # its <source> elements are gone; the <img> fallback stays
    for element in soup.find_all(True):
        del element["class"]
        del element["id"]
        if "style" in element.attrs and not element["style"].strip(" ;"):
            del element["style"]
        if element.name == "img":
            for name in _IMAGE_ATTRIBUTES:
                del element[name]
            element["src"] = _absolute(base, element.get("src", ""))
            element["alt"] = element.get("alt", "")
        elif element.name == "a":
            href = element.get("href", "")
            if not href or href.startswith("#"):
                element.unwrap()  # the editor refuses to save jumps inside the page
            else:
                element["href"] = _absolute(base, href)
        elif element.name == "div":
            element.name = "section"  # the editor rewrites <div> and loses its styles; <section> it keeps
    return soup.decode(formatter=_html_formatter())


def wechat_article(
    *,
    title: str,
    body_html: str,
    url: str,
    site_url: str,
    author: str = "",
    summary: str = "",
    date: dt.date | None = None,
    body_base: str = "",
    cover: str = "",
    cover_alt: str = "",
    volunteers: Sequence[Mapping[str, str]] = (),
    source: str = "",
    source_url: str = "",
    editor: str = "",
    qr: str = "",
    colours: Mapping[str, str] = SITE_COLOURS,
    language: str = "zh",
) -> WechatArticle:
    """The 公众号 fields and article of one story, from plain data.

    `body_html` is the story's body as the site's Markdown rendered it, with
    addresses relative to `body_base` (the page it was rendered for; the
    story's own address when empty). `url`, `cover`, `qr` and the volunteers'
    `photo` and `profile` are addresses relative to `site_url` or absolute.
    Volunteers are mappings with `name`, `headline`, `photo` and `profile`.
    """
    base = _site_base(site_url)
    link = _absolute(base, url)
    people = [
        {
            "name": v.get("name", ""),
            "headline": v.get("headline", "") or "",
            "photo": _absolute(base, v.get("photo", "") or ""),
            "profile": _absolute(base, v.get("profile", "") or ""),
        }
        for v in volunteers
    ]
    html = _article_template().render(
        t=strings_for(language),
        title=title,
        summary=" ".join((summary or "").split()),
        date=cn_date(date),
        cover=_absolute(base, cover),
        cover_alt=cover_alt or "",
        body=Markup(body_html),
        volunteers=people,
        source=source or "",
        source_url=source_url or "",
        editor=editor or "",
        qr=_absolute(base, qr),
        colours=sorted(colours.items()),
    )
    html = _finish(_inline(html), _absolute(base, body_base) if body_base else link)
    return WechatArticle(title=title, author=author or "", digest=wechat_digest(summary), link=link, html=html)


# --- the QR code -----------------------------------------------------------


def qr_png(url: str) -> bytes:
    """A black-and-white PNG of the QR code of `url`, quiet zone included; same URL, same bytes."""
    import zxingcpp
    from PIL import Image

    from ..assets.share import _modules

    modules = _modules(zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")).convert("1")
    image = modules.resize((modules.width * QR_MODULE_PIXELS, modules.height * QR_MODULE_PIXELS), Image.NEAREST)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def qr_file(url: str, cache_dir: Path) -> Path:
    """The QR code PNG of `url`, drawn once and kept in `cache_dir` by a hash of what it shows."""
    digest = hashlib.sha256(f"{QR_VERSION}\0{QR_MODULE_PIXELS}\0{url}".encode()).hexdigest()[:40]
    path = f"{cache_dir}{os.sep}wechat-qr{os.sep}{digest}.png"  # strings: one per story on every build
    if not os.path.exists(path):
        atomic_write(Path(path), qr_png(url))
    return Path(path)


# --- today's pages ---------------------------------------------------------


@dataclass(frozen=True)
class WechatStory:
    """What a story's 公众号 page needs, as plain data (media as content paths)."""

    id: str
    title: str
    url: str
    author: str = ""
    summary: str = ""
    date: dt.date | None = None
    cover: str = ""
    cover_alt: str = ""
    volunteers: tuple[Mapping[str, str], ...] = ()
    source: str = ""
    source_url: str = ""
    editor: str = ""
    language: str = "zh"

    @property
    def page_url(self) -> str:
        return wechat_page_url(self.id)

    @property
    def qr_path(self) -> str:
        """Where the QR code is published, beside the 公众号 page."""
        return f"{FOLDER}/{self.id}/qr.png"


def wechat_page_url(story_id: str) -> str:
    return f"{FOLDER}/{story_id}/"


def wechat_story(
    story: Story, volunteers: Iterable[Volunteer], language: str, picture: Callable[[str | None], Any], portrait: Callable[[Volunteer], Any]
) -> WechatStory:
    """A story's 公众号 page as plain data; pictures as their published paths (`picture`, `portrait` from views)."""
    cover = picture(story.cover)
    return WechatStory(
        id=story.id,
        title=story.title,
        url=story.url,
        author=story.author or "",
        summary=story.summary or "",
        date=story.date,
        cover=cover.src if cover else "",
        cover_alt=story.cover_alt or "",
        volunteers=tuple({"name": v.name, "headline": v.headline or "", "photo": portrait(v).src, "profile": v.url} for v in volunteers),
        source=story.source or "",
        source_url=story.source_url or "",
        editor=story.editor or "",
        language=language,
    )


def article_for_page(story: WechatStory, body_html: str, site_url: str, page_address: str) -> WechatArticle:
    """`wechat_article` for a story's 公众号 page: the body as drawn on that page."""
    return wechat_article(
        title=story.title,
        body_html=body_html,
        url=story.url,
        site_url=site_url,
        author=story.author,
        summary=story.summary,
        date=story.date,
        body_base=page_address,
        cover=story.cover,
        cover_alt=story.cover_alt,
        volunteers=list(story.volunteers),
        source=story.source,
        source_url=story.source_url,
        editor=story.editor,
        qr=story.qr_path,
        language=story.language,
    )


def qr_files(stories: Iterable[Story], site_url: str, cache_dir: Path) -> dict[str, Path]:
    """Published path -> cached PNG, the QR code of each story's address on the site."""
    if not site_url:
        return {}
    base = _site_base(site_url)
    # A story's URL is a plain relative path (stories/<year>/<id>/): joined by concatenation.
    return {f"{FOLDER}/{story.id}/qr.png": qr_file(base + story.url, cache_dir) for story in stories}
