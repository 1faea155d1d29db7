"""The content model: one class per kind of record.

These models are the single source of truth for the schema. The validator,
the JSON Schema for editors and the field reference in the staff guide are
all derived from them. Titles and descriptions are in Chinese because staff
read them in their editor and in the guide.

Vocabularies that a site configures (service fields, honour levels,
organisation kinds) are checked in `validate.py`, not here, because they come
from `mkdocs.yml`.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator

from ..text.i18n import traditional

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_RE = re.compile(ID_PATTERN)


def _parse_date(value: Any) -> Any:
    """Accept a date or an ISO `YYYY-MM-DD` string; nothing else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            raise ValueError(f"日期格式应为 年-月-日，例如 2024-03-05，而不是“{value}”")
        year, month, day = (int(part) for part in text.split("-"))
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"日期“{value}”不存在（月份 1–12，日期不超过当月天数）") from None
    raise ValueError(f"日期格式应为 年-月-日，例如 2024-03-05，而不是“{value}”")


Date = Annotated[dt.date, BeforeValidator(_parse_date), Field(json_schema_extra={"type": "string", "format": "date"})]
RecordId = Annotated[str, Field(pattern=ID_PATTERN, description="记录编号：小写英文字母、数字和连字符，如 zhang-xiaohong")]
Year = Annotated[int, Field(ge=1900, le=2100)]
Text = Annotated[str, Field(min_length=1)]
MediaPath = Annotated[str, Field(min_length=1, description="图片路径，相对于 content/ 目录，如 media/volunteers/zhang.jpg")]


def _either_script(choices: Any) -> BeforeValidator:
    """A fixed choice (a Literal) may be written in Traditional characters too (運行中, 姓氏筆畫).

    The record holds the Simplified word, so the checks compare one form;
    pages show it in the site's script (`i18n.in_language`).
    """
    values = typing.get_args(choices)

    def simplified(value: Any) -> Any:
        if isinstance(value, str) and value not in values:
            return next((word for word in values if traditional(word) == value.strip()), value)
        return value

    return BeforeValidator(simplified)


# The fixed choices (Simplified, as records hold them).
ConsentBy = Literal["本人", "监护人"]
ProjectStatus = Literal["待启动", "运行中", "已结项"]
HonorOrder = Literal["名单顺序", "拼音", "姓氏笔画"]


def F(title: str, description: str = "", **kwargs: Any) -> Any:
    """A field with a Chinese title and description for schema and guide."""
    return Field(title=title, description=description or None, **kwargs)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True, str_strip_whitespace=True)


class Record(Model):
    """Every record: its id is the file name."""

    record_type: ClassVar[str] = ""
    label: ClassVar[str] = ""
    folder: ClassVar[str] = ""

    draft: bool = F("草稿", "true 时不发布（mkdocs serve 预览时可见）", default=False)

    _id: str = PrivateAttr(default="")
    _file: str = PrivateAttr(default="")

    # Read straight from pydantic's private store: every page asks for ids
    # thousands of times, and the generic attribute lookup is slow.
    @property
    def id(self) -> str:
        return self.__pydantic_private__["_id"]  # type: ignore[index]

    @property
    def file(self) -> str:
        return self.__pydantic_private__["_file"]  # type: ignore[index]

    @property
    def url(self) -> str:
        return f"{self.folder}/{self.id}/"

    @property
    def share_key(self) -> str:
        return f"{self.record_type}:{self.id}"

    @property
    def display_name(self) -> str:
        return getattr(self, "name", None) or getattr(self, "title", None) or self.id


class Consent(Model):
    publish: bool = F("同意公开", "本人（或监护人）同意在网站上公开其事迹和信息")
    portrait: bool = F("同意使用肖像", "同意在网站上使用照片；有照片时必须为 true", default=False)
    date: Date | None = F("同意日期", default=None)
    by: Annotated[ConsentBy, _either_script(ConsentBy)] = F("同意人", "本人，或未满十四周岁者的监护人", default="本人")


class Volunteer(Record):
    record_type: ClassVar[str] = "volunteer"
    label: ClassVar[str] = "志愿者"
    folder: ClassVar[str] = "volunteers"

    name: Text = F("姓名")
    photo: MediaPath | None = F("照片", "相对于 content/ 的图片路径", default=None)
    photo_alt: str | None = F("照片说明", "照片的文字描述，供读屏软件和图片加载失败时使用", default=None)
    region: str | None = F("地区", "如 江南省江城市东湖区", default=None)
    unit: str | None = F("单位", default=None)
    position: str | None = F("职务", default=None)
    organization: RecordId | None = F("所属组织", "组织的编号", default=None)
    fields: list[Text] = F("服务领域", "取自站点配置的服务领域", default_factory=list)
    service_hours: float = F("服务时长", "累计志愿服务小时数，星级由此计算", default=0, ge=0, le=200000)
    since: Year | None = F("开始年份", "开始参加志愿服务的年份", default=None)
    headline: str | None = F("一句话简介", default=None)
    quote: str | None = F("志愿感言", default=None)
    bio: str = F("个人事迹", "Markdown 正文", default="")
    birth_year: Year | None = F("出生年份", "用于判断是否未成年；未满十四周岁须由监护人同意", default=None)
    consent: Consent | None = F("公开同意", "个人信息和肖像公开的同意记录", default=None)


class Organization(Record):
    record_type: ClassVar[str] = "organization"
    label: ClassVar[str] = "组织"
    folder: ClassVar[str] = "organizations"

    name: Text = F("名称")
    kind: str | None = F("类型", "志愿服务队、志愿者协会、社会组织、社区、机关、学校、企业、医院等", default=None)
    region: str | None = F("地区", default=None)
    founded: Year | None = F("成立年份", default=None)
    members: int | None = F("成员人数", default=None, ge=0)
    fields: list[Text] = F("服务领域", default_factory=list)
    logo: MediaPath | None = F("标志", "相对于 content/ 的图片路径", default=None)
    logo_alt: str | None = F("标志说明", default=None)
    phone: str | None = F("办公电话", "对外公开的办公电话（座机）；手机号不得公开", default=None)
    public_contacts: list[Text] = F(
        "公开联系方式",
        "组织对外公开的电子邮箱或微信号；写在这里的地址出现在故事和介绍中时，检查不再提示它可能是个人信息",
        default_factory=list,
    )
    summary: str | None = F("简介", default=None)
    body: str = F("详细介绍", "Markdown 正文", default="")


class Metrics(Model):
    volunteers: int | None = F("参与志愿者人数", default=None, ge=0)
    hours: int | None = F("服务时长（小时）", default=None, ge=0)
    beneficiaries: int | None = F("服务对象人次", default=None, ge=0)
    activities: int | None = F("开展活动次数", default=None, ge=0)


class Project(Record):
    record_type: ClassVar[str] = "project"
    label: ClassVar[str] = "项目"
    folder: ClassVar[str] = "projects"

    name: Text = F("项目名称")
    slogan: str | None = F("口号", default=None)
    organization: RecordId | None = F("实施组织", "组织的编号", default=None)
    fields: list[Text] = F("服务领域", default_factory=list)
    beneficiaries: list[Text] = F("服务对象", "如 老年人、残障人士、儿童", default_factory=list)
    region: str | None = F("地区", default=None)
    started: Year | None = F("启动年份", default=None)
    status: Annotated[ProjectStatus, _either_script(ProjectStatus)] = F("状态", default="运行中")
    metrics: Metrics | None = F("项目数据", default=None)
    cover: MediaPath | None = F("封面图", default=None)
    cover_alt: str | None = F("封面图说明", default=None)
    summary: str | None = F("简介", default=None)
    body: str = F("详细介绍", "Markdown 正文", default="")


class Period(Model):
    start: Date = F("开始日期")
    end: Date | None = F("结束日期", default=None)

    @model_validator(mode="after")
    def _end_after_start(self) -> Period:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"结束日期 {self.end} 早于开始日期 {self.start}")
        return self


class Phase(Model):
    name: Text = F("阶段名称", "如 学习月、志愿服务周、标兵评选、总结表彰")
    period: Period | None = F("起止时间", default=None)
    items: list[Text] = F("主要内容", default_factory=list)
    summary: str | None = F("说明", default=None)


class Activity(Model):
    name: Text = F("活动名称")
    summary: str | None = F("说明", default=None)


class Theme(Record):
    record_type: ClassVar[str] = "theme"
    label: ClassVar[str] = "主题活动"
    folder: ClassVar[str] = "themes"

    name: Text = F("活动名称")
    slogan: str | None = F("口号", default=None)
    period: Period | None = F("起止时间", default=None)
    organizers: list[Text] = F("主办单位", "填组织编号则链接到组织页，填中文名称则原样显示", default_factory=list)
    phases: list[Phase] = F("活动阶段", default_factory=list)
    activities: list[Activity] = F("子活动", default_factory=list)
    projects: list[RecordId] = F("相关项目", "项目编号", default_factory=list)
    cover: MediaPath | None = F("封面图", default=None)
    cover_alt: str | None = F("封面图说明", default=None)
    summary: str | None = F("简介", default=None)
    body: str = F("详细介绍", "Markdown 正文", default="")


class Recipient(Model):
    """One line of an honour list: a reference, or a plain entry."""

    volunteer: RecordId | None = F("志愿者", "志愿者编号", default=None)
    organization: RecordId | None = F("组织", "组织编号", default=None)
    project: RecordId | None = F("项目", "项目编号", default=None)
    name: str | None = F("姓名或名称", "名单中未建档的人或集体", default=None)
    unit: str | None = F("单位", default=None)
    position: str | None = F("职务", default=None)
    region: str | None = F("地区", default=None)
    deed: str | None = F("事迹", "一句话事迹", default=None)

    @model_validator(mode="after")
    def _one_reference(self) -> Recipient:
        given = [key for key in ("volunteer", "organization", "project", "name") if getattr(self, key)]
        if not given:
            raise ValueError("每位受表彰者须填写 volunteer、organization、project 或 name 中的一项")
        if len(given) > 1:
            raise ValueError(f"volunteer、organization、project、name 只能填一项，这里填了 {'、'.join(given)}")
        return self


class HonorCategory(Model):
    name: Text = F("类别", "如 最美志愿者、最佳志愿服务组织")
    summary: str | None = F("说明", default=None)
    recipients: list[Recipient] = F("名单", min_length=1)


class Honor(Record):
    record_type: ClassVar[str] = "honor"
    label: ClassVar[str] = "荣誉"
    folder: ClassVar[str] = "honors"

    title: Text = F("名单标题")
    level: Text = F("级别", "国家级、省级、市级、县级、单位")
    awarded_by: str | None = F("授予单位", default=None)
    date: Date = F("表彰日期")
    document: str | None = F("文号", "如 江文明办〔2024〕5号", default=None)
    order: Annotated[HonorOrder, _either_script(HonorOrder)] = F("排序", "名单顺序、拼音 或 姓氏笔画", default="名单顺序")
    summary: str | None = F("简介", default=None)
    body: str = F("正文", "Markdown 正文", default="")
    categories: list[HonorCategory] = F("类别和名单", min_length=1)

    @property
    def name(self) -> str:
        return self.title


class Story(Record):
    record_type: ClassVar[str] = "story"
    label: ClassVar[str] = "故事"
    folder: ClassVar[str] = "stories"

    title: Text = F("标题")
    date: Date = F("日期", "发布日期")
    summary: str | None = F("导语", default=None)
    cover: MediaPath | None = F("封面图", default=None)
    cover_alt: str | None = F("封面图说明", default=None)
    volunteers: list[RecordId] = F("志愿者", "故事中的志愿者编号", default_factory=list)
    organizations: list[RecordId] = F("组织", "组织编号", default_factory=list)
    project: RecordId | None = F("项目", "项目编号", default=None)
    theme: RecordId | None = F("主题活动", "主题活动编号", default=None)
    fields: list[Text] = F("服务领域", default_factory=list)
    region: str | None = F("地区", default=None)
    author: str | None = F("作者", "作者或通讯员", default=None)
    source: str | None = F("来源", default=None)
    source_url: str | None = F("来源链接", "以 http:// 或 https:// 开头", default=None, pattern=r"^https?://\S+$")
    editor: str | None = F("责任编辑", default=None)
    tags: list[Text] = F("标签", default_factory=list)
    featured: bool = F("推荐", "true 时在首页推荐", default=False)
    column: str | None = F("栏目", "栏目名称或编号，取自站点配置的栏目（如 身边好人）", default=None)

    _body: str = PrivateAttr(default="")
    _body_line: int = PrivateAttr(default=1)

    @property
    def body(self) -> str:
        return self._body

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def url(self) -> str:
        return f"stories/{self.date.year}/{self.id}/"

    @property
    def name(self) -> str:
        return self.title


class FeatureSection(Model):
    heading: Text = F("小标题", "如 第一篇 · 守护夕阳红")
    text: str | None = F("导语", "本节开头的文字，Markdown", default=None)
    stories: list[RecordId] = F("故事", "本节的故事编号，按显示顺序排列", default_factory=list)
    after: str | None = F("结尾文字", "本节故事之后的文字，Markdown", default=None)


class Feature(Record):
    """A curated, ordered series of stories (专题), read from top to bottom."""

    record_type: ClassVar[str] = "feature"
    label: ClassVar[str] = "专题"
    folder: ClassVar[str] = "features"

    title: Text = F("专题名称", "如 志愿正当红")
    subtitle: str | None = F("副标题", default=None)
    banner: MediaPath | None = F("题图", "专题顶部的横幅图片", default=None)
    banner_alt: str | None = F("题图说明", default=None)
    intro: str = F("引言", "专题开头的文字，Markdown", default="")
    period: Period | None = F("时间", "专题的起止时间；进行中的专题显示在首页", default=None)
    organizer: str | None = F("主办单位", default=None)
    sections: list[FeatureSection] = F("章节", "按顺序排列的章节，每节一组故事", min_length=1)
    closing: str | None = F("结束语", "专题末尾的文字，Markdown", default=None)

    @property
    def name(self) -> str:
        return self.title

    @property
    def story_ids(self) -> list[str]:
        return [sid for section in self.sections for sid in section.stories]


class FigureValue(Model):
    date: Date = F("日期", "统计截止日期，如 2025-12-31")
    value: float = F("数值", ge=0)
    note: str | None = F("备注", default=None)


class FigureSeries(Model):
    """One reported statistic over time (注册志愿者人数…)."""

    name: Text = F("指标名称", "如 注册志愿者")
    unit: str = F("单位", "如 人、个、万小时、%", default="")
    source: str | None = F("数据来源", "如 江城市文明办", default=None)
    note: str | None = F("说明", default=None)
    home: bool = F("首页显示", "true 时在首页的数据栏显示最新数值", default=False)
    values: list[FigureValue] = F("数据", "按日期列出的数值", min_length=1)


class Figures(Model):
    """`content/figures.yaml`: figures the department reports (数据看板)."""

    series: list[FigureSeries] = F("统计指标", default_factory=list)


RECORD_TYPES: dict[str, type[Record]] = {cls.record_type: cls for cls in (Volunteer, Organization, Project, Theme, Honor, Feature, Story)}
YAML_RECORD_TYPES: tuple[type[Record], ...] = (Volunteer, Organization, Project, Theme, Honor, Feature)
