"""The two routes of the browser-side video check under a real uvicorn server: the MediaInfo JSON PUT
(ui/selfcheck/mediainfo_route.py: stored as a record at the video's path, refused when forged in
shape, too big or for a dead token) and the assets (ui/selfcheck/assets_route.py: gzip, a year's
cache under a content-hash URL, the .wasm being the MediaInfoLib the server's pymediainfo uses)."""
from __future__ import annotations

import gzip
import http.client
import json
import re
import time
from urllib.parse import quote

import pytest

from checks.media import browser_record
from tests.checks.media.test_browser_record import mediainfo_json, needs_node
from tests.ui.route_server import serve_routes
from ui.selfcheck import assets_route, mediainfo_route, upload_route

MI = {"media": {"track": [{"@type": "General", "FileSize": "1000"}]}}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RATING_DATA_DIR", str(data))
        mp.setenv("RATING_UPLOAD_ROUTE", "0")
        with serve_routes([*upload_route.routes(), *mediainfo_route.routes(), *assets_route.routes()]) as address:
            yield address


def _request(server, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection(*server, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, dict(resp.getheaders()), data


def _put(server, token, relpath, body):
    status, _, data = _request(server, "PUT", f"{mediainfo_route.PREFIX}/{token}/{quote(relpath)}",
                               body if isinstance(body, bytes) else json.dumps(body).encode())
    return status, json.loads(data)


def test_the_json_is_stored_as_a_record_at_the_videos_path(server):
    token = upload_route.mint()
    env = {"size": 1000, "kind": "mov", "mediainfo": MI}
    assert _put(server, token, "小学A校张三/录像/课堂实录.mp4", env) == (201, {"path": "小学A校张三/录像/课堂实录.mp4",
                                                                          "bytes": len(json.dumps(env)),
                                                                          "verdict": None})
    record = upload_route.files_root(token) / "小学A校张三" / "录像" / "课堂实录.mp4"
    assert record.read_bytes() == browser_record.MAGIC + json.dumps(env, separators=(",", ":")).encode()
    assert _put(server, token, "../../逃逸.mp4", env)[1]["path"] == "逃逸.mp4"      # sanitised like uploads
    assert not list((upload_route.files_root(token).parent / "partial").iterdir())
    assert upload_route.status(token) == {"files": 2, "bytes": 2 * record.stat().st_size, "active": 0}
    assert browser_record.declared_size(record) == 1000


@pytest.mark.parametrize("body, status, message", [
    (b"\xff\xfe not utf-8", 400, "视频分析结果不是有效的 JSON。"),
    ({"size": 0, "kind": "mp4", "mediainfo": MI}, 400, "视频分析结果中的文件大小无效。"),
    ({"size": 10, "kind": "exe", "mediainfo": MI}, 400, "视频分析结果中的文件类型无效（不是视频）。"),
    ({"size": 10, "kind": "mp4", "mediainfo": "x"}, 400, "视频分析结果缺少 MediaInfo 数据。"),
    (b"{" + b" " * (256 * 1024) + b"}", 413, "视频分析结果过大。"),
])
def test_bad_bodies_are_refused_in_chinese(server, body, status, message):
    token = upload_route.mint()
    assert _put(server, token, "a.mp4", body) == (status, {"error": message})
    assert upload_route.status(token)["files"] == 0


def test_records_count_towards_the_tokens_caps(server, monkeypatch):
    monkeypatch.setattr(upload_route, "MAX_FILES", 2)
    token = upload_route.mint()
    env = {"size": 1000, "kind": "mp4", "mediainfo": MI}
    assert _put(server, token, "a.mp4", env)[0] == 201
    assert _put(server, token, "b.mp4", env)[0] == 201
    assert _put(server, token, "c.mp4", env) == (413, {"error": "一次最多上传 2 个文件，请分批检查。"})
    monkeypatch.setattr(upload_route, "MAX_FILES", 10)
    monkeypatch.setattr(upload_route, "MAX_TOKEN_BYTES", upload_route.status(token)["bytes"] + 50)
    status, body = _put(server, token, "c.mp4", env)
    assert status == 413 and "总大小不能超过" in body["error"]


def test_dead_tokens_are_refused(server):
    used = upload_route.mint()
    upload_route.discard(used)
    for token in ("nope", used, f"{int(time.time()):x}-{'A' * 32}"):
        status, body = _put(server, token, "a.mp4", {"size": 1000, "kind": "mp4", "mediainfo": MI})
        assert status == 403 and body["error"].startswith("上传链接无效或已过期")


def test_assets_are_gzipped_cached_for_a_year_and_versioned(server):
    base = assets_route.url_base()
    assert base and re.fullmatch(r"/api/browser-assets/[0-9a-f]{16}", base)
    wasm = assets_route.FILES["MediaInfoModule.wasm"][0].read_bytes()
    status, headers, body = _request(server, "GET", f"{base}/MediaInfoModule.wasm", headers={"Accept-Encoding": "gzip, br"})
    assert status == 200 and headers["content-type"] == "application/wasm"
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == wasm
    assert len(body) < 0.5 * len(wasm)
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    status, headers, body = _request(server, "GET", f"{base}/mediainfo_worker.js")      # no gzip asked
    assert status == 200 and "content-encoding" not in headers and b"importScripts" in body
    etag = headers["etag"]
    assert _request(server, "GET", f"{base}/browser_media.js", headers={"If-None-Match": etag})[0] == 304
    assert _request(server, "GET", "/api/browser-assets/0000000000000000/MediaInfoModule.wasm")[0] == 404
    assert _request(server, "GET", f"{base}/package.json")[0] == 404
    status, _, body = _request(server, "GET", f"{base}/LICENSE-mediainfo.js.txt")
    assert status == 200 and b"MediaArea.net SARL" in body and b"Redistribution and use" in body
    assert _request(server, "GET", f"{base}/..%2F..%2Fapp.py")[0] == 404


def test_the_wasm_is_the_mediainfolib_of_the_server():
    """Same library, same 64 KiB feeding: the browser's JSON can only match if the versions do."""
    from pymediainfo import MediaInfo
    wasm = assets_route.FILES["MediaInfoModule.wasm"][0].read_bytes()
    server_version = MediaInfo._get_library()[3]           # (major, minor) of the loaded libmediainfo
    assert f"MediaInfoLib - v{server_version[0]}.{server_version[1]:02d}".encode() in wasm


@needs_node
def test_the_answer_carries_the_videos_verdict_for_the_pages_project(server, tmp_path, monkeypatch):
    """The uploader row shows it before 开始检查: the engine judged the JSON for the chosen project."""
    from checkpool import CheckPool, pool as pool_mod
    from samplegen.media import make_video
    from ui.selfcheck.preview import remember_project
    test_pool = CheckPool(size=1, max_queue=1)
    monkeypatch.setattr(pool_mod, "_POOL", test_pool)
    try:
        fps30 = make_video(tmp_path / "教学活动录像.mp4", seconds=1, fps=30)
        fps25 = make_video(tmp_path / "ok.mp4", seconds=1, fps=25)
        token = upload_route.mint()
        env = {"size": fps30.stat().st_size, "kind": "mp4", "mediainfo": mediainfo_json(fps30)}
        assert _put(server, token, "教学活动录像.mp4", env)[1]["verdict"] is None     # no project chosen yet
        remember_project(token, "vocational_practice")
        status, body = _put(server, token, "教学活动录像.mp4", env)
        assert status == 201 and body["verdict"]["ok"] is False
        assert any("30" in line and "25" in line for line in body["verdict"]["lines"]), body
        other = upload_route.mint()
        remember_project(other, "vocational_practice")
        env = {"size": fps25.stat().st_size, "kind": "mp4", "mediainfo": mediainfo_json(fps25)}
        verdict = _put(server, other, "教学活动录像.mp4", env)[1]["verdict"]
        assert verdict["ok"] is False and len(verdict["lines"]) == 1          # 25 fps: only its length fails
        assert "1秒" in verdict["lines"][0] and "15分00秒" in verdict["lines"][0]
    finally:
        test_pool.shutdown()
