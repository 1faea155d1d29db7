"""The printable honour roll (share/honors/<id>.pdf): a text PDF, read back with poppler's tools."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import corpus, vocab
from generator.assets.roll_pdf import honor_sheet_file
from generator.assets.sharing import honor_sheet
from generator.content.settings import make_settings
from generator.pipeline import run_checks

from .conftest import SiteMaker


@pytest.fixture(autouse=True)
def _poppler() -> None:
    """These tests read the PDF back with poppler's tools; without them they fail rather than skip."""
    missing = [tool for tool in ("pdftotext", "pdffonts", "pdfinfo", "pdfimages") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: install Debian's poppler-utils (apt-get install poppler-utils)")


HEAD = {
    "title": "关于表彰2024年度“最美志愿者”的决定",
    "level": "市级",
    "awarded_by": "江城市精神文明建设指导委员会办公室",
    "document": "江文明办〔2024〕5号",
    "date": "2024-03-05",
}


def roll(site: SiteMaker, categories: list[dict], language: str = "zh", **fields: object) -> Path:
    """The honour roll PDF of one honour list `h`, made as the build makes it."""
    site.record("honors", "h", **{**HEAD, **fields, "categories": categories})
    settings = make_settings({"build_date": "2026-11-22"}, site.root, language=language)
    catalog, problems = run_checks(settings)
    assert catalog is not None, problems.errors
    sheet = honor_sheet(catalog, catalog.honors["h"], "江城志愿")
    return honor_sheet_file(sheet, site.root / ".cache")


def text_of(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def squeezed(text: str) -> str:
    """Extracted text without line breaks and spaces: a field that wraps still reads as one."""
    return re.sub(r"\s+", "", text)


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def common_characters() -> list[str]:
    """The 3,755 characters of GB 2312 level 1 (the commonly used ones), in code order."""
    cells = (bytes([row, cell]) for row in range(0xB0, 0xD8) for cell in range(0xA1, 0xFF))
    return [c.decode("gb2312") for c in cells if not (c[0] == 0xD7 and c[1] >= 0xFA)]


def people(count: int) -> list[dict]:
    """`count` plain recipients with invented names, units and positions (the benchmark corpus's vocabulary).

    Given names take characters across the whole common set (hundreds of different ones, more than a
    real list, where name characters repeat), so the embedded font subset is as large as a list gets.
    """
    common = common_characters()
    rng = random.Random(14)
    rows = []
    for i in range(count):
        given = common[(i * 61) % len(common)] + (common[(i * 61 + 1877) % len(common)] if i % 4 else "")
        unit = corpus.unit_for(rng, corpus.place(rng))
        rows.append({"name": rng.choice(vocab.SURNAMES) + given, "unit": unit, "position": rng.choice(vocab.POSITIONS)})
    return rows


def test_head_shows_title_awarding_body_document_number_and_date(site: SiteMaker) -> None:
    pdf = roll(site, [{"name": "最美志愿者", "recipients": [{"name": "张三"}]}])
    head = squeezed(text_of(pdf))
    assert squeezed(HEAD["title"]) in head
    assert "授予单位：江城市精神文明建设指导委员会办公室" in head
    assert "文号：江文明办〔2024〕5号" in head
    assert "表彰日期：2024年3月5日" in head


def test_pages_are_text_not_pictures(site: SiteMaker) -> None:
    pdf = roll(site, [{"name": "最美志愿者", "recipients": [{"name": "张三"}]}])
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert listing.splitlines()[2:] == []  # two heading lines, no image
    assert "张三" in text_of(pdf)


def test_every_recipient_shows_region_unit_position_and_deed_in_the_lists_order(site: SiteMaker) -> None:
    site.volunteer("wang-wu", "王五", unit="江城市人民医院", position="护士长", region="东湖区")
    pdf = roll(
        site,
        [
            {
                "name": "最美志愿者",
                "recipients": [
                    {"name": "张三", "unit": "幸福社区居委会", "position": "网格员", "deed": "十年为独居老人送餐"},
                    {"volunteer": "wang-wu"},
                    {"name": "李四", "region": "西江区", "unit": "实验小学", "position": "教师"},
                ],
            },
            {"name": "最佳志愿服务组织", "recipients": [{"name": "江城蓝天救援队", "region": "江城市"}]},
        ],
        order="拼音",
    )
    text = squeezed(text_of(pdf))
    expected = [
        "最美志愿者",
        "李四西江区实验小学教师",  # 拼音 order from the catalog: li, wang, zhang
        "王五东湖区江城市人民医院护士长",  # a volunteer's unit and position come from the record
        "张三幸福社区居委会网格员",
        "十年为独居老人送餐",
        "最佳志愿服务组织",
        "江城蓝天救援队江城市",
    ]
    places = [text.find(part) for part in expected]
    assert -1 not in places, dict(zip(expected, places, strict=True))
    assert places == sorted(places)


def test_pages_are_numbered_page_n_of_total(site: SiteMaker) -> None:
    pdf = roll(site, [{"name": "最美志愿者", "recipients": people(120)}])
    total = page_count(pdf)
    assert total >= 2
    for number in range(1, total + 1):
        page = squeezed(text_of(pdf, "-f", str(number), "-l", str(number)))
        assert f"第{number}页/共{total}页" in page


def test_traditional_site_gets_traditional_labels(site: SiteMaker) -> None:
    pdf = roll(site, [{"name": "最美志愿者", "recipients": [{"name": "張三"}]}], language="zh-TW")
    text = squeezed(text_of(pdf))
    assert "授予單位：" in text and "表彰日期：" in text
    assert "第1頁/共1頁" in text


def test_font_is_embedded_as_a_subset(site: SiteMaker) -> None:
    pdf = roll(site, [{"name": "最美志愿者", "recipients": [{"name": "张三", "unit": "幸福社区"}]}])
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts, "no font in the PDF"
    for line in fonts:
        name, *_ = line.split()
        emb, sub, uni = line.split()[-5:-2]
        assert re.match(r"[A-Z]{6}\+", name), line  # a subset's name carries a tag
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line


def test_three_hundred_names_stay_under_300_kb(site: SiteMaker) -> None:
    pdf = roll(site, [{"name": "最美志愿者", "recipients": people(300)}])
    assert pdf.stat().st_size < 300 * 1024


def test_same_list_gives_the_same_bytes(site: SiteMaker, tmp_path: Path) -> None:
    """Made twice in fresh processes (other hash seeds, a later clock): byte for byte the same."""
    site.record("honors", "h", **{**HEAD, "categories": [{"name": "最美志愿者", "recipients": people(20)}]})
    script = (
        "import sys; from pathlib import Path\n"
        "from generator.content.settings import make_settings\n"
        "from generator.pipeline import run_checks\n"
        "from generator.assets.sharing import honor_sheet\n"
        "from generator.assets.roll_pdf import honor_sheet_file\n"
        "catalog, _ = run_checks(make_settings({'build_date': '2026-11-22'}, Path(sys.argv[1])))\n"
        "print(honor_sheet_file(honor_sheet(catalog, catalog.honors['h'], '江城志愿'), Path(sys.argv[2])))\n"
    )
    made = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", script, str(site.root), str(tmp_path / f"cache-{seed}")],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        made.append(Path(out.stdout.strip()).read_bytes())
    assert made[0] == made[1]


def test_built_site_publishes_the_text_roll(site: SiteMaker) -> None:
    site.record("honors", "h", **{**HEAD, "categories": [{"name": "最美志愿者", "recipients": [{"name": "张三", "unit": "幸福社区"}]}]})
    built = site.build()
    assert built.returncode == 0, built.output
    assert "张三幸福社区" in squeezed(text_of(built.site / "share/honors/h.pdf"))
