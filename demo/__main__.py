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

SCHOOLS = [("小学", "XX市第一实验小学", "城东区"), ("小学", "XX市育才小学", "城西区"),
           ("初中", "XX市第二中学", "城东区"), ("初中", "XX市实验中学", "城南区"),
           ("高中", "XX市第一中学", "城西区"), ("中等职业教育", "XX市职业技术学校", "城北区")]
TEACHERS = ["张敏", "李华", "王芳", "刘洋", "陈静", "赵磊", "孙丽", "周杰", "吴霞", "郑强", "冯雪", "朱琳",
            "何平", "高原", "林晓", "罗兰", "梁宇", "宋佳", "唐悦", "韩冰"]
TOPICS = ["分数的初步认识", "古诗词中的四季", "光的折射", "走进二十四节气", "函数的图像", "校园植物探究",
          "英语绘本阅读", "编程点亮创意", "家乡的非遗", "数据的整理", "声音的奥秘", "劳动创造美"]
REVIEWERS = [  # username, name, school, district, projects, stages
    ("pw_zhao", "赵评委", "XX市第一实验小学", "城东区", "afterschool;fusion_case", "小学;初中"),
    ("pw_qian", "钱评委", "XX市教育科学研究院", "市直", "afterschool;fusion_case", "小学;初中;高中"),
    ("pw_sun", "孙评委", "XX市电化教育馆", "市直", "afterschool;fusion_case;it_course_case", "小学;初中;高中;中等职业教育"),
    ("pw_li", "李评委", "XX市第二中学", "城东区", "fusion_case;afterschool", "初中;高中"),
    ("pw_zhou", "周评委", "XX市职业教育中心", "市直", "it_course_case;fusion_case", "中等职业教育;高中;初中"),
    ("pw_wu", "吴评委", "XX市城西教研室", "城西区", "afterschool;fusion_case;it_course_case", "小学;初中;高中;中等职业教育"),
]
DEMO_REVIEWER = ("pingwei", "演示评委", "XX市教师发展中心", "市直",
                 "afterschool;fusion_case;it_course_case", "小学;初中;高中;中等职业教育")


def make_packages(root: Path, n: int) -> None:
    from samplegen.packages import make_package
    cache = root.parent / ".video-cache"
    flaws_cycle = [set(), set(), set(), {"video_30fps"}, set(), {"no_form"}, set(), {"book_marks"}]
    for i in range(n):
        stage, school, district = SCHOOLS[i % len(SCHOOLS)]
        project = "it_course_case" if stage == "中等职业教育" else ("afterschool", "fusion_case")[i % 2]
        make_package(root / district, project, stage=stage, school=school, teacher=TEACHERS[i % len(TEACHERS)] + ("" if i < len(TEACHERS) else str(i)),
                     title=TOPICS[i % len(TOPICS)] + ("" if i < len(TOPICS) else f"（{i // len(TOPICS) + 1}）"),
                     flaws=flaws_cycle[i % len(flaws_cycle)], cache_dir=cache)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m demo", description="生成演示数据：作品、评委、分配与评分")
    ap.add_argument("--data-dir", required=True, help="数据目录（之后用 RATING_DATA_DIR 指向它启动应用）")
    ap.add_argument("--works", type=int, default=16, help="作品包数量（默认 16）")
    args = ap.parse_args(argv)
    data_dir = Path(args.data_dir).expanduser().resolve()
    if (data_dir / "scoring.duckdb").exists():
        print(f"错误：{data_dir} 中已有评审数据库；演示需要一个新的空目录。", file=sys.stderr)
        return 2
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["RATING_DATA_DIR"] = str(data_dir)

    from accounts import AccountStore
    from accounts.store import admin_banner
    from scoring import db
    from scoring.assignment import assign, auto_assign
    from scoring.importer import import_dump
    from scoring.permissions import ADMIN, Actor
    from scoring.reviewers import upsert_reviewers
    from scoring.simulate import simulate_scores

    db.configure(data_dir / "scoring.duckdb")
    store = AccountStore(data_dir)
    admin_pw = store.ensure_initialized()
    admin = Actor("admin", ADMIN)

    pkgs = data_dir / "demo-packages"
    print(f"① 生成 {args.works} 个样例作品包（真实视频、文档、压缩包）…", flush=True)
    make_packages(pkgs, args.works)
    print("② 导入并初审…", flush=True)
    summary = import_dump(admin, pkgs, progress=lambda d, t, m: print(f"   {d}/{t} {m}", flush=True))
    print(f"   新增 {summary['new']} 件，初审未通过 {summary['precheck_failed']} 件", flush=True)

    print("③ 创建评委与账号…", flush=True)
    cols = ("username", "name", "school", "district", "projects", "stages")
    upsert_reviewers(admin, [dict(zip(cols, r), cap=30) for r in REVIEWERS])
    passwords = [(u, n, store.add_user(admin, u, n)) for u, n, *_ in REVIEWERS if store.get(u) is None]

    print("④ 自动分配并模拟评分…", flush=True)
    result = auto_assign(admin)
    n_scored = simulate_scores(admin, seed=7)
    upsert_reviewers(admin, [dict(zip(cols, DEMO_REVIEWER), cap=30)])
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
