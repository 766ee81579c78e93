"""The streaming self-check upload route (ui/selfcheck/upload_route.py) under a real uvicorn server:
sanitised paths, caps (413), unknown/expired tokens (403), partial files removed on error and on
client disconnect, and the sweep of left-over token folders."""
from __future__ import annotations

import http.client
import json
import socket
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.ui.route_server import serve_routes
from ui.selfcheck import upload_route


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One uvicorn server running just these routes, data dir in a temp folder."""
    data = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RATING_DATA_DIR", str(data))
        mp.setenv("RATING_UPLOAD_ROUTE", "0")        # restored after the module: AppTests stay unmounted
        with serve_routes(upload_route.routes()) as address:
            yield address


def _request(server, method: str, path: str, body=None, headers=None):
    conn = http.client.HTTPConnection(*server, timeout=30)
    conn.request(method, path, body=body, headers=headers or {}, encode_chunked=not isinstance(body, (bytes, type(None))))
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, (json.loads(data) if data else None)


def _put(server, token: str, relpath: str, body):
    return _request(server, "PUT", f"{upload_route.PREFIX}/{token}/{relpath}", body)


def _tree(token: str) -> dict[str, bytes]:
    root = upload_route.files_root(token)
    if root is None:
        return {}
    return {"/".join(p.relative_to(root).parts): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _partials(token: str) -> list[Path]:
    folder = upload_route.base_dir() / f"up-{token}" / "partial"
    return list(folder.iterdir()) if folder.is_dir() else []


def _signed(t: float) -> str:
    """A well-signed token minted at time t (the page could have minted it then)."""
    stem = f"{int(t):x}-{'B' * 24}"
    return f"{stem}-{upload_route._sign(stem)}"


def test_files_land_under_their_sanitised_relative_paths(server):
    token = upload_route.mint()
    level1 = quote("小学A校张三/教师研修案例/作品/说明.docx")
    assert _put(server, token, level1, b"x" * 10) == (201, {"path": "小学A校张三/教师研修案例/作品/说明.docx",
                                                           "bytes": 10})
    assert _put(server, token, "../../evil.txt", b"e")[1]["path"] == "evil.txt"
    assert _put(server, token, "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", b"p")[1]["path"] == "etc/passwd"
    assert _put(server, token, quote("C:\\Users\\t\\a.docx"), b"w")[1]["path"] == "Users/t/a.docx"
    assert _put(server, token, quote("a\x01b.txt"), b"c")[1]["path"] == "ab.txt"
    assert _put(server, token, "evil.txt", b"again")[0] == 201        # the same path again replaces it
    tree = _tree(token)
    assert tree == {"小学A校张三/教师研修案例/作品/说明.docx": b"x" * 10, "evil.txt": b"again",
                    "etc/passwd": b"p", "Users/t/a.docx": b"w", "ab.txt": b"c"}
    assert not (upload_route.base_dir().parent / "evil.txt").exists()
    assert _request(server, "GET", f"{upload_route.PREFIX}/{token}") == (200, {"files": 5, "bytes": 18,
                                                                             "active": 0})


def test_unknown_forged_expired_and_used_tokens_are_refused(server):
    forged = f"{int(time.time()):x}-{'A' * 24}-{'A' * 22}"      # well-formed, bad signature
    old = _signed(time.time() - upload_route.TOKEN_TTL_S - 10)  # minted long ago
    used = upload_route.mint()
    upload_route.discard(used)                                  # checked: the page deleted it
    for token in ("nope", forged, old, used):
        status, body = _put(server, token, "a.txt", b"x")
        assert status == 403 and body["error"].startswith("上传链接无效或已过期")
        assert _request(server, "GET", f"{upload_route.PREFIX}/{token}")[0] == 403
    assert not (upload_route.base_dir() / f"up-{forged}").exists()


@pytest.fixture
def cap_2mib():
    """Streamlit's real option, not a patched cap function: the route must read it in MiB."""
    from streamlit import config
    old = config.get_option("server.maxUploadSize")
    config.set_option("server.maxUploadSize", 2)
    yield
    config.set_option("server.maxUploadSize", old)


def test_file_cap_by_declared_length_and_while_streaming(server, cap_2mib):
    token = upload_route.mint()
    status, body = _put(server, token, "big.mp4", b"\0" * (2 * 1024 * 1024 + 1))
    assert status == 413 and body["error"] == "单个文件不能超过 2 MB。"
    # chunked: no Content-Length, so the cap trips mid-stream and the partial file must go
    status, body = _put(server, token, "big2.mp4", iter([b"\0" * 65536] * 40))
    assert status == 413 and body["error"] == "单个文件不能超过 2 MB。"
    assert _tree(token) == {} and _partials(token) == []
    assert _put(server, token, "ok.mp4", iter([b"\0" * 65536] * 8))[0] == 201   # 512 KiB still fits


def test_total_and_file_count_caps_per_token(server, monkeypatch):
    monkeypatch.setattr(upload_route, "MAX_TOKEN_BYTES", 1000)
    monkeypatch.setattr(upload_route, "MAX_FILES", 3)
    token = upload_route.mint()
    assert _put(server, token, "a.bin", b"a" * 600)[0] == 201
    status, body = _put(server, token, "b.bin", b"b" * 600)
    assert status == 413 and "总大小不能超过" in body["error"]
    status, body = _put(server, token, "c.bin", iter([b"c" * 300, b"c" * 300]))     # found while streaming
    assert status == 413 and "总大小不能超过" in body["error"] and _partials(token) == []
    assert _put(server, token, "b.bin", b"b" * 100)[0] == 201
    assert _put(server, token, "c.bin", b"c" * 100)[0] == 201
    status, body = _put(server, token, "d.bin", b"d")
    assert status == 413 and body["error"] == "一次最多上传 3 个文件，请分批检查。"
    assert sorted(_tree(token)) == ["a.bin", "b.bin", "c.bin"]
    assert _request(server, "DELETE", f"{upload_route.PREFIX}/{token}") == (200, {"files": 0, "bytes": 0})
    assert _put(server, token, "d.bin", b"d" * 900)[0] == 201                   # room again after 清空


def test_client_disconnect_removes_the_partial_file(server):
    token = upload_route.mint()
    with socket.create_connection(server) as sock:
        sock.sendall(f"PUT {upload_route.PREFIX}/{token}/cut.mp4 HTTP/1.1\r\nHost: x\r\n"
                     f"Content-Length: {10 * 1024 * 1024}\r\n\r\n".encode() + b"\0" * (3 * 1024 * 1024))
        deadline = time.monotonic() + 20
        while not _partials(token) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(_partials(token)) == 1                        # in flight: counted as active
        assert upload_route.status(token)["active"] == 1
    deadline = time.monotonic() + 20
    while _partials(token) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _partials(token) == [] and _tree(token) == {}
    assert _put(server, token, "after.txt", b"ok")[0] == 201     # the token still works


def test_sweep_deletes_only_folders_past_their_lifetime(server):
    fresh = upload_route.mint()
    stale = _signed(time.time() - upload_route.SWEEP_AFTER_S - 60)
    (upload_route.base_dir() / f"up-{stale}" / "files").mkdir(parents=True)
    (upload_route.base_dir() / f"up-{stale}" / "files" / "left.mp4").write_bytes(b"x")
    assert upload_route.sweep() >= 1
    assert not (upload_route.base_dir() / f"up-{stale}").exists()
    assert upload_route.is_live(fresh)


def _raw_put(server, token: str, relpath: str, length: int, first: bytes) -> socket.socket:
    """A PUT whose body arrives in pieces: the headers and `first`, the rest when the test says."""
    sock = socket.create_connection(server)
    sock.sendall(f"PUT {upload_route.PREFIX}/{token}/{relpath} HTTP/1.1\r\nHost: x\r\n"
                 f"Content-Length: {length}\r\n\r\n".encode() + first)
    return sock


def _reply(sock: socket.socket) -> tuple[int, dict]:
    sock.settimeout(30)
    data = b""
    while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def _wait(cond, what: str):
    deadline = time.monotonic() + 20
    while not cond():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def test_a_token_folder_is_made_by_the_first_upload_not_by_minting(server):
    token = upload_route.mint()
    assert upload_route.is_live(token) and not (upload_route.base_dir() / f"up-{token}").exists()
    assert upload_route.files_root(token) is None
    assert _request(server, "GET", f"{upload_route.PREFIX}/{token}") == (200, {"files": 0, "bytes": 0, "active": 0})
    assert _put(server, token, "a.txt", b"a")[0] == 201
    assert (upload_route.base_dir() / f"up-{token}" / "files" / "a.txt").read_bytes() == b"a"


def test_clearing_while_an_upload_runs_keeps_its_bytes_counted(server, monkeypatch):
    monkeypatch.setattr(upload_route, "MAX_TOKEN_BYTES", 1000)
    token = upload_route.mint()
    assert _put(server, token, "done.bin", b"d" * 100)[0] == 201
    key = str(upload_route.base_dir() / f"up-{token}")
    sock = _raw_put(server, token, "slow.bin", 900, b"s" * 600)
    with sock:
        usage = upload_route.BUDGET.usage(key, lambda: (0, 0))
        _wait(lambda: usage.inflight_bytes == 600, "the server never read the first 600 bytes")
        assert _request(server, "DELETE", f"{upload_route.PREFIX}/{token}") == (200, {"files": 0, "bytes": 0})
        status, body = _put(server, token, "more.bin", b"m" * 500)      # 600 in flight + 500 > 1000
        assert status == 413 and "总大小不能超过" in body["error"]
        assert _put(server, token, "fits.bin", b"f" * 100)[0] == 201    # 900 declared + 100 fits
        sock.sendall(b"s" * 300)
        assert _reply(sock) == (201, {"path": "slow.bin", "bytes": 900})
    assert sorted(_tree(token)) == ["fits.bin", "slow.bin"]


def test_a_full_upload_area_answers_busy(server, monkeypatch):
    token = upload_route.mint()
    room_mb = (upload_route.BUDGET.total + 1000) / 1024 / 1024
    monkeypatch.setenv("RATING_UPLOAD_AREA_MB", repr(room_mb))
    status, body = _put(server, token, "big.bin", b"b" * 2000)
    assert status == 503 and body["error"] == "服务器繁忙，请稍后再试。"
    status, body = _put(server, token, "big2.bin", iter([b"b" * 700, b"b" * 700]))   # found while streaming
    assert status == 503 and body["error"] == "服务器繁忙，请稍后再试。" and _partials(token) == []
    assert _put(server, token, "small.bin", b"s" * 500)[0] == 201
    monkeypatch.setenv("RATING_UPLOAD_RESERVE_MB", str(10 ** 9))        # the disk itself is nearly full
    assert _put(server, token, "tiny.bin", b"t")[0] == 503


def test_a_stalled_upload_is_cut_and_its_partial_file_removed(server, monkeypatch):
    monkeypatch.setenv("RATING_UPLOAD_STALL_S", "0.5")
    token = upload_route.mint()
    with _raw_put(server, token, "stuck.mp4", 1000, b"x" * 10) as sock:
        status, body = _reply(sock)                              # the client never sends the rest
    assert status == 408 and body["error"].startswith("上传长时间没有进展")
    _wait(lambda: _partials(token) == [], "the partial file was left behind")
    assert _tree(token) == {}


def test_the_checklist_counts_finished_files_and_follows_the_pages_project(server, tmp_path):
    """What the uploader frame draws under its list: GET <token>?checklist after each finished file
    and after each page run (the page tells the route its project; here: remember_project)."""
    import shutil

    from samplegen.packages import make_package
    from ui.selfcheck.preview import remember_project
    token = upload_route.mint()
    status, body = _request(server, "GET", f"{upload_route.PREFIX}/{token}?checklist=1")
    assert status == 200 and body["checklist"] == {"empty": "文件上传完成后，这里会按文件名逐项勾选报送内容清单。"}
    level1 = make_package(tmp_path / "pkg", "training_case", cache_dir=tmp_path / "cache")
    root = upload_route.files_root(token, create=True)
    shutil.copytree(level1, root / level1.name)            # what the route leaves after a folder upload
    (root.parent / "partial" / "0.part").write_bytes(b"in flight")   # not finished: not counted
    c = _request(server, "GET", f"{upload_route.PREFIX}/{token}?checklist=1")[1]["checklist"]
    assert c["head"].startswith("已收到 4 个文件") and "（按二级文件夹“教师研修案例”识别）" in c["caption"]
    assert [it["done"] for it in c["items"]] == [True] * 4
    remember_project(token, "fusion_case")                  # the teacher picks another project
    c = _request(server, "GET", f"{upload_route.PREFIX}/{token}?checklist=1")[1]["checklist"]
    assert c["caption"].startswith("项目类型：融合创新应用教学案例（已选择）")
    assert {"name": "教学活动录像", "done": False, "optional": False, "files": "尚未收到"} in c["items"]
    assert {"name": "案例介绍文档", "done": True, "optional": False, "files": "案例介绍.docx"} in c["items"]
    assert _request(server, "GET", f"{upload_route.PREFIX}/{_signed(time.time() - 10**6)}?checklist=1")[0] == 403


# --- the route table and each answer in full -----------------------------------------------------------

def test_the_routes_answer_their_own_method_and_mark_the_process_mounted(tmp_path, monkeypatch):
    """A server of its own, so this test builds the route table it exercises."""
    monkeypatch.setenv("RATING_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("RATING_UPLOAD_ROUTE", raising=False)
    assert not upload_route.is_mounted()
    with serve_routes(upload_route.routes()) as srv:
        assert upload_route.is_mounted()
        token = upload_route.mint()
        base = f"{upload_route.PREFIX}/{token}"
        assert _request(srv, "PUT", f"{base}/a.txt", b"abc") == (201, {"path": "a.txt", "bytes": 3})
        assert _request(srv, "GET", base) == (200, {"files": 1, "bytes": 3, "active": 0})
        assert _request(srv, "DELETE", base) == (200, {"files": 0, "bytes": 0})
        assert _request(srv, "GET", base) == (200, {"files": 0, "bytes": 0, "active": 0})
        assert _status(srv, "POST", base) == 405
        assert _status(srv, "GET", f"{base}/a.txt") == 405
        assert _status(srv, "PUT", base) == 405


def _status(server, method: str, path: str) -> int:
    conn = http.client.HTTPConnection(*server, timeout=30)
    conn.request(method, path, body=b"")
    status = conn.getresponse().status
    conn.close()
    return status


def test_a_put_without_a_file_name_gets_a_fallback_name(server):
    token = upload_route.mint()
    assert _put(server, token, "", b"x") == (201, {"path": "未命名文件", "bytes": 1})


def test_chunks_are_joined_in_order(server):
    token = upload_route.mint()
    pieces = [b"a" * 70_000, b"b" * 1_100_000, b"c" * 5]      # across the 1 MiB write buffer
    assert _put(server, token, "joined.bin", iter(pieces)) == (201, {"path": "joined.bin", "bytes": 1_170_005})
    assert _tree(token) == {"joined.bin": b"".join(pieces)}


def test_a_name_that_leaves_the_files_folder_through_a_link_is_refused(server, tmp_path):
    token = upload_route.mint()
    root = upload_route.files_root(token, create=True)
    (root / "link").symlink_to(tmp_path, target_is_directory=True)
    assert _put(server, token, "link/a.txt", b"x") == (400, {"error": "文件名无效，请修改文件名后重试。"})
    assert not (tmp_path / "a.txt").exists()


def test_a_file_where_a_folder_must_go_is_refused_with_its_reason(server):
    token = upload_route.mint()
    assert _put(server, token, quote("作品"), b"x")[0] == 201
    assert _put(server, token, quote("作品/a.docx"), b"y") == (
        400, {"error": "文件夹中有同名的文件和文件夹，无法保存，请修改名称后重试。"})
    assert _tree(token) == {"作品": b"x"} and _partials(token) == []


def test_a_replaced_file_frees_the_bytes_of_the_old_one(server, monkeypatch):
    monkeypatch.setattr(upload_route, "MAX_TOKEN_BYTES", 1000)
    token = upload_route.mint()
    assert _put(server, token, "a.bin", b"a" * 600)[0] == 201
    assert _put(server, token, "a.bin", b"A" * 300)[0] == 201          # the teacher chose a smaller file
    assert _put(server, token, "b.bin", b"b" * 600)[0] == 201          # 300 + 600 fits in 1000
    assert _tree(token) == {"a.bin": b"A" * 300, "b.bin": b"b" * 600}


def _headers_only(server, token: str, relpath: str, length: int) -> tuple[int, dict]:
    """Send only the headers of a PUT and read the answer: a refusal by declared size needs no body."""
    sock = socket.create_connection(server)
    sock.settimeout(10)
    with sock:
        sock.sendall(f"PUT {upload_route.PREFIX}/{token}/{relpath} HTTP/1.1\r\nHost: x\r\n"
                     f"Content-Length: {length}\r\n\r\n".encode())
        return _reply(sock)


def test_a_declared_size_over_the_file_cap_is_refused_before_any_byte(server, cap_2mib):
    token = upload_route.mint()
    assert _headers_only(server, token, "big.mp4", 2 * 1024 * 1024 + 1) == (413, {"error": "单个文件不能超过 2 MB。"})


def test_a_declared_size_over_the_work_total_is_refused_before_any_byte(server):
    from streamlit import config
    old = config.get_option("server.maxUploadSize")
    config.set_option("server.maxUploadSize", 2000)               # the per-file cap is not what trips
    try:
        token = upload_route.mint()
        assert _headers_only(server, token, "huge.mp4", 1200 * 1024 * 1024 + 1) == (
            413, {"error": "一次上传的文件总大小不能超过 1200 MB，请分批检查。"})
    finally:
        config.set_option("server.maxUploadSize", old)


def test_a_nearly_full_disk_refuses_before_any_byte(server, monkeypatch):
    monkeypatch.setenv("RATING_UPLOAD_RESERVE_MB", str(10 ** 9))
    token = upload_route.mint()
    assert _headers_only(server, token, "a.mp4", 10) == (503, {"error": "服务器繁忙，请稍后再试。"})


def test_the_checklist_answer_carries_the_counts_and_is_never_cached(server):
    token = upload_route.mint()
    assert _put(server, token, "a.docx", b"abcd")[0] == 201
    conn = http.client.HTTPConnection(*server, timeout=30)
    conn.request("GET", f"{upload_route.PREFIX}/{token}?checklist=1")
    resp = conn.getresponse()
    body = json.loads(resp.read())
    conn.close()
    assert (resp.status, resp.getheader("Cache-Control")) == (200, "no-store")
    assert (body["files"], body["bytes"], body["active"]) == (1, 4, 0)


def test_clearing_leaves_an_empty_files_folder_and_nothing_else(server):
    token = upload_route.mint()
    assert _put(server, token, "a/b.txt", b"x")[0] == 201
    assert _request(server, "DELETE", f"{upload_route.PREFIX}/{token}") == (200, {"files": 0, "bytes": 0})
    folder = upload_route.base_dir() / f"up-{token}"
    assert sorted(p.name for p in folder.iterdir()) == ["files", "partial"]
    assert list((folder / "files").iterdir()) == []
