"""Command line: `leifeng check` (more commands join here)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="leifeng", description="学雷锋志愿服务宣传网站生成器")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="检查内容")
    args = parser.parse_args(argv)
    return 0 if args.command else 1


if __name__ == "__main__":
    sys.exit(main())
