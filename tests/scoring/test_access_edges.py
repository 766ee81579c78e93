"""Access edges in the domain layer, on a real DuckDB file: a reviewer assigned to the same work
still cannot read a colleague's review, and recusal sees through full-width characters and spaces
in school and district names (the way names arrive from Excel sheets and folder names)."""
from __future__ import annotations

import pytest

from scoring import assignment, reviewers, reviews, selectors, works
from scoring.errors import PermissionDenied
from scoring.permissions import Actor
from scoring.recusal import conflict

ADMIN = Actor("admin", "admin")
ALICE, BOB = Actor("alice", "reviewer"), Actor("bob", "reviewer")
FULL = {"design": 20, "integration": 20, "implementation": 20, "innovation": 10, "norms": 8}   # 78


def _reviewer(username: str, school: str, district: str = "", projects: str = "fusion_case") -> dict:
    return dict(username=username, name=username, school=school, district=district, projects=projects,
                stages="小学", cap=10)


@pytest.fixture
def shared_work(store):
    """One work assigned to both alice and bob; alice has submitted, bob has a draft."""
    reviewers.upsert_reviewers(ADMIN, [_reviewer("alice", "二中"), _reviewer("bob", "三中")])
    wid = works.add_work(ADMIN, project="fusion_case", stage="小学", title="光的折射", school="示例小学",
                         authors=["张三"])
    assignment.assign(ADMIN, wid, "alice")
    assignment.assign(ADMIN, wid, "bob")
    reviews.save_review(ALICE, wid, FULL, comment="爱丽丝的评语", submit=True)
    reviews.save_review(BOB, wid, {"design": 5}, comment="鲍勃的草稿")
    return wid


# --- a reviewer reads only their own review ---------------------------------------------------------

def test_assigned_reviewer_cannot_read_a_colleagues_review(shared_work):
    with pytest.raises(PermissionDenied) as e:
        selectors.get_review(BOB, shared_work, "alice")
    assert str(e.value) == "只能查看自己的评审。"          # its own message, not "未被分配"
    with pytest.raises(PermissionDenied, match="^只能查看自己的评审。$"):
        selectors.get_review(ALICE, shared_work, "bob")


def test_each_reviewer_reads_their_own_and_the_admin_reads_both(shared_work):
    mine = selectors.get_review(BOB, shared_work)
    assert (mine["reviewer"], mine["comment"], mine["total"]) == ("bob", "鲍勃的草稿", 5)
    assert selectors.get_review(BOB, shared_work, "bob")["comment"] == "鲍勃的草稿"
    assert selectors.get_review(ALICE, shared_work)["total"] == 78            # 20+20+20+10+8
    assert selectors.get_review(ADMIN, shared_work, "alice")["comment"] == "爱丽丝的评语"
    assert selectors.get_review(ADMIN, shared_work, "bob")["comment"] == "鲍勃的草稿"


def test_the_blind_view_carries_only_the_callers_review(shared_work):
    view = selectors.blind_work(BOB, shared_work)
    assert view["review"]["reviewer"] == "bob" and "爱丽丝" not in repr(view)


def test_an_unassigned_reviewer_is_told_they_are_not_assigned(shared_work):
    reviewers.upsert_reviewers(ADMIN, [_reviewer("carol", "四中")])
    with pytest.raises(PermissionDenied, match="^您未被分配评审该作品。$"):
        selectors.get_review(Actor("carol", "reviewer"), shared_work)


# --- recusal: names compared after NFKC and without spaces ---------------------------------------

SAME_SCHOOL = [
    ("ＸＸ市第一实验小学", "XX市第一实验小学"),            # full-width Latin letters
    ("XX市第一实验小学", "ＸＸ市第一实验小学"),
    ("XX市 第一实验小学", "XX市第一实验小学"),             # ASCII space
    ("XX市第一实验小学", "XX市\u3000第一实验小学 "),        # ideographic space, trailing space
    ("xx市第一实验小学", "XX市第一实验小学"),               # case
    ("第１中学", "第1中学"),                              # full-width digit
    (" Ｘ Ｘ 市 第 一 实 验 小 学\t", "XX市第一实验小学"),
]


@pytest.mark.parametrize("reviewer_school,work_school", SAME_SCHOOL,
                         ids=["fullwidth-reviewer", "fullwidth-work", "space", "ideographic-space", "case",
                              "fullwidth-digit", "spaced-out"])
def test_same_school_written_differently_is_a_conflict(reviewer_school, work_school):
    assert conflict({"school": reviewer_school}, {"school": work_school, "project": "fusion_case"}) == "同校回避"


@pytest.mark.parametrize("reviewer_school,work_school", [("XX市第一实验小学", "XX市第二实验小学"),
                                                         ("", ""), ("", "XX市第一实验小学"),
                                                         ("   ", "XX市第一实验小学")],
                         ids=["other-school", "both-empty", "reviewer-empty", "reviewer-blank"])
def test_different_or_empty_schools_are_no_conflict(reviewer_school, work_school):
    assert conflict({"school": reviewer_school}, {"school": work_school, "project": "fusion_case"}) is None


def test_school_inside_the_level1_folder_name_counts_when_the_school_was_not_separated():
    work = {"school": "", "folder_name": "小学ＸＸ市第一实验小学张三", "project": "fusion_case"}
    assert conflict({"school": "XX市 第一实验小学"}, work) == "同校回避"


def test_district_recusal_for_regional_cases_sees_through_spaces_and_width():
    work = {"school": "甲校", "district": "城东区", "project": "training_case", "subtype": "regional"}
    assert conflict({"school": "乙校", "district": "城东区\u3000"}, work) == "同区县回避"
    assert conflict({"school": "乙校", "district": " 城 东 区"}, work) == "同区县回避"
    assert conflict({"school": "乙校", "district": "城西区"}, work) is None
    school_case = dict(work, subtype="school")             # 校本研修: recusal by school only
    assert conflict({"school": "乙校", "district": "城东区"}, school_case) is None


def test_services_refuse_a_full_width_same_school_reviewer(store):
    reviewers.upsert_reviewers(ADMIN, [_reviewer("dave", "ＸＸ市 第一实验小学")])
    wid = works.add_work(ADMIN, project="fusion_case", stage="小学", title="分数", school="XX市第一实验小学",
                         authors=["李四"])
    with pytest.raises(PermissionDenied, match="^不能分配：评委 dave 与作品“分数”需同校回避。$"):
        assignment.assign(ADMIN, wid, "dave")
    result = assignment.auto_assign(ADMIN)
    assert result["assigned"] == 0
    assert [u["reason"] for u in result["uncovered"] if u["work_id"] == wid][0].count("同校回避") >= 1
    with pytest.raises(PermissionDenied, match="^您未被分配评审该作品。$"):
        selectors.blind_work(Actor("dave", "reviewer"), wid)
