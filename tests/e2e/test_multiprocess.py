"""`./dev serve --workers 3`: three app processes behind Debian's nginx (deploy/nginx.conf).

The check API answers on both processes; a browser's cookie keeps its page, websocket and uploads
on one process; the judging pages live on worker 0 under /judge/ and only worker 0 opens the
DuckDB file, while the teachers' workers offer no login at all."""
from __future__ import annotations

import re
import subprocess
import urllib.request
from pathlib import Path

import pytest

from deploy.serve import NGINX, Cluster, free_port
from tests.e2e.test_browser_selfcheck import _choose_project, _open, _run_check

pytestmark = [pytest.mark.load,
              pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed (scripts/setup.sh)")]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, artifacts):
    from accounts import AccountStore
    root = tmp_path_factory.mktemp("cluster")
    data = root / "data"
    admin_pw = AccountStore(data).ensure_initialized()
    port = free_port()
    c = Cluster(3, str(port), root / "run", extra_env={"RATING_DATA_DIR": str(data)}, log_dir=artifacts)
    with c:
        yield {"url": f"http://127.0.0.1:{port}", "cluster": c, "admin_pw": admin_pw, "data": data}


def _upstream(url: str, cookie: str | None = None) -> str:
    req = urllib.request.Request(url, headers={"Cookie": f"rating_node={cookie}"} if cookie else {})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200
        return r.headers["X-Rating-Upstream"]


def _api_check(url: str, tmp_path: Path) -> tuple[int, str, str]:
    doc = tmp_path / "说明.txt"
    doc.write_text("说明", encoding="utf-8")
    out = subprocess.run(["curl", "-s", "-o", str(tmp_path / "out.json"), "-D", "-", "-w", "%{http_code}",
                          "-F", f"files=@{doc};filename=说明.txt", url + "/api/check"],
                         capture_output=True, text=True, timeout=120).stdout
    upstream = re.search(r"X-Rating-Upstream: (\S+)", out, re.I).group(1)
    return int(out[-3:]), upstream, (tmp_path / "out.json").read_text(encoding="utf-8")


def test_the_check_api_answers_on_every_process(cluster, tmp_path):
    seen = set()
    for _ in range(6):
        status, upstream, body = _api_check(cluster["url"], tmp_path)
        assert status == 200 and '"verdict": "pass"' in body
        seen.add(upstream)
    assert seen == {f"127.0.0.1:{p}" for p in cluster["cluster"].ports}


def test_a_browser_cookie_keeps_the_page_on_one_process(cluster):
    url = cluster["url"]
    teachers = {f"127.0.0.1:{p}" for p in cluster["cluster"].ports[1:]}
    chosen = set()
    for n in range(12):
        sticky = {_upstream(url + "/_stcore/health", f"browser{n}") for _ in range(3)}
        assert len(sticky) == 1 and sticky <= teachers            # the same process every time
        chosen |= sticky
    assert chosen == teachers                                      # and browsers spread over both
    assert _upstream(url + "/judge/_stcore/health") == f"127.0.0.1:{cluster['cluster'].ports[0]}"


def test_teachers_check_on_their_workers_and_judges_work_on_worker_0(cluster, page, tmp_path):
    import psutil
    from samplegen.media import make_video
    url = cluster["url"]
    _open(page, url + "/")
    sidebar = page.locator("[data-testid='stSidebar']")
    assert "评委、管理员请从 /judge/ 登录" in sidebar.inner_text()
    assert page.get_by_role("link", name="登录").count() == 0
    video = make_video(tmp_path / "教学活动录像.mp4", seconds=1, fps=30)
    _choose_project(page, "职业教育实践性教学案例")
    _run_check(page, "files", video, "教学活动录像.mp4")
    assert "不通过" in page.locator("[data-testid='stAlertContentError']").first.inner_text()

    page.goto(url + "/judge/login")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(cluster["admin_pw"])
    page.get_by_role("button", name="登录").click()
    page.get_by_text(re.compile("当前用户")).wait_for()
    page.get_by_role("link", name="进度", exact=True).click()           # switched over the websocket
    page.get_by_role("heading", name="按评委").wait_for()              # drawn after the database query
    assert page.url.startswith(url + "/judge/")
    db_file = str(cluster["data"] / "scoring.duckdb")
    judge, *teachers = (psutil.Process(pid) for pid in cluster["cluster"].pids())
    assert db_file in {f.path for f in judge.open_files()}
    for teacher in teachers:
        assert db_file not in {f.path for f in teacher.open_files()}
