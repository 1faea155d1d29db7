"""Site settings: typed plugin options and the plain settings the steps read.

`PluginConfig` is what MkDocs validates from `mkdocs.yml` (every option has a
type and a default). `Settings` is a frozen dataclass made from it, so that
the load, validate, catalog and pages steps can be used and tested without
MkDocs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c

from ..text.i18n import in_language, strings_for
from .schedule import DEFAULT_TIMEZONE, today_in

# The built-in vocabularies, in Simplified Chinese. A Traditional site (zh-TW,
# zh-Hant, zh-HK) gets them in Traditional (`make_settings`); its content may
# name an entry in either script.

# Service fields (服务领域): URL slug -> name. Content may use either.
DEFAULT_FIELDS: dict[str, str] = {
    "zhu-lao": "助老服务",
    "zhu-can": "助残服务",
    "guan-ai-shao-er": "关爱少年儿童",
    "sheng-tai-huan-bao": "生态环保",
    "wen-ming-jiao-tong": "文明交通",
    "she-qu-zhi-li": "社区治理",
    "yi-liao-jian-kang": "医疗健康",
    "jiao-yu-zhu-xue": "教育助学",
    "wen-hua-fu-wu": "文化服务",
    "ying-ji-jiu-yuan": "应急救援",
    "fa-lv-fu-wu": "法律服务",
    "xiang-cun-zhen-xing": "乡村振兴",
    "da-xing-sai-hui": "大型赛会",
}
# Columns (栏目) that stories are filed under: URL slug -> name.
DEFAULT_COLUMNS: dict[str, str] = {
    "shen-bian-hao-ren": "身边好人",
    "zhi-yuan-zhe-feng-cai": "志愿者风采",
    "pin-pai-xiang-mu-xun-li": "品牌项目巡礼",
    "ji-ceng-dong-tai": "基层动态",
    "mei-ti-bao-dao": "媒体报道",
}
DEFAULT_HONOR_LEVELS = ["国家级", "省级", "市级", "县级", "单位"]
DEFAULT_ORGANIZATION_KINDS = ["志愿服务队", "志愿者协会", "社会组织", "社区", "机关", "学校", "企业", "医院"]
DEFAULT_STAR_THRESHOLDS = [100, 300, 600, 1000, 1500]
DEFAULT_KEY_DATES = [
    {"date": "03-05", "name": "学雷锋纪念日", "first": 1964},
    {"date": "03-05", "name": "中国青年志愿者服务日", "first": 2000},
    {"date": "12-05", "name": "国际志愿者日", "first": 1986},
]
STAR_NAMES = ["一星", "二星", "三星", "四星", "五星"]


# --- plugin options -----------------------------------------------------------
#
# One table says what each option of the `leifeng` plugin is: its kind, its
# default and how staff write it. MkDocs' typed configuration (`PluginConfig`)
# and the Chinese messages for a wrong value (`check_options`) both come from
# it, so an option is described once.


class _BuiltIn:
    """The default of a vocabulary option: the built-in one, in the site's language (`make_settings`)."""

    def __repr__(self) -> str:
        return "BUILT_IN"


BUILT_IN: Any = _BuiltIn()  # MkDocs copies a default that has .copy(); this one stays itself


@dataclass(frozen=True)
class Option:
    name: str
    kind: str  # text, positive, flag, choice, date, timezone, slug_map, text_list, thresholds, key_dates, admin
    default: Any
    example: str  # how the value is written in mkdocs.yml
    choices: tuple[str, ...] = ()


OPTIONS: tuple[Option, ...] = (
    Option("content_dir", "text", "content", "content"),
    Option("stories_dir", "text", "stories", "stories"),
    Option("fields", "slug_map", BUILT_IN, "{zhu-lao: 助老服务, zhu-can: 助残服务}"),
    Option("columns", "slug_map", BUILT_IN, "{shen-bian-hao-ren: 身边好人}"),
    Option("honor_levels", "text_list", BUILT_IN, "[国家级, 省级, 市级, 县级, 单位]"),
    Option("organization_kinds", "text_list", BUILT_IN, "[志愿服务队, 志愿者协会, 社区]"),
    Option("star_thresholds", "thresholds", DEFAULT_STAR_THRESHOLDS, "[100, 300, 600, 1000, 1500]"),
    Option("region", "text", "", "江南省江城市"),
    Option("slogan", "text", "", "学习雷锋好榜样 志愿服务暖人心"),  # empty: the UI table's slogan, in the site's language
    Option("icp", "text", "", "江ICP备00000000号-1"),
    Option("icp_url", "text", "https://beian.miit.gov.cn/", "https://beian.miit.gov.cn/"),
    Option("police", "text", "", "江公网安备 00000000000000号"),
    Option("police_url", "text", "https://beian.mps.gov.cn/", "https://beian.mps.gov.cn/"),
    Option("key_dates", "key_dates", BUILT_IN, '[{date: "03-05", name: 学雷锋纪念日, first: 1964}]'),
    Option("page_size", "positive", 12, "12"),
    Option("roster_page_size", "positive", 48, "48"),
    Option("feed_size", "positive", 20, "20"),
    Option("reading_speed", "positive", 400, "400"),
    Option("max_image_pixels", "positive", 40_000_000, "40000000"),
    Option("drafts", "choice", "auto", "auto", ("auto", "show", "hide")),
    Option("build_date", "date", None, '"2025-03-05"'),  # empty: today in `timezone` (content/schedule.py)
    Option("timezone", "timezone", DEFAULT_TIMEZONE, "Asia/Shanghai"),  # the site's clock: what "today" is
    # Hand-written pages for staff (docs/): out of the public site unless published on purpose; `mkdocs serve` shows them.
    # An entry ending in / is a folder: everything in it (the guide's screenshots, deploy recipes).
    Option(
        "staff_pages",
        "text_list",
        ["guide.md", "deploy.md", "cms.md", "deploy/", "staff/"],
        "[guide.md, deploy.md, cms.md, deploy/, staff/]",
    ),
    Option("publish_staff_pages", "flag", False, "true"),
    Option("wechat_link", "flag", False, "true"),  # story pages link to their 公众号 copy (for staff)
    Option("admin", "admin", {}, "{enabled: false}"),  # the browser editor at /admin/ (docs/cms.md)
)
OPTION_BY_NAME = {option.name: option for option in OPTIONS}


class _AnyValue(c.BaseConfigOption):
    """An option MkDocs passes through as written: `check_options` judges it, in Chinese."""

    def __init__(self, default: Any) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> object:
        return value


PluginConfig = type("PluginConfig", (base.Config,), {option.name: _AnyValue(option.default) for option in OPTIONS})


@dataclass(frozen=True)
class OptionProblem:
    """A wrong plugin option: which (a dotted path below the plugin), what is wrong, what to write."""

    path: tuple[str | int, ...]
    message: str
    hint: str = ""


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_options(options: dict) -> list[OptionProblem]:
    """Every mistake in the plugin's options as written in mkdocs.yml."""
    import difflib

    problems: list[OptionProblem] = []
    add = problems.append
    for name in options:
        if name not in OPTION_BY_NAME:
            close = difflib.get_close_matches(str(name), list(OPTION_BY_NAME), n=1, cutoff=0.6)
            add(
                OptionProblem((name,), f"没有名为 {name} 的设置", f"是不是 {close[0]}？" if close else "可用的设置见编辑指南“网站设置”一节")
            )
    for option in OPTIONS:
        if options.get(option.name, BUILT_IN) is BUILT_IN:
            continue
        value = options[option.name]
        at = (option.name,)
        example = f"例如 {option.name}: {option.example}"
        if value is None:
            if option.kind != "date":
                add(OptionProblem(at, f"{option.name} 没有填写值", f"{example}；不需要时删除这一行"))
            continue
        if option.kind == "text":
            if not isinstance(value, str):
                add(OptionProblem(at, f"{option.name} 应为文字，现在是“{_shown(value)}”", f"{example}（含冒号等符号时加引号）"))
        elif option.kind == "positive":
            if not _is_int(value) or value <= 0:
                add(OptionProblem(at, f"{option.name} 应为正整数，现在是“{_shown(value)}”", example))
        elif option.kind == "flag":
            if not isinstance(value, bool):
                add(OptionProblem(at, f"{option.name} 只能是 true 或 false，现在是“{_shown(value)}”", example))
        elif option.kind == "choice":
            if value not in option.choices:
                add(OptionProblem(at, f"{option.name} 只能是 {'、'.join(option.choices)} 之一，现在是“{_shown(value)}”", example))
        elif option.kind == "date":
            text = value.isoformat() if isinstance(value, dt.date) else value
            match = _DATE.fullmatch(text) if isinstance(text, str) else None
            try:
                valid = match is not None and dt.date.fromisoformat(text) is not None
            except ValueError:
                valid = False
            if not valid:
                add(
                    OptionProblem(at, f"{option.name} 的值“{_shown(value)}”不是有效的日期", f"写成 年-月-日，月和日都用两位数字，{example}")
                )
        elif option.kind == "timezone":
            problem = _timezone_problem(value)
            if problem:
                add(OptionProblem(at, problem[0], problem[1]))
        elif option.kind == "text_list":
            if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
                add(OptionProblem(at, f"{option.name} 应为文字列表，现在是“{_shown(value)}”", example))
        elif option.kind == "slug_map":
            if not isinstance(value, dict) or not value:
                add(OptionProblem(at, f"{option.name} 应为“网址名: 中文名称”的对照表", example))
                continue
            for slug, label in value.items():
                if not isinstance(slug, str) or not _SLUG.match(slug):
                    add(OptionProblem(at + (str(slug),), f"{option.name} 的键“{slug}”须为小写英文字母、数字和连字符（用于网址）", example))
                if not isinstance(label, str) or not label.strip():
                    add(OptionProblem(at + (str(slug),), f"{option.name} 中 {slug} 的名称应为文字", example))
        elif option.kind == "thresholds":
            ok = isinstance(value, list) and len(value) == 5 and all(_is_int(v) for v in value)
            if not ok or list(value) != sorted(set(value)) or value[0] <= 0:
                add(OptionProblem(at, f"star_thresholds 须为 5 个递增的正整数（一星到五星所需小时数），现在是“{_shown(value)}”", example))
        elif option.kind == "key_dates":
            if not isinstance(value, list):
                add(OptionProblem(at, "key_dates 应为列表，每项写日期（月-日）、名称和首次举办的年份", example))
                continue
            for index, entry in enumerate(value):
                where = at + (index,)
                if not isinstance(entry, dict):
                    add(OptionProblem(where, f"key_dates 的第 {index + 1} 项应写成 {{date: 月-日, name: 名称}}", example))
                    continue
                problem = _key_date_problem(entry)
                if problem:
                    add(OptionProblem(where, f"key_dates 的第 {index + 1} 项：{problem}", example))
        elif option.kind == "admin":
            problems.extend(_admin_problems(value, example))
    return problems


def _admin_problems(value: object, example: str) -> list[OptionProblem]:
    """The `admin` block: enabled (true/false), backend (Decap CMS's backend block), local_backend (true/false or a URL)."""
    if not isinstance(value, dict):
        return [OptionProblem(("admin",), "admin 应写成“设置: 值”的形式", example)]
    found = []
    for key in value:
        if key not in ("enabled", "backend", "local_backend"):
            found.append(
                OptionProblem(
                    ("admin", str(key)), f"admin 中没有名为 {key} 的设置", "可用的设置：enabled、backend、local_backend（见 docs/cms.md）"
                )
            )
    if "enabled" in value and not isinstance(value["enabled"], bool):
        found.append(
            OptionProblem(
                ("admin", "enabled"), f"admin.enabled 只能是 true 或 false，现在是“{_shown(value['enabled'])}”", "例如 enabled: false"
            )
        )
    backend = value.get("backend", {})
    if not isinstance(backend, dict) or (backend and not isinstance(backend.get("name"), str)):
        found.append(
            OptionProblem(
                ("admin", "backend"),
                "admin.backend 应写明代码托管平台 name（gitlab、github、forgejo……）和仓库 repo",
                "例如 backend: {name: gitlab, repo: wenmingban/zyfw}",
            )
        )
    if "local_backend" in value and not isinstance(value["local_backend"], bool | str):
        found.append(
            OptionProblem(
                ("admin", "local_backend"), "admin.local_backend 应为 true、false 或 decap-server 的地址", "例如 local_backend: true"
            )
        )
    return found


# How people write Beijing time when they do not know its IANA name.
_BEIJING_WORDS = ("beijing", "北京", "cst", "china", "中国", "+8", "+08", "utc8", "gmt8")


def _timezone_problem(value: object) -> tuple[str, str] | None:
    """(message, hint) when `value` is not a time zone this machine knows."""
    import difflib
    import zoneinfo

    known = zoneinfo.available_timezones()
    if isinstance(value, str) and value in known:
        return None
    if not known:
        return (
            "这台电脑没有时区数据，无法确定网站的日期",
            "运行 python -m pip install tzdata 安装时区数据（Windows 上安装本程序时会自动安装）",
        )
    hint = "写成“洲/城市”形式的时区名称：北京时间写 timezone: Asia/Shanghai（默认，不写即可），香港 Asia/Hong_Kong，台北 Asia/Taipei"
    text = str(value)
    folded = text.lower().replace(" ", "").replace(":", "")
    by_case = [zone for zone in known if zone.lower() == text.lower()]
    if by_case:
        guess = by_case[0]
    elif any(word in folded for word in _BEIJING_WORDS):
        guess = "Asia/Shanghai"
    else:
        close = difflib.get_close_matches(text, sorted(known), n=1, cutoff=0.85)
        guess = close[0] if close else ""
    return f"timezone 的值“{_shown(value)}”不是时区名称", (f"是不是 {guess}？" if guess else "") + hint


def _key_date_problem(entry: dict) -> str:
    unknown = [str(k) for k in entry if k not in ("date", "name", "first")]
    if unknown:
        return f"不认识的字段 {'、'.join(unknown)}（只能写 date、name、first）"
    if not isinstance(entry.get("name"), str) or not entry["name"].strip():
        return "缺少名称 name"
    if "first" in entry and entry["first"] is not None and not _is_int(entry["first"]):
        return f"first 应为首次举办的年份（整数），现在是“{_shown(entry['first'])}”"
    match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", str(entry.get("date", "")).strip())
    if not match:
        return f'日期“{_shown(entry.get("date"))}”应写成 月-日，并加引号，如 "03-05"'
    try:
        dt.date(2024, int(match.group(1)), int(match.group(2)))  # a leap year accepts 02-29
    except ValueError:
        return f"日期“{entry.get('date')}”不存在"
    return ""


@dataclass(frozen=True)
class KeyDate:
    month: int
    day: int
    name: str
    first: int | None = None

    def ordinal(self, year: int) -> int | None:
        """Which anniversary falls in `year` (the first observance is 1)."""
        return year - self.first + 1 if self.first else None


@dataclass(frozen=True)
class AdminSettings:
    """The browser editor at /admin/ (docs/cms.md)."""

    enabled: bool = True
    backend: dict = field(default_factory=dict)  # Decap CMS's `backend:` block: name, repo, branch, base_url, api_root, app_id, auth_type
    local_backend: bool | str = True  # decap-server on this computer: true (port 8081) or its URL


@dataclass(frozen=True)
class Settings:
    root: Path
    content_dir: Path
    stories_dir: Path
    fields: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_FIELDS))
    columns: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLUMNS))
    honor_levels: tuple[str, ...] = tuple(DEFAULT_HONOR_LEVELS)
    organization_kinds: tuple[str, ...] = tuple(DEFAULT_ORGANIZATION_KINDS)
    star_thresholds: tuple[int, ...] = tuple(DEFAULT_STAR_THRESHOLDS)
    region: str = ""
    slogan: str = ""
    icp: str = ""
    icp_url: str = "https://beian.miit.gov.cn/"
    police: str = ""
    police_url: str = "https://beian.mps.gov.cn/"
    key_dates: tuple[KeyDate, ...] = ()
    page_size: int = 12
    roster_page_size: int = 48
    feed_size: int = 20
    reading_speed: int = 400
    max_image_pixels: int = 40_000_000
    include_drafts: bool = False
    preview: bool = False  # `mkdocs serve`: drafts are shown on the editor's machine, not published
    timezone: str = DEFAULT_TIMEZONE  # the site's clock: build_date is today there
    build_date: dt.date = field(default_factory=lambda: today_in(DEFAULT_TIMEZONE))
    language: str = "zh"  # the theme's language: which UI string table pages use
    # On a Traditional site, the Simplified name of each built-in field, column,
    # honour level and organisation kind in use -> the name the site shows: content
    # written before the site switched keeps validating.
    aliases: dict[str, str] = field(default_factory=dict)
    wechat_link: bool = False
    staff_pages: tuple[str, ...] = ("guide.md", "deploy.md", "cms.md", "deploy/", "staff/")
    publish_staff_pages: bool = False
    admin: AdminSettings = field(default_factory=AdminSettings)

    def is_staff_page(self, src_uri: str) -> bool:
        """A file of docs/ meant for staff (`staff_pages`: file names, or folders ending in /)."""
        return any(src_uri == entry or (entry.endswith("/") and src_uri.startswith(entry)) for entry in self.staff_pages)

    def _word(self, written: str, words: Sequence[str]) -> str | None:
        if written in words:
            return written
        shown = self.aliases.get(written)
        return shown if shown in words else None

    def honor_level(self, written: str) -> str | None:
        """The honour level `written` names, as the site shows it (省级 is 省級 on a Traditional site); None if none."""
        return self._word(written, self.honor_levels)

    def organization_kind(self, written: str) -> str | None:
        """The organisation kind `written` names, as the site shows it; None if none."""
        return self._word(written, self.organization_kinds)

    def also_written(self, words: Iterable[str]) -> list[str]:
        """The other accepted forms of `words` (their Simplified names on a Traditional site)."""
        shown = set(words)
        return [alias for alias, word in self.aliases.items() if word in shown]

    @property
    def column_by_name(self) -> dict[str, str]:
        """Name (either form of a built-in one) or slug -> slug."""
        return self._slug_by_name(self.columns)

    @property
    def field_by_name(self) -> dict[str, str]:
        """Name (either form of a built-in one) or slug -> slug."""
        return self._slug_by_name(self.fields)

    def _slug_by_name(self, names: dict[str, str]) -> dict[str, str]:
        lookup = {name: slug for slug, name in names.items()}
        lookup.update({alias: lookup[word] for alias, word in self.aliases.items() if word in lookup})
        lookup.update({slug: slug for slug in names})
        return lookup


class SettingsError(ValueError):
    """A setting in mkdocs.yml is wrong; the message says which and how to fix it."""


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def parse_key_date(entry: dict) -> KeyDate:
    problem = _key_date_problem(entry)
    if problem:
        raise SettingsError(f"key_dates：{problem}")
    month, day = (int(part) for part in str(entry["date"]).strip().split("-"))
    return KeyDate(month, day, str(entry["name"]), entry.get("first"))


def _default_slogan(language: str) -> str:
    return strings_for(language)["default_slogan"]


def make_settings(options: dict, root: Path, *, include_drafts: bool = False, preview: bool = False, language: str = "zh") -> Settings:
    """`Settings` from the plugin's options; a wrong option raises `SettingsError` (first problem)."""
    problems = check_options(options)
    if problems:
        first = problems[0]
        raise SettingsError(first.message + (f"（{first.hint}）" if first.hint else ""))
    language = language or "zh"
    thresholds = tuple(options.get("star_thresholds", DEFAULT_STAR_THRESHOLDS))
    # A vocabulary staff configure is theirs, as written. The built-in ones follow
    # the site's language; on a Traditional site their Simplified names stay
    # accepted (`aliases`), so content written before the switch still validates.
    aliases: dict[str, str] = {}

    def built_in(words: Iterable[str]) -> list[str]:
        simplified = list(words)
        shown = [in_language(word, language) for word in simplified]
        aliases.update((word, name) for word, name in zip(simplified, shown, strict=True) if word != name)
        return shown

    def word_list(name: str, default: list[str]) -> tuple[str, ...]:
        written = options.get(name, BUILT_IN)
        return tuple(built_in(default) if written is BUILT_IN else written)

    def slug_map(name: str, default: dict[str, str]) -> dict[str, str]:
        written = options.get(name, BUILT_IN)
        if written is BUILT_IN:
            return dict(zip(default, built_in(default.values()), strict=True))
        return {str(slug): str(label) for slug, label in written.items()}

    key_dates = options.get("key_dates", BUILT_IN)
    if key_dates is BUILT_IN:
        key_dates = [{**entry, "name": in_language(entry["name"], language)} for entry in DEFAULT_KEY_DATES]
    timezone = options.get("timezone", DEFAULT_TIMEZONE)
    build_date = options.get("build_date")
    return Settings(
        root=root,
        content_dir=(root / options.get("content_dir", "content")).resolve(),
        stories_dir=(root / options.get("stories_dir", "stories")).resolve(),
        fields=slug_map("fields", DEFAULT_FIELDS),
        columns=slug_map("columns", DEFAULT_COLUMNS),
        honor_levels=word_list("honor_levels", DEFAULT_HONOR_LEVELS),
        organization_kinds=word_list("organization_kinds", DEFAULT_ORGANIZATION_KINDS),
        star_thresholds=thresholds,
        region=options.get("region", ""),
        slogan=options.get("slogan", "") or _default_slogan(language),
        icp=options.get("icp", ""),
        icp_url=options.get("icp_url", "https://beian.miit.gov.cn/"),
        police=options.get("police", ""),
        police_url=options.get("police_url", "https://beian.mps.gov.cn/"),
        key_dates=tuple(parse_key_date(dict(entry)) for entry in key_dates),
        page_size=int(options.get("page_size", 12)),
        roster_page_size=int(options.get("roster_page_size", 48)),
        feed_size=int(options.get("feed_size", 20)),
        reading_speed=int(options.get("reading_speed", 400)),
        max_image_pixels=int(options.get("max_image_pixels", 40_000_000)),
        include_drafts=include_drafts,
        preview=preview,
        timezone=timezone,
        build_date=_as_date(build_date) if build_date else _site_today(timezone),
        language=language,
        aliases=aliases,
        wechat_link=bool(options.get("wechat_link", False)),
        staff_pages=tuple(options.get("staff_pages", ("guide.md", "deploy.md", "cms.md", "deploy/", "staff/"))),
        publish_staff_pages=bool(options.get("publish_staff_pages", False)),
        admin=AdminSettings(**dict(options.get("admin") or {})),
    )


def _site_today(timezone: str) -> dt.date:
    """Today in the site's time zone (at the time tests set in LEIFENG_NOW, if they do)."""
    import zoneinfo

    from .schedule import CLOCK_VARIABLE, now

    try:
        at = now()
    except ValueError:
        raise SettingsError(
            f"环境变量 {CLOCK_VARIABLE} 的值不是 ISO 格式的时间（它只供测试使用，例如 2025-03-04T23:30:00+00:00）：删除这个环境变量即可"
        ) from None
    try:
        return today_in(timezone, at)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        message, hint = _timezone_problem(timezone) or (f"找不到时区 {timezone}", "")
        raise SettingsError(f"{message}（{hint}）") from None


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
