"""POST /api/check (ui/selfcheck/check_api.py) under a real uvicorn server and a real process pool:
the answer equals `python -m checks --json` run on the same files, and bad input, caps and a full
queue get their status codes with Chinese messages."""
from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.checkpool.holding import hold
from ui.selfcheck import check_api, upload_route

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn
    from starlette.applications import Starlette

    from checkpool import CheckPool, pool as pool_mod
    data = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RATING_DATA_DIR", str(data))
        mp.setenv("RATING_UPLOAD_ROUTE", "0")
        test_pool = CheckPool(size=1, max_queue=1)
        mp.setattr(pool_mod, "_POOL", test_pool)
        port = _free_port()
        srv = uvicorn.Server(uvicorn.Config(Starlette(routes=check_api.routes()), host="127.0.0.1",
                                            port=port, log_level="warning", lifespan="off"))
        thread = threading.Thread(target=srv.run, daemon=True)
        thread.start()
        while not srv.started:
            time.sleep(0.05)
        yield ("127.0.0.1", port), test_pool
        srv.should_exit = True
        thread.join(10)
        test_pool.shutdown()


def _multipart(files: list[tuple[str, bytes]], field: str = "files", extra: dict | None = None):
    boundary = "----b" + secrets.token_hex(8)
    out = bytearray()
    for k, v in (extra or {}).items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
    for name, data in files:
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def _post(server, query: str, body, ctype: str, chunked: bool = False):
    conn = http.client.HTTPConnection(*server[0], timeout=120)
    if chunked:
        pieces = [body[i:i + 65536] for i in range(0, len(body), 65536)]
        conn.request("POST", check_api.PATH + query, body=iter(pieces), headers={"Content-Type": ctype},
                     encode_chunked=True)
    else:
        conn.request("POST", check_api.PATH + query, body=body, headers={"Content-Type": ctype})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, json.loads(data), dict(resp.getheaders())


def _folder_parts(root: Path, top: Path) -> list[tuple[str, bytes]]:
    return [(p.relative_to(root).as_posix(), p.read_bytes()) for p in sorted(top.rglob("*")) if p.is_file()]


def _cli_json(cwd: Path, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    p = subprocess.run([sys.executable, "-m", "checks", *args, "--json"], cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode in (0, 1), p.stderr
    return json.loads(p.stdout)


def _jobs_left() -> list:
    d = check_api.jobs_dir()
    return list(d.iterdir()) if d.is_dir() else []


def test_a_good_package_folder_passes_with_the_cli_json(server, tmp_path):
    from samplegen.packages import make_package
    level1 = make_package(tmp_path / "pkg", "training_case", cache_dir=tmp_path / "cache")
    body, ctype = _multipart(_folder_parts(tmp_path / "pkg", level1))
    status, report, _ = _post(server, "", body, ctype)                 # project inferred from level 2
    assert status == 200, report
    assert report["verdict"] == "pass" and report["project"] == "training_case"
    assert report == _cli_json(tmp_path / "pkg", level1.name)
    assert _jobs_left() == []                                          # the job folder is gone


def test_a_30fps_video_fails_with_the_cli_json(server, tmp_path):
    from samplegen.media import make_video
    video = make_video(tmp_path / "教学活动录像.mp4", seconds=1, fps=30)
    body, ctype = _multipart([("教学活动录像.mp4", video.read_bytes())])
    status, report, _ = _post(server, "?project=vocational_practice", body, ctype, chunked=True)
    assert status == 200
    assert report["verdict"] == "fail" and "video.fps" in {f["rule"] for f in report["findings"]}
    assert report == _cli_json(tmp_path, "教学活动录像.mp4", "--project", "vocational_practice")


def test_hostile_names_stay_inside_the_job(server):
    body, ctype = _multipart([("../../evil.txt", b"hello"), ("C:\\Users\\t\\a.txt", b"x")])
    status, report, _ = _post(server, "", body, ctype)
    assert status == 200
    assert sorted(f["path"] for f in report["files"]) == ["a.txt", "evil.txt"]   # a Windows path keeps its name
    assert not (check_api.jobs_dir().parent / "evil.txt").exists()


def test_bad_input_gets_400_in_chinese(server):
    body, ctype = _multipart([("a.txt", b"x")])
    status, err, _ = _post(server, "?project=no_such", body, ctype)
    assert status == 400 and err["error"].startswith("未知的项目类型：no_such。可用：afterschool、")
    status, err, _ = _post(server, "?project=training_case&subtype=../x", body, ctype)
    assert status == 400 and err["error"].startswith("未知的案例类型")
    nothing, ctype2 = _multipart([], extra={"project": "training_case"})
    status, err, _ = _post(server, "", nothing, ctype2)
    assert status == 400 and err["error"].startswith("没有收到文件")
    other_field, ctype3 = _multipart([("a.txt", b"x")], field="file")
    assert _post(server, "", other_field, ctype3)[0] == 400
    status, err, _ = _post(server, "", b"x" * 10, "application/octet-stream")
    assert status == 400 and "multipart/form-data" in err["error"]
    status, err, _ = _post(server, "", body[: len(body) // 2], ctype)      # cut short
    assert status == 400 and err["error"].startswith("请求格式无效")
    assert _jobs_left() == []


def test_size_and_count_caps_give_413(server, monkeypatch):
    monkeypatch.setattr(upload_route, "MAX_TOKEN_BYTES", 4 * 1024 * 1024)
    big, ctype = _multipart([("a.bin", b"\0" * (6 * 1024 * 1024))])
    status, err, _ = _post(server, "", big, ctype)                          # by Content-Length
    assert status == 413 and err["error"] == "一次上传的文件总大小不能超过 4 MB，请分批检查。"
    two, ctype = _multipart([("a.bin", b"\0" * (3 * 1024 * 1024)), ("b.bin", b"\0" * (3 * 1024 * 1024))])
    status, err, _ = _post(server, "", two, ctype, chunked=True)           # found while streaming
    assert status == 413 and "总大小不能超过 4 MB" in err["error"]
    monkeypatch.setattr(upload_route, "max_file_bytes", lambda: 1024 * 1024)
    one, ctype = _multipart([("v.mp4", b"\0" * (2 * 1024 * 1024))])
    status, err, _ = _post(server, "", one, ctype, chunked=True)
    assert status == 413 and err["error"] == "单个文件不能超过 1 MB。"
    monkeypatch.setattr(upload_route, "MAX_FILES", 2)
    three, ctype = _multipart([("1.txt", b"1"), ("2.txt", b"2"), ("3.txt", b"3")])
    status, err, _ = _post(server, "", three, ctype)
    assert status == 413 and err["error"] == "一次最多上传 2 个文件，请分批检查。"
    assert _jobs_left() == []


def test_a_full_queue_answers_503_with_retry_after(server, tmp_path):
    _, pool = server                                    # one pool process, one place in the queue
    flag = tmp_path / "go"
    busy = pool.submit_call(hold, str(flag))
    body, ctype = _multipart([("说明.txt", "说明".encode())])
    waiting: list = []
    t = threading.Thread(target=lambda: waiting.append(_post(server, "", body, ctype)))
    t.start()
    deadline = time.monotonic() + 30
    while pool.load()["waiting"] < 1:                   # the first request now waits in the queue
        assert time.monotonic() < deadline and t.is_alive()
        time.sleep(0.02)
    status, err, headers = _post(server, "", body, ctype)
    assert status == 503 and err["error"] == "检查队列已满，服务器繁忙，请稍后再试。"
    assert int(headers["retry-after"]) >= 5
    flag.touch()
    t.join(60)
    assert busy.result(60) == "released"
    assert waiting[0][0] == 200 and waiting[0][1]["verdict"] == "pass"
    assert _post(server, "", body, ctype)[0] == 200     # room again
