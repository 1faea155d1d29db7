"""Jinja filters our templates use. Formatting only; no business rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..text.i18n import ZH_HANS


def cn_date(value: dt.date | None) -> str:
    """2025-03-05 -> 2025年3月5日"""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def iso_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def hours(value: float) -> str:
    """1280.0 -> 1,280; 12.5 -> 12.5"""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def number_short(value: float, t: Mapping[str, str] = ZH_HANS) -> str:
    """Large counts the way Chinese reports write them: 1003000 -> 100.3万 (100.3萬 with a Traditional table `t`)."""
    if value >= 100_000_000:
        return f"{value / 100_000_000:.1f}".rstrip("0").rstrip(".") + t["hundred_million"]
    if value >= 100_000:
        return f"{value / 10_000:.1f}".rstrip("0").rstrip(".") + t["ten_thousand"]
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def register_filters(env: Any) -> None:
    from .wechat import article_for_page  # wechat.py formats dates with cn_date above

    env.filters["cn_date"] = cn_date
    env.filters["iso_date"] = iso_date
    env.filters["hours"] = hours
    env.filters["number"] = number
    env.filters["number_short"] = number_short
    env.filters["wechat_article"] = article_for_page
