"""Automatic assignment: N reviewers per work, by project type and 学段, balanced within caps,
never the same school (nor the same district for 区域研修); uncovered works say why."""
import pytest

from scoring import assignment, db, reviewers, works
from scoring.errors import PermissionDenied
from scoring.permissions import Actor
from scoring.settings import update_settings

ADMIN = Actor("admin", "admin")


pytestmark = pytest.mark.usefixtures("store")      # a real DuckDB file per test (conftest.py)


def rev(username, school, *, district="", projects="fusion_case", stages="小学", cap=10):
    return dict(username=username, name=username, school=school, district=district, projects=projects,
                stages=stages, cap=cap)


def assigned(wid):
    return sorted(r for (r,) in db.cursor().execute(
        "SELECT reviewer FROM assignments WHERE work_id = ?", [wid]).fetchall())


def test_load_is_balanced_and_same_school_is_never_assigned():
    reviewers.upsert_reviewers(ADMIN, [rev(f"r{i}", f"学校{i}") for i in range(6)])
    ids = [works.add_work(ADMIN, project="fusion_case", stage="小学", title=f"作品{i}", school=f"学校{i % 6}")
           for i in range(12)]
    result = assignment.auto_assign(ADMIN)
    assert result == {"assigned": 36, "uncovered": []}
    loads = dict(db.cursor().execute("SELECT reviewer, count(*) FROM assignments GROUP BY reviewer").fetchall())
    assert sorted(loads.values()) == [6] * 6               # 36 tasks over 6 judges
    for i, wid in enumerate(ids):
        assert f"r{i % 6}" not in assigned(wid)
    assert assignment.auto_assign(ADMIN)["assigned"] == 0   # already covered: nothing changes


def test_project_stage_and_cap_limit_candidates_and_uncovered_works_say_why():
    update_settings(ADMIN, {"reviewers_per_work": 2})
    reviewers.upsert_reviewers(ADMIN, [rev("same", "示例小学"), rev("junior", "一中", stages="初中"),
                                       rev("other", "二中", projects="afterschool"), rev("ok", "三中", cap=1)])
    w1 = works.add_work(ADMIN, project="fusion_case", stage="小学", title="甲", school="示例小学")
    w2 = works.add_work(ADMIN, project="fusion_case", stage="小学", title="乙", school="示例小学")
    res = assignment.auto_assign(ADMIN)
    assert res["assigned"] == 1 and {w1, w2} == {u["work_id"] for u in res["uncovered"]}
    reasons = {u["work_id"]: u["reason"] for u in res["uncovered"]}
    full = w2 if assigned(w1) == ["ok"] else w1
    assert reasons[full] == ("需要 2 位评委，只分配到 0 位：在岗评委共 4 位，其中项目类别不符 1 位、学段不符 1 位、"
                             "同校回避 1 位、已达评审上限 1 位")


def test_regional_training_cases_also_recuse_the_same_district():
    reviewers.upsert_reviewers(ADMIN, [
        rev("near", "一中", district="青秀区", projects="training_case"),
        rev("far", "二中", district="兴宁区", projects="training_case")])
    update_settings(ADMIN, {"reviewers_per_work": 2})
    regional = works.add_work(ADMIN, project="training_case", subtype="regional", stage="小学",
                              title="区域研修", school="某小学", district="青秀区")
    school_based = works.add_work(ADMIN, project="training_case", subtype="school", stage="小学",
                                  title="校本研修", school="某小学", district="青秀区")
    res = assignment.auto_assign(ADMIN)
    assert assigned(regional) == ["far"] and assigned(school_based) == ["far", "near"]
    assert "同区县回避 1 位" in res["uncovered"][0]["reason"]
    with pytest.raises(PermissionDenied, match="同区县回避"):
        assignment.assign(ADMIN, regional, "near")


def test_manual_override_refuses_same_school_but_may_exceed_the_cap():
    reviewers.upsert_reviewers(ADMIN, [rev("mate", "示例小学"), rev("busy", "一中", cap=0)])
    wid = works.add_work(ADMIN, project="fusion_case", stage="小学", title="甲", school="示例小学")
    with pytest.raises(PermissionDenied, match="同校回避"):
        assignment.assign(ADMIN, wid, "mate")
    out = assignment.assign(ADMIN, wid, "busy")
    assert out["warnings"] == ["评委 busy 的评审量（1）超过上限 0"]
    with pytest.raises(PermissionDenied):
        assignment.assign(Actor("busy", "reviewer"), wid, "busy")
    assignment.unassign(ADMIN, wid, "busy")
    assert assigned(wid) == []


def test_a_school_hidden_in_the_folder_name_still_counts_as_same_school():
    reviewers.upsert_reviewers(ADMIN, [rev("mate", "实验小学"), rev("ok", "一中")])
    wid = works.add_work(ADMIN, project="fusion_case", stage="小学", title="甲", school="",
                         folder_name="小学南宁市实验小学李四")
    assignment.auto_assign(ADMIN)
    assert assigned(wid) == ["ok"]
