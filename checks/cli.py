"""`python -m checks PATH [PATH ...] [--project KEY] [--json]` — the batch check (contest-rules.md).

Exit status: 0 pass, 1 fail, 2 unusable arguments or a missing path.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_PASS, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse exits 2 too; say it in Chinese
        self.print_usage(sys.stderr)
        print(f"参数错误：{message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def build_parser(project_keys: list[str]) -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m checks",
        description="教师教育信息化交流活动 作品格式自检：检查文件、文件夹或 ZIP/RAR 压缩包是否符合活动通知的要求。",
        epilog="退出码：0 通过；1 不通过（存在错误）；2 参数无效或路径不存在。",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="文件、一级文件夹或 .zip/.rar 压缩包（可多个，合并为一件作品检查）")
    p.add_argument("--project", choices=project_keys, metavar="KEY",
                   help="参赛项目：" + "、".join(project_keys) + "（文件夹或压缩包可省略，按二级文件夹名识别）")
    p.add_argument("--subtype", metavar="KEY", help="研修案例类型：regional、school、studio")
    p.add_argument("--json", action="store_true", help="输出一个 JSON 对象（供程序使用）")
    p.add_argument("--progress", action="store_true", help="在标准错误输出显示进度条（终端中默认显示）")
    return p


class _ProgressBar:
    def __init__(self, stream):
        self.stream = stream

    def __call__(self, done: int, total: int, path: str) -> None:
        width = 30
        filled = width * done // max(total, 1)
        name = path if len(path) <= 40 else "…" + path[-39:]
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name:<41}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def main(argv: list[str] | None = None) -> int:
    from checks.errors import RulesError
    from checks.rules import load_rules
    try:
        rules = load_rules()
    except RulesError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    args = build_parser(list(rules["projects"])).parse_args(argv)
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        for p in missing:
            print(f"路径不存在：{p}", file=sys.stderr)
        return EXIT_USAGE
    show_progress = args.progress or sys.stderr.isatty()
    from checks import check_paths
    from checks.media import facts as media_facts
    # One run, then exit: MP4/MOV/MKV are parsed in this process (no worker to start)
    previous = media_facts.set_parse_path("in_process")
    try:
        code = _run(args, rules, check_paths, show_progress)
    finally:
        media_facts.set_parse_path(previous)
    if media_facts.parse_stuck():
        # a timed-out parse still spins in a thread inside libmediainfo: leave without unloading it
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _run(args, rules, check_paths, show_progress: bool) -> int:
    try:
        report = check_paths(args.paths, project=args.project, subtype=args.subtype,
                             progress=_ProgressBar(sys.stderr) if show_progress else None)
    except Exception as exc:  # the engine turns bad files into findings; this is a bug, say so plainly
        import logging
        logging.getLogger("checks").exception("check failed")
        print(f"检查程序内部错误：{type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        import json
        json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        from checks.report.text import render_text   # only the text report needs it
        sys.stdout.write(render_text(report, rules))
    return EXIT_FAIL if report.verdict == "fail" else EXIT_PASS
