"""Order names by surname strokes (按姓氏笔画排序), GB 13418 style.

Official honour lists print names "按姓氏笔画排序": the surname first, by its
total number of strokes; where two surnames have the same count, by their
stroke order (笔顺), compared stroke by stroke in the order 横、竖、撇、点、折
(一丨丿丶乙); then the characters of the given name the same way. A
two-character surname (复姓: 欧阳, 司马, 诸葛...) is one unit: all the 欧 come
before all the 欧阳, and 欧阳 is filed under 欧 (8 strokes).

The stroke data is not typed here. It comes from the `cn-sort` package (MIT,
PyPI), whose `res/all_word.json` ranks the 20,897 characters of the CJK
Unified Ideographs block by stroke count and then by their full stroke-order
sequence of the GB 13000.1 stroke-order standard (笔顺规范). Comparing two
characters by that rank is comparing (stroke count, stroke sequence), which is
exactly the character comparison GB 13418 asks for. We read that data file
only: importing `cn_sort` configures the root logger, disables every logger
already made (MkDocs' included) and opens `all.log` in the working folder.

Characters the data does not hold (extension blocks, Latin letters, digits)
sort after every character it does hold, by code point, so an order always
exists and is the same on every machine.
"""

from __future__ import annotations

import importlib.util
import json
from functools import lru_cache
from pathlib import Path

# Two-character surnames (复姓) that stay one unit when sorting. The common ones
# of 《百家姓》 still in use; a name that merely starts with these characters
# (东方红 as 东 + 方红) is rare enough among people on honour lists.
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    """
    欧阳 司马 上官 诸葛 东方 皇甫 慕容 令狐 夏侯 尉迟 公孙 长孙 宇文 司徒 端木
    西门 南宫 独孤 轩辕 呼延 闻人 万俟 澹台 公冶 濮阳 淳于 太叔 申屠
    钟离 赫连 百里 东郭 南门 羊舌 微生 公羊 梁丘 左丘 第五 司空 司寇 拓跋
    歐陽 司馬 諸葛 東方 慕容 令狐 尉遲 公孫 長孫 宇文 端木 西門 獨孤 軒轅 聞人
    鍾離 鐘離 赫連 東郭 南門 梁丘 左丘 濮陽
    """.split()
)

_UNKNOWN = 1 << 24  # after every ranked character; code point decides among these


class StrokeDataMissing(RuntimeError):
    """The `cn-sort` package (stroke data) is not installed or has changed shape."""


def _data_file() -> Path:
    spec = importlib.util.find_spec("cn_sort")  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise StrokeDataMissing("找不到笔画数据：请安装 cn-sort（pip install -e . 会一并安装）")
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "res" / "all_word.json"
        if path.is_file():
            return path
    raise StrokeDataMissing("cn-sort 包中没有 res/all_word.json：其版本与本程序不符")


@lru_cache(maxsize=1)
def stroke_ranks() -> dict[str, int]:
    """{character: rank}: a smaller rank has fewer strokes, or the same count and an earlier stroke order."""
    try:
        entries = json.loads(_data_file().read_text(encoding="utf-8"))["all_word"]
        ranks = {e["chinese"]: int(e["stroke_increment_level"]) for e in entries if len(e["chinese"]) == 1 and ord(e["chinese"]) >= 0x2E80}
    except (KeyError, TypeError, ValueError) as exc:
        raise StrokeDataMissing(f"cn-sort 的笔画数据格式与本程序不符：{exc}") from None
    if len(ranks) < 20000:
        raise StrokeDataMissing(f"cn-sort 的笔画数据只有 {len(ranks)} 个字，应有两万余字")
    return ranks


def char_rank(char: str) -> int:
    rank = stroke_ranks().get(char)
    return rank if rank is not None else _UNKNOWN + ord(char)


def split_surname(name: str) -> tuple[str, str]:
    """(surname, given name): a listed two-character surname, else the first character."""
    name = name.strip()
    if name[:2] in COMPOUND_SURNAMES and len(name) > 2:
        return name[:2], name[2:]
    return name[:1], name[1:]


@lru_cache(maxsize=65536)
def stroke_key(name: str) -> tuple:
    """Sort key by surname strokes: the surname as one unit, then the given name."""
    surname, given = split_surname(name)
    return (tuple(char_rank(c) for c in surname), tuple(char_rank(c) for c in given))
