"""`leifeng import honor|roster`: the sample spreadsheets, matching, idempotence, and every kind of bad input."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml

from generator.commands.cli import main
from generator.commands.importer import cell_text, parse_date, parse_number, parse_year

from .conftest import REPO, build
from .data import make_samples

DATA = REPO / "tests" / "data"


def run(root: Path, *argv: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> tuple[int, str]:
    monkeypatch.chdir(root)
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((root / "content").rglob("*.yaml"))}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the example site (content, stories, docs, theme, mkdocs.yml)."""
    root = tmp_path / "site"
    for name in ("content", "stories", "docs", "theme"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def load(root: Path, relative: str) -> dict:
    return yaml.safe_load((root / relative).read_text(encoding="utf-8"))


# --- the samples -------------------------------------------------------------------


def _cells(path: Path) -> list:
    if path.suffix == ".csv":
        return [path.read_bytes()]
    book = openpyxl.load_workbook(path)
    return [
        (ws.title, [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)], sorted(map(str, ws.merged_cells.ranges)))
        for ws in book
    ]


def test_the_committed_samples_are_what_make_samples_writes(tmp_path: Path) -> None:
    for path in make_samples.main(tmp_path):
        assert _cells(path) == _cells(DATA / path.name), path.name


def test_importing_the_samples_gives_records_that_pass_check_and_build(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    imports = [("roster", "roster.xlsx"), ("roster", "roster-gbk.csv"), ("honor", "honor.xlsx"), ("honor", "honor-utf8-bom.csv")]
    outputs = {}
    for kind, name in imports:
        code, out = run(repo, "import", kind, str(DATA / name), monkeypatch=monkeypatch, capsys=capsys)
        assert code == 0, out
        outputs[name] = out
    assert "编码：GBK（GB18030）" in outputs["roster-gbk.csv"]
    assert "编码：UTF-8（带 BOM）" in outputs["honor-utf8-bom.csv"]

    # Same name, different people: two files. An existing volunteer is matched, not duplicated.
    first, second = load(repo, "content/volunteers/zhang-wei.yaml"), load(repo, "content/volunteers/zhang-wei-2.yaml")
    assert (first["unit"], second["unit"]) == ("东湖区实验小学", "江北区清河街道办事处")
    assert "无变化 content/volunteers/li-weimin.yaml" in outputs["roster.xlsx"]
    assert not (repo / "content/volunteers/li-weimin-2.yaml").exists()
    assert load(repo, "content/volunteers/sima-wenjing.yaml")["organization"] == "jiangcheng-shifan-youth"
    assert load(repo, "content/volunteers/zhang-wei-2.yaml")["consent"] == {
        "publish": True,
        "portrait": True,
        "date": make_samples.dt.date(2025, 2, 21),
    }

    # Consent is never invented: no consent, or no consent column, means a draft that says why.
    refused = (repo / "content/volunteers/chen-xiaoguang.yaml").read_text(encoding="utf-8")
    assert (
        refused.startswith("# 草稿：名单中此人没有同意公开")
        and "\ndraft: true\n" in refused
        and "consent" not in load(repo, "content/volunteers/chen-xiaoguang.yaml")
    )
    for vid in ("huang-zhiqiang", "zhou-haiyan"):
        data = load(repo, f"content/volunteers/{vid}.yaml")
        assert data["draft"] is True and "consent" not in data
    assert "没有“同意公开”" in outputs["roster-gbk.csv"]

    # Honour recipients: existing volunteers and organisations become references, others plain entries.
    (honor_file,) = [p for p in (repo / "content/honors").glob("2025-*.yaml") if "最美志愿者" in p.read_text(encoding="utf-8")]
    honor = yaml.safe_load(honor_file.read_text(encoding="utf-8"))
    assert honor["order"] == "姓氏笔画" and honor["document"] == "江文明办〔2025〕3号" and str(honor["date"]) == "2025-03-05"
    people = honor["categories"][0]["recipients"]
    assert people[0] == {"volunteer": "zhang-xiaohong", "deed": "十二年如一日为独居老人送午餐。"}
    assert {"volunteer": "ouyang-lan"}.items() <= people[2].items()
    assert people[3]["name"] == "丁海燕" and people[3]["unit"] == "江城市第三中学"
    assert honor["categories"][1]["recipients"][0]["organization"] == "lanjian-rescue-team"
    bom = next(p for p in (repo / "content/honors").glob("2024-*.yaml") if "岗位" in p.read_text(encoding="utf-8"))
    categories = yaml.safe_load(bom.read_text(encoding="utf-8"))["categories"]
    assert [c["name"] for c in categories] == ["岗位学雷锋标兵", "学雷锋示范岗"]

    code, out = run(repo, "check", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    built = build(repo)
    assert built.returncode == 0, built.output
    page = built.html(f"honors/{honor_file.stem}/").get_text()
    # 姓氏笔画: 丁 2 < 方 4 < 李 7 (starts with 横) < 张 7 (starts with 折) < 欧(阳) 8 < 郭 10
    order = ["丁海燕", "方明", "李卫民", "张晓红", "欧阳岚", "郭振华"]
    positions = [page.index(name) for name in order]
    assert positions == sorted(positions)


def test_importing_twice_changes_nothing(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    imports = [("roster", "roster.xlsx"), ("roster", "roster-gbk.csv"), ("honor", "honor.xlsx"), ("honor", "honor-utf8-bom.csv")]
    imports += [("roster", "roster-padded-gbk.csv"), ("honor", "honor-notes-utf8-bom.csv")]
    for kind, name in imports:
        assert run(repo, "import", kind, str(DATA / name), monkeypatch=monkeypatch, capsys=capsys)[0] == 0
    before = snapshot(repo)
    for kind, name in imports:
        code, out = run(repo, "import", kind, str(DATA / name), monkeypatch=monkeypatch, capsys=capsys)
        assert code == 0, out
        assert "  新建 " not in out and "  更新 " not in out and "  无变化 " in out, out
    assert snapshot(repo) == before


def test_dry_run_shows_the_files_and_writes_nothing(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    before = snapshot(repo)
    code, out = run(repo, "import", "roster", str(DATA / "roster.xlsx"), "--dry-run", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    assert "将新建 content/volunteers/zhang-wei.yaml" in out and "| name: 张伟" in out and "没有写入任何文件" in out
    assert snapshot(repo) == before


def test_a_changed_row_needs_force(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    sheet = tmp_path / "update.csv"
    sheet.write_text("姓名,单位,服务时长\n李卫民,江城公交集团第三分公司,2450\n", encoding="utf-8")
    before = snapshot(repo)
    code, out = run(repo, "import", "roster", str(sheet), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and "li-weimin.yaml 已存在" in out and "service_hours（文件 2300，表格 2450）" in out and "--force" in out
    assert snapshot(repo) == before
    code, out = run(repo, "import", "roster", str(sheet), "--force", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "更新 content/volunteers/li-weimin.yaml" in out
    updated = load(repo, "content/volunteers/li-weimin.yaml")
    assert updated["service_hours"] == 2450
    assert updated["consent"]["publish"] is True and updated["bio"]  # what the sheet does not say is kept
    assert run(repo, "check", monkeypatch=monkeypatch, capsys=capsys)[0] == 0


# --- bad input ---------------------------------------------------------------------


def test_bad_rows_are_reported_by_sheet_and_row_and_numbers_never_shown(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    before = snapshot(repo)
    code, out = run(repo, "import", "roster", str(DATA / "roster-bad.xlsx"), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1
    assert "工作表“名册”第 3 行 A 列（姓名）：姓名为空" in out
    assert "工作表“名册”第 4 行 C 列（服务时长）：服务时长“很多”不是数字" in out
    assert "工作表“名册”第 5 行 D 列（联系电话）：含有手机号（139****5678）" in out
    assert "工作表“名册”第 6 行 E 列（备注）：含有身份证号（110***********002X）" in out
    assert "13912345678" not in out and "11010519491231002X" not in out
    assert "没有写入任何文件" in out
    assert snapshot(repo) == before


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


HONOR_HEAD = [["名单标题", "测试表彰"], ["级别", "市级"], ["表彰日期", "2025-03-05"], [], ["类别", "姓名", "单位"]]


@pytest.mark.parametrize(
    ("kind", "rows", "phrases"),
    [
        ("roster", [["姓名", "单位", "服务领域"], ["王五", "一中", "扶贫"]], ["服务领域“扶贫”不在本站的可选范围内"]),
        ("roster", [["姓名", "单位", "出生年份"], ["王五", "一中", "八十年代"]], ["出生年份“八十年代”应为四位年份"]),
        ("roster", [["姓名", "单位", "同意公开"], ["王五", "一中", "再说"]], ["“再说”应为 是 或 否"]),
        ("roster", [["姓名", "单位", "服务时长"], ["王五", "一中", "-5"]], ["服务时长不能为负数"]),
        ("roster", [["姓名", "单位"], ["王五", "一中"], ["王五", "一中"]], ["第 3 行：与第 2 行重复"]),
        ("roster", [["姓名", "单位", "编号"], ["王五", "一中", "Wang Wu"]], ["编号“Wang Wu”无效"]),
        ("roster", [["人员", "单位"], ["王五", "一中"]], ["没有找到可以导入的表格"]),
        ("roster", [["姓名", "单位"], ["王五", "电话 0571-88881234 手机 139 1234 5678"]], ["含有手机号（139****5678）"]),
        ("roster", [["姓名", "单位"], ["王五", "110105194912310000"]], ["含有疑似证件号码的长数字（110***********0000）"]),
        ("roster", [["姓名", "单位"], ["王五", "手机 １３９１２３４５６７８"]], ["含有手机号（139****5678）"]),
        ("honor", [["级别", "市级"], [], ["类别", "姓名"], ["最美志愿者", "王五"]], ["缺少名单标题", "缺少表彰日期"]),
        (
            "honor",
            [["名单标题", "测试"], ["级别", "特级"], ["表彰日期", "2025-02-30"], [], ["类别", "姓名"], ["最美志愿者", "王五"]],
            ["级别“特级”不在本站的可选范围内", "表彰日期“2025-02-30”应为 年-月-日"],
        ),
        ("honor", [*HONOR_HEAD, ["最美志愿者", "", "一中"]], ["文件“bad.csv”第 6 行 B 列（姓名）：姓名或名称为空"]),
        ("honor", [*HONOR_HEAD, ["", "王五", "一中"]], ["不知道王五属于哪个类别"]),
        (
            "honor",
            [["名单标题", "测试"], ["排序", "随便"], ["级别", "市级"], ["表彰日期", "2025-03-05"], [], ["类别", "姓名"], ["最美", "王五"]],
            ["排序“随便”应为 名单顺序、拼音 或 姓氏笔画"],
        ),
    ],
    ids=[
        "unknown-field",
        "bad-year",
        "bad-consent",
        "negative-hours",
        "duplicate-row",
        "bad-id",
        "no-header",
        "mobile-in-text",
        "long-number",
        "full-width-mobile",
        "honor-missing-details",
        "honor-bad-level-and-date",
        "honor-empty-name",
        "honor-no-category",
        "honor-bad-order",
    ],
)
def test_bad_input_exits_1_and_writes_nothing(
    kind: str,
    rows: list[list[str]],
    phrases: list[str],
    repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    sheet = write_csv(tmp_path / "bad.csv", rows)
    before = snapshot(repo)
    code, out = run(repo, "import", kind, str(sheet), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1, out
    for phrase in phrases:
        assert phrase in out, out
    assert snapshot(repo) == before


@pytest.mark.parametrize(
    ("argv", "phrase"),
    [
        (["import", "roster", "missing.xlsx"], "找不到文件"),
        (["import", "roster", "{tmp}/old.xls"], "“另存为” .xlsx 或 CSV"),
        (["import", "roster", "{tmp}/roster.csv", "--map", "名字"], "应写成 列名=字段"),
        (["import", "roster", "{tmp}/roster.csv", "--map", "名字=nickname"], "字段应为以下之一"),
        (["import", "honor", "{tmp}/roster.csv", "--sheet", "Sheet9"], "没有名为“Sheet9”的工作表"),
        (["import", "roster", "{tmp}/broken.xlsx"], "无法读取 broken.xlsx"),
    ],
    ids=["missing-file", "old-xls", "map-syntax", "map-field", "sheet-on-csv", "broken-xlsx"],
)
def test_usage_errors_exit_2(
    argv: list[str], phrase: str, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "broken.xlsx").write_bytes(b"PK not really")
    write_csv(tmp_path / "roster.csv", [["名字", "单位"], ["王五", "一中"]])
    if "--sheet" in argv:  # --sheet only means something for a workbook
        make_samples.honor_xlsx(tmp_path / "roster.csv")
        argv = [a.replace("roster.csv", "honor.xlsx") for a in argv]
        shutil.move(tmp_path / "roster.csv", tmp_path / "honor.xlsx")
    code, out = run(repo, *[a.format(tmp=tmp_path) for a in argv], monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and phrase in out, out


def test_other_column_names_with_map(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    sheet = write_csv(
        tmp_path / "platform.csv", [["志愿者名字", "服务单位", "累计时数", "手机"], ["钱六", "江城市第九中学", "36", ""]], "gb18030"
    )
    code, out = run(repo, "import", "roster", str(sheet), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and "没有找到可以导入的表格" in out
    code, out = run(
        repo,
        "import",
        "roster",
        str(sheet),
        "--map",
        "志愿者名字=name",
        "--map",
        "服务单位=unit",
        "--map",
        "累计时数=service_hours",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 0, out
    assert load(repo, "content/volunteers/qian-liu.yaml") == {"draft": True, "name": "钱六", "unit": "江城市第九中学", "service_hours": 36}
    assert "手机列不会导入" in out


def test_a_minor_without_guardian_consent_stays_a_draft(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    sheet = write_csv(
        tmp_path / "kids.csv",
        [
            ["姓名", "单位", "出生年份", "同意公开", "同意人"],
            ["孙小小", "东湖区实验小学", "2016", "是", "本人"],
            ["孙大大", "东湖区实验小学", "2016", "是", "监护人"],
        ],
    )
    code, out = run(repo, "import", "roster", str(sheet), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    assert load(repo, "content/volunteers/sun-xiaoxiao.yaml")["draft"] is True
    assert "draft" not in load(repo, "content/volunteers/sun-dada.yaml")
    assert run(repo, "check", monkeypatch=monkeypatch, capsys=capsys)[0] == 0


def test_an_ambiguous_match_asks_for_the_id(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    for vid in ("zhou-jie", "zhou-jie-2"):
        (repo / f"content/volunteers/{vid}.yaml").write_text("draft: true\nname: 周杰\nregion: 江南省江城市东湖区\n", encoding="utf-8")
    sheet = write_csv(tmp_path / "r.csv", [["姓名", "地区", "服务时长"], ["周杰", "江南省江城市东湖区", "10"]])
    code, out = run(repo, "import", "roster", str(sheet), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and "zhou-jie、zhou-jie-2 都相符" in out and "“编号”列" in out
    sheet = write_csv(tmp_path / "r.csv", [["姓名", "地区", "服务时长", "编号"], ["周杰", "江南省江城市东湖区", "10", "zhou-jie-2"]])
    code, out = run(repo, "import", "roster", str(sheet), "--force", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "更新 content/volunteers/zhou-jie-2.yaml" in out, out


def test_honour_details_from_options(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    sheet = write_csv(tmp_path / "list.csv", [["姓名", "单位", "事迹"], ["王五", "一中", "热心助人。"]])
    code, out = run(
        repo,
        "import",
        "honor",
        str(sheet),
        "--title",
        "测试表彰",
        "--level",
        "县级",
        "--date",
        "2025/3/5",
        "--category",
        "好人好事",
        "--order",
        "拼音",
        "--id",
        "ceshi-biaozhang",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 0, out
    data = load(repo, "content/honors/ceshi-biaozhang.yaml")
    assert (
        data["level"] == "县级"
        and data["order"] == "拼音"
        and data["categories"] == [{"name": "好人好事", "recipients": [{"name": "王五", "unit": "一中", "deed": "热心助人。"}]}]
    )
    assert run(repo, "check", monkeypatch=monkeypatch, capsys=capsys)[0] == 0


def test_value_parsers() -> None:
    assert parse_number("120") == 120 and parse_number("1,280 小时") == 1280 and parse_number("120.5h") == 120.5
    assert parse_number("很多") is None and parse_number("nan") is None and parse_number("") is None
    assert parse_year("2013") == 2013 and parse_year("2013年") == 2013 and parse_year("2013-05-01") == 2013 and parse_year("13") is None
    assert (
        str(parse_date("2024年3月5日")) == "2024-03-05" and str(parse_date("2024/3/5")) == "2024-03-05" and parse_date("2024-02-30") is None
    )
    assert cell_text(1280.0) == "1280" and cell_text(None) == "" and cell_text(make_samples.dt.datetime(2024, 3, 5)) == "2024-03-05"


# --- spreadsheets as offices send them -----------------------------------------------

HONOR_OPTIONS = ["--title", "测试表彰", "--level", "市级", "--date", "2025-03-05", "--category", "最美志愿者", "--id", "ceshi"]


def recipients(root: Path, hid: str = "ceshi") -> list[dict]:
    return [r for c in load(root, f"content/honors/{hid}.yaml")["categories"] for r in c["recipients"]]


def test_a_wenmingban_list_with_a_merged_title_padded_names_and_a_closing_note_imports(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    sample = DATA / "honor-wenmingban.xlsx"
    code, out = run(repo, "import", "honor", str(sample), "--level", "市级", "--date", "2025-03-05", "--category", "最美志愿者",
                    "--order", "姓氏笔画", "--id", "zuimei-2025", monkeypatch=monkeypatch, capsys=capsys)  # fmt: skip
    assert code == 0, out
    assert "工作表“Sheet1”第 11 行：“（排名不分先后）”是说明文字" in out
    honor = load(repo, "content/honors/zuimei-2025.yaml")
    assert honor["title"] == make_samples.WENMINGBAN_TITLE
    assert recipients(repo, "zuimei-2025") == [
        {"name": "王芳", "unit": "东湖区青山街道桂花园社区党委书记", "deed": "带领居民建起“邻里守望”志愿服务队。"},
        {"name": "李强", "unit": "江城市第二中学教师", "deed": "十年义务为留守儿童辅导功课。"},
        {"volunteer": "chen-jing", "deed": "组织急救知识进社区两百余场。"},
        {"name": "阿依古丽·买买提", "unit": "江北区清河街道办事处科员", "deed": "为少数民族群众办事当翻译。"},
        {"volunteer": "ouyang-lan", "deed": "创办“绘本妈妈”亲子阅读志愿服务。"},
        {"name": "马力", "unit": "江城蓝箭应急救援队队员", "deed": "参与抢险救援一百余次。"},
    ]
    assert run(repo, "check", monkeypatch=monkeypatch, capsys=capsys)[0] == 0


def test_a_gbk_roster_with_padded_names_full_width_digits_and_a_total_row_imports(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    code, out = run(repo, "import", "roster", str(DATA / "roster-padded-gbk.csv"), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    assert "编码：GBK（GB18030）" in out
    assert "文件“roster-padded-gbk.csv”第 7 行：“合计 1400”是说明文字" in out
    assert "文件“roster-padded-gbk.csv”第 8 行：“注：服务时长以“志愿江城”平台记录为准。”是说明文字" in out
    wang, li = load(repo, "content/volunteers/wang-fang.yaml"), load(repo, "content/volunteers/li-qiang.yaml")
    assert (wang["name"], wang["service_hours"], wang["since"]) == ("王芳", 120, 2016)
    assert (li["name"], li["service_hours"], li["since"]) == ("李强", 1280, 2013)
    assert "无变化 content/volunteers/chen-jing.yaml" in out and not (repo / "content/volunteers/chen-jing-2.yaml").exists()


def test_a_bom_honour_list_with_headings_notes_and_a_combined_unit_column_imports(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    code, out = run(
        repo, "import", "honor", str(DATA / "honor-notes-utf8-bom.csv"), "--id", "biaobing", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0, out
    honor = load(repo, "content/honors/biaobing.yaml")
    assert str(honor["date"]) == "2024-12-05"
    assert honor["order"] == "姓氏笔画" and "按“注：以姓氏笔画为序”，排序为 姓氏笔画" in out
    assert [c["name"] for c in honor["categories"]] == ["岗位学雷锋标兵", "学雷锋示范岗"]
    people = honor["categories"][0]["recipients"]
    assert people[0]["name"] == "黄涛" and people[0]["unit"] == "西城区政务服务中心窗口负责人"
    assert people[1]["name"] == "David Li"
    for note in ("以上排名不分先后", "共计3个", "注：以姓氏笔画为序"):
        assert f"“{note}”是说明文字" in out, out
    assert run(repo, "check", monkeypatch=monkeypatch, capsys=capsys)[0] == 0


@pytest.mark.parametrize(
    ("wording", "entry"),
    [
        ("单位", {"unit": "一中"}),
        ("工作单位", {"unit": "一中"}),
        ("所在单位", {"unit": "一中"}),
        ("职务", {"position": "一中"}),
        ("单位及职务", {"unit": "一中"}),
        ("工作单位及职务", {"unit": "一中"}),
        ("工作单位及职务（职称）", {"unit": "一中"}),
        ("事迹", {"deed": "一中"}),
        ("主要事迹", {"deed": "一中"}),
        ("简要事迹", {"deed": "一中"}),
        ("先进事迹", {"deed": "一中"}),
        ("简要事迹（100字以内）", {"deed": "一中"}),
    ],
)
def test_honour_column_wordings(
    wording: str, entry: dict, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    sheet = write_csv(tmp_path / "list.csv", [["姓名", wording], ["王五", "一中"]])
    code, out = run(repo, "import", "honor", str(sheet), *HONOR_OPTIONS, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    assert recipients(repo) == [{"name": "王五", **entry}]


@pytest.mark.parametrize(
    ("wording", "field"),
    [
        ("工作单位", "unit"),
        ("所在单位", "unit"),
        ("工作单位及职务", "unit"),
        ("单位及职务", "unit"),
        ("主要事迹", "bio"),
        ("简要事迹", "bio"),
    ],
)
def test_roster_column_wordings(
    wording: str, field: str, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    sheet = write_csv(tmp_path / "r.csv", [["姓名", wording], ["王五", "一中"]])
    code, out = run(repo, "import", "roster", str(sheet), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    assert load(repo, "content/volunteers/wang-wu.yaml")[field] == "一中"


@pytest.mark.parametrize(
    "row",
    [
        ["（排名不分先后）", "", ""],
        ["(排名不分先后)", "", ""],
        ["", "（排名不分先后）", ""],
        ["排名不分先后", "", ""],
        ["注：以上人员按姓氏笔画排序", "", ""],
        ["注:时长以平台记录为准", "", ""],
        ["注", "时长以平台记录为准", ""],
        ["备注：时长以平台记录为准", "", ""],
        ["说明：时长以平台记录为准", "", ""],
        ["以上名单经区文明委审定", "", ""],
        ["共计１名", "", ""],
        ["合计", "", "120"],
        ["填表人：王五", "", ""],
    ],
    ids=lambda row: "|".join(row),
)
def test_a_row_that_holds_only_a_note_is_skipped_with_a_notice(
    row: list[str], repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    sheet = write_csv(tmp_path / "r.csv", [["序号", "姓名", "服务时长"], ["1", "王五", "120"], row])
    code, out = run(repo, "import", "roster", str(sheet), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    note = " ".join(t for t in row if t)
    assert f"第 3 行：“{note}”是说明文字，不是名单中的一条，已跳过" in out, out
    assert "新建 1 个" in out


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("王\u3000芳", "王芳"),
        ("李  强", "李强"),
        ("王 芳", "王芳"),
        ("王\u00a0芳", "王芳"),
        ("王 \u3000\u00a0芳", "王芳"),
        ("欧阳\u3000岚", "欧阳岚"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽 · 买买提", "阿依古丽 · 买买提"),
        ("David Li", "David Li"),
        ("Anna 王", "Anna 王"),
    ],
    ids=["ideographic-space", "two-spaces", "one-space", "no-break-space", "mixed-spaces", "compound-surname", "uyghur-name",
         "uyghur-name-spaced", "latin-name", "latin-and-han"],
)  # fmt: skip
def test_padding_is_dropped_inside_all_han_names_only(
    written: str, name: str, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    sheet = write_csv(tmp_path / "list.csv", [["姓名", "单位"], [written, "一中"]])
    code, out = run(repo, "import", "honor", str(sheet), *HONOR_OPTIONS, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    assert recipients(repo) == [{"name": name, "unit": "一中"}]


@pytest.mark.parametrize("kind", ["roster", "honor"])
@pytest.mark.parametrize(
    "rows",
    [
        [["姓  名", "工作单位"], ["陈\u3000静", "江城市第一人民医院急诊科"]],
        [["姓名", "工作单位及职务"], ["陈静", "江城市第一人民医院急诊科护士长"]],
    ],
    ids=["padded-name", "unit-and-position-in-one-cell"],
)
def test_the_existing_volunteer_is_matched(
    kind: str, rows: list[list[str]], repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    sheet = write_csv(tmp_path / "list.csv", rows)
    options = HONOR_OPTIONS if kind == "honor" else []
    code, out = run(repo, "import", kind, str(sheet), *options, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    if kind == "honor":
        assert recipients(repo) == [{"volunteer": "chen-jing"}]
    else:
        assert "无变化 content/volunteers/chen-jing.yaml" in out


def test_a_changed_position_in_a_combined_column_is_an_update(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    sheet = write_csv(tmp_path / "r.csv", [["姓名", "工作单位及职务"], ["陈静", "江城市第一人民医院急诊科主任"]])
    code, out = run(repo, "import", "roster", str(sheet), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and "position（文件 护士长，表格 主任）" in out, out


@pytest.mark.parametrize(
    ("hours", "since", "expected"),
    [
        ("１２０", "２０１６", (120, 2016)),
        ("１２０．５", "２０１６年", (120.5, 2016)),
        ("1 280", "2016 年", (1280, 2016)),
        ("1\u00a0280 小时", "2016.03", (1280, 2016)),
        ("１，２８０小时", "２０１６年３月", (1280, 2016)),
        ("\u3000120\u3000", " 2016 ", (120, 2016)),
    ],
)
def test_numbers_typed_in_full_width_or_with_spaces(
    hours: str, since: str, expected: tuple, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    sheet = write_csv(tmp_path / "r.csv", [["姓名", "服务时长", "开始年份"], ["王五", hours, since]])
    code, out = run(repo, "import", "roster", str(sheet), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    data = load(repo, "content/volunteers/wang-wu.yaml")
    assert (data["service_hours"], data["since"]) == expected


@pytest.mark.parametrize("serial", ["7", "７", " 7 ", "７．"])
def test_a_row_numbered_in_advance_and_left_empty_is_skipped(
    serial: str, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    sheet = write_csv(tmp_path / "r.csv", [["序号", "姓名", "单位"], ["１", "王五", "一中"], [serial, "", ""]])
    code, out = run(repo, "import", "roster", str(sheet), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    assert "新建 1 个" in out


def test_a_serial_number_with_other_cells_but_no_name_is_still_an_error(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    sheet = write_csv(tmp_path / "r.csv", [["序号", "姓名", "单位"], ["１", "王五", "一中"], ["２", "", "二中"]])
    code, out = run(repo, "import", "roster", str(sheet), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and "第 3 行 B 列（姓名）：姓名为空" in out, out


def test_the_header_is_found_below_title_rows_and_blank_rows(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    rows = [
        ["江城市志愿者名册"],
        ["（2025年3月）"],
        [],
        ["填报单位：东湖区文明办"],
        [],
        ["序号", "姓　　名", "工作单位及职务"],
        ["1", "王五", "一中"],
    ]
    sheet = write_csv(tmp_path / "r.csv", rows)
    code, out = run(repo, "import", "roster", str(sheet), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    assert load(repo, "content/volunteers/wang-wu.yaml")["unit"] == "一中"


def test_a_unit_merged_over_several_rows_belongs_to_each_of_them(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    for row in (["姓名", "工作单位及职务"], ["王五", "江城市第二中学教师"], ["赵六", None], ["钱七", "一中"]):
        ws.append(row)
    ws.merge_cells("B2:B3")  # two teachers of the same school, the unit written once
    book.save(tmp_path / "list.xlsx")
    code, out = run(repo, "import", "honor", str(tmp_path / "list.xlsx"), *HONOR_OPTIONS, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    assert [r.get("unit") for r in recipients(repo)] == ["江城市第二中学教师", "江城市第二中学教师", "一中"]


def test_a_header_on_two_rows_takes_the_column_names_of_the_second(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    for row in (
        ["序号", "姓名", "工作单位及职务", None, "主要事迹"],
        [None, None, "单位", "职务", None],
        [1, "王五", "一中", "教师", "热心助人。"],
    ):
        ws.append(row)
    for cells in ("A1:A2", "B1:B2", "C1:D1", "E1:E2"):  # 工作单位及职务 over 单位 | 职务, the others down both rows
        ws.merge_cells(cells)
    book.save(tmp_path / "list.xlsx")
    code, out = run(repo, "import", "honor", str(tmp_path / "list.xlsx"), *HONOR_OPTIONS, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    assert recipients(repo) == [{"name": "王五", "unit": "一中", "position": "教师", "deed": "热心助人。"}]


def test_a_note_above_the_table_is_not_the_title(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    rows = [["（排名不分先后）"], ["2025年度最美志愿者名单"], [], ["姓名", "单位"], ["王五", "一中"]]
    sheet = write_csv(tmp_path / "list.csv", rows)
    options = ["--level", "市级", "--date", "2025-03-05", "--category", "最美志愿者", "--id", "ceshi"]
    code, out = run(repo, "import", "honor", str(sheet), *options, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    assert load(repo, "content/honors/ceshi.yaml")["title"] == "2025年度最美志愿者名单"


# --- files that cannot be read --------------------------------------------------------

ENGLISH = re.compile(r"[A-Za-z]{2,}[\s,.:;'()-]+[A-Za-z]{2,}[\s,.:;'()-]+[A-Za-z]{2,}")


def _workbook_bytes(**cells: str) -> bytes:
    book = openpyxl.Workbook()
    for ref, value in cells.items():
        book.active[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rezip(data: bytes, drop: str = "", replace: dict[str, bytes] | None = None) -> bytes:
    """A workbook's zip with one member dropped or replaced."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            if item.filename != drop:
                new.writestr(item, replace.get(item.filename, old.read(item)))
    return out.getvalue()


def _encrypted() -> bytes:
    """A workbook with a password to open, encrypted the way Excel does (ECMA-376 agile encryption)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(_workbook_bytes(A1="姓名", B1="单位", A2="王五", B2="一中"))).encrypt("mima", out)
    return out.getvalue()


def _old_xls() -> bytes:
    """A real Excel 97-2003 workbook (BIFF8 in an OLE2 compound file; WPS .et files are the same kind of file)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名单")
    sheet.write(0, 0, "姓名")
    sheet.write(1, 0, "王五")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip(**members: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text in members.items():
            z.writestr(name.replace("__", "/"), text)
    return out.getvalue()


UNREADABLE = {
    "truncated-xlsx": ("名单.xlsx", lambda: _workbook_bytes(A1="姓名")[:1500], "不完整"),
    "truncated-xls": ("名单.xlsx", lambda: _old_xls()[:3000], "不完整"),
    "damaged-sheet": (
        "名单.xlsx",
        lambda: _rezip(_workbook_bytes(A1="姓名"), replace={"xl/worksheets/sheet1.xml": b"<worksheet"}),
        "已损坏",
    ),
    "encrypted": ("名单.xlsx", _encrypted, "打开密码"),
    "xls-renamed": ("名单.xlsx", _old_xls, "老式"),
    "et-renamed": ("名单（WPS）.xlsx", _old_xls, "WPS"),
    "xls": ("名单.xls", _old_xls, "另存为"),
    "et": ("名单.et", _old_xls, "另存为"),
    "zip-not-a-workbook": ("名单.xlsx", lambda: _zip(readme__txt="hello"), "不是 Excel 工作簿"),
    "docx-renamed": ("名单.xlsx", lambda: _zip(**{"[Content_Types].xml": "<Types/>", "word__document.xml": "<w/>"}), "Word 文档"),
    "csv-renamed": ("名单.xlsx", lambda: "姓名,单位\n王五,一中\n".encode("gbk"), "改为 .csv"),
    "html-as-xlsx": ("名单.xlsx", lambda: b"<html><body><table><tr><td>x</td></tr></table></body></html>", "网页"),
    "zero-bytes": ("名单.xlsx", lambda: b"", "是空的"),
    "lock-file": ("~$名单.xlsx", lambda: b"\x05leifeng" + b"\x00" * 40, "临时文件"),
    "empty-workbook": ("名单.xlsx", lambda: _workbook_bytes(), "没有任何内容"),
    "xlsx-renamed-csv": ("名单.csv", lambda: _workbook_bytes(A1="姓名"), "改为 .xlsx"),
    "empty-csv": ("名单.csv", lambda: b"\xef\xbb\xbf\r\n,,\r\n", "没有任何内容"),
    "csv-open-quote": ("名单.csv", lambda: ('姓名,单位\n王五,"一中\n' + "x" * 140_000).encode(), "引号"),
}


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_a_file_that_cannot_be_read_gives_one_chinese_message_and_exit_2(
    case: str, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    name, make, phrase = UNREADABLE[case]
    (tmp_path / name).write_bytes(make())
    before = snapshot(repo)
    code, out = run(repo, "import", "roster", str(tmp_path / name), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2, out
    assert phrase in out, out
    assert "Traceback" not in out and not ENGLISH.search(out.replace(name, "")), out
    assert out.count("\n") == 1, out  # one message
    assert snapshot(repo) == before


def test_a_sheet_name_that_does_not_exist_lists_the_sheets(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    code, out = run(repo, "import", "honor", str(DATA / "honor.xlsx"), "--sheet", "Sheet9", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "没有名为“Sheet9”的工作表" in out and "表彰名单" in out and "--sheet" in out, out
    assert not ENGLISH.search(out.replace("Sheet9", "")), out


def test_a_sheet_name_is_found_whatever_its_case_and_surrounding_spaces(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Sheet1 "
    book.active.append(["姓名", "单位"])
    book.active.append(["王五", "一中"])
    book.save(tmp_path / "r.xlsx")
    code, out = run(repo, "import", "roster", str(tmp_path / "r.xlsx"), "--sheet", "sheet1", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out


def test_sheet_option_on_a_csv_file_is_a_usage_error(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    sheet = write_csv(tmp_path / "r.csv", [["姓名", "单位"], ["王五", "一中"]])
    code, out = run(repo, "import", "roster", str(sheet), "--sheet", "名册", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "CSV 文件没有工作表" in out, out


def test_openpyxl_warnings_never_reach_staff(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    # A drop-down list that refers to another sheet, as office templates have: Excel stores it as an extension,
    # and openpyxl warns in English ("Data Validation extension is not supported and will be removed").
    data = _workbook_bytes(A1="姓名", B1="单位", A2="王五", B2="一中")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    extension = '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"/></extLst></worksheet>'
    (tmp_path / "r.xlsx").write_bytes(_rezip(data, replace={"xl/worksheets/sheet1.xml": sheet.replace("</worksheet>", extension).encode()}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, out = run(repo, "import", "roster", str(tmp_path / "r.xlsx"), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
