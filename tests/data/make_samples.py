"""Write the sample spreadsheets for `leifeng import` (run from anywhere: python tests/data/make_samples.py).

The samples are what staff receive, laid out the way they fill them in Excel:
an honour list with its details above the table and merged category cells, a
roster with a consent column, the same roster saved by Excel on Chinese
Windows as GBK CSV (no consent column), and a sheet with the mistakes the
importer must refuse. Three more are laid out the way a 文明办 sends them: a
merged title row and a blank row above the header, columns worded
`工作单位及职务` or `主要事迹`, two-character names padded to the width of three
(`王　芳`, `李  强`), numbers typed in full-width digits, and notes such as
`（排名不分先后）` or `注：…` below the list. Every person in them is invented; the few who match the
example site's volunteers (张晓红, 李卫民, 欧阳岚) do so on purpose, to show
matching. The ID and mobile numbers in the bad sample are made up (the ID
number has a valid check digit so that it is recognised, for a date and area
that identify no one).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
FIXED = dt.datetime(2025, 1, 1)  # workbook timestamps, so the files are the same on every run

HONOR_DETAILS = [
    ("名单标题", "2025年度江城市“最美志愿者”和“最佳志愿服务组织”"),
    ("级别", "市级"),
    ("授予单位", "中共江城市委宣传部 江城市文明办"),
    ("表彰日期", dt.date(2025, 3, 5)),
    ("文号", "江文明办〔2025〕3号"),
    ("排序", "姓氏笔画"),
]
HONOR_COLUMNS = ["序号", "类别", "姓名", "单位", "职务", "地区", "事迹"]
HONOR_ROWS = [
    ("最美志愿者", "张晓红", "东湖区青山街道幸福里社区居委会", "社区网格员", "江南省江城市东湖区", "十二年如一日为独居老人送午餐。"),
    ("最美志愿者", "李卫民", "江城公交集团第三分公司", "驾驶员", "江南省江城市西城区", "二十年在车厢里帮扶老弱病残乘客。"),
    ("最美志愿者", "欧阳岚", "江城市图书馆", "馆员", "江南省江城市东湖区", "创办“绘本妈妈”亲子阅读志愿服务。"),
    ("最美志愿者", "丁海燕", "江城市第三中学", "语文教师", "江南省江城市西城区", "八年为外来务工人员子女免费辅导功课。"),
    ("最美志愿者", "郭振华", "江北区人民医院", "护士长", "江南省江城市江北区", "组建护理志愿服务队，上门照护失能老人。"),
    ("最美志愿者", "方明", "江城市消防救援支队", "消防员", "江南省江城市东湖区", "业余时间进社区讲授消防知识三百余场。"),
    ("最佳志愿服务组织", "江城蓝箭应急救援队", "", "", "江南省江城市西城区", "参与抢险救援四百余次。"),
    ("最佳志愿服务组织", "西城区望江社区“银龄”志愿服务队", "", "", "江南省江城市西城区", "低龄老人帮扶高龄老人。"),
]

ROSTER_COLUMNS = [
    "序号",
    "姓名",
    "地区",
    "单位",
    "职务",
    "志愿服务时长（小时）",
    "服务领域",
    "所属组织",
    "开始年份",
    "是否同意公开",
    "同意使用肖像",
    "同意日期",
]
ROSTER_ROWS = [
    ("张伟", "江南省江城市东湖区", "东湖区实验小学", "教师", 326, "教育助学", "", 2016, "是", "否", dt.date(2025, 2, 20)),
    ("张伟", "江南省江城市江北区", "江北区清河街道办事处", "科员", 152.5, "社区治理、助老服务", "", 2019, "是", "是", dt.date(2025, 2, 21)),
    (
        "李卫民",
        "江南省江城市西城区",
        "江城公交集团第三分公司",
        "18路公交车驾驶员、“雷锋车组”组长",
        2300,
        "文明交通、助残服务",
        "江城公交集团“雷锋车组”",
        2004,
        "是",
        "是",
        dt.date(2024, 2, 20),
    ),
    ("陈晓光", "江南省江城市青溪县", "青溪县人民医院", "医生", 88, "医疗健康、乡村振兴", "", 2021, "否", "", None),
    (
        "司马文静",
        "江南省江城市东湖区",
        "江城师范学院",
        "学生",
        64,
        "关爱少年儿童",
        "江城师范学院青年志愿者协会",
        2023,
        "是",
        "否",
        dt.date(2025, 3, 1),
    ),
]

BAD_COLUMNS = ["姓名", "单位", "服务时长", "联系电话", "备注"]
BAD_ROWS = [
    ("王小明", "江城市第一中学", 120, "", ""),
    ("", "江城市第二中学", 80, "", ""),  # empty name
    ("赵刚", "江城市第三中学", "很多", "", ""),  # hours not a number
    ("钱丽", "江城市第四中学", 40, "13912345678", ""),  # a mobile number
    ("孙强", "江城市第五中学", 30, "", "身份证 11010519491231002X"),  # an ID number, in a note
]


def _book() -> Workbook:
    book = Workbook()
    book.properties.created = FIXED
    book.properties.modified = FIXED
    book.properties.creator = "leifeng samples"
    return book


def honor_xlsx(path: Path) -> None:
    book = _book()
    ws = book.active
    ws.title = "表彰名单"
    for row, (label, value) in enumerate(HONOR_DETAILS, start=1):
        ws.cell(row, 1, label).font = Font(bold=True)
        cell = ws.cell(row, 2, value)
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
    header = len(HONOR_DETAILS) + 2
    for col, name in enumerate(HONOR_COLUMNS, start=1):
        ws.cell(header, col, name).font = Font(bold=True)
    start = header + 1
    for offset, values in enumerate(HONOR_ROWS):
        ws.cell(start + offset, 1, offset + 1)
        for col, value in enumerate(values, start=2):
            ws.cell(start + offset, col, value or None)
    # The category column merged over each category, as staff lay it out: only the top cell holds the text.
    first = start
    for offset in range(1, len(HONOR_ROWS) + 1):
        if offset == len(HONOR_ROWS) or HONOR_ROWS[offset][0] != HONOR_ROWS[first - start][0]:
            last = start + offset - 1
            if last > first:
                ws.merge_cells(start_row=first, start_column=2, end_row=last, end_column=2)
                ws.cell(first, 2).alignment = Alignment(vertical="center")
            first = last + 1
    ws.column_dimensions["C"].width = 28
    book.save(path)


def roster_xlsx(path: Path) -> None:
    book = _book()
    ws = book.active
    ws.title = "志愿者名册"
    ws.cell(1, 1, "江城市学雷锋志愿者名册（2025年3月）").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ROSTER_COLUMNS))
    for col, name in enumerate(ROSTER_COLUMNS, start=1):
        ws.cell(2, col, name).font = Font(bold=True)
    for r, values in enumerate(ROSTER_ROWS, start=3):
        ws.cell(r, 1, r - 2)
        for col, value in enumerate(values, start=2):
            cell = ws.cell(r, col, value if value != "" else None)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    book.save(path)


def _excel_csv(path: Path, rows: list[list[str]], encoding: str) -> None:
    """Rows as Excel writes CSV: CRLF; "gbk" for "CSV (逗号分隔)" on Chinese Windows, "utf-8-sig" for "CSV UTF-8" (with BOM)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))


def roster_gbk_csv(path: Path) -> None:
    """The roster as Excel on Chinese Windows saves "CSV (逗号分隔)": GBK, CRLF, and without the consent columns."""
    rows = [
        ["姓名", "地区", "单位", "职务", "服务时长", "服务领域"],
        ["黄志强", "江南省江城市西城区", "西城区滨江街道望江社区", "社区主任", "410", "社区治理"],
        ["周海燕", "江南省江城市江北区", "江北区清河小学", "教师", "96.5", "关爱少年儿童"],
    ]
    _excel_csv(path, rows, "gbk")


def honor_bom_csv(path: Path) -> None:
    """An honour list as "CSV UTF-8" (with BOM): details as label, value rows; categories as heading rows."""
    rows = [
        ["名单标题", "2024年度东湖区学雷锋“岗位标兵”"],
        ["级别", "县级"],
        ["表彰日期", "2024年12月5日"],
        ["排序", "拼音"],
        [],
        ["姓名", "单位", "职务", "事迹"],
        ["一、岗位学雷锋标兵", "", "", ""],
        ["徐文斌", "东湖区政务服务中心", "窗口负责人", "推行“帮办代办”，服务群众两万余人次。"],
        ["宋佳", "东湖区税务局", "科员", "为老年纳税人上门服务。"],
        ["二、学雷锋示范岗", "", "", ""],
        ["东湖区人民医院门诊服务台", "东湖区人民医院", "", "设立“爱心帮办”窗口。"],
    ]
    _excel_csv(path, rows, "utf-8-sig")


def bad_roster_xlsx(path: Path) -> None:
    book = _book()
    ws = book.active
    ws.title = "名册"
    ws.append(BAD_COLUMNS)
    for values in BAD_ROWS:
        ws.append([v if v != "" else None for v in values])
    book.save(path)


# A 文明办's list: merged title, blank row, header with 性别 and 工作单位及职务, padded names, a closing note.
# 陈　静 and 欧阳岚 are the example site's volunteers (unit and position written together); the rest are new.
WENMINGBAN_TITLE = "2025年江城市学雷锋“最美志愿者”名单"
WENMINGBAN_COLUMNS = ["序号", "姓　名", "性别", "工作单位及职务", "主要事迹"]
WENMINGBAN_ROWS = [
    ("王\u3000芳", "女", "东湖区青山街道桂花园社区党委书记", "带领居民建起“邻里守望”志愿服务队。"),
    ("李  强", "男", "江城市第二中学教师", "十年义务为留守儿童辅导功课。"),
    ("陈\u3000静", "女", "江城市第一人民医院急诊科护士长", "组织急救知识进社区两百余场。"),
    ("阿依古丽·买买提", "女", "江北区清河街道办事处科员", "为少数民族群众办事当翻译。"),
    ("欧阳岚", "女", "江城市图书馆阅读推广部馆员", "创办“绘本妈妈”亲子阅读志愿服务。"),
    ("马\u00a0力", "男", "江城蓝箭应急救援队队员", "参与抢险救援一百余次。"),
]


def honor_wenmingban_xlsx(path: Path) -> None:
    book = _book()
    ws = book.active
    ws.title = "Sheet1"
    width = len(WENMINGBAN_COLUMNS)
    title = ws.cell(1, 1, WENMINGBAN_TITLE)
    title.font = Font(bold=True, size=16)
    title.alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for col, name in enumerate(WENMINGBAN_COLUMNS, start=1):  # row 2 stays blank
        ws.cell(3, col, name).font = Font(bold=True)
    for offset, values in enumerate(WENMINGBAN_ROWS):
        ws.cell(4 + offset, 1, offset + 1)
        for col, value in enumerate(values, start=2):
            ws.cell(4 + offset, col, value)
    end = 4 + len(WENMINGBAN_ROWS)
    ws.cell(end, 1, "７")  # a row numbered in advance and left empty, the number typed in full width
    ws.cell(end + 1, 1, "（排名不分先后）")
    ws.merge_cells(start_row=end + 1, start_column=1, end_row=end + 1, end_column=width)
    ws.column_dimensions["D"].width = 36
    book.save(path)


def roster_padded_gbk_csv(path: Path) -> None:
    """A district's hours sheet saved by Excel on Chinese Windows: title, blank row, padded names,
    full-width digits, a 合计 row and a 注 row. 陈　静 is the example site's chen-jing, with the same details."""
    rows = [
        ["东湖区学雷锋志愿者服务时长统计表", "", "", "", "", ""],
        ["", "", "", "", "", ""],
        ["序号", "姓  名", "所在单位", "职务", "志愿服务时长（小时）", "参加志愿服务时间"],
        ["１", "王\u3000芳", "东湖区青山街道桂花园社区", "党委书记", "１２０", "２０１６年"],
        ["2", "李  强", "江城市第二中学", "教师", "1 280", "2013 年"],
        ["3", "陈\u3000静", "江城市第一人民医院急诊科", "护士长", "", ""],
        ["合计", "", "", "", "1400", ""],
        ["注：服务时长以“志愿江城”平台记录为准。", "", "", "", "", ""],
    ]
    _excel_csv(path, rows, "gbk")


def honor_notes_bom_csv(path: Path) -> None:
    """An honour list as "CSV UTF-8": details above, 单位及职务 and 简要事迹 columns, headings like （一）,
    notes below (以上…, 共计…, 注：以姓氏笔画为序) and a name padded with a no-break space."""
    rows = [
        ["名单标题", "2024年度西城区学雷锋“岗位标兵”", "", ""],
        ["级别", "县级", "", ""],
        ["表彰日期", "２０２４年１２月５日", "", ""],
        ["", "", "", ""],
        ["序号", "姓名", "单位及职务", "简要事迹"],
        ["（一）岗位学雷锋标兵", "", "", ""],
        ["1", "黄\u00a0涛", "西城区政务服务中心窗口负责人", "推行“帮办代办”，服务群众两万余人次。"],
        ["2", "David Li", "西城区外事办科员", "为外籍居民办事当翻译。"],
        ["（二）学雷锋示范岗", "", "", ""],
        ["1", "西城区人民医院门诊服务台", "西城区人民医院", "设立“爱心帮办”窗口。"],
        ["以上排名不分先后", "", "", ""],
        ["共计3个", "", "", ""],
        ["注：以姓氏笔画为序", "", "", ""],
    ]
    _excel_csv(path, rows, "utf-8-sig")


SAMPLES = {
    "honor.xlsx": honor_xlsx,
    "roster.xlsx": roster_xlsx,
    "roster-gbk.csv": roster_gbk_csv,
    "honor-utf8-bom.csv": honor_bom_csv,
    "roster-bad.xlsx": bad_roster_xlsx,
    "honor-wenmingban.xlsx": honor_wenmingban_xlsx,
    "roster-padded-gbk.csv": roster_padded_gbk_csv,
    "honor-notes-utf8-bom.csv": honor_notes_bom_csv,
}


def main(folder: Path = HERE) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in SAMPLES.items():
        make(folder / name)
        written.append(folder / name)
    return written


if __name__ == "__main__":
    for path in main():
        print(path)
