"""The Range file route (ui/review/media_route.py), driven as an ASGI app over a real work in a real
DuckDB and account store: partial content, opaque URLs, blind download names, and links that stop
working (HTTP 403) without the browser's cookie, after logout, unassignment, account or reviewer
disable, and once idle too long."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote

import pytest
from starlette.applications import Starlette

from accounts import AccountStore
from scoring import db, file_links
from scoring.permissions import ADMIN, REVIEWER, Actor
from ui.http_guard import BROWSER_COOKIE
from ui.review import media_route
from ui.review.media_route import LinkFor

FOLDER = "小学XX市第一实验小学张三"
VIDEO = "融合创新应用教学案例/光的折射/教学活动录像.mp4"
ADMIN_ACTOR, REV = Actor("admin", ADMIN), Actor("rev_a", REVIEWER)
BROWSER = "browser-secret-of-the-reviewer"


def asgi_get(app, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    """One GET through the ASGI app, without a network or an HTTP client library."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": unquote(path), "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    sent: list[dict] = []
    calls = []

    async def receive():
        calls.append(1)
        if len(calls) == 1:
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)            # the client stays connected; cancelled when done
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    # Own thread and loop: a Playwright test in the same worker may hold this thread's loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


def _cookie(secret: str = BROWSER) -> dict[str, str]:
    return {"Cookie": f"other=1; {BROWSER_COOKIE}={secret}"}


@pytest.fixture(scope="module")
def contest(tmp_path_factory, video_cache):
    from samplegen.packages import make_package
    from scoring.assignment import assign
    from scoring.importer import import_dump
    from scoring.reviewers import upsert_reviewers
    root = tmp_path_factory.mktemp("links")
    data = root / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RATING_DATA_DIR", str(data))
        AccountStore(data).ensure_initialized()
        db.configure(data / "scoring.duckdb")
        make_package(root / "pkgs", "fusion_case", school="XX市第一实验小学", teacher="张三", title="光的折射",
                     cache_dir=video_cache)
        wid = import_dump(ADMIN_ACTOR, root / "pkgs")["works"][0]
        upsert_reviewers(ADMIN_ACTOR, [{"username": "rev_a", "name": "甲", "school": "XX市育才中学",
                                        "district": "城西区", "projects": ["fusion_case"], "stages": ["小学"],
                                        "cap": 5}])
        yield {"data": data, "work": wid, "assign": lambda: assign(ADMIN_ACTOR, wid, "rev_a")}
    db.close(data / "scoring.duckdb")
    db.configure(None)


@pytest.fixture
def served(contest, monkeypatch):
    """A fresh assignment, an enabled account and a link minted by the reviewer's page."""
    from scoring.assignment import unassign
    from scoring.blind_copy import viewer_file
    from scoring.reviewers import set_active
    monkeypatch.setenv("RATING_DATA_DIR", str(contest["data"]))
    db.configure(contest["data"] / "scoring.duckdb")
    store = AccountStore(contest["data"])
    if store.get("rev_a") is None:
        store.add_user(ADMIN_ACTOR, "rev_a", "甲")
    store.set_disabled(ADMIN_ACTOR, "rev_a", False)
    set_active(ADMIN_ACTOR, "rev_a", True)
    try:
        unassign(ADMIN_ACTOR, contest["work"], "rev_a", discard_review=True)
    except Exception:
        pass
    contest["assign"]()
    file_links._links.clear()
    file_links._by_key.clear()
    got = viewer_file(REV, contest["work"], VIDEO)
    from starlette.applications import Starlette
    return Starlette(routes=media_route.routes()), got, LinkFor(REV, contest["work"], VIDEO)


def test_range_request_gets_exactly_those_bytes(served):
    app, got, link = served
    url = media_route.file_url(link, got["path"], "video/mp4", secret=BROWSER)
    status, headers, body = asgi_get(app, url, {"Range": "bytes=1000-1999", **_cookie()})
    data = open(got["path"], "rb").read()
    assert status == 206
    assert body == data[1000:2000]
    assert headers["content-range"] == f"bytes 1000-1999/{len(data)}"
    assert headers["content-type"] == "video/mp4"
    assert headers["content-disposition"] == "inline"


def test_url_and_headers_reveal_no_stored_name(served):
    app, got, link = served
    url = media_route.file_url(link, got["path"], "video/mp4", secret=BROWSER)
    assert FOLDER not in unquote(url) and "教学活动录像" not in unquote(url)
    _, headers, _ = asgi_get(app, url, {"Range": "bytes=0-9", **_cookie()})
    assert FOLDER not in unquote(str(headers))


def test_download_name_is_the_blind_one(served):
    app, got, link = served
    url = media_route.file_url(link, got["path"], "application/octet-stream", "教学活动录像.mp4", secret=BROWSER)
    status, headers, body = asgi_get(app, url, _cookie())
    assert status == 200 and body == open(got["path"], "rb").read()
    assert unquote(headers["content-disposition"]).endswith("filename*=UTF-8''教学活动录像.mp4")


def test_a_rerun_renews_the_same_link(served):
    _, got, link = served
    assert media_route.file_url(link, got["path"], "video/mp4", secret=BROWSER) == \
        media_route.file_url(link, got["path"], "video/mp4", secret=BROWSER)


def test_link_needs_the_cookie_of_the_browser_that_got_it(served):
    app, got, link = served
    url = media_route.file_url(link, got["path"], "video/mp4", secret=BROWSER)
    assert asgi_get(app, url)[0] == 403
    status, _, body = asgi_get(app, url, _cookie("another-browser"))
    assert status == 403 and body.decode() == "此链接只能在打开它的浏览器中使用。"
    assert asgi_get(app, url, _cookie())[0] == 200


def test_unknown_token_is_refused(served):
    app, _, _ = served
    assert asgi_get(app, "/api/files/" + "A" * 43, _cookie())[0] == 403


def test_link_stops_at_logout(served, contest):
    app, got, link = served
    url = media_route.file_url(link, got["path"], "video/mp4", secret=BROWSER)
    assert asgi_get(app, url, _cookie())[0] == 200
    AccountStore(contest["data"]).revoke_sessions("rev_a")        # what the logout button does
    status, _, body = asgi_get(app, url, _cookie())
    assert status == 403 and body.decode() == "您已退出登录，链接失效。"
    # Signed in again, the page gets a new link that works; the old one stays dead.
    renewed = media_route.file_url(link, got["path"], "video/mp4", secret=BROWSER)
    assert renewed != url and asgi_get(app, renewed, _cookie())[0] == 200
    assert asgi_get(app, url, _cookie())[0] == 403


def test_link_stops_when_unassigned(served, contest):
    from scoring.assignment import unassign
    app, got, link = served
    url = media_route.file_url(link, got["path"], "video/mp4", secret=BROWSER)
    assert asgi_get(app, url, _cookie())[0] == 200
    unassign(ADMIN_ACTOR, contest["work"], "rev_a", discard_review=True)
    status, _, body = asgi_get(app, url, _cookie())
    assert status == 403 and body.decode() == "您未被分配评审该作品。"


def test_link_stops_when_the_account_is_disabled(served, contest):
    app, got, link = served
    url = media_route.file_url(link, got["path"], "video/mp4", secret=BROWSER)
    AccountStore(contest["data"]).set_disabled(ADMIN_ACTOR, "rev_a", True)
    status, _, body = asgi_get(app, url, _cookie())
    assert status == 403 and body.decode() == "账号已停用，链接失效。"


def test_link_stops_when_the_reviewer_is_deactivated(served):
    from scoring.reviewers import set_active
    app, got, link = served
    url = media_route.file_url(link, got["path"], "video/mp4", secret=BROWSER)
    set_active(ADMIN_ACTOR, "rev_a", False)
    assert asgi_get(app, url, _cookie())[0] == 403


def test_idle_link_expires(served, monkeypatch):
    app, got, link = served
    url = media_route.file_url(link, got["path"], "video/mp4", secret=BROWSER)
    monkeypatch.setattr(file_links, "LINK_IDLE_S", -1)
    status, _, body = asgi_get(app, url, _cookie())
    assert status == 403 and body.decode() == "链接已过期，请刷新页面。"
