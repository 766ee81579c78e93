"""Against a running `streamlit run app.py`: no public metrics, a per-browser HttpOnly cookie, and a
reviewer's file link that works in that browser only, and stops at logout (HTTP statuses)."""
from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest

from tests.e2e.conftest import start_server, stop_server


def _status(url: str, headers: dict | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.fixture(scope="module")
def judged_app(tmp_path_factory, artifacts, video_cache):
    from accounts import AccountStore
    from samplegen.packages import make_package
    from scoring import db
    from scoring.assignment import assign
    from scoring.importer import import_dump
    from scoring.permissions import ADMIN, Actor
    from scoring.reviewers import upsert_reviewers

    root = tmp_path_factory.mktemp("http-sec")
    data = root / "data"
    store = AccountStore(data)
    store.ensure_initialized()
    admin = Actor("admin", ADMIN)
    password = store.add_user(admin, "pingwei", "演示评委")
    path = data / "scoring.duckdb"
    make_package(root / "ftp", "fusion_case", school="示例县职业教育中心", teacher="王伟", title="光的折射",
                 cache_dir=video_cache)
    wid = import_dump(admin, root / "ftp", db=path)["works"][0]
    upsert_reviewers(admin, [{"username": "pingwei", "name": "演示评委", "school": "XX市教师发展中心",
                              "district": "市直", "projects": ["fusion_case"], "stages": ["小学"], "cap": 5}], db=path)
    assign(admin, wid, "pingwei", db=path)
    db.close(path)
    proc, url = start_server(data, artifacts / "e2e-http-security.log")
    app = {"url": url, "password": password, "proc": proc, "data": data}
    yield app
    stop_server(app["proc"])


def test_metrics_are_not_public(judged_app):
    assert _status(judged_app["url"] + "/_stcore/health") == 200
    assert _status(judged_app["url"] + "/_stcore/metrics") == 404


def test_first_request_sets_an_httponly_browser_cookie(judged_app):
    with urllib.request.urlopen(judged_app["url"] + "/", timeout=30) as r:
        cookie = next(v for k, v in r.headers.items() if k.lower() == "set-cookie" and "rating_sid=" in v)
    assert re.search(r"rating_sid=[\w-]{40,};", cookie)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def _reviewer_link(browser, url: str, password: str):
    """Sign in as the reviewer, open the work; (page, URL of its video link)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    page.goto(url + "/login")
    page.get_by_label("用户名").fill("pingwei")
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_text(re.compile("当前用户")).wait_for()
    page.get_by_role("link", name="评审作品", exact=True).click()
    video = page.locator("video").first
    video.wait_for()
    src = video.get_attribute("src")
    assert "/api/files/" in src
    return page, (src if src.startswith("http") else url + src)


def test_file_link_works_only_in_that_browser_and_stops_at_logout(browser, judged_app, artifacts):
    page, link = _reviewer_link(browser, judged_app["url"], judged_app["password"])
    ctx = page.context

    assert page.request.get(link, headers={"Range": "bytes=0-99"}).status == 206   # this browser
    assert _status(link) == 403                                                    # no cookie
    assert _status(link, {"Cookie": "rating_sid=" + "x" * 43}) == 403              # another browser
    body = page.request.get(link).body()
    for secret in ("王伟", "示例县职业教育中心"):
        assert secret.encode() not in body

    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("link", name="登录", exact=True).wait_for()
    assert page.request.get(link, headers={"Range": "bytes=0-99"}).status == 403
    ctx.close()


def test_file_link_stops_at_a_server_restart(browser, judged_app, artifacts):
    page, link = _reviewer_link(browser, judged_app["url"], judged_app["password"])
    assert page.request.get(link, headers={"Range": "bytes=0-99"}).status == 206
    stop_server(judged_app["proc"])
    judged_app["proc"], judged_app["url"] = start_server(judged_app["data"], artifacts / "e2e-http-security-2.log")
    moved = judged_app["url"] + "/api/files/" + link.rsplit("/api/files/", 1)[1]
    cookie = next(c for c in page.context.cookies() if c["name"] == "rating_sid")
    assert _status(moved, {"Cookie": f"rating_sid={cookie['value']}", "Range": "bytes=0-99"}) == 403
    page.context.close()
