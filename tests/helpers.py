"""Reading built pages the way a browser resolves them."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlparse

import yaml
from bs4 import BeautifulSoup

BASE = "http://site.test/"


def page_links(soup: BeautifulSoup, url: str) -> set[str]:
    """Site-relative targets (`volunteers/x/`) of every same-site <a href> on a page."""
    targets = set()
    for a in soup.find_all("a", href=True):
        absolute = urljoin(BASE + url, a["href"])
        if absolute.startswith(BASE):
            targets.add(urlparse(absolute).path[1:])
    return targets


def read_records(repo: Path, folder: str) -> dict[str, dict]:
    records = {}
    for path in sorted((repo / "content" / folder).glob("*.yaml")):
        records[path.stem] = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    return records


def read_stories(repo: Path) -> dict[str, dict]:
    stories = {}
    for path in sorted((repo / "stories").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = text.split("---", 2)[1]
        stories[path.stem] = yaml.load(front, Loader=yaml.BaseLoader)
    return stories


def is_draft(record: dict) -> bool:
    return str(record.get("draft", "false")).lower() == "true"


def story_url(sid: str, story: dict) -> str:
    return f"stories/{story['date'][:4]}/{sid}/"
