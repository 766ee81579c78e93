"""The Range file route (ui/review/media_route.py), driven as an ASGI app: partial content, opaque URLs,
tampered tokens refused, blind download names."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote

import pytest
from starlette.applications import Starlette

from accounts import AccountStore
from ui.review import media_route

FOLDER = "小学XX市第一实验小学张三"


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


@pytest.fixture
def served(tmp_path, monkeypatch):
    monkeypatch.setenv("RATING_DATA_DIR", str(tmp_path / "data"))
    AccountStore(tmp_path / "data").ensure_initialized()
    f = tmp_path / FOLDER / "教学活动录像.mp4"
    f.parent.mkdir()
    f.write_bytes(bytes(range(256)) * 4096)              # 1 MiB of known bytes
    return Starlette(routes=media_route.routes()), f


def test_range_request_gets_exactly_those_bytes(served):
    app, f = served
    url = media_route.file_url(f, "video/mp4")
    status, headers, body = asgi_get(app, url, {"Range": "bytes=1000-1999"})
    assert status == 206
    assert body == f.read_bytes()[1000:2000]
    assert headers["content-range"] == f"bytes 1000-1999/{f.stat().st_size}"
    assert headers["content-type"] == "video/mp4"
    assert headers["accept-ranges"] == "bytes"
    assert headers["content-disposition"] == "inline"


def test_url_and_headers_reveal_no_stored_name(served):
    app, f = served
    url = media_route.file_url(f, "video/mp4")
    assert FOLDER not in unquote(url) and "教学活动录像" not in unquote(url)
    _, headers, _ = asgi_get(app, url, {"Range": "bytes=0-9"})
    assert FOLDER not in unquote(str(headers))


def test_download_name_is_the_blind_one(served):
    app, f = served
    url = media_route.file_url(f, "application/octet-stream", download_name="教学活动录像.mp4")
    status, headers, body = asgi_get(app, url)
    assert status == 200 and len(body) == f.stat().st_size
    assert unquote(headers["content-disposition"]).endswith("filename*=UTF-8''教学活动录像.mp4")


def test_tampered_or_foreign_tokens_are_refused(served, tmp_path, monkeypatch):
    app, f = served
    url = media_route.file_url(f, "video/mp4")
    token = url.rsplit("/", 1)[1]
    bad = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
    assert asgi_get(app, f"/api/files/{bad}")[0] == 404
    # A token minted by another installation (other key) means nothing here.
    monkeypatch.setenv("RATING_DATA_DIR", str(tmp_path / "other"))
    AccountStore(tmp_path / "other").ensure_initialized()
    foreign = media_route.file_url(f, "video/mp4")
    monkeypatch.setenv("RATING_DATA_DIR", str(tmp_path / "data"))
    assert asgi_get(app, foreign)[0] == 404
    assert asgi_get(app, url)[0] == 200


def test_expired_token_is_refused(served, monkeypatch):
    app, f = served
    url = media_route.file_url(f, "video/mp4")
    monkeypatch.setattr(media_route, "TOKEN_TTL_S", -10)
    assert asgi_get(app, url)[0] == 404
