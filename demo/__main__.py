"""Fill a fresh data dir with a complete sample contest so a newcomer sees every page working.

    python -m demo --data-dir /tmp/demo            # then:
    RATING_DATA_DIR=/tmp/demo streamlit run app.py

Makes real sample packages (samplegen: real MP4/DOCX/PDF/ZIP, some with flaws), imports them
through the 初审 engine, creates reviewers with login accounts (one-time passwords printed once),
assigns automatically with recusal, and scores through the normal review service. The reviewer
`pingwei` is left with unscored works so the reviewer pages have something to do.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEMO_REVIEWER = ("pingwei", "演示评委", "示例市教师发展中心", "市直",
                 "afterschool;fusion_case;it_course_case;training_case", "小学;初中;高中;中职", 30)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m demo", description="生成演示数据：作品、评委、分配与评分")
    ap.add_argument("--data-dir", help="数据目录（默认 RATING_DATA_DIR 或 data/；之后用 RATING_DATA_DIR 指向它启动应用）")
    ap.add_argument("--works", type=int, default=16, help="作品包数量（默认 16）")
    args = ap.parse_args(argv)
    from accounts import data_dir as default_dir
    data_dir = Path(args.data_dir).expanduser().resolve() if args.data_dir else default_dir()
    if (data_dir / "scoring.duckdb").exists():
        print(f"{data_dir} 中已有评审数据库，未生成演示数据（演示只写入新的空目录，绝不覆盖已有数据）。")
        return 0
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["RATING_DATA_DIR"] = str(data_dir)

    from accounts import AccountStore
    from scoring import db
    from scoring.assignment import assign, auto_assign
    from scoring.importer import import_dump
    from scoring.permissions import ADMIN, Actor
    from scoring.reviewers import upsert_reviewers
    from scoring.simulate import simulate_scores
    from samplegen.demo_packages import REVIEWERS, make_dump

    db.configure(data_dir / "scoring.duckdb")
    store = AccountStore(data_dir)
    admin_pw = store.ensure_initialized()
    admin = Actor("admin", ADMIN)

    pkgs = data_dir / "demo-packages"
    print(f"① 生成 {args.works} 个样例作品包（真实视频、文档、压缩包）…", flush=True)
    make_dump(pkgs, count=args.works)
    print("② 导入并初审…", flush=True)
    summary = import_dump(admin, pkgs, progress=lambda d, t, m: print(f"   {d}/{t} {m}", flush=True))
    print(f"   新增 {summary['new']} 件，初审未通过 {summary['precheck_failed']} 件", flush=True)

    print("③ 创建评委与账号…", flush=True)
    cols = ("username", "name", "school", "district", "projects", "stages", "cap")
    upsert_reviewers(admin, [dict(zip(cols, r)) for r in REVIEWERS])
    passwords = [(u, n, store.add_user(admin, u, n)) for u, n, *_ in REVIEWERS if store.get(u) is None]

    print("④ 自动分配并模拟评分…", flush=True)
    result = auto_assign(admin)
    n_scored = simulate_scores(admin, seed=7)
    upsert_reviewers(admin, [dict(zip(cols, DEMO_REVIEWER))])
    if store.get(DEMO_REVIEWER[0]) is None:
        passwords.append((DEMO_REVIEWER[0], DEMO_REVIEWER[1], store.add_user(admin, *DEMO_REVIEWER[:2])))
    from scoring.selectors import list_works
    eligible = [w["id"] for w in list_works(admin) if w["precheck_status"] == "pass" and not w["excluded"]][:4]
    mine = 0
    for wid in eligible:
        try:
            assign(admin, wid, DEMO_REVIEWER[0])
            mine += 1
        except Exception as exc:          # e.g. a work that failed 初审 is still assignable by hand
            print(f"   跳过作品 {wid}：{exc}")
    db.close()

    line = "=" * 64
    print(f"\n{line}\n演示数据已生成：{data_dir}")
    print(f"  作品 {summary['packages']} 件；自动分配 {result['assigned']} 条，模拟评分 {n_scored} 份；"
          f"演示评委 {DEMO_REVIEWER[0]} 另有 {mine} 件待评")
    print("  账号（密码只显示这一次）：")
    if admin_pw:
        print(f"    admin（管理员）  {admin_pw}")
    else:
        print("    admin（管理员）  沿用已有密码；忘记时运行 python -m accounts --data-dir DIR reset-password admin")
    for u, n, p in passwords:
        print(f"    {u}（{n}）  {p}")
    print(f"  启动：RATING_DATA_DIR={data_dir} .venv/bin/streamlit run app.py\n{line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
