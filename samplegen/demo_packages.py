"""Write a folder of generated submissions, like the district FTP dump, for demos and benches.

    python -m samplegen.demo_packages OUT [--count N] [--seed S]

Each package is a real level-1 folder (real video, Word, scanned-PDF and ZIP files). About one in six
carries a format flaw so the 初审 table has something to show. Names, schools and titles are
generated and marked as samples; they are not real people.
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from samplegen.packages import make_package

PROJECTS = ["fusion_case", "afterschool", "training_case", "it_course_case"]
STAGES = {"fusion_case": ["小学", "初中", "高中"], "afterschool": ["小学", "初中"],
          "training_case": ["小学", "初中"], "it_course_case": ["中职"]}
SCHOOLS = {"小学": ["示例市第一实验小学", "示例区育才小学", "示例县城关小学"],
           "初中": ["示例市第二中学", "示例县实验中学", "示例市外国语学校"],
           "高中": ["示例市第一中学", "示例县第一高级中学"],
           "中职": ["示例市职业技术学校", "示例县职业教育中心"]}
# Sample reviewers (fictional): username, name, school, district, projects, stages, cap.
REVIEWERS = [
    ("pw01", "评委甲", "示例市教育科学研究院", "市直", "fusion_case;afterschool;training_case", "小学;初中;高中", 20),
    ("pw02", "评委乙", "示例市电化教育馆", "市直", "fusion_case;afterschool;training_case;it_course_case",
     "小学;初中;高中;中职", 20),
    ("pw03", "评委丙", "示例市第一实验小学", "城东区", "fusion_case;afterschool;training_case", "小学;初中", 20),
    ("pw04", "评委丁", "示例市第二中学", "城西区", "fusion_case;afterschool;training_case", "小学;初中;高中", 20),
    ("pw05", "评委戊", "示例市职业技术学校", "城北区", "it_course_case;fusion_case", "中职;高中;初中", 20),
    ("pw06", "评委己", "示例县教研室", "示例县", "afterschool;fusion_case;it_course_case;training_case",
     "小学;初中;高中;中职", 20),
]
SURNAMES = "赵钱孙李周吴郑王冯陈"
GIVEN = ["晓明", "丽华", "建国", "静", "伟", "芳", "磊", "婷"]
TOPICS = ["分数的初步认识", "光的折射", "古诗词里的春天", "垃圾分类我先行", "校园植物探究", "数据的收集与整理",
          "智慧课堂中的英语阅读", "机械制图基础", "传统节日里的数学", "短视频中的物理现象"]
FLAWS = [set(), set(), set(), set(), set(), {"video_30fps"}, {"missing_section"}, {"book_marks"}, {"no_form"}]


def make_dump(out: str | Path, count: int = 12, seed: int = 1) -> list[Path]:
    rng = random.Random(seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    cache = out.parent / (out.name + ".video-cache")
    made = []
    for i in range(count):
        project = PROJECTS[i % len(PROJECTS)]
        stage = rng.choice(STAGES[project])
        school = rng.choice(SCHOOLS[stage])
        teacher = rng.choice(SURNAMES) + rng.choice(GIVEN)
        title = f"{rng.choice(TOPICS)}（样例{i + 1}）"
        flaws = set(rng.choice(FLAWS))
        if project == "training_case":
            flaws.discard("video_30fps")
        made.append(make_package(out, project, stage=stage, school=school, teacher=teacher, title=title,
                                 flaws=flaws, cache_dir=cache))
    return made


def write_reviewers_csv(path: str | Path) -> Path:
    import csv
    path = Path(path)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["username", "name", "school", "district", "projects", "stages", "cap"])
        w.writerows(REVIEWERS)
    return path


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m samplegen.demo_packages",
                                description="生成示例参赛作品包（样例数据，非真实作品）")
    p.add_argument("out")
    p.add_argument("--count", type=int, default=12)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--reviewers", metavar="CSV", help="同时写出示例评委名单 CSV（供 python -m scoring reviewers 使用）")
    a = p.parse_args(argv)
    if a.reviewers:
        print(f"评委名单：{write_reviewers_csv(a.reviewers)}", file=sys.stderr)
    for path in make_dump(a.out, a.count, a.seed):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
