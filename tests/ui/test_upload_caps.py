"""The per-file upload cap is Streamlit's own `server.maxUploadSize`, counted in MiB, and the
streaming route (ui/selfcheck/upload_route.py) enforces exactly that number: cap accepted, cap + 1
byte refused with the number of MiB in Chinese. Checked on the repository's config, on the route
in-process with the real option set, and on a real `streamlit run app.py` given the option on its
command line."""
from __future__ import annotations

import http.client
import json
import tomllib

import pytest
import yaml
from streamlit import config

from tests.conftest import REPO
from tests.e2e.conftest import start_server, stop_server
from tests.ui.route_server import serve_routes
from ui.selfcheck import upload_route

MIB = 1024 * 1024
REPO_CAP_MIB = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text("utf-8"))["server"]["maxUploadSize"]
VIDEO_MB = yaml.safe_load((REPO / "data/rules/contest.yaml").read_text("utf-8"))["video_spec"]["max_size_mb"]


@pytest.fixture
def cap_mib():
    """Set Streamlit's real option (no patching of the route), restored afterwards."""
    old = config.get_option("server.maxUploadSize")

    def set_cap(mib: int) -> None:
        config.set_option("server.maxUploadSize", mib)
    yield set_cap
    config.set_option("server.maxUploadSize", old)


def _put(host_port, path: str, body, headers=None) -> tuple[int, dict]:
    conn = http.client.HTTPConnection(*host_port, timeout=60)
    conn.request("PUT", path, body=body, headers=headers or {}, encode_chunked=not isinstance(body, bytes))
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, json.loads(data) if data else {}


def test_the_repository_cap_is_read_from_streamlit_in_mib(monkeypatch):
    monkeypatch.chdir(REPO)
    config.get_config_options(force_reparse=True)
    assert config.get_option("server.maxUploadSize") == REPO_CAP_MIB
    assert upload_route.max_file_bytes() == REPO_CAP_MIB * MIB
    # a lesson video at the limit as Windows shows it (500 MiB) must get through the uploader
    assert upload_route.max_file_bytes() >= VIDEO_MB * MIB


@pytest.mark.parametrize("mib", [1, 3, REPO_CAP_MIB])
def test_the_cap_follows_the_option(cap_mib, mib):
    cap_mib(mib)
    assert upload_route.max_file_bytes() == mib * 1_048_576


@pytest.fixture(scope="module")
def route_server(tmp_path_factory):
    """The route alone under uvicorn in this process, so the real option set here applies."""
    data = tmp_path_factory.mktemp("caps-data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RATING_DATA_DIR", str(data))
        mp.setenv("RATING_UPLOAD_ROUTE", "0")
        with serve_routes(upload_route.routes()) as address:
            yield address


@pytest.mark.parametrize("mib", [1, 2])
def test_route_accepts_the_cap_and_refuses_one_byte_more(route_server, cap_mib, mib):
    cap_mib(mib)
    token = upload_route.mint()
    url = f"{upload_route.PREFIX}/{token}"
    assert _put(route_server, f"{url}/at-cap.mp4", b"\0" * (mib * MIB)) == (201, {"path": "at-cap.mp4",
                                                                                 "bytes": mib * MIB})
    refused = (413, {"error": f"单个文件不能超过 {mib} MB。"})
    assert _put(route_server, f"{url}/over.mp4", b"\0" * (mib * MIB + 1)) == refused
    # without Content-Length the cap trips while streaming, on the same byte
    pieces = [b"\0" * 65536] * (mib * MIB // 65536) + [b"\0"]
    assert _put(route_server, f"{url}/over-chunked.mp4", iter(pieces)) == refused
    assert _put(route_server, f"{url}/at-cap-chunked.mp4", iter(pieces[:-1]))[0] == 201
    assert sorted(p.name for p in upload_route.files_root(token).iterdir()) == ["at-cap-chunked.mp4",
                                                                               "at-cap.mp4"]


def test_real_app_server_takes_the_cap_from_its_command_line(tmp_path, monkeypatch):
    """`streamlit run app.py --server.maxUploadSize 1`: the mounted route of the real app enforces 1 MiB."""
    data = tmp_path / "data"
    proc, url = start_server(data, tmp_path / "server.log", extra_args=["--server.maxUploadSize", "1"])
    try:
        monkeypatch.setenv("RATING_DATA_DIR", str(data))
        token = upload_route.mint()                      # the folder on disk is the registry
        host_port = tuple(url.removeprefix("http://").split(":"))
        host_port = (host_port[0], int(host_port[1]))
        base = f"{upload_route.PREFIX}/{token}"
        assert _put(host_port, f"{base}/a.mp4", b"\0" * MIB) == (201, {"path": "a.mp4", "bytes": MIB})
        assert _put(host_port, f"{base}/b.mp4", b"\0" * (MIB + 1)) == (413, {"error": "单个文件不能超过 1 MB。"})
    finally:
        stop_server(proc)
