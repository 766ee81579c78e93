"""Writing reviews (scoring/reviews.py) at each rule's boundary, on a real DuckDB file: score ranges
and types, text lengths, vetoes, partial drafts, submission and 退回, the stored row and the history.
Each refusal is checked with the full Chinese message the reviewer or admin reads.

The rubric is fusion_case: 教学设计 design 25, 技术融合 integration 25, 实施与效果 implementation 25,
创新与示范 innovation 15, 规范 norms 10 (weights 1, full mark 100); veto reasons 政治性错误, 科学性错误.
"""
import threading
import time

import pytest

from scoring import assignment, audit, db, reviewers, reviews, selectors, works
from scoring.errors import NotFound, PermissionDenied, ValidationError
from scoring.permissions import Actor

ADMIN = Actor("admin", "admin")
ALICE = Actor("alice", "reviewer")
FULL = {"design": 20, "integration": 20, "implementation": 20, "innovation": 10, "norms": 8}   # 78


@pytest.fixture
def work(dbfile):
    reviewers.upsert_reviewers(ADMIN, [
        dict(username="alice", name="爱丽丝", school="二中", projects="fusion_case", stages="小学", cap=5)])
    wid = works.add_work(ADMIN, project="fusion_case", stage="小学", title="光的折射", school="示例小学",
                         authors=["张三"])
    assignment.assign(ADMIN, wid, "alice")
    return wid


def refused(exc_type, call) -> str:
    with pytest.raises(exc_type) as e:
        call()
    return str(e.value)


def stored(work_id, reviewer="alice") -> dict:
    return db.rows(db.cursor(), "SELECT * FROM reviews WHERE work_id = ? AND reviewer = ?", [work_id, reviewer])[0]


def history(work_id) -> list[tuple]:
    return [(h["actor"], h["reviewer"], h["field"], h["old"], h["new"], h["note"])
            for h in selectors.score_history(ADMIN, work_id=work_id)]


# --- scores against the rubric ------------------------------------------------------------------

def test_zero_and_the_criterion_maximum_are_both_accepted(work):
    r = reviews.save_review(ALICE, work, {"design": 0, "innovation": 15})
    assert r["scores"] == {"design": 0, "innovation": 15} and r["total"] == 15


@pytest.mark.parametrize("value", [25.01, -0.01, True, float("nan"), float("inf")],
                         ids=["above-max", "below-zero", "bool", "nan", "inf"])
def test_a_score_just_outside_the_range_or_not_a_real_number_is_refused(work, value):
    msg = refused(ValidationError, lambda: reviews.save_review(ALICE, work, {"design": value}))
    assert msg == f"“教学设计”的分数必须在 0 到 25 之间，收到 {value!r}"


def test_the_message_shows_the_criterion_maximum_without_decimals(work):
    assert refused(ValidationError, lambda: reviews.save_review(ALICE, work, {"norms": 10.5})) == (
        "“规范”的分数必须在 0 到 10 之间，收到 10.5")


@pytest.mark.parametrize("value", ["很好", [20]], ids=["text", "list"])
def test_a_score_that_is_not_a_number_is_refused(work, value):
    msg = refused(ValidationError, lambda: reviews.save_review(ALICE, work, {"design": value}))
    assert msg == f"“教学设计”的分数必须是数字，收到 {value!r}"


def test_a_numeric_string_is_read_as_its_number(work):
    assert reviews.save_review(ALICE, work, {"design": "18.5"})["scores"] == {"design": 18.5}


def test_an_unknown_criterion_and_a_non_mapping_are_refused(work):
    assert refused(ValidationError, lambda: reviews.save_review(ALICE, work, {"beauty": 5})) == (
        "评分标准中没有指标“beauty”")
    assert refused(ValidationError, lambda: reviews.save_review(ALICE, work, [("design", 5)])) == (
        "评分必须是“指标: 分数”的形式")
    assert db.cursor().execute("SELECT count(*) FROM reviews").fetchone()[0] == 0     # nothing saved


def test_scores_are_kept_to_two_decimals(work):
    r = reviews.save_review(ALICE, work, {"design": 12.3456, "norms": 0.004})
    assert r["scores"] == {"design": 12.35, "norms": 0.0} and r["total"] == 12.35


def test_scores_are_stored_in_rubric_order_whatever_order_they_arrive_in(work):
    r = reviews.save_review(ALICE, work, {"norms": 8, "design": 20, "innovation": 10})
    assert list(r["scores"]) == ["design", "innovation", "norms"]
    assert stored(work)["scores"] == '{"design": 20.0, "innovation": 10.0, "norms": 8.0}'


def test_a_cleared_field_does_not_stop_the_fields_after_it(work):
    reviews.save_review(ALICE, work, {"design": 20, "integration": 18})
    r = reviews.save_review(ALICE, work, {"design": None, "integration": 11, "norms": 6})
    assert r["scores"] == {"integration": 11, "norms": 6} and r["total"] == 17


# --- comments and notes ---------------------------------------------------------------------------

def test_comment_and_note_up_to_5000_characters(work):
    r = reviews.save_review(ALICE, work, {}, comment="评" * 5000, internal_note="注" * 5000)
    assert (len(r["comment"]), len(r["internal_note"])) == (5000, 5000)
    assert refused(ValidationError, lambda: reviews.save_review(ALICE, work, comment="评" * 5001)) == (
        "给教师的评语必须是文字，且不超过 5000 字")
    assert refused(ValidationError, lambda: reviews.save_review(ALICE, work, internal_note="注" * 5001)) == (
        "内部备注必须是文字，且不超过 5000 字")
    assert refused(ValidationError, lambda: reviews.save_review(ALICE, work, comment=123)) == (
        "给教师的评语必须是文字，且不超过 5000 字")
    assert refused(ValidationError, lambda: reviews.save_review(ALICE, work, internal_note=["x"])) == (
        "内部备注必须是文字，且不超过 5000 字")


def test_comment_and_note_are_kept_until_replaced(work):
    reviews.save_review(ALICE, work, {"design": 20}, comment="结构清晰", internal_note="可评一等")
    r = reviews.save_review(ALICE, work, {"integration": 20})
    assert (r["comment"], r["internal_note"]) == ("结构清晰", "可评一等")
    r = reviews.save_review(ALICE, work, comment="", internal_note="再看录像")
    assert (r["comment"], r["internal_note"]) == ("", "再看录像")
    row = stored(work)
    assert (row["comment"], row["internal_note"]) == ("", "再看录像")


# --- veto -------------------------------------------------------------------------------------------

def test_a_veto_needs_one_of_the_rubric_reasons(work):
    for reason in ("不喜欢", None):
        assert refused(ValidationError, lambda: reviews.save_review(ALICE, work, veto=True, veto_reason=reason)) == (
            "一票否决须选择理由：政治性错误、科学性错误")


def test_a_veto_and_its_reason_are_kept_until_withdrawn_and_then_the_reason_is_cleared(work):
    r = reviews.save_review(ALICE, work, {"design": 20}, veto=True, veto_reason="科学性错误")
    assert (r["veto"], r["veto_reason"]) == (True, "科学性错误")
    r = reviews.save_review(ALICE, work, {"integration": 20})
    assert (r["veto"], r["veto_reason"]) == (True, "科学性错误")
    r = reviews.save_review(ALICE, work, veto_reason="政治性错误")
    assert (r["veto"], r["veto_reason"]) == (True, "政治性错误")
    r = reviews.save_review(ALICE, work, veto=False)
    assert (r["veto"], r["veto_reason"]) == (False, None)
    row = stored(work)
    assert (row["veto"], row["veto_reason"]) == (False, None)
    assert [h[2:5] for h in history(work) if h[2].startswith("veto")] == [
        ("veto", "False", "True"), ("veto_reason", None, "科学性错误"),
        ("veto_reason", "科学性错误", "政治性错误"),
        ("veto", "True", "False"), ("veto_reason", "政治性错误", None)]


def test_a_reason_without_a_veto_is_not_stored(work):
    r = reviews.save_review(ALICE, work, {"design": 5}, veto_reason="科学性错误")
    assert (r["veto"], r["veto_reason"]) == (False, None)


# --- submitting ---------------------------------------------------------------------------------------

def test_submitting_names_every_unscored_criterion_in_rubric_order(work):
    reviews.save_review(ALICE, work, {"integration": 20, "norms": 8})
    assert refused(ValidationError, lambda: reviews.submit_review(ALICE, work)) == (
        "还有指标未评分，不能提交：教学设计、实施与效果、创新与示范")
    assert stored(work)["status"] == "draft"


def test_the_saved_review_is_returned_and_stored_in_full(work):
    r = reviews.save_review(ALICE, work, FULL, comment="结构清晰", internal_note="无", submit=True)
    assert r == {"work_id": work, "reviewer": "alice",
                 "scores": {"design": 20, "integration": 20, "implementation": 20, "innovation": 10, "norms": 8},
                 "total": 78, "veto": False, "veto_reason": None, "comment": "结构清晰", "internal_note": "无",
                 "status": "submitted"}
    row = stored(work)
    assert (row["total"], row["status"], row["veto"], row["comment"], row["internal_note"]) == (
        78, "submitted", False, "结构清晰", "无")
    assert row["submitted_at"] is not None and row["submitted_at"] == row["updated_at"]


def test_a_draft_keeps_its_creation_time_and_has_no_submission_time(work):
    reviews.save_review(ALICE, work, {"design": 20})
    first = stored(work)
    assert first["submitted_at"] is None and first["created_at"] == first["updated_at"]
    reviews.save_review(ALICE, work, {"design": 21})
    second = stored(work)
    assert second["created_at"] == first["created_at"] and second["updated_at"] > first["updated_at"]
    assert second["submitted_at"] is None


def test_submit_review_submits_the_draft_as_it_stands(work):
    reviews.save_review(ALICE, work, FULL, comment="好")
    r = reviews.submit_review(ALICE, work)
    assert (r["status"], r["total"], r["scores"], r["comment"]) == ("submitted", 78, FULL, "好")
    assert refused(PermissionDenied, lambda: reviews.save_review(ALICE, work, {"design": 25})) == (
        "该评审已提交并锁定；如需修改，请联系管理员退回。")


def test_the_counted_totals_follow_submission_and_reopening(work):
    def counted():
        return db.cursor().execute("SELECT totals FROM work_agg WHERE work_id = ?", [work]).fetchone()[0]
    reviews.save_review(ALICE, work, FULL)
    assert counted() == []                       # a draft is not counted
    reviews.submit_review(ALICE, work)
    assert counted() == [78.0]
    reviews.reopen_review(ADMIN, work, "alice", "复核")
    assert counted() == []


# --- history ------------------------------------------------------------------------------------------

def test_the_history_names_actor_and_reviewer_and_formats_numbers(work):
    reviews.save_review(ALICE, work, {"design": 20.5}, comment="初评")
    reviews.save_review(ALICE, work, {"design": 20.5}, comment="初评")         # no change: no rows
    reviews.save_review(ALICE, work, {"design": 21}, internal_note="备注")
    reviews.save_review(ALICE, work, comment="终评", internal_note="改过")
    assert history(work) == [
        ("alice", "alice", "design", None, "20.5", None), ("alice", "alice", "comment", None, "初评", None),
        ("alice", "alice", "status", None, "draft", None),
        ("alice", "alice", "design", "20.5", "21", None), ("alice", "alice", "internal_note", None, "备注", None),
        ("alice", "alice", "comment", "初评", "终评", None), ("alice", "alice", "internal_note", "备注", "改过", None)]


# --- 退回 (reopen) ----------------------------------------------------------------------------------

def test_reopening_unlocks_records_the_trimmed_reason_and_audits_it(work):
    reviews.save_review(ALICE, work, FULL, submit=True)
    reviews.reopen_review(ADMIN, work, "alice", "  分差过大，请复核 ")
    row = stored(work)
    assert (row["status"], row["submitted_at"]) == ("draft", None)
    assert history(work)[-1] == ("admin", "alice", "status", "submitted", "draft", "分差过大，请复核")
    [entry] = audit.search(ADMIN, action="review.reopen")
    assert (entry["actor"], entry["target"], entry["work_id"], entry["before"], entry["after"]) == (
        "admin", f"review:{work}:alice", work, '{"status": "submitted"}',
        '{"reason": "分差过大，请复核", "status": "draft"}')
    assert reviews.save_review(ALICE, work, {"design": 25})["total"] == 83


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reopening_needs_a_reason(work, reason):
    reviews.save_review(ALICE, work, FULL, submit=True)
    assert refused(ValidationError, lambda: reviews.reopen_review(ADMIN, work, "alice", reason)) == (
        "退回评审必须填写原因")
    assert stored(work)["status"] == "submitted"


def test_reopening_a_draft_or_a_missing_review_is_refused(work):
    assert refused(NotFound, lambda: reviews.reopen_review(ADMIN, work, "alice", "复核")) == (
        f"评委 alice 尚未评审作品 {work}")
    reviews.save_review(ALICE, work, {"design": 20})
    assert refused(ValidationError, lambda: reviews.reopen_review(ADMIN, work, "alice", "复核")) == (
        "该评审尚未提交，无需退回")
    assert refused(PermissionDenied, lambda: reviews.reopen_review(ALICE, work, "alice", "复核")) == (
        "只有管理员可以执行此操作。")


# --- who may write ---------------------------------------------------------------------------------------

def test_a_deactivated_reviewer_cannot_write(work):
    reviewers.set_active(ADMIN, "alice", False)
    assert refused(PermissionDenied, lambda: reviews.save_review(ALICE, work, {"design": 20})) == (
        "您的评委账号未启用。")


def test_a_reviewer_in_conflict_is_told_to_recuse(work):
    reviewers.upsert_reviewers(ADMIN, [dict(username="alice", name="爱丽丝", school="示例小学",
                                            projects="fusion_case", stages="小学", cap=5)])
    assert refused(PermissionDenied, lambda: reviews.save_review(ALICE, work, {"design": 20})) == (
        "该作品需回避，您不能评审。")


@pytest.mark.parametrize("work_id", [2 ** 31, -2 ** 31 - 1, 999], ids=["above-int32", "below-int32", "unknown"])
def test_a_work_id_that_does_not_exist_reads_as_not_assigned(work, work_id):
    assert refused(PermissionDenied, lambda: reviews.save_review(ALICE, work_id, {"design": 20})) == (
        "您未被分配评审该作品。")


def test_only_reviewers_write(work):
    assert refused(PermissionDenied, lambda: reviews.save_review(ADMIN, work, {"design": 20})) == (
        "只有评委可以执行此操作。")


def test_the_services_write_to_the_database_they_are_given(work, dbfile, tmp_path):
    db.configure(tmp_path / "other.duckdb")          # the default file now knows no work
    try:
        reviews.save_review(ALICE, work, FULL, db=dbfile)
        assert reviews.submit_review(ALICE, work, db=dbfile)["status"] == "submitted"
        reviews.reopen_review(ADMIN, work, "alice", "复核", db=dbfile)
    finally:
        db.close(tmp_path / "other.duckdb")
        db.configure(dbfile)
    assert stored(work)["status"] == "draft"


def test_a_reviewer_moved_to_the_district_of_a_regional_case_is_told_to_recuse(dbfile):
    def judge(district):
        return dict(username="alice", name="爱丽丝", school="乙校", district=district, projects="training_case",
                    stages="小学", cap=5)
    reviewers.upsert_reviewers(ADMIN, [judge("城西区")])
    wid = works.add_work(ADMIN, project="training_case", subtype="regional", stage="小学", title="区域研修",
                         school="甲校", district="城东区", authors=["李四"])
    assignment.assign(ADMIN, wid, "alice")
    reviewers.upsert_reviewers(ADMIN, [judge("城东区")])
    assert refused(PermissionDenied, lambda: reviews.save_review(ALICE, wid, {})) == "该作品需回避，您不能评审。"


def test_a_work_id_given_as_text_is_looked_up_on_its_own(work):
    # Ids the batched lookup cannot take (here text, as from a query string) are read one by one.
    assert refused(PermissionDenied, lambda: reviews.save_review(ALICE, "999", {"design": 20})) == (
        "您未被分配评审该作品。")
    reviews.save_review(ALICE, str(work), {"design": 20})
    assert stored(work)["scores"] == '{"design": 20.0}'


def test_saves_queued_in_one_batch_see_each_other(work):
    """The writer commits queued saves together; each save must see the ones before it in the batch
    (scores to merge, veto, comments, the lock) exactly as if they had been committed one by one."""
    entered, gate = threading.Event(), threading.Event()
    hold = threading.Thread(target=db.write, args=(lambda cur: (entered.set(), gate.wait(30)),))
    hold.start()
    assert entered.wait(30)                          # the writer is busy: what follows queues up
    queue = db._writers[db.resolve()].q              # (private) to queue the units in a known order
    results = {}

    def run(name, call):
        try:
            results[name] = call()
        except Exception as exc:                     # kept for the assertion
            results[name] = exc

    units = [
        ("draft", lambda: reviews.save_review(ALICE, work, {"design": 20}, comment="初评", internal_note="备注",
                                              veto=True, veto_reason="科学性错误")),
        ("submit", lambda: reviews.save_review(ALICE, work, {k: v for k, v in FULL.items() if k != "design"},
                                               submit=True)),
        ("late", lambda: reviews.save_review(ALICE, work, {"design": 1})),
        ("reopen", lambda: reviews.reopen_review(ADMIN, work, "alice", "复核")),
    ]
    threads = []
    for i, (name, call) in enumerate(units):
        threads.append(threading.Thread(target=run, args=(name, call)))
        threads[-1].start()
        while queue.qsize() < i + 1:
            time.sleep(0.001)
    gate.set()
    for t in [hold, *threads]:
        t.join(30)
    assert results["submit"] == {"work_id": work, "reviewer": "alice", "scores": FULL, "total": 78, "veto": True,
                                 "veto_reason": "科学性错误", "comment": "初评", "internal_note": "备注",
                                 "status": "submitted"}
    assert isinstance(results["late"], PermissionDenied)
    assert str(results["late"]) == "该评审已提交并锁定；如需修改，请联系管理员退回。"
    assert results["reopen"] is None
    row = stored(work)
    assert (row["status"], row["total"], row["comment"]) == ("draft", 78, "初评")
    assert [h[2:5] for h in history(work) if h[2] == "status"] == [
        ("status", None, "draft"), ("status", "draft", "submitted"), ("status", "submitted", "draft")]
