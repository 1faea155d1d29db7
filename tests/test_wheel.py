"""A repository that holds only content builds the same site as this one, from the wheel alone.

The wheel is built from this checkout and installed into a new virtual
environment that has never seen the repository; a copy of the example with
only content/, stories/, docs/ and mkdocs.yml is built with that
environment's `mkdocs` and compared with the example built here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO, Built

CONTENT_ONLY = ("content", "stories", "docs", "mkdocs.yml")


def _run(*args: str | Path, cwd: Path, env: dict | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, env=env, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, args))}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # Build from a clean export of the checkout, so build/ and egg-info leftovers play no part.
    source = tmp_path_factory.mktemp("source")
    for name in ("generator", "theme", "pyproject.toml", "README.md"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("node_modules", "__pycache__"))
        else:
            shutil.copy2(REPO / name, source / name)
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, source, cwd=source)
    (found,) = out.glob("leifeng_site-*.whl")
    return found


def test_the_wheel_carries_the_theme_and_every_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    theme = {p.relative_to(REPO / "theme").as_posix() for p in (REPO / "theme").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    missing = sorted(name for name in theme if f"leifeng_theme/{name}" not in names)
    assert not missing, f"theme files missing from the wheel: {missing}"
    packages = {p.parent.relative_to(REPO).as_posix() for p in (REPO / "generator").rglob("__init__.py")}
    assert all(f"{package}/__init__.py" in names for package in packages), packages
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[mkdocs.themes]" in text and "leifeng = leifeng_theme" in text


def test_a_content_only_repository_builds_the_same_site_from_the_wheel(wheel: Path, example: Built, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(NO_MKDOCS_2_WARNING="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    _run(python, "-m", "pip", "install", "-q", wheel, cwd=tmp_path, env=env)

    repo = tmp_path / "department-site"
    repo.mkdir()
    for name in CONTENT_ONLY:
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy2)(REPO / name, repo / name)
    assert not (repo / "theme").exists() and not (repo / "generator").exists()
    # The installed generator, not this checkout: its plugin and theme come from the venv.
    where = _run(
        python, "-c", "import generator, leifeng_theme; print(generator.__file__); print(leifeng_theme.__file__)", cwd=repo, env=env
    )
    assert str(REPO) not in where.stdout and str(venv) in where.stdout, where.stdout

    _run(venv / "bin" / "leifeng", "check", cwd=repo, env=env)
    _run(venv / "bin" / "mkdocs", "build", cwd=repo, env=env)

    def pages(site: Path) -> dict[str, bytes]:
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}

    ours, theirs = pages(example.site), pages(repo / "site")
    assert sorted(theirs) == sorted(ours), {
        "only here": sorted(set(ours) - set(theirs))[:10],
        "only there": sorted(set(theirs) - set(ours))[:10],
    }
    different = [name for name in ours if ours[name] != theirs[name]]
    assert not different, f"{len(different)} files differ, e.g. {different[:5]}"


def test_a_repositorys_own_templates_override_the_packaged_theme(tmp_path: Path) -> None:
    from .conftest import SiteMaker, build

    site = SiteMaker(tmp_path).volunteer("zhang-san", "张三").story("di-yi-pian", "第一篇", "2025-03-05")
    site.file("overrides/partials/copyright.html", '<div class="md-copyright">本单位自己的页脚</div>\n')
    site.write_config()
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  name: leifeng\n", "  name: leifeng\n  custom_dir: overrides\n"), encoding="utf-8"
    )
    built = build(tmp_path)
    assert built.returncode == 0, built.output
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "本单位自己的页脚" in home
    assert "lf-reader" in home or "lf-" in home  # the rest still comes from the packaged theme
