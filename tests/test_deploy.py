"""Deploy recipes: the workflow files are ready to copy, and the built site works from a sub-path on a plain static server."""

from __future__ import annotations

import functools
import http.server
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import yaml
from bs4 import BeautifulSoup

from .conftest import REPO, Built

PAGES_WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"
GITLAB = REPO / "docs" / "deploy" / "gitlab-ci.yml"
CHECK_WORKFLOW = REPO / ".github" / "workflows" / "check.yml"
SUB_PATH = "/zyfw/"


def _yaml(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    return data


def _build_command() -> str:
    """The build the tests run (conftest.run_mkdocs: `python -m mkdocs build`), as written in a workflow."""
    source = (REPO / "tests" / "conftest.py").read_text(encoding="utf-8")
    assert '[sys.executable, "-m", "mkdocs", "build", *args]' in source
    return "mkdocs build"


def test_the_github_pages_workflow_builds_like_the_tests_and_deploys() -> None:
    workflow = _yaml(PAGES_WORKFLOW)
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = [step["run"].strip() for step in build["steps"] if "run" in step]
    assert runs == ["python -m pip install -e .", "leifeng check --format github", _build_command()]
    uses = {step.get("uses", "").split("@")[0]: step for step in build["steps"] if "uses" in step}
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "site"
    assert uses["actions/setup-python"]["with"]["python-version"] == "3.11"
    assert deploy["needs"] == "build" and deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert deploy["environment"]["name"] == "github-pages"
    # The same install and build as the pull-request check.
    check_runs = [s["run"].strip() for job in _yaml(CHECK_WORKFLOW)["jobs"].values() for s in job["steps"] if "run" in s]
    assert runs[0] in check_runs and runs[-1] in check_runs


def test_the_gitlab_file_builds_like_the_tests_and_publishes_public() -> None:
    config = _yaml(GITLAB)
    pages = config["pages"]
    assert pages["script"][:3] == ["python -m pip install -e .", "leifeng check", _build_command()]
    assert pages["script"][-1] == "rm -rf public && mv site public"
    assert pages["artifacts"]["paths"] == ["public"]
    assert config["image"].startswith("python:3.11")
    assert _build_command() in config["check"]["script"]


def test_github_builds_every_morning_beijing_time_and_keeps_the_cache() -> None:
    workflow = _yaml(PAGES_WORKFLOW)
    (schedule,) = workflow["on"]["schedule"]
    minute, hour, *rest = schedule["cron"].split()
    assert rest == ["*", "*", "*"], "daily"
    beijing = (int(hour) + 8) % 24
    assert 4 <= beijing <= 6, f"{schedule['cron']} UTC is {beijing}:{minute} in Beijing: early morning, before readers wake"
    assert "UTC" in PAGES_WORKFLOW.read_text(encoding="utf-8") and "Beijing" in PAGES_WORKFLOW.read_text(encoding="utf-8")
    steps = workflow["jobs"]["build"]["steps"]
    cache = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/cache@"))
    build = next(i for i, s in enumerate(steps) if s.get("run", "").strip() == _build_command())
    assert steps[cache]["with"]["path"] == ".cache" and cache < build
    assert steps[cache]["with"]["restore-keys"], "a new run starts from the newest cache"


def test_gitlab_publishes_on_the_daily_schedule_and_keeps_the_cache() -> None:
    config = _yaml(GITLAB)
    assert {"if": '$CI_PIPELINE_SOURCE == "schedule"'} in config["pages"]["rules"]
    assert ".cache/" in config["cache"]["paths"]
    text = GITLAB.read_text(encoding="utf-8")
    assert "Asia/Shanghai" in text and "30 21 * * *" in text


def test_the_deploy_guide_names_the_files_and_a_sub_path() -> None:
    guide = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    for phrase in (
        ".github/workflows/pages.yml",
        "docs/deploy/gitlab-ci.yml",
        ".gitlab-ci.yml",
        "rsync -av --delete site/",
        "site_url: https://example.gov.cn/zyfw/",
    ):
        assert phrase in guide, phrase


# --- the site from a sub-path -----------------------------------------------------------------


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site under /zyfw/ only, as a host does for a site in a sub-folder."""

    def translate_path(self, path: str) -> str:
        route = urlparse(path).path
        if not route.startswith(SUB_PATH):
            return str(Path(self.directory) / "__outside_the_sub_path__")
        return super().translate_path("/" + route[len(SUB_PATH) :])

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(example: Built) -> Iterator[str]:
    handler = functools.partial(_SubPathHandler, directory=str(example.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"
    finally:
        server.shutdown()
        server.server_close()


def _get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        return error.code, b"", ""


def _references(html: str, page_url: str) -> set[tuple[str, bool]]:
    """(address, is a link) for everything a page refers to: links, scripts, styles, images, sources."""
    soup = BeautifulSoup(html, "html.parser")
    found = set()
    for tag, attribute in (
        ("a", "href"),
        ("link", "href"),
        ("script", "src"),
        ("img", "src"),
        ("source", "src"),
        ("img", "srcset"),
        ("source", "srcset"),
    ):
        for element in soup.find_all(tag):
            value = element.get(attribute)
            if not value:
                continue
            candidates = [part.strip().split(" ")[0] for part in value.split(",")] if attribute == "srcset" else [value]
            for candidate in candidates:
                if candidate.startswith(("mailto:", "tel:", "javascript:", "data:", "#")):
                    continue
                absolute = urljoin(page_url, candidate).split("#")[0]
                loaded = tag != "a" and not (
                    tag == "link" and not {"stylesheet", "icon", "preload", "modulepreload", "manifest"} & set(element.get("rel", []))
                )
                found.add((absolute, not loaded))
    return found


def test_pages_work_from_a_sub_path_on_a_plain_static_server(served: str, example: Built) -> None:
    host = served[: -len(SUB_PATH)]
    story = next(p for p in sorted((example.site / "stories").glob("*/*/index.html")))
    honor = next(p for p in sorted((example.site / "honors").glob("*/index.html")))
    volunteer = next(p for p in sorted((example.site / "volunteers").glob("*/index.html")))
    pages = ["", "stories/", "honors/", "volunteers/"] + [
        p.parent.relative_to(example.site).as_posix() + "/" for p in (story, honor, volunteer)
    ]
    checked: dict[str, int] = {}
    for page in pages:
        status, body, kind = _get(served + page)
        assert status == 200 and kind == "text/html", page
        for target, is_link in sorted(_references(body.decode("utf-8"), served + page)):
            if not target.startswith(host):
                assert is_link, f"{page} loads {target} from another host"  # links out (sources, ICP filing) are fine
                continue
            assert urlparse(target).path.startswith(SUB_PATH), f"{page} links to {target}: outside the sub-path"
            if target not in checked:
                checked[target] = _get(target)[0]
            assert checked[target] == 200, f"{page} -> {target}: {checked[target]}"
    assert len(checked) > 50
    assert any(re.search(r"/assets/.*\.css$", t) for t in checked) and any(t.endswith((".jpg", ".webp", ".png")) for t in checked)


def test_a_missing_page_gives_404_and_the_site_has_its_own_404_page(served: str, example: Built) -> None:
    assert _get(served + "no-such-page/")[0] == 404
    assert (example.site / "404.html").is_file()
    assert _get(served + "404.html")[0] == 200
