"""What one build of the index leaves for the next: the cache under `.cache/search/`.

    index.sqlite    docs: each document's terms, by content digest (DocTerms, marshalled)
                    vocab: a number for every token ever seen (DocTerms name tokens by number), its bucket
                    tokens: each token's shard entry and bucket (token hash % MAX_SHARDS)
                    meta: the head of the last build (numbering, docs.bin, file hashes, version)
    files/<hash>    every file of the last build, named by its content hash

A build runs in one SQLite transaction taken at its start, so two builds on
the same cache (a `mkdocs serve` and a `mkdocs build`) wait for each other
instead of mixing their states. The site's `search/` files are hard links to
`files/` (copies when the site is on another file system): an unchanged file
is never written again, and `mkdocs serve`, which empties the site folder
before each build, gets them back for the cost of a link.

Without a folder the store lives in memory and files are written from it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...files import atomic_write, link_or_copy, same_file
from .index import DocTerms, bucket

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS docs (digest BLOB PRIMARY KEY, terms BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS vocab (id INTEGER PRIMARY KEY, token TEXT NOT NULL UNIQUE, bucket INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (id INTEGER PRIMARY KEY, bucket INTEGER NOT NULL, entry BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS tokens_by_bucket ON tokens (bucket);
"""

# SQLite limits the parameters of one statement; look up in chunks below it.
CHUNK = 900


@dataclass
class Head:
    """The last build: enough to tell what changed and to patch it."""

    engine: str  # the code and tables the index was made with
    fields: tuple[tuple[str, str], ...]  # (slug, name) of the configured service fields
    labels: tuple[str, ...]  # the name of each kind of record, in the site's language
    digests: bytes  # 16 bytes a document, by number
    table: bytes  # docs.bin
    chars: Counter[str]  # fold target -> number of documents that contain it
    entry_bytes: int  # all shard entries together (decides the shard count)
    tokens: int
    postings: int
    files: dict[str, str] = field(default_factory=dict)  # path in the version folder -> content hash
    manifest: str = ""  # content hash of manifest.json
    version: str = ""

    @property
    def count(self) -> int:
        return len(self.digests) // 16

    def digest(self, number: int) -> bytes:
        return self.digests[number * 16 : number * 16 + 16]

    @property
    def shards(self) -> int:
        return sum(1 for path in self.files if path.startswith("s/"))


class CacheDamaged(Exception):
    """A file the store's head names is not in `files/` (deleted by hand, or a disk problem)."""


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def _chunks(values: list, size: int = CHUNK) -> Iterator[tuple[list, str]]:
    for start in range(0, len(values), size):
        chunk = values[start : start + size]
        yield chunk, ",".join("?" * len(chunk))


class Store:
    """The cache of one site's index (see the module docstring); in memory without a folder."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.objects: dict[str, bytes] | None = None
        if folder is None:
            self.db = sqlite3.connect(":memory:", isolation_level=None)
            self.objects = {}
        else:
            (folder / "files").mkdir(parents=True, exist_ok=True)
            # A second build on the same cache waits for this one (up to ten minutes).
            self.db = sqlite3.connect(folder / "index.sqlite", timeout=600, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self._vocabulary: list[str] | None = None
        self._buckets: list[int] = []
        self._numbers: dict[str, int] = {}

    def close(self) -> None:
        self.db.close()

    # --- transaction ----------------------------------------------------------------

    def begin(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def reset(self) -> None:
        """Forget everything (another engine: nothing stored can be reused)."""
        for table in ("meta", "docs", "vocab", "tokens"):
            self.db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        self._vocabulary, self._numbers = None, {}
        if self.objects is not None:
            self.objects.clear()
        else:
            assert self.folder is not None
            for path in (self.folder / "files").iterdir():
                path.unlink()

    # --- head ----------------------------------------------------------------------

    def head(self) -> Head | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'head'").fetchone()
        if row is None:
            return None
        try:
            head = pickle.loads(row[0])
        except Exception:  # written by other code: start again
            return None
        return head if isinstance(head, Head) else None

    def set_head(self, head: Head) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('head', ?)", (pickle.dumps(head, protocol=5),))

    # --- vocabulary -------------------------------------------------------------------

    def vocabulary(self) -> tuple[list[str], list[int]]:
        """Token and bucket by token number."""
        if self._vocabulary is None:
            rows = self.db.execute("SELECT token, bucket FROM vocab ORDER BY id").fetchall()
            self._vocabulary = [token for token, _ in rows]
            self._buckets = [number for _, number in rows]
            self._numbers = {token: number for number, token in enumerate(self._vocabulary)}
        return self._vocabulary, self._buckets

    def token_numbers(self, tokens: list[str]) -> np.ndarray:
        """The numbers of distinct tokens; a token never seen before gets the next one."""
        vocabulary, buckets = self.vocabulary()
        numbers = self._numbers
        try:
            return np.array(list(map(numbers.__getitem__, tokens)), dtype=np.uint32)
        except KeyError:
            new = [token for token in tokens if token not in numbers]
        if new:
            first = len(vocabulary)
            rows = [(first + i, token, bucket(token)) for i, token in enumerate(new)]
            vocabulary.extend(new)
            buckets.extend(row[2] for row in rows)
            numbers.update((token, number) for number, token, _ in rows)
            self.db.executemany("INSERT INTO vocab (id, token, bucket) VALUES (?, ?, ?)", rows)
        return np.array(list(map(numbers.__getitem__, tokens)), dtype=np.uint32)

    # --- documents ------------------------------------------------------------------

    def terms(self, digests: Iterable[bytes]) -> dict[bytes, DocTerms]:
        found: dict[bytes, DocTerms] = {}
        for chunk, marks in _chunks(list(dict.fromkeys(digests))):
            for digest, blob in self.db.execute(f"SELECT digest, terms FROM docs WHERE digest IN ({marks})", chunk):  # noqa: S608
                found[digest] = DocTerms.decode(blob)
        return found

    def known(self, digests: Iterable[bytes]) -> set[bytes]:
        """Which of these documents the store has terms for."""
        found: set[bytes] = set()
        for chunk, marks in _chunks(list(dict.fromkeys(digests))):
            found.update(d for (d,) in self.db.execute(f"SELECT digest FROM docs WHERE digest IN ({marks})", chunk))  # noqa: S608
        return found

    def put_terms(self, terms: dict[bytes, DocTerms]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO docs (digest, terms) VALUES (?, ?)", ((d, t.encode()) for d, t in terms.items()))

    def drop_terms(self, digests: Iterable[bytes]) -> None:
        self.db.executemany("DELETE FROM docs WHERE digest = ?", ((d,) for d in digests))

    # --- shard entries ------------------------------------------------------------------

    def entries(self, numbers: Iterable[int]) -> dict[int, bytes]:
        found: dict[int, bytes] = {}
        for chunk, marks in _chunks(list(numbers)):
            found.update(self.db.execute(f"SELECT id, entry FROM tokens WHERE id IN ({marks})", chunk))  # noqa: S608
        return found

    def shard_entries(self, buckets: list[int]) -> list[tuple[int, str, bytes]]:
        """(bucket, token, entry) of every token in these buckets."""
        found: list[tuple[int, str, bytes]] = []
        for chunk, marks in _chunks(buckets):
            query = f"SELECT t.bucket, v.token, t.entry FROM tokens t JOIN vocab v ON v.id = t.id WHERE t.bucket IN ({marks})"  # noqa: S608
            found.extend(self.db.execute(query, chunk))
        return found

    def put_entries(self, entries: dict[int, bytes | None], buckets: dict[int, int]) -> None:
        """Set the entries; None removes the token's."""
        self.db.executemany("DELETE FROM tokens WHERE id = ?", ((n,) for n, e in entries.items() if e is None))
        self.db.executemany(
            "INSERT OR REPLACE INTO tokens (id, bucket, entry) VALUES (?, ?, ?)",
            ((n, buckets[n], e) for n, e in entries.items() if e is not None),
        )

    def replace_entries(self, entries: dict[int, bytes], buckets: dict[int, int]) -> None:
        self.db.execute("DELETE FROM tokens")
        self.db.executemany("INSERT INTO tokens (id, bucket, entry) VALUES (?, ?, ?)", ((n, buckets[n], e) for n, e in entries.items()))

    # --- files -----------------------------------------------------------------------------

    def put_file(self, name: str, data: bytes) -> None:
        """Keep a new file (by content hash) before the head that names it is committed."""
        if self.objects is not None:
            self.objects[name] = data
        else:
            assert self.folder is not None
            atomic_write(self.folder / "files" / name, data)

    def file(self, name: str) -> bytes:
        if self.objects is not None:
            return self.objects[name]
        assert self.folder is not None
        return (self.folder / "files" / name).read_bytes()

    def drop_files(self, names: Iterable[str]) -> None:
        for name in names:
            if self.objects is not None:
                self.objects.pop(name, None)
            else:
                assert self.folder is not None
                (self.folder / "files" / name).unlink(missing_ok=True)

    def keep_only(self, names: set[str]) -> None:
        """Remove every file but these (after a full build: left-overs of failed builds too)."""
        if self.objects is not None:
            for name in set(self.objects) - names:
                del self.objects[name]
            return
        assert self.folder is not None
        with os.scandir(os.path.join(self.folder, "files")) as entries:
            for entry in entries:
                if entry.name not in names:
                    os.unlink(entry.path)

    def verify(self, names: list[str]) -> None:
        """Raise CacheDamaged when a file the index names is not in the cache (removed by hand)."""
        if self.objects is not None:
            missing = [name for name in names if name not in self.objects]
        else:
            assert self.folder is not None
            folder = os.path.join(self.folder, "files")
            missing = [name for name in names if not os.path.isfile(os.path.join(folder, name))]
        if missing:
            raise CacheDamaged(f"{len(missing)} index files are missing, e.g. {missing[0]}")

    def install(self, files: dict[str, str], target: Path) -> None:
        """Put the files (path -> content hash) into `target`: hard links, else copies."""
        for sub in {os.path.dirname(path) for path in files}:
            (target / sub).mkdir(parents=True, exist_ok=True)
        if self.objects is not None:
            for path, name in files.items():
                (target / path).write_bytes(self.objects[name])
            return
        assert self.folder is not None
        source = self.folder / "files"
        for path, name in files.items():
            origin, destination = source / name, target / path
            if same_file(origin, destination):
                continue
            try:
                link_or_copy(origin, destination)
            except FileNotFoundError as error:
                raise CacheDamaged(f"{origin} is missing") from error
