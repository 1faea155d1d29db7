"""Parsed files remembered by their text, so an unchanged file is not parsed again.

Parsing YAML with every value's position is most of what reading 2,000
stories costs. The result for a text (the document and the problems the
parser reported) depends only on that text, the file's name and this
program, so it is kept in memory for the next `mkdocs serve` rebuild and in
`.cache/parsed.pickle` for the next process. Entries no build used are
dropped when the cache is saved.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from ..files import atomic_write
from . import sources
from .problems import Problem, Problems
from .sources import Document

# The parser's code is part of every key: a new message or rule parses again.
_CODE = hashlib.blake2b(Path(sources.__file__).read_bytes(), digest_size=8).hexdigest()


class ParseCache:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.entries: dict[bytes, tuple[Document | None, tuple[Problem, ...]]] = {}
        self.used: set[bytes] = set()
        self.changed = False
        # False under `mkdocs serve` after its first build: the file is written when the server stops.
        self.write_on_save = True
        if path is not None:
            try:
                with path.open("rb") as stream:
                    stored = pickle.load(stream)
                if stored.get("code") == _CODE:
                    self.entries = stored["entries"]
            except Exception:  # noqa: BLE001 - no cache yet, or an unreadable one: parse again
                self.entries = {}

    def parse_yaml(self, text: str, file: str, problems: Problems, *, line_offset: int = 0) -> Document | None:
        """`sources.parse_yaml`, through the cache."""
        key = hashlib.blake2b(f"{file}\0{line_offset}\0{text}".encode(), digest_size=20).digest()
        entry = self.entries.get(key)
        if entry is None:
            found = Problems()
            doc = sources.parse_yaml(text, file, found, line_offset=line_offset)
            entry = self.entries[key] = (doc, tuple(found.items))
            self.changed = True
        self.used.add(key)
        problems.extend(entry[1])
        return entry[0]

    def save(self) -> None:
        """Keep what this build used (and nothing else), if anything changed."""
        unused = self.entries.keys() - self.used
        if unused:
            for key in unused:
                del self.entries[key]
            self.changed = True
        self.used = set()
        if self.write_on_save:
            self.write()

    def write(self) -> None:
        """The cache into its file, if anything changed since it was last written."""
        if self.path is None or not self.changed:
            return
        atomic_write(self.path, pickle.dumps({"code": _CODE, "entries": self.entries}, protocol=5))
        self.changed = False
