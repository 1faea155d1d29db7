"""QR codes of pages, remembered between builds in `.cache/qr.json`.

A page's QR code is drawn inline as an SVG path; making one costs ~0.1 ms,
but thousands of them add up, so each address's path is kept.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..files import atomic_write
from .share import qr_path


class QrCodes:
    def __init__(self, cache_file: Path) -> None:
        self.cache_file = cache_file
        self.changed = False
        self.used: set[str] = set()
        try:
            stored = json.loads(cache_file.read_text(encoding="utf-8"))
            self.codes = {url: (int(entry[0]), str(entry[1])) for url, entry in stored.items()}
        except (OSError, ValueError, TypeError, AttributeError, IndexError):
            self.codes: dict[str, tuple[int, str]] = {}  # no cache yet, or an unreadable one: recompute

    def __call__(self, url: str) -> tuple[int, str]:
        """(modules per side, SVG path) of the QR code leading to `url`."""
        self.used.add(url)
        code = self.codes.get(url)
        if code is None:
            code = self.codes[url] = qr_path(url)
            self.changed = True
        return code

    def save(self) -> None:
        """Keep the codes this build used, if any was new or one was dropped."""
        if not self.changed and set(self.codes) == self.used:
            return
        kept = {url: self.codes[url] for url in sorted(self.used)}
        atomic_write(self.cache_file, json.dumps(kept, ensure_ascii=False).encode())
        self.codes, self.changed = kept, False
        self.used = set()
