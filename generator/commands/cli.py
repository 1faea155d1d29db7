"""Command line: `leifeng check`, `leifeng calendar`, `leifeng schema`, `leifeng new` and `leifeng import`.

`leifeng check` reads the `leifeng` plugin settings from mkdocs.yml with
MkDocs' own configuration loader, so it sees exactly the settings a build
sees, then runs the same checks as `mkdocs build` (`plugin.run_checks`)
without building anything.

Exit status: 0 when there is no error (warnings allowed), 1 when the content
has errors (or `schema --check` finds stale files, or rows of an imported
sheet are wrong), 2 when the command line or mkdocs.yml is wrong, or the file
given to `leifeng import` cannot be read as a table.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """mkdocs.yml cannot be used; the message says why, in Chinese."""


def _out(text: str, stream=None) -> None:
    """Write UTF-8 whatever the console encoding (Windows consoles are often GBK)."""
    stream = stream or sys.stdout
    data = (text if text.endswith("\n") else text + "\n").encode("utf-8")
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()
        buffer.write(data)
        buffer.flush()
    else:  # a text-only stream (tests capturing output)
        stream.write(data.decode("utf-8"))


def load_settings(config_file: str | None):
    """The settings the `leifeng` plugin would use for `mkdocs build`."""
    from mkdocs import exceptions
    from mkdocs.config import load_config

    from ..content.settings import SettingsError
    from ..content.site_config import ConfigProblem, check_theme, format_config_problems, read_config_file
    from ..pipeline import settings_for
    from ..plugin import LeifengPlugin, SettingsAbort, theme_languages

    path = Path(config_file or "mkdocs.yml")
    if not path.is_file():
        where = "" if config_file else f"（当前目录 {Path.cwd()}）"
        raise UsageError(f"找不到 {path}{where}：请在网站仓库的根目录运行，或用 -f 指定 mkdocs.yml")
    # MkDocs stops at the theme's first mistake, in English, before the
    # plugin can speak: judge the theme settings as written first.
    data, lines = read_config_file(path)
    problems = [
        ConfigProblem(".".join(("theme", *map(str, at))), message, hint, lines.get(("theme", *at), 0))
        for at, message, hint in check_theme(data.get("theme"), theme_languages(), path.parent)
    ]
    if problems:
        raise UsageError(format_config_problems(problems, path.name, building=False))
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("mkdocs.yml：%(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        config = load_config(config_file=str(path))
    except SettingsAbort as exc:
        raise UsageError(format_config_problems(exc.problems, exc.file, building=False)) from None
    except (exceptions.ConfigurationError, exceptions.Abort) as exc:
        raise UsageError(f"{path} 有误，无法读取：{exc}") from None
    except OSError as exc:
        raise UsageError(f"无法读取 {path}：{exc.strerror}") from None
    finally:
        logger.removeHandler(handler)
    plugin = next((p for p in config.plugins.values() if isinstance(p, LeifengPlugin)), None)
    if plugin is None:
        raise UsageError(f"{path} 的 plugins 中没有启用 leifeng 插件")
    try:
        return settings_for(plugin.config, config.config_file_path, language=config.theme.get("language", "zh"))
    except SettingsError as exc:
        raise UsageError(f"mkdocs.yml 中 leifeng 插件的设置有误：{exc}") from None


def _github_prefix(root: Path) -> str:
    """Annotations name files from the repository root; mkdocs.yml may sit in a sub-folder."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if not workspace:
        return ""
    try:
        relative = root.resolve().relative_to(Path(workspace).resolve()).as_posix()
    except ValueError:
        return ""
    return "" if relative == "." else relative + "/"


def cmd_check(args: argparse.Namespace) -> int:
    from ..content.problems import format_github, format_json, format_text
    from ..content.schedule import release_date
    from ..pipeline import check_content
    from .calendar import schedule_note

    settings = load_settings(args.config_file)
    checked = check_content(settings)
    problems = checked.problems
    note = schedule_note(checked.scheduled)
    if note:
        note = note.removesuffix("。") + "，运行 leifeng calendar 查看日程。"
    if args.format == "github":
        report = format_github(problems, prefix=_github_prefix(settings.root), note=note)
    elif args.format == "json":
        first = release_date(checked.scheduled[0]).isoformat() if checked.scheduled else None  # type: ignore[union-attr]
        report = format_json(problems, {"scheduled": {"count": len(checked.scheduled), "first": first}})
    else:
        report = format_text(problems, note)
    _out(report)
    return EXIT_ERRORS if problems.errors else EXIT_OK


def cmd_calendar(args: argparse.Namespace) -> int:
    from ..pipeline import check_content
    from .calendar import calendar_text

    if args.weeks <= 0:
        raise UsageError(f"--weeks 应为正整数（要列出的周数），现在是 {args.weeks}")
    settings = load_settings(args.config_file)
    checked = check_content(settings)
    if checked.catalog is None:
        _out(f"内容有 {len(checked.problems.errors)} 个错误，日程列不出来：先运行 leifeng check 查看并改正。", sys.stderr)
        return EXIT_ERRORS
    _out(calendar_text(checked.catalog, settings, args.weeks))
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from ..content.schema import check_schemas, write_schemas

    settings = None
    if args.config_file or Path("mkdocs.yml").is_file():
        settings = load_settings(args.config_file)
    out = Path(args.out)
    if args.check:
        stale = check_schemas(out, settings)
        if stale:
            _out(
                "以下 JSON Schema 与内容模型或 mkdocs.yml 不一致，请运行 leifeng schema --out "
                + args.out
                + " 重新生成：\n  "
                + "\n  ".join(stale)
            )
            return EXIT_ERRORS
        _out(f"{out} 中的 JSON Schema 是最新的。")
        return EXIT_OK
    written = write_schemas(out, settings)
    _out(f"已写入 {len(written)} 个 JSON Schema 到 {out}")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import ScaffoldError, write_scaffold

    settings = load_settings(args.config_file)
    try:
        path = write_scaffold(args.kind, " ".join(args.title), settings, rid=args.id)
    except ScaffoldError as exc:
        _out(f"leifeng new：{exc}", sys.stderr)
        return EXIT_ERRORS
    shown = os.path.relpath(path, Path.cwd()) if path.is_absolute() else str(path)
    _out(
        f"已新建 {Path(shown).as_posix()}\n请按文件中的说明填写（行末标有 TODO 的必须修改），运行 leifeng check 检查，最后删除 draft: true 这一行以发布。"
    )
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from .importer import ImportUsageError, run_import

    settings = load_settings(args.config_file)
    try:
        report = run_import(args, settings)
    except ImportUsageError as exc:
        raise UsageError(str(exc)) from None
    _out(report.text())
    return EXIT_ERRORS if report.failed else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leifeng", description="学雷锋志愿服务宣传网站生成器")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")

    check = sub.add_parser(
        "check", help="检查全部内容（不生成网站）", description="检查 content/ 和 stories/ 中的全部内容，列出所有问题及其文件和行号。"
    )
    check.add_argument("-f", "--config-file", metavar="mkdocs.yml", help="网站配置文件（默认：当前目录的 mkdocs.yml）")
    check.add_argument(
        "--format",
        choices=("text", "github", "json"),
        default="text",
        help="text：按文件分组（默认）；github：GitHub Actions 标注加完整报告；json：机器可读",
    )
    check.set_defaults(run=cmd_check)

    from .calendar import DEFAULT_WEEKS

    calendar = sub.add_parser(
        "calendar",
        help="列出今后几周的日程（定时发布、纪念日、专题）",
        description="列出今后几周按日期定时发布的故事和表彰名单、纪念日（第几个）、开始或结束的专题。",
    )
    calendar.add_argument("-f", "--config-file", metavar="mkdocs.yml", help="网站配置文件（默认：当前目录的 mkdocs.yml）")
    calendar.add_argument("--weeks", type=int, default=DEFAULT_WEEKS, metavar="周数", help=f"列出多少周（默认 {DEFAULT_WEEKS}）")
    calendar.set_defaults(run=cmd_calendar)

    schema = sub.add_parser(
        "schema",
        help="生成供编辑器使用的 JSON Schema",
        description="由内容模型生成每类记录的 JSON Schema（服务领域等可选值取自 mkdocs.yml）。",
    )
    schema.add_argument("-f", "--config-file", metavar="mkdocs.yml", help="网站配置文件（默认：当前目录的 mkdocs.yml，没有则用默认可选值）")
    schema.add_argument("--out", required=True, metavar="目录", help="写入的目录，如 .vscode/schemas")
    schema.add_argument("--check", action="store_true", help="只检查目录中的文件是否最新，不写入")
    schema.set_defaults(run=cmd_schema)

    from .scaffold import KINDS

    new = sub.add_parser(
        "new",
        help="新建一条记录（带中文说明的待填文件）",
        description="按内容模型新建一个待填写的文件，每个字段都有中文说明；编号由中文名称或标题的拼音生成，不与已有文件重复。",
    )
    new.add_argument("kind", choices=list(KINDS), metavar="类别", help="、".join(KINDS))
    new.add_argument("title", nargs="+", metavar="名称或标题", help="如 张晓红、生日午餐会")
    new.add_argument("--id", metavar="编号", help="自己指定编号（文件名），如 zhang-xiaohong-donghu")
    new.add_argument("-f", "--config-file", metavar="mkdocs.yml", help="网站配置文件（默认：当前目录的 mkdocs.yml）")
    new.set_defaults(run=cmd_new)

    from .importer import add_import_parser

    add_import_parser(sub, cmd_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except UsageError as exc:
        _out(f"leifeng {args.command}：{exc}", sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
