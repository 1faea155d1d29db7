"""Site settings: typed plugin options and the plain settings the steps read.

`PluginConfig` is what MkDocs validates from `mkdocs.yml` (every option has a
type and a default). `Settings` is a frozen dataclass made from it, so that
the load, validate, catalog and pages steps can be used and tested without
MkDocs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c

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


class KeyDateConfig(base.Config):
    date = c.Type(str)
    name = c.Type(str)
    first = c.Optional(c.Type(int))


class PluginConfig(base.Config):
    content_dir = c.Type(str, default="content")
    stories_dir = c.Type(str, default="stories")
    fields = c.Type(dict, default=DEFAULT_FIELDS)
    columns = c.Type(dict, default=DEFAULT_COLUMNS)
    honor_levels = c.ListOfItems(c.Type(str), default=DEFAULT_HONOR_LEVELS)
    organization_kinds = c.ListOfItems(c.Type(str), default=DEFAULT_ORGANIZATION_KINDS)
    star_thresholds = c.ListOfItems(c.Type(int), default=DEFAULT_STAR_THRESHOLDS)
    region = c.Type(str, default="")
    slogan = c.Type(str, default="")  # empty: the UI table's default slogan, in the site's language
    icp = c.Type(str, default="")
    icp_url = c.Type(str, default="https://beian.miit.gov.cn/")
    police = c.Type(str, default="")
    police_url = c.Type(str, default="https://beian.mps.gov.cn/")
    key_dates = c.ListOfItems(c.SubConfig(KeyDateConfig), default=DEFAULT_KEY_DATES)
    page_size = c.Type(int, default=12)
    roster_page_size = c.Type(int, default=48)
    feed_size = c.Type(int, default=20)
    reading_speed = c.Type(int, default=400)
    max_image_pixels = c.Type(int, default=40_000_000)
    drafts = c.Choice(("auto", "show", "hide"), default="auto")
    build_date = c.Optional(c.Type(str))


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
    build_date: dt.date = field(default_factory=dt.date.today)
    language: str = "zh"  # the theme's language: which UI string table pages use

    @property
    def column_by_name(self) -> dict[str, str]:
        """Name or slug -> slug."""
        lookup = {name: slug for slug, name in self.columns.items()}
        lookup.update({slug: slug for slug in self.columns})
        return lookup

    @property
    def field_by_name(self) -> dict[str, str]:
        """Name or slug -> slug."""
        lookup = {name: slug for slug, name in self.fields.items()}
        lookup.update({slug: slug for slug in self.fields})
        return lookup


class SettingsError(ValueError):
    """A setting in mkdocs.yml is wrong; the message says which and how to fix it."""


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def parse_key_date(entry: dict) -> KeyDate:
    match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", str(entry.get("date", "")).strip())
    if not match:
        raise SettingsError(f"key_dates 中的日期“{entry.get('date')}”应写成 月-日，例如 03-05")
    month, day = int(match.group(1)), int(match.group(2))
    try:
        dt.date(2024, month, day)  # a leap year accepts 02-29
    except ValueError:
        raise SettingsError(f"key_dates 中的日期“{entry.get('date')}”不存在") from None
    return KeyDate(month, day, str(entry["name"]), entry.get("first"))


def _default_slogan(language: str) -> str:
    from ..text.i18n import strings_for

    return strings_for(language)["default_slogan"]


def make_settings(options: dict, root: Path, *, include_drafts: bool = False, language: str = "zh") -> Settings:
    """Check plugin options that need more than a type and build `Settings`."""
    thresholds = tuple(options.get("star_thresholds", DEFAULT_STAR_THRESHOLDS))
    if len(thresholds) != 5 or list(thresholds) != sorted(set(thresholds)) or thresholds[0] <= 0:
        raise SettingsError("star_thresholds 须为 5 个递增的正整数（一星到五星所需小时数），如 [100, 300, 600, 1000, 1500]")
    fields = {str(k): str(v) for k, v in (options.get("fields") or DEFAULT_FIELDS).items()}
    columns = {str(k): str(v) for k, v in (options.get("columns") or DEFAULT_COLUMNS).items()}
    for option, table in (("fields", fields), ("columns", columns)):
        for slug in table:
            if not _SLUG.match(slug):
                raise SettingsError(f"{option} 的键“{slug}”须为小写英文字母、数字和连字符（用于网址）")
    for name in ("page_size", "roster_page_size", "feed_size", "reading_speed", "max_image_pixels"):
        if int(options.get(name, 1)) <= 0:
            raise SettingsError(f"{name} 须为正整数")
    build_date = options.get("build_date")
    return Settings(
        root=root,
        content_dir=(root / options.get("content_dir", "content")).resolve(),
        stories_dir=(root / options.get("stories_dir", "stories")).resolve(),
        fields=fields,
        columns=columns,
        honor_levels=tuple(options.get("honor_levels", DEFAULT_HONOR_LEVELS)),
        organization_kinds=tuple(options.get("organization_kinds", DEFAULT_ORGANIZATION_KINDS)),
        star_thresholds=thresholds,
        region=options.get("region", ""),
        slogan=options.get("slogan", "") or _default_slogan(language),
        icp=options.get("icp", ""),
        icp_url=options.get("icp_url", "https://beian.miit.gov.cn/"),
        police=options.get("police", ""),
        police_url=options.get("police_url", "https://beian.mps.gov.cn/"),
        key_dates=tuple(parse_key_date(dict(entry)) for entry in options.get("key_dates", DEFAULT_KEY_DATES)),
        page_size=int(options.get("page_size", 12)),
        roster_page_size=int(options.get("roster_page_size", 48)),
        feed_size=int(options.get("feed_size", 20)),
        reading_speed=int(options.get("reading_speed", 400)),
        max_image_pixels=int(options.get("max_image_pixels", 40_000_000)),
        include_drafts=include_drafts,
        build_date=dt.date.fromisoformat(build_date) if build_date else dt.date.today(),
        language=language or "zh",
    )
