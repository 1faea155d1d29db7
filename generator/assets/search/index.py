"""The index files and how one document's share of them is made.

Files, all under `search/` in the site:

    manifest.json           which version to read, shard count, filter labels
    <version>/docs.bin      per document: kind, year, length, service fields
    <version>/fold.json     the Traditional -> Simplified pairs the site needs
    <version>/s/<n>.bin     shard n: the postings of the tokens that hash to n
    <version>/d/<n>.json    documents 4n to 4n+3: url, title, meta line, snippet text

A query reads the manifest, docs.bin and fold.json once, then only the
shards of its tokens and the snippet files of the documents it shows, so
what a reader downloads grows with the query, not with the site.

Shard format (integers are unsigned LEB128 varints):

    count
    count x (token byte length, token UTF-8, df, df x doc-number delta, df x tf byte)

A tf byte is the token's weighted count in the document (title 8, lead 3,
facts 2, body 1 per occurrence; at most 255). The reader scores BM25F from
it: idf from df and the document count, the length norm from docs.bin's
length byte (length = 2^(byte/16), over the average of all documents). So
nothing in a shard depends on other tokens or on totals: an edit changes
only the shards of the tokens whose postings it changes, and a new story
(the next number, see documents.KINDS) only the shards of its own tokens.

The token `=<name>` (tf byte 0) marks a record whose whole title is <name>
(a volunteer's full name): a query equal to it puts that record first.

docs.bin holds per document: kind index, year - 1900 (0: none), length
byte, then the field bitmask (one bit per configured service field, little
endian, at least one byte). Snippet files hold a JSON array of objects
{"u": url, "t": title, "m": meta line, "x": text}.
"""

from __future__ import annotations

import json
import marshal
import math
import operator
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from .documents import BODY, KINDS, SearchDocument
from .folding import CJK_CHAR, RUN, cjk_fold_table, fold, fold_targets, name_key, token_hash

FORMAT = 2
K1, B = 1.2, 0.75
SHARD_TARGET = 12_000  # bytes a shard should hold on average
MAX_SHARDS = 4096  # shard counts are powers of two up to this, so a token's shard is its bucket % count
NAME_PREFIX = "="
SNIPPETS_PER_FILE = 4
LENGTH_STEPS = 16  # length byte = round(log2(length) * LENGTH_STEPS)
MAX_TF = 255
ENTRY_CHUNK = 1 << 19  # postings grouped at a time in a full build
STORY = KINDS.index("story")


# --- one document's share ------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    """What a document puts into the index, before its tokens have numbers in the store's vocabulary."""

    tokens: list[str]  # the exact-name token last
    tfs: bytes
    row: bytes  # kind, year, length byte: its docs.bin line less the field bits
    fields: tuple[str, ...]
    chars: str  # the fold targets its folded text contains (fold.json needs their pairs)
    snippet: bytes  # the JSON object its snippet file holds


@dataclass(frozen=True)
class DocTerms:
    """An analysis as the store keeps it: token numbers instead of tokens."""

    ids: np.ndarray  # uint32 token numbers, in the order of tfs
    tfs: bytes
    row: bytes
    fields: tuple[str, ...]
    chars: str
    snippet: bytes

    def encode(self) -> bytes:
        return marshal.dumps((self.ids.tobytes(), self.tfs, self.row, self.fields, self.chars, self.snippet))

    @classmethod
    def decode(cls, blob: bytes) -> DocTerms:
        ids, tfs, row, fields, chars, snippet = marshal.loads(blob)
        return cls(np.frombuffer(ids, dtype=np.uint32), tfs, row, tuple(fields), chars, snippet)

    def tf_map(self) -> dict[int, int]:
        return dict(zip(self.ids.tolist(), self.tfs, strict=True))


def _weighted_counts(doc: SearchDocument) -> tuple[dict[str, int], float, str]:
    """Token -> weighted term frequency, the document's length, its folded text."""
    counts: dict[str, int] = {}
    length = 0.0
    folded_parts = []
    # The body first: its counts become the table the few weighted tokens are added to.
    for weight, text in sorted(doc.parts, key=lambda part: part[0] != BODY):
        folded = fold(text)
        folded_parts.append(folded)
        runs = RUN.findall(folded)
        found = Counter(run for run in runs if run[0] <= "z" or len(run) == 1)  # words and lone characters
        found.update(chain.from_iterable(map(operator.add, run, run[1:]) for run in runs if run[0] > "z"))  # bigrams, made in C
        if weight == BODY:
            length += found.total()
        else:
            # Single characters of names, leads and facts, for one-character queries.
            found.update(set(CJK_CHAR.findall(folded)) - found.keys())
            length += found.total() * 0.25
        if not counts:
            counts = dict(found) if weight == 1 else {token: n * weight for token, n in found.items()}
            continue
        get = counts.get
        for token, n in found.items():
            counts[token] = get(token, 0) + n * weight
    return counts, max(length, 1.0), "".join(folded_parts)


def length_byte(length: float) -> int:
    return min(255, round(math.log2(max(length, 1.0)) * LENGTH_STEPS))


def analyse(doc: SearchDocument) -> Analysis:
    """A document's tokens and the rest of its share of the index (the costly part, cached by content)."""
    counts, length, folded = _weighted_counts(doc)
    tokens = list(counts)
    values = list(counts.values())
    tfs = bytes(values) if not values or max(values) <= MAX_TF else bytes(min(MAX_TF, v) for v in values)
    key = name_key(doc.title)
    if key:
        tokens.append(NAME_PREFIX + key)
        tfs += b"\0"
    year = min(255, max(1, doc.year - 1900)) if doc.year else 0
    row = bytes((KINDS.index(doc.kind), year, length_byte(length)))
    chars = "".join(sorted(set(folded) & fold_targets()))
    snippet = json_bytes({"u": doc.url, "t": doc.title, "m": doc.meta, "x": doc.text})
    return Analysis(tokens, tfs, row, doc.fields, chars, snippet)


# --- shard entries ---------------------------------------------------------------------


def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _read_varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def varints(values: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Unsigned values below 2^32 as LEB128 varints, and where each starts (one more: the end)."""
    values = values.astype(np.uint32, copy=False)
    sizes = np.ones(len(values), dtype=np.uint8)
    for bits in (7, 14, 21, 28):
        wider = values >= (1 << bits)
        if not wider.any():
            break
        sizes += wider
    starts = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(sizes, out=starts[1:])
    if len(values) == starts[-1]:
        return values.astype(np.uint8).tobytes(), starts  # the common case: all below 128
    out = np.empty(int(starts[-1]), dtype=np.uint8)
    out[starts[:-1]] = (values & 0x7F) | ((sizes > 1).astype(np.uint32) << 7)
    wide = np.flatnonzero(sizes > 1)
    for k in range(1, int(sizes.max())):
        wide = wide[sizes[wide] > k]
        more = (sizes[wide] > k + 1).astype(np.uint32) << 7
        out[starts[wide] + k] = ((values[wide] >> (7 * k)) & 0x7F) | more
    return out.tobytes(), starts


def read_varints(data: bytes, count: int) -> np.ndarray:
    """The first `count` varints of `data`."""
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(raw < 0x80)[:count]
    if len(ends) and ends[-1] == count - 1:
        return raw[:count].astype(np.int64)  # all one byte
    raw = raw[: ends[-1] + 1] if len(ends) else raw[:0]
    starts = np.concatenate(([0], ends[:-1] + 1))
    place = np.arange(len(raw)) - np.repeat(starts, ends - starts + 1)
    parts = (raw & 0x7F).astype(np.int64) << (7 * place)
    return np.add.reduceat(parts, starts) if len(raw) else parts


def entry_head(token: str, df: int) -> bytes:
    raw = token.encode("utf-8")
    return _varint(len(raw)) + raw + _varint(df)


def encode_entry(token: str, numbers: np.ndarray, tfs: bytes) -> bytes:
    """One shard entry: token, df, doc-number deltas, tf bytes."""
    deltas = np.diff(numbers, prepend=0)
    return entry_head(token, len(numbers)) + varints(deltas)[0] + tfs


def decode_entry(entry: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The doc numbers (int64) and tf bytes (uint8) of a shard entry."""
    length, at = _read_varint(entry, 0)
    df, at = _read_varint(entry, at + length)
    numbers = np.cumsum(read_varints(entry[at : len(entry) - df], df))
    return numbers, np.frombuffer(entry, dtype=np.uint8, offset=len(entry) - df)


def patch_entry(token: str, entry: bytes | None, changes: dict[int, int | None]) -> bytes | None:
    """The entry with each changed document's tf set (None: the document no longer has the token)."""
    if entry:
        numbers, tfs = decode_entry(entry)
    else:
        numbers, tfs = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    changed = np.array(sorted(changes), dtype=np.int64)
    at = np.searchsorted(numbers, changed)
    present = at < len(numbers)
    present[present] = numbers[at[present]] == changed[present]
    keep = np.ones(len(numbers), dtype=bool)
    keep[at[present]] = False
    added = [(n, tf) for n, tf in zip(changed.tolist(), (changes[n] for n in changed.tolist()), strict=True) if tf is not None]
    numbers = np.concatenate((numbers[keep], np.array([n for n, _ in added], dtype=np.int64)))
    tfs = np.concatenate((tfs[keep], np.array([tf for _, tf in added], dtype=np.uint8)))
    if not len(numbers):
        return None
    order = np.argsort(numbers, kind="stable")
    return encode_entry(token, numbers[order], tfs[order].tobytes())


def all_entries(ids: list[np.ndarray], tfs: list[bytes], vocabulary: Sequence[str]) -> dict[int, bytes]:
    """Every token's entry (token number -> entry) from each document's token numbers and tf bytes, in numbering order.

    The lists are emptied (their arrays are copied into one and let go).

    Postings are grouped by token a range of token numbers at a time (about ENTRY_CHUNK postings), so
    the temporary arrays stay small whatever the size of the site.
    """
    chunk = ENTRY_CHUNK
    lengths = np.array([len(a) for a in ids], dtype=np.int64)
    doc_starts = np.concatenate(([0], np.cumsum(lengths)))
    all_ids = np.concatenate(ids) if ids else np.zeros(0, dtype=np.uint32)
    all_tfs = np.frombuffer(b"".join(tfs), dtype=np.uint8)
    ids.clear()  # the caller's lists: let the per-document arrays go
    tfs.clear()
    per_token = np.zeros(len(vocabulary), dtype=np.int64)
    for start in range(0, len(all_ids), chunk):  # bincount works in 64-bit integers: a slice at a time
        per_token += np.bincount(all_ids[start : start + chunk], minlength=len(vocabulary))
    cuts = np.searchsorted(np.cumsum(per_token), np.arange(chunk, len(all_ids), chunk), side="right")
    ranges = np.unique(np.concatenate(([0], cuts, [len(per_token)])))
    entries: dict[int, bytes] = {}
    inside, below = np.empty(len(all_ids), dtype=bool), np.empty(len(all_ids), dtype=bool)
    for low, high in zip(ranges[:-1].tolist(), ranges[1:].tolist(), strict=True):
        np.greater_equal(all_ids, low, out=inside)
        inside &= np.less(all_ids, high, out=below)
        postings = np.flatnonzero(inside)  # ascending: documents in order
        if not len(postings):
            continue
        postings = postings[_stable_order(all_ids[postings] - low)]
        token_ids = all_ids[postings]
        numbers = np.searchsorted(doc_starts, postings, side="right") - 1
        tf_bytes = all_tfs[postings].tobytes()
        del postings
        starts = np.flatnonzero(np.concatenate(([True], token_ids[1:] != token_ids[:-1])))
        bounds = np.append(starts, len(token_ids))
        deltas = np.diff(numbers, prepend=0)
        deltas[starts] = numbers[starts]
        encoded, byte_starts = varints(deltas)
        del numbers, deltas
        at, ends, byte_at = bounds.tolist(), bounds[1:].tolist(), byte_starts[bounds].tolist()
        for k, token_id in enumerate(token_ids[starts].tolist()):
            start, end = at[k], ends[k]
            entries[token_id] = entry_head(vocabulary[token_id], end - start) + encoded[byte_at[k] : byte_at[k + 1]] + tf_bytes[start:end]
    return entries


def _stable_order(keys: np.ndarray) -> np.ndarray:
    """argsort, stable, by radix passes on 16 bits (NumPy sorts 16-bit keys in linear time)."""
    if not len(keys) or keys.max() < 1 << 16:
        return np.argsort(keys.astype(np.uint16), kind="stable")
    low = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    high = np.argsort((keys[low] >> 16).astype(np.uint16), kind="stable")
    return low[high]


def bucket(token: str) -> int:
    """The token's shard when there are MAX_SHARDS; with fewer, bucket % count."""
    return token_hash(token) % MAX_SHARDS


def shard_count(entry_bytes: int) -> int:
    count = 1
    while count < MAX_SHARDS and entry_bytes / count > SHARD_TARGET:
        count *= 2
    return count


def shard_file(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """A shard: its tokens' entries in token order."""
    ordered = sorted(entries)
    return _varint(len(ordered)) + b"".join(entry for _, entry in ordered)


# --- the other files ---------------------------------------------------------------------


def json_bytes(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def field_bits(fields: Sequence[str], field_slugs: Sequence[str]) -> bytes:
    """A document's field bitmask for docs.bin."""
    bit = {slug: 1 << i for i, slug in enumerate(field_slugs)}
    return sum(bit.get(slug, 0) for slug in set(fields)).to_bytes(max(1, math.ceil(len(field_slugs) / 8)), "little")


def snippet_file(snippets: Sequence[bytes]) -> bytes:
    """Up to SNIPPETS_PER_FILE documents' snippet objects as one JSON array."""
    return b"[" + b",".join(snippets) + b"]"


def fold_file(chars: Iterable[str]) -> bytes:
    """The fold pairs whose target occurs in the site (a reader's query folds to the site's characters)."""
    present = set(chars)
    return json_bytes("".join(f"{k}{v}" for k, v in cjk_fold_table().items() if v in present))


def table_width(field_count: int) -> int:
    return 3 + max(1, math.ceil(field_count / 8))


def first_story(table: bytes, width: int) -> int:
    """The number of the first story (stories are numbered last)."""
    at = table[::width].find(bytes((STORY,)))
    return len(table) // width if at < 0 else at


def years(table: bytes, width: int) -> list[int]:
    return sorted((year + 1900 for year in set(table[1::width]) if year), reverse=True)
