"""The admin's pages as an admin uses them (AppTest, real packages on disk, real DuckDB): the import
summary counts its own batch, 初审 details speak Chinese, 一稿多投 waits for a decision with the
evidence side by side, reopening needs a reason, the audit page finds and exports what happened,
scores have two decimals."""
from __future__ import annotations


import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from accounts import AccountStore
from scoring import db
from scoring.permissions import ADMIN, Actor
from tests.conftest import REPO
from tests.scoring.test_import import LONG, package

ADMIN_ACTOR = Actor("admin", ADMIN)


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("RATING_DATA_DIR", str(tmp_path))
    db.configure(tmp_path / "scoring.duckdb")
    AccountStore(tmp_path).ensure_initialized()
    yield tmp_path
    db.close(tmp_path / "scoring.duckdb")
    db.configure(None)


def run(script: str, **state) -> AppTest:
    at = AppTest.from_file(str(REPO / script), default_timeout=120)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "admin"
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def import_through_the_page(folder) -> AppTest:
    at = run("pages/admin_import.py")
    at.text_input(key="imp_path").input(str(folder)).run()
    at.button(key="imp_go").click().run()
    assert not at.exception
    return at


def test_import_summary_counts_this_batch_and_shows_the_totals_apart(data):
    package(data / "b1", "小学示例县实验小学赵六", "垃圾分类我先行", "垃圾分类主题学习资源。" * 40)
    package(data / "b1", "小学南宁市民主路小学李明", "光的折射", LONG)
    import_through_the_page(data / "b1")
    package(data / "b2", "初中南宁市第二中学王芳", "光的反射", LONG + "另附课后反思一段。")
    at = import_through_the_page(data / "b2")
    assert [s.value for s in at.success] == [
        "本批共 1 个作品包：新增 1，未变 0，更新 0，已开评未更新 0；初审未通过 1；资格待核 1；资格审查排除 0。"]
    assert "数据库合计：作品 3 件，初审未通过 3 件，资格待核 2 件，已排除 0 件。" in [c.value for c in at.caption]


def test_precheck_details_put_the_chinese_title_first_and_drop_the_teacher_only_hint(data):
    package(data / "b", "小学南宁市民主路小学李明", "光的折射", LONG)
    at = import_through_the_page(data / "b")
    lines = [m.value for m in at.markdown if m.value.startswith("❌")]
    assert "❌ **必交材料**：缺少“教学活动录像”。 :small[:gray[package.required]]" in lines
    text = "\n".join(m.value for m in at.markdown)
    assert "提交前还需把一级文件夹压缩为同名 RAR 文件" not in text


def test_duplicate_pair_waits_for_the_admins_decision_with_the_evidence(data):
    from scoring.selectors import list_works
    package(data / "d", "小学南宁市民主路小学李明", "光的折射", LONG)
    package(data / "d", "初中南宁市第二中学王芳", "光的反射", LONG + "另附课后反思一段。")
    at = import_through_the_page(data / "d")
    assert "一稿多投待核定" in [h.value for h in at.subheader]
    a, b = sorted(w["id"] for w in list_works(ADMIN_ACTOR))
    exp = next(e for e in at.expander if e.label.startswith("#"))
    assert exp.label == f"#{a}“光的反射” 与 #{b}“光的折射”（待核定）"
    assert any(m.value.startswith("**证据**：文档文字相似度约 ") for m in at.markdown)
    assert not any(w["excluded"] for w in list_works(ADMIN_ACTOR))       # not excluded by itself
    assert at.button(key=f"dup_{a}_{b}_go").disabled                    # a choice is needed first
    at.radio(key=f"dup_{a}_{b}_c").set_value("b").run()
    at.text_input(key=f"dup_{a}_{b}_n").input("后投的一件排除").run()
    at.button(key=f"dup_{a}_{b}_go").click().run()
    assert not at.exception
    assert {w["id"]: w["excluded"] for w in list_works(ADMIN_ACTOR)} == {a: False, b: True}
    assert next(e for e in at.expander if e.label.startswith("#")).label.endswith(f"（已核定：排除 #{b}）")


def test_reopen_needs_a_reason_and_the_audit_page_finds_and_exports_it(data):
    from scoring.assignment import assign
    from scoring.reviewers import upsert_reviewers
    from scoring.reviews import save_review
    from scoring.works import add_work
    upsert_reviewers(ADMIN_ACTOR, [{"username": "rev_x", "name": "某评委", "school": "育才小学",
                                    "projects": ["fusion_case"], "stages": ["小学"]}])
    wid = add_work(ADMIN_ACTOR, project="fusion_case", stage="小学", title="光的折射", school="实验小学")
    assign(ADMIN_ACTOR, wid, "rev_x")
    save_review(Actor("rev_x", "reviewer"), wid, {"design": 20.25, "integration": 20, "implementation": 20,
                                                 "innovation": 10, "norms": 8}, submit=True)
    at = run("pages/admin_progress.py")
    assert at.selectbox(key="reopen_pick").format_func((wid, "rev_x")) == f"#{wid} 光的折射 — 某评委（78.25 分）"
    assert at.button(key="reopen_go").disabled
    at.text_input(key="reopen_reason").input("请复核创新分").run()
    at.button(key="reopen_go").click().run()
    assert [s.value for s in at.success] == ["已退回，评委可以重新修改并提交。"]

    at = run("pages/admin_audit.py")
    at.text_input(key="audit_work").input(str(wid)).run()
    table = at.dataframe[0].value
    assert table["操作"].tolist() == ["退回评审", "分配评委", "手工登记作品"]
    assert table.iloc[0]["修改后"] == '{"reason": "请复核创新分", "status": "draft"}'
    at.selectbox(key="audit_group").set_value("review").run()
    assert at.dataframe[0].value["操作"].tolist() == ["退回评审"]
    at.button(key="audit_export_go").click().run()
    dl = at.get("download_button")[0]
    assert dl.proto.label == "下载 审计记录.xlsx"
    from scoring.audit import search
    assert search(ADMIN_ACTOR, action="export.audit")[0]["after"] == '{"rows": 1}'


def test_exported_public_list_has_two_decimals_like_the_ranking(data, tmp_path):
    from scoring.assignment import assign
    from scoring.export import export_workbook
    from scoring.reviewers import upsert_reviewers
    from scoring.reviews import save_review
    from scoring.works import add_work
    upsert_reviewers(ADMIN_ACTOR, [{"username": u, "name": u, "school": f"{u}校", "projects": ["fusion_case"],
                                    "stages": ["小学"]} for u in ("r1", "r2", "r3")])
    wid = add_work(ADMIN_ACTOR, project="fusion_case", stage="小学", title="光的折射", school="实验小学")
    for u, d in (("r1", 20.5), ("r2", 20), ("r3", 21)):
        assign(ADMIN_ACTOR, wid, u)
        save_review(Actor(u, "reviewer"), wid, {"design": d, "integration": 20, "implementation": 20,
                                                "innovation": 10, "norms": 7.25}, submit=True)
    # Mean of 77.75, 77.25, 78.25 = 77.75; trimmed mean needs 5 scores, so the mean counts.
    at = run("pages/admin_ranking.py")
    row = at.table[0].value.reset_index().iloc[0]
    assert row["得分"] == "77.75" and row["分差"] == "1.00"
    ws = openpyxl.load_workbook(export_workbook(ADMIN_ACTOR, tmp_path / "r.xlsx"))["公示名单"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(2, header.index("得分") + 1)
    assert cell.value == 77.75 and cell.number_format == "0.00"


def test_a_score_on_a_half_is_shown_and_exported_rounded_half_up(data, tmp_path):
    """Two totals 77.44 and 77.45: the score is 77.445, which people round to 77.45 (a double's
    formatting gives 77.44)."""
    from scoring.assignment import assign
    from scoring.export import export_workbook
    from scoring.reviewers import upsert_reviewers
    from scoring.reviews import save_review
    from scoring.works import add_work
    upsert_reviewers(ADMIN_ACTOR, [{"username": u, "name": u, "school": f"{u}校", "projects": ["fusion_case"],
                                    "stages": ["小学"]} for u in ("h1", "h2")])
    wid = add_work(ADMIN_ACTOR, project="fusion_case", stage="小学", title="半分", school="实验小学")
    for u, norms in (("h1", 7.44), ("h2", 7.45)):
        assign(ADMIN_ACTOR, wid, u)
        save_review(Actor(u, "reviewer"), wid, {"design": 20, "integration": 20, "implementation": 20,
                                                "innovation": 10, "norms": norms}, submit=True)
    at = run("pages/admin_ranking.py")
    row = at.table[0].value.reset_index().iloc[0]
    assert (row["得分"], row["平均分"]) == ("77.45", "77.45")
    ws = openpyxl.load_workbook(export_workbook(ADMIN_ACTOR, tmp_path / "r.xlsx"))["公示名单"]
    header = [c.value for c in ws[1]]
    assert ws.cell(2, header.index("得分") + 1).value == 77.45


def test_admin_overrules_precheck_with_a_reason_on_the_import_page(data):
    from scoring.audit import search
    from scoring.selectors import list_works
    package(data / "b", "小学南宁市民主路小学李明", "光的折射", LONG)
    at = import_through_the_page(data / "b")
    (w,) = list_works(ADMIN_ACTOR)
    assert w["precheck_status"] == "fail"
    at.selectbox(key=f"pre_{w['id']}").set_value("pass").run()
    at.button(key=f"pre_go_{w['id']}").click().run()
    assert [e.value for e in at.error] == ["改判初审必须填写原因"]           # refused without a reason
    at.text_input(key=f"pre_note_{w['id']}").input("录像与登记表已线下补交").run()
    at.button(key=f"pre_go_{w['id']}").click().run()
    assert list_works(ADMIN_ACTOR)[0]["precheck_status"] == "pass"
    row = search(ADMIN_ACTOR, action="precheck.override")[0]
    assert (row["before"], row["work_id"]) == ('{"precheck_status": "fail"}', w["id"])


def test_locked_account_is_listed_and_an_admin_unlocks_it(data):
    from scoring.audit import search
    from scoring.logins import LoginRefused, authenticate
    from scoring.settings import update_settings
    store = AccountStore(data)
    store.add_user(ADMIN_ACTOR, "rev_y", "某评委")
    update_settings(ADMIN_ACTOR, {"login_lock_after": 3, "login_delay_after": 5})
    for _ in range(3):
        assert authenticate("rev_y", "wrong", None, store.verify) is False
    with pytest.raises(LoginRefused):
        authenticate("rev_y", "wrong", None, store.verify)
    at = run("pages/admin_accounts.py")
    locked = next(d.value for d in at.dataframe if "锁定至" in d.value.columns)
    assert locked["对象"].tolist() == ["账号 rev_y"] and locked["连续失败次数"].tolist() == [3]
    at.button(key="unlock_go").click().run()
    assert "当前没有被锁定的账号或地址。" in [c.value for c in at.caption]
    assert search(ADMIN_ACTOR, action="login.unlock")[0]["target"] == "user:rev_y"


def test_no_table_on_the_judging_pages_shows_none(data):
    from scoring.assignment import assign, auto_assign
    from scoring.reviewers import upsert_reviewers
    from scoring.reviews import save_review
    from scoring.works import add_work
    upsert_reviewers(ADMIN_ACTOR, [{"username": "rev_x", "name": "某评委", "projects": ["fusion_case"],
                                    "stages": ["小学"]}])                 # no school, no district
    AccountStore(data).add_user(ADMIN_ACTOR, "rev_x", "某评委")
    wid = add_work(ADMIN_ACTOR, project="fusion_case", stage="小学", title="光的折射")
    add_work(ADMIN_ACTOR, project="fusion_case", stage="初中", title="无人评审的作品")
    assign(ADMIN_ACTOR, wid, "rev_x")
    save_review(Actor("rev_x", "reviewer"), wid, {"design": 20})          # a draft: no total counted yet
    auto_assign(ADMIN_ACTOR)
    pages = ["pages/admin_progress.py", "pages/admin_reviewers.py", "pages/admin_audit.py",
             "pages/admin_import.py", "pages/admin_ranking.py"]
    for page in pages:
        at = run(page)
        assert not at.exception, page
        frames = [d.value for d in at.dataframe] + [t.value for t in at.table]
        assert frames, page
        for f in frames:
            text = f.astype("string").fillna("<NA>").to_csv()
            assert not {"None", "nan", "<NA>", "NaN"} & set(text.replace("\n", ",").split(",")), (page, text)
    at = run("pages/review_tasks.py", username="rev_x")
    text = at.dataframe[0].value.astype("string").fillna("<NA>").to_csv()
    assert "None" not in text and "<NA>" not in text
