"""The database cannot be opened: the command line and the pages say why, in Chinese.

- `python -m scoring` while another process (the app) holds the DuckDB file: no traceback, a
  message that the app is using it and what to do, exit status 2.
- A read-only data folder: the command line, the self-check page and the judging pages name the
  folder and say it is read-only, instead of "This app has encountered an error" or "被其他程序占用".
  Root ignores permission bits, so under root the read-only runs drop to user `nobody` (setpriv).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import REPO


def _as_other_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: a read-only folder cannot be made")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture
def read_only_data():
    """A data dir with accounts and a database, then made read-only (world-readable for nobody)."""
    from accounts import AccountStore
    from scoring import db
    from scoring.permissions import ADMIN, Actor
    from scoring.works import add_work
    root = Path(tempfile.mkdtemp(prefix="ro-data-"))
    data = root / "data"
    AccountStore(data).ensure_initialized()
    add_work(Actor("admin", ADMIN), project="fusion_case", stage="小学", title="光的折射", db=data / "scoring.duckdb")
    db.close(data / "scoring.duckdb")
    for p in [root, *root.rglob("*")]:
        p.chmod(0o555 if p.is_dir() else 0o444)
    yield data
    for p in [root, *root.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    shutil.rmtree(root, ignore_errors=True)


def test_cli_while_the_app_holds_the_database(tmp_path):
    path = tmp_path / "contest.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]);"
                               " print('held', flush=True); time.sleep(120)", str(path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        p = subprocess.run([sys.executable, "-m", "scoring", "--db", str(path), "rank"], cwd=REPO,
                           capture_output=True, text=True, timeout=120)
    finally:
        holder.kill()
        holder.wait()
    assert p.returncode == 2
    assert "Traceback" not in p.stderr and "Could not set lock" not in p.stderr
    assert p.stderr.startswith(f"错误：数据库“{path.resolve()}”正被另一个程序（进程号 {holder.pid}）使用")
    assert "请在网页的管理页面中完成此操作，或先停止网页服务" in p.stderr


def test_cli_on_a_read_only_data_folder(read_only_data):
    p = subprocess.run([*_as_other_user(), sys.executable, "-m", "scoring", "--db",
                        str(read_only_data / "scoring.duckdb"), "rank"],
                       cwd=REPO, capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": "/tmp"})
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr
    assert f"数据文件夹“{read_only_data}”是只读的（程序没有写入权限）" in p.stderr


PAGES_PROBE = """
import json, os, sys
from streamlit.testing.v1 import AppTest
repo = sys.argv[1]
out = {}
for name, script, user in (("router", "app.py", None), ("import", "pages/admin_import.py", "admin"),
                           ("progress", "pages/admin_progress.py", "admin")):
    at = AppTest.from_file(os.path.join(repo, script), default_timeout=120)
    if user:
        at.session_state["authentication_status"] = True
        at.session_state["username"] = user
    at.run()
    out[name] = {"exception": [str(e.value) for e in at.exception], "error": [e.value for e in at.error],
                 "title": [t.value for t in at.title]}
print(json.dumps(out, ensure_ascii=False))
"""


def test_pages_name_the_read_only_folder(read_only_data, tmp_path):
    probe = Path(tempfile.mkdtemp(prefix="ro-probe-")) / "probe.py"
    probe.parent.chmod(0o755)
    probe.write_text(PAGES_PROBE, "utf-8")
    probe.chmod(0o644)
    env = {**os.environ, "HOME": "/tmp", "RATING_DATA_DIR": str(read_only_data),
           "PYTHONPATH": str(REPO)}
    p = subprocess.run([*_as_other_user(), sys.executable, str(probe), str(REPO)], cwd=REPO,
                       capture_output=True, text=True, timeout=600, env=env)
    shutil.rmtree(probe.parent, ignore_errors=True)
    assert p.returncode == 0, p.stderr[-3000:]
    out = json.loads(p.stdout.strip().splitlines()[-1])
    expected = f"数据文件夹“{read_only_data}”是只读的（程序没有写入权限）"
    router = out["router"]
    assert router["exception"] == [] and router["title"] == ["作品自检"]
    assert any(e.startswith(expected) for e in router["error"])
    for page in ("import", "progress"):
        assert out[page]["exception"] == []
        assert not any("占用" in e for e in out[page]["error"]), out[page]["error"]
        assert any(expected in e for e in out[page]["error"]), out[page]["error"]


def test_many_pages_probing_a_writable_folder_at_once_all_find_it_writable(tmp_path):
    """Each page run probes the data folder; 15 sessions at once once saw it "read-only" because
    the probes shared one file name and unlinked each other's."""
    from concurrent.futures import ThreadPoolExecutor

    from scoring.db_errors import writable
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda _: writable(tmp_path), range(2000)))
    assert results.count(False) == 0
    assert list(tmp_path.iterdir()) == []          # no probe left behind
