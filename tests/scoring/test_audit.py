"""The audit record (who, when, what, before/after) for every change that matters, searchable and
exported to Excel; the import summary counts only its own batch; 一稿多投 waits for a person."""
from datetime import datetime, timedelta

import openpyxl
import pytest

from scoring import assignment, audit, duplicates, importer, reviewers, reviews, settings, works
from scoring.errors import PermissionDenied, ValidationError
from scoring.permissions import Actor
from scoring.selectors import list_works
from tests.scoring.test_import import LONG, package

ADMIN = Actor("admin", "admin")
ALICE = Actor("alice", "reviewer")
FULL = {"design": 20, "integration": 20, "implementation": 20, "innovation": 10, "norms": 8}


pytestmark = pytest.mark.usefixtures("store")      # a real DuckDB file per test (conftest.py)


def actions(**filters) -> list[str]:
    return [r["action"] for r in reversed(audit.search(ADMIN, **filters))]


def test_import_summary_counts_this_batch_and_the_totals_apart(tmp_path):
    first = tmp_path / "batch1"
    package(first, "小学示例县实验小学赵六", "垃圾分类我先行", "垃圾分类主题学习资源。" * 40)
    package(first, "小学南宁市民主路小学李明", "光的折射", LONG)
    s1 = importer.import_dump(ADMIN, first)
    assert (s1["packages"], s1["new"], s1["flagged"], s1["precheck_failed"]) == (2, 2, 0, 2)
    second = tmp_path / "batch2"
    package(second, "初中南宁市第二中学王芳", "光的反射", LONG + "另附课后反思一段。")
    s2 = importer.import_dump(ADMIN, second)
    # This batch: one new package, failing 初审, flagged as 一稿多投 with a work of batch 1.
    assert (s2["packages"], s2["new"], s2["unchanged"], s2["precheck_failed"], s2["flagged"], s2["excluded"]) \
        == (1, 1, 0, 1, 1, 0)
    assert s2["totals"] == {"works": 3, "precheck_failed": 3, "excluded": 0, "flagged": 2}
    row = audit.search(ADMIN, action="import")[0]
    assert row["actor"] == "admin" and '"new": 1' in row["after"] and row["target"] == "batch2"


def test_duplicate_pair_is_decided_by_an_admin_with_the_evidence(tmp_path):
    package(tmp_path / "d", "小学南宁市民主路小学李明", "光的折射", LONG)
    package(tmp_path / "d", "初中南宁市第二中学王芳", "光的反射", LONG + "另附课后反思一段。")
    importer.import_dump(ADMIN, tmp_path / "d")
    (cand,) = duplicates.candidates(ADMIN)
    a, b = cand["pair"]
    assert cand["decision"] is None and cand["similarity"] >= 0.85
    assert sorted(w["title"] for w in cand["works"]) == ["光的反射", "光的折射"]
    assert not any(w["excluded"] for w in list_works(ADMIN))          # nothing excluded by itself
    with pytest.raises(PermissionDenied):
        duplicates.decide(ALICE, a, b, [b])
    with pytest.raises(ValidationError, match="只能排除这一对作品中的作品"):
        duplicates.decide(ADMIN, a, b, [999])
    duplicates.decide(ADMIN, a, b, [b], "王芳的作品为后投")
    ex = {w["id"]: w["excluded"] for w in list_works(ADMIN)}
    assert ex == {a: False, b: True}
    importer.import_dump(ADMIN, tmp_path / "d")                        # the decision survives a re-import
    assert {w["id"]: w["excluded"] for w in list_works(ADMIN)} == {a: False, b: True}
    assert duplicates.candidates(ADMIN)[0]["decision"]["exclude"] == [b]
    duplicates.decide(ADMIN, a, b, [], "核实为同校两位老师合作的不同课例")   # keep both: b is restored
    assert not any(w["excluded"] for w in list_works(ADMIN))
    assert actions(work_id=b) == ["work.exclude", "work.restore"]
    assert actions(action="duplicate") == ["duplicate.decide", "duplicate.decide"]


def test_every_admin_change_is_in_the_audit_record_with_before_and_after():
    reviewers.upsert_reviewers(ADMIN, [dict(username="alice", name="爱丽丝", school="二中",
                                            projects="fusion_case", stages="小学", cap=5)])
    wid = works.add_work(ADMIN, project="fusion_case", stage="小学", title="光的折射", school="示例小学")
    assignment.assign(ADMIN, wid, "alice")
    reviews.save_review(ALICE, wid, FULL, submit=True)
    with pytest.raises(ValidationError, match="退回评审必须填写原因"):
        reviews.reopen_review(ADMIN, wid, "alice", "  ")
    reviews.reopen_review(ADMIN, wid, "alice", "分差过大，请复核")
    works.set_precheck(ADMIN, wid, "fail", "录像为翻拍")
    works.set_excluded(ADMIN, wid, True, "已获省奖")
    settings.update_settings(ADMIN, {"reviewers_per_work": 5})
    reviewers.set_active(ADMIN, "alice", False)
    assignment.unassign(ADMIN, wid, "alice", discard_review=True)

    assert actions(work_id=wid) == ["work.add", "assign", "review.reopen", "precheck.override",
                                    "work.exclude", "unassign"]
    rows = {r["action"]: r for r in audit.search(ADMIN)}
    assert rows["review.reopen"]["after"] == '{"reason": "分差过大，请复核", "status": "draft"}'
    assert rows["precheck.override"]["before"] == '{"precheck_status": "pass"}'
    assert rows["settings.update"]["before"] == '{"reviewers_per_work": 3}'
    assert rows["settings.update"]["after"] == '{"reviewers_per_work": 5}'
    assert rows["reviewer.active"]["after"] == '{"active": false}'
    assert '"review_discarded": true' in rows["unassign"]["after"]
    assert all(r["actor"] == "admin" for r in rows.values())
    with pytest.raises(PermissionDenied):
        audit.search(ALICE)


def test_audit_search_by_who_what_text_and_time_and_export(tmp_path):
    audit.log("zhang", "login.failure", "account:zhang", address="10.0.0.7")
    audit.log(ADMIN, "account.reset_password", "account:zhang")
    audit.log(ADMIN, "account.disable", "account:li", {"disabled": False}, {"disabled": True})
    assert actions(who="zhang") == ["login.failure"]
    assert actions(action="account") == ["account.reset_password", "account.disable"]
    assert actions(text="account:li") == ["account.disable"]
    now = datetime.now()
    assert len(audit.search(ADMIN, since=now - timedelta(minutes=5), until=now + timedelta(minutes=5))) == 3
    assert audit.search(ADMIN, since=now + timedelta(minutes=5)) == []
    out = audit.export_xlsx(ADMIN, audit.search(ADMIN, action="account"), tmp_path / "审计.xlsx")
    ws = openpyxl.load_workbook(out)["审计记录"]
    assert [c.value for c in ws[1]][:5] == ["序号", "时间", "操作人", "操作", "对象"]
    assert [ws.cell(r, 4).value for r in (2, 3)] == ["停用账号", "重置密码"]
    assert actions(action="export") == ["export.audit"]                  # the export itself is recorded
