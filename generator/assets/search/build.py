"""One build of the index: from the documents and the last build's store to this build's files.

Each document's analysis (plain text folded, tokens counted) is kept by the
document's content digest, so an unchanged document is never analysed
again. What depends on all documents is redone only where documents
changed: the entries of the tokens whose postings changed, the shards that
hold them, the snippet files and docs.bin lines of the changed documents;
fold.json and the manifest are small and made every time. A change that
renumbers many documents (a new volunteer, a story inserted among much
older ones) builds all entries from the stored analyses instead, in NumPy.
Either way the files are the bytes a clean build of the same documents
writes; tests/test_search_incremental.py checks it on random edits.
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from ...text import opencc
from ...text.i18n import strings_for
from .documents import KINDS, SearchDocument
from .folding import dictionaries_digest
from .index import (
    FORMAT,
    K1,
    MAX_SHARDS,
    SNIPPETS_PER_FILE,
    B,
    DocTerms,
    all_entries,
    analyse,
    field_bits,
    first_story,
    fold_file,
    json_bytes,
    patch_entry,
    shard_count,
    shard_file,
    snippet_file,
    table_width,
    years,
)
from .store import Head, Store, content_hash

# Above this many changed (or renumbered) documents, entries are built from all documents instead of patched.
PATCH_LIMIT = 200
# Documents digested (and looked up or analysed) at a time.
FULL_BATCH = 1024


@lru_cache(maxsize=1)
def engine() -> str:
    """Everything besides documents and settings that the files depend on: format, code, OpenCC tables, Python."""
    digest = hashlib.sha256(f"{FORMAT}:{sys.version_info[:2]}:{marshal.version}:{np.__version__}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")) + [Path(opencc.__file__)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(dictionaries_digest().encode())
    return digest.hexdigest()


@dataclass
class Built:
    """One build's result: the head (what the version folder holds), the manifest, what was new."""

    head: Head
    manifest: bytes
    written: set[str] = field(default_factory=set)  # content hashes of the files new to the store
    stale: set[str] = field(default_factory=set)  # content hashes the last build had and this one has not
    analysed: int = 0  # documents analysed (not found in the store)
    mode: str = "unchanged"  # unchanged, patched or full
    sources: dict[str, Path] = field(default_factory=dict)  # site path -> the cached file it is a link to

    @property
    def stats(self) -> dict[str, int | str]:
        head = self.head
        return {
            "docs": head.count,
            "tokens": head.tokens,
            "postings": head.postings,
            "shards": head.shards,
            "files": len(head.files) + 1,
            "analysed": self.analysed,
            "written": len(self.written),
            "mode": self.mode,
        }


class _Files:
    """The files of the build being made: hashed, and written to the store when new to it."""

    def __init__(self, store: Store, files: dict[str, str], kept: set[str]) -> None:
        self.store, self.files, self.kept = store, files, kept
        self.written: set[str] = set()

    def put(self, path: str, data: bytes) -> None:
        name = content_hash(data)
        self.files[path] = name
        if name not in self.kept and name not in self.written:
            self.store.put_file(name, data)
            self.written.add(name)


def update(store: Store, docs: Iterable[SearchDocument], fields: Sequence[tuple[str, str]], labels: Sequence[str] | None = None) -> Built:
    """This build's files, patched from the store's last build where that is possible.

    `fields` are the configured service fields (slug, name); `labels` the name of each of KINDS in
    the site's language (Simplified by default). The documents are read once, in numbering order,
    and not kept: each is digested, analysed if the store does not know it, and let go.
    """
    fields = tuple((slug, name) for slug, name in fields)
    labels = tuple(labels or (strings_for("zh")[f"kind_{kind}"] for kind in KINDS))
    old = store.head()
    if old is not None and old.engine != engine():
        store.reset()
        old = None
    reader = _Reader(store, old if old is not None and (old.fields, old.labels) == (fields, labels) else None)
    kept = (set(old.files.values()) | {old.manifest}) if old else set()
    files = _Files(store, dict(old.files) if old else {}, kept)
    if reader.old is None:
        head = _full(store, reader.terms(docs), fields, labels, files)
        mode = "full"
    else:
        digests = b"".join(digest for _, digest, _ in reader.stream(docs, with_terms=False))
        if old is not None and digests == old.digests:
            return Built(old, _manifest(old))
        dirty = _changed(reader.old.digests, digests)
        if len(dirty) > PATCH_LIMIT:
            head = _full(store, _stored_terms(store, digests), fields, labels, files)
            mode = "full"
        else:
            head = _patch(store, digests, reader.old, dirty, files)
            mode = "patched"

    head.version = _version(head.files)
    manifest = _manifest(head)
    head.manifest = content_hash(manifest)
    if head.manifest not in kept:
        store.put_file(head.manifest, manifest)
        files.written.add(head.manifest)
    store.set_head(head)
    stale = kept - set(head.files.values()) - {head.manifest}
    if old is not None:
        old_digests = {old.digest(n) for n in range(old.count)}
        store.drop_terms(old_digests - {head.digest(n) for n in range(head.count)})
    return Built(head, manifest, files.written, stale, reader.analysed, mode)


class _Reader:
    """Reads the documents in batches: digests them, and analyses (and stores) those the store does not know."""

    def __init__(self, store: Store, old: Head | None) -> None:
        self.store, self.old = store, old
        self.analysed = 0

    def stream(self, docs: Iterable[SearchDocument], *, with_terms: bool) -> Iterator[tuple[int, bytes, DocTerms | None]]:
        """(number, digest, terms or None) of each document; terms only `with_terms`."""
        batch: list[SearchDocument] = []
        number = 0
        for doc in docs:
            batch.append(doc)
            if len(batch) == FULL_BATCH:
                yield from self._batch(number, batch, with_terms)
                number += len(batch)
                batch = []
        yield from self._batch(number, batch, with_terms)

    def terms(self, docs: Iterable[SearchDocument]) -> Iterator[tuple[bytes, DocTerms]]:
        for _, digest, terms in self.stream(docs, with_terms=True):
            assert terms is not None
            yield digest, terms

    def _batch(self, first: int, batch: list[SearchDocument], with_terms: bool) -> Iterator[tuple[int, bytes, DocTerms | None]]:
        digests = [doc.digest() for doc in batch]
        old = self.old
        # The same digest at the same number as last time: the store has its terms.
        needed = [i for i, d in enumerate(digests) if with_terms or old is None or first + i >= old.count or old.digest(first + i) != d]
        if with_terms:
            found = self.store.terms(digests[i] for i in needed)
        else:  # only whether the store has them
            found = dict.fromkeys(self.store.known(digests[i] for i in needed))  # type: ignore[arg-type]
        new: dict[bytes, DocTerms] = {}
        for i in needed:
            if digests[i] not in found and digests[i] not in new:
                a = analyse(batch[i])
                new[digests[i]] = DocTerms(self.store.token_numbers(a.tokens), a.tfs, a.row, a.fields, a.chars, a.snippet)
        self.store.put_terms(new)
        self.analysed += len(new)
        found.update(new)
        for i, digest in enumerate(digests):
            yield first + i, digest, found.get(digest) if with_terms else None


def _stored_terms(store: Store, digests: bytes) -> Iterator[tuple[bytes, DocTerms]]:
    """The stored terms of every document, in numbering order, a batch at a time."""
    count = len(digests) // 16
    for first in range(0, count, FULL_BATCH):
        batch = [digests[n * 16 : n * 16 + 16] for n in range(first, min(count, first + FULL_BATCH))]
        found = store.terms(batch)
        for digest in batch:
            yield digest, found[digest]


def _changed(old: bytes, new: bytes) -> list[int]:
    """Numbers whose document digest differs, appeared or went."""
    a = np.frombuffer(old, dtype=np.uint8).reshape(-1, 16)
    b = np.frombuffer(new, dtype=np.uint8).reshape(-1, 16)
    common = min(len(a), len(b))
    differ = np.flatnonzero((a[:common] != b[:common]).any(axis=1)).tolist()
    return differ + list(range(common, max(len(a), len(b))))


def _full(store: Store, terms: Iterable[tuple[bytes, DocTerms]], fields: tuple, labels: tuple, files: _Files) -> Head:
    """Every file from every document's terms, in numbering order."""
    slugs = [slug for slug, _ in fields]
    files.files.clear()
    digests: list[bytes] = []
    ids: list[np.ndarray] = []
    tfs: list[bytes] = []
    rows: list[bytes] = []
    chars: list[str] = []
    snippets: list[bytes] = []
    for digest, doc in terms:
        digests.append(digest)
        ids.append(doc.ids)
        tfs.append(doc.tfs)
        rows.append(doc.row + field_bits(doc.fields, slugs))
        chars.append(doc.chars)
        snippets.append(doc.snippet)
        if len(snippets) == SNIPPETS_PER_FILE:
            files.put(f"d/{len(digests) // SNIPPETS_PER_FILE - 1}.json", snippet_file(snippets))
            snippets = []
    if snippets:
        files.put(f"d/{len(digests) // SNIPPETS_PER_FILE}.json", snippet_file(snippets))
    postings = sum(map(len, tfs))
    vocabulary, token_buckets = store.vocabulary()
    entries = all_entries(ids, tfs, vocabulary)
    buckets = {number: token_buckets[number] for number in entries}
    store.replace_entries(entries, buckets)
    head = Head(
        engine=engine(),
        fields=fields,
        labels=labels,
        digests=b"".join(digests),
        table=b"".join(rows),
        chars=_char_counts(chars),
        entry_bytes=sum(map(len, entries.values())),
        tokens=len(entries),
        postings=postings,
        files=files.files,
    )
    del rows, chars
    shards = shard_count(head.entry_bytes)
    grouped: list[list[tuple[str, bytes]]] = [[] for _ in range(shards)]
    for number, entry in entries.items():
        grouped[buckets[number] % shards].append((vocabulary[number], entry))
    del entries
    for n, shard in enumerate(grouped):
        files.put(f"s/{n}.bin", shard_file(shard))
    files.put("docs.bin", head.table)
    files.put("fold.json", fold_file(head.chars))
    return head


def _char_counts(chars: list[str]) -> Counter[str]:
    """Character -> number of documents whose fold targets include it (each document lists each once)."""
    codes = np.frombuffer("".join(chars).encode("utf-32-le"), dtype=np.uint32)
    counts = np.bincount(codes) if len(codes) else np.zeros(0, dtype=np.int64)
    present = np.flatnonzero(counts)
    return Counter(dict(zip(map(chr, present.tolist()), counts[present].tolist(), strict=True)))


def _patch(store: Store, digests: bytes, old: Head, dirty: list[int], files: _Files) -> Head:
    """Only the documents in `dirty` (numbers whose digest changed, appeared or went) differ from `old`."""
    new_count, old_count = len(digests) // 16, old.count
    stored = store.terms(digests[n * 16 : n * 16 + 16] for n in dirty if n < new_count)
    after = {n: stored[digests[n * 16 : n * 16 + 16]] for n in dirty if n < new_count}
    before = store.terms(old.digest(n) for n in dirty if n < old_count)
    slugs = [slug for slug, _ in old.fields]
    width = table_width(len(slugs))
    table = bytearray(old.table[: new_count * width])
    chars = Counter(old.chars)
    changes: dict[int, dict[int, int | None]] = {}
    postings = old.postings
    for number in dirty:
        was = before[old.digest(number)] if number < old_count else None
        now = after.get(number)
        was_tfs = was.tf_map() if was else {}
        now_tfs = now.tf_map() if now else {}
        for token in was_tfs.keys() - now_tfs.keys():
            changes.setdefault(token, {})[number] = None
        for token, tf in now_tfs.items():
            if was_tfs.get(token) != tf:
                changes.setdefault(token, {})[number] = tf
        postings += len(now_tfs) - len(was_tfs)
        if was:
            chars.subtract(was.chars)
        if now:
            chars.update(now.chars)
            table[number * width : (number + 1) * width] = now.row + field_bits(now.fields, slugs)
    chars = +chars  # drop characters no document has any more

    vocabulary, token_buckets = store.vocabulary()
    previous = store.entries(changes)
    entries = {token: patch_entry(vocabulary[token], previous.get(token), change) for token, change in changes.items()}
    buckets = {token: token_buckets[token] for token in entries}
    store.put_entries(entries, buckets)
    entry_bytes = old.entry_bytes + sum(len(e) for e in entries.values() if e) - sum(map(len, previous.values()))
    tokens = old.tokens + sum(1 for e in entries.values() if e) - len(previous)
    head = Head(old.engine, old.fields, old.labels, digests, bytes(table), chars, entry_bytes, tokens, postings, files.files)

    shards, old_shards = shard_count(entry_bytes), old.shards
    changed = set(range(shards)) if shards != old_shards else {buckets[token] % shards for token in entries}
    grouped: dict[int, list[tuple[str, bytes]]] = {n: [] for n in changed}
    wanted = [b for b in range(MAX_SHARDS) if b % shards in changed]
    for found_bucket, token_text, entry in store.shard_entries(wanted):
        grouped[found_bucket % shards].append((token_text, entry))
    for n in sorted(changed):
        files.put(f"s/{n}.bin", shard_file(grouped[n]))
    for n in range(shards, old_shards):
        del head.files[f"s/{n}.bin"]

    packs = sorted({n // SNIPPETS_PER_FILE for n in dirty if n // SNIPPETS_PER_FILE < -(-new_count // SNIPPETS_PER_FILE)})
    members = [n for p in packs for n in range(p * SNIPPETS_PER_FILE, min(new_count, (p + 1) * SNIPPETS_PER_FILE))]
    unchanged = store.terms(digests[n * 16 : n * 16 + 16] for n in members if n not in after)
    for p in packs:
        numbers = range(p * SNIPPETS_PER_FILE, min(new_count, (p + 1) * SNIPPETS_PER_FILE))
        snippets = [(after[n] if n in after else unchanged[digests[n * 16 : n * 16 + 16]]).snippet for n in numbers]
        files.put(f"d/{p}.json", snippet_file(snippets))
    for p in range(-(-new_count // SNIPPETS_PER_FILE), -(-old_count // SNIPPETS_PER_FILE)):
        del head.files[f"d/{p}.json"]
    files.put("docs.bin", head.table)
    files.put("fold.json", fold_file(chars))
    return head


def _version(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(f"{path}\0{files[path]}\n".encode())
    return digest.hexdigest()[:12]


def _manifest(head: Head) -> bytes:
    width = table_width(len(head.fields))
    return json_bytes(
        {
            "format": FORMAT,
            "version": head.version,
            "shards": head.shards,
            "docs": head.count,
            "stories": first_story(head.table, width),
            "bm25": [K1, B],
            "kinds": [[kind, label] for kind, label in zip(KINDS, head.labels, strict=True)],
            "fields": [list(pair) for pair in head.fields],
            "years": years(head.table, width),
        }
    )
