"""The admin command line end to end: reviewers, works, assign, simulate, rank/scores JSON, export."""
import json
import subprocess
import sys
from pathlib import Path

import openpyxl

from scoring import db, works
from scoring.permissions import Actor
from tests.conftest import REPO



def run(dbfile, *args):
    out = subprocess.run([sys.executable, "-m", "scoring", "--db", str(dbfile), *args], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_reviewers_assign_simulate_rank_scores_and_export(tmp_path):
    dbfile = tmp_path / "cli.duckdb"
    db.configure(dbfile)
    for i in range(6):
        works.add_work(Actor("admin", "admin"), project="fusion_case", stage="小学", title=f"作品{i}",
                       school=f"学校{i % 2}")
    db.close()
    db.configure(None)
    csv = tmp_path / "reviewers.csv"
    csv.write_text("username,name,school,district,projects,stages,cap\n" + "".join(
        f"r{i},评委{i},评委学校{i},区{i},fusion_case;afterschool,小学;初中,10\n" for i in range(4)) +
        "r9,同校评委,学校0,区9,融合创新应用教学案例,小学,10\n", encoding="utf-8")
    assert "已导入 5 位评委" in run(dbfile, "reviewers", str(csv))
    assert "新分配 18 条评审任务" in run(dbfile, "assign")
    assert "已为 18 条" in run(dbfile, "simulate-scores", "--seed", "3")
    ranking = json.loads(run(dbfile, "rank", "--json"))
    assert len(ranking) == 6 and set(ranking[0]) == {
        "work_id", "title", "project", "stage", "school", "n_scores", "mean", "median", "trimmed_mean",
        "normalized", "score", "rank", "tier", "spread_flag"}
    assert sorted(r["rank"] for r in ranking) == sorted(r["rank"] for r in ranking if r["rank"])
    assert all(r["n_scores"] == 3 and r["score"] == r["trimmed_mean"] == r["mean"] for r in ranking)
    assert all(isinstance(r["normalized"], float) for r in ranking)   # every aggregate is reported
    assert [r["tier"] for r in sorted(ranking, key=lambda r: r["rank"])][0] == "一等奖"   # 6 × 10 % → 1
    scores = json.loads(run(dbfile, "scores", "--json"))
    assert len(scores) == 18 and all(s["submitted"] for s in scores)
    assert all(s["reviewer"] != "r9" for s in scores if s["work_id"] % 2 == 1)   # works 1,3,5 are 学校0
    assert "融合创新应用教学案例 · 小学" in run(dbfile, "rank")
    run(dbfile, "export", str(tmp_path / "out.xlsx"))
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert wb.sheetnames[:3] == ["公示名单", "未排名作品", "全部评分"] and wb.sheetnames[-1] == "初审未通过"
    assert wb["公示名单"].max_row == 7 and wb["全部评分"].max_row == 19
