"""Who may write and read what: only the assigned reviewer writes, within range, until submitted;
every change is in the history; reviewers read works blind."""
import pytest

from scoring import assignment, db, reviewers, reviews, selectors, works
from scoring.errors import PermissionDenied, ValidationError
from scoring.permissions import Actor

ADMIN = Actor("admin", "admin")
ALICE = Actor("alice", "reviewer")
BOB = Actor("bob", "reviewer")
FULL = {"design": 20, "integration": 20, "implementation": 20, "innovation": 10, "norms": 8}


@pytest.fixture
def work(tmp_path):
    db.configure(tmp_path / "v.duckdb")
    reviewers.upsert_reviewers(ADMIN, [
        dict(username="alice", name="爱丽丝", school="二中", projects="fusion_case", stages="小学", cap=5),
        dict(username="bob", name="鲍勃", school="三中", projects="fusion_case", stages="小学", cap=5)])
    wid = works.add_work(ADMIN, project="fusion_case", stage="小学", title="张三老师的光的折射", school="示例小学",
                         authors=["张三"], folder_name="小学示例小学张三", files=[
                             {"path": "小学示例小学张三/融合创新应用教学案例/光的折射/案例介绍.docx", "kind": "docx",
                              "size": 10, "item": "case_intro"},
                             {"path": "小学示例小学张三/融合创新应用教学案例/光的折射/作品登记表.pdf", "kind": "pdf",
                              "size": 10, "item": "registration_form"},
                             {"path": "小学示例小学张三/融合创新应用教学案例/光的折射/示例小学张三-录像.mp4",
                              "kind": "mp4", "size": 10, "item": "lesson_video"}])
    assignment.assign(ADMIN, wid, "alice")
    yield wid
    db.close()
    db.configure(None)


def test_the_assigned_reviewer_saves_a_draft_then_submits_and_it_locks(work):
    r = reviews.save_review(ALICE, work, {"design": 20, "integration": 18.5}, comment="结构清晰")
    assert r["status"] == "draft" and r["total"] == 38.5
    with pytest.raises(ValidationError, match="还有指标未评分"):
        reviews.submit_review(ALICE, work)
    r = reviews.save_review(ALICE, work, FULL, submit=True)
    assert r["status"] == "submitted" and r["total"] == 78 and r["comment"] == "结构清晰"
    with pytest.raises(PermissionDenied, match="已提交并锁定"):
        reviews.save_review(ALICE, work, {"design": 25})
    with pytest.raises(PermissionDenied):
        reviews.reopen_review(ALICE, work, "alice", "想改")
    reviews.reopen_review(ADMIN, work, "alice", "分差过大，请复核")
    assert reviews.save_review(ALICE, work, {"design": 25})["total"] == 83


def test_scores_outside_the_rubric_are_refused_in_chinese(work):
    with pytest.raises(ValidationError, match="“教学设计”的分数必须在 0 到 25 之间"):
        reviews.save_review(ALICE, work, {"design": 26})
    with pytest.raises(ValidationError, match="0 到 25"):
        reviews.save_review(ALICE, work, {"design": -1})
    with pytest.raises(ValidationError, match="没有指标"):
        reviews.save_review(ALICE, work, {"beauty": 5})
    with pytest.raises(ValidationError, match="必须是数字"):
        reviews.save_review(ALICE, work, {"design": "很好"})
    with pytest.raises(ValidationError, match="一票否决须选择理由"):
        reviews.save_review(ALICE, work, veto=True, veto_reason="不喜欢")


def test_only_the_assigned_reviewer_writes_and_admins_do_not_score(work):
    with pytest.raises(PermissionDenied, match="未被分配"):
        reviews.save_review(BOB, work, {"design": 10})
    with pytest.raises(PermissionDenied, match="只有评委"):
        reviews.save_review(ADMIN, work, {"design": 10})
    with pytest.raises(PermissionDenied, match="未被分配"):
        selectors.blind_work(BOB, work)
    with pytest.raises(PermissionDenied):
        selectors.get_review(BOB, work, "alice")


def test_every_change_is_in_the_history_with_old_and_new(work):
    reviews.save_review(ALICE, work, {"design": 20})
    reviews.save_review(ALICE, work, {"design": 22, "norms": 5})
    reviews.save_review(ALICE, work, FULL, submit=True)
    reviews.reopen_review(ADMIN, work, "alice", "复核")
    h = [(x["actor"], x["field"], x["old"], x["new"]) for x in selectors.score_history(ADMIN, work_id=work)]
    assert h[:4] == [("alice", "design", None, "20"), ("alice", "status", None, "draft"),
                     ("alice", "design", "20", "22"), ("alice", "norms", None, "5")]
    assert ("alice", "status", "draft", "submitted") in h
    assert h[-1] == ("admin", "status", "submitted", "draft")
    assert selectors.score_history(ADMIN, work_id=work)[-1]["note"] == "复核"


def test_the_blind_view_hides_names_school_forms_and_the_level1_folder(work):
    view = selectors.blind_work(ALICE, work)
    text = repr(view)
    for secret in ("张三", "示例小学", "小学示例小学张三", "登记表"):
        assert secret not in text
    assert sorted(f["path"] for f in view["files"]) == [
        "融合创新应用教学案例/光的折射/案例介绍.docx", "融合创新应用教学案例/光的折射/＊＊＊＊-录像.mp4"]   # school and name masked
    assert view["title"] == "＊＊老师的光的折射"
    assert [c["key"] for c in view["rubric"]["criteria"]] == list(FULL)
    queue = selectors.reviewer_queue(ALICE)
    assert [q["id"] for q in queue] == [work] and "school" not in queue[0] and queue[0]["review_status"] == "todo"


def test_a_reviewer_moved_to_the_works_school_can_no_longer_read_or_write_it(work):
    reviewers.upsert_reviewers(ADMIN, [dict(username="alice", name="爱丽丝", school="示例小学",
                                            projects="fusion_case", stages="小学", cap=5)])
    with pytest.raises(PermissionDenied, match="回避"):
        selectors.blind_work(ALICE, work)
    with pytest.raises(PermissionDenied, match="回避"):
        reviews.save_review(ALICE, work, {"design": 1})
    assert selectors.reviewer_queue(ALICE) == []


def test_an_emptied_field_clears_its_saved_score_so_the_draft_is_what_the_form_shows(work):
    reviews.save_review(ALICE, work, {"design": 20, "integration": 18})
    r = reviews.save_review(ALICE, work, {"design": None, "integration": 18})
    assert r["scores"] == {"integration": 18} and r["total"] == 18
    hist = [(h["field"], h["old"], h["new"]) for h in selectors.score_history(ADMIN, work_id=work)]
    assert hist[-1] == ("design", "20", None)
