"""`leifeng check`: finding mkdocs.yml, exit codes, output formats, and agreement with `mkdocs build`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.commands.cli import main

from .conftest import build
from .test_checks_support import edit, put, run_check, write_good_site

V = "content/volunteers/zhang-san.yaml"
P = "content/projects/aixin-wucan.yaml"


def _check(root: Path, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    monkeypatch.chdir(root)
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_without_mkdocs_yml_the_exit_code_is_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    code, out, err = _check(tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert "找不到 mkdocs.yml" in err and "-f" in err


def test_config_file_option_reads_another_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    site = tmp_path / "site-repo"
    write_good_site(site)
    edit(V, "service_hours: 320", "servce_hours: 320")(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code, out, _ = _check(elsewhere, "-f", str(site / "mkdocs.yml"), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1
    assert V in out and "servce_hours" in out
    code, _, err = _check(elsewhere, "--config-file", str(site / "missing.yml"), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "missing.yml" in err


@pytest.mark.parametrize(
    ("change", "phrase"),
    [
        (lambda text: text.replace("  - leifeng:\n", "  - search\n  - unused:\n"), "unused"),
        (lambda text: text.split("plugins:")[0] + "plugins:\n  - search\n", "没有启用 leifeng 插件"),
        (lambda text: text + "      star_thresholds: [300, 100, 600, 1000, 1500]\n", "star_thresholds"),
        (lambda text: text + "      page_size: 很多\n", "page_size"),
        (lambda text: text + "      key_dates: [{date: '02-30', name: 假日}]\n", "02-30"),
        (lambda text: text.replace("site_name: 测试站", "site_name: [测试站"), "mkdocs.yml"),
    ],
    ids=["unknown-plugin", "no-leifeng-plugin", "bad-star-thresholds", "bad-option-type", "impossible-key-date", "yaml-syntax"],
)
def test_a_bad_mkdocs_yml_exits_2_and_says_what_is_wrong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, change, phrase: str
) -> None:
    write_good_site(tmp_path)
    config = tmp_path / "mkdocs.yml"
    config.write_text(change(config.read_text(encoding="utf-8")), encoding="utf-8")
    code, out, err = _check(tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2, out + err
    assert phrase in err


@pytest.mark.parametrize("argv", [[], ["check", "--format", "xml"], ["frobnicate"]])
def test_bad_usage_exits_2(argv: list[str], capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2


def test_warnings_alone_exit_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    write_good_site(tmp_path)
    edit(P, "cover_alt: 志愿者提着保温餐盒走进楼道\n", "")(tmp_path)
    code, out, _ = _check(tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    assert "警告" in out and "共 0 个错误，1 个警告。" in out


def test_check_uses_the_plugins_draft_setting_like_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    write_good_site(tmp_path)
    put("content/volunteers/li-si.yaml", "name: 李四\ndraft: true\n")(tmp_path)
    assert _check(tmp_path, monkeypatch=monkeypatch, capsys=capsys)[0] == 0  # a draft is not published
    write_good_site(tmp_path, drafts="show")  # published: it needs consent
    code, out, _ = _check(tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and "没有同意公开" in out


def test_json_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    write_good_site(tmp_path)
    edit(V, "service_hours: 320", "servce_hours: 320")(tmp_path)
    edit(P, "cover_alt: 志愿者提着保温餐盒走进楼道\n", "")(tmp_path)
    code, out, _ = _check(tmp_path, "--format", "json", monkeypatch=monkeypatch, capsys=capsys)
    report = json.loads(out)
    assert code == 1
    assert (report["errors"], report["warnings"]) == (1, 1)
    assert {"file": V, "line": 7, "column": 1, "severity": "error", "code": "field.unknown"}.items() <= report["problems"][1].items()


def test_github_format_annotates_and_prints_the_full_report(tmp_path: Path) -> None:
    """Annotations name files from the repository root; the text report follows them all."""
    repo = tmp_path / "repo"
    site = repo / "site-folder"
    write_good_site(site)
    for n in range(12):  # more than GitHub's 10 annotations a step
        put(f"content/organizations/org-{n:02d}.yaml", f"name: 组织{n}\nkind: 俱乐部\n")(site)
    edit(V, "张三是社区网格员。", "张三是社区网格员，电话 13912345678。")(site)
    result = run_check(site, "--format", "github", env={"GITHUB_WORKSPACE": str(repo)})
    assert result.returncode == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 13
    assert (
        "::error file=site-folder/content/organizations/org-00.yaml,line=2,col=7,title=vocab.kind::组织类型“俱乐部”不在可选范围内"
        in annotations[0]
    )
    assert any(
        re.match(r"::error file=site-folder/content/volunteers/zhang-san.yaml,line=11,col=\d+,title=privacy.mobile::", a)
        for a in annotations
    )
    text = result.stdout.split(annotations[-1], 1)[1]
    assert "content/organizations/org-11.yaml" in text and "共 13 个错误，0 个警告。" in text
    assert "13912345678" not in result.stdout


def test_mkdocs_build_reports_the_same_messages_and_writes_nothing(tmp_path: Path) -> None:
    write_good_site(tmp_path)
    edit(V, "service_hours: 320", "servce_hours: 320")(tmp_path)
    edit(P, "cover_alt: 志愿者提着保温餐盒走进楼道\n", "")(tmp_path)
    put("content/media/cover.jpg", "broken")(tmp_path)
    checked = run_check(tmp_path)
    assert checked.returncode == 1
    built = build(tmp_path)
    assert built.returncode != 0
    assert checked.stdout.strip() in built.output
    assert not (tmp_path / "site").exists() and not (tmp_path / "site.staging").exists()
