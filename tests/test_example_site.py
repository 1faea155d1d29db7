"""The example site: every page exists, every reference links both ways."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

from .conftest import REPO, Built
from .helpers import is_draft, page_links, read_records, read_stories, story_url

FOLDERS = ["volunteers", "organizations", "projects", "themes", "honors"]
STORIES = read_stories(REPO)
PUBLISHED_STORIES = {sid: s for sid, s in STORIES.items() if not is_draft(s)}
RECORDS = {folder: read_records(REPO, folder) for folder in FOLDERS}


def published(folder: str) -> dict[str, dict]:
    return {rid: r for rid, r in RECORDS[folder].items() if not is_draft(r)}


def test_example_content_is_large_enough_to_show_every_page_type() -> None:
    assert len(published("volunteers")) >= 10
    assert len(published("organizations")) >= 4
    assert len(published("projects")) >= 5
    assert len(published("themes")) >= 3
    assert len(published("honors")) >= 3
    assert len(PUBLISHED_STORIES) >= 12


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_published_record_has_its_page(example: Built, folder: str) -> None:
    missing = [rid for rid in published(folder) if not example.exists(f"{folder}/{rid}/")]
    assert missing == []


def test_every_published_story_has_its_page_under_its_year(example: Built) -> None:
    missing = [sid for sid, s in PUBLISHED_STORIES.items() if not example.exists(story_url(sid, s))]
    assert missing == []


@pytest.mark.parametrize("url", ["", "stories/", "volunteers/", "organizations/", "projects/", "themes/", "honors/", "fields/", "about/"])
def test_section_pages_exist(example: Built, url: str) -> None:
    assert (example.site / url / "index.html").is_file()


@pytest.mark.parametrize("url", ["guide/", "guide/fields/", "deploy/", "cms/"])
def test_staff_pages_are_left_out_of_the_public_site(example: Built, example_with_staff_pages: Built, url: str) -> None:
    assert not (example.site / url).exists(), f"{url} is for staff: published only with publish_staff_pages"
    assert (example_with_staff_pages.site / url / "index.html").is_file()


def test_the_public_site_carries_no_staff_files_or_links_to_them(example: Built) -> None:
    assert not (example.site / "deploy").exists() and not (example.site / "staff").exists()
    about = example.html("about/")
    assert "编辑指南" in about.get_text(), "the words stay"
    assert not {"guide/", "deploy/"} & page_links(about, "about/"), "but they are no longer links"
    assert "guide/" not in (example.site / "sitemap.xml").read_text(encoding="utf-8")


def test_404_page_is_in_chinese(example: Built) -> None:
    text = (example.site / "404.html").read_text(encoding="utf-8")
    assert "页面不存在" in text


def test_drafts_are_absent_and_never_linked(example: Built) -> None:
    drafts = [(f"{folder}/{rid}/", rid) for folder in FOLDERS for rid, r in RECORDS[folder].items() if is_draft(r)]
    drafts += [(story_url(sid, s), sid) for sid, s in STORIES.items() if is_draft(s)]
    assert drafts, "the example content should show a draft"
    all_hrefs = set()
    for page in example.site.rglob("index.html"):
        url = page.parent.relative_to(example.site).as_posix() + "/"
        url = "" if url == "./" else url
        all_hrefs |= page_links(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser"), url)
    for url, _ in drafts:
        assert not example.exists(url)
        assert url not in all_hrefs


def test_story_and_volunteer_link_both_ways(example: Built) -> None:
    checked = 0
    volunteers = published("volunteers")
    for sid, story in PUBLISHED_STORIES.items():
        for vid in story.get("volunteers", []):
            if vid not in volunteers:
                continue
            url = story_url(sid, story)
            assert f"volunteers/{vid}/" in page_links(example.html(url), url)
            assert url in page_links(example.html(f"volunteers/{vid}/"), f"volunteers/{vid}/")
            checked += 1
    assert checked >= 5


def test_honor_and_volunteer_link_both_ways(example: Built) -> None:
    checked = 0
    for hid, honor in published("honors").items():
        for category in honor["categories"]:
            for recipient in category["recipients"]:
                for folder, key in (("volunteers", "volunteer"), ("organizations", "organization"), ("projects", "project")):
                    rid = recipient.get(key)
                    if rid and rid in published(folder):
                        assert f"{folder}/{rid}/" in page_links(example.html(f"honors/{hid}/"), f"honors/{hid}/")
                        assert f"honors/{hid}/" in page_links(example.html(f"{folder}/{rid}/"), f"{folder}/{rid}/")
                        checked += 1
    assert checked >= 5


def test_project_and_organization_link_both_ways(example: Built) -> None:
    checked = 0
    for pid, project in published("projects").items():
        oid = project.get("organization")
        if oid:
            assert f"organizations/{oid}/" in page_links(example.html(f"projects/{pid}/"), f"projects/{pid}/")
            assert f"projects/{pid}/" in page_links(example.html(f"organizations/{oid}/"), f"organizations/{oid}/")
            checked += 1
    assert checked >= 3


def test_volunteer_and_organization_link_both_ways(example: Built) -> None:
    checked = 0
    for vid, volunteer in published("volunteers").items():
        oid = volunteer.get("organization")
        if oid:
            assert f"organizations/{oid}/" in page_links(example.html(f"volunteers/{vid}/"), f"volunteers/{vid}/")
            assert f"volunteers/{vid}/" in page_links(example.html(f"organizations/{oid}/"), f"organizations/{oid}/")
            checked += 1
    assert checked >= 3


def test_theme_project_and_story_link_both_ways(example: Built) -> None:
    for tid, theme in published("themes").items():
        links = page_links(example.html(f"themes/{tid}/"), f"themes/{tid}/")
        for pid in theme.get("projects", []):
            assert f"projects/{pid}/" in links
            assert f"themes/{tid}/" in page_links(example.html(f"projects/{pid}/"), f"projects/{pid}/")
    for sid, story in PUBLISHED_STORIES.items():
        url = story_url(sid, story)
        links = page_links(example.html(url), url)
        for key, folder in (("project", "projects"), ("theme", "themes")):
            if story.get(key):
                assert f"{folder}/{story[key]}/" in links
                assert url in page_links(example.html(f"{folder}/{story[key]}/"), f"{folder}/{story[key]}/")


def test_story_page_shows_what_readers_expect(example: Built) -> None:
    sid, story = next((sid, s) for sid, s in PUBLISHED_STORIES.items() if s.get("source") and s.get("editor") and s.get("volunteers"))
    soup = example.html(story_url(sid, story))
    text = soup.get_text(" ")
    assert story["title"] in soup.find("h1").get_text()
    assert story["source"] in text and story["editor"] in text
    assert "分钟读完" in text and "全文" in text
    assert soup.select(".lf-card--person"), "the story's volunteers appear as cards"


def test_feed_is_atom_with_newest_stories_first(example: Built) -> None:
    root = ET.parse(example.site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    newest = sorted(PUBLISHED_STORIES.items(), key=lambda kv: (kv[1]["date"], kv[0]), reverse=True)
    assert [e.find("a:title", ns).text for e in entries] == [s["title"] for _, s in newest[:20]]
    first_link = entries[0].find("a:link", ns).get("href")
    assert urlparse(first_link).path == "/zyfw/" + story_url(*newest[0])


RESOURCE_ATTRS = {
    "script": "src",
    "img": "src",
    "source": "srcset",
    "iframe": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
    "object": "data",
}


# The site's own address (site_url): the 公众号 pages show images by it, as the editor fetches them.
OWN_ADDRESS = re.search(r"^site_url:\s*(\S+)", (REPO / "mkdocs.yml").read_text(encoding="utf-8"), re.M).group(1)


def test_no_page_loads_anything_from_another_host(example: Built) -> None:
    offenders = []
    for page in list(example.site.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in RESOURCE_ATTRS.items():
            for element in soup.find_all(tag):
                value = element.get(attr) or ""
                if value.startswith(("http:", "https:", "//")) and not value.startswith(OWN_ADDRESS):
                    offenders.append((page.name, tag, value))
        for link in soup.find_all("link", href=True):
            rel = " ".join(link.get("rel", []))
            if link["href"].startswith(("http:", "https:", "//")) and rel not in ("canonical", "alternate"):
                offenders.append((page.name, "link", link["href"]))
        for style in soup.find_all(style=True):
            if "url(http" in style["style"] or "url(//" in style["style"]:
                offenders.append((page.name, "style", style["style"]))
    for css in example.site.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        if "@import url(http" in text or "fonts.googleapis" in text:
            offenders.append((css.name, "css", "external import"))
    assert offenders == []


def test_navigation_holds_only_section_pages(example: Built) -> None:
    sid, story = next(iter(PUBLISHED_STORIES.items()))
    url = story_url(sid, story)
    soup = example.html(url)
    nav = soup.select_one("nav.md-nav--primary")
    targets = page_links(nav, url)
    sections = {
        "",
        "stories/",
        "volunteers/",
        "organizations/",
        "projects/",
        "themes/",
        "features/",
        "honors/",
        "fields/",
        "data/",
        "about/",
    }
    assert targets and targets <= sections
    assert "guide/" not in targets


def test_build_writes_nothing_into_the_repository_folders(example: Built) -> None:
    docs = sorted(p.relative_to(example.root / "docs").as_posix() for p in (example.root / "docs").rglob("*") if p.is_file())
    original = sorted(p.relative_to(REPO / "docs").as_posix() for p in (REPO / "docs").rglob("*") if p.is_file())
    assert docs == original
    assert not (example.root / "site.staging").exists()


def test_published_images_carry_no_metadata(example: Built) -> None:
    from PIL import Image

    images = [p for p in (example.site / "media").rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp")]
    assert images
    for path in images:
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert "xmp" not in image.info and "exif" not in image.info, path


def test_volunteers_without_photo_get_a_generated_avatar(example: Built) -> None:
    no_photo = [vid for vid, v in published("volunteers").items() if not v.get("photo")]
    assert no_photo
    for vid in no_photo:
        assert (example.site / "media" / "avatars" / f"{vid}.png").is_file()
        img = example.html(f"volunteers/{vid}/").select_one(".lf-profile__photo")
        assert img is not None and img["src"].endswith(f"avatars/{vid}.png")
