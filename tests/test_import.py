"""`leifeng import honor|roster`: the sample spreadsheets, matching, idempotence, and every kind of bad input."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
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
