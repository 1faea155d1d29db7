"""Honour lists `order: 姓氏笔画`: GB 13418 style, stroke data from cn-sort (see generator/strokes.py).

Each expected order below is justified by stroke counts and first strokes as
printed in the Xinhua dictionary (新华字典) and the GB 13000.1 stroke-order
standard, written as 1 横 2 竖 3 撇 4 点 5 折.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.text.strokes import COMPOUND_SURNAMES, split_surname, stroke_key, stroke_ranks
from generator.text.text import sort_key_for

from .conftest import REPO, SiteMaker


def by_strokes(names: list[str]) -> list[str]:
    return sorted(names, key=lambda n: sort_key_for(n, "姓氏笔画"))


# Surnames in the order of a published 姓氏笔画 list. Counts and stroke sequences:
#   丁 2 (横 竖钩 = 1 2)      马 3 (折 折 横 = 5 5 1)
#   王 4 (横 横 竖 横 = 1 1 2 1)   方 4 (点 横 折 撇 = 4 1 5 3): same count, 横 before 点
#   石 5 (1 3 2 5 1)          刘 6 (4 1 3 4 2 2)    许 6 (4 5 3 1 1 2): both start with 点; 横 before 折
#   李 7 (1 2 3 4 5 2 1)      张 7 (5 1 5 3 1 5 4)  陈 7 (5 2 1 5 2 3 4): 横 before 折; then 折横 before 折竖
#   欧(阳) 8 (欧: 3 5 3 4 ...; 欧阳 files under 欧)   赵 9   郭 10   黄 11
PUBLISHED = ["丁", "马", "王", "方", "石", "刘", "许", "李", "张", "陈", "欧阳", "赵", "郭", "黄"]


def test_surnames_follow_a_published_stroke_order_list() -> None:
    names = [surname + "明" for surname in PUBLISHED]
    assert by_strokes(list(reversed(names))) == names
    assert by_strokes(sorted(names)) == names


@pytest.mark.parametrize(
    ("first", "second", "why"),
    [
        ("丁", "马", "2 strokes before 3"),
        ("王", "方", "both 4: 王 starts with 横, 方 with 点"),
        ("刘", "许", "both 6 and start with 点; second stroke 横 (刘) before 折 (许)"),
        ("李", "张", "both 7: 李 starts with 横, 张 with 折"),
        ("张", "陈", "both 7 and start with 折; second stroke 横 (张) before 竖 (陈)"),
        ("石", "司", "both 5: 石 starts with 横, 司 with 折"),
        ("田", "白", "both 5: 田 starts with 竖, 白 with 撇"),
        ("于", "马", "both 3: 于 starts with 横, 马 with 折"),
    ],
)
def test_each_pair_by_count_then_stroke_order(first: str, second: str, why: str) -> None:
    assert stroke_key(first) < stroke_key(second), why


def test_the_given_name_decides_between_people_of_one_surname() -> None:
    # 刚 6 strokes before 芳 7; 一 1 stroke before both.
    assert by_strokes(["王芳", "王刚", "王一"]) == ["王一", "王刚", "王芳"]
    # A shorter name comes first when it is the start of a longer one.
    assert by_strokes(["李明华", "李明"]) == ["李明", "李明华"]


def test_a_two_character_surname_is_one_unit() -> None:
    # Character by character, 欧阳兰 (阳 6) would come before 欧明 (明 8); as a surname unit,
    # every 欧 comes before every 欧阳, and 欧阳 comes after 欧 and before 赵 (9).
    assert by_strokes(["欧阳兰", "赵六", "欧明", "陈七"]) == ["陈七", "欧明", "欧阳兰", "赵六"]
    assert split_surname("欧阳兰") == ("欧阳", "兰")
    assert split_surname("司马文静") == ("司马", "文静")
    assert split_surname("诸葛亮") == ("诸葛", "亮")
    assert split_surname("张伟") == ("张", "伟")
    assert split_surname("欧阳") == ("欧", "阳")  # a two-character name is surname + given name
    for surname in ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "慕容", "令狐", "夏侯", "尉迟", "公孙", "长孙", "宇文", "司徒", "端木"):
        assert surname in COMPOUND_SURNAMES


def test_names_outside_the_data_sort_last_and_always_the_same_way() -> None:
    names = ["Anna", "张伟", "𠮷祥", "王芳"]
    assert by_strokes(names)[:2] == ["王芳", "张伟"]
    assert by_strokes(names) == by_strokes(list(reversed(names)))


def test_traditional_characters_have_their_own_counts() -> None:
    # 陳 10 strokes (阝 2 + 東 8; 陈 is 7), 張 11 (弓 3 + 長 8; 张 is 7): a Traditional list sorts by Traditional forms.
    assert stroke_key("陈") < stroke_key("赵") < stroke_key("陳") < stroke_key("張")
    assert by_strokes(["張三", "王小明", "陳大文"]) == ["王小明", "陳大文", "張三"]


def test_pinyin_order_is_unchanged() -> None:
    assert sorted(["张伟", "陈静", "欧阳兰", "丁一"], key=lambda n: sort_key_for(n, "拼音")) == ["陈静", "丁一", "欧阳兰", "张伟"]


def test_the_data_comes_from_cn_sort_without_running_it(tmp_path: Path) -> None:
    """Importing cn_sort would reconfigure logging and write all.log; the data file is read instead."""
    code = (
        "import logging, os, sys; "
        "from generator.text.strokes import stroke_ranks; ranks = stroke_ranks(); "
        "assert len(ranks) > 20000, len(ranks); assert 'cn_sort' not in sys.modules; "
        "assert not os.path.exists('all.log'); assert not logging.getLogger('mkdocs').disabled; print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)}
    )
    assert result.stdout.strip() == "ok", result.stderr
    assert len(stroke_ranks()) > 20000


def test_an_honour_list_page_prints_names_in_stroke_order(site: SiteMaker) -> None:
    recipients = "".join(f"      - name: {name}\n" for name in ["黄海", "欧阳兰", "丁一", "陈静", "张伟", "欧明", "王芳", "方圆"])
    site.file(
        "content/honors/test-2025.yaml",
        "title: 测试名单\nlevel: 市级\ndate: 2025-03-05\norder: 姓氏笔画\ncategories:\n  - name: 最美志愿者\n    recipients:\n"
        + recipients,
    )
    built = site.build()
    assert built.returncode == 0, built.output
    page = built.html("honors/test-2025/")
    text = page.get_text()
    expected = ["丁一", "王芳", "方圆", "张伟", "陈静", "欧明", "欧阳兰", "黄海"]
    positions = [text.index(name) for name in expected]
    assert positions == sorted(positions), [text[p : p + 3] for p in sorted(positions)]
    assert "按姓氏笔画排序" in text
