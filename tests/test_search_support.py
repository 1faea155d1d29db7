"""A Python reader of the search index, written from the format description in
generator/assets/search/index.py and kept step for step like theme/assets/search/search.js,
so that tests can ask ranking questions without a browser."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from generator.assets.search import NAME_PREFIX, SNIPPETS_PER_FILE, name_key, query_tokens, token_hash
from generator.assets.search.index import LENGTH_STEPS

NAME_BOOST = 1000


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def read_shard(data: bytes) -> dict[str, tuple[list[int], bytes]]:
    entries = {}
    count, at = _varint(data, 0)
    for _ in range(count):
        length, at = _varint(data, at)
        token = data[at : at + length].decode("utf-8")
        at += length
        df, at = _varint(data, at)
        numbers, previous = [], 0
        for _ in range(df):
            delta, at = _varint(data, at)
            previous += delta
            numbers.append(previous)
        entries[token] = (numbers, data[at : at + df])
        at += df
    return entries


@dataclass
class Hit:
    number: int
    url: str
    title: str
    kind: str
    score: float


class SearchReader:
    """Reads `search/` of a built site (or an in-memory `IndexFiles`)."""

    def __init__(self, manifest: dict, files: dict[str, bytes]) -> None:
        self.manifest = manifest
        self.files = files
        self.count = manifest["docs"]
        self.width = 3 + max(1, math.ceil(len(manifest["fields"]) / 8))
        table = files["docs.bin"]
        lengths = [2 ** (table[n * self.width + 2] / LENGTH_STEPS) for n in range(self.count)]
        average = sum(lengths) / max(1, self.count)
        self.k1, b = manifest["bm25"]
        self.norms = [self.k1 * (1 - b + b * length / average) for length in lengths]

    @classmethod
    def from_site(cls, site: Path) -> SearchReader:
        manifest = json.loads((site / "search" / "manifest.json").read_text(encoding="utf-8"))
        folder = site / "search" / manifest["version"]
        files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
        return cls(manifest, files)

    def postings(self, token: str) -> tuple[list[int], bytes] | None:
        shard = read_shard(self.files[f"s/{token_hash(token) % self.manifest['shards']}.bin"])
        return shard.get(token)

    def document(self, number: int) -> dict:
        return json.loads(self.files[f"d/{number // SNIPPETS_PER_FILE}.json"])[number % SNIPPETS_PER_FILE]

    def rank(self, number: int) -> int:
        """Order on equal scores: profiles by number, then stories newest (highest number) first."""
        stories = self.manifest["stories"]
        return number if number < stories else stories + self.count - 1 - number

    def kind_of(self, number: int) -> str:
        return self.manifest["kinds"][self.files["docs.bin"][number * self.width]][0]

    def year_of(self, number: int) -> int:
        year = self.files["docs.bin"][number * self.width + 1]
        return year + 1900 if year else 0

    def search(self, query: str) -> list[Hit]:
        tokens = query_tokens(query[:200])
        if not tokens:
            return []
        score: dict[int, float] = {}
        hits: dict[int, int] = {}
        for token in tokens:
            found = self.postings(token)
            if not found:
                continue
            df = len(found[0])
            idf = math.log(1 + (self.count - df + 0.5) / (df + 0.5))
            for number, tf in zip(*found, strict=True):
                score[number] = score.get(number, 0.0) + idf * tf * (self.k1 + 1) / (tf + self.norms[number])
                hits[number] = hits.get(number, 0) + 1
        best = max(hits.values(), default=0)
        key = name_key(query[:200])
        names = self.postings(NAME_PREFIX + key) if key and len(key) <= 40 else None
        for number in names[0] if names else ():
            score[number] = score.get(number, 0.0) + NAME_BOOST
            best = max(best, len(tokens))
            hits[number] = best
        ranked = sorted((n for n in hits if hits[n] == best), key=lambda n: (-score[n], self.rank(n)))
        return [Hit(n, self.document(n)["u"], self.document(n)["t"], self.kind_of(n), score[n]) for n in ranked]

    def urls(self, query: str) -> list[str]:
        return [hit.url for hit in self.search(query)]
