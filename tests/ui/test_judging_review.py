"""The reviewer's pages as a reviewer uses them (AppTest on the real pages, real DuckDB, real
accounts): an out-of-range score is refused under its field and never saved, what is saved is what
the form shows, a returned review says 已退回 with the reason, 下一件作品 after submit, "—" for
missing values, and the login form lands a reviewer on 我的评审任务 and slows down guessing."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from accounts import AccountStore
from scoring import db
from scoring.permissions import ADMIN, REVIEWER, Actor
from tests.conftest import REPO

ADMIN_ACTOR = Actor("admin", ADMIN)
REV = Actor("rev_x", REVIEWER)
FULL = {"design": 20, "integration": 20, "implementation": 20, "innovation": 10, "norms": 8}


@pytest.fixture
def judging(tmp_path, monkeypatch):
    from scoring.assignment import assign
    from scoring.reviewers import upsert_reviewers
    from scoring.works import add_work
    monkeypatch.setenv("RATING_DATA_DIR", str(tmp_path))
    db.configure(tmp_path / "scoring.duckdb")
    store = AccountStore(tmp_path)
    admin_pw = store.ensure_initialized()
    rev_pw = store.add_user(ADMIN_ACTOR, "rev_x", "某评委")
    upsert_reviewers(ADMIN_ACTOR, [{"username": "rev_x", "name": "某评委", "school": "育才小学", "district": "城东区",
                                    "projects": ["fusion_case"], "stages": ["小学"], "cap": 10}])
    ids = [add_work(ADMIN_ACTOR, project="fusion_case", stage="小学", title=t, school="实验小学", authors=["张三"])
           for t in ("光的折射", "分数的初步认识")]
    for wid in ids:
        assign(ADMIN_ACTOR, wid, "rev_x")
    yield {"dir": tmp_path, "works": ids, "admin_pw": admin_pw, "rev_pw": rev_pw}
    db.close(tmp_path / "scoring.duckdb")
    db.configure(None)


def run(script: str, user: str | None = "rev_x", **state) -> AppTest:
    at = AppTest.from_file(str(REPO / script), default_timeout=60)
    if user:
        at.session_state["authentication_status"] = True
        at.session_state["username"] = user
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def picker(at: AppTest):
    return next(s for s in at.selectbox if s.label == "作品")


def review(wid):
    from scoring.selectors import get_review
    return get_review(REV, wid)


def test_out_of_range_score_is_refused_under_the_field_and_never_saved(judging):
    wid = judging["works"][0]
    at = run("pages/review_work.py", review_work_id=wid)
    at.number_input(key=f"score_{wid}_design").set_value(20).run()
    at.button(key=f"save_{wid}").click().run()
    assert review(wid)["scores"] == {"design": 20.0}

    at.number_input(key=f"score_{wid}_design").set_value(26).run()       # max is 25
    assert not at.exception
    errors = [e.value for e in at.error]
    assert "“教学设计”的分数必须在 0 到 25 之间，您输入的是 26。" in errors
    assert "有分数超出范围，请先改正：教学设计。改正前不能保存或提交。" in errors
    assert at.number_input(key=f"score_{wid}_design").value == 26       # the typed value stays visible
    assert at.button(key=f"save_{wid}").disabled
    at.checkbox(key=f"confirm_{wid}").check().run()
    assert at.button(key=f"submit_{wid}").disabled
    assert review(wid)["scores"] == {"design": 20.0}                     # nothing silently saved

    at.number_input(key=f"score_{wid}_design").set_value(24.5).run()
    assert not at.error and not at.button(key=f"save_{wid}").disabled
    at.button(key=f"save_{wid}").click().run()
    assert review(wid)["scores"] == {"design": 24.5}


def test_returned_review_shows_the_reason_until_resubmitted(judging):
    from scoring.reviews import reopen_review, save_review
    wid = judging["works"][0]
    save_review(REV, wid, FULL, submit=True)
    reopen_review(ADMIN_ACTOR, wid, "rev_x", "评语与分数不符，请复核")
    at = run("pages/review_tasks.py")
    assert [w.value for w in at.warning] == [f"已退回：#{wid} 光的折射——原因：评语与分数不符，请复核。请修改后重新提交。"]
    table = at.dataframe[0].value.set_index("编号")
    assert table.loc[wid, "状态"] == "已退回" and table.loc[wid, "退回原因"] == "评语与分数不符，请复核"

    at = run("pages/review_work.py", review_work_id=wid)
    assert at.warning[0].value == "已退回：管理员退回了您的评审，原因：评语与分数不符，请复核。请修改后重新提交。"
    assert picker(at).format_func(wid) == f"#{wid} 光的折射（已退回）"
    at.button(key=f"save_{wid}").click().run()                          # a draft save: still returned
    assert any(w.value.startswith("已退回") for w in at.warning)
    at.checkbox(key=f"confirm_{wid}").check().run()
    at.button(key=f"submit_{wid}").click().run()
    assert not any(w.value.startswith("已退回") for w in at.warning)
    assert review(wid)["status"] == "submitted" and review(wid)["returned_reason"] is None
    assert not run("pages/review_tasks.py").warning


def test_after_submit_the_selector_says_submitted_and_offers_the_next_work(judging):
    first, second = judging["works"]
    at = run("pages/review_work.py", review_work_id=first)
    for key, pts in FULL.items():
        at.number_input(key=f"score_{first}_{key}").set_value(pts)
    at.run()
    at.checkbox(key=f"confirm_{first}").check().run()
    at.button(key=f"submit_{first}").click().run()
    assert not at.exception
    assert picker(at).format_func(first) == f"#{first} 光的折射（已提交）"
    at.button(key=f"next_{first}").click().run()
    assert picker(at).value == second
    assert at.title[0].value == "分数的初步认识"


def test_task_table_shows_dashes_and_two_decimals_never_none(judging):
    from scoring.reviews import save_review
    first, second = judging["works"]
    save_review(REV, first, {**FULL, "norms": 7.5}, submit=True)
    at = run("pages/review_tasks.py")
    table = at.dataframe[0].value.set_index("编号")
    assert table.loc[first, "总分"] == "77.50" and table.loc[second, "总分"] == "—"
    assert table.loc[second, "一票否决"] == "—" and table.loc[second, "状态"] == "未开始"
    assert "None" not in table.to_csv() and "nan" not in table.to_csv()


def login(at: AppTest, username: str, password: str) -> AppTest:
    fields = {t.label: t for t in at.text_input}
    fields["用户名"].input(username)
    fields["密码"].input(password)
    next(b for b in at.button if b.label == "登录").click()
    return at.run()


def test_login_records_the_success_and_the_router_lands_a_reviewer_on_the_task_list(judging):
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    at.switch_page("pages/login.py").run()
    login(at, "rev_x", judging["rev_pw"])
    assert not at.exception and at.session_state["authentication_status"] is True
    from scoring import audit
    assert audit.search(ADMIN_ACTOR, action="login.success")[0]["actor"] == "rev_x"
    # The first run after sign-in opens the role's first page (the whole flow: tests/e2e).
    at = run("app.py", _auth_landing=True)
    assert [t.value for t in at.title] == ["我的评审任务"]
    assert [t.value for t in run("app.py").title] == ["作品自检"]       # only once


def test_login_form_slows_down_after_five_failures(judging):
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    at.switch_page("pages/login.py").run()
    for i in range(5):
        login(at, "admin", f"guess{i}")
        assert [e.value for e in at.error] == ["用户名或密码错误，或账号已停用。"]
    login(at, "admin", judging["admin_pw"])                # even the right password waits now
    # 5 s from the fifth failure; a slow machine may already have used a second or more of it.
    [msg] = [e.value for e in at.error]
    m = re.fullmatch(r"登录失败次数较多，请 (\d) 秒后再试。", msg)
    assert m and 1 <= int(m.group(1)) <= 5, msg
    assert at.session_state["authentication_status"] is not True


def test_idle_session_expires_and_says_so(judging):
    import time
    from scoring.settings import update_settings
    update_settings(ADMIN_ACTOR, {"session_idle_minutes": 1})
    at = run("app.py", _auth_active_at=time.time() - 61)
    assert not at.exception
    assert at.session_state["authentication_status"] is None
    assert "长时间未操作，登录已过期，请重新登录。" in [w.value for w in at.warning]
    from scoring import audit
    assert audit.search(ADMIN_ACTOR, action="login.expired")[0]["actor"] == "rev_x"
