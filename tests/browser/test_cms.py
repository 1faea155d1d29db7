"""The browser editor (/admin/) in a real Chromium, against a local git backend.

A copy of the example repository becomes a git repository; decap-server (npm,
tests/browser/package.json) serves it in its git mode, where each save goes
to its own branch `cms/<collection>/<id>` as on GitHub or GitLab, and
"publish" merges the branch, as a reviewer merging the pull request. The
site is built with `admin.local_backend` pointing at that server and served
on 127.0.0.1. Through the form, staff create a volunteer with a photo and
consent, then a story that names that volunteer and an existing project;
the files written must be the repository's own, `leifeng check` must pass
and the next build must publish both pages with the photo.

Nothing may be requested off 127.0.0.1 and the page may log no console
error, except the 404 that decap-server answers when Decap asks whether an
entry already has a branch (it does so before every first save).

Set LEIFENG_CMS_SCREENSHOTS=DIR to keep screenshots of the steps (the staff
guide's pictures in docs/images/ are made that way).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import NODE_MODULES, REPO, Guard, SiteServer, _Handler, need

DECAP_SERVER = NODE_MODULES / "decap-server" / "dist" / "index.js"
VOLUNTEER = {
    "id": "li-xiaomei",
    "name": "李晓梅",
    "photo_alt": "李晓梅在社区图书室给孩子们讲故事",
    "region": "江南省江城市东湖区",
    "headline": "社区图书室里的“故事妈妈”",
    "quote": "孩子们爱听故事，我就一直讲下去。",
    "consent_date": "2026-11-20",
}
STORY = {
    "id": "li-xiaomei-tushushi",
    "title": "社区图书室里的“故事妈妈”",
    "date": "2026-11-21",
    "body": "每周六下午，李晓梅都会来到社区图书室。",
}
GIT_ENV = {
    "GIT_AUTHOR_NAME": "编辑",
    "GIT_AUTHOR_EMAIL": "editor@example.gov.cn",
    "GIT_COMMITTER_NAME": "编辑",
    "GIT_COMMITTER_EMAIL": "editor@example.gov.cn",
}
SCREENSHOTS = os.environ.get("LEIFENG_CMS_SCREENSHOTS")
WIDE = {"width": 1280, "height": 860}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def mkdocs_build(repo: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=repo, env=env, capture_output=True, text=True, timeout=600)


def wait_until(condition: Any, what: str, seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class Backend:
    """decap-server in git mode on a copy of the example repository."""

    repo: Path
    api: str
    process: subprocess.Popen
    lookups: list[str] = field(default_factory=list)  # actions answered 404

    def file_on(self, ref: str, path: str) -> str | None:
        try:
            return git(self.repo, "show", f"{ref}:{path}")
        except subprocess.CalledProcessError:
            return None

    def branches(self) -> list[str]:
        return git(self.repo, "branch", "--format=%(refname:short)").split()


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    need(DECAP_SERVER.is_file(), f"decap-server not installed ({DECAP_SERVER}); run npm ci --prefix tests/browser")
    need(shutil.which("node") is not None, "node not found (apt-get install nodejs)")
    repo = tmp_path_factory.mktemp("cms") / "repo"
    repo.mkdir()
    for name in ("content", "stories", "docs", "theme"):
        shutil.copytree(REPO / name, repo / name)
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api/v1"
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - leifeng:\n" in config
    config = config.replace("  - leifeng:\n", f"  - leifeng:\n      admin:\n        local_backend: {api}\n", 1)
    (repo / "mkdocs.yml").write_text(config, encoding="utf-8")
    (repo / ".gitignore").write_text("/site/\n/site.*/\n/.cache/\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "示例内容")
    env = {
        **os.environ,
        **GIT_ENV,
        "MODE": "git",
        "PORT": str(port),
        "BIND_HOST": "127.0.0.1",
        "GIT_REPO_DIRECTORY": str(repo),
        "LOG_LEVEL": "warn",
    }
    process = subprocess.Popen(["node", str(DECAP_SERVER)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:

        def ready() -> bool:
            request = urllib.request.Request(api, data=b'{"action":"info"}', headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    return json.load(response).get("type") == "local_git"
            except OSError:
                return process.poll() is not None

        wait_until(ready, "decap-server")
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        yield Backend(repo, api, process)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def admin_site(backend: Backend) -> Iterator[SiteServer]:
    """The repository's site with its admin page, served under /zyfw/ on 127.0.0.1."""
    built = mkdocs_build(backend.repo)
    assert built.returncode == 0, built.stdout + built.stderr
    handler = functools.partial(_Handler, directory=str(backend.repo / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield SiteServer(backend.repo / "site", "127.0.0.1", server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


class LocalGuard(Guard):
    """The site and decap-server, both on 127.0.0.1: nothing else."""

    def route(self, route: Any) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in ("data", "blob") or (parts.scheme == "http" and parts.hostname == "127.0.0.1"):
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort("blockedbyclient")


@dataclass
class Editor:
    page: Any
    guard: LocalGuard
    site: SiteServer
    dialogs: list[str] = field(default_factory=list)

    def field(self, name: str) -> Any:
        """A form control by the field's name (Decap gives it the id `<name>-field-<n>`)."""
        return self.page.locator(f"[id^='{name}-field-']").first

    def open_new(self, collection: str) -> None:
        # A fresh page: Decap may still be moving to the entry it just published.
        self.page.goto(self.site.url(f"admin/#/collections/{collection}/new"))
        self.page.reload()
        self.page.locator("input[id^='id-field-']").wait_for()  # a new record's id is typed

    def open_entry(self, collection: str, entry: str) -> Any:
        """A saved record in the editor; returns the preview pane."""
        self.page.goto(self.site.url(f"admin/#/collections/{collection}/entries/{entry}"))
        self.page.reload()
        self.page.locator(f"[data-lf-id='{entry}']").wait_for()
        return self.page.frame_locator("iframe").first

    def shoot(self, name: str) -> None:
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(SCREENSHOTS) / f"cms-{name}.png"))

    def choose(self, name: str, typed: str, option: str) -> None:
        self.field(name).fill(typed)
        self.page.get_by_role("option", name=option).first.click()

    def save(self) -> None:
        self.page.get_by_role("button", name="保存", exact=True).click()

    def publish(self) -> None:
        """Draft -> ready -> publish: the branch is merged, as a reviewer merges the pull request."""
        self.page.get_by_role("button", name="状态: 草稿").click()
        self.page.get_by_text("就绪", exact=True).click()
        self.page.get_by_role("button", name="状态: 就绪").wait_for()
        self.page.get_by_role("button", name="发布", exact=True).click()
        self.page.get_by_text("立即发布", exact=True).click()
        self.page.get_by_role("button", name="状态: 就绪").wait_for(state="detached")


@pytest.fixture(scope="module")
def editor(browser: Any, admin_site: SiteServer, backend: Backend) -> Iterator[Editor]:
    """A signed-in editor (the local backend's 登录 button) in a desktop browser."""
    context = browser.new_context(viewport=WIDE, locale="zh-CN")
    guard = LocalGuard(admin_site.origin)
    context.route("**/*", guard.route)
    page = context.new_page()
    page.set_default_timeout(20_000)
    editor = Editor(page, guard, admin_site)

    def response(r: Any) -> None:
        if r.url == backend.api and r.status == 404:
            backend.lookups.append(json.loads(r.request.post_data or "{}").get("action", ""))

    # Decap asks decap-server whether a new entry already has a branch: 404 means "no".
    guard.allowed.append(lambda m: "404" in m.text and (m.location or {}).get("url") == backend.api)
    page.on("response", response)
    page.on("console", guard.console)
    page.on("pageerror", guard.page_error)
    page.on("dialog", lambda d: (editor.dialogs.append(d.message), d.accept()))
    page.goto(admin_site.url("admin/"))
    editor.shoot("login")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("志愿者", exact=True).first.wait_for()
    yield editor
    context.close()


@dataclass
class Saved:
    volunteer_branch: str | None
    story_branch: str | None
    volunteer_draft: str | None
    story_draft: str | None
    story_on_board: bool  # the saved story waits on the editorial workflow board


@pytest.fixture(scope="module")
def saved(editor: Editor, backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Saved:
    """A volunteer with photo and consent, then a story naming them and a project: saved, then published."""
    # A portrait as staff would upload it: one of the example's photos under the new id's name.
    photo = tmp_path_factory.mktemp("upload") / f"{VOLUNTEER['id']}.jpg"
    shutil.copyfile(sorted((REPO / "content" / "media" / "volunteers").glob("*.jpg"))[0], photo)
    page = editor.page

    editor.open_new("volunteers")
    editor.field("id").fill(VOLUNTEER["id"])
    editor.field("name").fill(VOLUNTEER["name"])
    page.get_by_role("button", name="选择图片").click()
    page.locator("input[type=file]").set_input_files(str(photo))
    page.get_by_role("button", name="选用已选中项目").click()
    editor.field("photo_alt").fill(VOLUNTEER["photo_alt"])
    for name in ("region", "headline", "quote"):
        editor.field(name).fill(VOLUNTEER[name])
    editor.field("publish").click()
    editor.field("portrait").click()
    editor.field("date").fill(VOLUNTEER["consent_date"])
    editor.choose("by", "本人", "本人")
    editor.shoot("volunteer")
    editor.save()
    page.get_by_role("button", name="状态: 草稿").wait_for()
    volunteer_branch = f"cms/volunteers/{VOLUNTEER['id']}"
    volunteer_draft = backend.file_on(volunteer_branch, f"content/volunteers/{VOLUNTEER['id']}.yaml")
    editor.shoot("saved")
    editor.publish()
    wait_until(lambda: backend.file_on("main", f"content/volunteers/{VOLUNTEER['id']}.yaml"), "the volunteer merged into main")

    project_file = sorted((backend.repo / "content" / "projects").glob("*.yaml"))[0]
    project_name = yaml.safe_load(project_file.read_text(encoding="utf-8"))["name"]
    editor.open_new("stories")
    editor.field("id").fill(STORY["id"])
    editor.field("title").fill(STORY["title"])
    editor.field("date").fill(STORY["date"])
    editor.choose("volunteers", VOLUNTEER["name"], VOLUNTEER["name"])
    editor.choose("project", project_name[:4], project_name)
    page.locator("[data-slate-editor]").first.click()
    page.keyboard.type(STORY["body"])
    editor.shoot("story")
    editor.save()
    page.get_by_role("button", name="状态: 草稿").wait_for()
    story_branch = f"cms/stories/{STORY['id']}"
    story_draft = backend.file_on(story_branch, f"stories/{STORY['id']}.md")
    page.goto(editor.site.url("admin/#/workflow"))
    page.reload()
    card = page.locator("a", has_text=STORY["title"]).first
    card.wait_for()
    editor.shoot("workflow")
    on_board = card.is_visible()
    editor.open_entry("stories", STORY["id"])
    editor.publish()
    wait_until(lambda: backend.file_on("main", f"stories/{STORY['id']}.md"), "the story merged into main")
    wait_until(lambda: git(backend.repo, "branch", "--show-current").strip() == "main", "decap-server back on main")
    return Saved(volunteer_branch, story_branch, volunteer_draft, story_draft, on_board)


# --- what the form writes -------------------------------------------------------------


def test_saving_a_volunteer_puts_the_record_and_photo_on_its_own_branch(saved: Saved) -> None:
    assert saved.volunteer_draft is not None, "no file on the volunteer's branch"
    record = yaml.safe_load(saved.volunteer_draft)
    assert record == {
        "name": VOLUNTEER["name"],
        "photo": f"media/volunteers/{VOLUNTEER['id']}.jpg",
        "photo_alt": VOLUNTEER["photo_alt"],
        "region": VOLUNTEER["region"],
        "headline": VOLUNTEER["headline"],
        "quote": VOLUNTEER["quote"],
        "consent": {"publish": True, "portrait": True, "date": VOLUNTEER["consent_date"], "by": "本人"},
    }


def test_saving_a_story_writes_front_matter_with_ids_and_the_markdown_body(saved: Saved, backend: Backend) -> None:
    assert saved.story_draft is not None, "no file on the story's branch"
    front, body = saved.story_draft.split("---\n", 2)[1:]
    project = sorted((backend.repo / "content" / "projects").glob("*.yaml"))[0].stem
    assert yaml.safe_load(front) == {"title": STORY["title"], "date": STORY["date"], "volunteers": [VOLUNTEER["id"]], "project": project}
    assert body == f"\n{STORY['body']}\n"


def test_a_saved_story_waits_on_the_workflow_board_until_published(saved: Saved) -> None:
    assert saved.story_on_board


def test_publishing_merges_the_branches_and_leaves_main_checked(saved: Saved, backend: Backend) -> None:
    assert saved.volunteer_branch not in backend.branches() and saved.story_branch not in backend.branches()
    assert (backend.repo / "content" / "media" / "volunteers" / f"{VOLUNTEER['id']}.jpg").is_file()
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    check = "from generator.commands.cli import main; raise SystemExit(main(['check']))"
    result = subprocess.run([sys.executable, "-c", check], cwd=backend.repo, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_next_build_publishes_both_pages_with_the_photo(saved: Saved, backend: Backend) -> None:
    built = mkdocs_build(backend.repo)
    assert built.returncode == 0, built.stdout + built.stderr
    site = backend.repo / "site"
    story = (site / "stories" / STORY["date"][:4] / STORY["id"] / "index.html").read_text(encoding="utf-8")
    profile = (site / "volunteers" / VOLUNTEER["id"] / "index.html").read_text(encoding="utf-8")
    assert STORY["title"] in story and f"volunteers/{VOLUNTEER['id']}/" in story
    assert VOLUNTEER["name"] in profile and VOLUNTEER["photo_alt"] in profile
    assert "media/avatars/" not in profile  # the uploaded photo, not the generated avatar
    assert any((site / "media" / "volunteers").glob(f"{VOLUNTEER['id']}*")), "the photo was not published"


def test_the_flow_requested_nothing_off_127_0_0_1_and_logged_no_errors(saved: Saved, editor: Editor, backend: Backend) -> None:
    assert editor.guard.problems() == []
    assert set(backend.lookups) <= {"unpublishedEntry"}, backend.lookups
    assert editor.dialogs == ["你确定要发布此内容吗？"] * 2


# --- checks before the pull request -------------------------------------------------------


def test_a_form_missing_a_required_field_refuses_to_save_with_a_chinese_message(editor: Editor, backend: Backend, saved: Saved) -> None:
    editor.open_new("volunteers")
    editor.field("id").fill("wang-fang")
    editor.save()
    message = editor.page.get_by_text("请填写“姓名”：这一项必填。")
    message.wait_for()
    editor.shoot("refused")
    assert "cms/volunteers/wang-fang" not in backend.branches()


def test_an_id_that_is_not_lowercase_pinyin_is_refused_with_the_rule(editor: Editor, backend: Backend, saved: Saved) -> None:
    editor.open_new("volunteers")
    editor.field("id").fill("Wang Fang")
    editor.field("name").fill("王芳")
    editor.save()
    editor.page.get_by_text("“编号”的写法不对：记录编号：小写英文字母、数字和连字符，如 zhang-xiaohong。").wait_for()
    assert not any("wang" in b.lower() for b in backend.branches())


# --- preview in the site's style ----------------------------------------------------------------


def test_the_preview_shows_a_volunteer_with_the_site_css(editor: Editor, saved: Saved) -> None:
    frame = editor.open_entry("volunteers", VOLUNTEER["id"])
    photo = frame.locator(".lf-profile .lf-profile__photo")
    photo.wait_for()
    assert frame.locator("h1.lf-title").inner_text() == VOLUNTEER["name"]
    # site.css makes the portrait round and the title bold: the preview is styled as the site
    assert photo.evaluate("e => getComputedStyle(e).borderRadius") == "50%"
    assert frame.locator(".lf-quote").inner_text().startswith(VOLUNTEER["quote"])
    editor.page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    editor.shoot("preview")


def test_the_preview_shows_a_story_with_the_site_css(editor: Editor, saved: Saved) -> None:
    frame = editor.open_entry("stories", STORY["id"])
    body = frame.locator(".lf-story .lf-body")
    body.wait_for()
    assert STORY["body"] in body.inner_text()
    lead_color = frame.locator(".lf-meta").evaluate("e => getComputedStyle(e).color")
    assert lead_color == "rgb(89, 89, 89)"  # --lf-muted of site.css
