"""Private numbers and contacts in text, found the way a reader sees them.

A reader does not see the difference between `13912345678`, `139 1234 5678`,
`139.1234.5678` and `１３９１２３４５６７８`: neither does this scan. Stretches of
digits are folded (full-width and other compatibility forms to ASCII by NFKC,
one character for one, so offsets stay those of the file), then digit groups
are read as one number when only a separator stands between them (spaces, a
hyphen or dash, a dot, a line break) and every group but the last has at least
three digits: `110105 19491231 002X`, `139-1234-5678`, `6228 4800 1234 5678`.
Short groups (`13.5 12.25`, `2024-03-05`) stay apart, and so do dot-joined
groups shorter than three digits or in a longer dotted run (decimals in
drawing data: `.188.304.126.08`).

What counts:

- a resident ID number: 18 characters with a valid GB 11643 check digit and a
  real birth date, or the old 15-digit form (before 1999: area, YYMMDD,
  sequence) whose area is a province and whose date is real;
- a mobile number: 11 digits `1[3-9]…`, with or without +86 / 86 / 0086;
- a bank card number: UnionPay (`62…`), 16 to 19 digits, passing the Luhn check.

E-mail addresses and WeChat ids are found too (`find_contacts`); whether they
may be published is the validator's business (an organisation lists its own
published contacts).

Numbers are never returned in full: each finding carries a masked form.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterator

KIND_LABELS = {"id": "身份证号", "mobile": "手机号", "bank-card": "银行卡号"}
CONTACT_LABELS = {"email": "电子邮箱", "wechat": "微信号"}

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Province-level codes (GB/T 2260), the first two digits of an area code; 71, 81, 82 and 83
# are Taiwan, Hong Kong, Macao and the residence permits of their people.
_PROVINCES = frozenset("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split())

# What a reader's eye joins: dashes and middle dots read as separators, invisible
# characters (zero-width space, soft hyphen) as nothing between two groups.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"
_DOTS = "\u00b7\u2027\u30fb\uff65"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"


@functools.cache
def _fold_table() -> dict[int, str]:
    """Non-ASCII characters a reader takes for an ASCII digit, letter, separator or `@`, one for one."""
    wanted = set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ@.-_+ ")
    table: dict[int, str] = {}
    for code in (*range(0x80, 0x10000), *range(0x1D7CE, 0x1D800)):
        char = chr(code)
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            table[code] = str(digit)
            continue
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) == 1 and folded in wanted:
            table[code] = folded
    table.update({ord(c): "-" for c in _DASHES})
    table.update({ord(c): "." for c in _DOTS})
    table.update({ord(c): " " for c in _INVISIBLE})
    return table


@functools.cache
def _needs_folding() -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(chr(code)) for code in _fold_table()) + "]")


def fold(text: str) -> str:
    """`text` as a reader sees digits and addresses in it, offsets unchanged (one character for one)."""
    if text.isascii() or not _needs_folding().search(text):
        return text
    return text.translate(_fold_table())


@functools.cache
def _candidates() -> re.Pattern[str]:
    """Stretches of text that may hold a number: two digit groups or more, or eleven digits and more.

    Any digit, separator or X a reader would take for one (full-width, other
    scripts) is matched here; only these stretches are folded and read closely.
    """
    table = _fold_table()

    def chars(*wanted: str) -> str:
        return re.escape("".join(wanted) + "".join(chr(code) for code, to in table.items() if to in wanted))

    x, separator = f"[{chars('X', 'x')}]", f"[{chars(' ', '-', '.')}\t\n]{{1,6}}"
    group = rf"\d++(?:{x}(?!\d))?"
    # A lone X ends an ID unless a Latin letter or digit follows (`002 X件` is an ID; `002 Xbox` is not):
    # Chinese after it is a word character to `\w`, yet no part of the number.
    latin = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
    # No look-behind at the start: a pattern that starts with \d lets the engine skip to the next digit.
    return re.compile(rf"{group}(?:{separator}(?:{group}|{x}(?![{latin}])))+|\d{{11,}}+{x}?")


def is_resident_id(number: str) -> bool:
    """GB 11643-1999: 17 digits, then a check digit (0-9 or X); the birth date must be real."""
    if len(number) != 18 or not number[:17].isdigit() or not number[:17].isascii():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17].upper():
        return False
    return _real_date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def is_old_resident_id(number: str) -> bool:
    """The 15-digit ID number (issued until 1999): province area code, YYMMDD of the 1900s, sequence."""
    if len(number) != 15 or not number.isdigit() or not number.isascii() or number[:2] not in _PROVINCES:
        return False
    return _real_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))


def _real_date(year: int, month: int, day: int) -> bool:
    if not 1900 <= year <= 2100:
        return False
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def luhn_valid(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _classify(digits: str) -> tuple[str, str] | None:
    """(kind, masked) when `digits` (with a final X for IDs) is a private number."""
    if len(digits) == 18 and is_resident_id(digits):
        return "id", digits[:3] + "*" * 11 + digits[-4:].upper()
    if len(digits) == 15 and is_old_resident_id(digits):
        return "id", digits[:3] + "*" * 8 + digits[-4:]
    mobile = digits[2:] if digits.startswith("86") else digits[4:] if digits.startswith("0086") else digits
    if len(mobile) == 11 and re.fullmatch(r"1[3-9][0-9]{9}", mobile) and len(digits) in (11, 13, 15):
        return "mobile", f"{mobile[:3]}****{mobile[-4:]}"
    if 16 <= len(digits) <= 19 and digits.isdigit() and digits.startswith("62") and luhn_valid(digits):
        return "bank-card", digits[:4] + "*" * (len(digits) - 8) + digits[-4:]
    return None


# A digit group; an ID's final X belongs to it (`002X`) or stands alone after a separator (`002 X`).
_GROUP = re.compile(r"[0-9]+(?:[Xx](?![0-9]))?|(?<![0-9A-Za-z])[Xx](?![0-9A-Za-z])")
_SEPARATOR = re.compile(r"[ \t]*(?:\n[ \t]*)?[-.]?[ \t]*")
_LONGEST = 19  # a 19-digit card; 0086 and a mobile number make 15
_MOST_GROUPS = 8  # 19 digits in groups of three or more, and a short last one


def _chains(text: str) -> Iterator[list[re.Match[str]]]:
    """Runs of digit groups with only a separator between neighbours."""
    chain: list[re.Match[str]] = []
    for match in _GROUP.finditer(text):
        if chain:
            gap = text[chain[-1].end() : match.start()]
            if not gap or not _SEPARATOR.fullmatch(gap) or chain[-1].group(0)[-1] in "Xx":
                yield chain
                chain = []
        chain.append(match)
    if chain:
        yield chain


def _decimal_like(chain: list[re.Match[str]], start: int, end: int) -> bool:
    """Groups joined by dots that read as decimals (`.188.304.126.08` in drawing data), not as a number.

    A number written with dots (`139.1234.5678`) has groups of three digits or
    more and no more dot-joined digits on either side.
    """
    text = chain[0].string

    def gap(index: int) -> str:  # between group `index` and the next
        return text[chain[index].end() : chain[index + 1].start()]

    if not any("." in gap(i) for i in range(start, end - 1)):
        return False
    if any(len(m.group(0)) < 3 for m in chain[start:end]):
        return True
    return (start > 0 and "." in gap(start - 1)) or (end < len(chain) and "." in gap(end - 1))


def _numbers_in(chain: list[re.Match[str]]) -> Iterator[tuple[int, str, str]]:
    """(offset, kind, masked) for the numbers in one chain: longest first, left to right."""
    start = 0
    while start < len(chain):
        found = None
        for end in range(min(len(chain), start + _MOST_GROUPS), start, -1):
            groups = [m.group(0) for m in chain[start:end]]
            digits = "".join(groups)
            if len(digits) > _LONGEST or (digits[0] in "Xx"):
                continue
            # Every group but the last has three digits or more, except a country code before a mobile.
            inner = groups[1:-1] if groups[0] in ("86", "0086") else groups[:-1]
            if any(len(group) < 3 for group in inner):
                continue
            if any(char in "Xx" for char in digits[:-1]):
                continue
            if _decimal_like(chain, start, end):
                continue
            found = _classify(digits) or (_classify(digits[:-1]) if digits[-1] in "Xx" else None)  # `…0000X`: X may be a letter
            if found:
                yield chain[start].start(), *found
                start = end
                break
        if not found:
            start += 1


def find_personal_numbers(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, kind, masked) for every ID, mobile or bank card number in `text`; kinds as in KIND_LABELS."""
    yield from _personal_numbers(text)


# Texts repeat from one `mkdocs serve` rebuild to the next: each is scanned once.
@functools.lru_cache(maxsize=1 << 17)
def _personal_numbers(text: str) -> tuple[tuple[int, str, str], ...]:
    return tuple(_scan_numbers(text))


def _scan_numbers(text: str) -> Iterator[tuple[int, str, str]]:
    for candidate in _candidates().finditer(text):
        folded = candidate.group(0).translate(_fold_table())
        if sum(map(str.isdigit, folded)) < 11:
            continue  # a date, a time, a count: too short for any number here
        for chain in _chains(folded):
            for offset, kind, masked in _numbers_in(chain):
                yield candidate.start() + offset, kind, masked


_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9][A-Za-z0-9._%+-]*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})(?![A-Za-z0-9-])"
)
# 微信号 zhangsan1980, 微信：zhangsan1980, VX: ..., WeChat: ...; a WeChat id is 6-20 letters, digits, _ or -,
# starting with a letter. A number after 微信 is a mobile number, found as one. Each pattern starts with
# one character class or a literal, so the engine skips ahead to it.
_WECHAT = re.compile(
    r"[微VvWw](?:(?<=微)信号\s*[:：]?|(?<=微)信\s*[:：]|(?<=[Vv])[Xx信]\s*[:：]|(?<=[Ww])[Xx]\s*[:：]|(?<=[Ww])e[Cc]hat\s*[:：])"
    r"\s*([A-Za-zＡ-Ｚａ-ｚ][-_A-Za-z0-9Ａ-Ｚａ-ｚ０-９＿－]{5,19})(?![-_A-Za-z0-9Ａ-Ｚａ-ｚ０-９＿－])"
)
_WXID = re.compile(r"(?<![A-Za-z0-9_])wxid_[A-Za-z0-9]{4,30}")


def contact_key(value: str) -> str:
    """How two writings of one address compare: folded, trimmed, lower case."""
    return fold(value).strip().lower()


def find_contacts(text: str) -> Iterator[tuple[int, str, str, str]]:
    """(offset, kind, masked, key) for every e-mail address and WeChat id in `text`."""
    yield from _contacts(text)


@functools.lru_cache(maxsize=1 << 17)
def _contacts(text: str) -> tuple[tuple[int, str, str, str], ...]:
    return tuple(_scan_contacts(text))


def _scan_contacts(text: str) -> Iterator[tuple[int, str, str, str]]:
    if "@" in text or "＠" in text:
        folded = fold(text)
        for match in _EMAIL.finditer(folded):
            local, domain = match.group(1), match.group(2)
            yield match.start(), "email", f"{local[0]}***@{domain}", contact_key(match.group(0))
    for match in _WECHAT.finditer(text):
        value = fold(match.group(1))
        yield match.start(1), "wechat", value[:2] + "***", contact_key(value)
    for match in _WXID.finditer(text):
        yield match.start(), "wechat", "wx***", contact_key(match.group(0))
