"""`leifeng import honor|roster FILE`: records from an Excel sheet or a CSV file.

Honour lists and volunteer rosters reach a publicity department as Excel files
(from the 文明办, or exported from a volunteer platform). This turns them into
one YAML file per record, the files staff would have written by hand.

How a spreadsheet is read:

- `.xlsx` with openpyxl (every sheet, or `--sheet`); `.csv` in UTF-8, UTF-8
  with BOM, UTF-16 (Excel's "Unicode text") or GBK/GB18030 (what Excel on
  Chinese Windows saves), the encoding found is reported. A file that cannot
  be read (damaged, cut short, encrypted, empty, or an .xls/.et, Word file,
  zip, web page or CSV under another extension) is one Chinese message saying
  what to do (exit 2); no exception or warning of openpyxl or csv reaches staff.
- The table starts at the first row whose cells name at least two known
  columns, one of them the name (姓名 / 名称), below any title and blank rows.
  Known column names are the wordings of honour lists and recommendation
  forms (HEADERS below); `--map 列名=字段` names others. A 单位及职务 column
  is written whole as the unit and matched by its start to a volunteer's unit.
- Below the header, rows that hold only a note (（排名不分先后）, 注：…, 以上…,
  共计…, a 合计 row) are skipped with a notice, and rows numbered in advance
  and left empty are skipped. Padding inside all-Han names is dropped
  (王　芳 → 王芳); other names are kept as written. Numbers are read in any
  width (１２０, 1 280, ２０１６年).
- Above the table, an honour list may carry its details as "label | value"
  rows (名单标题 | 2024年度…, 级别 | 市级, 表彰日期 | 2024-03-05, 文号 | …), or
  one title row; options (--title, --level...) fill or override them.
- An honour list's category (类别/奖项) may be a column, a heading row inside
  the table (a row with only the category), merged cells, or the sheet name.

What is written:

- roster: `content/volunteers/<id>.yaml` per person. A row is first matched to
  an existing volunteer (same name and same unit, or same name and same region
  with no different unit); only unmatched rows make new files, with pinyin ids
  (zhang-wei, zhang-wei-2...). A roster without a consent column (同意公开)
  writes new volunteers as `draft: true` and says why: consent is never invented.
- honor: `content/honors/<id>.yaml`; a recipient who is an existing volunteer
  (same name, and same unit or region) becomes a `volunteer:` reference, an
  existing organisation or project (same name) a reference to it, anyone else
  a plain entry.

Nothing is written when any row is wrong: empty name, hours or years that are
not numbers, a value outside the site's vocabularies, and an ID number or a
mobile number in any cell of any sheet (refused, and shown masked). An existing
file whose content would change is not overwritten without `--force`. The
same input imported twice changes nothing the second time. `--dry-run` shows
what would be written and writes nothing.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import unicodedata
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..content.models import ID_RE, Honor, Organization, Project, Record, Volunteer
from ..content.privacy import KIND_LABELS
from ..content.settings import Settings
from ..content.validate import describe_model_error, find_personal_numbers
from .scaffold import person_id, title_id, unique_id

# --- column names ---------------------------------------------------------------

# field -> column names staff write (compared without spaces, brackets and colons), in the wordings of
# honour lists and recommendation forms (表彰名单, 推荐汇总表) as offices send them.
UNIT_WORDS = ("单位", "工作单位", "所在单位", "单位名称", "工作单位名称", "就职单位")
POSITION_WORDS = ("职务", "职位", "职称", "职务职称", "现任职务")
# Unit and position written in one cell ("江城市第二中学教师"): the whole text is the `unit`, as the list prints it;
# a volunteer already on the site is matched when the text starts with their unit (see split_unit_position).
UNIT_POSITION_WORDS = (
    "单位及职务",
    "工作单位及职务",
    "所在单位及职务",
    "单位和职务",
    "工作单位和职务",
    "单位职务",
    "工作单位职务",
    "单位及职务职称",
    "工作单位及职务职称",
)
DEED_WORDS = (
    "事迹",
    "主要事迹",
    "简要事迹",
    "先进事迹",
    "事迹简介",
    "一句话事迹",
    "主要事迹简介",
    "主要先进事迹",
    "简要先进事迹",
    "事迹摘要",
)
ROSTER_HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "记录编号", "ID"),
    "name": ("姓名", "志愿者姓名", "名字", "志愿者"),
    "region": ("地区", "所在地区", "区域", "所在地", "地域", "区县"),
    "unit": UNIT_WORDS,
    "position": POSITION_WORDS,
    "unit_position": UNIT_POSITION_WORDS,
    "service_hours": ("服务时长", "志愿服务时长", "累计服务时长", "累计志愿服务时长", "服务小时数", "时长", "服务时间小时"),
    "fields": ("服务领域", "领域", "服务类别", "服务类型", "志愿服务领域"),
    "organization": ("所属组织", "组织", "志愿服务组织", "所属队伍", "服务队", "所在组织"),
    "since": ("开始年份", "参加志愿服务时间", "参加时间", "注册年份", "注册时间", "开始时间"),
    "headline": ("一句话简介", "简介"),
    "quote": ("志愿感言", "感言"),
    "bio": ("个人事迹", *DEED_WORDS),
    "birth_year": ("出生年份", "出生年", "出生年月"),
    "consent.publish": ("同意公开", "是否同意公开", "同意公开个人信息", "是否同意公开个人信息"),
    "consent.portrait": ("同意使用肖像", "是否同意使用肖像", "肖像授权", "同意使用照片", "是否同意使用照片"),
    "consent.date": ("同意日期", "签署日期"),
    "consent.by": ("同意人",),
}
HONOR_HEADERS: dict[str, tuple[str, ...]] = {
    "category": ("类别", "奖项", "荣誉称号", "表彰类别", "获奖类别", "称号", "奖项名称", "类型"),
    "name": ("姓名", "名称", "姓名或名称", "获奖者", "受表彰者", "单位或个人", "集体名称", "项目名称", "组织名称"),
    "unit": UNIT_WORDS,
    "position": POSITION_WORDS,
    "unit_position": UNIT_POSITION_WORDS,
    "region": ("地区", "所在地区", "区域", "所在地", "区县"),
    "deed": DEED_WORDS,
}
SERIAL_HEADERS = ("序号", "编号序号", "排名", "序", "No", "NO", "No.")
IGNORED_HEADERS = (*SERIAL_HEADERS, "备注")
HONOR_DETAILS: dict[str, tuple[str, ...]] = {
    "title": ("名单标题", "标题", "表彰名称", "名单名称", "表彰名单"),
    "level": ("级别", "表彰级别", "荣誉级别"),
    "awarded_by": ("授予单位", "表彰单位", "发文单位", "授予机关"),
    "date": ("表彰日期", "日期", "发文日期", "授予日期"),
    "document": ("文号", "发文字号", "文件号"),
    "order": ("排序", "排序方式", "名单排序"),
    "summary": ("简介", "说明"),
}
ORDER_WORDS = {
    "名单顺序": "名单顺序",
    "按名单顺序": "名单顺序",
    "拼音": "拼音",
    "按拼音": "拼音",
    "拼音排序": "拼音",
    "按拼音排序": "拼音",
    "姓氏笔画": "姓氏笔画",
    "笔画": "姓氏笔画",
    "按姓氏笔画": "姓氏笔画",
    "按姓氏笔画排序": "姓氏笔画",
    "姓氏笔画排序": "姓氏笔画",
}
YES = {"是", "同意", "已同意", "y", "yes", "true", "1", "√", "✓", "✔", "有"}
NO = {"否", "不同意", "未同意", "n", "no", "false", "0", "×", "✗", "无", "不"}
LIST_SPLIT = re.compile(r"[、,，;；/\s]+")


class ImportUsageError(Exception):
    """The command line or the file itself cannot be used (exit 2)."""


def _norm(header: str) -> str:
    """A column name as compared: no spaces, required marks, bracketed units or trailing colons."""
    text = re.sub(r"\s+", "", str(header)).strip("*＊:：")
    return re.sub(r"[（(][^）)]*[）)]$", "", text) or text


def _lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_norm(alias): key for key, aliases in table.items() for alias in aliases}


# --- reading files --------------------------------------------------------------------


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]  # raw cell values; row i of the list is spreadsheet row i + 1
    kind: str = "工作表"  # "文件" for a CSV file, which has no sheets
    # Cells merged down one column (first row, column index, last row): the value sits in the first row only.
    merged_down: list[tuple[int, int, int]] = field(default_factory=list)


def _decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding in words): UTF-8 (with or without BOM), UTF-16, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8（带 BOM）"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16（Excel“Unicode 文本”）"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GBK（GB18030）"
    except UnicodeDecodeError:
        raise ImportUsageError("CSV 文件的编码无法识别（不是 UTF-8，也不是 GBK）：请在 Excel 中另存为“CSV UTF-8”或 .xlsx") from None


def read_sheets(path: Path, only: str | None = None) -> tuple[list[Sheet], str]:
    """The sheets of a spreadsheet and a note on how it was read.

    Every way a file can fail to be a readable table (damaged, encrypted, another format under the
    wrong extension, empty) is one ImportUsageError saying what to do; nothing from openpyxl or csv,
    exception or warning, reaches staff.
    """
    if path.is_dir():
        raise ImportUsageError(f"{path} 是文件夹，不是表格：请写出要导入的 .xlsx 或 .csv 文件")
    if not path.is_file():
        raise ImportUsageError(f"找不到文件 {path}")
    name, suffix = path.name, path.suffix.lower()
    if name.startswith("~$"):
        raise ImportUsageError(f"{name} 是 Excel 或 WPS 打开表格时留下的临时文件，不是表格本身：请导入不带“~$”的原文件 {name[2:]}")
    if suffix in (".xls", ".et", ".ods", ".numbers"):
        raise ImportUsageError(f"不支持 {suffix} 文件：请在 Excel 或 WPS 中“另存为” .xlsx 或 CSV 后再导入")
    if suffix not in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm"):
        raise ImportUsageError(f"不认识的文件类型 {path.suffix or '（无扩展名）'}：请使用 .xlsx 或 .csv")
    try:
        data = path.read_bytes()
    except OSError:
        raise ImportUsageError(f"无法打开 {name}：文件可能正在被 Excel 或 WPS 使用，或没有读取权限。关闭该文件后重试") from None
    if not data:
        raise ImportUsageError(f"无法读取 {name}：文件是空的（0 字节），可能没有保存完整或复制时出错。请重新从原处取得文件")
    found = _file_kind(data)
    if suffix in (".csv", ".txt", ".tsv"):
        if only is not None:
            raise ImportUsageError(f"CSV 文件没有工作表，不需要 --sheet：去掉 --sheet {only} 再导入")
        if found not in ("text", "markup"):
            raise ImportUsageError(_wrong_kind(name, suffix, found, data))
        sheets, note = _read_csv(name, data)
    else:
        if found != "workbook":
            raise ImportUsageError(_wrong_kind(name, suffix, found, data))
        sheets, note = _read_workbook(name, data, only)
    if not any(cell_text(v) for sheet in sheets for row in sheet.rows for v in row):
        where = f"工作表“{sheets[0].name}”" if only is not None else name
        raise ImportUsageError(f"{where} 中没有任何内容（所有格子都是空的）：请确认选对了文件，表格已经填好并保存")
    return sheets, note


def _file_kind(data: bytes) -> str:
    """What the bytes are, whatever the extension says.

    workbook (a zip with xl/ parts), zip (any other zip), broken (a zip or OLE2 file cut short), encrypted
    (a workbook with a password to open: an OLE2 file holding EncryptedPackage), word (an old .doc),
    ole (any other OLE2 file: an old .xls, or a WPS .et), markup (HTML or XML), text or binary.
    """
    import olefile

    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "workbook" if any(n.startswith("xl/") for n in archive.namelist()) else "zip"
    if data.startswith(b"PK\x03\x04"):
        return "broken"  # a zip whose end is missing: a download or copy that stopped half-way
    if olefile.isOleFile(data=data):
        try:
            with olefile.OleFileIO(data) as ole:
                return "encrypted" if ole.exists("EncryptedPackage") else "word" if ole.exists("WordDocument") else "ole"
        except OSError:  # olefile's OleFileError: sectors missing
            return "broken"
    head = data[:4096]
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"<", b"\xff\xfe<", b"\xfe\xff\x00<")):
        return "markup"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16, as Excel saves "Unicode 文本"
    return "binary" if b"\x00" in head else "text"


def _wrong_kind(name: str, suffix: str, found: str, data: bytes) -> str:
    """Why a file that is not what its extension says (or is damaged) cannot be read, and what to do."""
    save_as = "请用 Excel 或 WPS 打开，“另存为” Excel 工作簿（.xlsx）后再导入"
    paste = "请把其中的名单复制到 Excel 中，保存为 .xlsx 再导入"
    if found == "zip":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
        found = "docx" if any(n.startswith("word/") for n in names) else "pptx" if any(n.startswith("ppt/") for n in names) else "zip"
    why = {
        "workbook": f"它其实是 Excel 工作簿（.xlsx），只是扩展名写成了 {suffix}。把扩展名改为 .xlsx 再导入",
        "encrypted": "它设置了打开密码（文件已加密）。请在 Excel 中打开，点“文件 > 信息 > 保护工作簿 > 用密码进行加密”，"
        "清空密码后保存（WPS：“文件 > 文档加密 > 密码加密”，清空打开密码），再导入",
        "ole": f"它其实是老式的 Excel 97-2003（.xls）或 WPS 表格（.et）文件，只是扩展名写成了 {suffix}。{save_as}",
        "word": f"它其实是 Word 文档，不是表格。{paste}",
        "docx": f"它其实是 Word 文档（.docx），不是 Excel 工作簿。{paste}",
        "pptx": f"它其实是演示文稿（.pptx），不是 Excel 工作簿。{paste}",
        "zip": "它是一个压缩包，不是 Excel 工作簿。请先解压，再导入其中的 .xlsx 或 .csv 文件",
        "broken": "文件不完整（可能没有下载完，或复制时中断）。请重新从原处取得文件；Excel 或 WPS 仍能打开的，“另存为”一份新的 .xlsx 再导入",
        "markup": f"它其实是网页（HTML）或 XML 格式的表格（一些系统导出的表格是这样），只是扩展名写成了 {suffix}。{save_as}",
        "text": f"它其实是文本文件，只是扩展名写成了 {suffix}。如果是 CSV，把扩展名改为 .csv 再导入；否则{save_as}",
    }.get(found, "它不是 Excel 工作簿，也不是 CSV 文件。请确认选对了文件；Excel 或 WPS 能打开的，“另存为” .xlsx 再导入")
    return f"无法读取 {name}：{why}"


def _read_csv(name: str, data: bytes) -> tuple[list[Sheet], str]:
    text, encoding = _decode_csv(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = [list(row) for row in reader]
    except csv.Error:
        raise ImportUsageError(
            f'无法读取 {name}：第 {reader.line_num} 行附近的 CSV 格式有误（可能有不成对的英文引号 "）。'
            "请用 Excel 或 WPS 打开这个文件检查，再“另存为” CSV UTF-8 或 .xlsx 后导入"
        ) from None
    return [Sheet(name, rows, "文件")], f"编码：{encoding}"


def _read_workbook(name: str, data: bytes, only: str | None) -> tuple[list[Sheet], str]:
    import openpyxl

    try:
        # openpyxl warns in English about parts it does not keep (drop-down lists, conditional formats, shapes):
        # none of them matter for reading the cells, so staff never see these warnings.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
            worksheets = book.worksheets
            sheets = [
                Sheet(
                    ws.title,
                    [list(r) for r in ws.iter_rows(values_only=True)],
                    merged_down=[
                        (m.min_row, m.min_col - 1, m.max_row)
                        for m in ws.merged_cells.ranges
                        if m.min_col == m.max_col and m.max_row > m.min_row
                    ],
                )
                for ws in worksheets
            ]
    except Exception:  # openpyxl raises many kinds (KeyError, ParseError, ValueError...) for a damaged workbook
        raise ImportUsageError(
            f"无法读取 {name}：文件已损坏。请用 Excel 或 WPS 打开它（Excel 会提示修复），“另存为”一份新的 .xlsx 再导入"
        ) from None
    if not sheets:
        raise ImportUsageError(f"{name} 中没有工作表（只有图表）：请把名单放在工作表中保存后再导入")
    if only is not None:
        wanted = only.strip().casefold()
        chosen = [s for s in sheets if s.name == only] or [s for s in sheets if s.name.strip().casefold() == wanted]
        if not chosen:
            names = "、".join(f"“{s.name}”" for s in sheets)
            raise ImportUsageError(f"{name} 中没有名为“{only}”的工作表（有：{names}）：--sheet 后请写其中之一")
        sheets = chosen[:1]
    return sheets, f"工作表：{'、'.join(s.name for s in sheets)}"


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a spurious `.0`, dates as 年-月-日, spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def _is_han(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


_PADDING = re.compile(r"[\s\u200b\ufeff]+")  # every kind of space (ASCII, U+3000, no-break) and zero-width ones


def tidy_name(text: str) -> str:
    """A name without the spaces that line two-character names up with three-character ones (王　芳, 李  强 → 王芳, 李强).

    Only a name made of Han characters alone loses its inner spaces: 阿依古丽·买买提, David Li or
    any name with a Latin letter, a digit or a mark keeps them, as written.
    """
    text = text.strip()
    letters = _PADDING.sub("", text)
    return letters if letters and all(_is_han(c) for c in letters) else text


def _squeeze(text: str) -> str:
    """Text as compared for matching: without any space."""
    return _PADDING.sub("", text or "")


def typed_number(text: str) -> str:
    """A number as any input method types it, folded to ASCII: full-width digits, signs and points (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- problems -----------------------------------------------------------------------


@dataclass
class Report:
    source: str
    note: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    actions: list[tuple[str, str, str]] = field(default_factory=list)  # (verb, path, text)
    dry_run: bool = False
    written: bool = False

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    def text(self) -> str:
        lines = [f"读取 {self.source}（{self.note}）" if self.note else f"读取 {self.source}"]
        if self.errors:
            lines.append("")
            lines.append(f"发现 {len(self.errors)} 个问题，没有写入任何文件：")
            lines += [f"  ✗ {e}" for e in self.errors]
        if self.warnings:
            lines.append("")
            lines.append("请注意：")
            lines += [f"  ! {w}" for w in self.warnings]
        if not self.errors:
            lines.append("")
            counts: dict[str, int] = defaultdict(int)
            for verb, path, text in self.actions:
                counts[verb] += 1
                prefix = "将" if self.dry_run and verb != "无变化" else ""
                lines.append(f"  {prefix}{verb} {path}")
                if self.dry_run and verb != "无变化":
                    lines += ["    | " + line for line in text.rstrip("\n").split("\n")]
            summary = "，".join(f"{verb} {n} 个" for verb, n in counts.items()) or "没有记录"
            lines.append("")
            lines.append(("试运行（--dry-run），没有写入任何文件。" if self.dry_run else "完成。") + summary + "。")
            if not self.dry_run and any(v in ("新建", "更新") for v, _, _ in self.actions):
                lines.append("请运行 leifeng check 检查，再提交合并请求。")
        return "\n".join(lines)


def _where(sheet: Sheet, row: int, col: int | None = None, header: str = "") -> str:
    place = f"{sheet.kind}“{sheet.name}”第 {row} 行"
    if col is not None:
        place += f" {column_letter(col)} 列" + (f"（{header}）" if header else "")
    return place


_LONG_DIGITS = re.compile(r"(?<![0-9])\d{15,18}[0-9Xx]?(?![0-9])")


def scan_personal_numbers(sheets: list[Sheet], report: Report, headers: dict[str, dict[int, str]]) -> None:
    """Every ID number or mobile number, in any cell of any sheet, is an error; shown masked."""
    for sheet in sheets:
        names = headers.get(sheet.name, {})
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row):
                text = unicodedata.normalize("NFKC", cell_text(value))  # full-width digits read as digits
                if not text:
                    continue
                found = list(find_personal_numbers(text))
                for _, kind, masked in found:
                    what = KIND_LABELS[kind]
                    report.errors.append(
                        f"{_where(sheet, r, c, names.get(c, ''))}：含有{what}（{masked}），不得导入。请从表格中删去后重新导入"
                    )
                if not found:
                    for match in _LONG_DIGITS.finditer(text):
                        number = match.group(0)
                        masked = number[:3] + "*" * (len(number) - 7) + number[-4:]
                        report.errors.append(
                            f"{_where(sheet, r, c, names.get(c, ''))}：含有疑似证件号码的长数字（{masked}），不得导入。请从表格中删去后重新导入"
                        )


# --- tables -------------------------------------------------------------------------------


@dataclass
class Table:
    sheet: Sheet
    header_row: int  # 1-based
    columns: dict[int, str]  # column index -> field
    names: dict[int, str]  # column index -> the header as written
    unknown: list[str]
    above: list[tuple[int, list[str]]]  # rows above the header: (row number, cell texts)
    serials: set[int] = field(default_factory=set)  # columns of serial numbers (序号)
    notes: dict[int, str] = field(default_factory=dict)  # rows below the header that hold only a note: row -> its text


# A row that holds only a note, as lists end (or begin): （排名不分先后）, 注：…, 以上…, 共计…, 合计 (with the sums), 填表人：…
# Matched on the row's first filled cell, folded by NFKC (full-width brackets and colons as ASCII).
_NOTE = re.compile(
    r"(?:注|备注|说明|附注|注释)\s*\d*\s*(?::|$)"
    r"|以上|共计|合计|总计|小计|共\s*\d"
    r"|(?:填表人|填报人|制表人|审核人|联系人|负责人|填报单位|报送单位|推荐单位|填表日期|填报日期|制表日期|报送日期)\s*:"
    r"|排名不分先后|不分先后|(?:按|以)(?:姓氏笔画|拼音)"
)
_BRACKETED = re.compile(r"\([^()]*\)")  # the whole cell in brackets: （排名不分先后）; not （一）最美志愿者
_SERIAL = re.compile(r"\d+\s*[.、]?")


def note_text(texts: list[str]) -> str:
    """The text of a row that holds only a note (its filled cells joined by spaces), or ''."""
    filled = [t for t in texts if t]
    if not filled:
        return ""
    first = unicodedata.normalize("NFKC", filled[0])
    if _NOTE.match(first) or (len(filled) == 1 and _BRACKETED.fullmatch(first)):
        return " ".join(filled)
    return ""


def note_order(note: str) -> str:
    """The order a note gives (“以姓氏笔画为序”, “按拼音排序”), or ''."""
    return "姓氏笔画" if "姓氏笔画" in note else "拼音" if "拼音" in note else ""


def parse_map(items: Iterable[str], allowed: Iterable[str]) -> dict[str, str]:
    """`--map 列名=字段` options: {normalised column name: field, or '-' to leave the column out}."""
    allowed = list(allowed)
    mapping: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise ImportUsageError(f"--map 应写成 列名=字段，如 --map 志愿者姓名=name，而不是“{item}”")
        column, _, target = item.partition("=")
        column, target = column.strip(), target.strip()
        if not column or (target not in allowed and target != "-"):
            raise ImportUsageError(f"--map {item}：字段应为以下之一：{'、'.join(allowed)}，或 - （不导入这一列）")
        mapping[_norm(column)] = target
    return mapping


def _header_columns(texts: list[str], known: dict[str, str], mapping: dict[str, str]) -> dict[int, str]:
    """{column: field} for the cells of a row that name a known column."""
    columns: dict[int, str] = {}
    for c, text in enumerate(texts):
        if not text:
            continue
        key = _norm(text)
        target = mapping.get(key, known.get(key))
        if target and target != "-" and target not in columns.values():
            columns[c] = target
    return columns


def find_table(sheet: Sheet, known: dict[str, str], mapping: dict[str, str]) -> Table | None:
    """The first row naming at least two known columns, one of them the name.

    A header may take two rows: a group title merged over the columns below it (工作单位及职务 over
    单位 | 职务). The row under the header is its second row when its name cell is empty and each of
    its filled cells names a column; those names win.
    """
    ignored = {_norm(h) for h in IGNORED_HEADERS} | {k for k, v in mapping.items() if v == "-"}
    for r, row in enumerate(sheet.rows, start=1):
        texts = [cell_text(v) for v in row]
        columns = _header_columns(texts, known, mapping)
        if "name" not in columns.values():
            continue
        last = r
        if r < len(sheet.rows):
            below = [cell_text(v) for v in sheet.rows[r]]
            below += [""] * (len(texts) - len(below))
            sub = _header_columns(below, known, mapping)
            name_column = next(c for c, f in columns.items() if f == "name")
            filled = [c for c, t in enumerate(below) if t]
            if sub and not below[name_column] and all(c in sub or _norm(below[c]) in ignored for c in filled):
                columns = {c: f for c, f in columns.items() if c in sub or f not in sub.values()} | sub
                texts = [b or t for t, b in zip(texts + [""] * (len(below) - len(texts)), below, strict=True)]
                last = r + 1
        if len(columns) < 2:
            continue
        names = {c: texts[c] for c in range(len(texts)) if texts[c]}
        unknown = [texts[c] for c in names if c not in columns and _norm(texts[c]) not in ignored]
        above = [(i, [cell_text(v) for v in sheet.rows[i - 1]]) for i in range(1, r)]
        serials = {c for c in names if _norm(texts[c]) in {_norm(h) for h in SERIAL_HEADERS}}
        notes = {}
        for following in range(last + 1, len(sheet.rows) + 1):
            note = note_text([cell_text(v) for v in sheet.rows[following - 1]])
            if note:
                notes[following] = note
        return Table(sheet, last, columns, names, unknown, above, serials, notes)
    return None


def data_rows(table: Table) -> Iterator[tuple[int, dict[str, str], dict[str, int], list[str]]]:
    """(row number, {field: text}, {field: column}, all cell texts) for each row below the header that holds a record.

    Left out: empty rows, rows that hold only a note (table.notes, reported by _tables), and rows
    numbered in advance and left empty (only a serial number, in any width). Names lose their padding.
    """
    columns_of = {f: c for c, f in table.columns.items()}
    # A cell merged down a column below the header (a unit, a category written once for several rows) belongs to each row.
    merged = [(first, c, last) for first, c, last in table.sheet.merged_down if first > table.header_row]
    for r in range(table.header_row + 1, len(table.sheet.rows) + 1):
        texts = [cell_text(v) for v in table.sheet.rows[r - 1]]
        for first, c, last in merged:
            if first < r <= last and c < len(texts):
                texts[c] = cell_text(table.sheet.rows[first - 1][c])
        filled = [c for c, t in enumerate(texts) if t]
        if not filled or r in table.notes:
            continue
        if all(c in table.serials and _SERIAL.fullmatch(typed_number(texts[c])) for c in filled):
            continue
        values = {f: (texts[c] if c < len(texts) else "") for f, c in columns_of.items()}
        if values.get("name"):
            values["name"] = tidy_name(values["name"])
        yield r, values, columns_of, texts


# --- values -------------------------------------------------------------------------------


def parse_number(text: str) -> float | None:
    """`120`, `120.5`, `120小时`, `1,280 h`, `１２０．５`, `1 280` -> a number; None when it is not one."""
    cleaned = re.sub(r"\s*(小时|个小时|h|H|hrs?)$", "", typed_number(text).replace(",", ""))
    if re.fullmatch(r"[+-]?\d{1,3}(?:\s\d{3})+(?:\.\d+)?", cleaned):  # thousands set apart by spaces
        cleaned = re.sub(r"\s", "", cleaned)
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if number == number and number not in (float("inf"), float("-inf")) else None


def parse_year(text: str) -> int | None:
    """`2013`, `2013年`, `2013 年3月`, `2013.05`, `２０１３年` -> 2013; None when there is no four-digit year first."""
    match = re.fullmatch(r"(\d{4})(?:\s*年.*|[-/.]\d{1,2}(?:[-/.]\d{1,2})?(?: .*)?|)", typed_number(text))
    return int(match.group(1)) if match else None


def parse_date(text: str) -> dt.date | None:
    """`2024-03-05`, `2024/3/5`, `2024.3.5`, `2024年3月5日`, or an Excel date."""
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s.*)?", typed_number(text))
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def parse_yes(text: str) -> bool | None:
    word = typed_number(text).lower()
    if word in YES:
        return True
    if word in NO or word == "":
        return False
    return None


def number_value(number: float) -> int | float:
    return int(number) if float(number).is_integer() else number


# --- existing records -------------------------------------------------------------------------


def load_existing(folder: Path, report: Report) -> dict[str, dict]:
    """{id: data} of the YAML records in a folder; unreadable files are reported and left alone."""
    records: dict[str, dict] = {}
    if not folder.is_dir():
        return records
    for path in sorted(folder.glob("*.yaml"), key=lambda p: p.stem):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            report.warnings.append(f"{path.name} 无法读取（运行 leifeng check 查看原因），导入时没有与它比对")
            continue
        if isinstance(data, dict):
            records[path.stem] = data
    return records


def _same(a: Any, b: Any) -> bool:
    return bool(a) and bool(b) and str(a).strip() == str(b).strip()


def match_volunteer(existing: dict[str, dict], name: str, unit: str, region: str, *, allow_bare: bool, combined: str = "") -> list[str]:
    """Ids of existing volunteers who are this person: same name, and the same unit, or the same region and no other unit.

    `combined` is a 单位及职务 cell: it is the same unit when it starts with the volunteer's unit.
    Names are compared without padding (王　芳 is 王芳). With `allow_bare`, a row with neither unit
    nor region matches a volunteer who has neither (so a roster of bare names imports the same way twice).
    """
    found = []
    name = tidy_name(name)
    for vid, data in existing.items():
        if tidy_name(str(data.get("name", ""))) != name:
            continue
        their_unit, their_region = data.get("unit"), data.get("region")
        if _same(unit, their_unit) or (not unit and combined and split_unit_position(combined, str(their_unit or ""), "")):
            found.append(vid)
        elif _same(region, their_region) and not ((unit or combined) and their_unit):
            found.append(vid)
        elif allow_bare and not unit and not combined and not region and not their_unit and not their_region:
            found.append(vid)
    return found


_JOINERS = " ,，、/／·-—"


def split_unit_position(combined: str, unit: str, position: str) -> tuple[str, str] | None:
    """A 单位及职务 cell read against a known unit: (unit, position) when the cell starts with that unit, else None.

    The position is what follows the unit (江城市第二中学教师 → 教师), or the known position when
    nothing follows or the same does (spaces ignored).
    """
    text, start = _squeeze(combined), _squeeze(unit)
    if not start or not text.startswith(start):
        return None
    rest = text[len(start) :].strip(_JOINERS)
    return unit, (position if not rest or rest == _squeeze(position) else rest)


def unit_and_position(values: dict[str, str]) -> tuple[str, str]:
    """A row's unit and position: from their own columns, or from a 单位及职务 cell, written whole as the unit.

    The whole cell is kept as the unit (the list prints it so, and no rule splits 东湖区青山街道桂花园社区党委书记
    reliably); only with a separate 单位 or 职务 column is the other part taken out of it.
    """
    unit, position, combined = values.get("unit", ""), values.get("position", ""), values.get("unit_position", "")
    if not combined:
        return unit, position
    if unit:
        split = split_unit_position(combined, unit, position)
        return unit, split[1] if split else position
    if position and combined.endswith(position) and len(combined) > len(position):
        return combined[: -len(position)].strip(_JOINERS), position
    return combined, position


# --- writing ---------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _list(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
    flow = all(not isinstance(v, (dict, list)) for v in value)  # [助老服务, 社区治理]; entries with fields as blocks
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(list, _list)


def dump_record(data: dict, cls: type[Record], comments: list[str] = ()) -> str:
    """A record as YAML, fields in the model's order; unknown keys (kept from an existing file) last."""
    order = list(cls.model_fields)
    ordered = {k: data[k] for k in order if k in data and data[k] not in (None, "", [], {})}
    ordered.update({k: v for k, v in data.items() if k not in ordered and k not in order})
    text = yaml.dump(ordered, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=False)
    return "".join(f"# {c}\n" for c in comments) + text


def _clean(data: Any) -> Any:
    """Data as compared: empty values dropped, whole floats as ints."""
    if isinstance(data, dict):
        return {k: _clean(v) for k, v in data.items() if v not in (None, "", [], {})}
    if isinstance(data, list):
        return [_clean(v) for v in data]
    if isinstance(data, float) and data.is_integer():
        return int(data)
    return data


@dataclass
class Planned:
    path: Path
    cls: type[Record]
    data: dict
    comments: list[str]
    existing: dict | None
    where: str


def _validate(planned: Planned, report: Report) -> None:
    try:
        planned.cls.model_validate(planned.data)
    except ValidationError as exc:
        for error in exc.errors():
            message, hint, _ = describe_model_error(planned.cls, error)
            report.errors.append(f"{planned.where}：{message}" + (f"（{hint}）" if hint else ""))


def settle(plans: list[Planned], report: Report, settings: Settings, *, force: bool, dry_run: bool) -> None:
    """Decide each file (新建 / 更新 / 无变化), refuse changed files without --force, then write all or nothing."""
    for plan in plans:
        _validate(plan, report)
    rel = lambda p: _relative(p, settings)  # noqa: E731
    for plan in plans:
        text = dump_record(plan.data, plan.cls, plan.comments)
        if plan.existing is None and not plan.path.exists():
            report.actions.append(("新建", rel(plan.path), text))
        elif plan.existing is not None and _clean(plan.existing) == _clean(plan.data):
            report.actions.append(("无变化", rel(plan.path), text))
        elif force:
            report.actions.append(("更新", rel(plan.path), text))
        else:
            changed = _differences(plan.existing or {}, plan.data)
            report.errors.append(
                f"{rel(plan.path)} 已存在，与表格（{plan.where}）不同的字段：{changed}。没有覆盖；核对后如要以表格为准更新，加 --force 重新导入"
            )
    if report.errors or dry_run:
        return
    for verb, path, text in report.actions:
        if verb in ("新建", "更新"):
            target = settings.root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    report.written = True


def _short(value: Any) -> str:
    text = str(_clean(value)) if not isinstance(value, str) else value
    return text if len(text) <= 24 else text[:23] + "…"


def _differences(before: dict, after: dict) -> str:
    """`service_hours（文件 1280，表格 1350）、fields`: what an update would change."""
    old, new = _clean(before), _clean(after)
    parts = []
    for key in dict.fromkeys([*old, *new]):
        if old.get(key) == new.get(key):
            continue
        if isinstance(old.get(key), (dict, list)) or isinstance(new.get(key), (dict, list)):
            parts.append(key)
        else:
            parts.append(f"{key}（文件 {_short(old.get(key, '（无）'))}，表格 {_short(new.get(key, '（无）'))}）")
    return "、".join(parts) or "（格式）"


def _relative(path: Path, settings: Settings) -> str:
    try:
        return path.resolve().relative_to(settings.root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# --- roster -----------------------------------------------------------------------------------


def _field_words(text: str, settings: Settings) -> tuple[list[str], list[str]]:
    """(known service fields, unknown words) of a cell like `助老服务、社区治理`."""
    by_name = {word: settings.fields[slug] for word, slug in settings.field_by_name.items()}
    known, unknown = [], []
    for word in LIST_SPLIT.split(text):
        if not word:
            continue
        if word in by_name:
            if by_name[word] not in known:
                known.append(by_name[word])
        else:
            unknown.append(word)
    return known, unknown


def import_roster(sheets: list[Sheet], settings: Settings, report: Report, mapping: dict[str, str], *, force: bool, dry_run: bool) -> None:
    known = _lookup(ROSTER_HEADERS)
    tables = _tables(sheets, known, mapping, report, "姓名")
    if not tables:
        return
    folder = settings.content_dir / Volunteer.folder
    existing = load_existing(folder, report)
    organizations = load_existing(settings.content_dir / Organization.folder, report)
    org_by_name = {str(d.get("name", "")).strip(): oid for oid, d in organizations.items()}
    taken = {p.stem for p in folder.glob("*.yaml")} if folder.is_dir() else set()
    has_consent = any("consent.publish" in t.columns.values() for t in tables)
    plans: list[Planned] = []
    seen: dict[tuple[str, str, str], str] = {}
    claimed: dict[str, str] = {}
    for table in tables:
        for r, values, cols, _ in data_rows(table):
            where = _where(table.sheet, r)
            name = values.get("name", "")
            if not name:
                report.errors.append(f"{_where(table.sheet, r, cols['name'], table.names.get(cols['name'], ''))}：姓名为空")
                continue
            (unit, _), region = unit_and_position(values), values.get("region", "")
            combined = unit if unit == values.get("unit_position") else ""  # the whole 单位及职务 cell, matched by its start
            key = (name, unit, region)
            if key in seen:
                report.errors.append(f"{where}：与{seen[key]}重复（姓名、单位、地区都相同）")
                continue
            seen[key] = f"第 {r} 行"
            row = _roster_values(table, r, values, cols, settings, org_by_name, report)
            if row is None:
                continue
            rid = values.get("id", "")
            if rid:
                if not ID_RE.match(rid):
                    report.errors.append(f"{where}：编号“{rid}”无效，只能用小写英文字母、数字和连字符")
                    continue
                matches = [rid] if rid in existing else []
            else:
                matches = match_volunteer(existing, name, "" if combined else unit, region, allow_bare=True, combined=combined)
            if len(matches) > 1:
                report.errors.append(
                    f"{where}：{name} 与已有的 {'、'.join(matches)} 都相符，无法确定是哪一位。请在表格中加“编号”列，填写对应的编号"
                )
                continue
            comments: list[str] = []
            if matches:
                vid = matches[0]
                if vid in claimed:
                    report.errors.append(f"{where}：与{claimed[vid]}是同一位志愿者（{vid}）")
                    continue
                before = existing[vid]
                split = (
                    split_unit_position(combined, str(before.get("unit") or ""), str(before.get("position") or "")) if combined else None
                )
                if split:  # 单位及职务 read against the unit on file: only a different position is a change
                    row = {**row, "unit": split[0], **({"position": split[1]} if split[1] else {})}
                data = _merge(before, row)
            else:
                vid = rid or unique_id(person_id(name), taken)
                before = None
                data = dict(row)
            claimed[vid] = f"第 {r} 行"
            taken.add(vid)
            reason = _draft_reason(data, before, has_consent, values, settings)
            if reason:
                data = {"draft": True, **{k: v for k, v in data.items() if k != "draft"}}
                if before is None or not before.get("draft"):
                    comments = [f"草稿：{reason}"]
                    if before is not None:
                        report.warnings.append(f"{where}：{name}（{vid}）{reason}，改为草稿")
            plans.append(Planned(folder / f"{vid}.yaml", Volunteer, data, comments, before, where))
    if not has_consent and any(plan.existing is None for plan in plans):
        report.warnings.append(
            "表格中没有“同意公开”（或“是否同意公开”）列：新建的志愿者都写为草稿（draft: true），不会发布。"
            "取得本人（未满十四周岁由监护人）同意后，在文件中填写 consent 并删除 draft"
        )
    if not plans and not report.errors:
        report.warnings.append("表格中没有志愿者数据行")
    settle(plans, report, settings, force=force, dry_run=dry_run)


def _tables(sheets: list[Sheet], known: dict[str, str], mapping: dict[str, str], report: Report, name_word: str) -> list[Table]:
    tables, headers = [], {}
    for sheet in sheets:
        table = find_table(sheet, known, mapping)
        if table is None:
            if any(cell_text(v) for row in sheet.rows for v in row):
                report.warnings.append(f"{sheet.kind}“{sheet.name}”中找不到表头（需要“{name_word}”列和至少一个其他已知列），已跳过")
            continue
        tables.append(table)
        headers[sheet.name] = table.names
        for r, note in table.notes.items():
            shown = note if len(note) <= 40 else note[:39] + "…"
            report.warnings.append(f"{_where(sheet, r)}：“{shown}”是说明文字，不是名单中的一条，已跳过")
        private = [h for h in table.unknown if re.search(r"电话|手机|身份证|证件|住址|联系方式", h)]
        others = [h for h in table.unknown if h not in private]
        if others:
            report.warnings.append(f"{sheet.kind}“{sheet.name}”中这些列没有导入：{'、'.join(others)}（如需导入，用 --map 列名=字段）")
        if private:
            report.warnings.append(
                f"{sheet.kind}“{sheet.name}”中的{'、'.join(private)}列不会导入：个人联系方式、证件号码和住址不在网站上公开"
            )
    scan_personal_numbers(sheets, report, headers)
    if not tables and not report.errors:
        report.errors.append(
            f"没有找到可以导入的表格：表头一行须有“{name_word}”列，以及单位、地区等至少一个已知列（其他列名可用 --map 列名=字段 指定）"
        )
    return tables


def _roster_values(
    table: Table, r: int, values: dict[str, str], cols: dict[str, int], settings: Settings, org_by_name: dict[str, str], report: Report
) -> dict | None:
    """A roster row as volunteer fields; problems reported, None when the row is wrong."""
    sheet = table.sheet
    at = lambda f: _where(sheet, r, cols[f], table.names.get(cols[f], ""))  # noqa: E731
    data: dict[str, Any] = {"name": values["name"]}
    ok = True
    for key in ("region", "headline", "quote", "bio"):
        if values.get(key):
            data[key] = values[key]
    unit, position = unit_and_position(values)
    data.update({k: v for k, v in (("unit", unit), ("position", position)) if v})
    if values.get("service_hours"):
        hours = parse_number(values["service_hours"])
        if hours is None:
            report.errors.append(f"{at('service_hours')}：服务时长“{values['service_hours']}”不是数字（应填小时数，如 120 或 120.5）")
            ok = False
        elif hours < 0:
            report.errors.append(f"{at('service_hours')}：服务时长不能为负数")
            ok = False
        else:
            data["service_hours"] = number_value(hours)
    for key, label in (("since", "开始年份"), ("birth_year", "出生年份")):
        if values.get(key):
            year = parse_year(values[key])
            if year is None:
                report.errors.append(f"{at(key)}：{label}“{values[key]}”应为四位年份，如 2013")
                ok = False
            else:
                data[key] = year
    if values.get("fields"):
        known, unknown = _field_words(values["fields"], settings)
        if unknown:
            report.errors.append(
                f"{at('fields')}：服务领域“{'、'.join(unknown)}”不在本站的可选范围内（可选：{'、'.join(settings.fields.values())}）"
            )
            ok = False
        data["fields"] = known
    if values.get("organization"):
        org = values["organization"]
        if org in org_by_name.values():
            data["organization"] = org
        elif org in org_by_name:
            data["organization"] = org_by_name[org]
        else:
            report.warnings.append(f"{at('organization')}：没有名为“{org}”的组织文件，未填写 organization（先新建该组织，再重新导入）")
    if "consent.publish" in cols:
        publish = parse_yes(values.get("consent.publish", ""))
        if publish is None:
            report.errors.append(f"{at('consent.publish')}：“{values['consent.publish']}”应为 是 或 否")
            ok = False
        elif publish:
            consent: dict[str, Any] = {"publish": True}
            if "consent.portrait" in cols:
                portrait = parse_yes(values.get("consent.portrait", ""))
                if portrait is None:
                    report.errors.append(f"{at('consent.portrait')}：“{values['consent.portrait']}”应为 是 或 否")
                    ok = False
                consent["portrait"] = bool(portrait)
            if values.get("consent.date"):
                date = parse_date(values["consent.date"])
                if date is None:
                    report.errors.append(f"{at('consent.date')}：同意日期“{values['consent.date']}”应为 年-月-日，如 2024-01-15")
                    ok = False
                consent["date"] = date
            if values.get("consent.by"):
                by = values["consent.by"]
                if by not in ("本人", "监护人"):
                    report.errors.append(f"{at('consent.by')}：同意人应为 本人 或 监护人，而不是“{by}”")
                    ok = False
                consent["by"] = by
            data["consent"] = consent
    return data if ok else None


def _merge(before: dict, row: dict) -> dict:
    """An existing volunteer updated with the row's filled cells; nothing the row leaves blank is erased."""
    merged = dict(before)
    for key, value in row.items():
        if key == "consent" and isinstance(before.get("consent"), dict):
            merged["consent"] = {**before["consent"], **value}
        else:
            merged[key] = value
    return merged


def _draft_reason(data: dict, before: dict | None, has_consent: bool, values: dict[str, str], settings: Settings) -> str:
    """Why this volunteer must stay unpublished, or ''."""
    if before is not None and not has_consent:
        return ""  # an existing record keeps its own consent
    consent = data.get("consent") or {}
    if not has_consent:
        return "名单中没有“同意公开”列，不能确认本人同意公开。取得同意后填写 consent 并删除 draft"
    if not consent.get("publish"):
        return "名单中此人没有同意公开。取得同意后填写 consent 并删除 draft"
    birth = data.get("birth_year")
    if isinstance(birth, int) and settings.build_date.year - birth <= 14 and consent.get("by") != "监护人":
        return f"{birth} 年出生，可能未满十四周岁，须由监护人同意（consent.by: 监护人）"
    return ""


# --- honour list ---------------------------------------------------------------------------------


HONOR_OPTIONS = ("title", "level", "awarded_by", "date", "document", "order")


def _details(tables: list[Table], report: Report) -> dict[str, tuple[str, str]]:
    """Honour details written above the table: {field: (value, where)}; a lone first line is the title."""
    lookup = _lookup(HONOR_DETAILS)
    found: dict[str, tuple[str, str]] = {}
    lone: list[tuple[str, str]] = []
    for table in tables:
        for r, texts in table.above:
            cells = [t for t in texts if t]
            if not cells:
                continue
            label, value = cells[0], " ".join(cells[1:])
            if not value and re.search(r"[:：]", label):
                label, value = re.split(r"[:：]", label, maxsplit=1)
            key = lookup.get(_norm(label))
            where = _where(table.sheet, r)
            if key is None:
                if len(cells) == 1 and not note_text(cells):  # a note such as （排名不分先后） is never the title
                    lone.append((cells[0], where))
                continue
            value = value.strip()
            if key in found and found[key][0] != value:
                report.errors.append(f"{where}：{label}“{value}”与{found[key][1]}的“{found[key][0]}”不同")
                continue
            found[key] = (value, where)
    if "title" not in found and lone:
        found["title"] = lone[0]
    return found


def import_honor(
    sheets: list[Sheet],
    settings: Settings,
    report: Report,
    mapping: dict[str, str],
    options: dict[str, str | None],
    *,
    rid: str | None,
    force: bool,
    dry_run: bool,
) -> None:
    tables = _tables(sheets, _lookup(HONOR_HEADERS), mapping, report, "姓名或名称")
    if not tables:
        return
    details = _details(tables, report)
    meta: dict[str, Any] = {}
    for key in HONOR_OPTIONS + ("summary",):
        given = options.get(key)
        value, where = (given, "命令行") if given else details.get(key, ("", ""))
        if not value:
            continue
        if key == "date":
            date = parse_date(value)
            if date is None:
                report.errors.append(f"{where}：表彰日期“{value}”应为 年-月-日，如 2024-03-05")
                continue
            meta["date"] = date
        elif key == "order":
            order = ORDER_WORDS.get(_norm(value))
            if order is None:
                report.errors.append(f"{where}：排序“{value}”应为 名单顺序、拼音 或 姓氏笔画")
                continue
            meta["order"] = order
        elif key == "level" and settings.honor_level(value) is None:
            report.errors.append(f"{where}：级别“{value}”不在本站的可选范围内（可选：{'、'.join(settings.honor_levels)}）")
        else:
            meta[key] = value
    if "order" not in meta and "order" not in details:
        notes = [note_text(texts) for table in tables for _, texts in table.above] + [n for t in tables for n in t.notes.values()]
        for note in notes:
            if note_order(note):
                meta["order"] = note_order(note)
                report.warnings.append(f"按“{note}”，排序为 {meta['order']}（如不对，用 --order 指定）")
                break
    for key, label, option in (("title", "名单标题", "--title"), ("level", "级别", "--level"), ("date", "表彰日期", "--date")):
        if key not in meta and not any(e for e in report.errors if label in e):
            report.errors.append(f"缺少{label}：在表格上方写一行“{label} | …”，或用 {option} 指定")

    volunteers = load_existing(settings.content_dir / Volunteer.folder, report)
    organizations = {
        str(d.get("name", "")).strip(): oid for oid, d in load_existing(settings.content_dir / Organization.folder, report).items()
    }
    projects = {str(d.get("name", "")).strip(): pid for pid, d in load_existing(settings.content_dir / Project.folder, report).items()}
    categories: dict[str, list[dict]] = {}
    seen: dict[tuple[str, str, str], str] = {}
    multiple = len(tables) > 1
    for table in tables:
        has_category = "category" in table.columns.values()
        current = options.get("category") or (table.sheet.name if multiple and not has_category else "")
        for r, values, cols, texts in data_rows(table):
            name = values.get("name", "")
            filled = [t for t in texts if t]
            heading = _heading(values, filled, current, has_category)
            if heading:
                current = heading
                continue
            if not name:
                report.errors.append(f"{_where(table.sheet, r, cols['name'], table.names.get(cols['name'], ''))}：姓名或名称为空")
                continue
            if values.get("category"):
                current = values["category"]
            if not current:
                report.errors.append(f"{_where(table.sheet, r)}：不知道{name}属于哪个类别。请加“类别”列，或用 --category 指定")
                continue
            unit = unit_and_position(values)[0]
            key = (current, name, unit)
            if key in seen:
                report.errors.append(f"{_where(table.sheet, r)}：与{seen[key]}重复（类别、姓名、单位都相同）")
                continue
            seen[key] = f"第 {r} 行"
            categories.setdefault(current, []).append(
                _recipient(name, values, volunteers, organizations, projects, report, _where(table.sheet, r))
            )
    if not categories and not report.errors:
        report.errors.append("表格中没有受表彰者")
    if report.errors:
        return

    honors_folder = settings.content_dir / Honor.folder
    honors = load_existing(honors_folder, report)
    same_title = [hid for hid, d in honors.items() if str(d.get("title", "")).strip() == meta["title"]]
    if rid is not None:
        if not ID_RE.match(rid):
            raise ImportUsageError(f"--id {rid} 无效：只能用小写英文字母、数字和连字符")
        hid = rid
    elif same_title:
        hid = same_title[0]
    else:
        year = meta["date"].year
        base = title_id(meta["title"])
        hid = unique_id(base if str(year) in base else f"{base}-{year}", set(honors) | {p.stem for p in honors_folder.glob("*.yaml")})
    before = honors.get(hid)
    data: dict[str, Any] = dict(before) if before is not None else {}
    data.update(meta)
    data["categories"] = [{"name": name, "recipients": recipients} for name, recipients in categories.items()]
    if before is not None:
        # Keep what the sheet cannot say (summary, body, category summaries) from the file.
        old = {c.get("name"): c for c in before.get("categories", []) if isinstance(c, dict)}
        for category in data["categories"]:
            if old.get(category["name"], {}).get("summary"):
                category["summary"] = old[category["name"]]["summary"]
    plan = Planned(honors_folder / f"{hid}.yaml", Honor, data, [], before, f"名单“{meta['title']}”")
    settle([plan], report, settings, force=force, dry_run=dry_run)
    matched = sum(1 for rs in categories.values() for x in rs if "name" not in x)
    if matched:
        report.warnings.append(f"{matched} 位受表彰者与已有记录相符，写为引用（volunteer/organization/project），网页上会链接到他们的页面")


_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十百\d]+[、.．]|[（(][一二三四五六七八九十百\d]+[）)])\s*")
_COUNTED = re.compile(r"\s*[（(]\s*[共计]?\s*\d+\s*[名人个项位家]\s*[）)]$")


def _heading(values: dict[str, str], filled: list[str], current: str, has_category: bool) -> str:
    """A category heading inside the table ("一、最美志愿者（10名）"), or ''.

    A row with one filled cell is a heading when that cell is the category, is
    numbered or counted like a heading, or comes before any category is known.
    """
    if len(filled) != 1:
        return ""
    text = filled[0]
    if values.get("category") == text or _NUMBERED.match(text) or _COUNTED.search(text) or (not current and not has_category):
        return _COUNTED.sub("", _NUMBERED.sub("", text)).strip()
    return ""


def _recipient(
    name: str,
    values: dict[str, str],
    volunteers: dict[str, dict],
    organizations: dict[str, str],
    projects: dict[str, str],
    report: Report,
    where: str,
) -> dict:
    deed = values.get("deed", "")
    (unit, position), region = unit_and_position(values), values.get("region", "")
    combined = unit if unit == values.get("unit_position") else ""
    matches = match_volunteer(volunteers, name, "" if combined else unit, region, allow_bare=False, combined=combined)
    entry: dict[str, Any]
    if len(matches) == 1:
        entry = {"volunteer": matches[0]}
    elif len(matches) > 1:
        report.warnings.append(f"{where}：{name} 与已有的 {'、'.join(matches)} 都相符，写为普通条目（可在文件中改为 volunteer: 编号）")
        entry = {"name": name}
    elif name in organizations:
        entry = {"organization": organizations[name]}
    elif name in projects:
        entry = {"project": projects[name]}
    else:
        entry = {"name": name}
    if "name" in entry:
        for key, value in (("unit", unit), ("position", position), ("region", region)):
            if value:
                entry[key] = value
    if deed:
        entry["deed"] = deed
    return entry


# --- command line --------------------------------------------------------------------------------


ROSTER_FIELDS = tuple(ROSTER_HEADERS)
HONOR_FIELDS = tuple(HONOR_HEADERS)


def add_import_parser(sub: argparse._SubParsersAction, run) -> None:
    """`leifeng import honor|roster`; `run` is the command function the CLI calls."""
    parser = sub.add_parser(
        "import",
        help="从 Excel 或 CSV 导入表彰名单或志愿者名册",
        description="从 .xlsx 或 .csv 导入：honor 导入一份表彰名单，roster 导入志愿者名册（每人一个文件）。有任何问题时不写入任何文件。",
    )
    kinds = parser.add_subparsers(dest="kind", required=True, metavar="类别")
    for kind, text, fields in (("honor", "表彰名单", HONOR_FIELDS), ("roster", "志愿者名册", ROSTER_FIELDS)):
        p = kinds.add_parser(kind, help=f"导入{text}", description=f"导入{text}。可识别的字段：{'、'.join(fields)}")
        p.add_argument("file", metavar="文件", help=".xlsx 或 .csv 文件")
        p.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="列名=字段",
            help="指定列对应的字段，如 --map 志愿者姓名=name；字段写 - 表示不导入该列。可多次使用",
        )
        p.add_argument("--sheet", metavar="工作表", help="只导入这个工作表（默认全部）")
        p.add_argument("--force", action="store_true", help="已有文件内容不同时，以表格为准覆盖")
        p.add_argument("--dry-run", action="store_true", help="只显示将写入的内容，不写入")
        p.add_argument("-f", "--config-file", metavar="mkdocs.yml", help="网站配置文件（默认：当前目录的 mkdocs.yml）")
        if kind == "honor":
            p.add_argument("--title", metavar="标题", help="名单标题（代替表格中的“名单标题”）")
            p.add_argument("--level", metavar="级别", help="国家级、省级、市级、县级、单位")
            p.add_argument("--awarded-by", dest="awarded_by", metavar="单位", help="授予单位")
            p.add_argument("--date", metavar="年-月-日", help="表彰日期，如 2024-03-05")
            p.add_argument("--document", metavar="文号", help="如 江文明办〔2024〕5号")
            p.add_argument("--order", metavar="排序", help="名单顺序、拼音 或 姓氏笔画")
            p.add_argument("--category", metavar="类别", help="表格中没有类别列时，全部名单的类别")
            p.add_argument("--id", metavar="编号", help="名单的编号（文件名）；默认由标题的拼音生成")
    parser.set_defaults(run=run)
    for p in kinds.choices.values():
        p.set_defaults(run=run)


def run_import(args: argparse.Namespace, settings: Settings) -> Report:
    path = Path(args.file)
    allowed = HONOR_FIELDS if args.kind == "honor" else ROSTER_FIELDS
    mapping = parse_map(args.map, allowed)
    sheets, note = read_sheets(path, args.sheet)
    report = Report(path.name, note, dry_run=args.dry_run)
    if args.kind == "roster":
        import_roster(sheets, settings, report, mapping, force=args.force, dry_run=args.dry_run)
    else:
        options = {key: getattr(args, key, None) for key in HONOR_OPTIONS + ("category",)}
        import_honor(sheets, settings, report, mapping, options, rid=args.id, force=args.force, dry_run=args.dry_run)
    return report
