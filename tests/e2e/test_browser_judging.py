"""Judging as people do it, in Debian's Chromium against `streamlit run app.py`: a reviewer signs
in and lands on 我的评审任务 with an HttpOnly, SameSite=Strict cookie that survives a reload; a
score out of range is refused under the field; after submit 下一件作品 opens the next one; an
admin returns a review with a reason and the reviewer sees 已退回; guessing the admin password is
slowed down after five failures and every attempt is in the audit record. Screenshots go to
test-artifacts/."""
from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import start_server, stop_server


@pytest.fixture(scope="module")
def judging_app(tmp_path_factory, artifacts):
    from accounts import AccountStore
    from scoring import db
    from scoring.assignment import assign
    from scoring.permissions import ADMIN, Actor
    from scoring.reviewers import upsert_reviewers
    from scoring.works import add_work

    data = tmp_path_factory.mktemp("judging-e2e")
    store = AccountStore(data)
    admin_pw = store.ensure_initialized()
    admin = Actor("admin", ADMIN)
    path = data / "scoring.duckdb"
    rev_pw = store.add_user(admin, "pingwei", "演示评委")
    upsert_reviewers(admin, [{"username": "pingwei", "name": "演示评委", "school": "XX市教师发展中心",
                              "district": "市直", "projects": ["fusion_case"], "stages": ["小学"], "cap": 10}],
                     db=path)
    ids = [add_work(admin, project="fusion_case", stage="小学", title=t, school="XX市实验小学", authors=["张三"],
                    db=path) for t in ("光的折射", "分数的初步认识")]
    for wid in ids:
        assign(admin, wid, "pingwei", db=path)
    db.close(path)                       # DuckDB: one process at a time; the server opens it next
    proc, url = start_server(data, artifacts / "e2e-judging-server.log")
    yield {"url": url, "admin_pw": admin_pw, "rev_pw": rev_pw, "works": ids}
    stop_server(proc)


def _idle(page):
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(state="attached")


def _new_page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    return ctx, page


def _submit_login(page, url, username, password):
    page.goto(url + "/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def test_reviewer_and_admin_judging_day(browser, judging_app, artifacts):
    url, first = judging_app["url"], judging_app["works"][0]
    ctx, rev = _new_page(browser)
    _submit_login(rev, url, "pingwei", judging_app["rev_pw"])
    rev.get_by_role("heading", name="我的评审任务").wait_for()          # lands on the task list
    rev.get_by_text("已提交 0 / 2 件").wait_for()
    rev.screenshot(path=str(artifacts / "judging-1-reviewer-tasks.png"), full_page=True)

    cookie = next(c for c in ctx.cookies() if c["name"] == "rating_auth")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    assert "rating_auth" not in rev.evaluate("document.cookie")
    rev.reload()
    rev.get_by_text(re.compile("当前用户：演示评委")).wait_for()           # the HttpOnly cookie signs back in

    _idle(rev)
    rev.get_by_role("button", name="打开评审").click()
    rev.get_by_role("heading", name="光的折射").wait_for()
    field = rev.get_by_label("教学设计 得分")
    field.fill("26")
    field.press("Tab")
    rev.get_by_text("“教学设计”的分数必须在 0 到 25 之间，您输入的是 26。").wait_for()
    _idle(rev)
    assert rev.get_by_role("button", name="保存草稿").is_disabled()
    rev.screenshot(path=str(artifacts / "judging-2-out-of-range.png"), full_page=True)
    for name, pts in (("教学设计", 20), ("技术融合", 20), ("实施与效果", 20), ("创新与示范", 10), ("规范", 5)):
        f = rev.get_by_label(f"{name} 得分")
        f.fill(str(pts))
        f.press("Tab")
        _idle(rev)
    rev.get_by_text("75 / 100").wait_for()
    rev.get_by_text("确认提交（提交后不能再修改）").click()
    _idle(rev)
    rev.get_by_role("button", name="提交评审").click()
    rev.get_by_text(re.compile("评分已锁定")).wait_for()
    picker = rev.locator("[data-testid='stSelectbox']").first          # the selector, right after submit
    rev.wait_for_function("([el, want]) => (el.innerText + ' ' + Array.from(el.querySelectorAll('input'))"
                          ".map(i => i.value).join(' ')).includes(want)",
                          arg=[picker.element_handle(), f"#{first} 光的折射（已提交）"], timeout=30_000)
    rev.screenshot(path=str(artifacts / "judging-2b-submitted.png"), full_page=True)
    rev.get_by_role("button", name="下一件作品").click()
    rev.get_by_role("heading", name="分数的初步认识").wait_for()

    # The admin returns the review with a reason.
    actx, adm = _new_page(browser)
    _submit_login(adm, url, "admin", judging_app["admin_pw"])
    adm.get_by_role("heading", name="评审进度").wait_for()              # the admin's first page
    _idle(adm)
    adm.get_by_label(re.compile("退回原因")).fill("评语与分数不符，请复核")
    adm.get_by_label(re.compile("退回原因")).press("Enter")
    _idle(adm)
    adm.get_by_role("button", name="退回修改").click()
    adm.get_by_text("已退回，评委可以重新修改并提交。").wait_for()

    _idle(rev)
    rev.get_by_role("link", name="我的评审任务", exact=True).click()
    rev.get_by_text(f"已退回：#{first} 光的折射——原因：评语与分数不符，请复核。请修改后重新提交。").wait_for()
    rev.screenshot(path=str(artifacts / "judging-3-returned.png"), full_page=True)
    _idle(rev)
    rev.get_by_role("button", name="退出登录").click()
    rev.get_by_role("link", name="登录", exact=True).wait_for()
    rev.reload()                                                         # the old cookie no longer signs in
    rev.get_by_role("link", name="登录", exact=True).wait_for()
    _idle(rev)
    assert "当前用户" not in rev.locator("body").inner_text()

    # Someone guesses the admin password from another browser: after five failures each further
    # attempt must wait a growing delay (5 s, 10 s, 20 s, ...), so guessing soon meets the refusal.
    gctx, guess = _new_page(browser)
    answers = []
    while len(answers) < 12 and not (answers and answers[-1] == "wait"):
        _submit_login(guess, url, "admin", f"guess-{len(answers)}")
        wrong = guess.get_by_text("用户名或密码错误，或账号已停用。")
        wait = guess.get_by_text(re.compile(r"登录失败次数较多，请 \d+ 秒后再试。"))
        wrong.or_(wait).wait_for()
        answers.append("wait" if wait.count() else "wrong")
    assert answers[:5] == ["wrong"] * 5 and answers[-1] == "wait"
    assert "当前用户" not in guess.locator("body").inner_text()

    _idle(adm)
    adm.get_by_role("link", name="审计记录", exact=True).click()
    adm.get_by_role("heading", name="审计记录").wait_for()
    _idle(adm)
    adm.get_by_label("操作类别").click()
    adm.get_by_role("option", name="登录与会话").click()
    # 2 sign-ins, 1 sign-out, the failures and the refusal: every attempt is recorded.
    adm.get_by_text(f"共 {3 + len(answers)} 条（只追加，不可修改或删除；最新的在前）").wait_for()
    adm.screenshot(path=str(artifacts / "judging-4-audit.png"), full_page=True)
    for c in (ctx, actx, gctx):
        c.close()
