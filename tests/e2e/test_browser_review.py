"""Judging in Debian's Chromium against `streamlit run app.py`: the admin imports two packages
and assigns; a reviewer (second browser context) opens a work blind, plays its video, scores and
submits; the admin's live ranking shows the new score without reloading. Screenshots go to
test-artifacts/."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import start_server, stop_server

REVIEWER_PW = {}


@pytest.fixture(scope="module")
def review_app(tmp_path_factory, artifacts, video_cache):
    """Own server and data dir: known accounts, two packages on the server's disk, one reviewer."""
    from accounts import AccountStore
    from samplegen.packages import make_package
    from scoring import db
    from scoring.permissions import ADMIN, Actor
    from scoring.reviewers import upsert_reviewers

    root = tmp_path_factory.mktemp("review-e2e")
    data, dump = root / "data", root / "ftp"
    make_package(dump / "城东区", "fusion_case", stage="小学", school="XX市第一实验小学", teacher="张三",
                 title="光的折射", cache_dir=video_cache)
    make_package(dump / "城西区", "fusion_case", stage="小学", school="XX市育才小学", teacher="李四",
                 title="分数的初步认识", cache_dir=video_cache)
    store = AccountStore(data)
    admin_pw = store.ensure_initialized()
    admin = Actor("admin", ADMIN)
    reviewer_pw = store.add_user(admin, "pingwei", "演示评委")
    path = data / "scoring.duckdb"
    upsert_reviewers(admin, [{"username": "pingwei", "name": "演示评委", "school": "XX市教师发展中心",
                              "district": "市直", "projects": ["fusion_case"], "stages": ["小学"], "cap": 10}],
                     db=path)
    db.close(path)                       # DuckDB: one process at a time; the server opens it next
    proc, url = start_server(data, artifacts / "e2e-review-server.log")
    yield {"url": url, "dump": dump, "admin_pw": admin_pw, "reviewer_pw": reviewer_pw}
    stop_server(proc)


def _login(page, url, username, password):
    page.goto(url + "/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_text(re.compile("当前用户")).wait_for()


def _nav(page, name, heading=None):
    page.get_by_role("link", name=name, exact=True).click()
    page.get_by_role("heading", name=heading or name).first.wait_for()


def test_import_assign_review_and_rank(browser, review_app, artifacts):
    url = review_app["url"]
    admin = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN").new_page()
    admin.set_default_timeout(60_000)
    _login(admin, url, "admin", review_app["admin_pw"])

    # Import the district dump from the server's disk, with the progress bar, then 初审 table.
    _nav(admin, "导入与初审")
    box = admin.get_by_label(re.compile("文件夹路径"))
    box.fill(str(review_app["dump"]))
    box.press("Enter")
    go = admin.get_by_role("button", name="开始导入并初审")
    expect(go).to_be_enabled(timeout=60_000)      # enabled once the rerun has read the path
    go.click()
    admin.get_by_text(re.compile(r"共 2 个作品包：新增 2")).wait_for()
    admin.screenshot(path=str(artifacts / "review-1-import.png"), full_page=True)

    _nav(admin, "评委与分配")
    admin.get_by_role("tab", name="自动分配").click()
    admin.get_by_role("button", name="开始自动分配").click()
    admin.get_by_text("本次新增 2 条分配。").wait_for()
    admin.screenshot(path=str(artifacts / "review-2-assign.png"), full_page=True)

    _nav(admin, "排名")
    admin.get_by_text("已排名作品", exact=True).wait_for()

    # The reviewer, in a second browser context (own cookies).
    rev = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN").new_page()
    rev.set_default_timeout(60_000)
    _login(rev, url, "pingwei", review_app["reviewer_pw"])
    _nav(rev, "我的评审任务")
    rev.get_by_text("已提交 0 / 2 件").wait_for()
    rev.get_by_role("button", name="打开评审").click()
    rev.get_by_role("heading", name="作品材料").wait_for()
    body = rev.locator("body").inner_text()
    for secret in ("张三", "李四", "XX市第一实验小学", "XX市育才小学", "登记表", "汇总表"):
        assert secret not in body, secret

    video = rev.locator("video").first
    video.wait_for()
    assert "/api/files/" in video.get_attribute("src")
    video.evaluate("v => { v.muted = true; return v.play(); }")
    rev.wait_for_function("() => { const v = document.querySelector('video');"
                          " return v && v.readyState >= 2 && v.currentTime > 0.2; }", timeout=30_000)
    assert video.evaluate("v => v.error") is None

    running = 0
    for name in ("教学设计", "技术融合", "实施与效果", "创新与示范", "规范"):
        points = {"创新与示范": 10, "规范": 5}.get(name, 20)
        running += points
        field = rev.get_by_label(f"{name} 得分")
        field.fill(str(points))
        field.press("Tab")
        # the rerun this entry caused has shown its live total
        rev.locator("[data-testid='stMetricValue']", has_text=f"{running} / 100").wait_for()
    assert running == 75
    rev.get_by_text("确认提交（提交后不能再修改）").click()
    submit = rev.get_by_role("button", name="提交评审")
    expect(submit).to_be_enabled(timeout=60_000)    # enabled by the rerun that saw the tick
    submit.click()
    rev.get_by_text(re.compile("评分已锁定")).wait_for()
    rev.screenshot(path=str(artifacts / "review-3-reviewer-submitted.png"), full_page=True)

    # The admin's ranking page refreshes itself (st.fragment run_every) and shows the new score.
    admin.locator("table", has_text="75.00").first.wait_for(timeout=45_000)
    row = admin.locator("tr", has_text="75.00").first.inner_text()
    assert "已排名" in row and "1/1" in row
    admin.screenshot(path=str(artifacts / "review-4-ranking.png"), full_page=True)
