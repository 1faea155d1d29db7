"""The bad-input table: one small mistake each, checked with `leifeng check`.

Every case starts from the minimal good site of `test_checks_support.py`,
makes one change, and runs `leifeng check --format json` on it in a
subprocess. Each case asserts the exit code, and that one reported problem
carries the key phrase, the file and the line.

Starting Python and MkDocs costs more than checking a small site, so the
cases run through the command's own entry point (`generator.commands.cli.main`, what
the `leifeng` script calls) in one subprocess per CPU. A sample of cases
also runs through the installed `leifeng` script itself, in text format, as
staff and the pull-request workflow run it.
"""

from __future__ import annotations

import io
import json
import os
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image

from .test_checks_support import (
    Case,
    both,
    copy,
    edit,
    english_sentences,
    expected_line,
    jpeg_bytes,
    put,
    rename,
    run_check,
    run_checks_in_one_process,
    write_good_site,
)

V = "content/volunteers/zhang-san.yaml"
O = "content/organizations/qingshan-team.yaml"  # noqa: E741 - the organisation file
P = "content/projects/aixin-wucan.yaml"
T = "content/themes/xueleifeng-2024.yaml"
H = "content/honors/zuimei-2024.yaml"
S = "stories/2024/song-can.md"

ID_NUMBER = "11010519491231002X"  # a valid GB 11643 number (the standard's own example)
MOBILE = "13912345678"
OLD_ID_NUMBER = "110105491231002"  # the 15-digit form (before 1999): area, YYMMDD, sequence
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def with_luhn_digit(digits: str) -> str:
    """A card number: `digits` and the Luhn check digit that makes it valid."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return digits + str(-total % 10)


CARD_16 = with_luhn_digit("622848001234567")  # UnionPay, 16 digits
CARD_19 = with_luhn_digit("621700123456789012")  # UnionPay, 19 digits


# --- image files for the media cases ------------------------------------------


def truncated_jpeg() -> bytes:
    """A JPEG whose header is fine but whose picture data stops halfway."""
    out = io.BytesIO()
    Image.effect_noise((200, 150), 64).convert("RGB").save(out, "JPEG")
    data = out.getvalue()
    return data[: len(data) * 6 // 10]


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size but holds almost no pixels: decoding it would fail, not hang."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def tiff_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, "TIFF")
    return out.getvalue()


BROKEN_YAML_WITH_ID = f"""\
name: 王五
# 身份证 {ID_NUMBER}
fields: [助老服务
consent: {{publish: true}}
"""


CASES: list[Case] = [
    # --- YAML syntax ---------------------------------------------------------
    Case("yaml-tab-indent", edit(V, "  portrait: true", "\tportrait: true"), "制表符", V, "portrait: true"),
    Case("yaml-colon-in-value", edit(O, "summary: 扎根社区的志愿服务队。", "summary: 口号: 有困难找红马甲"), "冒号", O, "summary:"),
    Case("yaml-unclosed-quote", edit(V, "name: 张三", 'name: "张三'), "引号", V, "name:"),
    Case("yaml-unclosed-bracket", edit(V, "fields: [助老服务, 社区治理]", "fields: [助老服务, 社区治理"), "方括号", V, "service_hours"),
    Case("yaml-two-documents", edit(P, "status: 运行中\n", "status: 运行中\n---\n"), "只能有一个 YAML 文档", P, "---"),
    Case("yaml-duplicate-key", edit(V, "since: 2013", "since: 2013\nsince: 2014"), "重复出现", V, "since: 2014"),
    Case("yaml-value-starts-with-at", edit(O, "summary: 扎根社区的志愿服务队。", "summary: @青山 志愿服务队"), "开头", O, "summary:"),
    Case(
        "yaml-over-indented",
        edit(O, "region: 江南省江城市东湖区", "region: 江南省江城市东湖区\n  founded_in: 2015"),
        "缩进",
        O,
        "founded_in",
    ),
    Case("yaml-list-on-key-line", edit(P, "beneficiaries: [老年人]", "beneficiaries: - 老年人"), "列表项", P, "beneficiaries"),
    Case(
        "yaml-alias-bomb", edit(T, "items: [学习雷锋日记]", "items: &a [学习, 雷锋]\n    activities: [*a, *a, *a]"), "锚点", T, "activities"
    ),
    Case("yaml-control-character", edit(O, "扎根社区", "扎根\x07社区"), "控制字符", O, "summary:"),
    Case("yaml-empty-file", put("content/projects/kong.yaml", ""), "空文件", "content/projects/kong.yaml", None, line=1),
    Case(
        "yaml-not-a-mapping",
        put("content/projects/liebiao.yaml", "- 爱心午餐\n- 运行中\n"),
        "应由“字段: 值”组成",
        "content/projects/liebiao.yaml",
        None,
        line=1,
    ),
    # Everything else the YAML parsers can say reaches staff in Chinese too (see test_checks_messages.py).
    Case("yaml-python-tag", edit(V, "name: 张三", "name: !!python/object:os.system 张三"), "类型标记", V, "name:"),
    Case("yaml-value-starts-with-bang", edit(O, "summary: 扎根社区的志愿服务队。", "summary: !重要 扎根社区"), "类型标记", O, "summary:"),
    Case("yaml-int-tag-on-text", edit(V, "since: 2013", "since: !!int 二〇一三"), "类型标记", V, "since:"),
    Case("yaml-directive", edit(P, "name: 爱心午餐", "%YAML 2.0\n---\nname: 爱心午餐"), "%", P, "%YAML"),
    Case("yaml-bad-escape", edit(V, "name: 张三", 'name: "张三\\q"'), "反斜杠", V, "name:"),
    Case("yaml-text-after-quotes", edit(V, "name: 张三", 'name: "张三" 同志'), "引号", V, "name:"),
    # --- front matter -----------------------------------------------------------
    Case("story-no-front-matter", put("stories/wu.md", "# 标题\n\n正文。\n"), "缺少开头的 ---", "stories/wu.md", "# 标题"),
    Case(
        "story-front-matter-not-closed",
        put("stories/wei.md", "---\ntitle: 没结束\ndate: 2024-03-05\n\n正文。\n"),
        "没有结束",
        "stories/wei.md",
        "---",
    ),
    Case("story-front-matter-tab", edit(S, "summary: 十年送餐路。", "summary:\t十年\n\tcover_note: x"), "制表符", S, "cover_note"),
    Case(
        "story-front-matter-list",
        put("stories/lie.md", "---\n- 标题\n- 2024-03-05\n---\n正文\n"),
        "应由“字段: 值”组成",
        "stories/lie.md",
        "- 标题",
    ),
    # --- encoding ---------------------------------------------------------------
    Case(
        "file-not-utf8",
        put("content/volunteers/li-si.yaml", "name: 李四\nregion: 江城\n".encode("gbk")),
        "不是 UTF-8",
        "content/volunteers/li-si.yaml",
        None,
        line=1,
    ),
    # --- fields and types ----------------------------------------------------------
    Case(
        "field-misspelt",
        edit(V, "service_hours: 320", "servce_hours: 320"),
        "未知字段 servce_hours",
        V,
        "servce_hours",
        hint="service_hours",
    ),
    Case("field-misspelt-nested", edit(V, "  portrait: true", "  portrate: true"), "未知字段 portrate", V, "portrate", hint="portrait"),
    Case("field-id-written", edit(P, "name: 爱心午餐", "id: aixin-wucan\nname: 爱心午餐"), "不要写 id 字段", P, "id: aixin-wucan"),
    Case("field-required-missing", edit(V, "name: 张三\n", ""), "缺少必填字段 name", V, None, line=1),
    Case("field-required-missing-story", edit(S, "title: 送餐路上的“红马甲”\n", ""), "缺少必填字段 title", S, None, line=2),
    Case("field-required-nested", edit(H, "  - name: 最美志愿者\n", "  - summary: 类别\n"), "缺少必填字段 name", H, "summary: 类别"),
    Case("type-number-expected", edit(V, "service_hours: 320", "service_hours: 很多"), "应为数字", V, "service_hours"),
    Case("type-list-expected", edit(P, "beneficiaries: [老年人]", "beneficiaries: 老年人"), "应为列表", P, "beneficiaries"),
    Case("type-boolean-expected", edit(S, "author: 通讯员 王五", "author: 通讯员 王五\nfeatured: 是"), "应为 true 或 false", S, "featured"),
    Case(
        "type-mapping-expected",
        edit(V, "consent:\n  publish: true\n  portrait: true\n  date: 2024-01-15\n  by: 本人\n", "consent: true\n"),
        "应为包含子字段的结构",
        V,
        "consent: true",
    ),
    Case("type-empty-value", edit(O, "name: 青山志愿服务队", "name:"), "不能为空", O, "name:"),
    Case("type-empty-date", edit(S, "date: 2024-03-05", "date:"), "不能为空", S, "date:", absent=("None",)),
    Case("type-empty-choice", edit(V, "by: 本人", "by:"), "不能为空", V, "by:", absent=("None",)),
    Case("type-negative-number", edit(O, "members: 120", "members: -5"), "不能小于 0", O, "members"),
    Case("type-year-out-of-range", edit(V, "since: 2013", "since: 13"), "不能小于 1900", V, "since"),
    # --- vocabularies --------------------------------------------------------------
    Case(
        "vocab-service-field",
        edit(V, "fields: [助老服务, 社区治理]", "fields: [助老服务, 社区智理]"),
        "服务领域“社区智理”不在",
        V,
        "fields:",
        hint="社区治理",
    ),
    Case("vocab-honor-level", edit(H, "level: 市级", "level: 区级"), "级别“区级”不在可选范围内", H, "level:"),
    Case("vocab-project-status", edit(P, "status: 运行中", "status: 进行中"), "不在可选范围内", P, "status:", hint="运行中"),
    Case("vocab-organization-kind", edit(O, "kind: 志愿服务队", "kind: 俱乐部"), "组织类型“俱乐部”", O, "kind:"),
    Case("vocab-consent-by", edit(V, "by: 本人", "by: 父亲"), "不在可选范围内", V, "by: 父亲", hint="监护人"),
    # --- dates ----------------------------------------------------------------------
    Case("date-month-13", edit(S, "date: 2024-03-05", "date: 2024-13-01"), "不存在", S, "date: 2024-13-01"),
    Case("date-february-29", edit(H, "date: 2024-03-05", "date: 2023-02-29"), "不存在", H, "date: 2023-02-29"),
    Case("date-wrong-format", edit(S, "date: 2024-03-05", "date: 2024年3月5日"), "日期格式", S, "date:"),
    Case("date-period-reversed", edit(T, "  end: 2024-03-31", "  end: 2024-02-01"), "早于开始日期", T, "end: 2024-02-01"),
    Case("date-phase-reversed", edit(T, "      end: 2024-03-10", "      end: 2024-02-10"), "早于开始日期", T, "end: 2024-02-10"),
    # --- ids -------------------------------------------------------------------------
    Case("id-duplicate-story-subfolders", copy(S, "stories/2025/song-can.md"), "编号 song-can 重复", "stories/2025/song-can.md", "---"),
    Case(
        "id-duplicate-yaml-yml",
        copy(P, "content/projects/aixin-wucan.yml"),
        "编号 aixin-wucan 重复",
        "content/projects/aixin-wucan.yml",
        "name:",
    ),
    Case(
        "id-uppercase-file-name",
        rename(V, "content/volunteers/Zhang-San.yaml"),
        "不能作为编号",
        "content/volunteers/Zhang-San.yaml",
        None,
        line=1,
        hint="zhang-san",
    ),
    Case(
        "id-chinese-file-name",
        put("content/volunteers/李四.yaml", "name: 李四\nconsent: {publish: true}\n"),
        "不能作为编号",
        "content/volunteers/李四.yaml",
        None,
        line=1,
        hint="li-si",
    ),
    Case(
        "id-reference-not-lowercase",
        edit(V, "organization: qingshan-team", "organization: Qingshan-Team"),
        "不是有效编号",
        V,
        "organization:",
    ),
    # --- references ---------------------------------------------------------------------
    Case(
        "ref-unknown-volunteer",
        edit(S, "volunteers: [zhang-san]", "volunteers: [zhang-shan]"),
        "找不到志愿者 zhang-shan",
        S,
        "volunteers:",
        hint="zhang-san",
    ),
    Case(
        "ref-unknown-organization",
        edit(V, "organization: qingshan-team", "organization: qingshan-tuan"),
        "找不到组织 qingshan-tuan",
        V,
        "organization:",
        hint="qingshan-team",
    ),
    Case(
        "ref-unknown-in-honor", edit(H, "volunteer: zhang-san", "volunteer: zhang-sen"), "找不到志愿者 zhang-sen", H, "volunteer: zhang-sen"
    ),
    Case("ref-wrong-kind", edit(S, "project: aixin-wucan", "project: qingshan-team"), "是组织，这里需要项目", S, "project:"),
    Case("ref-two-in-one-recipient", edit(H, "deed: 十年如一日为老人送餐", "name: 张三"), "只能填一项", H, "volunteer: zhang-san"),
    # --- media ---------------------------------------------------------------------------
    Case(
        "media-missing",
        edit(V, "photo: media/zhang-san.jpg", "photo: media/zhangsan.jpg"),
        "找不到图片",
        V,
        "photo:",
        hint="media/zhang-san.jpg",
    ),
    Case(
        "media-wrong-case",
        edit(V, "photo: media/zhang-san.jpg", "photo: media/Zhang-San.JPG"),
        "图片",
        V,
        "photo:",
        hint="media/zhang-san.jpg",
    ),
    Case("media-backslashes", edit(P, "cover: media/cover.jpg", "cover: media\\cover.jpg"), "找不到图片", P, "cover:", hint="/ 分隔"),
    Case("media-not-an-image", put("content/media/zhang-san.jpg", "这不是图片"), "不是可识别的图片", V, "photo:"),
    Case("media-truncated", put("content/media/cover.jpg", truncated_jpeg), "已损坏", P, "cover:"),
    Case("media-too-many-pixels", put("content/media/logo.png", png_header(10000, 10000)), "过大（10000×10000 像素）", O, "logo:"),
    Case("media-decompression-bomb", put("content/media/logo.png", png_header(60000, 60000)), "过大", O, "logo:"),
    Case("media-tiff", put("content/media/logo.png", tiff_bytes), "浏览器无法显示", O, "logo:"),
    Case("media-escape-relative", edit(V, "photo: media/zhang-san.jpg", "photo: ../../etc/passwd"), "超出了 content/ 目录", V, "photo:"),
    Case("media-escape-absolute", edit(P, "cover: media/cover.jpg", "cover: /etc/passwd"), "超出了 content/ 目录", P, "cover:"),
    Case("media-remote-url", edit(V, "photo: media/zhang-san.jpg", "photo: https://img.example.com/zhang.jpg"), "外部网址", V, "photo:"),
    Case(
        "media-missing-in-story-body",
        edit(S, "](media/cover.jpg)", "](media/cover2.jpg)"),
        "找不到图片 media/cover2.jpg",
        S,
        "![张三提着餐盒上楼]",
    ),
    Case(
        "media-remote-in-story-body", edit(S, "](media/cover.jpg)", "](http://cdn.example.com/a.jpg)"), "外部网址", S, "![张三提着餐盒上楼]"
    ),
    Case("media-html-img-in-story", edit(S, "老人们说", '<img src="media/cover.jpg">\n\n老人们说'), "不会发布", S, "<img"),
    Case(
        "media-in-bio-missing",
        edit(V, "  十年来他每天为独居老人送餐。", "  十年来他每天为独居老人送餐。\n\n  ![送餐](media/song.jpg)"),
        "找不到图片 media/song.jpg",
        V,
        "![送餐]",
    ),
    # --- text alternatives (warnings: the check still passes) ----------------------------
    Case(
        "alt-photo-missing",
        edit(V, "photo_alt: 张三在社区为老人测量血压\n", ""),
        "缺少文字说明 photo_alt",
        V,
        "photo:",
        exit=0,
        severity="warning",
    ),
    Case(
        "alt-cover-missing",
        edit(P, "cover_alt: 志愿者提着保温餐盒走进楼道\n", ""),
        "缺少文字说明 cover_alt",
        P,
        "cover:",
        exit=0,
        severity="warning",
    ),
    Case(
        "alt-story-cover-missing", edit(S, "cover_alt: 保温餐盒\n", ""), "缺少文字说明 cover_alt", S, "cover:", exit=0, severity="warning"
    ),
    Case(
        "alt-markdown-image-empty",
        edit(S, "![张三提着餐盒上楼]", "![]"),
        "缺少文字说明",
        S,
        "![](media/cover.jpg)",
        exit=0,
        severity="warning",
    ),
    Case(
        "stray-file-extension",
        put("content/volunteers/wang-wu.YAML", "name: 王五\n"),
        "不会被读取",
        "content/volunteers/wang-wu.YAML",
        None,
        exit=0,
        severity="warning",
    ),
    Case(
        "unknown-content-folder",
        put("content/volunteer/wang-wu.yaml", "name: 王五\n"),
        "不会被读取",
        "content/volunteer",
        None,
        exit=0,
        severity="warning",
        hint="volunteers/",
    ),
    # --- privacy ----------------------------------------------------------------------------
    Case(
        "privacy-id-in-story",
        edit(S, "张三每天十一点准时出发。", f"张三（身份证 {ID_NUMBER}）每天十一点准时出发。"),
        "身份证号",
        S,
        "准时出发",
        absent=(ID_NUMBER,),
    ),
    Case(
        "privacy-id-lowercase-x",
        edit(S, "张三每天十一点准时出发。", f"证件号{ID_NUMBER.lower()}。"),
        "身份证号",
        S,
        "证件号",
        absent=(ID_NUMBER.lower(),),
    ),
    Case(
        "privacy-mobile-in-bio",
        edit(V, "张三是社区网格员。", f"张三是社区网格员，电话 {MOBILE}。"),
        "手机号",
        V,
        "网格员",
        absent=(MOBILE,),
    ),
    Case("privacy-mobile-spaced", edit(S, "老人们说", "联系 139 1234 5678。老人们说"), "手机号", S, "联系", absent=("139 1234 5678",)),
    Case(
        "privacy-mobile-in-front-matter",
        edit(S, "author: 通讯员 王五", f"author: 通讯员 王五 {MOBILE}"),
        "字段 author 含有手机号",
        S,
        "author:",
        absent=(MOBILE,),
    ),
    Case(
        "privacy-mobile-as-office-phone",
        edit(O, "phone: 0571-8888 1234", f"phone: {MOBILE}"),
        "只能填办公电话",
        O,
        "phone:",
        absent=(MOBILE,),
    ),
    Case(
        "privacy-id-in-broken-file",
        put("content/volunteers/wang-wu.yaml", BROKEN_YAML_WITH_ID),
        "身份证号",
        "content/volunteers/wang-wu.yaml",
        "# 身份证",
        absent=(ID_NUMBER,),
    ),
    # Every written form of a private number (issue 14): groups, full-width digits, the old
    # 15-digit ID, dots, bank cards; in bodies, fields, alt text, links and file names.
    Case(
        "privacy-id-in-groups-spaced",
        edit(S, "张三每天十一点准时出发。", "张三（身份证 110105 19491231 002X）每天十一点准时出发。"),
        "身份证号",
        S,
        "准时出发",
        absent=("110105 19491231 002X", "19491231"),
    ),
    Case(
        "privacy-id-in-groups-hyphenated",
        edit(V, "张三是社区网格员。", "张三是社区网格员，证件 110105-19491231-002X。"),
        "身份证号",
        V,
        "网格员",
        absent=("110105-19491231-002X", "19491231"),
    ),
    Case(
        "privacy-id-full-width",
        edit(O, "summary: 扎根社区的志愿服务队。", f"summary: 队长身份证{ID_NUMBER.translate(FULL_WIDTH)}。"),
        "身份证号",
        O,
        "summary:",
        absent=(ID_NUMBER.translate(FULL_WIDTH), ID_NUMBER),
    ),
    Case(
        "privacy-mobile-full-width",
        edit(S, "老人们说", f"联系{MOBILE.translate(FULL_WIDTH)}。老人们说"),
        "手机号",
        S,
        "联系",
        absent=(MOBILE.translate(FULL_WIDTH), MOBILE),
    ),
    Case(
        "privacy-old-15-digit-id",
        edit(S, "老人们说", f"老身份证 {OLD_ID_NUMBER}。老人们说"),
        "身份证号",
        S,
        "老身份证",
        absent=(OLD_ID_NUMBER,),
    ),
    Case(
        "privacy-mobile-with-dots",
        edit(S, "老人们说", "电话 139.1234.5678。老人们说"),
        "手机号",
        S,
        "电话",
        absent=("139.1234.5678", MOBILE),
    ),
    Case(
        "privacy-mobile-plus-86-hyphenated",
        edit(V, "张三是社区网格员。", "张三是社区网格员，电话 +86 139-1234-5678。"),
        "手机号",
        V,
        "网格员",
        absent=("139-1234-5678", MOBILE),
    ),
    Case(
        "privacy-bank-card-in-groups",
        edit(S, "老人们说", f"捐款账号 {' '.join(CARD_19[i : i + 4] for i in range(0, 19, 4))}。老人们说"),
        "银行卡号",
        S,
        "捐款账号",
        absent=(CARD_19, CARD_19[4:8] + " " + CARD_19[8:12]),
    ),
    Case(
        "privacy-bank-card-plain",
        edit(P, "summary: 为独居老人送午餐。", f"summary: 为独居老人送午餐。捐款卡号{CARD_16}"),
        "银行卡号",
        P,
        "summary:",
        absent=(CARD_16,),
    ),
    Case(
        "privacy-id-in-alt-text",
        edit(S, "cover_alt: 保温餐盒", "cover_alt: 保温餐盒和登记表（110105 19491231 002X）"),
        "字段 cover_alt 含有身份证号",
        S,
        "cover_alt:",
        absent=("19491231",),
    ),
    Case(
        "privacy-mobile-in-link",
        edit(S, "老人们说", "[拨打电话](tel:+86-139-1234-5678)。老人们说"),
        "手机号",
        S,
        "拨打电话",
        absent=("139-1234-5678", MOBILE),
    ),
    Case(
        "privacy-id-in-image-file-name",
        put(f"content/media/{ID_NUMBER}.jpg", jpeg_bytes),
        "文件名",
        "content/media",
        None,
        absent=(ID_NUMBER,),
    ),
    Case(
        "privacy-email-in-story",
        edit(S, "老人们说", "有事请发邮件到 zhangsan1980@example.com。老人们说"),
        "电子邮箱",
        S,
        "发邮件",
        exit=0,
        severity="warning",
        absent=("zhangsan1980@example.com",),
    ),
    Case(
        "privacy-wechat-in-story",
        edit(S, "老人们说", "加张三微信号：zhangsan_1980。老人们说"),
        "微信号",
        S,
        "加张三",
        exit=0,
        severity="warning",
        absent=("zhangsan_1980",),
    ),
    # --- drafts: their own problems are warnings, private numbers stay errors ----------------
    Case(
        "draft-problem-is-a-warning",
        put("content/volunteers/li-si.yaml", "name: 李四\ndraft: true\nservce_hours: 3\n"),
        "发布前必须改正",
        "content/volunteers/li-si.yaml",
        "servce_hours",
        exit=0,
        severity="warning",
    ),
    Case(
        "draft-broken-yaml-is-a-warning",
        put("content/volunteers/li-si.yaml", "draft: true\nname: 李四\nfields: [助老服务\nsince: 2013\n"),
        "发布前必须改正",
        "content/volunteers/li-si.yaml",
        "since",
        exit=0,
        severity="warning",
    ),
    Case(
        "draft-id-number-stays-an-error",
        put("content/volunteers/li-si.yaml", f"name: 李四\ndraft: true\nbio: 身份证 {ID_NUMBER}\n"),
        "身份证号",
        "content/volunteers/li-si.yaml",
        "bio:",
        absent=(ID_NUMBER,),
    ),
    # --- placeholders of `leifeng new` left in a published record ----------------------------
    Case("placeholder-story-body", edit(S, "老人们说：“闺女你来啦。”", "在这里写正文。"), "占位", S, "在这里写正文"),
    Case("placeholder-todo-mark", edit(H, "date: 2024-03-05", "date: 2024-03-05  # TODO 核对日期"), "占位", H, "TODO"),
    Case("placeholder-value", edit(P, "slogan: 一份午餐，一份牵挂", "slogan: 待填写"), "占位", P, "slogan:"),
    Case("privacy-no-consent", edit(V, "  publish: true", "  publish: false"), "没有同意公开", V, "publish: false"),
    Case(
        "privacy-consent-missing",
        put("content/volunteers/li-si.yaml", "name: 李四\nfields: [助老服务]\n"),
        "没有同意公开",
        "content/volunteers/li-si.yaml",
        "name: 李四",
    ),
    Case("privacy-no-portrait-consent", edit(V, "  portrait: true", "  portrait: false"), "没有同意使用肖像", V, "photo:"),
    Case("privacy-minor-without-guardian", edit(V, "birth_year: 1980", "birth_year: 2015"), "须由监护人同意", V, "by: 本人"),
]

# Ordinary long numbers must not trip the privacy rule (no check digit, not a mobile).
CLEAN_CASES: list[Case] = [
    Case("clean-long-numbers", edit(S, "老人们说", "项目编号 110105194912310021，累计 12345678901234 次。老人们说"), "", S, None, exit=0),
    Case("clean-draft-without-consent", put("content/volunteers/li-si.yaml", "name: 李四\ndraft: true\n"), "", V, None, exit=0),
    Case(
        "clean-dates-counts-and-office-numbers",
        edit(
            S,
            "老人们说",
            "2024年3月5日（2024-03-05、2024.03.05）至今，送出午餐20余万份，累计服务 12,345 小时，"
            "1998—2024 年坚持不断；热线 0571-8888 1234、400-123-4567、12345；书号 978-7-5086-1234-5。老人们说",
        ),
        "",
        S,
        None,
        exit=0,
    ),
    Case(
        "clean-published-contact-of-an-organization",
        both(
            edit(O, "phone: 0571-8888 1234", "phone: 0571-8888 1234\npublic_contacts: [qingshan@example.org, qingshan_zyz]"),
            edit(S, "老人们说", "报名请发邮件到 qingshan@example.org，或加微信号：qingshan_zyz。老人们说"),
        ),
        "",
        S,
        None,
        exit=0,
    ),
    Case(
        "clean-draft-with-placeholders",
        put("stories/2025/cao-gao.md", "---\ndraft: true\ntitle: 草稿\ndate: 2025-03-05  # TODO 核对日期\n---\n\n在这里写正文。\n"),
        "",
        S,
        None,
        exit=0,
    ),
    Case("clean-landline-phone", edit(O, "phone: 0571-8888 1234", "phone: (0571) 88881234"), "", O, None, exit=0),
]


@pytest.fixture(scope="session")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int, dict, str]]:
    """Every case, run once: id -> (site root, exit code, JSON report, stderr)."""
    roots: dict[str, Path] = {}
    for case in CASES + CLEAN_CASES:
        root = tmp_path_factory.mktemp(case.id)
        write_good_site(root)
        case.change(root)
        roots[case.id] = root
    workers = max(2, os.cpu_count() or 2)
    ids = list(roots)
    groups = [[roots[i] for i in ids[n::workers]] for n in range(workers)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = {}
        for batch in pool.map(run_checks_in_one_process, groups):
            results.update(batch)
    out = {}
    for case_id, root in roots.items():
        code, stdout, stderr = results[root]
        try:
            report = json.loads(stdout)
        except json.JSONDecodeError:
            report = {"problems": [], "unparsed": stdout}
        out[case_id] = (root, code, report, stderr)
    return out


def test_the_good_site_is_clean(tmp_path: Path) -> None:
    write_good_site(tmp_path)
    result = run_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "共 0 个错误，0 个警告。"


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert len({case.id for case in CASES + CLEAN_CASES}) == len(CASES + CLEAN_CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_bad_input_is_reported_with_file_and_line(case: Case, checked: dict) -> None:
    root, returncode, report, stderr = checked[case.id]
    assert returncode == case.exit, (report, stderr)
    problems = report["problems"]
    matching = [p for p in problems if case.phrase in p["message"] and p["file"] == case.file and p["severity"] == case.severity]
    assert matching, json.dumps(problems, ensure_ascii=False, indent=1)
    line = expected_line(root, case)
    if line is not None:
        assert line in [p["line"] for p in matching], json.dumps(matching, ensure_ascii=False, indent=1)
    if case.hint:
        assert any(case.hint in p["hint"] for p in matching), json.dumps(matching, ensure_ascii=False, indent=1)
    whole = json.dumps(report, ensure_ascii=False)
    for text in case.absent:
        assert text not in whole
    for problem in problems:  # every message a staff member reads is in Chinese and placed
        assert problem["file"] and any("\u4e00" <= ch <= "\u9fff" for ch in problem["message"]), problem
        assert not english_sentences(problem["message"] + "\n" + problem["hint"], _written(root / problem["file"])), problem


def _written(path: Path) -> str:
    """What staff wrote in the file a problem names (nothing for a folder or a binary file)."""
    try:
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    except OSError:
        return ""


@pytest.mark.parametrize("case", CLEAN_CASES, ids=lambda case: case.id)
def test_harmless_input_passes(case: Case, checked: dict) -> None:
    _, returncode, report, stderr = checked[case.id]
    assert returncode == 0, (report, stderr)
    assert (report["errors"], report["warnings"]) == (0, 0), report


def test_every_problem_is_reported_in_one_run(tmp_path: Path) -> None:
    write_good_site(tmp_path)
    both(
        edit(O, "kind: 志愿服务队", "kind: 俱乐部"),
        edit(P, "status: 运行中", "status: 进行中"),
        edit(S, "date: 2024-03-05", "date: 2024-13-01"),
        edit(T, "  end: 2024-03-31", "  end: 2024-02-01"),
        edit(H, "level: 市级", "level: 区级"),
        put("content/volunteers/wang-wu.yaml", "name: 王五\n\tconsent: {publish: true}\n"),
        put("content/media/cover.jpg", "not an image"),
    )(tmp_path)
    result = run_check(tmp_path, "--format", "json")
    assert result.returncode == 1
    codes = {(p["file"], p["code"]) for p in json.loads(result.stdout)["problems"]}
    assert {
        (O, "vocab.kind"),
        (P, "field.choice"),
        (S, "field.date"),
        (T, "field.period"),
        (H, "vocab.level"),
        ("content/volunteers/wang-wu.yaml", "yaml.syntax"),
        (P, "media.not-image"),
    } <= codes


# A sample of the table through the installed `leifeng` script, in the default text format.
SCRIPT_SAMPLE = [
    "yaml-tab-indent",
    "field-misspelt",
    "date-february-29",
    "ref-unknown-volunteer",
    "media-truncated",
    "privacy-id-in-story",
    "alt-photo-missing",
    "file-not-utf8",
]


@pytest.mark.parametrize("case", [c for c in CASES if c.id in SCRIPT_SAMPLE], ids=lambda case: case.id)
def test_the_leifeng_script_reports_it_in_text(case: Case, checked: dict) -> None:
    root = checked[case.id][0]
    result = run_check(root)
    assert result.returncode == case.exit, result.stdout + result.stderr
    text = result.stdout
    assert case.file in text and case.phrase in text
    line = expected_line(root, case)
    section = text.split(case.file, 1)[1]
    assert any(case.phrase in row and row.strip().startswith(f"{line}:") for row in section.splitlines()), text
    for absent in case.absent:
        assert absent not in text
