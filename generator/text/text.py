"""Chinese text helpers: sort keys by pinyin and by surname strokes (see strokes.py)."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=65536)
def pinyin_key(name: str) -> tuple:
    """Sort key by pinyin: letters, then tone, then the character itself.

    Characters without a reading (Latin letters, digits) sort by themselves.
    """
    key = []
    for char, syllable in zip(
        name, lazy_pinyin(name, style=Style.TONE3, neutral_tone_with_five=True, errors=lambda s: list(s)), strict=False
    ):
        letters = syllable.rstrip("012345")
        tone = syllable[len(letters) :] or "0"
        key.append((letters.lower(), tone, char))
    return tuple(key)


def sort_key_for(name: str, order: str) -> tuple:
    """Sort key for an honour list's `order` (拼音 or 姓氏笔画); any other order sorts by pinyin.

    Two names with the same strokes (or the same pinyin) fall back to the
    other key, then to the name itself, so the order never depends on input order.
    """
    if order == "姓氏笔画":
        from .strokes import stroke_key

        return (stroke_key(name), pinyin_key(name), name)
    return (pinyin_key(name), name)
