"""The pull-request workflow runs the commands the tests run, and they pass on the example site."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import yaml

from .conftest import REPO, Built

WORKFLOW = REPO / ".github" / "workflows" / "check.yml"


def _workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def _steps() -> list[dict]:
    (job,) = _workflow()["jobs"].values()
    return job["steps"]


def test_it_runs_on_pull_requests_with_python_3_11() -> None:
    workflow = _workflow()
    assert "pull_request" in workflow["on"]
    uses = {step.get("uses", "").split("@")[0]: step for step in _steps()}
    assert "actions/checkout" in uses
    assert uses["actions/setup-python"]["with"]["python-version"] == "3.11"


def test_it_installs_then_checks_then_builds() -> None:
    runs = [step["run"].strip() for step in _steps() if "run" in step]
    assert runs[0] == "python -m pip install -e ."
    assert runs.index("leifeng check --format github") < runs.index("mkdocs build")


def test_it_gates_the_generator_code_with_ruff_as_ci_does() -> None:
    steps = [step for step in _steps() if "ruff" in step.get("run", "")]
    commands = " ".join(step["run"] for step in steps)
    assert "ruff check" in commands and "ruff format --check" in commands
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "ruff check ." in ci and "ruff format --check ." in ci
    pinned = [
        d
        for d in __import__("tomllib").loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]["test"]
        if d.startswith("ruff")
    ]
    assert pinned and pinned[0].replace(" ", "") in commands.replace('"', ""), "the workflow installs the ruff the tests pin"


def test_its_commands_pass_on_the_example_site(example: Built, tmp_path: Path) -> None:
    """Runs every step after the install, as written, in a copy of the example repository."""
    root = tmp_path / "workspace"
    for name in ("content", "stories", "docs", "theme", ".vscode", ".cache"):
        source = example.root / name if (example.root / name).exists() else REPO / name
        if source.exists():
            shutil.copytree(source, root / name)  # .cache from the example build: images are reused
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (job,) = _workflow()["jobs"].values()
    env = {**os.environ, **job.get("env", {}), "GITHUB_WORKSPACE": str(root), "PYTHONWARNINGS": "ignore"}
    outputs = []
    for step in _steps():
        if "run" not in step or "pip install" in step["run"]:
            continue
        condition = step.get("if", "")
        if "hashFiles('.vscode/schemas/*.schema.json')" in condition and not list((root / ".vscode/schemas").glob("*.schema.json")):
            continue
        if "hashFiles('generator/**/*.py')" in condition and not list(root.glob("generator/**/*.py")):
            continue  # a content-only copy: the code gate has nothing to check
        result = subprocess.run(
            ["bash", "-e", "-c", step["run"]], cwd=root, env=env, capture_output=True, text=True, encoding="utf-8", timeout=600
        )
        assert result.returncode == 0, (step["name"], result.stdout, result.stderr)
        outputs.append(result.stdout)
    assert not any(line.startswith(("::error", "::warning")) for out in outputs for line in out.splitlines())
    assert (root / "site" / "index.html").is_file() and not (root / "site.staging").exists()
