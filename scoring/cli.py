"""Admin command line: python -m scoring --db FILE COMMAND ...

Commands: import PATH [--metadata CSV] [--awarded CSV] | reviewers CSV | assign |
simulate-scores --seed N | rank [--json] | scores [--json] | export FILE.xlsx
Human output is Chinese; --json output is the contract documented in scoring/__init__.py.
"""
from __future__ import annotations

import argparse
import json
import sys

import duckdb

from scoring import db as _db
from scoring.errors import ScoringError
from scoring.permissions import CLI_ADMIN


def _print_json(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


def cmd_import(a) -> int:
    from scoring.importer import import_dump

    def progress(done, total, msg):
        print(f"[{done}/{total}] {msg}", file=sys.stderr)
    s = import_dump(CLI_ADMIN, a.path, metadata_csv=a.metadata, awarded_csv=a.awarded, progress=progress)
    if a.json:
        _print_json(s)
    else:
        t = s["totals"]
        print(f"本批 {s['packages']} 个作品包：新增 {s['new']}，未变 {s['unchanged']}，更新 {s['updated']}，"
              f"已开评未更新 {s['locked']}；初审未通过 {s['precheck_failed']}；资格待核 {s['flagged']}；"
              f"资格审查排除 {s['excluded']}。")
        print(f"数据库合计：作品 {t['works']} 件，初审未通过 {t['precheck_failed']}，资格待核 {t['flagged']}，"
              f"排除 {t['excluded']}。")
        for e in s["errors"]:
            print("  " + e)
    return 0


def cmd_reviewers(a) -> int:
    from scoring.reviewers import import_reviewers_csv
    n = import_reviewers_csv(CLI_ADMIN, a.csv)
    print(f"已导入 {n} 位评委。")
    return 0


def cmd_assign(a) -> int:
    from scoring.assignment import auto_assign
    r = auto_assign(CLI_ADMIN, seed=a.seed)
    if a.json:
        _print_json(r)
        return 0
    print(f"新分配 {r['assigned']} 条评审任务。")
    if r["uncovered"]:
        print(f"以下 {len(r['uncovered'])} 件作品评委不足：")
        for u in r["uncovered"]:
            print(f"  作品 {u['work_id']}《{u['title']}》（{u['stage']}）：{u['reason']}")
    return 0


def cmd_simulate(a) -> int:
    from scoring.simulate import simulate_scores
    n = simulate_scores(CLI_ADMIN, seed=a.seed)
    print(f"已为 {n} 条评审任务生成模拟评分并提交。")
    return 0


def cmd_rank(a) -> int:
    from scoring.ranking import rank_works, ranking_records
    if a.json:
        _print_json(ranking_records(CLI_ADMIN))
        return 0
    df = rank_works(CLI_ADMIN)
    for (project, stage), g in df.groupby(["project_name", "stage"], sort=True, dropna=False):
        print(f"== {project} · {stage} ==")
        for r in g.itertuples():
            if r.status == "ranked":
                flag = "  ⚠分差大" if r.spread_flag else ""
                print(f"  第{r.rank}名 {r.tier or '':4} {r.score:7.2f}  {r.title}（{r.school}）{flag}")
            else:
                print(f"  未排名（{r.status_text}） {r.title}（{r.school}）")
    return 0


def cmd_scores(a) -> int:
    from scoring.selectors import all_scores
    rows = all_scores(CLI_ADMIN)
    if a.json:
        _print_json([{"work_id": r["work_id"], "reviewer": r["reviewer"], "total": r["total"],
                      "submitted": bool(r["submitted"])} for r in rows])
        return 0
    for r in rows:
        print(f"作品 {r['work_id']}  评委 {r['reviewer']}  总分 {r['total']:g}  {'已提交' if r['submitted'] else '草稿'}")
    return 0


def cmd_export(a) -> int:
    from scoring.export import export_workbook
    print(f"已导出：{export_workbook(CLI_ADMIN, a.file)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m scoring", description="评审管理命令行（管理员）")
    p.add_argument("--db", help="DuckDB 数据库文件（默认 data/scoring.duckdb 或环境变量 SCORING_DB）")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("import", help="导入作品包文件夹（区县 FTP 目录）并初审")
    s.add_argument("path")
    s.add_argument("--metadata", help="作品信息 CSV（一级文件夹, 项目, 学校, 区县, 作者, 作品名称 …）")
    s.add_argument("--awarded", help="往届获奖作品名单 CSV")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_import)
    s = sub.add_parser("reviewers", help="导入评委名单 CSV")
    s.add_argument("csv")
    s.set_defaults(fn=cmd_reviewers)
    s = sub.add_parser("assign", help="自动分配评委")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_assign)
    s = sub.add_parser("simulate-scores", help="为所有评审任务生成模拟评分（演示用）")
    s.add_argument("--seed", type=int, default=0)
    s.set_defaults(fn=cmd_simulate)
    s = sub.add_parser("rank", help="排名与奖项")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_rank)
    s = sub.add_parser("scores", help="全部评分")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_scores)
    s = sub.add_parser("export", help="导出 Excel 结果工作簿")
    s.add_argument("file")
    s.set_defaults(fn=cmd_export)
    return p


def main(argv=None) -> int:
    a = build_parser().parse_args(argv)
    if a.db:
        _db.configure(a.db)
    try:
        return a.fn(a)
    except ScoringError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        from checks.errors import RulesError
        from scoring.db_errors import explain
        why = explain(exc, _db.resolve()) if isinstance(exc, (duckdb.Error, OSError)) else None
        if why:
            print(f"错误：{why}", file=sys.stderr)
            return 2
        if isinstance(exc, (RulesError, OSError)):
            print(f"错误：{exc}", file=sys.stderr)
            return 2
        raise
    finally:
        _db.close()
